"""Reads about users' own login state."""

from __future__ import annotations

from django_otp.plugins.otp_totp.models import TOTPDevice

from casustafel.accounts.models import User


def has_confirmed_device(user: User) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()
