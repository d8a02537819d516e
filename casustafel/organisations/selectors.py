"""Reads on organisations, users and memberships, always scoped to the acting user."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from django_otp.plugins.otp_totp.models import TOTPDevice

from casustafel.accounts.models import User
from casustafel.accounts.types import AnyUser
from casustafel.organisations.models import (
    Membership,
    Organisation,
    Role,
    SafetyHouse,
    Substitution,
    administered_houses,
)

# Where ActingMembershipMiddleware leaves the user's active memberships for the rest of the request.
REQUEST_MEMBERSHIPS = "_active_memberships_this_request"


def request_memberships(user: AnyUser) -> list[Membership] | None:
    """The user's memberships active at the start of this request, as the middleware loaded
    them, or None outside a request (a user object from a test or a command is never cached:
    its memberships may have changed since it was loaded). Permission checks at the top of a
    view answer from it instead of running a query each."""
    return user.__dict__.get(REQUEST_MEMBERSHIPS)


# Where `request_stand_ins` keeps, for the rest of the request, whom the user stands in for,
# and when the request's memberships were loaded.
REQUEST_STAND_INS = "_stand_ins_this_request"
REQUEST_LOADED_AT = "_memberships_loaded_at"


def is_request_now(user: AnyUser, at: dt.datetime | None) -> bool:
    """Whether the request's memberships (`request_memberships`) answer for moment `at`: in a
    request, for now (None) or a moment taken since they were loaded and not in the future.
    An earlier or later moment is asked of the database."""
    if request_memberships(user) is None:
        return False
    if at is None:
        return True
    loaded: dt.datetime = user.__dict__[REQUEST_LOADED_AT]
    return loaded <= at <= timezone.now()


def request_stand_ins(user: AnyUser) -> list[tuple[int, int]]:
    """(membership, organisation) of each absent colleague the user stands in for now
    (`Substitution.objects.granting`), read once per request on first use. Only for a request
    (`is_request_now`); like the request's memberships they hold for the whole request: a
    substitution granted or revoked counts from the next one."""
    known: list[tuple[int, int]] | None = user.__dict__.get(REQUEST_STAND_INS)
    if known is None:
        known = list(
            Substitution.objects.granting(user).values_list("absent_membership", "absent_membership__organisation")
        )
        user.__dict__[REQUEST_STAND_INS] = known
    return known


def has_active_role(user: AnyUser, roles: Iterable[str], *, house_id: int | None = None) -> bool | None:
    """Whether the user has an active membership in one of `roles` (in house `house_id`), from
    the request's memberships; None when they are not loaded (the caller queries)."""
    memberships = request_memberships(user)
    if memberships is None:
        return None
    wanted = set(roles)
    return any(m.role in wanted and (house_id is None or m.organisation.house_id == house_id) for m in memberships)


def remember_request_memberships(user: User) -> list[Membership]:
    """Load the user's active memberships once for this request (ActingMembershipMiddleware),
    for `acting_membership_for` and `request_memberships`."""
    user.__dict__[REQUEST_LOADED_AT] = timezone.now()
    user.__dict__.pop(REQUEST_STAND_INS, None)  # read again, for this request
    memberships = list(Membership.objects.active().filter(user=user).select_related("organisation__house"))
    user.__dict__[REQUEST_MEMBERSHIPS] = memberships
    return memberships


def acting_membership_for(
    user: User, *, preferred_id: int | None, memberships: list[Membership] | None = None
) -> Membership | None:
    """The membership the user acts for: the one chosen in this session if still active,
    otherwise the first active one (house staff roles first)."""
    if memberships is None:
        memberships = list(Membership.objects.active().filter(user=user).select_related("organisation__house"))
    if not memberships:
        return None
    for membership in memberships:
        if membership.pk == preferred_id:
            return membership
    order = list(Role.values)
    return sorted(memberships, key=lambda m: (order.index(m.role), m.organisation.name))[0]


def memberships_of(user: User) -> QuerySet[Membership]:
    return Membership.objects.active().filter(user=user).select_related("organisation__house")


def houses_administered_by(user: AnyUser) -> QuerySet[SafetyHouse]:
    return SafetyHouse.objects.filter(pk__in=administered_houses(user))


def users_manageable_by(user: AnyUser) -> QuerySet[User]:
    """Users with a membership (past or present) in a house the user administers."""
    if not user.is_authenticated:
        return User.objects.none()
    return User.objects.filter(memberships__organisation__house__in=administered_houses(user)).distinct()


def get_organisation_for_user(user: AnyUser, pk: int) -> Organisation:
    """An organisation the user may manage; 404 for any other (never revealing it exists)."""
    return get_object_or_404(Organisation.objects.manageable_by(user).select_related("house"), pk=pk)


def get_user_for_user(user: AnyUser, pk: int) -> User:
    """A user the acting administrator may manage; 404 otherwise."""
    return get_object_or_404(users_manageable_by(user), pk=pk)


def get_membership_for_user(user: AnyUser, pk: int) -> Membership:
    return get_object_or_404(Membership.objects.manageable_by(user).select_related("user", "organisation"), pk=pk)


def get_substitution_for_user(user: AnyUser, pk: int) -> Substitution:
    return get_object_or_404(
        Substitution.objects.manageable_by(user).select_related("absent_membership__user", "substitute"), pk=pk
    )


def require_administrator(user: AnyUser) -> None:
    """404 for anyone who administers no house: the admin pages do not exist for them."""
    if not user.is_authenticated or not administered_houses(user).exists():
        raise Http404


def _active_membership_filter(prefix: str = "") -> Q:
    """The same rule as `Membership.objects.active()`, usable inside an aggregate's filter."""
    today = timezone.localdate()
    return (
        Q(**{f"{prefix}start_date__lte": today})
        & (Q(**{f"{prefix}end_date__isnull": True}) | Q(**{f"{prefix}end_date__gte": today}))
        & Q(**{f"{prefix}user__is_active": True})
    )


def organisations_for_admin(user: AnyUser, *, sector: str = "") -> QuerySet[Organisation]:
    """The organisations an administrator manages, with `member_count` (active memberships),
    ordered by house and name. One query whatever the number of organisations."""
    organisations = (
        Organisation.objects.manageable_by(user)
        .select_related("house")
        .annotate(member_count=Count("memberships", filter=_active_membership_filter("memberships__")))
        .order_by("house__name", "name")
    )
    return organisations.filter(sector=sector) if sector else organisations


def users_for_admin(
    user: AnyUser, *, query: str = "", organisation: Organisation | None = None, role: str = ""
) -> QuerySet[User]:
    """Users an administrator manages, searched on name or e-mail and filtered on a membership
    (organisation and/or role) in the administered houses.

    Each user carries `house_memberships` (their memberships in those houses, current first)
    and `has_mfa` (an enrolled second factor), fetched in a bounded number of queries.
    """
    memberships = Membership.objects.manageable_by(user)
    if organisation is not None:
        memberships = memberships.filter(organisation=organisation)
    if role:
        memberships = memberships.filter(role=role)
    users = User.objects.filter(pk__in=memberships.values("user"))
    if query:
        users = users.filter(Q(full_name__icontains=query) | Q(email__icontains=query))
    return (
        users.annotate(has_mfa=Exists(TOTPDevice.objects.filter(user=OuterRef("pk"), confirmed=True)))
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.manageable_by(user)
                .select_related("organisation")
                .order_by("end_date", "organisation__name", "role"),
                to_attr="house_memberships",
            )
        )
        .order_by("full_name", "email")
    )


def memberships_managed_of(admin: AnyUser, user: User) -> QuerySet[Membership]:
    """The memberships of `user` in the houses `admin` administers (never those elsewhere)."""
    return (
        Membership.objects.manageable_by(admin)
        .filter(user=user)
        .select_related("organisation__house")
        .order_by("organisation__name", "role")
    )


def organisation_memberships(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by("user__full_name", "role")


def has_mfa(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


@dataclass(frozen=True)
class LoginLockout:
    """What django-axes holds against an account: failed logins, and whether they lock it now."""

    failures: int
    locked: bool


def login_lockout_of(user: User) -> LoginLockout:
    """The failed logins recorded for the user's e-mail address (axes keeps it as typed, so
    in any letter case) and whether they lock the account until the cool-off has passed."""
    from axes.models import AccessAttempt

    attempts = AccessAttempt.objects.filter(username__iexact=user.email)
    cutoff = timezone.now() - dt.timedelta(hours=settings.AXES_COOLOFF_TIME)
    failures = sum(attempts.values_list("failures_since_start", flat=True))
    locked = attempts.filter(attempt_time__gte=cutoff, failures_since_start__gte=settings.AXES_FAILURE_LIMIT).exists()
    return LoginLockout(failures=failures, locked=locked)


def substitutions_for(user: AnyUser) -> QuerySet[Substitution]:
    """Substitutions the user may see: their own, either side, and for administrators all of
    their houses; newest first."""
    return Substitution.objects.manageable_by(user).select_related(
        "absent_membership__user", "absent_membership__organisation", "substitute", "created_by"
    )


def substitutions_of(admin: AnyUser, user: User) -> QuerySet[Substitution]:
    """A managed user's substitutions (as absent colleague or as substitute) in the admin's houses."""
    return (
        Substitution.objects.filter(absent_membership__organisation__house__in=administered_houses(admin))
        .filter(Q(absent_membership__user=user) | Q(substitute=user))
        .select_related("absent_membership__user", "absent_membership__organisation", "substitute")
    )


def absent_memberships_for(user: AnyUser) -> QuerySet[Membership]:
    """Memberships the user may record a substitute for: their own active ones and, for
    administrators, every active one in their houses."""
    if not user.is_authenticated:
        return Membership.objects.none()
    return (
        Membership.objects.active()
        .filter(Q(user=user) | Q(organisation__house__in=administered_houses(user)))
        .select_related("user", "organisation")
        .order_by("user__full_name", "organisation__name", "role")
    )


def substitute_candidates_for(user: AnyUser) -> QuerySet[User]:
    """Who can be chosen as a substitute: active colleagues in the organisations of the
    memberships the user may record a substitution for."""
    organisations = absent_memberships_for(user).values("organisation")
    colleagues = Membership.objects.active().filter(organisation__in=organisations).values("user")
    return User.objects.filter(pk__in=colleagues).order_by("full_name", "email")
