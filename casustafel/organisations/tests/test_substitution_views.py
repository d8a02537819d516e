"""Substitution pages: everyone with an active membership records their own; administrators
record and see them for their whole house; only those involved (or the house's administrator)
can revoke one; bad input is explained at the field without losing what was typed."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.organisations.forms import DATETIME_FORMAT
from casustafel.organisations.models import Membership, Substitution
from casustafel.testing.factories import MembershipFactory, SubstitutionFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.organisations import expect, field_errors, field_value
from casustafel.testing.personas import Personas, login_verified

pytestmark = pytest.mark.django_db

LIST_URL = reverse("organisations:substitution_list")
CREATE_URL = reverse("organisations:substitution_create")


def revoke_url(substitution: Substitution) -> str:
    return reverse("organisations:substitution_revoke", args=[substitution.pk])


def local(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime(DATETIME_FORMAT)


def create_data(absent: Membership, substitute: Any, *, days: float = 7, **overrides: Any) -> dict[str, Any]:
    start = timezone.now() + dt.timedelta(hours=1)
    data = {
        "absent_membership": absent.pk,
        "substitute": substitute.pk,
        "starts_at": local(start),
        "ends_at": local(start + dt.timedelta(days=days)),
        "reason": "Vakantie",
    }
    data.update(overrides)
    return data


# --- Permission matrix ---------------------------------------------------------------------


def test_matrix_substitution_list(personas: Personas) -> None:
    SubstitutionFactory(absent_membership=personas.memberships["professional_a"], substitute=personas.ambassador_a)
    responses = assert_matrix(personas, "get", LIST_URL, expect(personas, 200))
    # Seen by those involved and by the house's administrator, by nobody else.
    for name, response in responses.items():
        shown = "Professional A" in response.content.decode() if response.status_code == 200 else False
        assert shown == (name in {"professional_a", "ambassador_a", "administrator"}), name


def test_matrix_substitution_create_page(personas: Personas) -> None:
    assert_matrix(personas, "get", CREATE_URL, expect(personas, 200))


def test_matrix_substitution_create(personas: Personas) -> None:
    # Only the absent colleague and the house's administrator may pick this membership; for
    # everyone else the form refuses the choice (200, nothing saved).
    assert_matrix(
        personas,
        "post",
        CREATE_URL,
        expect(personas, 200, professional_a=302, administrator=302),
        data=create_data(personas.memberships["professional_a"], personas.ambassador_a),
    )
    creators = set(Substitution.objects.values_list("created_by__full_name", flat=True))
    assert creators == {"Professional A", "Administrator"}


def test_matrix_substitution_revoke(personas: Personas) -> None:
    current: dict[str, Substitution] = {}

    def setup() -> None:
        current["substitution"] = SubstitutionFactory(
            absent_membership=personas.memberships["professional_a"], substitute=personas.ambassador_a
        )

    assert_matrix(
        personas,
        "post",
        lambda: revoke_url(current["substitution"]),
        expect(personas, 404, professional_a=302, ambassador_a=302, administrator=302),
        setup=setup,
    )
    assert Substitution.objects.filter(revoked_at__isnull=False).count() == 3


def test_user_without_an_active_membership_gets_404(personas: Personas) -> None:
    former = MembershipFactory(organisation=personas.org_a, ended=True).user
    client = Client()
    login_verified(client, former)
    assert client.get(LIST_URL).status_code == 404
    assert client.get(CREATE_URL).status_code == 404


# --- List ----------------------------------------------------------------------------------


def test_list_splits_open_and_closed_and_offers_revoke_only_for_open(personas: Personas) -> None:
    absent = personas.memberships["professional_a"]
    running = SubstitutionFactory(absent_membership=absent, substitute=personas.ambassador_a, reason="Vakantie")
    expired = SubstitutionFactory(
        absent_membership=absent, substitute=personas.ambassador_a, expired=True, reason="Ziek"
    )
    response = personas.client("professional_a").get(LIST_URL)
    assert list(response.context["open"]) == [running]
    assert list(response.context["closed"]) == [expired]
    page = response.content.decode()
    assert revoke_url(running) in page and revoke_url(expired) not in page
    assert "loopt" in page and "afgelopen" in page


def test_administrator_sees_all_of_the_house_and_the_outsider_none(personas: Personas) -> None:
    SubstitutionFactory(absent_membership=personas.memberships["professional_b"], substitute=personas.ambassador_a)
    assert len(personas.client("administrator").get(LIST_URL).context["open"]) == 1
    assert len(personas.client("outsider_house").get(LIST_URL).context["open"]) == 0
    assert len(personas.client("professional_a").get(LIST_URL).context["open"]) == 0


def test_start_page_item_links_to_the_substitutions(personas: Personas) -> None:
    SubstitutionFactory(absent_membership=personas.memberships["professional_a"], substitute=personas.ambassador_a)
    page = personas.client("ambassador_a").get("/").content.decode()
    assert f'<a class="utrecht-link" href="{LIST_URL}">U vervangt Professional A' in page


# --- Create --------------------------------------------------------------------------------


def test_professional_records_a_substitute_for_their_own_membership(personas: Personas) -> None:
    client = personas.client("professional_a")
    form_page = client.get(CREATE_URL).content.decode()
    assert f'<option value="{personas.memberships["professional_a"].pk}"' in form_page
    # Only their own membership, and only colleagues of their organisation.
    assert f'<option value="{personas.memberships["professional_b"].pk}"' not in form_page
    assert "Professional B" not in form_page
    response = client.post(CREATE_URL, create_data(personas.memberships["professional_a"], personas.ambassador_a))
    assert response["Location"] == LIST_URL
    substitution = Substitution.objects.get()
    assert substitution.substitute == personas.ambassador_a and substitution.created_by == personas.professional_a
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="organisations.substitution")
    assert event.actor == personas.professional_a


def test_administrator_records_one_for_anyone_in_the_house(personas: Personas) -> None:
    client = personas.client("administrator")
    response = client.post(
        CREATE_URL,
        create_data(personas.memberships["professional_b"], MembershipFactory(organisation=personas.org_b).user),
    )
    assert response.status_code == 302
    assert Substitution.objects.get().absent_membership == personas.memberships["professional_b"]


def test_end_before_start_is_explained_at_the_field_and_keeps_the_input(personas: Personas) -> None:
    data = create_data(personas.memberships["professional_a"], personas.ambassador_a, days=-1, reason="Cursus")
    response = personas.client("professional_a").post(CREATE_URL, data)
    page = response.content.decode()
    assert response.status_code == 200
    assert field_errors(page, "ends_at") == "<li>Het einde moet na het begin liggen.</li>"
    assert field_value(page, "starts_at") == data["starts_at"] and field_value(page, "ends_at") == data["ends_at"]
    assert field_value(page, "reason") == "Cursus"
    assert f'<option value="{personas.ambassador_a.pk}" selected' in page
    assert not Substitution.objects.exists()


def test_self_as_substitute_is_explained_at_the_field(personas: Personas) -> None:
    response = personas.client("professional_a").post(
        CREATE_URL, create_data(personas.memberships["professional_a"], personas.professional_a)
    )
    page = response.content.decode()
    assert field_errors(page, "substitute") == "<li>Iemand kan niet zijn eigen vervanger zijn.</li>"
    assert field_value(page, "reason") == "Vakantie"


def test_substitute_who_is_not_a_colleague_is_explained_at_the_field(personas: Personas) -> None:
    # The administrator may choose anyone in the house; the service checks the organisation.
    response = personas.client("administrator").post(
        CREATE_URL, create_data(personas.memberships["professional_a"], personas.professional_b)
    )
    page = response.content.decode()
    assert field_errors(page, "substitute") == (
        "<li>De vervanger moet een actieve collega bij dezelfde organisatie zijn.</li>"
    )
    assert not Substitution.objects.exists()


def test_longer_than_three_months_is_explained_at_the_field(personas: Personas) -> None:
    response = personas.client("professional_a").post(
        CREATE_URL, create_data(personas.memberships["professional_a"], personas.ambassador_a, days=100)
    )
    assert field_errors(response.content.decode(), "ends_at") == (
        "<li>Een vervanging duurt hoogstens drie maanden; leg daarna een nieuwe vast.</li>"
    )


def test_someone_elses_membership_cannot_be_chosen(personas: Personas) -> None:
    response = personas.client("professional_b").post(
        CREATE_URL, create_data(personas.memberships["professional_a"], personas.ambassador_a)
    )
    assert "Selecteer een geldige keuze" in field_errors(response.content.decode(), "absent_membership")
    assert not Substitution.objects.exists()


# --- Revoke --------------------------------------------------------------------------------


def test_revoke_ends_it_and_says_so(personas: Personas) -> None:
    substitution = SubstitutionFactory(
        absent_membership=personas.memberships["professional_a"], substitute=personas.ambassador_a
    )
    response = personas.client("ambassador_a").post(revoke_url(substitution), follow=True)
    assert "De vervanging is ingetrokken." in response.content.decode()
    assert Substitution.objects.get(pk=substitution.pk).revoked_at is not None


def test_revoking_an_ended_one_gives_the_dutch_message(personas: Personas) -> None:
    substitution = SubstitutionFactory(
        absent_membership=personas.memberships["professional_a"], substitute=personas.ambassador_a, expired=True
    )
    response = personas.client("professional_a").post(revoke_url(substitution), follow=True)
    assert "Deze vervanging is al beëindigd." in response.content.decode()


def test_revoke_needs_post(personas: Personas) -> None:
    substitution = SubstitutionFactory(
        absent_membership=personas.memberships["professional_a"], substitute=personas.ambassador_a
    )
    assert personas.client("professional_a").get(revoke_url(substitution)).status_code == 405
    assert Substitution.objects.get(pk=substitution.pk).revoked_at is None


def test_substitution_list_has_a_fixed_number_of_queries(
    personas: Personas, django_assert_max_num_queries: Any
) -> None:
    for _ in range(30):
        colleague = MembershipFactory(organisation=personas.org_a)
        SubstitutionFactory(absent_membership=colleague, substitute=personas.ambassador_a)
        SubstitutionFactory(absent_membership=colleague, substitute=personas.ambassador_a, expired=True)
    client = personas.client("administrator")
    with django_assert_max_num_queries(12):
        response = client.get(LIST_URL)
    assert len(response.context["open"]) == 30
