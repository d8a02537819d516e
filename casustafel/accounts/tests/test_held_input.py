"""The idle timeout never loses a half-typed text (issue 8, point 2): what was posted when the
session ran out, or what the page's idle timer posts, is kept encrypted for that user and page
and given back once after logging in again."""

from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

import pytest
import time_machine
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_totp.models import TOTPDevice

from casustafel.accounts.models import HeldInput, User
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Referral
from casustafel.testing.factories import TEST_PASSWORD
from casustafel.testing.personas import Personas, login_verified
from casustafel.testing.referrals import referral_of, referral_setting

pytestmark = pytest.mark.django_db

TEXT = "Vader kwam dronken thuis; de buren belden de politie om half twaalf."


@pytest.fixture
def draft(personas: Personas) -> Referral:
    return referral_of(personas, referral_setting(personas))


def _page(referral: Referral) -> str:
    return reverse("cases:referral_detail", args=[referral.pk])


def _csrf_client(personas: Personas, name: str) -> Client:
    client = Client(enforce_csrf_checks=True)
    login_verified(client, personas.users[name])
    return client


def _log_in_again(client: Client, user: User) -> None:
    """Through the login form (which notes the pages with held input), then the second factor."""
    client.get(reverse("accounts:login"))
    token = client.cookies["csrftoken"].value
    response = client.post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD, "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302
    device = TOTPDevice.objects.get(user=user)
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()


def _token(client: Client, path: str) -> str:
    client.get(path)
    return client.cookies["csrftoken"].value


def test_a_section_posted_after_the_timeout_is_kept_and_given_back_once_after_logging_in(
    personas: Personas, draft: Referral
) -> None:
    client = _csrf_client(personas, "professional_a")
    token = _token(client, _page(draft))
    with time_machine.travel(time.time() + 16 * 60, tick=False):
        response = client.post(
            reverse("cases:referral_concern_edit", args=[draft.pk]),
            {
                "csrfmiddlewaretoken": token,
                "concern-concern": TEXT,
                "concern-concern_source": "",
                "concern-version": "1",
            },
            HTTP_REFERER=f"http://testserver{_page(draft)}",
        )
    # Back to the page it was typed on after logging in, not to the section's post URL.
    assert response.status_code == 302
    assert response["Location"] == "/inloggen/?next=" + _page(draft).replace("/", "%2F")
    assert Referral.objects.get(pk=draft.pk).concern != TEXT  # not saved: the user checks it first
    held = HeldInput.objects.get()
    assert TEXT not in held.data  # encrypted at rest
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED).exists()

    _log_in_again(client, personas.professional_a)
    page = client.get(_page(draft)).content.decode()
    assert "Uw sessie was verlopen." in page
    assert 'id="ct-held-input" type="application/json"' in page and "concern-concern" in page
    assert "half twaalf" in page
    assert not HeldInput.objects.exists()
    assert "ct-held-input" not in client.get(_page(draft)).content.decode()  # once


def test_held_input_goes_back_to_the_same_user_only(personas: Personas, draft: Referral) -> None:
    client = _csrf_client(personas, "professional_a")
    token = _token(client, _page(draft))
    with time_machine.travel(time.time() + 16 * 60, tick=False):
        client.post(
            reverse("accounts:session_hold"),
            {"csrfmiddlewaretoken": token, "ct-held-page": _page(draft), "concern-concern": TEXT},
        )
    colleague = Client()
    _log_in_again(colleague, personas.ambassador_a)
    assert "ct-held-input" not in colleague.get(_page(draft)).content.decode()
    assert HeldInput.objects.count() == 1


def test_an_expired_post_without_a_valid_csrf_token_keeps_nothing(personas: Personas, draft: Referral) -> None:
    client = _csrf_client(personas, "professional_a")
    client.get(_page(draft))
    with time_machine.travel(time.time() + 16 * 60, tick=False):
        response = client.post(reverse("cases:referral_concern_edit", args=[draft.pk]), {"concern-concern": TEXT})
    assert response.status_code == 302
    assert not HeldInput.objects.exists()


def test_the_pages_idle_timer_holds_every_unsaved_form_and_ends_the_session(
    personas: Personas, draft: Referral
) -> None:
    client = _csrf_client(personas, "professional_a")
    token = _token(client, _page(draft))
    response = client.post(
        reverse("accounts:session_hold"),
        {
            "csrfmiddlewaretoken": token,
            "ct-held-page": _page(draft),
            "concern-concern": TEXT,
            "problem-description": "Huurschuld van vier maanden",
        },
        HTTP_HX_REQUEST="true",
    )
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/inloggen/?next=")
    assert client.get(_page(draft)).status_code == 302  # logged out
    _log_in_again(client, personas.professional_a)
    page = client.get(_page(draft)).content.decode()
    assert "problem-description" in page and "Huurschuld van vier maanden" in page


def test_asking_how_long_is_left_is_no_activity_and_expires_nothing(personas: Personas) -> None:
    client = personas.client("professional_a")
    client.get("/")
    start = time.time()
    with time_machine.travel(start + 10 * 60, tick=False):
        left = client.get(reverse("accounts:session_status")).json()["seconds_left"]
        assert 290 <= left <= 300
    with time_machine.travel(start + 16 * 60, tick=False):
        assert client.get(reverse("accounts:session_status")).json()["seconds_left"] == 0
        # The status check did not end the session: the next real request does.
        assert client.get("/").status_code == 302


def test_a_hold_to_another_site_is_not_followed(personas: Personas, draft: Referral) -> None:
    client = _csrf_client(personas, "professional_a")
    token = _token(client, _page(draft))
    response = client.post(
        reverse("accounts:session_hold"),
        {"csrfmiddlewaretoken": token, "ct-held-page": "https://evil.example/steal", "concern-concern": TEXT},
    )
    assert "evil.example" not in response["Location"]
    assert HeldInput.objects.get().path.startswith("/")


def test_pages_pay_no_query_for_held_input_unless_the_login_noted_some(personas: Personas, draft: Referral) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = personas.client("professional_a")
    client.get(_page(draft))
    with CaptureQueriesContext(connection) as queries:
        client.get(_page(draft))
    assert not any("accounts_heldinput" in query["sql"] for query in queries.captured_queries)
