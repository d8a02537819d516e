"""How django-axes names the account a failed login counts against."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.http import HttpRequest


def lockout_username(request: HttpRequest, credentials: Mapping[str, Any] | None) -> str | None:
    """The typed e-mail address, trimmed and lower-cased.

    E-mail addresses are stored lower-case and log-in ignores case, so axes must count
    "Jan@x.nl" and "jan@x.nl" as one account: otherwise changing the case of one letter would
    give an attacker a fresh set of attempts on the same account.
    """
    field = settings.AXES_USERNAME_FORM_FIELD
    source: Mapping[str, Any] = credentials if credentials else getattr(request, "data", request.POST)
    typed = source.get(field)
    return typed.strip().lower() if isinstance(typed, str) else None
