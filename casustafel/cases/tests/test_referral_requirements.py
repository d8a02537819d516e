"""The completeness checklist: every input requirement check, met and missing."""

from __future__ import annotations

import datetime as dt

import pytest

from casustafel.cases.models import LifeDomain, PartyRole, Referral
from casustafel.cases.requirements import EVALUATORS, missing_items, referral_checklist
from casustafel.meeting_types.models import InputRequirementCheck, RequirementStage
from casustafel.testing.cases import (
    CasePartyFactory,
    InputRequirementFactory,
    LifeDomainProblemFactory,
    MeetingTypeFactory,
    PriorActionFactory,
    ReferralFactory,
)
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import referral_of, referral_setting

pytestmark = pytest.mark.django_db


def _only(referral: Referral, check: str, *, minimum: int = 1) -> tuple[bool, str]:
    """Configure one requirement and evaluate it."""
    meeting_type = MeetingTypeFactory(house=referral.house)
    InputRequirementFactory(meeting_type=meeting_type, requirement=check, minimum=minimum)
    referral.meeting_type = meeting_type
    referral.save()
    [item] = referral_checklist(Referral.objects.get(pk=referral.pk), RequirementStage.BEFORE_TRIAGE)
    return item.met, item.missing_text


def test_every_check_has_an_evaluator() -> None:
    assert set(EVALUATORS) == set(InputRequirementCheck.values)


def test_concern_described() -> None:
    assert _only(ReferralFactory(concern="  "), InputRequirementCheck.CONCERN_DESCRIBED) == (
        False,
        "De omschrijving van de zorg ontbreekt.",
    )
    assert _only(ReferralFactory(), InputRequirementCheck.CONCERN_DESCRIBED)[0]


def test_subject_known_needs_a_subject_with_a_birth_date() -> None:
    referral = ReferralFactory()
    assert _only(referral, InputRequirementCheck.SUBJECT_KNOWN) == (False, "Er is nog geen hoofdpersoon toegevoegd.")
    party = CasePartyFactory(referral=referral, person__date_of_birth=None)
    assert "geboortedatum" in _only(referral, InputRequirementCheck.SUBJECT_KNOWN)[1]
    party.person.date_of_birth = dt.date(1985, 3, 14)
    party.person.save()
    assert _only(referral, InputRequirementCheck.SUBJECT_KNOWN)[0]


def test_household_complete_needs_someone_besides_the_subject() -> None:
    referral = ReferralFactory()
    assert not _only(referral, InputRequirementCheck.HOUSEHOLD_COMPLETE)[0]
    CasePartyFactory(referral=referral, role=PartyRole.SUBJECT)
    met, text = _only(referral, InputRequirementCheck.HOUSEHOLD_COMPLETE)
    assert not met and "Alleen de hoofdpersoon" in text
    CasePartyFactory(referral=referral, role=PartyRole.CHILD)
    assert _only(referral, InputRequirementCheck.HOUSEHOLD_COMPLETE)[0]


def test_life_domains_counts_distinct_domains_against_the_minimum() -> None:
    referral = ReferralFactory()
    LifeDomainProblemFactory(referral=referral, domain=LifeDomain.HOUSING)
    LifeDomainProblemFactory(referral=referral, domain=LifeDomain.HOUSING)
    met, text = _only(referral, InputRequirementCheck.LIFE_DOMAINS, minimum=3)
    assert not met and text == "Problemen beschreven op 1 leefgebied; nodig: minimaal 3."
    LifeDomainProblemFactory(referral=referral, domain=LifeDomain.FINANCES)
    LifeDomainProblemFactory(referral=referral, domain=LifeDomain.ADDICTION)
    assert _only(referral, InputRequirementCheck.LIFE_DOMAINS, minimum=3)[0]


def test_prior_actions_response_term_and_municipality() -> None:
    referral = ReferralFactory(desired_response_days=None)
    assert not _only(referral, InputRequirementCheck.PRIOR_ACTIONS)[0]
    assert not _only(referral, InputRequirementCheck.RESPONSE_TERM)[0]
    assert not _only(referral, InputRequirementCheck.MUNICIPALITY)[0]
    PriorActionFactory(referral=referral)
    referral.desired_response_days = 7
    referral.municipality = OrganisationFactory(house=referral.house, municipality=True)
    referral.save()
    assert _only(referral, InputRequirementCheck.PRIOR_ACTIONS)[0]
    assert _only(referral, InputRequirementCheck.RESPONSE_TERM)[0]
    assert _only(referral, InputRequirementCheck.MUNICIPALITY)[0]


def test_sources_missing_for_the_concern() -> None:
    referral = ReferralFactory(concern_source="")
    met, text = _only(referral, InputRequirementCheck.SOURCES)
    assert not met and "de omschrijving van de zorg" in text
    referral.concern_source = "Politiemutatie"
    referral.save()
    assert _only(referral, InputRequirementCheck.SOURCES)[0]


def test_consent_needs_an_answer_and_a_note_when_not_asked() -> None:
    referral = ReferralFactory(consent="")
    assert not _only(referral, InputRequirementCheck.CONSENT)[0]
    referral.consent = "not_asked"
    referral.save()
    assert "toelichting" in _only(referral, InputRequirementCheck.CONSENT)[1]
    referral.consent_note = "Lopend strafrechtelijk onderzoek"
    referral.save()
    assert _only(referral, InputRequirementCheck.CONSENT)[0]


def test_checklist_is_per_stage_and_empty_without_meeting_type(personas: Personas) -> None:
    setting = referral_setting(personas)
    referral = referral_of(personas, setting, consent="")
    before_triage = referral_checklist(referral, RequirementStage.BEFORE_TRIAGE)
    before_agenda = referral_checklist(referral, RequirementStage.BEFORE_AGENDA)
    assert {i.requirement.stage for i in before_triage} == {RequirementStage.BEFORE_TRIAGE}
    assert {i.requirement.stage for i in before_agenda} == {RequirementStage.BEFORE_AGENDA}
    assert len(referral_checklist(referral, None)) == len(before_triage) + len(before_agenda)
    assert {i.requirement.requirement for i in missing_items(referral, RequirementStage.BEFORE_TRIAGE)} == {
        InputRequirementCheck.SUBJECT_KNOWN,
        InputRequirementCheck.LIFE_DOMAINS,
    }
    referral.meeting_type = None
    assert referral_checklist(referral, None) == []


def test_checklist_costs_no_queries_once_prefetched(personas: Personas, django_assert_num_queries: object) -> None:
    from casustafel.cases.requirements import REFERRAL_CHECKLIST_PREFETCH

    setting = referral_setting(personas)
    referral = referral_of(personas, setting)
    CasePartyFactory(referral=referral)
    LifeDomainProblemFactory(referral=referral)
    loaded = (
        Referral.objects.select_related("meeting_type")
        .prefetch_related(*REFERRAL_CHECKLIST_PREFETCH)
        .get(pk=referral.pk)
    )
    with django_assert_num_queries(0):  # type: ignore[operator]
        referral_checklist(loaded, None)
