"""What meetings add to a case's timeline, and the part rule for the plan pages.

- Timeline (`casustafel.cases.timeline`): each agenda item of the case (the meeting, its type and
  day), with the safety scores and the decisions (priorities, interventions) of the parts the
  viewer may read (`readable_parts`, the minutes' rule). An item of which the viewer may read no
  part shows as a notice ("discussed in a case meeting"), without scores or decisions.
- Part rule (`casustafel.plans.visibility`): agreements, bodemeisen and phase moves made in a
  part the viewer may not read are shown on the plan pages as a notice only, except to the
  organisation responsible for the agreement or monitoring the bodemeis.
"""

from __future__ import annotations

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casustafel.accounts.models import User
from casustafel.cases.models import Case
from casustafel.cases.timeline import TimelineEntry, register_timeline_source
from casustafel.meetings.discussion.selectors import readable_parts
from casustafel.meetings.models import (
    AgendaItem,
    DiscussionAgreement,
    DiscussionEntry,
    DiscussionPhaseMove,
    DiscussionRequirement,
    EntryKind,
    MeetingStatus,
    SafetyScore,
)
from casustafel.plans.visibility import HiddenItems, register_part_rule
from casustafel.privacy.provenance.access import Access, CaseViewer

MEETING, SCORE, DECISION = "meeting", "score", "decision"


def _items(case: Case) -> list[AgendaItem]:
    return list(
        AgendaItem.objects.filter(case=case)
        .exclude(meeting__status=MeetingStatus.CANCELLED)
        .select_related("meeting__meeting_type", "meeting")
    )


def meetings_timeline(case: Case, viewer: CaseViewer, user: User) -> list[TimelineEntry]:
    items = _items(case)
    readable = readable_parts(user, items)
    entries = []
    for item in items:
        meeting = item.meeting
        label = {"type": meeting.meeting_type.name, "date": formats.date_format(meeting.starts_at, "j F Y")}
        if item.pk in readable:
            entries.append(
                TimelineEntry(
                    at=meeting.starts_at,
                    kind=MEETING,
                    title=_("Besproken in %(type)s van %(date)s (%(kind)s)")
                    % {**label, "kind": item.get_kind_display()},
                )
            )
        else:
            entries.append(
                TimelineEntry(
                    at=meeting.starts_at,
                    kind=MEETING,
                    title=_("Besproken in een casusoverleg (%(type)s, %(date)s); u was niet uitgenodigd") % label,
                    access=Access.NOTICE,
                )
            )
    parts = {part for item_parts in readable.values() for part in item_parts}
    for score in SafetyScore.objects.filter(discussion__item__case=case, part__in=parts).select_related(
        "organisation", "discussion__item__meeting"
    ):
        entries.append(
            TimelineEntry(
                at=score.created_at,
                kind=SCORE,
                title=_("Veiligheidscijfer %(score)s van %(participant)s")
                % {
                    "score": score.score,
                    "participant": score.organisation.name if score.organisation else score.participant,
                },
                detail=score.justification,
                organisation=score.organisation,
            )
        )
    decisions = DiscussionEntry.objects.filter(
        discussion__item__case=case, part__in=parts, kind__in=[EntryKind.PRIORITY, EntryKind.INTERVENTION]
    ).select_related("organisation")
    for decision in decisions:
        entries.append(
            TimelineEntry(
                at=decision.created_at,
                kind=DECISION,
                title=_("Besluit: %(kind)s") % {"kind": decision.get_kind_display().lower()},
                detail=decision.text,
                organisation=decision.organisation,
            )
        )
    return entries


def hidden_plan_items(case: Case, viewer: CaseViewer, user: User) -> HiddenItems:
    readable = readable_parts(user, _items(case))
    parts = {part for item_parts in readable.values() for part in item_parts}
    own = viewer.organisation_ids
    agreements = (
        DiscussionAgreement.objects.filter(agreement__case=case)
        .exclude(part__in=parts)
        .exclude(agreement__organisation__in=own)
        .values_list("agreement_id", flat=True)
    )
    requirements = (
        DiscussionRequirement.objects.filter(requirement__case=case)
        .exclude(part__in=parts)
        .exclude(requirement__monitor__in=own)
        .values_list("requirement_id", flat=True)
    )
    moves = (
        DiscussionPhaseMove.objects.filter(phase_move__case=case)
        .exclude(part__in=parts)
        .values_list("phase_move_id", flat=True)
    )
    return HiddenItems(
        agreements=frozenset(agreements), requirements=frozenset(requirements), phase_moves=frozenset(moves)
    )


def register() -> None:
    register_timeline_source(
        {
            MEETING: gettext_lazy("Casusoverleggen"),
            SCORE: gettext_lazy("Veiligheidscijfers"),
            DECISION: gettext_lazy("Besluiten"),
        },
        meetings_timeline,
    )
    register_part_rule(hidden_plan_items)
