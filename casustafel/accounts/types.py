from __future__ import annotations

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest

if TYPE_CHECKING:
    from casustafel.accounts.models import User
    from casustafel.organisations.models import Membership

AnyUser: TypeAlias = "User | AnonymousUser"


class AuthenticatedHttpRequest(HttpRequest):
    """A request that passed login and the second factor; `acting` is the membership the user
    acts for (set by ActingMembershipMiddleware)."""

    user: User  # type: ignore[assignment]
    acting: Membership | None
