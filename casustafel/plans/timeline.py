"""The plan side's entries on the case timeline (`casustafel.cases.timeline`): phase moves, plan
versions, goals judged, agreements with their answers and feedback, bodemeisen and their checks,
case direction and handovers; closure and follow-up for house staff.

Items made in a part of a meeting the viewer was not invited to show as a notice only
(`plans.visibility`), as in the minutes.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from casustafel.accounts.models import User
from casustafel.cases.models import Case
from casustafel.cases.timeline import TimelineEntry, register_timeline_source
from casustafel.plans.models import (
    ActionPlan,
    Agreement,
    AgreementResponse,
    AgreementUpdate,
    ClosurePlan,
    DirectionAssignment,
    DirectionStatus,
    FollowUp,
    Goal,
    GoalStatus,
    MinimumRequirement,
    PhaseDirection,
    PhaseMove,
    PlanVersion,
    RequirementCheck,
)
from casustafel.plans.visibility import hidden_items
from casustafel.privacy.provenance.access import Access, CaseViewer

PHASE, PLAN, AGREEMENT, FEEDBACK, REQUIREMENT, DIRECTION, CLOSURE, FOLLOW_UP = (
    "phase",
    "plan",
    "agreement",
    "feedback",
    "requirement",
    "direction",
    "closure",
    "follow_up",
)


def _date(value: dt.date) -> str:
    return formats.date_format(value, "j F Y")


def _phase_entries(case: Case, hidden: frozenset[int]) -> list[TimelineEntry]:
    entries = []
    for move in PhaseMove.objects.filter(case=case).order_by("moved_at", "pk"):
        if move.direction == PhaseDirection.INITIAL:
            title = _("Fase: %(to)s") % {"to": move.get_to_phase_display()}
        elif move.direction == PhaseDirection.BACKWARD:
            title = _("Fase terug: %(from)s → %(to)s") % {
                "from": move.get_from_phase_display(),
                "to": move.get_to_phase_display(),
            }
        else:
            title = _("Fase vooruit: %(from)s → %(to)s") % {
                "from": move.get_from_phase_display(),
                "to": move.get_to_phase_display(),
            }
        entries.append(
            TimelineEntry(at=move.moved_at, kind=PHASE, title=title, detail="" if move.pk in hidden else move.reason)
        )
    return entries


def _plan_entries(case: Case) -> list[TimelineEntry]:
    plan = ActionPlan.objects.filter(case=case).first()
    if plan is None:
        return []
    entries = [
        TimelineEntry(
            at=version.created_at,
            kind=PLAN,
            title=_("Plan van aanpak, versie %(number)s") % {"number": version.number},
            detail=version.reason,
        )
        for version in PlanVersion.objects.filter(plan=plan).order_by("number")
    ]
    for goal in Goal.objects.filter(plan=plan, status_on__isnull=False).exclude(status=GoalStatus.NOT_STARTED):
        entries.append(
            TimelineEntry(
                at=_at(goal.status_on, goal.updated_at),
                kind=PLAN,
                title=_("Doel %(status)s: %(title)s")
                % {"status": goal.get_status_display().lower(), "title": goal.title},
                detail=goal.evidence,
                organisation=goal.owner_organisation,
            )
        )
    return entries


def _at(day: dt.date | None, recorded: dt.datetime) -> dt.datetime:
    """When a judgement dated by day goes on the timeline: when it was recorded, if that was on
    the day itself; otherwise midday of that day."""
    if day is None or timezone.localdate(recorded) == day:
        return recorded
    return dt.datetime.combine(day, dt.time(12), tzinfo=timezone.get_current_timezone())


def _agreement_entries(case: Case, hidden: frozenset[int]) -> list[TimelineEntry]:
    entries = []
    agreements = (
        Agreement.objects.filter(case=case)
        .select_related("organisation", "owner")
        .prefetch_related(Prefetch("updates", queryset=AgreementUpdate.objects.select_related("organisation")))
    )
    for agreement in agreements:
        secret = agreement.pk in hidden
        access = Access.NOTICE if secret else Access.FULL
        org = agreement.organisation
        if secret:
            title = _(
                "Afspraak voor %(organisation)s (gemaakt in een deel van het overleg waarvoor u niet was uitgenodigd)"
            ) % {"organisation": org.name}
        else:
            title = _("Afspraak voor %(person)s (%(organisation)s), uiterlijk %(date)s") % {
                "person": agreement.owner.full_name,
                "organisation": org.name,
                "date": _date(agreement.due_date),
            }
        entries.append(
            TimelineEntry(
                at=agreement.created_at,
                kind=AGREEMENT,
                title=title,
                detail="" if secret else agreement.what,
                organisation=org,
                access=access,
            )
        )
        if secret:
            continue
        if agreement.responded_at and agreement.response != AgreementResponse.PENDING:
            entries.append(
                TimelineEntry(
                    at=agreement.responded_at,
                    kind=AGREEMENT,
                    title=_("%(organisation)s: afspraak %(answer)s")
                    % {"organisation": org.name, "answer": agreement.get_response_display().lower()},
                    detail=agreement.decline_reason,
                    organisation=org,
                )
            )
        for update in agreement.updates.all():
            entries.append(
                TimelineEntry(
                    at=update.reported_at,
                    kind=FEEDBACK,
                    title=_("Terugkoppeling van %(organisation)s: %(progress)s")
                    % {"organisation": update.organisation.name, "progress": update.get_progress_display().lower()},
                    detail=update.result,
                    organisation=update.organisation,
                )
            )
        if agreement.ended_at and agreement.end and agreement.end != "done":
            entries.append(
                TimelineEntry(
                    at=agreement.ended_at,
                    kind=AGREEMENT,
                    title=_("Afspraak van %(organisation)s bij afsluiten: %(end)s")
                    % {"organisation": org.name, "end": agreement.get_end_display().lower()},
                    detail=agreement.continues_with,
                    organisation=org,
                )
            )
    return entries


def _requirement_entries(case: Case, hidden: frozenset[int]) -> list[TimelineEntry]:
    entries = []
    for requirement in MinimumRequirement.objects.filter(case=case).select_related("monitor"):
        secret = requirement.pk in hidden
        entries.append(
            TimelineEntry(
                at=requirement.created_at,
                kind=REQUIREMENT,
                title=_("Bodemeis vastgelegd, bewaakt door %(organisation)s")
                % {"organisation": requirement.monitor.name},
                detail="" if secret else requirement.what,
                organisation=requirement.monitor,
                access=Access.NOTICE if secret else Access.FULL,
            )
        )
    checks = RequirementCheck.objects.filter(requirement__case=case).select_related("organisation")
    for check in checks:
        if check.requirement_id in hidden:
            continue
        entries.append(
            TimelineEntry(
                at=check.checked_at,
                kind=REQUIREMENT,
                title=(
                    _("Bodemeis nagekomen (%(organisation)s)")
                    if check.met
                    else _("Bodemeis niet nagekomen (%(organisation)s)")
                )
                % {"organisation": check.organisation.name},
                detail=check.note,
                organisation=check.organisation,
            )
        )
    return entries


def _direction_entries(case: Case) -> list[TimelineEntry]:
    entries = []
    for assignment in DirectionAssignment.objects.filter(case=case).select_related(
        "director", "organisation", "previous__director", "next"
    ):
        who = {"person": assignment.director.full_name, "organisation": assignment.organisation.name}
        entries.append(
            TimelineEntry(
                at=assignment.proposed_at,
                kind=DIRECTION,
                title=_("Casusregie voorgesteld: %(person)s (%(organisation)s)") % who,
                detail=assignment.reason,
                organisation=assignment.organisation,
            )
        )
        if assignment.responded_at is None:
            continue
        if assignment.status in (DirectionStatus.ACCEPTED, DirectionStatus.ENDED) and not assignment.decline_reason:
            if assignment.previous is not None:
                title = _("Overdracht casusregie van %(from)s aan %(person)s (%(organisation)s)") % {
                    **who,
                    "from": assignment.previous.director.full_name,
                }
            else:
                title = _("Casusregie geaccepteerd: %(person)s (%(organisation)s)") % who
            entries.append(
                TimelineEntry(
                    at=assignment.responded_at,
                    kind=DIRECTION,
                    title=title,
                    detail=assignment.reason,
                    organisation=assignment.organisation,
                )
            )
        elif assignment.status == DirectionStatus.DECLINED:
            entries.append(
                TimelineEntry(
                    at=assignment.responded_at,
                    kind=DIRECTION,
                    title=_("Casusregie geweigerd: %(person)s (%(organisation)s)") % who,
                    detail=assignment.decline_reason,
                    organisation=assignment.organisation,
                )
            )
        if assignment.ended_at and assignment.end_reason and not hasattr(assignment, "next"):
            entries.append(
                TimelineEntry(
                    at=assignment.ended_at,
                    kind=DIRECTION,
                    title=_("Casusregie beëindigd: %(person)s (%(organisation)s)") % who,
                    detail=assignment.end_reason,
                    organisation=assignment.organisation,
                )
            )
    return entries


def _staff_entries(case: Case) -> list[TimelineEntry]:
    entries = []
    closure = ClosurePlan.objects.filter(case=case).first()
    if closure is not None:
        entries.append(
            TimelineEntry(
                at=closure.created_at,
                kind=CLOSURE,
                title=_("Afsluitingsplan; laatste veiligheidscijfer %(score)s") % {"score": closure.last_safety_score},
                detail="\n".join([closure.continues, closure.if_it_goes_wrong, closure.last_safety_justification]),
            )
        )
    for follow_up in FollowUp.objects.filter(case=case, answered_at__isnull=False):
        assert follow_up.answered_at is not None
        entries.append(
            TimelineEntry(
                at=follow_up.answered_at,
                kind=FOLLOW_UP,
                title=_(
                    "Nazorg na %(months)s maanden: nieuwe incidenten %(incidents)s, opnieuw aangemeld %(again)s, veilig %(safe)s"
                )
                % {
                    "months": follow_up.months,
                    "incidents": follow_up.get_new_incidents_display().lower(),
                    "again": follow_up.get_re_referral_display().lower(),
                    "safe": follow_up.get_still_safe_display().lower(),
                },
                detail=follow_up.note,
            )
        )
    return entries


def plans_timeline(case: Case, viewer: CaseViewer, user: User) -> list[TimelineEntry]:
    hidden = hidden_items(case, viewer, user)
    entries = [
        *_phase_entries(case, hidden.phase_moves),
        *_plan_entries(case),
        *_agreement_entries(case, hidden.agreements),
        *_requirement_entries(case, hidden.requirements),
        *_direction_entries(case),
    ]
    if viewer.is_staff:
        entries += _staff_entries(case)
    return entries


def register() -> None:
    register_timeline_source(
        {
            PHASE: gettext_lazy("Fase"),
            PLAN: gettext_lazy("Plan van aanpak en doelen"),
            AGREEMENT: gettext_lazy("Afspraken"),
            FEEDBACK: gettext_lazy("Terugkoppeling"),
            REQUIREMENT: gettext_lazy("Bodemeisen"),
            DIRECTION: gettext_lazy("Casusregie"),
            CLOSURE: gettext_lazy("Afsluiting"),
            FOLLOW_UP: gettext_lazy("Nazorg"),
        },
        plans_timeline,
    )
