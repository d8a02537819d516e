"""Reads of the learning cycle, scoped to the acting user: every list starts from the house the
user acts in, single objects come from `get_*_for`, which raise 404 for anything outside it
(another house's object is as unknown as a missing one).

Aggregates for the results page are in `selectors_results.py`; the ones the reports call are in
`selectors_reporting.py`.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Count, Q, QuerySet
from django.http import Http404
from django.utils import timezone

from casustafel.accounts.types import AnyUser
from casustafel.learning.models import (
    AssessmentInvitation,
    AssessmentStatus,
    EffortEntry,
    ImprovementAction,
    ImprovementActionQuerySet,
    ImprovementPlan,
    SelfAssessment,
    ValueRating,
)
from casustafel.learning.roles import is_manager, is_reader
from casustafel.meetings.models import Attendance, AttendanceStatus, MeetingStatus
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership, Role

# Who can be asked to fill in a self-assessment: the people at the table.
PARTICIPANT_ROLES = CASE_WORKER_ROLES | {Role.HOUSE_MANAGER}
RECENT_DAYS = 365


def _house_id(membership: Membership | None) -> int:
    if membership is None:
        raise Http404
    return membership.organisation.house_id


# --- Self-assessments ----------------------------------------------------------------------


def assessments_for(membership: Membership | None) -> QuerySet[SelfAssessment]:
    """Every round of the house, for its managers and board; nothing for anyone else."""
    if not is_reader(membership):
        return SelfAssessment.objects.none()
    return (
        SelfAssessment.objects.filter(house_id=_house_id(membership))
        .select_related("meeting_type")
        .annotate(
            invited=Count("invitations", distinct=True),
            submitted=Count("invitations", filter=Q(invitations__submitted_at__isnull=False), distinct=True),
        )
        .order_by("-closes_on", "-pk")
    )


def get_assessment_for(membership: Membership | None, pk: int) -> SelfAssessment:
    found = assessments_for(membership).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def get_invitation_for(user: AnyUser, assessment_pk: int) -> AssessmentInvitation:
    """The user's own invitation to a round that has been opened (a draft round does not exist
    for participants yet); 404 otherwise."""
    if not user.is_authenticated:
        raise Http404
    found = (
        AssessmentInvitation.objects.filter(assessment_id=assessment_pk, user=user)
        .exclude(assessment__status=AssessmentStatus.DRAFT)
        .select_related("assessment__meeting_type", "assessment__house", "organisation")
        .first()
    )
    if found is None:
        raise Http404
    return found


def open_invitations_of(user: AnyUser) -> QuerySet[AssessmentInvitation]:
    """Rounds open now that the user was invited to and has not sent in (start page)."""
    if not user.is_authenticated:
        return AssessmentInvitation.objects.none()
    return (
        AssessmentInvitation.objects.filter(
            user=user, assessment__status=AssessmentStatus.OPEN, submitted_at__isnull=True
        )
        .select_related("assessment")
        .order_by("assessment__closes_on", "pk")
    )


def invitations_of(user: AnyUser) -> QuerySet[AssessmentInvitation]:
    """Every opened round the user was invited to, newest first ("Mijn zelfevaluaties")."""
    if not user.is_authenticated:
        return AssessmentInvitation.objects.none()
    return (
        AssessmentInvitation.objects.filter(user=user)
        .exclude(assessment__status=AssessmentStatus.DRAFT)
        .select_related("assessment__meeting_type")
        .order_by("-assessment__closes_on", "-pk")
    )


def invite_candidates(assessment: SelfAssessment) -> list[Membership]:
    """Active members of the house's organisations who sit at the table (case workers, process
    directors, secretaries, the house manager), those recorded present at a held meeting (of the
    round's meeting type, or any) in the past year first. Two queries."""
    since = timezone.now() - dt.timedelta(days=RECENT_DAYS)
    attended = Attendance.objects.filter(
        status=AttendanceStatus.PRESENT,
        part__item__meeting__house_id=assessment.house_id,
        part__item__meeting__status=MeetingStatus.HELD,
        part__item__meeting__starts_at__gte=since,
        attended_by__isnull=False,
    )
    if assessment.meeting_type_id is not None:
        attended = attended.filter(part__item__meeting__meeting_type_id=assessment.meeting_type_id)
    present = set(attended.values_list("attended_by", flat=True).distinct())
    members = (
        Membership.objects.active()
        .filter(organisation__house_id=assessment.house_id, role__in=PARTICIPANT_ROLES)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )
    return sorted(members, key=lambda m: m.user_id not in present)


def response_by_organisation(assessment: SelfAssessment) -> list[dict[str, object]]:
    """Invited and sent in per organisation (seed 003's Bijlage 2 "Responsoverzicht"): counts
    only, never who answered."""
    return list(
        AssessmentInvitation.objects.filter(assessment=assessment)
        .values("organisation__name")
        .annotate(invited=Count("pk"), submitted=Count("pk", filter=Q(submitted_at__isnull=False)))
        .order_by("organisation__name")
    )


# --- Improvement plans and actions ----------------------------------------------------------


def plans_for(membership: Membership | None) -> QuerySet[ImprovementPlan]:
    """The house's improvement plans: every member of the house reads them."""
    if membership is None:
        return ImprovementPlan.objects.none()
    return (
        ImprovementPlan.objects.filter(house_id=membership.organisation.house_id)
        .select_related("meeting_type", "assessment")
        .annotate(
            open_actions=Count("actions", filter=Q(actions__ended_at__isnull=True), distinct=True),
            overdue_actions=Count(
                "actions",
                filter=Q(actions__ended_at__isnull=True, actions__due_date__lt=timezone.localdate()),
                distinct=True,
            ),
        )
        .order_by("status", "-created_at", "-pk")
    )


def get_plan_for(membership: Membership | None, pk: int) -> ImprovementPlan:
    found = plans_for(membership).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def actions_for(membership: Membership | None) -> ImprovementActionQuerySet:
    if membership is None:
        return ImprovementAction.objects.none()
    return ImprovementAction.objects.filter(plan__house_id=membership.organisation.house_id).select_related(
        "plan", "organisation", "owner"
    )


def get_action_for(membership: Membership | None, pk: int) -> ImprovementAction:
    found = actions_for(membership).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def overdue_actions_for(
    user: AnyUser, membership: Membership | None, today: dt.date | None = None
) -> QuerySet[ImprovementAction]:
    """Overdue actions for the start page: every one of the house for its managers; for anyone
    else those they own or their organisation carries out."""
    if membership is None or not user.is_authenticated:
        return ImprovementAction.objects.none()
    actions = actions_for(membership).overdue(today or timezone.localdate())
    if not is_manager(membership):
        actions = actions.filter(Q(owner=user.pk) | Q(organisation_id=membership.organisation_id))
    return actions.order_by("due_date", "pk")


def open_actions_of(user: AnyUser, membership: Membership | None) -> QuerySet[ImprovementAction]:
    """The user's own open actions ("Mijn verbeteracties")."""
    if not user.is_authenticated:
        return ImprovementAction.objects.none()
    return actions_for(membership).open().filter(owner=user.pk).order_by("due_date", "pk")


# --- Effort -------------------------------------------------------------------------------


def effort_entries_for(membership: Membership | None) -> QuerySet[EffortEntry]:
    """Managers and the board read every entry of the house; anyone else the entries of the
    organisation they act for."""
    if membership is None:
        return EffortEntry.objects.none()
    entries = EffortEntry.objects.filter(house_id=membership.organisation.house_id)
    if not is_reader(membership):
        entries = entries.filter(organisation_id=membership.organisation_id)
    return entries.select_related("organisation", "meeting_type", "action", "recorded_by").order_by(
        "-month", "organisation__name", "activity", "pk"
    )


def get_effort_entry_for(membership: Membership | None, pk: int) -> EffortEntry:
    found = effort_entries_for(membership).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found


def existing_rating(
    action: ImprovementAction, membership: Membership | None, year: int, aspect: str
) -> ValueRating | None:
    """The rating the acting organisation gave the action for that year and aspect, if any."""
    if membership is None:
        return None
    return ValueRating.objects.filter(
        action=action, organisation_id=membership.organisation_id, year=year, aspect=aspect.strip()
    ).first()
