"""The start page's lockout list names the account, links to the user page only for the
administrator (the privacy officer goes to the access log instead), and error pages speak the
active language."""

from __future__ import annotations

from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db


def lock(personas: Personas, *names: str) -> None:
    for name in names:
        audit_record(actor=Actor.system(), action=AuditAction.LOCKED_OUT, obj=personas.users[name])


def test_administrator_sees_the_locked_account_by_name_with_a_link_to_its_page(personas: Personas) -> None:
    lock(personas, "professional_a")
    user = personas.users["professional_a"]

    page = personas.client("administrator").get("/").content.decode()

    assert f'href="{reverse("organisations:user_detail", args=[user.pk])}">{user.full_name}</a>' in page
    assert user.email in page
    assert f"#{user.pk}<" not in page


def test_privacy_officer_sees_the_name_and_a_working_access_log_link_not_the_admin_page(personas: Personas) -> None:
    lock(personas, "professional_a")
    user = personas.users["professional_a"]
    client = personas.client("privacy_officer")

    page = client.get("/").content.decode()

    assert user.full_name in page and user.email in page
    assert reverse("organisations:user_detail", args=[user.pk]) not in page
    log_link = f"{reverse('privacy:access_log')}?user={user.pk}"
    assert log_link in page
    assert client.get(log_link).status_code == 200
    assert client.get(reverse("organisations:user_detail", args=[user.pk])).status_code == 404


def test_the_lockout_list_costs_the_same_queries_for_one_or_many_accounts(personas: Personas) -> None:
    client = personas.client("administrator")
    lock(personas, "professional_a")
    client.get("/")
    with CaptureQueriesContext(connection) as one:
        client.get("/")
    lock(personas, "professional_b", "ambassador_a", "secretary")
    with CaptureQueriesContext(connection) as many:
        page = client.get("/").content.decode()

    assert personas.users["secretary"].full_name in page
    assert len(many) == len(one)


def test_error_pages_carry_the_active_language(personas: Personas) -> None:
    client = personas.client("professional_a")

    dutch = client.get("/bestaat-niet/", HTTP_ACCEPT_LANGUAGE="en")  # the browser's language does not decide
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch does
    english = client.get("/bestaat-niet/")

    assert dutch.status_code == english.status_code == 404
    assert '<html lang="nl">' in dutch.content.decode()
    assert '<html lang="en">' in english.content.decode()
