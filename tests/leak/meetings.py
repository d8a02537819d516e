"""The leak table of the meetings app: every meeting, agenda item, invitation, part, client
participation and notification URL, with exactly who gets in (see casustafel/testing/leak.py).

The scenario's meeting has two items: item 1 is the scenario's case (org_a invited: its
professional, its ambassador and professional_a's current substitute; org_e, involved too, is
invited by default, and of org_e, which limits cases to the people named, only the named
professional gets in), item 2 another case of
the house (org_b invited: professional_b). An invitee of item 1 gets 404 on item 2, and the
reverse; the house's process director and secretary see both and alone may plan; an invitee who
sees an item but may not change it gets 403.

The meeting is made on first use rather than as a `scenario_step`: the scenario's exact visible
case sets (tests/test_leak.py) count one case per house, and only these leak cases need a second.
"""

from __future__ import annotations

from django.urls import reverse

from casustafel.meetings.models import AgendaItem, Invitation, Meeting
from casustafel.notifications.models import Notification
from casustafel.testing.leak import (
    FAST_PATCHES,
    FORMER_MEMBERS,
    HOUSE_CASE_STAFF,
    HOUSE_MEMBERS,
    OUTSIDER_PROCESS_DIRECTOR,
    PROFESSIONAL_E,
    SUBSTITUTE_CURRENT,
    LeakCase,
    LeakScenario,
    register,
)
from casustafel.testing.meetings import house_case, invite, on_agenda, plan_meeting, send

FAST_PATCHES["casustafel.meetings.letter.client_letter_pdf"] = lambda item, letters: b"%PDF-1.7 leak test"

ALL_USERS = HOUSE_MEMBERS | FORMER_MEMBERS | {"outsider_house", OUTSIDER_PROCESS_DIRECTOR}
ORG_A_INVITEES = frozenset({"professional_a", "ambassador_a", SUBSTITUTE_CURRENT})
ITEM_1_INVITEES = ORG_A_INVITEES | {PROFESSIONAL_E}
ITEM_2_INVITEES = frozenset({"professional_b"})
ITEM_1 = HOUSE_CASE_STAFF | ITEM_1_INVITEES
ITEM_2 = HOUSE_CASE_STAFF | ITEM_2_INVITEES
MEETING = ITEM_1 | ITEM_2
INVITEES = MEETING - HOUSE_CASE_STAFF
# Who may plan: the house's staff, and the other house's process director (for their own house).
PLANNERS = HOUSE_CASE_STAFF | {OUTSIDER_PROCESS_DIRECTOR}


def _meeting(s: LeakScenario) -> Meeting:
    # Own keys: the discussions' scenario step keeps its meeting under "meeting", "item_1"...
    if "agenda_meeting" not in s.extra:
        personas = s.personas
        meeting = plan_meeting(personas, meeting_type=s.case.meeting_type)
        first = on_agenda(personas, meeting, s.case)  # org_a is involved: invited by default
        second = on_agenda(personas, meeting, house_case(personas, meeting_type=s.case.meeting_type))
        invite(personas, second, personas.org_b)
        send(personas, meeting)
        s.extra.update(agenda_meeting=meeting, agenda_item_1=first, agenda_item_2=second)
    meeting = s.extra["agenda_meeting"]
    assert isinstance(meeting, Meeting)
    return meeting


def _item(s: LeakScenario, number: int) -> AgendaItem:
    _meeting(s)
    item = s.extra[f"agenda_item_{number}"]
    assert isinstance(item, AgendaItem)
    return item


def _m(s: LeakScenario) -> dict[str, int]:
    return {"meeting_pk": _meeting(s).pk}


def _i1(s: LeakScenario) -> dict[str, int]:
    return {"meeting_pk": _meeting(s).pk, "item_pk": _item(s, 1).pk}


def _i2(s: LeakScenario) -> dict[str, int]:
    return {"meeting_pk": _meeting(s).pk, "item_pk": _item(s, 2).pk}


def _invitation(s: LeakScenario, number: int) -> Invitation:
    return _item(s, number).invitations.get(organisation=s.personas.org_a if number == 1 else s.personas.org_b)


def _inv1(s: LeakScenario) -> dict[str, int]:
    return _i1(s) | {"invitation_pk": _invitation(s, 1).pk}


def _inv2(s: LeakScenario) -> dict[str, int]:
    return _i2(s) | {"invitation_pk": _invitation(s, 2).pk}


def _part1(s: LeakScenario) -> dict[str, int]:
    return _i1(s) | {"part_pk": _item(s, 1).parts.get().pk}


def _item_url(s: LeakScenario, number: int) -> str:
    item = _item(s, number)
    return reverse("meetings:agenda_item_detail", args=[item.meeting_id, item.pk])


def _notification_b(s: LeakScenario) -> Notification:
    _meeting(s)
    return Notification.objects.get(recipient=s.personas.users["professional_b"], url=_item_url(s, 2))


register(
    # The list: every user gets the page; only those invited (and staff) find the meeting on it.
    LeakCase(
        "meetings:meeting_list",
        sees=ALL_USERS,
        shows=lambda s: reverse("meetings:meeting_detail", args=[_meeting(s).pk]),
        shown_to=MEETING,
    ),
    LeakCase("meetings:meeting_create", sees=PLANNERS),
    LeakCase(
        "meetings:meeting_detail", kwargs=_m, sees=MEETING, reads=1, shows=lambda s: _item_url(s, 1), shown_to=ITEM_1
    ),
    LeakCase(
        "meetings:meeting_detail",
        kwargs=_m,
        sees=MEETING,
        reads=1,
        shows=lambda s: _item_url(s, 2),
        shown_to=ITEM_2,
        label="item 2 link",
    ),
    LeakCase("meetings:meeting_edit", kwargs=_m, sees=HOUSE_CASE_STAFF, forbidden=INVITEES),
    LeakCase("meetings:meeting_cancel", method="post", ok=302, kwargs=_m, sees=HOUSE_CASE_STAFF, forbidden=INVITEES),
    LeakCase("meetings:agenda_propose", method="post", ok=302, kwargs=_m, sees=HOUSE_CASE_STAFF, forbidden=INVITEES),
    # Empty POST: the form comes back with its errors on the meeting page.
    LeakCase("meetings:agenda_item_add", method="post", kwargs=_m, sees=HOUSE_CASE_STAFF, forbidden=INVITEES, reads=1),
    LeakCase("meetings:invitations_send", method="post", ok=302, kwargs=_m, sees=HOUSE_CASE_STAFF, forbidden=INVITEES),
    LeakCase("meetings:attendance_edit", kwargs=_m, sees=HOUSE_CASE_STAFF, forbidden=INVITEES, reads=1),
    # Items: an invitee of one item gets 404 on the other.
    LeakCase("meetings:agenda_item_detail", kwargs=_i1, sees=ITEM_1, reads=1, label="item 1"),
    LeakCase("meetings:agenda_item_detail", kwargs=_i2, sees=ITEM_2, reads=1, label="item 2"),
    LeakCase(
        "meetings:agenda_item_edit",
        method="post",
        kwargs=_i1,
        sees=HOUSE_CASE_STAFF,
        forbidden=ITEM_1_INVITEES,
        reads=1,
    ),
    LeakCase(
        "meetings:agenda_item_move", method="post", ok=302, kwargs=_i1, sees=HOUSE_CASE_STAFF, forbidden=ITEM_1_INVITEES
    ),
    LeakCase(
        "meetings:agenda_item_remove",
        method="post",
        ok=302,
        kwargs=_i2,
        sees=HOUSE_CASE_STAFF,
        forbidden=ITEM_2_INVITEES,
    ),
    LeakCase(
        "meetings:case_separation", method="post", ok=302, kwargs=_i1, sees=HOUSE_CASE_STAFF, forbidden=ITEM_1_INVITEES
    ),
    LeakCase(
        "meetings:invitation_add", method="post", kwargs=_i2, sees=HOUSE_CASE_STAFF, forbidden=ITEM_2_INVITEES, reads=1
    ),
    LeakCase(
        "meetings:invitation_remove",
        method="post",
        ok=302,
        kwargs=_inv1,
        sees=HOUSE_CASE_STAFF,
        forbidden=ITEM_1_INVITEES,
    ),
    # An invitation is answered by the invited organisation's people; staff see it, may not answer.
    # professional_e sees item 1 (org_e is invited too) but may not answer org_a's invitation.
    LeakCase(
        "meetings:invitation_respond",
        kwargs=_inv1,
        sees=ORG_A_INVITEES,
        forbidden=HOUSE_CASE_STAFF | {PROFESSIONAL_E},
        reads=1,
    ),
    LeakCase(
        "meetings:invitation_respond",
        kwargs=_inv2,
        sees=ITEM_2_INVITEES,
        forbidden=HOUSE_CASE_STAFF,
        reads=1,
        label="item 2",
    ),
    LeakCase("meetings:agenda_item_split", kwargs=_i1, sees=HOUSE_CASE_STAFF, forbidden=ITEM_1_INVITEES, reads=1),
    LeakCase("meetings:part_add", kwargs=_i2, sees=HOUSE_CASE_STAFF, forbidden=ITEM_2_INVITEES, reads=1),
    LeakCase("meetings:part_edit", kwargs=_part1, sees=HOUSE_CASE_STAFF, forbidden=ITEM_1_INVITEES, reads=1),
    # The item's only part cannot go: the refusal is a redirect with a message.
    LeakCase(
        "meetings:part_remove", method="post", ok=302, kwargs=_part1, sees=HOUSE_CASE_STAFF, forbidden=ITEM_1_INVITEES
    ),
    LeakCase("meetings:client_participation_edit", kwargs=_i1, sees=ITEM_1, reads=1),
    LeakCase("meetings:client_participation_edit", kwargs=_i2, sees=ITEM_2, reads=1, label="item 2"),
    LeakCase("meetings:client_letter", kwargs=_i1, sees=ITEM_1, reads=0),
    # Notifications: one's own only. professional_b was invited to item 2 (org_b has no ambassador).
    LeakCase(
        "notifications:notification_list",
        sees=ALL_USERS,
        shows=lambda s: reverse("notifications:notification_open", args=[_notification_b(s).pk]),
        shown_to=ITEM_2_INVITEES,
    ),
    LeakCase("notifications:unread_count", sees=ALL_USERS),
    LeakCase("notifications:mark_all_read", method="post", ok=302, sees=ALL_USERS),
    LeakCase(
        "notifications:notification_open",
        method="post",
        ok=302,
        kwargs=lambda s: {"notification_pk": _notification_b(s).pk},
        sees=ITEM_2_INVITEES,
    ),
)
