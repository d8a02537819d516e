"""Adding a person to one's own draft referral discloses nothing about persons of other
organisations (issue 7, point 1).

Rule: a registration is proposed only on the BSN, or on first given name, surname and birth
date all typed and equal; the proposal shows nothing the user did not type beyond "a person
with these details is already registered"; never the registering organisation; never a person
known only from another organisation's draft; never a restricted person (then, as from the known
check, only the house office's contact). The known check and the person page show "known,
contact ..." and nothing else: no "registered by", no masked BSN the referrer did not type.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.test import Client
from django.urls import reverse

import pytest

from casustafel.cases.models import CaseParty, Person, Referral
from casustafel.privacy.subject_access.models import RestrictionMark
from casustafel.testing.cases import CaseFactory, CasePartyFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import ReferralSetting, referral_of, referral_setting

pytestmark = pytest.mark.django_db

BORN = dt.date(2011, 9, 23)
BSN = "111222333"


@pytest.fixture
def setting(personas: Personas) -> ReferralSetting:
    return referral_setting(personas)


@pytest.fixture
def draft(personas: Personas, setting: ReferralSetting) -> Referral:
    return referral_of(personas, setting)


def _registered(personas: Personas, *, submitted: bool = True, **person: Any) -> Person:
    """A person registered by the police (org_b) and party to its referral (submitted, so known
    to the house, unless `submitted=False`: then only in the police's own draft)."""
    values = {"given_names": "Daan Pieter", "surname": "Kramer", "date_of_birth": BORN, **person}
    party = CasePartyFactory(
        referral__referring_organisation=personas.org_b,
        referral__submitted=submitted,
        person__house=personas.house,
        person__created_by_organisation=personas.org_b,
        **{f"person__{key}": value for key, value in values.items()},
    )
    return party.person


def _add(client: Client, referral: Referral, **typed: str) -> Any:
    data = {"party-given_names": "Daan", "party-surname": "Kramer", "party-role": "child"}
    data.update({f"party-{key}": value for key, value in typed.items()})
    return client.post(reverse("cases:party_add", args=[referral.pk]), data)


def _proposes(response: Any) -> bool:
    return _proposes_in(response.content.decode())


def test_a_surname_and_birth_date_alone_propose_nobody(personas: Personas, draft: Referral) -> None:
    _registered(personas)
    response = _add(personas.client("professional_a"), draft, given_names="Sem", date_of_birth=BORN.isoformat())
    assert not _proposes(response)
    assert response.status_code == 302  # registered as a new person straight away


def test_a_name_without_birth_date_proposes_nobody(personas: Personas, draft: Referral) -> None:
    _registered(personas)
    response = _add(personas.client("professional_a"), draft)
    assert not _proposes(response)
    assert response.status_code == 302


def test_the_proposal_shows_nothing_the_referrer_did_not_type(personas: Personas, draft: Referral) -> None:
    registered = _registered(personas, with_bsn=BSN)
    # On name and birth date: the second given name, the BSN and the police stay hidden.
    page = _add(personas.client("professional_a"), draft, date_of_birth=BORN.isoformat()).content.decode()
    assert _proposes_in(page)
    assert "Er is al een persoon met deze naam en geboortedatum geregistreerd bij het huis." in page
    assert "Pieter" not in page and "******333" not in page
    assert personas.org_b.name not in page and "geregistreerd door" not in page.lower()
    # On the BSN without a birth date: the registered birth date stays hidden too.
    page = _add(personas.client("professional_a"), draft, bsn=BSN).content.decode()
    assert f'name="party-choice" value="{registered.pk}"' in page
    assert "23 september 2011" not in page and "2011-09-23" not in page
    assert personas.org_b.name not in page


def test_a_bsn_registered_with_another_name_gets_only_the_house_contact(personas: Personas, draft: Referral) -> None:
    _registered(personas, given_names="Fenna", surname="Bos", with_bsn=BSN)
    page = _add(personas.client("professional_a"), draft, bsn=BSN).content.decode()
    assert not _proposes_in(page)
    assert "Neem contact op met: " + personas.office.name in page
    assert "Fenna" not in page and "Bos" not in page
    assert not draft.parties.exists()


def _proposes_in(page: str) -> bool:
    return 'type="radio" name="party-choice"' in page


def test_a_person_known_only_from_another_organisations_draft_is_never_proposed(
    personas: Personas, draft: Referral
) -> None:
    hidden = _registered(personas, submitted=False)
    response = _add(personas.client("professional_a"), draft, date_of_birth=BORN.isoformat())
    assert not _proposes(response)
    assert response.status_code == 302
    added = CaseParty.objects.get(referral=draft)
    assert added.person != hidden  # a registration of its own, to be merged by the administrator


def test_ones_own_organisations_draft_does_count_as_known(
    personas: Personas, draft: Referral, setting: ReferralSetting
) -> None:
    own = CasePartyFactory(
        referral=referral_of(personas, setting, referrer="ambassador_a"),
        person__house=personas.house,
        person__created_by_organisation=personas.org_a,
        person__given_names="Daan",
        person__surname="Kramer",
        person__date_of_birth=BORN,
    ).person
    page = _add(personas.client("professional_a"), draft, date_of_birth=BORN.isoformat()).content.decode()
    assert f'name="party-choice" value="{own.pk}"' in page


def test_a_restricted_person_is_never_proposed_the_answer_is_the_house_contact(
    personas: Personas, draft: Referral
) -> None:
    restricted = _registered(personas)
    RestrictionMark.objects.create(
        person=restricted,
        ground="accuracy_contested",
        starts_on=dt.date(2020, 1, 1),
        created_by=personas.privacy_officer,
    )
    response = _add(personas.client("professional_a"), draft, date_of_birth=BORN.isoformat())
    page = response.content.decode()
    assert response.status_code == 200 and not _proposes(response)
    assert "Neem contact op met: " + personas.office.name in page
    assert not draft.parties.exists()
    assert Person.objects.filter(surname="Kramer").count() == 1  # no second registration either


def test_the_known_check_of_a_restricted_person_names_only_the_house_office(
    personas: Personas, draft: Referral, setting: ReferralSetting
) -> None:
    person = _registered(personas)
    case = CaseFactory(referral__referring_organisation=personas.org_b, process_director=personas.process_director)
    CasePartyFactory(referral=case.referral, person=person)
    client = personas.client("professional_a")
    _add(client, draft, date_of_birth=BORN.isoformat(), choice=str(person.pk))
    party = draft.parties.get(person=person)
    assert "Process Director" in party.known_contact  # known, with the case's process director
    RestrictionMark.objects.create(
        person=person, ground="accuracy_contested", starts_on=dt.date(2020, 1, 1), created_by=personas.privacy_officer
    )
    client.post(reverse("cases:party_check_known", args=[draft.pk, party.pk]))
    party.refresh_from_db()
    assert party.known_elsewhere is True
    assert personas.office.name in party.known_contact and "Process Director" not in party.known_contact


def test_the_person_page_and_the_referral_show_no_registering_organisation_and_no_bsn_not_typed(
    personas: Personas, draft: Referral
) -> None:
    person = _registered(personas, with_bsn=BSN)
    client = personas.client("professional_a")
    _add(client, draft, date_of_birth=BORN.isoformat(), choice=str(person.pk))
    party = draft.parties.get(person=person)
    for url in (
        reverse("cases:party_detail", args=[draft.pk, party.pk]),
        reverse("cases:referral_detail", args=[draft.pk]),
    ):
        page = client.get(url).content.decode()
        assert "******333" not in page, url
        assert "Geregistreerd door" not in page and personas.org_b.name not in page, url
    # Typed by the referrer: then the masked BSN is theirs to see.
    _add(client, draft, given_names="Lina", surname="Kramer", bsn="123456782")
    lina = draft.parties.get(person__given_names="Lina")
    assert "******782" in client.get(reverse("cases:party_detail", args=[draft.pk, lina.pk])).content.decode()
