"""Reads on organisations, users and memberships, always scoped to the acting user."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

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


def acting_membership_for(user: User, *, preferred_id: int | None) -> Membership | None:
    """The membership the user acts for: the one chosen in this session if still active,
    otherwise the first active one (house staff roles first)."""
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
