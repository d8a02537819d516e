"""Phase moves, bodemeisen and agreements: who may write them, what is refused, and that each
write and its audit event land together."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.services import REDACTED
from casustafel.cases.models import CaseStatus
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.meeting_types.models import SafetyPhase
from casustafel.plans.models import AgreementKind, PhaseDirection
from casustafel.plans.selectors import current_phase, phase_history, requirements_in_force, with_current_phase
from casustafel.plans.services import (
    agreement_create,
    agreement_update,
    minimum_requirement_create,
    minimum_requirement_end,
    minimum_requirement_update,
    phase_move,
)
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.involvements import involve, open_case
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def case(personas):
    return open_case(personas).case


@pytest.fixture
def director(personas) -> Actor:
    return actor_for(personas, "process_director")


def _agreement(personas, case, actor, **overrides):
    values = {
        "organisation": personas.org_a,
        "owner": personas.professional_a,
        "what": "Huisbezoek bij moeder en bespreken van het veiligheidsplan.",
        "due_date": timezone.localdate() + dt.timedelta(days=7),
        "kind": AgreementKind.HOUSEHOLD_ACTION,
        "justification": "Moeder heeft aangegeven hulp te willen bij het veiligheidsplan.",
    }
    values.update(overrides)
    return agreement_create(actor=actor, case=case, **values)


# --- Phase moves ----------------------------------------------------------------------------


def test_phase_moves_record_direction_and_the_current_phase_follows(case, director):
    assert current_phase(case) == ""
    first = phase_move(actor=director, case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="Start in de casus")
    forward = phase_move(actor=director, case=case, to_phase=SafetyPhase.RISK_REDUCTION, reason="Geen acuut gevaar")
    back = phase_move(
        actor=director, case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="Nieuw incident, vader terug in huis"
    )
    assert [first.direction, forward.direction, back.direction] == [
        PhaseDirection.INITIAL,
        PhaseDirection.FORWARD,
        PhaseDirection.BACKWARD,
    ]
    assert back.from_phase == SafetyPhase.RISK_REDUCTION
    assert current_phase(case) == SafetyPhase.DIRECT_SAFETY
    assert list(phase_history(case)) == [first, forward, back]
    annotated = with_current_phase(type(case).objects.filter(pk=case.pk)).get()
    assert annotated.current_phase == SafetyPhase.DIRECT_SAFETY


def test_a_phase_move_needs_a_reason_and_a_different_phase(case, director):
    with pytest.raises(ValidationError) as empty:
        phase_move(actor=director, case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="  ")
    assert empty.value.message_dict == {"reason": ["Schrijf op waarom de fase verandert."]}
    phase_move(actor=director, case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="Start")
    with pytest.raises(ValidationError) as same:
        phase_move(actor=director, case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="Nog steeds onveilig")
    assert same.value.message_dict["to_phase"] == ["De casus is al in de fase Directe veiligheid."]
    with pytest.raises(ValidationError):
        phase_move(actor=director, case=case, to_phase="unknown", reason="x")


def test_a_phase_move_is_audited_with_the_case_and_without_the_reason_text(case, director):
    move = phase_move(actor=director, case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="Vader dreigt")
    event = AuditEvent.objects.get(object_type="plans.phasemove", object_id=str(move.pk))
    assert event.action == AuditAction.CREATE
    assert event.case_id == case.pk
    assert event.changes["reason"] == [None, REDACTED]
    assert event.changes["to_phase"] == [None, "direct_safety"]


def test_only_the_house_staff_write_the_plan_side(personas, case):
    for name in ("professional_a", "professional_b", "house_manager", "board_member", "outsider_house"):
        with pytest.raises(PermissionDenied):
            phase_move(actor=actor_for(personas, name), case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="x")
    phase_move(actor=actor_for(personas, "secretary"), case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="x")


def test_nothing_is_added_to_a_closed_case(case, director, personas):
    type(case).objects.filter(pk=case.pk).update(status=CaseStatus.CLOSED)
    case.refresh_from_db()
    with pytest.raises(ServiceError):
        phase_move(actor=director, case=case, to_phase=SafetyPhase.DIRECT_SAFETY, reason="x")
    with pytest.raises(ServiceError):
        _agreement(personas, case, director)


# --- Bodemeisen -----------------------------------------------------------------------------


def test_a_bodemeis_has_a_monitor_involved_in_the_case_and_an_if_not_met_action(personas, case, director):
    with pytest.raises(ValidationError) as refused:
        minimum_requirement_create(
            actor=director, case=case, what="Geen contact met moeder", monitor=None, if_not_met=""
        )
    assert refused.value.message_dict == {
        "monitor": ["Kies de organisatie die de bodemeis bewaakt."],
        "if_not_met": ["Schrijf op wat er gebeurt als de bodemeis niet wordt nagekomen."],
    }
    with pytest.raises(ValidationError) as outsider:
        minimum_requirement_create(
            actor=director, case=case, what="Geen contact", monitor=personas.org_b, if_not_met="Melding OM"
        )
    assert outsider.value.message_dict["monitor"] == [
        "Politie Testregio is niet betrokken bij deze casus; betrek de organisatie eerst."
    ]
    other_house = OrganisationFactory()
    with pytest.raises(ValidationError):
        minimum_requirement_create(actor=director, case=case, what="x", monitor=other_house, if_not_met="y")
    involve(personas, case, personas.org_b)
    requirement = minimum_requirement_create(
        actor=director,
        case=case,
        what="Vader komt niet binnen 500 meter van de woning",
        monitor=personas.org_b,
        if_not_met="Politie meldt het aan het OM; het OM vraagt een contactverbod.",
    )
    assert list(requirements_in_force(case)) == [requirement]
    event = AuditEvent.objects.get(object_type="plans.minimumrequirement", object_id=str(requirement.pk))
    assert event.case_id == case.pk
    assert event.changes["what"] == [None, REDACTED]


def test_two_people_adjusting_one_bodemeis_never_overwrite_each_other(personas, case, director):
    requirement = minimum_requirement_create(
        actor=director,
        case=case,
        what="Kinderen naar school",
        monitor=personas.org_a,
        if_not_met="Leerplicht inschakelen",
    )
    minimum_requirement_update(
        actor=director, requirement=requirement, expected_version=1, what="Kinderen elke dag naar school"
    )
    with pytest.raises(ConflictError):
        minimum_requirement_update(
            actor=actor_for(personas, "secretary"), requirement=requirement, expected_version=1, what="Anders"
        )
    requirement.refresh_from_db()
    assert requirement.what == "Kinderen elke dag naar school"
    ended = minimum_requirement_end(
        actor=director, requirement=requirement, expected_version=2, reason="Drie maanden nagekomen"
    )
    assert ended.ended_at is not None
    assert not requirements_in_force(case).exists()
    with pytest.raises(ServiceError):
        minimum_requirement_update(actor=director, requirement=ended, expected_version=3, what="Weer")


# --- Agreements -----------------------------------------------------------------------------


def test_an_agreement_without_owner_or_due_date_is_refused(personas, case, director):
    with pytest.raises(ValidationError) as refused:
        _agreement(personas, case, director, owner=None, due_date=None, justification="", kind="")
    assert refused.value.message_dict == {
        "owner": ["Kies wie de afspraak uitvoert."],
        "due_date": ["Vul in wanneer de afspraak uiterlijk klaar is."],
        "kind": ["Kies de soort afspraak."],
        "justification": ["Schrijf op waarom deze afspraak nodig is."],
    }


def test_the_owner_must_work_for_the_organisation_and_the_organisation_be_involved(personas, case, director):
    with pytest.raises(ValidationError) as wrong_owner:
        _agreement(personas, case, director, owner=personas.professional_b)
    assert wrong_owner.value.message_dict == {"owner": ["Professional B werkt niet (meer) bij Veilig Thuis Testregio."]}
    with pytest.raises(ValidationError) as not_involved:
        _agreement(personas, case, director, organisation=personas.org_b, owner=personas.professional_b)
    assert "organisation" in not_involved.value.message_dict
    office = _agreement(
        personas,
        case,
        director,
        organisation=personas.office,
        owner=personas.process_director,
        kind=AgreementKind.INFORMATION_EXCHANGE,
    )
    assert office.organisation == personas.office


def test_an_agreement_records_date_hour_kind_and_justification(personas, case, director):
    yesterday = timezone.localdate() - dt.timedelta(days=1)
    agreement = _agreement(personas, case, director, due_date=yesterday, due_time=dt.time(15, 0))
    agreement.refresh_from_db()
    assert (agreement.due_date, agreement.due_time) == (yesterday, dt.time(15, 0))
    assert agreement.created_by == personas.process_director
    event = AuditEvent.objects.get(object_type="plans.agreement", object_id=str(agreement.pk))
    assert event.changes["what"] == [None, REDACTED]
    assert event.changes["kind"] == [None, "household_action"]


def test_a_stale_agreement_edit_is_refused_and_changes_nothing(personas, case, director):
    agreement = _agreement(personas, case, director)
    agreement_update(actor=director, agreement=agreement, expected_version=1, what="Twee huisbezoeken")
    with pytest.raises(ConflictError):
        agreement_update(actor=director, agreement=agreement, expected_version=1, what="Eén telefoontje")
    agreement.refresh_from_db()
    assert (agreement.what, agreement.version) == ("Twee huisbezoeken", 2)
    events = AuditEvent.objects.filter(object_type="plans.agreement", object_id=str(agreement.pk))
    assert events.count() == 2
    # The trail says the text changed, never what it says.
    assert events.get(action=AuditAction.UPDATE).changes == {"what": [REDACTED, REDACTED]}
