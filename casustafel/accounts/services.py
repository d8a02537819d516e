"""Writes on a user's own login: second-factor enrolment and verification, and changing their own
password."""

from __future__ import annotations

from django.db import transaction

from django_otp.plugins.otp_totp.models import TOTPDevice

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record


@transaction.atomic
def mfa_device_prepare(*, user: User) -> TOTPDevice:
    """The user's unconfirmed authenticator device for enrolment, created once and reused so
    that reloading the page keeps the QR code the user may already have scanned."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="Authenticator-app", confirmed=False)
    return device


@transaction.atomic
def mfa_device_confirm(*, actor: Actor, device: TOTPDevice, token: str) -> bool:
    """Confirm enrolment when the token from the app matches; audit either way."""
    if not device.verify_token(token):
        audit_record(actor=actor, action=AuditAction.MFA_FAILED, obj=device.user)
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user, confirmed=False).delete()
    audit_record(actor=actor, action=AuditAction.MFA_ENROLLED, obj=device.user)
    return True


@transaction.atomic
def password_change_own(*, actor: Actor, user: User, password: str) -> None:
    """The user chose a new password themselves (the form checked the old one and the
    validators): a temporary password set by an administrator is no longer in use. Changing the
    hash ends every other session of the user."""
    before = user.must_change_password
    user.set_password(password)
    user.must_change_password = False
    user.save(update_fields=["password", "must_change_password"])
    changes = {"must_change_password": [True, False]} if before else None
    audit_record(actor=actor, action=AuditAction.PASSWORD_CHANGED, obj=user, changes=changes)
