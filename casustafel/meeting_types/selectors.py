"""Reads on the house's configuration."""

from __future__ import annotations

from django.http import Http404

from casustafel.organisations.models import Membership, Role, SafetyHouse


def admin_house(membership: Membership | None) -> SafetyHouse:
    """The house an administrator works on: the one of the membership they act for. 404 when
    they do not act as an administrator (the pages do not exist for them)."""
    if membership is None or membership.role != Role.ADMINISTRATOR:
        raise Http404
    return membership.organisation.house
