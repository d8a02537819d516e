"""Reads on referrals, always scoped to the acting user through `Referral.objects.visible_to`."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404
from django.utils import timezone

from casustafel.accounts.models import User
from casustafel.accounts.types import AnyUser
from casustafel.cases.models import (
    CaseParty,
    InformationRequest,
    LifeDomainProblem,
    PartyRole,
    Referral,
    ReferralStatus,
    Triage,
)
from casustafel.meeting_types.models import CriteriaSetVersion, Criterion, MeetingType
from casustafel.organisations.models import Membership, Organisation, Role, SafetyHouse, Sector

# Who may refer: every professional of a partner organisation, and the house's own staff.
# Administrators, privacy officers and board members do not handle cases.
REFERRER_ROLES = frozenset({Role.PROFESSIONAL, Role.PROCESS_DIRECTOR, Role.SECRETARY, Role.HOUSE_MANAGER})

DECIDED_STATUSES = (
    ReferralStatus.ACCEPTED,
    ReferralStatus.STEPPED_DOWN,
    ReferralStatus.REFERRED_RIEC,
    ReferralStatus.REJECTED,
)

RECENT_OUTCOME_DAYS = 30


def subject_parties(prefix: str = "") -> Prefetch[Any]:
    """The main person(s) of each referral (`<prefix>parties`), as `subject_parties`: what the
    start page names so a user sees whom "Aanmelding 34" is about (one query per list)."""
    return Prefetch(
        f"{prefix}parties",
        queryset=CaseParty.objects.filter(role=PartyRole.SUBJECT).select_related("person").order_by("pk"),
        to_attr="subject_parties",
    )


def can_refer(membership: Membership | None) -> bool:
    """Whether the membership the user acts for may start a referral."""
    return membership is not None and membership.role in REFERRER_ROLES


def referral_page_queryset(user: AnyUser) -> QuerySet[Referral]:
    """Visible referrals with everything the referral page shows, in a fixed number of queries."""
    return (
        Referral.objects.visible_to(user)
        .select_related("house", "meeting_type", "municipality", "referring_organisation", "referrer", "case")
        .prefetch_related(
            Prefetch("parties", queryset=CaseParty.objects.select_related("person").order_by("pk")),
            Prefetch("problems", queryset=LifeDomainProblem.objects.select_related("person")),
            "prior_actions",
            Prefetch(
                "information_requests",
                queryset=InformationRequest.objects.select_related("asked_by", "answered_by"),
            ),
            "meeting_type__input_requirements",
            Prefetch(
                "triages",
                queryset=Triage.objects.filter(decided_at__isnull=False)
                .select_related("decided_by")
                .order_by("-decided_at", "-pk"),
                to_attr="decided_triages",
            ),
        )
    )


def get_referral_for_user(user: AnyUser, pk: int) -> Referral:
    """A referral the user may see, with its page data loaded; 404 for any other."""
    return get_object_or_404(referral_page_queryset(user), pk=pk)


def ambassador_organisations(user: AnyUser) -> QuerySet[Membership, Any]:
    """Ids of the organisations the user is the ambassador of today (a subquery)."""
    if not user.is_authenticated:
        return Membership.objects.none().values("organisation")
    return Membership.objects.active().filter(user=user, is_ambassador=True).values("organisation")


def referrals_writable_by(user: AnyUser) -> QuerySet[Referral]:
    """Referrals the user may write on (fill in a draft, answer questions): their own and,
    for an ambassador, those of their organisation."""
    if not user.is_authenticated:
        return Referral.objects.none()
    return Referral.objects.filter(destroyed_at__isnull=True).filter(
        Q(referrer=user) | Q(referring_organisation__in=ambassador_organisations(user))
    )


def is_referral_writer(user: AnyUser, referral: Referral) -> bool:
    """The referrer, or the ambassador of the referring organisation."""
    if not user.is_authenticated:
        return False
    if referral.referrer_id == user.pk:
        return True
    return ambassador_organisations(user).filter(organisation=referral.referring_organisation_id).exists()


def can_edit_referral(user: AnyUser, referral: Referral) -> bool:
    """Writers may change a referral's facts only while it is a draft."""
    return referral.status == ReferralStatus.DRAFT and is_referral_writer(user, referral)


def latest_decision(referral: Referral) -> Triage | None:
    """The newest decided triage of the referral (outcome and reason for the referrer)."""
    decided = getattr(referral, "decided_triages", None)
    if decided is None:
        decided = list(
            referral.triages.filter(decided_at__isnull=False).select_related("decided_by").order_by("-decided_at")[:1]
        )
    return decided[0] if decided else None


def referral_list_for(user: AnyUser, *, status: str = "") -> QuerySet[Referral]:
    """The 'Aanmeldingen' list: own referrals, the organisation's for ambassadors, and every
    submitted referral of the house for process directors and secretaries; each with its main
    person(s) (`subject_parties`), whom the list names."""
    referrals = (
        Referral.objects.visible_to(user)
        .select_related("meeting_type", "municipality", "referring_organisation", "referrer")
        .annotate(party_count=Count("parties", distinct=True))
        .prefetch_related(subject_parties())
    )
    if status:
        referrals = referrals.filter(status=status)
    # By date: when it was submitted, a draft by when it was started; newest first.
    return referrals.annotate(listed_on=Coalesce("submitted_at", "created_at")).order_by("-listed_on", "-pk")


def meeting_types_for_referral(house: SafetyHouse) -> QuerySet[MeetingType]:
    return MeetingType.objects.active().filter(house=house).order_by("name")


def municipalities_of(house: SafetyHouse) -> QuerySet[Organisation]:
    return Organisation.objects.filter(house=house, sector=Sector.MUNICIPALITY, is_active=True).order_by("name")


def current_criteria(meeting_type: MeetingType | None) -> list[Criterion]:
    """The top-level criteria of the newest published version of the meeting type's criteria
    set, shown to the referrer as information only (the referrer does not score them)."""
    if meeting_type is None or meeting_type.criteria_set_id is None:
        return []
    version = (
        CriteriaSetVersion.objects.filter(criteria_set=meeting_type.criteria_set_id, published_at__isnull=False)
        .order_by("-number")
        .first()
    )
    if version is None:
        return []
    return list(version.criteria.filter(parent__isnull=True).order_by("position", "pk"))


# The referrer's start-page sections ("Mijn aanmeldingen").


def referral_drafts_of(user: User) -> QuerySet[Referral]:
    """The user's own drafts, newest change first."""
    return (
        Referral.objects.filter(referrer=user, status=ReferralStatus.DRAFT, destroyed_at__isnull=True)
        .select_related("meeting_type")
        .prefetch_related(subject_parties())
        .order_by("-updated_at", "-pk")
    )


def open_questions_for(user: AnyUser) -> QuerySet[InformationRequest]:
    """Unanswered information requests on referrals the user may answer for."""
    return (
        InformationRequest.objects.filter(answered_at__isnull=True, referral__in=referrals_writable_by(user))
        .select_related("referral", "asked_by")
        .prefetch_related(subject_parties("referral__"))
        .order_by("created_at", "pk")
    )


def recent_outcomes_for(user: AnyUser, *, days: int = RECENT_OUTCOME_DAYS) -> QuerySet[Referral]:
    """Referrals of the user (or their organisation, as ambassador) decided in the last `days`,
    annotated with the outcome and the moment of the newest decided triage. Not its reason: that
    is free text about people, shown only on the referral page, which records the read."""
    since = timezone.now() - dt.timedelta(days=days)
    decided = Triage.objects.filter(referral=OuterRef("pk"), decided_at__isnull=False).order_by("-decided_at", "-pk")
    return (
        referrals_writable_by(user)
        .filter(status__in=DECIDED_STATUSES)
        .annotate(
            decision_outcome=Subquery(decided.values("outcome")[:1]),
            decision_at=Subquery(decided.values("decided_at")[:1]),
        )
        .filter(Q(outcome_at__gte=since) | Q(decision_at__gte=since))
        .select_related("meeting_type")
        .prefetch_related(subject_parties())
        .order_by("-decision_at", "-pk")
    )
