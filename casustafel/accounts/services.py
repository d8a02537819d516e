"""Writes on a user's own login: second-factor enrolment and verification."""

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
