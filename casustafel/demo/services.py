"""The one write the demo needs that the organisation services do not offer."""

from __future__ import annotations

from django.contrib.auth.hashers import identify_hasher
from django.db import transaction

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record


@transaction.atomic
def demo_user_password_hash_set(*, actor: Actor, user: User, password_hash: str) -> None:
    """Give a demo user an already computed password hash.

    Hashing costs ~0.1 s with Argon2; the demo hashes its shared password once and hands the
    hash to every user. Audited like any password change.

    Args:
        actor: who sets it (the system, for the demo build).
        user: the demo user.
        password_hash: output of `make_password`; refused when no configured hasher knows it.
    """
    identify_hasher(password_hash)  # ValueError for anything that is not a usable hash
    user.password = password_hash
    user.save(update_fields=["password"])
    audit_record(actor=actor, action=AuditAction.PASSWORD_CHANGED, obj=user)
