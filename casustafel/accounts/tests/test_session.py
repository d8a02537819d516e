from __future__ import annotations

import time

from django.test import Client
from django.urls import reverse

import pytest
import time_machine

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.testing.factories import TEST_PASSWORD, MembershipFactory, UserFactory
from casustafel.testing.personas import Personas, login_verified

pytestmark = pytest.mark.django_db


def test_idle_session_expires_with_a_dutch_message(settings: object) -> None:
    user = UserFactory()
    MembershipFactory(user=user)
    client = Client()
    login_verified(client, user)
    assert client.get("/").status_code == 200
    with time_machine.travel(time.time() + 16 * 60, tick=False):
        response = client.get("/beheer/vervangingen/", follow=True)
    assert response.redirect_chain[0][0].startswith("/inloggen/?next=")
    assert "Uw sessie is verlopen na 15 minuten zonder activiteit" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.SESSION_EXPIRED, object_id=str(user.pk)).exists()


def test_activity_within_the_timeout_keeps_the_session(settings: object) -> None:
    user = UserFactory()
    MembershipFactory(user=user)
    client = Client()
    login_verified(client, user)
    now = time.time()
    for minutes in (10, 20, 30):
        with time_machine.travel(now + minutes * 60, tick=False):
            assert client.get("/").status_code == 200


def test_idle_timeout_is_configurable(settings: object) -> None:
    settings.SESSION_IDLE_TIMEOUT_MINUTES = 5  # type: ignore[attr-defined]
    user = UserFactory()
    client = Client()
    login_verified(client, user)
    client.get("/")
    with time_machine.travel(time.time() + 6 * 60, tick=False):
        assert client.get("/").status_code == 302


def test_htmx_request_after_timeout_gets_hx_redirect() -> None:
    user = UserFactory()
    client = Client()
    login_verified(client, user)
    client.get("/")
    with time_machine.travel(time.time() + 16 * 60, tick=False):
        response = client.get("/", HTTP_HX_REQUEST="true")
    assert response.status_code == 204
    assert response["HX-Redirect"].startswith("/inloggen/")


def test_password_change_logs_out_other_sessions_and_keeps_this_one() -> None:
    user = UserFactory()
    MembershipFactory(user=user)
    this_device, other_device = Client(), Client()
    login_verified(this_device, user)
    login_verified(other_device, user)
    response = this_device.post(
        reverse("accounts:password_change"),
        {
            "old_password": TEST_PASSWORD,
            "new_password1": "Een-nieuw-lang-wachtwoord-42",
            "new_password2": "Een-nieuw-lang-wachtwoord-42",
        },
    )
    assert response.status_code == 302
    assert this_device.get("/").status_code == 200
    assert other_device.get("/").status_code == 302
    assert AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, object_id=str(user.pk)).exists()


def test_wrong_old_password_gets_a_dutch_field_message() -> None:
    user = UserFactory()
    client = Client()
    login_verified(client, user)
    response = client.post(
        reverse("accounts:password_change"),
        {
            "old_password": "fout",
            "new_password1": "Een-nieuw-lang-wachtwoord-42",
            "new_password2": "Een-nieuw-lang-wachtwoord-42",
        },
    )
    page = response.content.decode()
    assert "Uw huidige wachtwoord is onjuist" in page
    assert 'id="id_old_password_error"' in page


def test_user_switches_the_organisation_they_act_for(personas: Personas) -> None:
    user = personas.professional_a
    first = personas.memberships["professional_a"]
    second = MembershipFactory(user=user, organisation=personas.org_b)
    client = personas.client("professional_a")
    default = client.get("/").context["acting"]
    assert default in (first, second)
    second = first if default == second else second
    response = client.post(reverse("accounts:acting_switch"), {"membership": second.pk})
    assert response.status_code == 302
    assert client.get("/").context["acting"] == second
    assert AuditEvent.objects.filter(action=AuditAction.ACTING_CHANGED, object_id=str(second.pk)).exists()


def test_switching_to_someone_elses_membership_is_404(personas: Personas) -> None:
    client = personas.client("professional_a")
    other = personas.memberships["professional_b"]
    assert client.post(reverse("accounts:acting_switch"), {"membership": other.pk}).status_code == 404
    assert client.post(reverse("accounts:acting_switch"), {"membership": "abc"}).status_code == 404


def _session_row_writes(client: Client, path: str = "/") -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return sum(
        1
        for query in queries
        if "django_session" in query["sql"] and query["sql"].lstrip().upper().startswith("UPDATE")
    )


def test_reads_write_the_session_row_at_most_once_a_minute() -> None:
    user = UserFactory()
    MembershipFactory(user=user)
    client = Client()
    login_verified(client, user)
    now = time.time()
    with time_machine.travel(now, tick=False):
        client.get("/")
    with time_machine.travel(now + 30, tick=False):
        assert _session_row_writes(client) == 0
    with time_machine.travel(now + 61, tick=False):
        assert _session_row_writes(client) == 1
    with time_machine.travel(now + 62, tick=False):
        assert _session_row_writes(client) == 0


def test_activity_recorded_within_the_minute_still_counts_for_the_timeout() -> None:
    # Requests every 50 s for 20 minutes never write more often than once a minute, yet the
    # session stays alive: the recorded activity is never more than a minute behind.
    user = UserFactory()
    MembershipFactory(user=user)
    client = Client()
    login_verified(client, user)
    now = time.time()
    for step in range(25):
        with time_machine.travel(now + step * 50, tick=False):
            assert client.get("/").status_code == 200
