"""The leak table of the live meeting and the minutes (see casustafel/testing/leak.py).

The scenario's meeting: chaired by the process director, minuted by the secretary; item 1 is
the scenario's case with org_a invited (professional_a named), item 2 another case of the house
with org_b involved and invited (professional_b named). An invitee of item 1 never gets item 2,
its minutes or its PDF, and the reverse.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils import timezone

from casustafel.audit.context import Actor
from casustafel.meeting_types.guide_defaults import LEIDRAAD
from casustafel.meeting_types.guide_services import discussion_guide_install
from casustafel.meeting_types.models import Capture, GuideQuestion
from casustafel.meetings.discussion.services import answer_save, discussion_open, entry_add
from casustafel.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemPart,
    Invitation,
    InvitationStatus,
    Meeting,
)
from casustafel.testing.cases import CaseFactory, ReferralFactory
from casustafel.testing.involvements import involve
from casustafel.testing.leak import FAST_PATCHES, HOUSE_CASE_STAFF, LeakCase, LeakScenario, register, scenario_step
from casustafel.testing.referrals import actor_for

FAST_PATCHES["casustafel.meetings.discussion.pdf.minutes_pdf"] = lambda document: b"%PDF-1.7 leak test"

CHAIR = frozenset({"process_director"})
READERS_1 = HOUSE_CASE_STAFF | {"professional_a"}
READERS_2 = HOUSE_CASE_STAFF | {"professional_b"}
SECRET_OF_ITEM_2 = "Alleen voor de genodigden van agendapunt 2"


@scenario_step
def _meeting(s: LeakScenario) -> None:
    personas = s.personas
    discussion_guide_install(actor=Actor.system(), meeting_type=s.case.meeting_type, spec=LEIDRAAD)
    other = CaseFactory(
        referral=ReferralFactory(
            submitted=True, status="accepted", referring_organisation=personas.org_b, referrer=personas.professional_b
        ),
        meeting_type=s.case.meeting_type,
        process_director=personas.process_director,
    )
    involve(personas, other, personas.org_b)
    starts = timezone.now() + dt.timedelta(hours=1)
    meeting = Meeting.objects.create(
        house=personas.house,
        meeting_type=s.case.meeting_type,
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        chair=personas.process_director,
        minute_taker=personas.secretary,
        created_by=personas.secretary,
    )
    items = []
    for position, (case, organisation, invitee) in enumerate(
        [(s.case, personas.org_a, personas.professional_a), (other, personas.org_b, personas.professional_b)]
    ):
        item = AgendaItem.objects.create(
            meeting=meeting, case=case, kind=AgendaItemKind.NEW, position=position, planned_minutes=20
        )
        invitation = Invitation.objects.create(
            item=item, organisation=organisation, invitee=invitee, status=InvitationStatus.CONFIRMED
        )
        AgendaItemPart.objects.create(item=item, title="Bespreking", planned_minutes=20).invitations.add(invitation)
        items.append(item)
    secretary = actor_for(personas, "secretary")
    discussions = [discussion_open(actor=secretary, item=item) for item in items]
    question = next(
        q for q in GuideQuestion.objects.filter(part__phase__version=discussions[0].guide_version) if q.captures
    )
    strengths = next(
        q
        for q in GuideQuestion.objects.filter(part__phase__version=discussions[0].guide_version)
        if Capture.STRENGTHS in q.captures
    )
    answer_save(
        actor=secretary,
        discussion=discussions[1],
        part=items[1].parts.get(),
        question=question,
        text=SECRET_OF_ITEM_2,
        expected_version=None,
    )
    entry = entry_add(
        actor=secretary, discussion=discussions[0], part=items[0].parts.get(), kind="strength", text="Oma helpt"
    )
    s.extra.update(
        meeting=meeting, item_1=items[0], item_2=items[1], question=question, strengths=strengths, entry=entry
    )


def _meeting_kwargs(s: LeakScenario) -> dict[str, Any]:
    return {"meeting_pk": s.extra["meeting"].pk}


def _item(name: str) -> Any:
    return lambda s: {"meeting_pk": s.extra["meeting"].pk, "item_pk": s.extra[name].pk}


RECORDERS = HOUSE_CASE_STAFF

register(
    LeakCase("meetings:live_meeting", sees=RECORDERS, kwargs=_meeting_kwargs, reads=1),
    LeakCase("meetings:live_item", sees=RECORDERS, kwargs=_item("item_1"), reads=1, label="item 1"),
    LeakCase("meetings:live_item", sees=RECORDERS, kwargs=_item("item_2"), reads=1, label="item 2"),
    LeakCase(
        "meetings:live_timer",
        method="post",
        ok=302,
        sees=RECORDERS,
        kwargs=_item("item_1"),
        data=lambda s: {"run": "1"},
    ),
    LeakCase(
        "meetings:live_part",
        method="post",
        ok=302,
        sees=RECORDERS,
        kwargs=_item("item_1"),
        data=lambda s: {"part": s.extra["item_1"].parts.get().pk},
    ),
    LeakCase(
        "meetings:live_skip",
        method="post",
        ok=302,
        sees=CHAIR,
        forbidden=frozenset({"secretary"}),
        kwargs=lambda s: {**_item("item_1")(s), "guide_part_pk": s.extra["question"].part_id},
        data=lambda s: {"skip": "1"},
    ),
    LeakCase(
        "meetings:live_answer",
        method="post",
        htmx=True,
        sees=RECORDERS,
        kwargs=lambda s: {**_item("item_1")(s), "question_pk": s.extra["question"].pk},
        data=lambda s: {
            f"a{s.extra['question'].pk}-text": "Vader is weer thuis",
            f"a{s.extra['question'].pk}-version": "",
        },
        reads=0,
    ),
    LeakCase(
        "meetings:live_capture",
        method="post",
        htmx=True,
        sees=RECORDERS,
        kwargs=_item("item_1"),
        data=lambda s: {
            "question": s.extra["strengths"].pk,
            "capture": "strengths",
            f"q{s.extra['strengths'].pk}strengths-kind": "strength",
            f"q{s.extra['strengths'].pk}strengths-text": "Buurvrouw vangt de kinderen op",
        },
        reads=0,
    ),
    LeakCase(
        "meetings:live_entry_remove",
        method="post",
        ok=302,
        sees=RECORDERS,
        kwargs=lambda s: {**_item("item_1")(s), "entry_pk": s.extra["entry"].pk},
        data=lambda s: {"version": s.extra["entry"].version},
    ),
    LeakCase(
        "meetings:minutes",
        sees=READERS_1 | READERS_2,
        kwargs=_meeting_kwargs,
        reads=1,
        shows=lambda s: SECRET_OF_ITEM_2,
        shown_to=READERS_2,
    ),
    LeakCase("meetings:minutes_pdf", sees=READERS_1 | READERS_2, kwargs=_meeting_kwargs, reads=0),
    LeakCase("meetings:minutes_item", sees=READERS_1, kwargs=_item("item_1"), reads=1, label="item 1"),
    LeakCase(
        "meetings:minutes_item",
        sees=READERS_2,
        kwargs=_item("item_2"),
        reads=1,
        label="item 2",
        shows=lambda s: SECRET_OF_ITEM_2,
        shown_to=READERS_2,
    ),
    LeakCase("meetings:minutes_item_pdf", sees=READERS_1, kwargs=_item("item_1"), reads=0, label="item 1"),
    LeakCase("meetings:minutes_item_pdf", sees=READERS_2, kwargs=_item("item_2"), reads=0, label="item 2"),
    LeakCase(
        "meetings:minutes_approve",
        method="post",
        ok=302,
        sees=CHAIR,
        forbidden=(READERS_1 | READERS_2) - CHAIR,
        kwargs=_meeting_kwargs,
    ),
)
