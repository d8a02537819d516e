"""Working on a draft as a busy professional does (issue 8, points 3 and 9): a person's role and
details changed in place with their problems kept, a draft deleted, and "Laatst gewijzigd"
following every change, persons and problems included."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import CaseParty, LifeDomainProblem, PartyRole, Person, Referral
from casustafel.cases.services.persons import case_party_add_person
from casustafel.lib.bsn import bsn_digest
from casustafel.privacy.subject_access.models import RestrictionMark
from casustafel.testing.cases import CasePartyFactory, LifeDomainProblemFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import ANONYMOUS, Personas
from casustafel.testing.referrals import ReferralSetting, actor_for, referral_of, referral_setting

pytestmark = pytest.mark.django_db

WRITERS = ("professional_a", "ambassador_a")
BORN = dt.date(1990, 4, 2)


@pytest.fixture
def setting(personas: Personas) -> ReferralSetting:
    return referral_setting(personas)


@pytest.fixture
def draft(personas: Personas, setting: ReferralSetting) -> Referral:
    return referral_of(personas, setting)


def _add_own(personas: Personas, referral: Referral, **values: Any) -> CaseParty:
    """A person registered by the referrer for this draft, as the add form does."""
    data = {"given_names": "Iris", "surname": "de Boer", "date_of_birth": BORN, "role": PartyRole.VICTIM, **values}
    outcome = case_party_add_person(actor=actor_for(personas, "professional_a"), referral=referral, **data)
    assert outcome.party is not None
    return outcome.party


def _edit(client: Any, party: CaseParty, *, htmx: bool = False, **values: str) -> Any:
    person = party.person
    data = {
        "given_names": person.given_names,
        "surname_prefix": person.surname_prefix,
        "surname": person.surname,
        "date_of_birth": person.date_of_birth.isoformat() if person.date_of_birth else "",
        "bsn": "",
        "role": party.role,
        "note": party.note,
        "version": str(party.version),
        **values,
    }
    headers = {"HTTP_HX_REQUEST": "true"} if htmx else {}
    url = reverse("cases:party_edit", args=[party.referral_id, party.pk])
    return client.post(url, {f"edit-{party.pk}-{key}": value for key, value in data.items()}, **headers)


def expect(personas: Personas, default: int, **overrides: int) -> dict[str, int]:
    expected = dict.fromkeys(personas.names, default)
    expected[ANONYMOUS] = 302
    expected.update(overrides)
    return expected


# A person's role and details, in place


def test_matrix_edit_a_person_in_a_draft(personas: Personas, draft: Referral) -> None:
    party = _add_own(personas, draft)
    assert_matrix(
        personas,
        "post",
        reverse("cases:party_edit", args=[draft.pk, party.pk]),
        expect(personas, 404, **dict.fromkeys(WRITERS, 302)),
        data=lambda: {
            f"edit-{party.pk}-{key}": value
            for key, value in {
                "given_names": "Iris",
                "surname": "de Boer",
                "role": "subject",
                "version": str(CaseParty.objects.get(pk=party.pk).version),
            }.items()
        },
    )


def test_changing_the_role_keeps_the_problems_on_the_persons_name(personas: Personas, draft: Referral) -> None:
    party = _add_own(personas, draft)
    problem = LifeDomainProblemFactory(referral=draft, person=party.person)
    response = _edit(personas.client("professional_a"), party, role="subject", note="Moeder van Sem")
    assert response.status_code == 302
    party.refresh_from_db()
    assert party.role == PartyRole.SUBJECT and party.note == "Moeder van Sem" and party.version == 2
    assert LifeDomainProblem.objects.filter(pk=problem.pk, person=party.person).exists()
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE, object_type="cases.caseparty").get()
    assert event.changes["role"] == ["victim", "subject"] and event.person_id == party.person_id


def test_details_of_a_registration_made_for_this_draft_are_corrected_in_place(
    personas: Personas, draft: Referral
) -> None:
    party = _add_own(personas, draft, bsn="111222333")
    client = personas.client("professional_a")
    response = _edit(client, party, given_names="Iris Maria", date_of_birth="1990-04-20")
    assert response.status_code == 302
    person = Person.objects.get(pk=party.person_id)
    assert person.given_names == "Iris Maria" and person.date_of_birth == dt.date(1990, 4, 20)
    assert person.bsn_digest == bsn_digest("111222333")  # an empty BSN field keeps the stored one
    bad = _edit(client, CaseParty.objects.get(pk=party.pk), bsn="123456789")
    page = bad.content.decode()
    assert bad.status_code == 200 and "de elfproef klopt niet" in page and 'value="Iris Maria"' in page


def test_details_of_a_registration_the_house_already_knew_stay_fixed(personas: Personas, draft: Referral) -> None:
    known = CasePartyFactory(
        referral__referring_organisation=personas.org_b,
        referral__submitted=True,
        person__house=personas.house,
        person__given_names="Iris",
        person__surname="de Boer",
        person__date_of_birth=BORN,
    ).person
    outcome = case_party_add_person(
        actor=actor_for(personas, "professional_a"),
        referral=draft,
        given_names="Iris",
        surname="de Boer",
        date_of_birth=BORN,
        role=PartyRole.VICTIM,
        chosen_person_id=known.pk,
    )
    assert outcome.party is not None
    client = personas.client("professional_a")
    page = client.get(reverse("cases:referral_detail", args=[draft.pk])).content.decode()
    assert "naam, geboortedatum en BSN staan vast" in page
    response = _edit(client, outcome.party, given_names="Iris Anders", role="subject")
    assert response.status_code == 302
    known.refresh_from_db()
    assert known.given_names == "Iris"  # the other referral's person did not change
    assert CaseParty.objects.get(pk=outcome.party.pk).role == PartyRole.SUBJECT


def test_a_stale_edit_is_refused_and_keeps_what_was_typed(personas: Personas, draft: Referral) -> None:
    party = _add_own(personas, draft)
    assert _edit(personas.client("ambassador_a"), party, role="subject").status_code == 302
    stale = _edit(personas.client("professional_a"), party, role="perpetrator", note="Mijn toelichting")
    page = stale.content.decode()
    assert stale.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in page and 'value="Mijn toelichting"' in page
    assert CaseParty.objects.get(pk=party.pk).role == PartyRole.SUBJECT


def test_a_restricted_persons_role_is_not_changed(personas: Personas, draft: Referral) -> None:
    party = _add_own(personas, draft)
    RestrictionMark.objects.create(
        person=party.person,
        ground="accuracy_contested",
        starts_on=dt.date(2020, 1, 1),
        created_by=personas.privacy_officer,
    )
    response = _edit(personas.client("professional_a"), party, role="subject")
    assert response.status_code == 200 and "AVG art. 18" in response.content.decode()
    assert CaseParty.objects.get(pk=party.pk).role == PartyRole.VICTIM


def test_htmx_edit_swaps_the_person_and_updates_the_problems_out_of_band(personas: Personas, draft: Referral) -> None:
    party = _add_own(personas, draft)
    LifeDomainProblemFactory(referral=draft, person=party.person)
    response = _edit(personas.client("professional_a"), party, htmx=True, given_names="Iris Maria")
    page = response.content.decode()
    assert response.status_code == 200 and "HX-Redirect" not in response
    assert page.lstrip().startswith(f'<li id="party-{party.pk}"')
    assert '<div id="problem-list" hx-swap-oob="true">' in page and "Iris Maria de Boer" in page
    assert '<div id="problem-person-field" hx-swap-oob="true">' in page
    # The field sections are not swapped: what is typed there stays.
    assert 'id="section-concern"' not in page


# Deleting a draft


def test_matrix_delete_a_draft(personas: Personas, setting: ReferralSetting) -> None:
    current: dict[str, Referral] = {}

    def fresh() -> None:
        current["referral"] = referral_of(personas, setting)

    assert_matrix(
        personas,
        "post",
        lambda: reverse("cases:referral_delete", args=[current["referral"].pk]),
        expect(personas, 404, **dict.fromkeys(WRITERS, 302)),
        data=lambda: {"delete-version": str(current["referral"].version)},
        setup=fresh,
    )


def test_deleting_a_draft_removes_it_and_its_own_persons_and_blanks_what_the_trail_recorded(
    personas: Personas, draft: Referral
) -> None:
    own = _add_own(personas, draft)
    shared = CasePartyFactory(
        referral__referring_organisation=personas.org_b, referral__submitted=True, person__house=personas.house
    ).person
    CasePartyFactory(referral=draft, person=shared, role=PartyRole.CHILD)
    client = personas.client("professional_a")
    client.post(
        reverse("cases:referral_concern_edit", args=[draft.pk]),
        {"concern-concern": "Geheime zorg", "concern-concern_source": "Gesprek", "concern-version": "1"},
    )
    response = client.post(reverse("cases:referral_delete", args=[draft.pk]), {"delete-version": "2"})
    assert response.status_code == 302 and response["Location"] == reverse("cases:referral_list")
    assert not Referral.objects.filter(pk=draft.pk).exists()
    assert not Person.objects.filter(pk=own.person_id).exists()
    assert Person.objects.filter(pk=shared.pk).exists()  # still party to the police's referral
    recorded = AuditEvent.objects.filter(object_type="cases.referral", object_id=str(draft.pk))
    assert recorded.filter(action=AuditAction.DELETE).exists()
    assert not any("Geheime zorg" in str(event.changes) for event in recorded)


def test_a_submitted_referral_cannot_be_deleted(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting, submitted=True)
    response = personas.client("professional_a").post(
        reverse("cases:referral_delete", args=[referral.pk]), {"delete-version": str(referral.version)}
    )
    assert response.status_code == 403
    assert Referral.objects.filter(pk=referral.pk).exists()


# "Laatst gewijzigd"


def test_last_changed_follows_persons_and_problems_too(personas: Personas, draft: Referral) -> None:
    start = timezone.now()
    client = personas.client("professional_a")
    with time_machine.travel(start + dt.timedelta(minutes=2), tick=False):
        party = _add_own(personas, draft)
    assert Referral.objects.get(pk=draft.pk).updated_at == start + dt.timedelta(minutes=2)
    with time_machine.travel(start + dt.timedelta(minutes=3), tick=False):
        client.post(
            reverse("cases:problem_add", args=[draft.pk]),
            {"problem-domain": "housing", "problem-description": "Huurschuld", "problem-source": "Corporatie"},
        )
    assert Referral.objects.get(pk=draft.pk).updated_at == start + dt.timedelta(minutes=3)
    with time_machine.travel(start + dt.timedelta(minutes=4), tick=False):
        _edit(client, party, role="subject")
    assert Referral.objects.get(pk=draft.pk).updated_at == start + dt.timedelta(minutes=4)
    # A new part is no new version: a colleague's open concern form is not in conflict.
    assert Referral.objects.get(pk=draft.pk).version == draft.version
