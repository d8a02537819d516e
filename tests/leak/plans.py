"""The leak table of the plans app: the plan, goals, agreements, bodemeisen, phase, case
direction, closing, follow-up and "Mijn afspraken", with exactly who gets in (see
casustafel/testing/leak.py).

The scenario's case gets a plan (a goal and an agreement of professional_a, a bodemeis monitored
by org_a), professional_a as its accepted case director, and a handover proposed to ambassador_a;
a second case of the house is closed with its follow-up moments.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from casustafel.plans.services_direction import direction_propose
from casustafel.testing.leak import (
    CASE_ROLES,
    CASE_VIEWERS,
    FAST_PATCHES,
    HOUSE_CASE_STAFF,
    PROFESSIONAL_E,
    SUBSTITUTE_CURRENT,
    LeakCase,
    LeakScenario,
    register,
    scenario_step,
)
from casustafel.testing.plans import closed_case, make_director, make_plan
from casustafel.testing.referrals import actor_for

FAST_PATCHES["casustafel.plans.letter.plan_letter_pdf"] = lambda plan: b"%PDF-1.7 leak test"

PROCESS_DIRECTOR = frozenset({"process_director"})
# The plan is written by house staff and by the case director (professional_a).
WRITERS = HOUSE_CASE_STAFF | {"professional_a"}
NOT_WRITERS = CASE_VIEWERS - WRITERS
# The agreement and the bodemeis are org_a's: its named person and its ambassador answer them.
ORG_A = frozenset({"professional_a", "ambassador_a"})


@scenario_step
def plan_side(s: LeakScenario) -> None:
    setting = make_plan(s.personas, s.case)
    make_director(s.personas, s.case, "professional_a")
    handover = direction_propose(
        actor=actor_for(s.personas, "process_director"),
        case=s.case,
        director=s.personas.ambassador_a,
        organisation=s.personas.org_a,
        reason="Overdracht: ambassadeur neemt het over.",
    )
    closed = closed_case(s.personas, s.case)
    s.extra.update(
        plan=setting,
        handover=handover,
        closed=closed,
        follow_up=closed.follow_ups.order_by("months").first(),
    )


def _case(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.case.pk}


def _goal(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.case.pk, "goal_pk": s.extra["plan"].goal.pk}


def _agreement(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.case.pk, "agreement_pk": s.extra["plan"].agreement.pk}


def _requirement(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.case.pk, "requirement_pk": s.extra["plan"].requirement.pk}


def _handover(s: LeakScenario) -> dict[str, int]:
    return {"pk": s.case.pk, "assignment_pk": s.extra["handover"].pk}


def _agreement_url(s: LeakScenario) -> str:
    return reverse("plans:agreement", kwargs=_agreement(s))


def _version(obj: Any) -> int:
    return obj.__class__.objects.get(pk=obj.pk).version


register(
    # "Mijn afspraken": everyone with a case role has the page; the agreement shows for its
    # named person and for the ambassador of its organisation (colleagues' list).
    LeakCase("plans:my_agreements", sees=CASE_ROLES, shows=_agreement_url, shown_to=ORG_A),
    # The plan page and what only reads it: whoever sees the case.
    LeakCase("plans:plan", sees=CASE_VIEWERS, kwargs=_case, reads=1),
    LeakCase("plans:plan_versions", sees=CASE_VIEWERS, kwargs=_case, reads=1),
    LeakCase(
        "plans:plan_versions", sees=CASE_VIEWERS, kwargs=_case, query=lambda s: "a=1&b=2", reads=1, label="compare"
    ),
    LeakCase("plans:plan_letter", sees=CASE_VIEWERS, kwargs=_case, reads=0),
    LeakCase("plans:agreement", sees=CASE_VIEWERS, kwargs=_agreement, reads=1),
    LeakCase("plans:direction", sees=CASE_VIEWERS, kwargs=_case, reads=1),
    # Writing the plan: house staff and the case director.
    LeakCase("plans:plan_edit", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_case, reads=1),
    LeakCase(
        "plans:plan_edit", method="post", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_case, reads=1, label="invalid"
    ),
    LeakCase(
        "plans:plan_edit",
        method="post",
        sees=WRITERS,
        forbidden=NOT_WRITERS,
        kwargs=_case,
        data=lambda s: {
            "approach": "joint",
            "common_goal": "Veilig thuis wonen.",
            "reason": "Aangescherpt",
            "version": _version(s.extra["plan"].plan),
        },
        ok=302,
        reads=0,
        label="valid",
    ),
    LeakCase("plans:phase_move", method="post", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_case, reads=1),
    LeakCase("plans:goal_create", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_case, reads=1),
    LeakCase(
        "plans:goal_create", method="post", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_case, reads=1, label="invalid"
    ),
    LeakCase("plans:goal_edit", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_goal, reads=1),
    LeakCase(
        "plans:goal_edit", method="post", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_goal, reads=1, label="invalid"
    ),
    LeakCase("plans:goal_progress", method="post", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_goal, reads=1),
    LeakCase("plans:goal_withdraw", method="post", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_goal, reads=1),
    LeakCase("plans:agreement_create", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_case, reads=1),
    LeakCase(
        "plans:agreement_create",
        method="post",
        sees=WRITERS,
        forbidden=NOT_WRITERS,
        kwargs=_case,
        reads=1,
        label="invalid",
    ),
    LeakCase("plans:agreement_edit", method="post", sees=WRITERS, forbidden=NOT_WRITERS, kwargs=_agreement, reads=1),
    # Answering and reporting on the agreement: its organisation (named person, ambassador).
    LeakCase(
        "plans:agreement_answer",
        method="post",
        sees=ORG_A,
        forbidden=CASE_VIEWERS - ORG_A,
        kwargs=_agreement,
        reads=1,
        label="invalid",
    ),
    LeakCase(
        "plans:agreement_answer",
        method="post",
        sees=ORG_A,
        forbidden=CASE_VIEWERS - ORG_A,
        kwargs=_agreement,
        data=lambda s: {"answer-decision": "accept", "answer-version": _version(s.extra["plan"].agreement)},
        ok=302,
        reads=0,
        label="valid",
    ),
    LeakCase(
        "plans:agreement_report",
        method="post",
        sees=ORG_A,
        forbidden=CASE_VIEWERS - ORG_A,
        kwargs=_agreement,
        reads=1,
        label="invalid",
    ),
    LeakCase(
        "plans:agreement_report",
        method="post",
        sees=ORG_A,
        forbidden=CASE_VIEWERS - ORG_A,
        kwargs=_agreement,
        data=lambda s: {
            "report-progress": "partly",
            "report-result": "Eerste huisbezoek gedaan.",
            "report-version": _version(s.extra["plan"].agreement),
        },
        ok=302,
        reads=0,
        label="valid",
    ),
    # The bodemeis: its monitor (org_a) and house staff report whether it is met.
    LeakCase(
        "plans:requirement_check",
        method="post",
        sees=HOUSE_CASE_STAFF | ORG_A,
        forbidden=frozenset({SUBSTITUTE_CURRENT, PROFESSIONAL_E}),
        kwargs=_requirement,
        reads=1,
    ),
    # Case direction: the process director proposes and ends; the proposed ambassador answers;
    # the process director and the case director tick their tasks.
    LeakCase(
        "plans:direction_propose",
        method="post",
        sees=PROCESS_DIRECTOR,
        forbidden=CASE_VIEWERS - PROCESS_DIRECTOR,
        kwargs=_case,
        reads=1,
    ),
    LeakCase(
        "plans:direction_end",
        method="post",
        sees=PROCESS_DIRECTOR,
        forbidden=CASE_VIEWERS - PROCESS_DIRECTOR,
        kwargs=_handover,
        reads=1,
    ),
    LeakCase(
        "plans:direction_answer",
        method="post",
        sees=frozenset({"ambassador_a"}),
        forbidden=CASE_VIEWERS - {"ambassador_a"},
        kwargs=_handover,
        reads=1,
    ),
    LeakCase(
        "plans:direction_task",
        method="post",
        sees=PROCESS_DIRECTOR | {"professional_a"},
        forbidden=CASE_VIEWERS - PROCESS_DIRECTOR - {"professional_a"},
        kwargs=_case,
        reads=1,
    ),
    # Closing: the process director; proposing to close: house staff.
    LeakCase(
        "plans:case_close", sees=PROCESS_DIRECTOR, forbidden=CASE_VIEWERS - PROCESS_DIRECTOR, kwargs=_case, reads=1
    ),
    LeakCase(
        "plans:case_close",
        method="post",
        sees=PROCESS_DIRECTOR,
        forbidden=CASE_VIEWERS - PROCESS_DIRECTOR,
        kwargs=_case,
        reads=1,
        label="invalid",
    ),
    LeakCase(
        "plans:closure_propose",
        method="post",
        sees=HOUSE_CASE_STAFF,
        forbidden=CASE_VIEWERS - HOUSE_CASE_STAFF,
        kwargs=_case,
        ok=302,
        reads=0,
    ),
    # Follow-up of the closed case: the partners lost sight of it at closing; of the house
    # staff only the process director answers.
    LeakCase(
        "plans:follow_up",
        sees=PROCESS_DIRECTOR,
        forbidden=frozenset({"secretary"}),
        kwargs=lambda s: {"pk": s.extra["closed"].pk, "follow_up_pk": s.extra["follow_up"].pk},
        reads=1,
    ),
)
