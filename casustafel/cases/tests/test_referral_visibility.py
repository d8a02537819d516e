"""Referral visibility, decided (issue 7, point 3): the referring organisation keeps its own
referral for the retention term but not the case after its involvement ended; organisations
involved later see the referral's content on the case as items with the referrer's provenance,
under the same visibility rules as every item."""

from __future__ import annotations

from typing import Any

from django.urls import reverse

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Case, CaseFact, FactKind, LifeDomain, PartyRole
from casustafel.privacy.models import InformationCategory, Restriction
from casustafel.testing.cases import CasePartyFactory, LifeDomainProblemFactory, PriorActionFactory
from casustafel.testing.involvements import CaseSetting, end_involvement, involve
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import publish_covenant
from casustafel.testing.triage import decide, triage_setting

pytestmark = pytest.mark.django_db

CRIME = "Vader is twee keer aangehouden voor mishandeling."
ADDICTION = "Moeder gebruikt dagelijks alcohol."


@pytest.fixture
def setting(personas: Personas) -> CaseSetting:
    """professional_a's referral with a concern, a housing problem (the factory's), a crime and
    an addiction problem and a prior action, accepted: the case is opened."""
    triage = triage_setting(personas)
    referral = triage.referral
    mother = CasePartyFactory(referral=referral, role=PartyRole.VICTIM).person
    LifeDomainProblemFactory(referral=referral, domain=LifeDomain.CRIME, description=CRIME, source="Politie")
    LifeDomainProblemFactory(
        referral=referral, domain=LifeDomain.ADDICTION, description=ADDICTION, source="Huisarts", person=mother
    )
    PriorActionFactory(referral=referral)
    publish_covenant(
        personas.house,
        participants=[personas.office, personas.org_a, personas.org_b],
        meeting_types=[triage.meeting_type],
    )
    decide(personas, triage, outcome="accept")
    return CaseSetting(triage=triage, case=Case.objects.get(referral=referral))


def _facts(setting: CaseSetting) -> dict[str, Any]:
    return {fact.text.split("\n")[0]: fact for fact in CaseFact.objects.filter(case=setting.case)}


def test_opening_the_case_records_the_referral_as_items_of_the_referrer(
    personas: Personas, setting: CaseSetting
) -> None:
    facts = _facts(setting)
    referral = setting.referral
    assert set(facts) == {
        referral.concern,
        "Huisvesting: Dreigende huisuitzetting wegens huurachterstand.",
        f"Verslaving en middelengebruik: {ADDICTION}",
        f"Criminaliteit: {CRIME}",
        "Eerder gedaan door Sociaal wijkteam: Lokaal zorgoverleg, drie keer besproken.",
    }
    assert all(f.organisation == personas.org_a and f.added_by == personas.professional_a for f in facts.values())
    assert all(f.restriction == Restriction.HOUSE for f in facts.values())
    concern = facts[referral.concern]
    assert concern.kind == FactKind.CONCERN and concern.category == InformationCategory.HOUSEHOLD
    assert concern.text.endswith(f"Bron: {referral.concern_source}")
    assert facts[f"Criminaliteit: {CRIME}"].category == InformationCategory.POLICE_JUSTICE
    addiction = facts[f"Verslaving en middelengebruik: {ADDICTION}"]
    assert addiction.category == InformationCategory.CARE and addiction.person is not None
    events = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="cases.casefact")
    assert events.count() == 5 and all(e.case_id == setting.case.pk for e in events)
    assert events.filter(person_id=addiction.person_id).count() == 1


def test_an_organisation_involved_later_sees_the_content_under_the_covenant_not_the_referral(
    personas: Personas, setting: CaseSetting
) -> None:
    involve(personas, setting.case, personas.org_b)  # police, after the case was opened
    client = personas.client("professional_b")
    assert client.get(reverse("cases:referral_detail", args=[setting.referral.pk])).status_code == 404
    page = client.get(reverse("cases:case_information", args=[setting.case.pk])).content.decode()
    assert setting.referral.concern in page  # household information: every sector sees it
    assert CRIME in page  # police information: the police sees it
    assert ADDICTION not in page  # care information: known to exist, no content
    assert "Er is afgeschermde informatie van Veilig Thuis Testregio" in page


def test_the_referrer_keeps_its_referral_but_not_the_case_after_its_involvement_ended(
    personas: Personas, setting: CaseSetting
) -> None:
    end_involvement(personas, setting.case.involvements.get(organisation=personas.org_a))
    for name in ("professional_a", "ambassador_a"):
        client = personas.client(name)
        assert client.get(reverse("cases:referral_detail", args=[setting.referral.pk])).status_code == 200
        assert client.get(reverse("cases:case_detail", args=[setting.case.pk])).status_code == 404
        assert client.get(reverse("cases:case_information", args=[setting.case.pk])).status_code == 404
