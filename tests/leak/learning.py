"""The leak table of the learning cycle (see casustafel/testing/leak.py). The scenario adds three
self-assessment rounds of the house (in preparation, open, closed) with professional_a invited,
an improvement plan with an action owned by professional_b (org_b), and an effort entry of
org_a (`testing/learning.py`).

- Rounds: the house's process director and house manager run them, the board reads them, an
  invited participant fills in their own form and reads the results once closed.
- Plans and actions: every member of the house reads them; managers write; the owner's
  organisation reports; every member rates an action's value for their own organisation.
- Effort: everyone records for the organisation they act for and reads its entries; the
  managers and the board read every entry of the house; only the organisation itself and the
  managers correct one.
"""

from __future__ import annotations

from django.utils import timezone

from casustafel.learning.models import AssessmentInvitation
from casustafel.testing.leak import (
    HOUSE_MEMBERS,
    NOBODY,
    OUTSIDER_PROCESS_DIRECTOR,
    LeakCase,
    LeakScenario,
    register,
    scenario_step,
)
from casustafel.testing.learning import EFFORT_NOTE, PLAN_TITLE, learning_setting

MANAGERS = frozenset({"process_director", "house_manager"})
READERS = MANAGERS | {"board_member"}
EVERYONE = HOUSE_MEMBERS | {"outsider_house", OUTSIDER_PROCESS_DIRECTOR}
NON_MANAGERS = HOUSE_MEMBERS - MANAGERS
PARTICIPANT = frozenset({"professional_a"})
ORG_A = frozenset({"professional_a", "ambassador_a"})
ORG_B_OWNER = frozenset({"professional_b"})


@scenario_step
def _learning(scenario: LeakScenario) -> None:
    scenario.extra["learning"] = learning_setting(scenario.personas)


def _setting(s: LeakScenario):  # type: ignore[no-untyped-def]
    return s.extra["learning"]


def _pk(name: str):  # type: ignore[no-untyped-def]
    return lambda s: {"pk": getattr(_setting(s), name).pk}


def _version(s: LeakScenario, name: str) -> str:
    """The current version of a setting's object: every edit posts it (optimistic locking)."""
    obj = getattr(_setting(s), name)
    return str(type(obj).objects.get(pk=obj.pk).version)


def _fill_version(s: LeakScenario) -> str:
    invitation = AssessmentInvitation.objects.get(assessment=_setting(s).open, user=s.personas.users["professional_a"])
    return str(invitation.version)


register(
    LeakCase("learning:home", sees=EVERYONE, shows=lambda s: PLAN_TITLE, shown_to=HOUSE_MEMBERS, reads=0),
    LeakCase("learning:assessment_create", sees=MANAGERS | {OUTSIDER_PROCESS_DIRECTOR}, reads=0),
    LeakCase(
        "learning:assessment_create",
        method="post",
        sees=MANAGERS | {OUTSIDER_PROCESS_DIRECTOR},
        data=lambda s: {"instrument": "factors", "title": "Nieuwe ronde", "closes_on": "2099-01-31"},
        ok=302,
        reads=0,
        side_door=False,  # GET is the same page for the same people
    ),
    LeakCase("learning:assessment", kwargs=_pk("open"), sees=READERS, reads=0),
    LeakCase(
        "learning:assessment",
        kwargs=_pk("draft"),
        method="post",
        sees=MANAGERS,
        forbidden=frozenset({"board_member"}),
        data=lambda s: {
            "edit-title": "Nieuwe titel",
            "edit-closes_on": "2099-01-31",
            "edit-version": _version(s, "draft"),
        },
        ok=302,
        reads=0,
    ),
    LeakCase(
        "learning:assessment_invite",
        kwargs=_pk("draft"),
        method="post",
        sees=MANAGERS,
        forbidden=frozenset({"board_member"}),
        data=lambda s: {"invite-participants": [s.personas.memberships["professional_b"].pk]},
        ok=302,
        reads=0,
    ),
    LeakCase(
        "learning:assessment_open",
        kwargs=_pk("draft"),
        method="post",
        sees=MANAGERS,
        forbidden=frozenset({"board_member"}),
        ok=302,
        reads=0,
    ),
    LeakCase(
        "learning:assessment_close",
        kwargs=_pk("open"),
        method="post",
        sees=MANAGERS,
        forbidden=frozenset({"board_member"}),
        ok=302,
        reads=0,
    ),
    LeakCase("learning:assessment_fill", kwargs=_pk("open"), sees=PARTICIPANT, reads=0),
    LeakCase(
        "learning:assessment_fill",
        kwargs=_pk("draft"),
        label="draft round does not exist for participants",
        sees=NOBODY,
    ),
    LeakCase(
        "learning:assessment_fill",
        kwargs=_pk("open"),
        method="post",
        sees=PARTICIPANT,
        data=lambda s: {"f_chair_steers": "agree", "save": "1", "version": _fill_version(s)},
        ok=302,
        reads=0,
    ),
    LeakCase("learning:assessment_results", kwargs=_pk("closed"), sees=READERS | PARTICIPANT, reads=1),
    LeakCase("learning:assessment_results", kwargs=_pk("open"), label="open round", sees=READERS, reads=1),
    LeakCase("learning:plan_create", sees=MANAGERS | {OUTSIDER_PROCESS_DIRECTOR}, reads=0),
    LeakCase("learning:plan", kwargs=_pk("plan"), sees=HOUSE_MEMBERS, reads=0),
    LeakCase(
        "learning:plan",
        kwargs=_pk("plan"),
        method="post",
        sees=MANAGERS,
        forbidden=NON_MANAGERS,
        data=lambda s: {"title": "Ander plan", "aim": "Iets anders.", "version": _version(s, "plan")},
        ok=302,
        reads=0,
    ),
    LeakCase(
        "learning:plan_close", kwargs=_pk("plan"), method="post", sees=MANAGERS, forbidden=NON_MANAGERS, ok=302, reads=0
    ),
    LeakCase("learning:action_create", kwargs=_pk("plan"), sees=MANAGERS, forbidden=NON_MANAGERS, reads=0),
    LeakCase("learning:action", kwargs=_pk("action"), sees=HOUSE_MEMBERS, reads=0),
    LeakCase("learning:action_edit", kwargs=_pk("action"), sees=MANAGERS, forbidden=NON_MANAGERS, reads=0),
    LeakCase(
        "learning:action_report",
        kwargs=_pk("action"),
        method="post",
        sees=ORG_B_OWNER,
        forbidden=HOUSE_MEMBERS - ORG_B_OWNER,
        data=lambda s: {
            "report-progress": "partly",
            "report-result": "Eerste teams werken zo.",
            "report-version": _version(s, "action"),
        },
        ok=302,
        reads=0,
    ),
    LeakCase(
        "learning:action_drop",
        kwargs=_pk("action"),
        method="post",
        sees=MANAGERS,
        forbidden=NON_MANAGERS,
        data=lambda s: {"drop-reason": "Niet meer nodig.", "drop-version": _version(s, "action")},
        ok=302,
        reads=0,
    ),
    LeakCase(
        "learning:action_rate",
        kwargs=_pk("action"),
        method="post",
        sees=HOUSE_MEMBERS,
        data=lambda s: {
            "rating-year": str(timezone.localdate().year),
            "rating-rating": "4",
            "rating-narrative": "Partners bellen elkaar eerder.",
            "rating-aspect": "",
            "rating-version": "",
        },
        ok=302,
        reads=0,
    ),
    LeakCase(
        "learning:effort",
        sees=EVERYONE,
        shows=lambda s: EFFORT_NOTE,
        shown_to=ORG_A | READERS,
        reads=0,
        side_door=False,  # POST records for the organisation one acts for: no door into another's entries
    ),
    LeakCase(
        "learning:effort",
        method="post",
        sees=EVERYONE,
        data=lambda s: {
            "month": "2020-01",
            "activity": "preparing",
            "direction": "more",
            "hours": "2,5",
            "evidence": "estimated",
        },
        ok=302,
        reads=0,
        side_door=False,
    ),
    LeakCase("learning:effort_overview", sees=READERS | {OUTSIDER_PROCESS_DIRECTOR}, reads=1),
    LeakCase(
        "learning:effort_edit",
        kwargs=_pk("effort"),
        sees=ORG_A | MANAGERS,
        forbidden=frozenset({"board_member"}),
        reads=0,
    ),
    LeakCase(
        "learning:effort_delete",
        kwargs=_pk("effort"),
        method="post",
        sees=ORG_A | MANAGERS,
        forbidden=frozenset({"board_member"}),
        ok=302,
        reads=0,
    ),
)
