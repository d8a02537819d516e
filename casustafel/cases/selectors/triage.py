"""Reads for the triage and for the administration of criteria sets and caseload caps.

Triage pages are for the house's staff only: its process directors (who decide) and its
secretaries (who read). The referrer and their ambassador see the referral page with the
outcome and reason, never the triage itself. Criteria and caseload pages are for the house's
administrators. Anyone else gets a 404.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from casustafel.accounts.models import User
from casustafel.accounts.types import AnyUser
from casustafel.cases import criteria_logic
from casustafel.cases.models import (
    OPEN_REFERRAL_STATUSES,
    Case,
    CaseloadCap,
    CaseStatus,
    CriterionVerdict,
    Referral,
    ReferralStatus,
    Triage,
)
from casustafel.cases.selectors.referrals import get_referral_for_user, subject_parties
from casustafel.lib.forms import parse_id
from casustafel.meeting_types.models import CriteriaSet, CriteriaSetVersion, Criterion, MeetingType
from casustafel.organisations.models import Membership, Organisation, Role, SafetyHouse, Sector, administered_houses
from casustafel.organisations.selectors import has_active_role

TRIAGE_ROLES = (Role.PROCESS_DIRECTOR, Role.SECRETARY)
NEAR_DEADLINE = dt.timedelta(hours=24)


# --- Who may see and do what ---------------------------------------------------------------


def triage_houses(user: AnyUser) -> QuerySet[Membership, Any]:
    """Ids of the houses where the user is a process director or secretary today (a subquery)."""
    if not user.is_authenticated:
        return Membership.objects.none().values("organisation__house")
    return Membership.objects.active().filter(user=user, role__in=TRIAGE_ROLES).values("organisation__house")


def is_triage_staff(user: AnyUser, house_id: int) -> bool:
    known = has_active_role(user, TRIAGE_ROLES, house_id=house_id) if user.is_authenticated else False
    if known is not None:
        return known
    return triage_houses(user).filter(organisation__house=house_id).exists()


def is_process_director_of(user: AnyUser | None, house_id: int) -> bool:
    """Whether the user is an active process director of the house."""
    if user is None or not user.is_authenticated:
        return False
    known = has_active_role(user, [Role.PROCESS_DIRECTOR], house_id=house_id)
    if known is not None:
        return known
    return (
        Membership.objects.active().filter(user=user, role=Role.PROCESS_DIRECTOR, organisation__house=house_id).exists()
    )


def can_decide(user: AnyUser, referral: Referral) -> bool:
    """Only process directors of the house weigh and decide; secretaries read."""
    return is_process_director_of(user, referral.house_id)


def referrals_for_triage(user: AnyUser) -> QuerySet[Referral]:
    """Submitted referrals of the houses where the user is a process director or secretary."""
    return Referral.objects.visible_to(user).filter(house__in=triage_houses(user)).exclude(status=ReferralStatus.DRAFT)


def get_referral_for_triage(user: AnyUser, pk: int) -> Referral:
    """A referral with its page data, for the house's process directors and secretaries; 404
    for anyone else (including the referrer, who sees the referral page instead)."""
    referral = get_referral_for_user(user, pk)
    if referral.status == ReferralStatus.DRAFT or not is_triage_staff(user, referral.house_id):
        raise Http404
    return referral


# --- Triages of a referral -----------------------------------------------------------------


def open_triage_of(referral: Referral) -> Triage | None:
    """The undecided triage of a referral, with its verdicts and team."""
    return (
        Triage.objects.filter(referral=referral, decided_at__isnull=True)
        .select_related("criteria_version__criteria_set")
        .prefetch_related("verdicts", "team_members")
        .order_by("pk")
        .first()
    )


def triages_of(referral: Referral) -> list[Triage]:
    """Every decided triage of a referral, newest first."""
    return list(
        Triage.objects.filter(referral=referral, decided_at__isnull=False)
        .select_related("criteria_version__criteria_set", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def get_triage_of(referral: Referral, pk: int) -> Triage:
    """One triage of the referral (the referral itself is already scoped); 404 otherwise."""
    return get_object_or_404(
        Triage.objects.filter(referral=referral)
        .select_related("criteria_version__criteria_set", "decided_by")
        .prefetch_related(
            Prefetch("verdicts", queryset=CriterionVerdict.objects.select_related("criterion")),
            "team_members",
        ),
        pk=pk,
    )


def case_of(referral: Referral) -> Case | None:
    return Case.objects.filter(referral=referral).select_related("meeting_type", "process_director").first()


# --- Criteria ------------------------------------------------------------------------------


def current_version(criteria_set_id: int | None) -> CriteriaSetVersion | None:
    """The newest published version of a criteria set: the one new triages are judged on."""
    if criteria_set_id is None:
        return None
    return (
        CriteriaSetVersion.objects.filter(criteria_set=criteria_set_id, published_at__isnull=False)
        .select_related("criteria_set")
        .order_by("-number")
        .first()
    )


def version_for_new_triage(referral: Referral, meeting_type: MeetingType | None) -> CriteriaSetVersion | None:
    """The version a new triage of the referral is judged on: the current version of the
    chosen (or else the requested) meeting type's criteria set."""
    chosen = meeting_type or referral.meeting_type
    if chosen is None:
        return None
    return current_version(chosen.criteria_set_id)


def tree_of(version: CriteriaSetVersion) -> tuple[criteria_logic.Node, ...]:
    """The criteria tree of a version (one query)."""
    return criteria_logic.build_tree(Criterion.objects.filter(version=version))


def meeting_types_of(house: SafetyHouse | int) -> QuerySet[MeetingType]:
    """The active meeting types of a house."""
    return MeetingType.objects.active().filter(house=house).select_related("criteria_set").order_by("name")


def process_directors_of(house_id: int) -> QuerySet[User]:
    """Users who are an active process director of the house."""
    directors = Membership.objects.active().filter(role=Role.PROCESS_DIRECTOR, organisation__house=house_id)
    return User.objects.filter(pk__in=directors.values("user")).order_by("full_name")


def house_members(house_id: int) -> QuerySet[User]:
    """Users with an active membership in the house (office or partner): the people who can
    be named in a triage team. Used to check a choice, never listed whole: a house has
    hundreds of professionals (`team_search` finds them)."""
    members = Membership.objects.active().filter(organisation__house=house_id)
    return User.objects.filter(pk__in=members.values("user")).order_by("full_name")


TEAM_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class TeamCandidate:
    """A person who can be named in a triage team, with the organisation(s) they work for in
    the house."""

    pk: int
    name: str
    organisations: tuple[str, ...]


@dataclass(frozen=True)
class TeamGroup:
    organisation: str
    candidates: tuple[TeamCandidate, ...]


def _candidates(memberships: Iterable[Membership]) -> list[TeamCandidate]:
    found: dict[int, tuple[str, list[str]]] = {}
    for membership in memberships:
        name, organisations = found.setdefault(
            membership.user_id, (membership.user.full_name or membership.user.email, [])
        )
        if membership.organisation.name not in organisations:
            organisations.append(membership.organisation.name)
    return [TeamCandidate(pk=pk, name=name, organisations=tuple(orgs)) for pk, (name, orgs) in found.items()]


def _house_memberships(house_id: int) -> QuerySet[Membership]:
    # Served by the membership's organisation index and the organisation's house index.
    return (
        Membership.objects.active()
        .filter(organisation__house=house_id)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )


def team_named(house_id: int, user_ids: Iterable[int | str]) -> list[TeamCandidate]:
    """The chosen members of a triage team, with their organisations (one query)."""
    ids = {pk for pk in (parse_id(str(raw)) for raw in user_ids) if pk is not None}
    if not ids:
        return []
    chosen = _candidates(_house_memberships(house_id).filter(user__in=ids))
    return sorted(chosen, key=lambda candidate: candidate.name.casefold())


def team_search(house_id: int, query: str, *, exclude: Iterable[int | str] = ()) -> list[TeamGroup]:
    """Active members of the house whose name or organisation contains `query`, grouped by
    organisation, at most TEAM_SEARCH_LIMIT people (one query); `exclude` are chosen already."""
    words = query.split()
    if not words:
        return []
    chosen = [pk for pk in (parse_id(str(raw)) for raw in exclude) if pk is not None]
    memberships = _house_memberships(house_id).exclude(user__in=chosen)
    for word in words[:5]:
        memberships = memberships.filter(Q(user__full_name__icontains=word) | Q(organisation__name__icontains=word))
    groups: dict[str, list[TeamCandidate]] = {}
    people: set[int] = set()
    for membership in memberships[: TEAM_SEARCH_LIMIT * 2]:
        people.add(membership.user_id)
        if len(people) > TEAM_SEARCH_LIMIT:
            break
        candidate = TeamCandidate(
            pk=membership.user_id,
            name=membership.user.full_name or membership.user.email,
            organisations=(membership.organisation.name,),
        )
        groups.setdefault(membership.organisation.name, []).append(candidate)
    return [TeamGroup(organisation=name, candidates=tuple(items)) for name, items in groups.items()]


# --- Deadlines and caseload ----------------------------------------------------------------


@dataclass(frozen=True)
class Deadline:
    """A deadline and its state: "done", "late" (passed), "near" (within 24 hours) or "ok"."""

    due: dt.datetime | None
    done_at: dt.datetime | None
    state: str

    @property
    def is_late(self) -> bool:
        return self.state == "late"

    @property
    def is_near(self) -> bool:
        return self.state == "near"


def deadline(due: dt.datetime | None, done_at: dt.datetime | None, now: dt.datetime | None = None) -> Deadline:
    now = now or timezone.now()
    if done_at is not None:
        return Deadline(due=due, done_at=done_at, state="done")
    if due is None:
        return Deadline(due=None, done_at=None, state="ok")
    if due < now:
        return Deadline(due=due, done_at=None, state="late")
    if due <= now + NEAR_DEADLINE:
        return Deadline(due=due, done_at=None, state="near")
    return Deadline(due=due, done_at=None, state="ok")


def referral_deadlines(referral: Referral, now: dt.datetime | None = None) -> dict[str, Deadline]:
    """The first-contact norm and the desired response term of a referral."""
    return {
        "first_contact": deadline(referral.first_contact_due_at, referral.first_contact_at, now),
        "response": deadline(referral.response_due_at, referral.outcome_at, now),
    }


@dataclass(frozen=True)
class Caseload:
    """Active cases of the house for a municipality against its cap (None: no cap set)."""

    municipality: Organisation
    active: int
    cap: int | None

    @property
    def at_or_over_cap(self) -> bool:
        return self.cap is not None and self.active >= self.cap


def caseload_for(municipality: Organisation | None) -> Caseload | None:
    if municipality is None:
        return None
    active = Case.objects.filter(municipality=municipality, status=CaseStatus.ACTIVE).count()
    cap = CaseloadCap.objects.filter(municipality=municipality).values_list("max_active_cases", flat=True).first()
    return Caseload(municipality=municipality, active=active, cap=cap)


def caseload_overview(house: SafetyHouse) -> list[Caseload]:
    """Every municipality of the house with its active cases and cap (two queries)."""
    municipalities = Organisation.objects.filter(house=house, sector=Sector.MUNICIPALITY).order_by("name")
    counts = dict(
        Case.objects.filter(house=house, status=CaseStatus.ACTIVE, municipality__isnull=False)
        .values("municipality")
        .annotate(n=Count("pk"))
        .values_list("municipality", "n")
    )
    caps = dict(CaseloadCap.objects.filter(municipality__house=house).values_list("municipality", "max_active_cases"))
    return [Caseload(municipality=m, active=counts.get(m.pk, 0), cap=caps.get(m.pk)) for m in municipalities]


# --- Lists ---------------------------------------------------------------------------------

TRIAGE_LIST_STATES = ("open", "decided")


def triage_list_for(user: AnyUser, *, state: str = "open") -> QuerySet[Referral]:
    """The triage list: referrals awaiting triage (or an answer) or already decided, with
    whether a weighing has started; a fixed number of queries whatever the size."""
    referrals = referrals_for_triage(user).select_related(
        "meeting_type", "municipality", "referring_organisation", "referrer"
    )
    if state == "decided":
        referrals = referrals.exclude(status__in=OPEN_REFERRAL_STATUSES).order_by("-outcome_at", "-pk")
    else:
        referrals = referrals.filter(status__in=OPEN_REFERRAL_STATUSES).order_by("first_contact_due_at", "pk")
    return referrals.annotate(
        triage_started=Exists(Triage.objects.filter(referral=OuterRef("pk"), decided_at__isnull=True))
    )


def awaiting_triage_for(user: AnyUser) -> QuerySet[Referral]:
    """Start page, process directors and secretaries: submitted referrals awaiting triage."""
    return (
        referrals_for_triage(user)
        .filter(status=ReferralStatus.SUBMITTED)
        .select_related("meeting_type", "referring_organisation")
        .prefetch_related(subject_parties())
        .order_by("submitted_at", "pk")
    )


def near_deadline_for(user: AnyUser, now: dt.datetime | None = None) -> QuerySet[Referral]:
    """Start page: open referrals whose first-contact norm or desired response term passes
    within 24 hours or has passed."""
    moment = now or timezone.now()
    soon = moment + NEAR_DEADLINE
    return (
        referrals_for_triage(user)
        .filter(status__in=OPEN_REFERRAL_STATUSES)
        .filter(Q(first_contact_at__isnull=True, first_contact_due_at__lte=soon) | Q(response_due_at__lte=soon))
        .annotate(
            first_contact_late=ExpressionWrapper(
                Q(first_contact_at__isnull=True, first_contact_due_at__lt=moment), output_field=BooleanField()
            ),
            response_late=ExpressionWrapper(Q(response_due_at__lt=moment), output_field=BooleanField()),
        )
        .select_related("meeting_type", "referring_organisation")
        .prefetch_related(subject_parties())
        .order_by("first_contact_due_at", "response_due_at", "pk")
    )


# --- Administration ------------------------------------------------------------------------


def criteria_sets_for_admin(user: AnyUser) -> QuerySet[CriteriaSet]:
    """The criteria sets of the houses the user administers."""
    if not user.is_authenticated:
        return CriteriaSet.objects.none()
    return CriteriaSet.objects.filter(house__in=administered_houses(user)).select_related("house")


def get_criteria_set_for_admin(user: AnyUser, pk: int) -> CriteriaSet:
    return get_object_or_404(criteria_sets_for_admin(user), pk=pk)


def get_criteria_version_for_admin(user: AnyUser, pk: int) -> CriteriaSetVersion:
    return get_object_or_404(
        CriteriaSetVersion.objects.filter(criteria_set__in=criteria_sets_for_admin(user)).select_related(
            "criteria_set__house", "created_by"
        ),
        pk=pk,
    )


def get_criterion_for_admin(user: AnyUser, pk: int) -> Criterion:
    return get_object_or_404(
        Criterion.objects.filter(version__criteria_set__in=criteria_sets_for_admin(user)).select_related(
            "version__criteria_set"
        ),
        pk=pk,
    )


def versions_of(criteria_set: CriteriaSet) -> QuerySet[CriteriaSetVersion]:
    """All versions of a set, newest first, with how many triages each was used for."""
    return (
        criteria_set.versions.select_related("created_by").annotate(triage_count=Count("triages")).order_by("-number")
    )


def draft_of(criteria_set: CriteriaSet) -> CriteriaSetVersion | None:
    return criteria_set.versions.filter(published_at__isnull=True).order_by("-number").first()


def municipalities_for_admin(user: AnyUser) -> QuerySet[Organisation]:
    return Organisation.objects.filter(house__in=administered_houses(user), sector=Sector.MUNICIPALITY).order_by("name")
