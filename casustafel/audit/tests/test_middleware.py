"""Request ids and client addresses (issue 7 point 7) and refused requests as security events
(point 6)."""

from __future__ import annotations

from typing import Any

from django.test import Client
from django.urls import reverse

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db

CLIENT_ID = "client-chosen-request-id-0001"


def test_the_server_makes_the_request_id_and_ignores_the_clients() -> None:
    response = Client().get(reverse("accounts:login"), HTTP_X_REQUEST_ID=CLIENT_ID)
    assert response["X-Request-ID"] != CLIENT_ID
    assert len(response["X-Request-ID"]) == 32


def test_a_trusted_proxy_may_pass_its_request_id_and_the_client_address(personas: Personas, settings: Any) -> None:
    import ipaddress

    settings.TRUSTED_PROXY_NETWORKS = [ipaddress.ip_network("10.0.0.0/24")]
    client = personas.client("professional_b")
    response = client.get(
        reverse("cases:case_detail", args=[424242]),
        REMOTE_ADDR="10.0.0.5",
        HTTP_X_REQUEST_ID=CLIENT_ID,
        HTTP_X_FORWARDED_FOR="198.51.100.7, 10.0.0.9",
    )
    assert response["X-Request-ID"] == CLIENT_ID
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.request_id, event.ip_address) == (CLIENT_ID, "198.51.100.7")


def test_an_untrusted_client_cannot_choose_its_logged_address_or_id(personas: Personas, settings: Any) -> None:
    settings.TRUSTED_PROXY_NETWORKS = []
    client = personas.client("professional_b")
    client.get(
        reverse("cases:case_detail", args=[424242]),
        REMOTE_ADDR="203.0.113.4",
        HTTP_X_REQUEST_ID=CLIENT_ID,
        HTTP_X_FORWARDED_FOR="198.51.100.7",
    )
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert event.request_id != CLIENT_ID and event.ip_address == "203.0.113.4"


@pytest.mark.parametrize(
    ("url_name", "object_type"),
    [
        ("cases:case_detail", "cases.case"),
        ("cases:referral_detail", "cases.referral"),
        ("cases:triage_detail", "cases.referral"),
    ],
)
def test_a_refused_case_or_referral_url_is_a_security_event_not_a_read(
    personas: Personas, url_name: str, object_type: str
) -> None:
    response = personas.client("board_member").get(reverse(url_name, args=[31337]))
    assert response.status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.actor, event.object_type, event.object_id) == (personas.board_member, object_type, "31337")
    assert event.case_id is None and event.person_id is None and not event.subjects.exists()
    assert event.changes["status"] == 404 and event.changes["view"] == url_name
    assert event.house_id == personas.house.pk
    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()


def test_a_403_is_logged_with_its_status(personas: Personas) -> None:
    from casustafel.testing.involvements import open_case

    setting = open_case(personas)
    # A professional of an involved organisation sees the case but may not close it.
    response = personas.client("professional_a").post(reverse("cases:case_close", args=[setting.case.pk]), {})
    assert response.status_code == 403
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.object_type, event.object_id, event.changes["status"]) == ("cases.case", str(setting.case.pk), 403)


def test_refusals_of_a_list_and_of_pages_outside_the_scope(personas: Personas) -> None:
    client = personas.client("board_member")
    assert client.get(reverse("cases:case_list")).status_code == 404
    event = AuditEvent.objects.get(action=AuditAction.ACCESS_DENIED)
    assert (event.object_type, event.changes["view"]) == ("", "cases:case_list")
    # The access log is no case, person or referral page: its 404 is not a security event.
    assert client.get(reverse("privacy:access_log")).status_code == 404
    assert AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).count() == 1


def test_anonymous_and_allowed_requests_write_no_security_event(personas: Personas) -> None:
    Client().get(reverse("cases:case_detail", args=[1]))
    personas.client("process_director").get(reverse("cases:case_list"))
    assert not AuditEvent.objects.filter(action=AuditAction.ACCESS_DENIED).exists()
