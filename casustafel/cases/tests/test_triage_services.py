"""Triage services: verdicts with reasons, every routing outcome, the urgency override,
concurrent triage, first contact and caseload caps."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import (
    Case,
    CaseloadCap,
    InformationRequest,
    Referral,
    ReferralStatus,
    Routing,
    Triage,
)
from casustafel.cases.services.triage import (
    VerdictInput,
    case_open,
    caseload_cap_set,
    referral_record_first_contact,
    triage_decide,
    triage_save,
)
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.testing.cases import CaseFactory, MeetingTypeFactory
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.referrals import actor_for
from casustafel.testing.triage import decide, triage_setting, verdicts_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas):
    return triage_setting(personas)


def fresh(referral: Referral) -> Referral:
    return Referral.objects.get(pk=referral.pk)


# --- Outcomes ------------------------------------------------------------------------------


def test_accept_opens_a_case_with_the_chosen_process_director_and_first_meeting(personas, setting):
    other_director = personas.add("process_director_2", organisation=personas.office, role="process_director")
    first_meeting = timezone.localdate() + dt.timedelta(days=10)
    triage = decide(
        personas, setting, outcome="accept", process_director=other_director, first_meeting_date=first_meeting
    )
    referral = fresh(setting.referral)
    assert referral.status == ReferralStatus.ACCEPTED
    assert referral.outcome_at is not None
    case = Case.objects.get(referral=referral)
    assert case.process_director == other_director
    assert case.first_meeting_date == first_meeting
    assert case.meeting_type == setting.meeting_type
    assert case.municipality == setting.municipality
    assert triage.outcome == Routing.ACCEPT
    assert triage.decided_by == personas.process_director


def test_step_down_closes_the_referral_as_stepped_down(personas, setting):
    decide(personas, setting, outcome="step_down_local", verdicts=verdicts_for(setting.version, b="does_not_meet"))
    referral = fresh(setting.referral)
    assert referral.status == ReferralStatus.STEPPED_DOWN
    assert referral.outcome_at is not None
    assert not Case.objects.filter(referral=referral).exists()


def test_refer_to_riec_closes_the_referral_as_referred(personas, setting):
    decide(personas, setting, outcome="refer_riec")
    assert fresh(setting.referral).status == ReferralStatus.REFERRED_RIEC


def test_reject_closes_the_referral_as_rejected(personas, setting):
    triage = decide(personas, setting, outcome="reject", outcome_reason="Geen verbinding zorg en straf nodig.")
    assert fresh(setting.referral).status == ReferralStatus.REJECTED
    assert triage.outcome_reason == "Geen verbinding zorg en straf nodig."


def test_need_more_information_asks_the_referrer_and_waits(personas, setting):
    triage = decide(personas, setting, outcome="need_more_information", question="Is de school betrokken?")
    referral = fresh(setting.referral)
    assert referral.status == ReferralStatus.INFORMATION_REQUESTED
    assert referral.outcome_at is None
    request = InformationRequest.objects.get(referral=referral)
    assert request.question == "Is de school betrokken?"
    assert request.asked_by == personas.process_director
    assert triage.outcome == Routing.NEED_MORE_INFORMATION and triage.decided_at is not None


def test_after_more_information_the_referral_is_triaged_again(personas, setting):
    decide(personas, setting, outcome="need_more_information")
    decide(personas, setting, outcome="accept")
    assert Triage.objects.filter(referral=setting.referral).count() == 2
    assert fresh(setting.referral).status == ReferralStatus.ACCEPTED


def test_need_more_information_requires_the_question(personas, setting):
    with pytest.raises(ValidationError) as exc:
        decide(personas, setting, outcome="need_more_information", question="  ")
    assert "question" in exc.value.message_dict


def test_every_outcome_requires_a_reason_for_the_referrer(personas, setting):
    for outcome in Routing.values:
        with pytest.raises(ValidationError) as exc:
            decide(personas, setting, outcome=outcome, outcome_reason=" ")
        assert "outcome_reason" in exc.value.message_dict, outcome
    assert not Triage.objects.exists()


def test_a_decided_referral_cannot_be_decided_again(personas, setting):
    decide(personas, setting, outcome="reject")
    with pytest.raises(ServiceError):
        decide(personas, setting, outcome="accept")


def test_the_decision_is_audited_with_outcome_and_verdict_summary(personas, setting):
    triage = decide(personas, setting, outcome="reject", verdicts=verdicts_for(setting.version, c="does_not_meet"))
    event = AuditEvent.objects.get(object_type="cases.triage", object_id=str(triage.pk))
    assert event.action == AuditAction.CREATE
    assert event.changes["outcome"] == [None, "reject"]
    assert event.changes["verdicts"][1]["c"] == "does_not_meet"
    assert event.changes["verdicts"][1]["a2"] == "meets"
    assert event.changes["result"] == [None, "does_not_meet"]
    referral_events = AuditEvent.objects.filter(
        object_type="cases.referral", object_id=str(triage.referral_id)
    ).order_by("-sequence")
    # The decision, then the keep-until date it starts (retention of a referral without a case).
    retention_event, referral_event = referral_events[:2]
    assert referral_event.changes["status"] == ["submitted", "rejected"]
    assert list(retention_event.changes) == ["retention_until"]


def test_accept_audit_names_the_case(personas, setting):
    triage = decide(personas, setting, outcome="accept")
    case = Case.objects.get(referral=setting.referral)
    event = AuditEvent.objects.get(object_type="cases.triage", object_id=str(triage.pk))
    assert event.case_id == case.pk
    assert AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk), action="create").exists()


# --- Verdicts and reasons ------------------------------------------------------------------


def test_a_triage_without_reasons_is_refused_per_criterion(personas, setting):
    verdicts = {pk: VerdictInput(verdict=v.verdict, reason="") for pk, v in verdicts_for(setting.version).items()}
    with pytest.raises(ValidationError) as exc:
        decide(personas, setting, outcome="reject", verdicts=verdicts)
    errors = exc.value.message_dict
    leaf_a2 = setting.criterion("a2")
    assert errors[f"reason_{leaf_a2.pk}"] == [
        "Geef bij criterium a2 in een paar woorden aan waarom (ook bij onbekend)."
    ]
    assert len([key for key in errors if key.startswith("reason_")]) == len(setting.leaf_codes) == 8
    assert not Triage.objects.exists()
    assert fresh(setting.referral).status == ReferralStatus.SUBMITTED


def test_deciding_requires_a_verdict_on_every_criterion(personas, setting):
    verdicts = verdicts_for(setting.version)
    verdicts.pop(setting.criterion("e").pk)
    with pytest.raises(ValidationError) as exc:
        decide(personas, setting, outcome="reject", verdicts=verdicts)
    e = setting.criterion("e").pk
    assert exc.value.message_dict[f"verdict_{e}"] == ["Kies bij criterium e een oordeel."]


def test_unknown_is_a_verdict_but_still_needs_a_reason(personas, setting):
    verdicts = verdicts_for(setting.version, d="unknown")
    triage = decide(personas, setting, outcome="step_down_local", verdicts=verdicts)
    assert triage.verdicts.get(criterion__code="d").verdict == "unknown"


def test_saving_a_draft_keeps_open_criteria_open_but_refuses_a_verdict_without_reason(personas, setting):
    referral = setting.referral
    a1 = setting.criterion("a1").pk
    common = {
        "actor": actor_for(personas, "process_director"),
        "referral": referral,
        "expected_referral_version": referral.version,
        "triage": None,
        "expected_version": None,
        "criteria_version": setting.version,
        "team_members": [],
    }
    with pytest.raises(ValidationError) as exc:
        triage_save(**common, verdicts={a1: VerdictInput(verdict="meets", reason="")})
    assert list(exc.value.message_dict) == [f"reason_{a1}"]
    triage = triage_save(**common, verdicts={a1: VerdictInput(verdict="meets", reason="Huisvesting en financiën.")})
    assert triage.decided_at is None
    assert list(triage.verdicts.values_list("criterion__code", flat=True)) == ["a1"]
    assert fresh(referral).status == ReferralStatus.SUBMITTED


def test_saving_again_updates_verdicts_and_team(personas, setting):
    referral = setting.referral
    actor = actor_for(personas, "process_director")
    a1 = setting.criterion("a1").pk
    triage = triage_save(
        actor=actor,
        referral=referral,
        expected_referral_version=referral.version,
        triage=None,
        expected_version=None,
        criteria_version=setting.version,
        team_members=[personas.professional_b],
        verdicts={a1: VerdictInput("meets", "Twee leefgebieden.")},
    )
    triage = triage_save(
        actor=actor,
        referral=referral,
        expected_referral_version=referral.version,
        triage=triage,
        expected_version=triage.version,
        criteria_version=setting.version,
        team_members=[personas.professional_b, personas.secretary],
        verdicts={a1: VerdictInput("does_not_meet", "Maar één leefgebied.")},
    )
    assert triage.version == 2
    assert triage.verdicts.get().verdict == "does_not_meet"
    assert set(triage.team_members.all()) == {personas.professional_b, personas.secretary}


def test_team_members_must_work_in_the_house(personas, setting):
    with pytest.raises(ValidationError) as exc:
        decide(personas, setting, outcome="reject", team_members=[personas.outsider_house])
    assert "team_members" in exc.value.message_dict


# --- Urgency override ----------------------------------------------------------------------


def test_accepting_with_unmet_criteria_requires_the_urgency_override(personas, setting):
    unmet = verdicts_for(setting.version, a2="does_not_meet", a4="does_not_meet")
    with pytest.raises(ValidationError) as exc:
        decide(personas, setting, outcome="accept", verdicts=unmet)
    assert "urgency_override" in exc.value.message_dict
    assert not Case.objects.exists()


def test_accepting_with_unknown_criteria_also_requires_the_override(personas, setting):
    with pytest.raises(ValidationError) as exc:
        decide(personas, setting, outcome="accept", verdicts=verdicts_for(setting.version, c="unknown"))
    assert "urgency_override" in exc.value.message_dict


def test_the_urgency_override_needs_a_justification(personas, setting):
    unmet = verdicts_for(setting.version, b="does_not_meet")
    with pytest.raises(ValidationError) as exc:
        decide(personas, setting, outcome="accept", verdicts=unmet, urgency_override=True, urgency_justification="")
    assert "urgency_justification" in exc.value.message_dict


def test_a_justified_urgency_override_accepts_a_case_that_misses_criteria(personas, setting):
    triage = decide(
        personas,
        setting,
        outcome="accept",
        verdicts=verdicts_for(setting.version, b="does_not_meet"),
        urgency_override=True,
        urgency_justification="Acuut gevaar voor de kinderen; lokaal is geen tijd meer.",
    )
    assert triage.urgency_override is True
    assert Case.objects.filter(referral=setting.referral).exists()


def test_area_safety_alone_meets_criterion_a_without_override(personas, setting):
    verdicts = verdicts_for(setting.version, a1="does_not_meet", a2="does_not_meet", a3="unknown")
    decide(personas, setting, outcome="accept", verdicts=verdicts)
    assert Case.objects.filter(referral=setting.referral).exists()


def test_urgency_override_is_only_for_accepting(personas, setting):
    with pytest.raises(ValidationError) as exc:
        decide(personas, setting, outcome="reject", urgency_override=True, urgency_justification="Waarom niet.")
    assert "urgency_override" in exc.value.message_dict


def test_urgency_override_is_refused_when_all_criteria_are_met(personas, setting):
    with pytest.raises(ValidationError) as exc:
        decide(personas, setting, outcome="accept", urgency_override=True, urgency_justification="Voor de zekerheid.")
    assert "urgency_override" in exc.value.message_dict


# --- Accept details ------------------------------------------------------------------------


def test_accept_requires_meeting_type_process_director_and_a_future_first_meeting(personas, setting):
    with pytest.raises(ValidationError) as exc:
        decide(
            personas,
            setting,
            outcome="accept",
            meeting_type=None,
            process_director=personas.secretary,
            first_meeting_date=timezone.localdate() - dt.timedelta(days=1),
        )
    errors = exc.value.message_dict
    assert set(errors) >= {"meeting_type", "process_director", "first_meeting_date"}
    assert errors["process_director"] == ["Kies een procesregisseur van dit huis."]


def test_accept_refuses_a_meeting_type_of_another_house(personas, setting):
    elsewhere = MeetingTypeFactory(name="Elders")
    with pytest.raises(ValidationError) as exc:
        decide(personas, setting, outcome="accept", meeting_type=elsewhere)
    assert "meeting_type" in exc.value.message_dict


def test_case_open_refuses_a_referral_that_is_not_accepted(personas, setting):
    with pytest.raises(ServiceError):
        case_open(
            actor=actor_for(personas, "process_director"),
            referral=setting.referral,
            meeting_type=setting.meeting_type,
            process_director=personas.process_director,
            first_meeting_date=timezone.localdate(),
        )


# --- Who may triage ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name", ["secretary", "house_manager", "administrator", "professional_a", "ambassador_a", "outsider_house"]
)
def test_only_process_directors_of_the_house_decide(personas, setting, name):
    with pytest.raises(PermissionDenied):
        decide(personas, setting, outcome="reject", actor=name)


# --- Concurrency ---------------------------------------------------------------------------


def test_second_director_deciding_on_a_stale_page_gets_a_conflict_and_nothing_is_overwritten(personas, setting):
    other = personas.add("process_director_2", organisation=personas.office, role="process_director")
    loaded = fresh(setting.referral)  # both directors open the page now
    decide(personas, setting, outcome="reject", outcome_reason="Eerste besluit.")
    with pytest.raises(ConflictError) as exc:
        triage_decide(
            actor=actor_for(personas, "process_director_2"),
            referral=loaded,
            expected_referral_version=loaded.version,
            triage=None,
            expected_version=None,
            criteria_version=setting.version,
            team_members=[],
            verdicts=verdicts_for(setting.version),
            outcome="accept",
            outcome_reason="Tweede besluit.",
            meeting_type=setting.meeting_type,
            process_director=other,
            first_meeting_date=timezone.localdate(),
        )
    assert "Een andere procesregisseur heeft deze aanmelding intussen gewogen of besloten" in exc.value.messages[0]
    assert fresh(setting.referral).status == ReferralStatus.REJECTED
    assert Triage.objects.get().outcome_reason == "Eerste besluit."
    assert not Case.objects.exists()


def test_second_director_saving_over_a_draft_they_did_not_see_gets_a_conflict(personas, setting):
    personas.add("process_director_2", organisation=personas.office, role="process_director")
    referral = setting.referral
    a1 = setting.criterion("a1").pk
    first = triage_save(
        actor=actor_for(personas, "process_director"),
        referral=referral,
        expected_referral_version=referral.version,
        triage=None,
        expected_version=None,
        criteria_version=setting.version,
        team_members=[],
        verdicts={a1: VerdictInput("meets", "Eerste weging.")},
    )
    with pytest.raises(ConflictError):
        triage_save(
            actor=actor_for(personas, "process_director_2"),
            referral=referral,
            expected_referral_version=referral.version,
            triage=None,  # their page showed no triage yet
            expected_version=None,
            criteria_version=setting.version,
            team_members=[],
            verdicts={a1: VerdictInput("does_not_meet", "Tweede weging.")},
        )
    with pytest.raises(ConflictError):
        triage_save(
            actor=actor_for(personas, "process_director_2"),
            referral=referral,
            expected_referral_version=referral.version,
            triage=first,
            expected_version=first.version - 1 if first.version > 1 else 0,
            criteria_version=setting.version,
            team_members=[],
            verdicts={a1: VerdictInput("does_not_meet", "Tweede weging.")},
        )
    assert first.verdicts.get().reason == "Eerste weging."


def test_an_answer_arriving_during_triage_makes_the_decision_conflict(personas, setting):
    decide(personas, setting, outcome="need_more_information")
    loaded = fresh(setting.referral)
    from casustafel.cases.services.referrals import information_request_answer

    information_request_answer(
        actor=actor_for(personas, "professional_a"),
        request=InformationRequest.objects.get(),
        answer="Het wijkteam is twee keer langs geweest.",
    )
    with pytest.raises(ConflictError):
        triage_decide(
            actor=actor_for(personas, "process_director"),
            referral=loaded,
            expected_referral_version=loaded.version,
            triage=None,
            expected_version=None,
            criteria_version=setting.version,
            team_members=[],
            verdicts=verdicts_for(setting.version),
            outcome="reject",
            outcome_reason="Niet nodig.",
        )


# --- First contact -------------------------------------------------------------------------


def test_recording_first_contact_stops_the_norm(personas, setting):
    referral = fresh(setting.referral)
    referral_record_first_contact(
        actor=actor_for(personas, "process_director"), referral=referral, expected_version=referral.version
    )
    referral = fresh(referral)
    assert referral.first_contact_at is not None
    with pytest.raises(ServiceError):
        referral_record_first_contact(
            actor=actor_for(personas, "process_director"), referral=referral, expected_version=referral.version
        )


def test_first_contact_cannot_be_in_the_future_or_before_submission(personas, setting):
    referral = fresh(setting.referral)
    actor = actor_for(personas, "process_director")
    for moment in (timezone.now() + dt.timedelta(hours=2), referral.submitted_at - dt.timedelta(hours=1)):
        with pytest.raises(ValidationError) as exc:
            referral_record_first_contact(actor=actor, referral=referral, expected_version=referral.version, at=moment)
        assert "at" in exc.value.message_dict


def test_secretaries_do_not_record_first_contact(personas, setting):
    with pytest.raises(PermissionDenied):
        referral_record_first_contact(
            actor=actor_for(personas, "secretary"), referral=setting.referral, expected_version=None
        )


# --- Caseload caps -------------------------------------------------------------------------


def test_administrators_set_change_and_remove_a_caseload_cap(personas, setting):
    actor = actor_for(personas, "administrator")
    caseload_cap_set(actor=actor, municipality=setting.municipality, max_active_cases=5)
    caseload_cap_set(actor=actor, municipality=setting.municipality, max_active_cases=7)
    assert CaseloadCap.objects.get(municipality=setting.municipality).max_active_cases == 7
    caseload_cap_set(actor=actor, municipality=setting.municipality, max_active_cases=None)
    assert not CaseloadCap.objects.exists()
    actions = list(
        AuditEvent.objects.filter(object_type="cases.caseloadcap").order_by("sequence").values_list("action", flat=True)
    )
    assert actions == ["create", "update", "delete"]


def test_caseload_caps_are_for_municipalities_and_administrators(personas, setting):
    with pytest.raises(PermissionDenied):
        caseload_cap_set(
            actor=actor_for(personas, "process_director"), municipality=setting.municipality, max_active_cases=3
        )
    with pytest.raises(ValidationError):
        caseload_cap_set(actor=actor_for(personas, "administrator"), municipality=personas.org_b, max_active_cases=3)


def test_caseload_counts_active_cases_of_the_municipality(personas, setting):
    from casustafel.cases.selectors.triage import caseload_for

    CaseFactory(
        referral__referring_organisation=personas.org_a, municipality=setting.municipality, house=personas.house
    )
    CaseFactory(
        referral__referring_organisation=personas.org_a,
        municipality=setting.municipality,
        house=personas.house,
        status="closed",
    )
    CaseFactory(referral__referring_organisation=personas.org_a, municipality=OrganisationFactory(municipality=True))
    caseload_cap_set(actor=actor_for(personas, "administrator"), municipality=setting.municipality, max_active_cases=1)
    load = caseload_for(setting.municipality)
    assert (load.active, load.cap, load.at_or_over_cap) == (1, 1, True)
