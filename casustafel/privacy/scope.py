"""Which house a privacy page belongs to: the house of the membership the user acts for, with the
role the page requires there. Anyone else gets a 404, the same answer as for a missing page."""

from __future__ import annotations

from django.http import Http404

from casustafel.organisations.models import (
    Membership,
    Role,
    SafetyHouse,
)


def member_house(membership: Membership | None) -> SafetyHouse:
    """The house of the membership the user acts for; 404 without one."""
    if membership is None:
        raise Http404
    return membership.organisation.house


def privacy_officer_house(membership: Membership | None) -> SafetyHouse:
    """The house whose access log the privacy officer reads; 404 for every other role."""
    if membership is None or membership.role != Role.PRIVACY_OFFICER:
        raise Http404
    return membership.organisation.house
