"""A password an administrator sets is temporary (issue 7, point 16): at the first login the user
chooses their own before any other page opens, and both steps are audited."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

import pytest

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.organisations.models import Role
from casustafel.organisations.services import user_create, user_set_initial_password, user_set_password
from casustafel.testing.personas import Personas, login_verified
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

TEMPORARY = "Tijdelijk-wachtwoord-2025!"
OWN = "Mijn-eigen-geheime-zin-77"


def _new_user(personas: Personas) -> User:
    return user_create(
        actor=actor_for(personas, "administrator"),
        email="nieuw@example.org",
        full_name="Nieuwe Collega",
        password=TEMPORARY,
        organisation=personas.org_a,
        role=Role.PROFESSIONAL,
    )


def _events(user: User) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(action=AuditAction.PASSWORD_CHANGED, object_id=str(user.pk)).order_by("sequence")
    )


def test_a_password_set_by_an_administrator_must_be_changed_at_first_login(personas: Personas) -> None:
    user = _new_user(personas)
    assert user.must_change_password
    (event,) = _events(user)
    assert event.actor == personas.administrator
    assert event.changes == {"must_change_password": [False, True]}
    client = Client()
    login_verified(client, user)
    for path in ("/", reverse("cases:case_list"), reverse("privacy:covenant")):
        response = client.get(path)
        assert response.status_code == 302, path
        assert response["Location"] == reverse("accounts:password_change")
    page = client.get(reverse("accounts:password_change"))
    assert "U bent ingelogd met een tijdelijk wachtwoord. Kies eerst een eigen wachtwoord." in page.content.decode()
    htmx = client.post(reverse("cases:case_list"), headers={"HX-Request": "true"})
    assert htmx["HX-Redirect"] == reverse("accounts:password_change")


def test_choosing_an_own_password_opens_the_application_and_is_audited(personas: Personas) -> None:
    user = _new_user(personas)
    client = Client()
    login_verified(client, user)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": TEMPORARY, "new_password1": OWN, "new_password2": OWN},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert user.check_password(OWN)
    assert client.get("/").status_code == 200  # still logged in, and let through
    own_change = _events(user)[-1]
    assert own_change.actor == user
    assert own_change.changes == {"must_change_password": [True, False]}


def test_a_wrong_old_password_keeps_the_user_on_the_change_page(personas: Personas) -> None:
    user = _new_user(personas)
    client = Client()
    login_verified(client, user)
    response = client.post(
        reverse("accounts:password_change"), {"old_password": "fout", "new_password1": OWN, "new_password2": OWN}
    )
    assert response.status_code == 200
    assert "Uw huidige wachtwoord is onjuist" in response.content.decode()
    user.refresh_from_db()
    assert user.must_change_password


def test_the_first_password_set_later_is_temporary_too(personas: Personas) -> None:
    user = user_create(
        actor=actor_for(personas, "administrator"),
        email="later@example.org",
        full_name="Later Collega",
        organisation=personas.org_a,
        role=Role.PROFESSIONAL,
    )
    user_set_initial_password(actor=actor_for(personas, "administrator"), user=user, password=TEMPORARY)
    user.refresh_from_db()
    assert user.must_change_password


def test_a_password_set_by_the_system_or_the_user_themselves_is_not_temporary(personas: Personas) -> None:
    user = personas.professional_a
    user_set_password(actor=Actor.system(), user=user, password=TEMPORARY)
    assert not user.must_change_password
    user_set_password(actor=Actor(user=user), user=user, password=OWN)
    assert not user.must_change_password
