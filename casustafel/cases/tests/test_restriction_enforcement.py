"""Restriction of processing (AVG art. 18) where information enters: no fact or attachment about a
restricted person on a case, and no submitting a referral while a party is restricted."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse

import pytest

from casustafel.cases.models import Case, CaseFact, PartyRole, Referral, ReferralStatus
from casustafel.cases.services.information import attachment_add, case_fact_add
from casustafel.cases.services.referrals import referral_submit, submit_blockers
from casustafel.lib.errors import ServiceError
from casustafel.meeting_types.models import MeetingType
from casustafel.privacy.models import Consent, InformationCategory, LegalBasis, Restriction
from casustafel.privacy.provenance.checks import ProvenanceData
from casustafel.privacy.subject_access.services import restriction_mark_lift
from casustafel.testing.cases import CasePartyFactory, MeetingTypeFactory, PersonFactory
from casustafel.testing.information import PDF_BYTES, case_with
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for, referral_of, referral_setting
from casustafel.testing.sar import officer, restrict

pytestmark = pytest.mark.django_db

HOUSEHOLD = ProvenanceData(category=InformationCategory.HOUSEHOLD, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN)
RESTRICTED = "Voor deze persoon is de verwerking beperkt (AVG art. 18)"


@pytest.fixture(autouse=True)
def _attachment_root(settings: Any, tmp_path: Path) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


@pytest.fixture
def meeting_type(personas: Personas) -> MeetingType:
    return MeetingTypeFactory(house=personas.house, name="Casus-op-Maat")


@pytest.fixture
def case(personas: Personas, meeting_type: MeetingType) -> Case:
    return case_with(
        personas.house,
        meeting_type=meeting_type,
        referring_organisation=personas.org_a,
        process_director=personas.process_director,
    )


def party(case: Case, personas: Personas, given_names: str) -> Any:
    person = PersonFactory(house=personas.house, given_names=given_names, surname="Visser")
    CasePartyFactory(referral=case.referral, person=person, role=PartyRole.CHILD)
    return person


# --- Case information ---------------------------------------------------------------------------


def test_no_fact_or_attachment_about_a_restricted_person(personas: Personas, case: Case) -> None:
    restricted = party(case, personas, "Sanne")
    other = party(case, personas, "Noor")
    restrict(personas, restricted)
    actor = actor_for(personas, "professional_a")
    with pytest.raises(ServiceError) as exc:
        case_fact_add(actor=actor, case=case, text="Sanne is verhuisd.", provenance=HOUSEHOLD, person=restricted)
    assert RESTRICTED in exc.value.message_dict["person"][0]
    with pytest.raises(ServiceError) as exc:
        attachment_add(
            actor=actor,
            case=case,
            upload=ContentFile(PDF_BYTES, name="verslag.pdf"),
            provenance=HOUSEHOLD,
            person=restricted,
        )
    assert RESTRICTED in exc.value.message_dict["person"][0]
    assert not CaseFact.objects.exists()
    # Others, and the household as a whole, are unaffected.
    case_fact_add(actor=actor, case=case, text="Noor gaat weer naar school.", provenance=HOUSEHOLD, person=other)
    case_fact_add(actor=actor, case=case, text="Het gezin is verhuisd.", provenance=HOUSEHOLD)
    assert CaseFact.objects.count() == 2


def test_a_lifted_restriction_lets_information_in_again(personas: Personas, case: Case) -> None:
    person = party(case, personas, "Sanne")
    mark = restrict(personas, person)
    actor = actor_for(personas, "professional_a")
    with pytest.raises(ServiceError):
        case_fact_add(actor=actor, case=case, text="Feit.", provenance=HOUSEHOLD, person=person)
    restriction_mark_lift(actor=officer(personas), mark=mark, reason="Juistheid vastgesteld.", person_informed=True)
    assert case_fact_add(actor=actor, case=case, text="Feit.", provenance=HOUSEHOLD, person=person).person == person


def test_the_fact_form_shows_the_refusal_at_the_person_field_and_keeps_the_text(personas: Personas, case: Case) -> None:
    person = party(case, personas, "Sanne")
    restrict(personas, person)
    data = {
        "fact-kind": "fact",
        "fact-text": "Mijn getypte tekst over de verhuizing.",
        "fact-person": str(person.pk),
        "fact-category": InformationCategory.HOUSEHOLD,
        "fact-legal_basis": LegalBasis.WGS,
        "fact-consent": Consent.GIVEN,
        "fact-restriction": Restriction.HOUSE,
    }
    response = personas.client("professional_a").post(reverse("cases:case_fact_add", args=[case.pk]), data)
    assert response.status_code == 200
    page = response.content.decode()
    assert RESTRICTED in page
    assert RESTRICTED in response.context["fact_form"]["person"].errors[0]  # next to the field
    assert "Mijn getypte tekst over de verhuizing." in page
    assert not CaseFact.objects.exists()


# --- Submitting a referral ----------------------------------------------------------------------


def test_a_referral_with_a_restricted_party_cannot_be_submitted(personas: Personas) -> None:
    setting = referral_setting(personas)
    referral = referral_of(personas, setting)
    subject = PersonFactory(house=personas.house, given_names="Sanne", surname="Visser")
    CasePartyFactory(referral=referral, person=subject, role=PartyRole.SUBJECT)
    assert submit_blockers(referral) == []
    mark = restrict(personas, subject)
    [blocker] = submit_blockers(referral)
    assert blocker.startswith("Voor Sanne Visser is de verwerking beperkt (AVG art. 18)")
    actor = actor_for(personas, "professional_a")
    with pytest.raises(ValidationError) as exc:
        referral_submit(actor=actor, referral=referral, expected_version=referral.version)
    assert exc.value.messages == [blocker]
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DRAFT

    restriction_mark_lift(actor=officer(personas), mark=mark, reason="Bezwaar afgewezen.", person_informed=True)
    submitted = referral_submit(actor=actor, referral=referral, expected_version=referral.version)
    assert submitted.status == ReferralStatus.SUBMITTED


def test_the_referral_page_shows_the_restriction_blocker(personas: Personas) -> None:
    setting = referral_setting(personas)
    referral = referral_of(personas, setting)
    subject = PersonFactory(house=personas.house, given_names="Sanne", surname="Visser")
    CasePartyFactory(referral=referral, person=subject, role=PartyRole.SUBJECT)
    restrict(personas, subject)
    client = personas.client("professional_a")
    response = client.post(
        reverse("cases:referral_submit", args=[referral.pk]), {"submit-version": str(referral.version)}
    )
    assert response.status_code == 200
    assert "Voor Sanne Visser is de verwerking beperkt" in response.content.decode()
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DRAFT
