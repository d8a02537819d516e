from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import LifeDomain, PartyRole, Person
from casustafel.cases.services.persons import case_party_add
from casustafel.cases.services.referrals import life_domain_problem_add
from casustafel.lib.dates import add_months
from casustafel.lib.errors import ServiceError
from casustafel.privacy.subject_access.models import (
    ExceptionGround,
    IdentityCheck,
    RectificationDecision,
    RestrictionGround,
    SarStatus,
)
from casustafel.privacy.subject_access.restrictions import restricted_person_ids
from casustafel.privacy.subject_access.services import (
    rectification_note_record,
    restriction_mark_lift,
    sar_exception_lift,
    sar_person_search,
    subject_access_request_create,
    subject_access_request_extend,
    subject_access_request_update,
)
from casustafel.testing.cases import PersonFactory, ReferralFactory
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for
from casustafel.testing.sar import BSN, make_request, officer, person_in_referral, restrict, withhold


def messages_of(exc: pytest.ExceptionInfo[ValidationError]) -> dict[str, list[str]]:
    return exc.value.message_dict


# --- Term ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (dt.date(2025, 3, 14), 1, dt.date(2025, 4, 14)),
        (dt.date(2025, 1, 31), 1, dt.date(2025, 2, 28)),
        (dt.date(2024, 1, 31), 1, dt.date(2024, 2, 29)),
        (dt.date(2025, 12, 15), 1, dt.date(2026, 1, 15)),
        (dt.date(2025, 11, 30), 2, dt.date(2026, 1, 30)),
    ],
)
def test_add_months_keeps_the_day_or_takes_the_last_of_a_shorter_month(
    day: dt.date, months: int, expected: dt.date
) -> None:
    assert add_months(day, months) == expected


def test_a_request_is_due_one_month_after_receipt_and_audited(personas: Personas) -> None:
    setting = person_in_referral(personas)
    request = make_request(personas, setting.person, received_on=dt.date(2025, 1, 31))
    assert request.due_on == dt.date(2025, 2, 28)
    assert request.handled_by == personas.privacy_officer
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="privacy.subjectaccessrequest")
    assert event.person_id == setting.person.pk
    assert event.actor_organisation == personas.office


def test_a_representative_must_be_described_briefly(personas: Personas) -> None:
    setting = person_in_referral(personas)
    with pytest.raises(ValidationError) as exc:
        make_request(personas, setting.person, requester="legal_representative", representative_description="  ")
    assert "representative_description" in messages_of(exc)
    assert "moeder met gezag" in messages_of(exc)["representative_description"][0]


def test_a_request_cannot_be_received_in_the_future(personas: Personas) -> None:
    setting = person_in_referral(personas)
    with pytest.raises(ValidationError) as exc:
        make_request(personas, setting.person, received_on=timezone.localdate() + dt.timedelta(days=1))
    assert messages_of(exc)["received_on"] == ["De datum van ontvangst ligt in de toekomst. Controleer de datum."]


@pytest.mark.parametrize("name", ["process_director", "administrator", "professional_a", "outsider_house"])
def test_only_the_privacy_officer_of_the_house_registers_requests(personas: Personas, name: str) -> None:
    setting = person_in_referral(personas)
    with pytest.raises(PermissionDenied):
        subject_access_request_create(
            actor=actor_for(personas, name),
            house=personas.house,
            person=setting.person,
            received_on=timezone.localdate(),
            requester="person",
        )


def test_extending_needs_a_reason_in_dutch(personas: Personas) -> None:
    request = make_request(personas, person_in_referral(personas).person)
    with pytest.raises(ValidationError) as exc:
        subject_access_request_extend(
            actor=officer(personas),
            request=request,
            expected_version=request.version,
            extended_due_on=request.due_on + dt.timedelta(days=14),
            extension_reason=" ",
        )
    assert "Geef de reden van de verlenging" in messages_of(exc)["extension_reason"][0]


def test_extending_is_at_most_two_months(personas: Personas) -> None:
    request = make_request(personas, person_in_referral(personas).person)
    with pytest.raises(ValidationError) as exc:
        subject_access_request_extend(
            actor=officer(personas),
            request=request,
            expected_version=request.version,
            extended_due_on=add_months(request.due_on, 2) + dt.timedelta(days=1),
            extension_reason="Veel informatie van zes organisaties.",
        )
    assert messages_of(exc)["extended_due_on"][0].startswith("Verlengen kan met ten hoogste twee maanden")
    extended = subject_access_request_extend(
        actor=officer(personas),
        request=request,
        expected_version=request.version,
        extended_due_on=add_months(request.due_on, 2),
        extension_reason="Veel informatie van zes organisaties.",
    )
    assert extended.effective_due_on == add_months(request.due_on, 2)


def test_extending_after_the_first_month_is_refused(personas: Personas) -> None:
    request = make_request(personas, person_in_referral(personas).person)
    with time_machine.travel(timezone.now() + dt.timedelta(days=40), tick=False):
        with pytest.raises(ValidationError) as exc:
            subject_access_request_extend(
                actor=officer(personas),
                request=request,
                expected_version=None,
                extended_due_on=add_months(request.due_on, 1),
                extension_reason="Complex.",
            )
    assert "De eerste termijn is op" in messages_of(exc)["extended_due_on"][-1]


# --- Finding the person ------------------------------------------------------------------------


def test_search_needs_a_bsn_or_surname_and_date_of_birth(personas: Personas) -> None:
    with pytest.raises(ValidationError) as exc:
        sar_person_search(actor=officer(personas), house=personas.house, surname="Visser")
    assert messages_of(exc) == {"date_of_birth": ["Zoek op BSN, of op achternaam én geboortedatum."]}
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_search_by_bsn_finds_only_that_person_and_audits_without_the_bsn(personas: Personas) -> None:
    target = person_in_referral(personas).person
    namesake = PersonFactory(
        house=personas.house, given_names="Sanne", surname="Visser", date_of_birth=target.date_of_birth
    )
    elsewhere = PersonFactory(with_bsn=BSN)  # the same BSN in another house
    matches = sar_person_search(actor=officer(personas), house=personas.house, surname="Visser", bsn=BSN)
    assert [match.person for match in matches] == [target]
    events = list(AuditEvent.objects.filter(action=AuditAction.SEARCH))
    assert [event.person_id for event in events] == [target.pk]
    assert BSN not in str(events[0].changes) and "Visser" not in str(events[0].changes)
    assert namesake.pk != target.pk and elsewhere.house_id != personas.house.pk


def test_search_by_name_and_birth_date_audits_every_person_found(personas: Personas) -> None:
    target = person_in_referral(personas).person
    twin = PersonFactory(house=personas.house, given_names="Sem", surname="Visser", date_of_birth=target.date_of_birth)
    matches = sar_person_search(
        actor=officer(personas), house=personas.house, surname="visser", date_of_birth=target.date_of_birth
    )
    assert {match.person for match in matches} == {target, twin}
    assert set(AuditEvent.objects.filter(action=AuditAction.SEARCH).values_list("person_id", flat=True)) == {
        target.pk,
        twin.pk,
    }


def test_a_search_without_result_is_audited_too(personas: Personas) -> None:
    assert sar_person_search(actor=officer(personas), house=personas.house, bsn="123456782") == []
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert event.person_id is None and event.changes["found"] == [None, 0]


def test_nobody_but_the_privacy_officer_may_search(personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        sar_person_search(actor=actor_for(personas, "process_director"), house=personas.house, bsn=BSN)


# --- Decision and exceptions -----------------------------------------------------------------


def test_an_exception_needs_an_organisation(personas: Personas) -> None:
    request = make_request(personas, person_in_referral(personas).person)
    with pytest.raises(ValidationError) as exc:
        withhold(personas, request, [])
    assert messages_of(exc)["organisations"] == ["Kies de organisatie(s) waarvan informatie wordt achtergehouden."]


def test_an_other_ground_needs_a_note_and_organisations_of_the_house(personas: Personas) -> None:
    request = make_request(personas, person_in_referral(personas).person)
    from casustafel.privacy.subject_access.services import sar_exception_add

    with pytest.raises(ValidationError) as exc:
        sar_exception_add(
            actor=officer(personas),
            request=request,
            ground=ExceptionGround.OTHER,
            organisations=[OrganisationFactory()],
            note="",
        )
    assert set(messages_of(exc)) == {"note", "organisations"}
    assert messages_of(exc)["organisations"] == ["Kies alleen organisaties van dit huis."]


def test_providing_is_refused_while_an_exception_holds(personas: Personas) -> None:
    request = make_request(personas, person_in_referral(personas).person)
    exception = withhold(personas, request, [personas.org_b])
    update = {"identity_check": IdentityCheck.ID_DOCUMENT, "handled_by": personas.privacy_officer}
    with pytest.raises(ValidationError) as exc:
        subject_access_request_update(
            actor=officer(personas), request=request, expected_version=None, status=SarStatus.PROVIDED, **update
        )
    assert "uitzondering" in messages_of(exc)["status"][0]
    with pytest.raises(ValidationError) as exc:
        subject_access_request_update(
            actor=officer(personas), request=request, expected_version=None, status=SarStatus.PARTLY_DEFERRED, **update
        )
    assert "decision_note" in messages_of(exc)
    deferred = subject_access_request_update(
        actor=officer(personas),
        request=request,
        expected_version=None,
        status=SarStatus.PARTLY_DEFERRED,
        decision_note="Een deel volgt na afronding van een onderzoek.",
        **update,
    )
    assert deferred.decided_at is not None and deferred.decided_by == personas.privacy_officer
    with pytest.raises(ValidationError) as exc:
        sar_exception_lift(actor=officer(personas), exception=exception, lift_note="")
    assert "lift_note" in messages_of(exc)
    sar_exception_lift(actor=officer(personas), exception=exception, lift_note="Onderzoek afgerond.")
    provided = subject_access_request_update(
        actor=officer(personas), request=request, expected_version=None, status=SarStatus.PROVIDED, **update
    )
    assert provided.status == SarStatus.PROVIDED
    with pytest.raises(ServiceError):
        withhold(personas, provided, [personas.org_b])


def test_deferring_without_an_exception_and_providing_without_identity_are_refused(personas: Personas) -> None:
    request = make_request(personas, person_in_referral(personas).person, identity_check=IdentityCheck.NOT_YET)
    with pytest.raises(ValidationError) as exc:
        subject_access_request_update(
            actor=officer(personas),
            request=request,
            expected_version=None,
            status=SarStatus.DEFERRED,
            identity_check=IdentityCheck.NOT_YET,
            handled_by=None,
            decision_note="Later.",
        )
    assert messages_of(exc)["status"] == ["Leg eerst de wettelijke uitzondering vast waarop het uitstel berust."]
    with pytest.raises(ValidationError) as exc:
        subject_access_request_update(
            actor=officer(personas),
            request=request,
            expected_version=None,
            status=SarStatus.PROVIDED,
            identity_check=IdentityCheck.NOT_YET,
            handled_by=None,
        )
    assert "identity_check" in messages_of(exc)
    with pytest.raises(ValidationError) as exc:
        subject_access_request_update(
            actor=officer(personas),
            request=request,
            expected_version=None,
            status=SarStatus.REJECTED,
            identity_check=IdentityCheck.NOT_YET,
            handled_by=personas.process_director,
        )
    assert set(messages_of(exc)) == {"decision_note", "handled_by"}


def test_free_text_is_kept_out_of_the_audit_trail(personas: Personas) -> None:
    request = make_request(personas, person_in_referral(personas).person)
    subject_access_request_update(
        actor=officer(personas),
        request=request,
        expected_version=None,
        status=SarStatus.REJECTED,
        identity_check=IdentityCheck.ID_DOCUMENT,
        handled_by=personas.privacy_officer,
        decision_note="Kennelijk ongegrond: het tiende verzoek deze maand.",
    )
    event = AuditEvent.objects.filter(action=AuditAction.UPDATE).latest("sequence")
    assert event.changes["decision_note"] == ["", "[afgeschermd]"]
    assert event.changes["status"] == ["received", "rejected"]


# --- Rectification ---------------------------------------------------------------------------


def test_rectification_decisions_need_their_explanation(personas: Personas) -> None:
    person = person_in_referral(personas).person
    cases = [
        (RectificationDecision.NOT_CORRECTED, {}, "explanation"),
        (RectificationDecision.CORRECTED, {}, "explanation"),
        (RectificationDecision.NOTE_ADDED, {}, "statement"),
    ]
    for decision, extra, field in cases:
        with pytest.raises(ValidationError) as exc:
            rectification_note_record(
                actor=officer(personas), person=person, disputed="Ik ben nooit aangehouden.", decision=decision, **extra
            )
        assert list(messages_of(exc)) == [field]


def test_a_correction_of_the_registration_is_applied_and_audited(personas: Personas) -> None:
    person = person_in_referral(personas).person
    note = rectification_note_record(
        actor=officer(personas),
        person=person,
        disputed="Mijn geboortedatum klopt niet.",
        decision=RectificationDecision.CORRECTED,
        explanation="Geboortedatum gecorrigeerd na controle van het paspoort.",
        corrections={"date_of_birth": dt.date(1990, 7, 1)},
    )
    person.refresh_from_db()
    assert person.date_of_birth == dt.date(1990, 7, 1)
    assert note.recorded_by_organisation == personas.office
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="cases.person")
    assert update.person_id == person.pk and update.changes["date_of_birth"] == ["1990-05-17", "1990-07-01"]


def test_corrections_are_only_for_a_corrected_decision(personas: Personas) -> None:
    person = person_in_referral(personas).person
    with pytest.raises(ValidationError) as exc:
        rectification_note_record(
            actor=officer(personas),
            person=person,
            disputed="Naam",
            decision=RectificationDecision.NOT_CORRECTED,
            explanation="Klopt volgens de BRP.",
            corrections={"surname": "Fisser"},
        )
    assert "decision" in messages_of(exc)
    assert Person.objects.get(pk=person.pk).surname == "Visser"


# --- Restriction -----------------------------------------------------------------------------


def test_restriction_dates_are_checked(personas: Personas) -> None:
    person = person_in_referral(personas).person
    today = timezone.localdate()
    with pytest.raises(ValidationError) as exc:
        restrict(personas, person, starts_on=today - dt.timedelta(days=1))
    assert "terugwerkende kracht" in messages_of(exc)["starts_on"][0]
    with pytest.raises(ValidationError) as exc:
        restrict(personas, person, ends_on=today - dt.timedelta(days=1))
    assert messages_of(exc)["ends_on"] == ["De einddatum ligt vóór de begindatum."]
    restrict(personas, person, ground=RestrictionGround.OBJECTION_PENDING)
    with pytest.raises(ValidationError) as exc:
        restrict(personas, person, starts_on=today + dt.timedelta(days=3))
    assert "al een beperking" in messages_of(exc)["starts_on"][0]


def test_lifting_a_restriction_needs_a_reason_and_the_person_informed(personas: Personas) -> None:
    person = person_in_referral(personas).person
    mark = restrict(personas, person)
    with pytest.raises(ValidationError) as exc:
        restriction_mark_lift(actor=officer(personas), mark=mark, reason="", person_informed=False)
    assert set(messages_of(exc)) == {"reason", "person_informed"}
    restriction_mark_lift(actor=officer(personas), mark=mark, reason="Juistheid gecontroleerd.", person_informed=True)
    assert restricted_person_ids([person.pk]) == set()


def test_a_restricted_person_gets_no_new_information(personas: Personas) -> None:
    setting = person_in_referral(personas)
    mark = restrict(personas, setting.person)
    draft = ReferralFactory(referrer=personas.professional_a, referring_organisation=personas.org_a)
    actor = actor_for(personas, "professional_a")
    with pytest.raises(ServiceError) as exc:
        case_party_add(actor=actor, referral=draft, person=setting.person, role=PartyRole.VICTIM)
    assert "Voor deze persoon is de verwerking beperkt (AVG art. 18)" in exc.value.messages[0]
    other = PersonFactory(house=personas.house)
    case_party_add(actor=actor, referral=draft, person=other, role=PartyRole.SUBJECT)  # others are unaffected
    restriction_mark_lift(actor=officer(personas), mark=mark, reason="Bezwaar afgewezen.", person_informed=True)
    party = case_party_add(actor=actor, referral=draft, person=setting.person, role=PartyRole.VICTIM)
    restrict(personas, setting.person, starts_on=timezone.localdate() + dt.timedelta(days=1))
    with time_machine.travel(timezone.now() + dt.timedelta(days=1), tick=False):
        with pytest.raises(ServiceError):
            life_domain_problem_add(
                actor=actor,
                referral=draft,
                domain=LifeDomain.HOUSING,
                description="Huurachterstand.",
                source="Woningcorporatie",
                person=party.person,
            )
