"""The leak table of the live meeting and the minutes (see casustafel/testing/leak.py).

It uses the meetings' own scenario meeting (`tests/leak/meetings.py`, made on first use): item 1
is the scenario's case with org_a invited, item 2 another case of the house with org_b invited;
the process director chairs and the secretary takes the minutes. The discussions are recorded
on first use too. An invitee of item 1 never gets item 2, its minutes or its PDF, and the
reverse.
"""

from __future__ import annotations

from typing import Any

from casustafel.audit.context import Actor
from casustafel.meeting_types.guide_defaults import LEIDRAAD
from casustafel.meeting_types.guide_services import discussion_guide_install
from casustafel.meeting_types.models import Capture, GuideQuestion
from casustafel.meetings.discussion.services import answer_save, discussion_open, entry_add
from casustafel.testing.leak import FAST_PATCHES, HOUSE_CASE_STAFF, LeakCase, LeakScenario, register
from casustafel.testing.referrals import actor_for
from tests.leak.meetings import ITEM_1, ITEM_2, MEETING, _item, _meeting

FAST_PATCHES["casustafel.meetings.discussion.pdf.minutes_pdf"] = lambda document: b"%PDF-1.7 leak test"

CHAIR = frozenset({"process_director"})
SECRET_OF_ITEM_2 = "Alleen voor de genodigden van agendapunt 2"


def _discussed(s: LeakScenario) -> dict[str, Any]:
    """The two items discussed: an answer on item 2 that only its readers may see, a
    strength on item 1 to remove."""
    if "discussion" not in s.extra:
        meeting = _meeting(s)
        discussion_guide_install(actor=Actor.system(), meeting_type=meeting.meeting_type, spec=LEIDRAAD)
        secretary = actor_for(s.personas, "secretary")
        first, second = (discussion_open(actor=secretary, item=_item(s, n)) for n in (1, 2))
        questions = GuideQuestion.objects.filter(part__phase__version=first.guide_version).select_related("part__phase")
        question = next(q for q in questions if q.captures)
        strengths = next(q for q in questions if Capture.STRENGTHS in q.captures)
        answer_save(
            actor=secretary,
            discussion=second,
            part=_item(s, 2).parts.get(),
            question=question,
            text=SECRET_OF_ITEM_2,
            expected_version=None,
        )
        entry = entry_add(
            actor=secretary, discussion=first, part=_item(s, 1).parts.get(), kind="strength", text="Oma helpt"
        )
        s.extra["discussion"] = {"question": question, "strengths": strengths, "entry": entry}
    return s.extra["discussion"]  # type: ignore[no-any-return]


def _meeting_kwargs(s: LeakScenario) -> dict[str, Any]:
    _discussed(s)
    return {"meeting_pk": _meeting(s).pk}


def _item_kwargs(number: int) -> Any:
    def kwargs(s: LeakScenario) -> dict[str, Any]:
        _discussed(s)
        return {"meeting_pk": _meeting(s).pk, "item_pk": _item(s, number).pk}

    return kwargs


def _extra(s: LeakScenario, name: str) -> Any:
    return _discussed(s)[name]


RECORDERS = HOUSE_CASE_STAFF

register(
    LeakCase("meetings:live_meeting", sees=RECORDERS, kwargs=_meeting_kwargs, reads=1),
    LeakCase("meetings:live_item", sees=RECORDERS, kwargs=_item_kwargs(1), reads=1, label="item 1"),
    LeakCase("meetings:live_item", sees=RECORDERS, kwargs=_item_kwargs(2), reads=1, label="item 2"),
    LeakCase(
        "meetings:live_timer",
        method="post",
        ok=302,
        sees=RECORDERS,
        kwargs=_item_kwargs(1),
        data=lambda s: {"run": "1"},
    ),
    LeakCase(
        "meetings:live_part",
        method="post",
        ok=302,
        sees=RECORDERS,
        kwargs=_item_kwargs(1),
        data=lambda s: {"part": _item(s, 1).parts.get().pk},
    ),
    LeakCase(
        "meetings:live_attendance",
        method="post",
        htmx=True,
        sees=RECORDERS,
        kwargs=_item_kwargs(1),
        data=lambda s: {"invitation": _item(s, 1).invitations.first().pk, "status": "present"},  # type: ignore[union-attr]
        reads=0,
    ),
    LeakCase(
        "meetings:live_skip",
        method="post",
        ok=302,
        sees=CHAIR,
        forbidden=frozenset({"secretary"}),
        kwargs=lambda s: {**_item_kwargs(1)(s), "guide_part_pk": _extra(s, "question").part_id},
        data=lambda s: {"skip": "1"},
    ),
    LeakCase(
        "meetings:live_answer",
        method="post",
        htmx=True,
        sees=RECORDERS,
        kwargs=lambda s: {**_item_kwargs(1)(s), "question_pk": _extra(s, "question").pk},
        data=lambda s: {
            f"a{_extra(s, 'question').pk}-text": "Vader is weer thuis",
            f"a{_extra(s, 'question').pk}-version": "",
        },
        reads=0,
    ),
    LeakCase(
        "meetings:live_capture",
        method="post",
        htmx=True,
        sees=RECORDERS,
        kwargs=_item_kwargs(1),
        data=lambda s: {
            "question": _extra(s, "strengths").pk,
            "capture": "strengths",
            f"q{_extra(s, 'strengths').pk}strengths-kind": "strength",
            f"q{_extra(s, 'strengths').pk}strengths-text": "Buurvrouw vangt de kinderen op",
        },
        reads=0,
    ),
    LeakCase(
        "meetings:live_entry_remove",
        method="post",
        ok=302,
        sees=RECORDERS,
        kwargs=lambda s: {**_item_kwargs(1)(s), "entry_pk": _extra(s, "entry").pk},
        data=lambda s: {"version": _extra(s, "entry").version},
    ),
    LeakCase(
        "meetings:minutes",
        sees=MEETING,
        kwargs=_meeting_kwargs,
        reads=1,
        shows=lambda s: SECRET_OF_ITEM_2,
        shown_to=ITEM_2,
    ),
    LeakCase("meetings:minutes_pdf", sees=MEETING, kwargs=_meeting_kwargs, reads=0),
    LeakCase("meetings:minutes_item", sees=ITEM_1, kwargs=_item_kwargs(1), reads=1, label="item 1"),
    LeakCase(
        "meetings:minutes_item",
        sees=ITEM_2,
        kwargs=_item_kwargs(2),
        reads=1,
        label="item 2",
        shows=lambda s: SECRET_OF_ITEM_2,
        shown_to=ITEM_2,
    ),
    LeakCase("meetings:minutes_item_pdf", sees=ITEM_1, kwargs=_item_kwargs(1), reads=0, label="item 1"),
    LeakCase("meetings:minutes_item_pdf", sees=ITEM_2, kwargs=_item_kwargs(2), reads=0, label="item 2"),
    LeakCase(
        "meetings:minutes_approve",
        method="post",
        ok=302,
        sees=CHAIR,
        forbidden=(MEETING) - CHAIR,
        kwargs=_meeting_kwargs,
    ),
)
