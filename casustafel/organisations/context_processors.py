"""Template context for the page header: house, organisation and role acted for."""

from __future__ import annotations

import functools
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from casustafel.organisations.selectors import memberships_of


def acting(request: HttpRequest) -> dict[str, Any]:
    membership = getattr(request, "acting", None)
    context: dict[str, Any] = {
        "acting": membership,
        "mfa_relaxed": not settings.MFA_REQUIRED,
        "demo_mode": settings.DEMO_MODE,
    }
    # Error pages raised before AuthenticationMiddleware ran (a host not in ALLOWED_HOSTS is
    # refused by CommonMiddleware) have no `request.user`.
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        # A callable, which the template calls only where it renders the switcher: even building
        # the queryset cost every page a few hundred microseconds. Cached, so `if` and `for` run
        # one query between them.
        context["my_memberships"] = functools.cache(lambda: list(memberships_of(user)))
    return context
