"""Referral services: start, fill in, submit, information requests; each with its audit event."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import EntryRoute, PartyRole, Referral, ReferralStatus, ResponseTerm
from casustafel.cases.services.referrals import (
    information_request_answer,
    information_request_create,
    life_domain_problem_add,
    life_domain_problem_remove,
    prior_action_add,
    prior_action_remove,
    referral_start,
    referral_submit,
    referral_update,
)
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.testing.cases import (
    CasePartyFactory,
    InformationRequestFactory,
    LifeDomainProblemFactory,
    MeetingTypeFactory,
    PersonFactory,
    PriorActionFactory,
)
from casustafel.testing.factories import OrganisationFactory, SafetyHouseFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import ReferralSetting, actor_for, referral_of, referral_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas: Personas) -> ReferralSetting:
    return referral_setting(personas)


def _events(action: str, obj: object, pk: int | None = None) -> list[AuditEvent]:
    """Events on `obj` (pass `pk` for an object that was deleted meanwhile)."""
    object_id = str(pk or obj.pk)  # type: ignore[attr-defined]
    return list(AuditEvent.objects.filter(action=action, object_type=obj._meta.label_lower, object_id=object_id))  # type: ignore[attr-defined]


def _ready(personas: Personas, setting: ReferralSetting, **kwargs: object) -> Referral:
    """A draft with the hard minimum for submitting: concern, subject, response term."""
    referral = referral_of(personas, setting, **kwargs)
    CasePartyFactory(referral=referral, role=PartyRole.SUBJECT)
    return referral


# Starting a draft


def test_professional_starts_a_draft_for_their_own_organisation(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_start(
        actor=actor_for(personas, "professional_a"),
        entry_route=EntryRoute.DOMESTIC_VIOLENCE,
        meeting_type=setting.meeting_type,
        municipality=setting.municipality,
    )
    assert referral.status == ReferralStatus.DRAFT
    assert referral.referrer == personas.professional_a
    assert referral.referring_organisation == personas.org_a
    assert referral.house == personas.house
    [event] = _events(AuditAction.CREATE, referral)
    assert event.actor == personas.professional_a
    assert event.changes["entry_route"] == [None, "domestic_violence"]
    assert event.case_id is None


def test_house_staff_can_refer_too(personas: Personas) -> None:
    for name in ("process_director", "secretary", "house_manager"):
        referral = referral_start(actor=actor_for(personas, name), entry_route=EntryRoute.FIELD)
        assert referral.referring_organisation == personas.office


@pytest.mark.parametrize("name", ["administrator", "privacy_officer", "board_member"])
def test_roles_that_do_not_handle_cases_cannot_refer(personas: Personas, name: str) -> None:
    with pytest.raises(PermissionDenied):
        referral_start(actor=actor_for(personas, name), entry_route=EntryRoute.FIELD)
    assert not Referral.objects.exists()


def test_meeting_type_and_municipality_of_another_house_are_refused(personas: Personas) -> None:
    elsewhere = SafetyHouseFactory(name="Elders")
    with pytest.raises(ValidationError) as exc:
        referral_start(
            actor=actor_for(personas, "professional_a"),
            entry_route=EntryRoute.FIELD,
            meeting_type=MeetingTypeFactory(house=elsewhere),
            municipality=OrganisationFactory(house=elsewhere, municipality=True),
        )
    assert set(exc.value.error_dict) == {"meeting_type", "municipality"}


def test_inactive_meeting_type_and_non_municipality_are_refused(personas: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        referral_start(
            actor=actor_for(personas, "professional_a"),
            entry_route=EntryRoute.FIELD,
            meeting_type=MeetingTypeFactory(house=personas.house, is_active=False),
            municipality=personas.org_b,
        )
    assert set(exc.value.error_dict) == {"meeting_type", "municipality"}


# Filling in


def test_update_saves_a_section_and_records_the_changed_fields(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting, concern="", concern_source="")
    updated = referral_update(
        actor=actor_for(personas, "professional_a"),
        referral=referral,
        expected_version=referral.version,
        concern="Moeder belt de politie na ruzies; kinderen missen school.",
        concern_source="Gesprek met moeder",
    )
    assert updated.version == referral.version + 1
    [event] = _events(AuditAction.UPDATE, referral)
    assert set(event.changes) == {"concern", "concern_source"}


def test_update_without_changes_writes_nothing(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    referral_update(
        actor=actor_for(personas, "professional_a"),
        referral=referral,
        expected_version=referral.version,
        concern=referral.concern,
    )
    assert Referral.objects.get(pk=referral.pk).version == referral.version
    assert not _events(AuditAction.UPDATE, referral)


def test_stale_version_conflicts_and_overwrites_nothing(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    loaded_version = referral.version
    referral_update(
        actor=actor_for(personas, "professional_a"),
        referral=referral,
        expected_version=loaded_version,
        concern="Eerste versie van de referent.",
    )
    with pytest.raises(ConflictError):
        referral_update(
            actor=actor_for(personas, "ambassador_a"),
            referral=referral,
            expected_version=loaded_version,
            concern="Tweede, gelijktijdige versie van de ambassadeur.",
        )
    assert Referral.objects.get(pk=referral.pk).concern == "Eerste versie van de referent."


def test_consent_not_asked_needs_a_note(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    with pytest.raises(ValidationError) as exc:
        referral_update(
            actor=actor_for(personas, "professional_a"),
            referral=referral,
            expected_version=referral.version,
            consent="not_asked",
            consent_note="  ",
        )
    assert "consent_note" in exc.value.error_dict
    saved = referral_update(
        actor=actor_for(personas, "professional_a"),
        referral=referral,
        expected_version=referral.version,
        consent="not_asked",
        consent_note="Acuut gevaar voor de kinderen; vragen zou de moeder in gevaar brengen.",
    )
    assert saved.consent == "not_asked"


def test_unknown_fields_cannot_be_updated(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    with pytest.raises(TypeError):
        referral_update(
            actor=actor_for(personas, "professional_a"),
            referral=referral,
            expected_version=referral.version,
            status=ReferralStatus.ACCEPTED,
        )


def test_submitted_referral_cannot_be_changed(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting, submitted=True)
    actor = actor_for(personas, "professional_a")
    with pytest.raises(ServiceError):
        referral_update(actor=actor, referral=referral, expected_version=referral.version, concern="Nieuw")
    with pytest.raises(ServiceError):
        life_domain_problem_add(actor=actor, referral=referral, domain="housing", description="x", source="y")
    with pytest.raises(ServiceError):
        prior_action_add(actor=actor, referral=referral, description="x", by_whom="y", source="z")


def test_problem_is_added_with_source_and_removed_with_audit(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    party = CasePartyFactory(referral=referral)
    actor = actor_for(personas, "professional_a")
    problem = life_domain_problem_add(
        actor=actor,
        referral=referral,
        domain="finances",
        description="Schulden bij de woningcorporatie en de zorgverzekeraar.",
        source="Schuldhulpverlening",
        person=party.person,
    )
    problem_pk = problem.pk
    [created] = _events(AuditAction.CREATE, problem)
    assert created.person_id == party.person_id
    life_domain_problem_remove(actor=actor, problem=problem)
    assert not referral.problems.exists()
    [deleted] = _events(AuditAction.DELETE, problem, problem_pk)
    assert deleted.changes["description"][0].startswith("Schulden")


def test_problem_must_have_description_and_source(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    with pytest.raises(ValidationError) as exc:
        life_domain_problem_add(
            actor=actor_for(personas, "professional_a"), referral=referral, domain="housing", description="", source=""
        )
    assert {"description", "source"} <= set(exc.value.error_dict)


def test_problem_can_only_concern_a_party_of_the_referral(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    stranger = PersonFactory(house=personas.house)
    with pytest.raises(ValidationError) as exc:
        life_domain_problem_add(
            actor=actor_for(personas, "professional_a"),
            referral=referral,
            domain="housing",
            description="Huurachterstand",
            source="Corporatie",
            person=stranger,
        )
    assert "person" in exc.value.error_dict


def test_prior_action_is_added_and_removed_with_audit(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    actor = actor_for(personas, "ambassador_a")
    action = prior_action_add(
        actor=actor,
        referral=referral,
        description="Drie keer besproken in het lokale zorgoverleg.",
        by_whom="Sociaal wijkteam Teststad",
        period="januari-maart",
        result="Geen verbetering; vader weigert hulp.",
        source="Verslag lokaal zorgoverleg",
    )
    action_pk = action.pk
    assert _events(AuditAction.CREATE, action)[0].actor == personas.ambassador_a
    prior_action_remove(actor=actor, action=action)
    assert not referral.prior_actions.exists()
    assert _events(AuditAction.DELETE, action, action_pk)


def test_prior_action_needs_who_and_source(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    with pytest.raises(ValidationError) as exc:
        prior_action_add(
            actor=actor_for(personas, "professional_a"), referral=referral, description="x", by_whom="", source=""
        )
    assert {"by_whom", "source"} <= set(exc.value.error_dict)


# Submitting


def test_submit_sets_status_and_deadlines_from_the_meeting_type(personas: Personas) -> None:
    setting = referral_setting(personas, first_contact_hours=24)
    referral = _ready(personas, setting, desired_response_days=ResponseTerm.WITHIN_1_WEEK)
    moment = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
    with time_machine.travel(moment, tick=False):
        submitted = referral_submit(
            actor=actor_for(personas, "professional_a"), referral=referral, expected_version=referral.version
        )
    assert submitted.status == ReferralStatus.SUBMITTED
    assert submitted.submitted_at == moment
    assert submitted.first_contact_due_at == moment + dt.timedelta(hours=24)
    assert submitted.response_due_at == moment + dt.timedelta(days=7)
    [event] = _events(AuditAction.UPDATE, referral)
    assert event.changes["status"] == ["draft", "submitted"]


def test_submit_without_meeting_type_uses_the_48_hour_norm(personas: Personas, setting: ReferralSetting) -> None:
    referral = _ready(personas, setting)
    referral.meeting_type = None
    referral.save()
    submitted = referral_submit(
        actor=actor_for(personas, "professional_a"), referral=referral, expected_version=referral.version
    )
    assert submitted.first_contact_due_at - submitted.submitted_at == dt.timedelta(hours=48)


def test_submit_refuses_without_concern_subject_and_response_term(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting, concern="", desired_response_days=None)
    CasePartyFactory(referral=referral, role=PartyRole.CHILD)
    with pytest.raises(ValidationError) as exc:
        referral_submit(
            actor=actor_for(personas, "professional_a"), referral=referral, expected_version=referral.version
        )
    text = " ".join(exc.value.messages)
    assert "zorg" in text and "hoofdpersoon" in text and "reactietermijn" in text
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DRAFT


def test_submit_is_allowed_with_checklist_items_still_missing(personas: Personas, setting: ReferralSetting) -> None:
    """Life domains, prior actions and consent are missing: the checklist shows it and the
    process director can ask; the referral goes in anyway."""
    referral = _ready(personas, setting)
    submitted = referral_submit(
        actor=actor_for(personas, "professional_a"), referral=referral, expected_version=referral.version
    )
    assert submitted.status == ReferralStatus.SUBMITTED


def test_submit_twice_is_refused(personas: Personas, setting: ReferralSetting) -> None:
    referral = _ready(personas, setting)
    actor = actor_for(personas, "professional_a")
    submitted = referral_submit(actor=actor, referral=referral, expected_version=referral.version)
    with pytest.raises(ServiceError):
        referral_submit(actor=actor, referral=submitted, expected_version=submitted.version)


def test_submit_with_stale_version_conflicts(personas: Personas, setting: ReferralSetting) -> None:
    referral = _ready(personas, setting)
    referral_update(
        actor=actor_for(personas, "ambassador_a"), referral=referral, expected_version=referral.version, concern="Nu"
    )
    with pytest.raises(ConflictError):
        referral_submit(
            actor=actor_for(personas, "professional_a"), referral=referral, expected_version=referral.version
        )


# Information requests


def test_process_director_asks_for_information_and_the_referral_waits(
    personas: Personas, setting: ReferralSetting
) -> None:
    referral = referral_of(personas, setting, submitted=True)
    request = information_request_create(
        actor=actor_for(personas, "process_director"), referral=referral, question="Wie is de huisarts?"
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.INFORMATION_REQUESTED
    assert request.asked_by == personas.process_director
    assert _events(AuditAction.CREATE, request)
    assert _events(AuditAction.UPDATE, referral)[0].changes == {"status": ["submitted", "information_requested"]}


@pytest.mark.parametrize("name", ["secretary", "professional_a", "ambassador_a", "administrator"])
def test_only_a_process_director_asks_for_information(personas: Personas, setting: ReferralSetting, name: str) -> None:
    referral = referral_of(personas, setting, submitted=True)
    with pytest.raises(PermissionDenied):
        information_request_create(actor=actor_for(personas, name), referral=referral, question="Wie?")


def test_no_information_request_on_a_draft_or_an_empty_question(personas: Personas, setting: ReferralSetting) -> None:
    actor = actor_for(personas, "process_director")
    with pytest.raises(ValidationError):
        information_request_create(actor=actor, referral=referral_of(personas, setting), question="Wie?")
    with pytest.raises(ValidationError) as exc:
        information_request_create(actor=actor, referral=referral_of(personas, setting, submitted=True), question="   ")
    assert "question" in exc.value.error_dict


def test_answering_the_last_question_returns_the_referral_to_triage(
    personas: Personas, setting: ReferralSetting
) -> None:
    referral = referral_of(personas, setting, submitted=True)
    director = actor_for(personas, "process_director")
    first = information_request_create(actor=director, referral=referral, question="Wie is de huisarts?")
    second = information_request_create(actor=director, referral=referral, question="Is er een jeugdbeschermer?")
    information_request_answer(actor=actor_for(personas, "professional_a"), request=first, answer="Dokter Smit.")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.INFORMATION_REQUESTED
    answered = information_request_answer(
        actor=actor_for(personas, "ambassador_a"), request=second, answer="Nee, nog niet."
    )
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert answered.answered_by == personas.ambassador_a and answered.answered_at is not None
    assert _events(AuditAction.UPDATE, second)[0].changes["answer"] == ["", "Nee, nog niet."]
    # Both the question and the answer stay on the referral.
    assert [r.question for r in referral.information_requests.all()] == [
        "Wie is de huisarts?",
        "Is er een jeugdbeschermer?",
    ]


def test_a_question_is_answered_once_and_not_with_nothing(personas: Personas) -> None:
    request = InformationRequestFactory(
        referral__referrer=personas.professional_a, referral__referring_organisation=personas.org_a
    )
    actor = actor_for(personas, "professional_a")
    with pytest.raises(ValidationError) as exc:
        information_request_answer(actor=actor, request=request, answer=" ")
    assert "answer" in exc.value.error_dict
    information_request_answer(actor=actor, request=request, answer="Ja.")
    with pytest.raises(ValidationError):
        information_request_answer(actor=actor, request=request, answer="Nogmaals.")


@pytest.mark.parametrize("name", ["process_director", "secretary", "professional_b"])
def test_only_the_referrer_and_ambassador_answer(personas: Personas, name: str) -> None:
    request = InformationRequestFactory(
        referral__referrer=personas.professional_a, referral__referring_organisation=personas.org_a
    )
    with pytest.raises(PermissionDenied):
        information_request_answer(actor=actor_for(personas, name), request=request, answer="Ja.")


def test_answer_after_a_decision_leaves_the_status_alone(personas: Personas) -> None:
    request = InformationRequestFactory(
        referral__referrer=personas.professional_a,
        referral__referring_organisation=personas.org_a,
        referral__status=ReferralStatus.REJECTED,
        referral__outcome_at=timezone.now(),
    )
    information_request_answer(actor=actor_for(personas, "professional_a"), request=request, answer="Ja.")
    request.referral.refresh_from_db()
    assert request.referral.status == ReferralStatus.REJECTED


def test_problems_and_actions_in_factories_belong_to_the_referral(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    LifeDomainProblemFactory(referral=referral)
    PriorActionFactory(referral=referral)
    assert referral.problems.count() == 1 and referral.prior_actions.count() == 1


def test_a_meeting_type_deactivated_later_does_not_block_other_sections(
    personas: Personas, setting: ReferralSetting
) -> None:
    referral = referral_of(personas, setting)
    setting.meeting_type.is_active = False
    setting.meeting_type.save()
    saved = referral_update(
        actor=actor_for(personas, "professional_a"),
        referral=referral,
        expected_version=referral.version,
        concern="Aangevuld na huisbezoek.",
    )
    assert saved.concern == "Aangevuld na huisbezoek."
    with pytest.raises(ValidationError) as exc:
        referral_update(
            actor=actor_for(personas, "professional_a"),
            referral=saved,
            expected_version=saved.version,
            meeting_type=setting.meeting_type,
        )
    assert "meeting_type" in exc.value.error_dict
