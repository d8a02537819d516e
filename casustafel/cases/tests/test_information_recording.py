"""House staff record in a meeting what a partner brings in: the fact is the partner's
(provenance, covenant check for its sector), added by the staff member who typed it."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError

import pytest

from casustafel.cases.services.information import case_fact_add
from casustafel.privacy.models import Consent, InformationCategory, LegalBasis
from casustafel.privacy.provenance.checks import ProvenanceData
from casustafel.testing.involvements import open_case
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db

HOUSEHOLD = ProvenanceData(category=InformationCategory.HOUSEHOLD, legal_basis=LegalBasis.WGS, consent=Consent.GIVEN)


def test_staff_record_a_fact_on_behalf_of_an_involved_organisation(personas):
    case = open_case(personas).case
    fact = case_fact_add(
        actor=actor_for(personas, "secretary"),
        case=case,
        text="Veilig Thuis: moeder heeft een veiligheidsplan.",
        provenance=HOUSEHOLD,
        contributor=personas.org_a,
    )
    assert (fact.organisation, fact.added_by) == (personas.org_a, personas.secretary)


def test_staff_cannot_record_for_an_organisation_outside_the_case(personas):
    case = open_case(personas).case
    with pytest.raises(ValidationError) as refused:
        case_fact_add(
            actor=actor_for(personas, "process_director"),
            case=case,
            text="x",
            provenance=HOUSEHOLD,
            contributor=personas.org_b,
        )
    assert refused.value.message_dict == {"organisation": ["Politie Testregio is niet betrokken bij deze casus."]}


def test_a_professional_cannot_record_on_behalf_of_another_organisation(personas):
    case = open_case(personas).case
    with pytest.raises(PermissionDenied):
        case_fact_add(
            actor=actor_for(personas, "professional_a"),
            case=case,
            text="x",
            provenance=HOUSEHOLD,
            contributor=personas.office,
        )
