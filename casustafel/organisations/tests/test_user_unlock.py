"""Lifting a lockout: an administrator's audited action on the user page, for their house only."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.test import Client
from django.urls import reverse

import pytest

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.organisations.selectors import login_lockout_of
from casustafel.organisations.services import user_unlock
from casustafel.testing.factories import TEST_PASSWORD
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.django_db

LOGIN = "/inloggen/"


def lock_out(email: str) -> Client:
    """Five wrong passwords, and one more with the address in capitals (which axes records
    apart: unlocking must clear both)."""
    client = Client()
    for _ in range(5):
        client.post(LOGIN, {"username": email, "password": "fout"})
    client.post(LOGIN, {"username": email.upper(), "password": "fout"})
    return client


def test_unlock_lets_a_locked_out_user_log_in_again_and_is_audited(personas: Personas, admin_actor: Actor) -> None:
    user = personas.users["professional_a"]
    client = lock_out(user.email)
    assert client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD}).status_code == 429
    assert login_lockout_of(user).locked

    removed = user_unlock(actor=admin_actor, user=user)

    assert removed >= 1
    assert not login_lockout_of(user).locked and login_lockout_of(user).failures == 0
    assert client.post(LOGIN, {"username": user.email, "password": TEST_PASSWORD}).status_code == 302
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_id=str(user.pk)).latest("sequence")
    assert event.actor_id == personas.administrator.pk
    assert event.changes == {"failed_logins": [removed, 0]}
    assert user.email not in str(event.changes)


def test_unlock_of_a_user_outside_the_administrators_houses_is_refused(personas: Personas) -> None:
    outsider = Actor(user=personas.users["outsider_house"], membership=personas.memberships["outsider_house"])
    lock_out(personas.users["professional_a"].email)

    with pytest.raises(PermissionDenied):
        user_unlock(actor=outsider, user=personas.users["professional_a"])
    assert login_lockout_of(personas.users["professional_a"]).locked


def test_user_page_shows_the_lockout_and_the_button_lifts_it(personas: Personas) -> None:
    user = personas.users["professional_a"]
    lock_out(user.email)
    admin = personas.client("administrator")
    detail = reverse("organisations:user_detail", args=[user.pk])

    page = admin.get(detail).content.decode()
    assert "geblokkeerd" in page and "Blokkade opheffen" in page
    response = admin.post(reverse("organisations:user_unlock", args=[user.pk]), follow=True)

    page = response.content.decode()
    assert "De blokkade is opgeheven" in page
    assert "Blokkade opheffen" not in page
    assert not login_lockout_of(user).locked


def test_matrix_unlocking_an_account(personas: Personas) -> None:
    user = personas.users["professional_a"]
    assert_matrix(
        personas,
        "post",
        reverse("organisations:user_unlock", args=[user.pk]),
        {
            "anonymous": 302,
            "process_director": 404,
            "secretary": 404,
            "house_manager": 404,
            "administrator": 302,
            "privacy_officer": 404,
            "board_member": 404,
            "professional_a": 404,
            "ambassador_a": 404,
            "professional_b": 404,
            "outsider_house": 404,
        },
        setup=lambda: lock_out(user.email),
    )


def test_unlock_is_post_only(personas: Personas) -> None:
    user = personas.users["professional_a"]
    response = personas.client("administrator").get(reverse("organisations:user_unlock", args=[user.pk]))
    assert response.status_code == 405
