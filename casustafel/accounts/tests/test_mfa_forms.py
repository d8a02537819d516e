"""The second-factor forms: an empty POST is a bound form that says the code is missing."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.testing.factories import TEST_PASSWORD, TOTPDeviceFactory, UserFactory

pytestmark = pytest.mark.django_db

LOGIN = "/inloggen/"


def test_an_empty_code_at_verification_says_the_code_is_missing() -> None:
    device = TOTPDeviceFactory()
    client = Client()
    client.post(LOGIN, {"username": device.user.email, "password": TEST_PASSWORD})
    response = client.post(reverse("accounts:mfa_verify"), {})
    assert response.status_code == 200
    assert response.context["form"].is_bound
    assert "Vul de code in." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.MFA_VERIFIED).exists()


def test_an_empty_code_at_enrolment_says_the_code_is_missing() -> None:
    user = UserFactory()
    client = Client()
    client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD})
    client.get(reverse("accounts:mfa_setup"))
    response = client.post(reverse("accounts:mfa_setup"), {})
    assert response.status_code == 200
    assert response.context["form"].is_bound
    assert "Vul de code in." in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()
