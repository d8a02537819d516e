"""Reads on cases, always scoped through `Case.objects.visible_to` (need-to-know)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from casustafel.accounts.models import User
from casustafel.accounts.types import AnyUser
from casustafel.cases.models import Case, CaseInvolvement, CaseParty, CaseStatus, PartyRole, Referral
from casustafel.organisations.models import (
    CASE_STAFF_ROLES,
    CASE_WORKER_ROLES,
    Membership,
    Organisation,
    Role,
    Substitution,
)
from casustafel.organisations.selectors import has_active_role


def cases_for_user(user: AnyUser) -> QuerySet[Case]:
    """The cases the user may see, with what a list shows loaded."""
    return Case.objects.visible_to(user).select_related("meeting_type", "process_director", "municipality", "referral")


def get_case_for_user(user: AnyUser, pk: int) -> Case:
    """A case the user may see, with its parties and involvements loaded; 404 for any other
    (outside scope is indistinguishable from not existing)."""
    queryset = cases_for_user(user).prefetch_related(
        Prefetch("referral__parties", queryset=CaseParty.objects.select_related("person").order_by("pk")),
        Prefetch(
            "involvements",
            queryset=CaseInvolvement.objects.select_related("organisation", "contact").order_by("started_at", "pk"),
        ),
    )
    return get_object_or_404(queryset, pk=pk)


# --- Case list, start page, involvements ----------------------------------------------------


def _subjects() -> Prefetch[Any]:
    """The household's main person(s) of each case, as `case.referral.subject_parties`."""
    return Prefetch(
        "referral__parties",
        queryset=CaseParty.objects.filter(role=PartyRole.SUBJECT).select_related("person").order_by("pk"),
        to_attr="subject_parties",
    )


def case_list_for(user: AnyUser, *, status: str = "") -> QuerySet[Case]:
    """The 'Mijn casussen' list: the cases the user may see (all of the house for its process
    directors and secretaries), each with its subject; two queries a page."""
    cases = cases_for_user(user).prefetch_related(_subjects())
    if status:
        cases = cases.filter(status=status)
    return cases.order_by("-opened_at", "-pk")


def my_cases_for(user: User, membership: Membership) -> QuerySet[Case]:
    """The start page's 'Mijn casussen': active cases the user may see, each with its main
    person (`case.referral.subject_parties`); a process director sees the cases they direct."""
    # Only the meeting type and the main person are shown: not the director and municipality
    # that the case list joins.
    cases = (
        cases_for_user(user)
        .select_related(None)
        .select_related("meeting_type", "referral")
        .prefetch_related(_subjects())
        .filter(status=CaseStatus.ACTIVE)
    )
    if membership.role == Role.PROCESS_DIRECTOR:
        cases = cases.filter(process_director=user)
    return cases.order_by("-opened_at", "-pk")


def has_case_role(user: AnyUser, on: dt.date | None = None) -> bool:
    """Whether the user works in a role through which cases can be seen at all (professional,
    process director, secretary). Board members, administrators, privacy officers and the
    house manager never see case content, so the case list does not exist for them."""
    if not user.is_authenticated:
        return False
    known = has_active_role(user, CASE_WORKER_ROLES) if on is None else None
    if known is not None:
        return known
    return Membership.objects.active(on).filter(user=user, role__in=CASE_WORKER_ROLES).exists()


def can_manage_involvements(user: AnyUser, case: Case) -> bool:
    """Process directors and secretaries of the case's house add and end involvements."""
    if not user.is_authenticated:
        return False
    known = has_active_role(user, CASE_STAFF_ROLES, house_id=case.house_id)
    if known is not None:
        return known
    return (
        Membership.objects.active()
        .filter(user=user, role__in=CASE_STAFF_ROLES, organisation__house=case.house_id)
        .exists()
    )


def can_see_referral(user: AnyUser, case: Case) -> bool:
    """Whether the case page may link to its referral (referral visibility is its own rule:
    an organisation involved later, or a substitute, sees the case but not the referral)."""
    return Referral.objects.visible_to(user).filter(pk=case.referral_id).exists()


def substituted_user_for(user: AnyUser, case: Case, at: dt.datetime | None = None) -> User | None:
    """The absent colleague on whose behalf the user sees `case`, or None.

    None when the user sees the case in their own right (house staff, or a case-worker
    membership of an organisation involved now). Otherwise the colleague of a current
    substitution whose organisation is involved now: the audit events of this view record
    them as `on_behalf_of` (NEN 7513 "namens wie"). Mirrors `Case.objects.visible_to`.
    """
    if not user.is_authenticated:
        return None
    moment = at or timezone.now()
    day = timezone.localdate(moment)
    own = Membership.objects.active(day).filter(user=user)
    staff = has_active_role(user, CASE_STAFF_ROLES, house_id=case.house_id) if at is None else None
    if staff is None:
        staff = own.filter(role__in=CASE_STAFF_ROLES, organisation__house=case.house_id).exists()
    if staff:
        return None
    involvements = CaseInvolvement.objects.current(moment).filter(case=case)
    if involvements.admitting(own).exists():
        return None
    substitutions = (
        Substitution.objects.granting(user, moment)
        .select_related("absent_membership__user")
        .order_by("starts_at", "pk")
    )
    for substitution in substitutions:
        if involvements.admitting(Membership.objects.filter(pk=substitution.absent_membership_id)).exists():
            return substitution.absent_membership.user
    return None


def involvement_organisations(case: Case) -> QuerySet[Organisation]:
    """Organisations that can be added to the case: the active partners of its house (the
    house's own office sees every case already)."""
    return Organisation.objects.filter(house=case.house_id, is_active=True, is_house_office=False).order_by("name")


def involvement_contacts(case: Case) -> QuerySet[Membership]:
    """Who can be an involvement's contact: active case workers of the house's partners."""
    return (
        Membership.objects.active()
        .filter(
            organisation__house=case.house_id,
            organisation__is_house_office=False,
            role__in=CASE_WORKER_ROLES,
        )
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__full_name", "pk")
    )


CONTACT_SEARCH_LIMIT = 20


@dataclass(frozen=True)
class ContactCandidate:
    pk: int
    name: str


def involvement_contact_search(
    case: Case, organisation_id: int | None, query: str, *, exclude: int | None = None
) -> list[ContactCandidate]:
    """Active case workers of the chosen organisation (one of the case's house's partners)
    whose name or e-mail address contains every typed word: at most CONTACT_SEARCH_LIMIT, in
    one query (on the membership's organisation index). The contact field offers these instead
    of a list of the organisation's staff."""
    words = query.split()
    if not words or organisation_id is None:
        return []
    memberships = involvement_contacts(case).filter(organisation=organisation_id)
    if exclude is not None:
        memberships = memberships.exclude(user_id=exclude)
    for word in words[:5]:
        memberships = memberships.filter(Q(user__full_name__icontains=word) | Q(user__email__icontains=word))
    found: dict[int, ContactCandidate] = {}
    # Someone holds one or two roles in an organisation; the slice bounds the rows read.
    for user_id, full_name, email in memberships.values_list("user_id", "user__full_name", "user__email")[
        : CONTACT_SEARCH_LIMIT * 2
    ]:
        if user_id not in found:
            if len(found) == CONTACT_SEARCH_LIMIT:
                break
            found[user_id] = ContactCandidate(pk=user_id, name=full_name or email)
    return list(found.values())


def get_involvement_of(case: Case, pk: int) -> CaseInvolvement:
    return get_object_or_404(CaseInvolvement.objects.select_related("organisation", "contact"), case=case, pk=pk)


def previous_episode(referral: Referral) -> Case | None:
    """The latest closed case of the referral's house in which one of its persons was a party:
    the earlier episode of a re-entry. Destroyed cases hold no persons any more and are not found."""
    persons = CaseParty.objects.filter(referral=referral, person__isnull=False).values("person")
    return (
        Case.objects.filter(house=referral.house_id, status=CaseStatus.CLOSED, referral__parties__person__in=persons)
        .exclude(referral=referral)
        .order_by("-closed_at", "-pk")
        .first()
    )
