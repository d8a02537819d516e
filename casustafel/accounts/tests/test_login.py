from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

import pytest
import time_machine
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.testing.factories import TEST_PASSWORD, MembershipFactory, TOTPDeviceFactory, UserFactory
from casustafel.testing.personas import login_verified

pytestmark = pytest.mark.django_db

LOGIN = "/inloggen/"


def _token(device: TOTPDevice, *, offset: int = 0) -> str:
    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset):06d}"


def test_anonymous_visitor_is_sent_to_login() -> None:
    response = Client().get("/")
    assert response.status_code == 302
    assert response["Location"].startswith(LOGIN)


def test_wrong_password_gets_a_dutch_message_and_an_audit_event() -> None:
    user = UserFactory()
    response = Client().post(LOGIN, {"username": user.email, "password": "fout"})
    assert response.status_code == 200
    assert "Het e-mailadres of het wachtwoord is onjuist" in response.content.decode()
    event = AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED)
    assert event.object_id == str(user.pk)
    assert user.email not in str(event.changes)


def test_unknown_address_gets_the_same_message_as_a_wrong_password() -> None:
    response = Client().post(LOGIN, {"username": "niemand@example.org", "password": "fout"})
    assert "Het e-mailadres of het wachtwoord is onjuist" in response.content.decode()
    assert AuditEvent.objects.get(action=AuditAction.LOGIN_FAILED).object_id == ""


def test_five_failures_lock_the_account_even_for_the_right_password(settings: object) -> None:
    user = UserFactory()
    client = Client()
    for _ in range(5):
        client.post(LOGIN, {"username": user.email, "password": "fout"})
    response = client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert "tijdelijk geblokkeerd" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, object_id=str(user.pk)).exists()


def test_changing_the_case_of_the_address_does_not_give_fresh_attempts() -> None:
    user = UserFactory(email="jan.jansen@example.org")
    client = Client()
    for typed in [
        "jan.jansen@example.org",
        "Jan.Jansen@example.org",
        "JAN.JANSEN@EXAMPLE.ORG",
        " jan.JANSEN@example.org",
        "jAn.jansen@example.org",
    ]:
        client.post(LOGIN, {"username": typed, "password": "fout"})
    response = client.post(LOGIN, {"username": "Jan.jansen@Example.org", "password": TEST_PASSWORD})
    assert response.status_code == 429
    assert AuditEvent.objects.filter(action=AuditAction.LOCKED_OUT, object_id=str(user.pk)).exists()


def test_password_alone_does_not_open_pages_when_a_device_is_enrolled() -> None:
    device = TOTPDeviceFactory()
    client = Client()
    response = client.post(LOGIN, {"username": device.user.email, "password": TEST_PASSWORD})
    assert response.status_code == 302
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:mfa_verify")


def test_user_without_device_is_sent_to_enrolment_and_can_enrol_with_the_shown_key() -> None:
    user = UserFactory()
    client = Client()
    client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD})
    response = client.get("/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("accounts:mfa_setup"))
    page = response.content.decode()
    assert "<svg" in page and "ct-secret" in page
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    response = client.post(reverse("accounts:mfa_setup"), {"token": _token(device)})
    assert response.status_code == 302
    device.refresh_from_db()
    assert device.confirmed
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.MFA_ENROLLED, object_id=str(user.pk)).exists()


def test_wrong_code_at_enrolment_keeps_the_device_unconfirmed_with_a_dutch_message() -> None:
    user = UserFactory()
    client = Client()
    client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD})
    client.get(reverse("accounts:mfa_setup"))
    response = client.post(reverse("accounts:mfa_setup"), {"token": "000000"})
    assert "Deze code klopt niet" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def test_correct_code_opens_the_start_page_and_wrong_code_is_refused() -> None:
    device = TOTPDeviceFactory()
    MembershipFactory(user=device.user)
    client = Client()
    client.post(LOGIN, {"username": device.user.email, "password": TEST_PASSWORD})
    response = client.post(
        reverse("accounts:mfa_verify"), {"token": "123456" if _token(device) != "123456" else "654321"}
    )
    assert "Deze code is onjuist of verlopen" in response.content.decode()
    # django-otp throttles a device for a moment after a failure (1 s, doubling).
    with time_machine.travel(time.time() + 5, tick=False):
        response = client.post(reverse("accounts:mfa_verify"), {"token": _token(device)})
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    assert AuditEvent.objects.filter(action=AuditAction.MFA_VERIFIED).count() == 1
    assert AuditEvent.objects.filter(action=AuditAction.MFA_FAILED).count() == 1


def test_letters_in_the_code_get_a_field_message() -> None:
    device = TOTPDeviceFactory()
    client = Client()
    client.post(LOGIN, {"username": device.user.email, "password": TEST_PASSWORD})
    response = client.post(reverse("accounts:mfa_verify"), {"token": "12ab56"})
    assert "De code bestaat alleen uit cijfers" in response.content.decode()


def test_mfa_can_be_relaxed_for_the_demo(settings: object) -> None:
    settings.MFA_REQUIRED = False  # type: ignore[attr-defined]
    user = UserFactory()
    MembershipFactory(user=user)
    client = Client()
    client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD})
    response = client.get("/")
    assert response.status_code == 200
    assert "de tweede factor (MFA) is versoepeld" in response.content.decode()


def test_logout_requires_post_and_is_audited() -> None:
    user = UserFactory()
    client = Client()
    login_verified(client, user)
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert client.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.LOGOUT, object_id=str(user.pk)).exists()


def test_the_demo_login_page_points_to_where_the_log_ins_are(settings: object) -> None:
    from pathlib import Path

    settings.DEMO_MODE = True  # type: ignore[attr-defined]
    page = Client().get(reverse("accounts:login")).content.decode()
    assert "docs/demo.md" in page and "README.md" not in page
    docs = Path(settings.PROJECT_DIR) / "docs" / "demo.md"  # type: ignore[attr-defined]
    assert "Casustafel-demo!" in docs.read_text(encoding="utf-8")
