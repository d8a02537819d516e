"""Audit events for authentication, which Django and django-axes announce through signals.

Signals are used here only because the login machinery is not ours; the audit record is
written synchronously in the request's transaction, like every other audit event.
"""

from __future__ import annotations

from typing import Any

from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from axes.signals import user_locked_out

from casustafel.accounts.models import User
from casustafel.audit.context import Actor, client_ip
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record


def _ip(request: Any) -> str | None:
    return client_ip(request) if request is not None else None


@receiver(user_logged_in)
def _logged_in(sender: Any, request: Any, user: User, **kwargs: Any) -> None:
    audit_record(actor=Actor(user=user, ip_address=_ip(request)), action=AuditAction.LOGIN, obj=user)


@receiver(user_logged_out)
def _logged_out(sender: Any, request: Any, user: User | None, **kwargs: Any) -> None:
    if user is not None:
        audit_record(actor=Actor(user=user, ip_address=_ip(request)), action=AuditAction.LOGOUT, obj=user)


def _known_user(credentials: dict[str, Any]) -> User | None:
    email = (credentials.get("username") or credentials.get("email") or "").lower()
    return User.objects.filter(email__iexact=email).first() if email else None


@receiver(user_login_failed)
def _login_failed(sender: Any, credentials: dict[str, Any], request: Any = None, **kwargs: Any) -> None:
    # The attempted address is not stored: it may be mistyped personal data. A known account
    # is referenced by id.
    user = _known_user(credentials)
    audit_record(actor=Actor(user=None, ip_address=_ip(request)), action=AuditAction.LOGIN_FAILED, obj=user)


@receiver(user_locked_out)
def _locked_out(sender: Any, request: Any, username: str | None = None, **kwargs: Any) -> None:
    user = _known_user({"username": username})
    audit_record(actor=Actor(user=None, ip_address=_ip(request)), action=AuditAction.LOCKED_OUT, obj=user)
