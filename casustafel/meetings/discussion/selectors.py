"""Reads for the live meeting and the minutes, with who may see what.

- **Live mode** (recording): the meeting's chair and minute-taker, for items whose case they
  may see. Other process directors and secretaries of the house may see the meeting but not
  record in it (403); everyone else gets 404.
- **Minutes**: the chair, the minute-taker and the house's process directors and secretaries
  read every part of every item. An invitee reads only the parts of the items they were
  invited to: their organisation's sent invitation is one of the part's invitations, and, for
  an item split into parts, it was not recorded absent from that part. Other items appear as
  "another case" with their time slot only. Everyone must still be able to see the case itself
  (`Case.objects.visible_to`); the facts of the picture are shown as far as the covenant and
  the contributor's restriction let the reader see them (`privacy.provenance.access`).

"An invitee" follows the meetings' own rule (`meetings.selectors.meetings.items_visible_to`):
whoever works for, or during a substitution stands in for someone of, an organisation whose
invitation to the item was sent (`cases.models.working_for`).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from casustafel.accounts.models import User
from casustafel.accounts.types import AnyUser
from casustafel.cases.models import Case, CaseFact, CaseStatus, working_for
from casustafel.meeting_types.models import DiscussionGuideVersion, GuidePart, GuidePhase, GuideQuestion, SafetyPhase
from casustafel.meetings.discussion.services import elapsed_seconds, is_recorder
from casustafel.meetings.models import (
    AgendaItem,
    AgendaItemPart,
    Attendance,
    AttendanceStatus,
    Discussion,
    DiscussionAgreement,
    DiscussionAnswer,
    DiscussionEntry,
    DiscussionFact,
    DiscussionPhaseMove,
    DiscussionRequirement,
    Invitation,
    Meeting,
    Minutes,
    PartSkip,
    SafetyScore,
)
from casustafel.organisations.models import CASE_STAFF_ROLES, Membership
from casustafel.plans.selectors import current_phase, requirements_in_force
from casustafel.privacy.provenance.access import Access, case_viewer, with_access

# --- Who ----------------------------------------------------------------------------------------


def is_house_case_staff(user: AnyUser, house_id: int) -> bool:
    if not user.is_authenticated:
        return False
    return (
        Membership.objects.active().filter(user=user, role__in=CASE_STAFF_ROLES, organisation__house=house_id).exists()
    )


def _items() -> QuerySet[AgendaItem]:
    return AgendaItem.objects.select_related(
        "meeting__meeting_type",
        "meeting__chair",
        "meeting__minute_taker",
        "meeting__minutes",
        "case",
        "discussion__current_part",
    )


def get_live_item(user: AnyUser, meeting_pk: int, item_pk: int, *, for_save: bool = False) -> AgendaItem:
    """An item the user records on: 404 outside scope, 403 for house staff who may see the
    meeting but do not chair or minute it.

    The chair and minute-taker are nearly always process directors or secretaries of the house,
    who see every case of it that is not destroyed (`Case.objects.visible_to`); that is asked
    with one small query, and the full need-to-know rule only for anyone else. `for_save` loads
    only what a field-level save needs, so a save stays cheap whatever the agenda holds.
    """
    related: tuple[str, ...] = ("meeting", "case", "discussion__current_part")
    if not for_save:
        related += ("meeting__meeting_type", "meeting__chair", "meeting__minute_taker", "meeting__minutes")
    item = AgendaItem.objects.select_related(*related).filter(pk=item_pk, meeting_id=meeting_pk).first()
    if item is None or not user.is_authenticated or item.case.status == CaseStatus.DESTROYED:
        raise Http404
    staff = is_house_case_staff(user, item.meeting.house_id)
    if not staff and not Case.objects.visible_to(user).filter(pk=item.case_id).exists():
        raise Http404
    if not is_recorder(user, item.meeting):  # type: ignore[arg-type]
        if staff:
            raise PermissionDenied
        raise Http404
    item.recorder_is_staff = staff  # type: ignore[attr-defined]
    return item


def get_live_meeting(user: AnyUser, meeting_pk: int) -> Meeting:
    """The meeting whose agenda the chair or minute-taker runs."""
    meeting = (
        Meeting.objects.select_related("meeting_type", "chair", "minute_taker", "minutes").filter(pk=meeting_pk).first()
    )
    if meeting is None or not user.is_authenticated:
        raise Http404
    if not is_recorder(user, meeting):  # type: ignore[arg-type]
        if is_house_case_staff(user, meeting.house_id):
            raise PermissionDenied
        raise Http404
    return meeting


def _own_invitations(user: AnyUser) -> Q:
    """Sent invitations that make `user` an invitee (see the module docstring)."""
    return Q(notified_at__isnull=False) & working_for(user, timezone.now())


def readable_parts(user: AnyUser, items: Iterable[AgendaItem]) -> dict[int, frozenset[int]]:
    """Per item the ids of the parts whose minutes `user` may read; items they may not read
    at all are left out. Three queries whatever the number of items."""
    items = list(items)
    if not items or not user.is_authenticated:
        return {}
    visible_cases = set(
        Case.objects.visible_to(user).filter(pk__in={i.case_id for i in items}).values_list("pk", flat=True)
    )
    items = [i for i in items if i.case_id in visible_cases]
    meetings = {i.meeting_id: i.meeting for i in items}
    staff_houses = {m.house_id for m in meetings.values() if is_house_case_staff(user, m.house_id)}
    parts_by_item: dict[int, list[AgendaItemPart]] = defaultdict(list)
    for part in (
        AgendaItemPart.objects.filter(item__in=items)
        .prefetch_related(Prefetch("invitations", queryset=Invitation.objects.only("pk")))
        .order_by("position", "pk")
    ):
        parts_by_item[part.item_id].append(part)
    own = set(Invitation.objects.filter(item__in=items).filter(_own_invitations(user)).values_list("pk", flat=True))
    absent = set(
        Attendance.objects.filter(invitation__in=own)
        .exclude(status=AttendanceStatus.PRESENT)
        .values_list("part_id", "invitation_id")
    )
    readable: dict[int, frozenset[int]] = {}
    for item in items:
        parts = parts_by_item[item.pk]
        if is_recorder(user, item.meeting) or item.meeting.house_id in staff_houses:  # type: ignore[arg-type]
            readable[item.pk] = frozenset(p.pk for p in parts)
            continue
        split = len(parts) > 1
        chosen = set()
        for part in parts:
            mine = {inv.pk for inv in part.invitations.all()} & own
            if mine and not (split and all((part.pk, inv) in absent for inv in mine)):
                chosen.add(part.pk)
        if chosen:
            readable[item.pk] = frozenset(chosen)
    return readable


def slot_starts(meeting: Meeting, items: list[AgendaItem]) -> dict[int, dt.datetime]:
    """Each item's planned start: the meeting's start plus the minutes of the items before."""
    starts, moment = {}, meeting.starts_at
    for item in sorted(items, key=lambda i: (i.position, i.pk)):
        starts[item.pk] = moment
        moment += dt.timedelta(minutes=item.planned_minutes)
    return starts


# --- The live screen ----------------------------------------------------------------------------


@dataclass
class QuestionView:
    question: GuideQuestion
    answer: DiscussionAnswer | None
    entries: list[DiscussionEntry] = field(default_factory=list)


@dataclass
class PartView:
    guide_part: GuidePart
    skipped: bool
    questions: list[QuestionView]


@dataclass
class LiveItem:
    item: AgendaItem
    discussion: Discussion
    part: AgendaItemPart  # the part of the item being recorded
    parts: list[AgendaItemPart]
    phase: str  # the case's safety phase now ("" before the first move)
    guide_phase: GuidePhase | None
    guide_parts: list[PartView]
    facts: list[Any]  # CaseFact annotated with access, and `source`
    scores: list[SafetyScore]
    requirements: list[Any]
    agreements: list[Any]
    phase_moves: list[Any]
    elapsed: int
    attendance: dict[int, list[Any]] = field(default_factory=dict)

    @property
    def captures(self) -> set[str]:
        return {c for p in self.guide_parts for q in p.questions for c in q.question.captures}


def _guide_phase(version: DiscussionGuideVersion | None, phase: str, wanted: str = "") -> GuidePhase | None:
    if version is None:
        return None
    phases = list(version.phases.all())
    for key in (wanted, phase, SafetyPhase.DIRECT_SAFETY, ""):
        for candidate in phases:
            if candidate.safety_phase == key:
                return candidate
    return phases[0] if phases else None


def live_item(user: User, item: AgendaItem, discussion: Discussion, *, wanted_phase: str = "") -> LiveItem:
    """Everything the live screen of one item shows, for the part being recorded. Bounded by
    the guide and this discussion, not by the case's history or the agenda's length."""
    parts = list(item.parts.order_by("position", "pk"))
    part = discussion.current_part if discussion.current_part in parts else parts[0]
    phase = current_phase(item.case)
    version = (
        DiscussionGuideVersion.objects.prefetch_related("phases").filter(pk=discussion.guide_version_id or 0).first()
    )
    guide_phase = _guide_phase(version, phase, wanted_phase)
    guide_parts = _part_views(discussion, guide_phase, part)
    viewer = case_viewer(user, item.case)
    facts: list[Any] = []
    if viewer is not None:
        links = {link.fact_id: link for link in DiscussionFact.objects.filter(discussion=discussion, part=part)}
        for fact in with_access(CaseFact.objects.filter(pk__in=links), viewer).select_related("organisation", "person"):
            fact.source = links[fact.pk].source  # type: ignore[attr-defined]
            facts.append(fact)
    return LiveItem(
        item=item,
        discussion=discussion,
        part=part,
        parts=parts,
        phase=phase,
        guide_phase=guide_phase,
        guide_parts=guide_parts,
        facts=facts,
        scores=list(SafetyScore.objects.filter(discussion=discussion, part=part).select_related("organisation")),
        requirements=list(requirements_in_force(item.case)),
        agreements=[
            link.agreement
            for link in DiscussionAgreement.objects.filter(discussion=discussion, part=part).select_related(
                "agreement__organisation", "agreement__owner"
            )
        ],
        phase_moves=[
            link.phase_move
            for link in DiscussionPhaseMove.objects.filter(discussion=discussion).select_related("phase_move")
        ],
        elapsed=elapsed_seconds(discussion),
    )


def _part_views(discussion: Discussion, guide_phase: GuidePhase | None, part: AgendaItemPart) -> list[PartView]:
    if guide_phase is None:
        return []
    guide_parts = list(
        GuidePart.objects.filter(phase=guide_phase)
        .prefetch_related(Prefetch("questions", queryset=GuideQuestion.objects.order_by("position", "pk")))
        .order_by("position", "pk")
    )
    answers = {a.question_id: a for a in DiscussionAnswer.objects.filter(discussion=discussion, part=part)}
    entries: dict[int | None, list[DiscussionEntry]] = defaultdict(list)
    for entry in DiscussionEntry.objects.filter(discussion=discussion, part=part).select_related("organisation"):
        entries[entry.question_id].append(entry)
    skipped = set(PartSkip.objects.filter(discussion=discussion).values_list("guide_part_id", flat=True))
    return [
        PartView(
            guide_part=gp,
            skipped=gp.pk in skipped,
            questions=[QuestionView(q, answers.get(q.pk), entries.get(q.pk, [])) for q in gp.questions.all()],
        )
        for gp in guide_parts
    ]


@dataclass
class AttendanceRow:
    invitation: Invitation
    attendance: Attendance | None


def part_attendance(part: AgendaItemPart) -> list[AttendanceRow]:
    """Who was invited to the part and what has been recorded about their presence."""
    recorded = {a.invitation_id: a for a in Attendance.objects.filter(part=part).select_related("attended_by")}
    invitations = part.invitations.filter(notified_at__isnull=False).select_related("organisation", "invitee")
    return [AttendanceRow(i, recorded.get(i.pk)) for i in invitations.order_by("organisation__name", "pk")]


def live_agenda(meeting: Meeting) -> list[tuple[AgendaItem, int, dt.datetime]]:
    """The agenda for the live screen: each item with the seconds used and its planned start.
    No case content: the live agenda shows case numbers, like the projector would."""
    items = list(AgendaItem.objects.filter(meeting=meeting).select_related("discussion").order_by("position", "pk"))
    starts = slot_starts(meeting, items)
    now = timezone.now()
    return [(i, elapsed_seconds(i.discussion, now) if _has_discussion(i) else 0, starts[i.pk]) for i in items]


def _has_discussion(item: AgendaItem) -> bool:
    try:
        return item.discussion is not None
    except Discussion.DoesNotExist:
        return False


# --- Minutes ------------------------------------------------------------------------------------


@dataclass
class MinutesPart:
    part: AgendaItemPart
    guide_parts: list[tuple[GuidePhase, list[PartView]]]
    skipped: list[GuidePart]
    facts: list[Any]
    scores: list[SafetyScore]
    agreements: list[Any]
    requirements: list[Any]
    phase_moves: list[Any]
    attendance: list[Attendance]


@dataclass
class MinutesItem:
    item: AgendaItem
    number: int  # its place on the agenda, from 1
    starts_at: dt.datetime
    readable: bool
    parts: list[MinutesPart] = field(default_factory=list)
    hidden_parts: int = 0
    elapsed: int = 0


@dataclass
class MinutesDocument:
    meeting: Meeting
    minutes: Minutes | None
    items: list[MinutesItem]

    @property
    def approved(self) -> bool:
        return self.minutes is not None and self.minutes.approved_at is not None


def get_minutes_meeting(user: AnyUser, meeting_pk: int) -> tuple[Meeting, dict[int, frozenset[int]]]:
    """A meeting whose minutes the user may read (at least one part of one item)."""
    meeting = (
        Meeting.objects.select_related("meeting_type", "chair", "minute_taker", "house").filter(pk=meeting_pk).first()
    )
    if meeting is None:
        raise Http404
    items = list(AgendaItem.objects.filter(meeting=meeting).select_related("meeting", "case"))
    readable = readable_parts(user, items)
    if not readable:
        raise Http404
    return meeting, readable


def get_minutes_item(user: AnyUser, meeting_pk: int, item_pk: int) -> tuple[AgendaItem, frozenset[int]]:
    item = (
        AgendaItem.objects.select_related("meeting__meeting_type", "meeting__chair", "case")
        .filter(pk=item_pk, meeting_id=meeting_pk)
        .first()
    )
    if item is None:
        raise Http404
    readable = readable_parts(user, [item]).get(item.pk)
    if not readable:
        raise Http404
    return item, readable


def minutes_document(
    user: User, meeting: Meeting, readable: dict[int, frozenset[int]], *, only_item: int | None = None
) -> MinutesDocument:
    """The minutes as `user` may read them: per readable item the parts they may read, each
    with the guide's answers and entries by phase, skipped parts, facts (as far as they may see
    each), scores, phase moves, bodemeisen and agreements; other items as time slots."""
    items = list(
        AgendaItem.objects.filter(meeting=meeting).select_related("case", "discussion").order_by("position", "pk")
    )
    numbers = {item.pk: number for number, item in enumerate(items, start=1)}
    starts = slot_starts(meeting, items)
    if only_item is not None:
        items = [i for i in items if i.pk == only_item]
    result = []
    for item in items:
        entry = MinutesItem(item=item, number=numbers[item.pk], starts_at=starts[item.pk], readable=item.pk in readable)
        if entry.readable and _has_discussion(item):
            all_parts = list(item.parts.order_by("position", "pk"))
            entry.parts = [
                _minutes_part(user, item, item.discussion, part) for part in all_parts if part.pk in readable[item.pk]
            ]
            entry.hidden_parts = len(all_parts) - len(entry.parts)
            entry.elapsed = elapsed_seconds(item.discussion)
        result.append(entry)
    return MinutesDocument(meeting=meeting, minutes=Minutes.objects.filter(meeting=meeting).first(), items=result)


def _minutes_part(user: User, item: AgendaItem, discussion: Discussion, part: AgendaItemPart) -> MinutesPart:
    phases = list(GuidePhase.objects.filter(version=discussion.guide_version_id).order_by("position", "pk"))
    skipped_ids = set(PartSkip.objects.filter(discussion=discussion).values_list("guide_part_id", flat=True))
    by_phase = []
    for guide_phase in phases:
        views = [
            view
            for view in _part_views(discussion, guide_phase, part)
            if not view.skipped and (any(q.answer and q.answer.text.strip() or q.entries for q in view.questions))
        ]
        if views:
            by_phase.append((guide_phase, views))
    viewer = case_viewer(user, item.case)
    facts: list[Any] = []
    if viewer is not None:
        links = {link.fact_id: link for link in DiscussionFact.objects.filter(discussion=discussion, part=part)}
        for fact in with_access(CaseFact.objects.filter(pk__in=links), viewer).select_related("organisation"):
            if fact.access == Access.NONE.value:  # type: ignore[attr-defined]
                continue
            fact.source = links[fact.pk].source  # type: ignore[attr-defined]
            facts.append(fact)
    return MinutesPart(
        part=part,
        guide_parts=by_phase,
        skipped=list(
            GuidePart.objects.filter(pk__in=skipped_ids).select_related("phase").order_by("phase__position", "position")
        ),
        facts=facts,
        scores=list(SafetyScore.objects.filter(discussion=discussion, part=part).select_related("organisation")),
        agreements=[
            link.agreement
            for link in DiscussionAgreement.objects.filter(discussion=discussion, part=part).select_related(
                "agreement__organisation", "agreement__owner"
            )
        ],
        requirements=[
            link.requirement
            for link in DiscussionRequirement.objects.filter(discussion=discussion, part=part).select_related(
                "requirement__monitor"
            )
        ],
        phase_moves=[
            link.phase_move
            for link in DiscussionPhaseMove.objects.filter(discussion=discussion, part=part).select_related(
                "phase_move"
            )
        ],
        attendance=list(Attendance.objects.filter(part=part).select_related("invitation__organisation", "attended_by")),
    )


def minutes_readers(meeting: Meeting) -> list[tuple[User, int]]:
    """(user, case id) for everyone the approved minutes are announced to: the chair, the
    minute-taker and whoever the meetings' invitations were sent to (`invitation_recipients`).
    Each is checked again with `readable_parts`, so nobody is told about minutes they cannot
    open."""
    from casustafel.meetings.services.invitations import invitation_recipients

    items = list(AgendaItem.objects.filter(meeting=meeting).select_related("meeting", "case"))
    users: dict[int, User] = {meeting.chair.pk: meeting.chair}
    if meeting.minute_taker is not None:
        users[meeting.minute_taker.pk] = meeting.minute_taker
    for invitation in Invitation.objects.filter(item__in=items, notified_at__isnull=False).select_related(
        "invitee", "substitute"
    ):
        users.update({user.pk: user for user in invitation_recipients(invitation)})
    readers = []
    for user in sorted(users.values(), key=lambda u: u.pk):
        readable = readable_parts(user, items) if user.is_active else {}
        if readable:
            readers.append((user, next(i.case_id for i in items if i.pk in readable)))
    return readers
