"""Retention and destruction (issue 4, point 6): closing sets the destruction date from the
covenant, extensions move it, and the periodic job destroys what is past it, with a frozen
clock."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.selectors import audit_chain_verify
from casustafel.audit.services import REDACTED_CHANGES
from casustafel.cases.attachment_storage import storage_path
from casustafel.cases.models import (
    Attachment,
    Case,
    CaseFact,
    CaseInvolvement,
    CaseParty,
    CaseStatus,
    CriterionVerdict,
    InformationRequest,
    LifeDomainProblem,
    Person,
    PriorAction,
    Referral,
    Triage,
)
from casustafel.cases.services.closing import case_close
from casustafel.cases.services.persons import person_merge
from casustafel.lib.dates import add_years
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Membership, Organisation
from casustafel.privacy.covenant.services import covenant_rule_update, covenant_version_publish
from casustafel.privacy.models import (
    CaseRetention,
    CovenantVersion,
    Destruction,
    RetentionExtension,
    RetentionSource,
)
from casustafel.privacy.retention.selectors import destructions_due
from casustafel.privacy.retention.services import ANONYMISED_SURNAME, case_destroy, retention_extend
from casustafel.testing.cases import CasePartyFactory, MeetingTypeFactory, PersonFactory, ReferralFactory
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import complete_draft
from casustafel.testing.referrals import actor_for
from casustafel.testing.retention import CONCERN, aggregates, close, rich_case

CLOSED_ON = dt.date(2025, 3, 10)


@pytest.fixture(autouse=True)
def _attachment_root(settings: pytest.FixtureRequest, tmp_path: Path) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"


@pytest.fixture(autouse=True)
def _memberships_since_2020(personas: Personas) -> None:
    # The tests travel back to 2025; the personas must have been members then.
    Membership.objects.update(start_date=dt.date(2020, 1, 1))


@pytest.fixture
def meeting_type(personas: Personas) -> MeetingType:
    # The meeting type's own term (5) differs from the covenant's (2), so tests see which applied.
    return MeetingTypeFactory(house=personas.house, name="Zorgoverleg HG", retention_years=5)


@pytest.fixture
def municipality(personas: Personas) -> Organisation:
    return OrganisationFactory(house=personas.house, municipality=True, name="Gemeente Teststad")


def publish_with_term(personas: Personas, meeting_type: MeetingType, years: int, **kwargs: object) -> CovenantVersion:
    draft = complete_draft(
        personas.house, participants=[personas.org_a, personas.office], meeting_types=[meeting_type], **kwargs
    )  # type: ignore[arg-type]
    rule = draft.meeting_rules.get(meeting_type=meeting_type)
    covenant_rule_update(
        actor=Actor.system(),
        rule=rule,
        expected_version=None,
        legal_basis=rule.legal_basis,
        legal_basis_detail="",
        retention_years=years,
        cells={},
    )
    return covenant_version_publish(actor=Actor.system(), version=draft)


@pytest.fixture
def covenant(personas: Personas, meeting_type: MeetingType) -> CovenantVersion:
    return publish_with_term(personas, meeting_type, 2, effective_from=dt.date(2025, 1, 1))


def case_for(personas: Personas, meeting_type: MeetingType, **kwargs: object) -> Case:
    with time_machine.travel(dt.datetime(2025, 3, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        return rich_case(personas, meeting_type=meeting_type, **kwargs)  # type: ignore[arg-type]


def closed_case(personas: Personas, meeting_type: MeetingType, **kwargs: object) -> Case:
    case = case_for(personas, meeting_type, **kwargs)
    with time_machine.travel(dt.datetime(2025, 3, 10, 15, 0, tzinfo=dt.UTC), tick=False):
        return close(personas, case)


def run_job(*args: str) -> str:
    out = io.StringIO()
    call_command("destroy_expired_cases", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


# --- Closing ----------------------------------------------------------------------------------


def test_closing_takes_the_term_of_the_covenant_in_force(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    case = closed_case(personas, meeting_type)
    assert case.status == CaseStatus.CLOSED
    assert case.close_reason == "Doelen bereikt"
    assert timezone.localdate(case.closed_at) == CLOSED_ON
    assert case.retention_until == dt.date(2027, 3, 10)
    retention = CaseRetention.objects.get(case=case)
    assert (retention.retention_years, retention.source, retention.covenant_version_id) == (
        2,
        RetentionSource.COVENANT,
        covenant.pk,
    )


def test_closing_without_a_covenant_rule_takes_the_meeting_type_term(
    personas: Personas, meeting_type: MeetingType
) -> None:
    case = closed_case(personas, meeting_type)
    assert case.retention_until == dt.date(2030, 3, 10)
    retention = CaseRetention.objects.get(case=case)
    assert (retention.source, retention.covenant_version_id) == (RetentionSource.MEETING_TYPE, None)


def test_closing_uses_the_version_in_force_on_the_closing_day(personas: Personas, meeting_type: MeetingType) -> None:
    publish_with_term(personas, meeting_type, 2, effective_from=dt.date(2025, 1, 1))
    publish_with_term(personas, meeting_type, 10, effective_from=dt.date(2025, 6, 1), change_note="Langer bewaren.")
    case = case_for(personas, meeting_type)
    with time_machine.travel(dt.datetime(2025, 7, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        closed = case_close(
            actor=actor_for(personas, "process_director"), case=case, reason="Klaar", closed_on=dt.date(2025, 5, 1)
        )
    assert closed.retention_until == dt.date(2027, 5, 1)


def test_closing_is_audited(personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion) -> None:
    case = closed_case(personas, meeting_type)
    event = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).latest("sequence")
    assert event.action == AuditAction.UPDATE
    assert event.case_id == case.pk
    assert event.actor == personas.process_director
    assert event.changes["status"] == ["active", "closed"]
    assert event.changes["retention_until"] == [None, "2027-03-10"]
    assert AuditEvent.objects.filter(object_type="privacy.caseretention", case_id=case.pk).exists()


def test_closing_without_reason_is_refused_in_dutch(personas: Personas, meeting_type: MeetingType) -> None:
    case = case_for(personas, meeting_type)
    with pytest.raises(ValidationError) as exc:
        case_close(actor=actor_for(personas, "process_director"), case=case, reason="  ", closed_on=None)
    assert exc.value.message_dict == {
        "reason": ["Vul de reden van afsluiten in."],
        "closed_on": ["Vul de datum van afsluiten in."],
    }
    assert Case.objects.get(pk=case.pk).status == CaseStatus.ACTIVE


def test_closing_in_the_future_or_before_opening_is_refused(personas: Personas, meeting_type: MeetingType) -> None:
    case = case_for(personas, meeting_type)
    actor = actor_for(personas, "process_director")
    with pytest.raises(ValidationError) as exc:
        case_close(actor=actor, case=case, reason="Klaar", closed_on=timezone.localdate() + dt.timedelta(days=1))
    assert exc.value.message_dict["closed_on"] == ["De datum van afsluiten ligt in de toekomst."]
    with pytest.raises(ValidationError) as exc:
        case_close(actor=actor, case=case, reason="Klaar", closed_on=dt.date(2024, 1, 1))
    assert "vóór de opening van de casus" in exc.value.message_dict["closed_on"][0]


def test_only_a_process_director_closes_and_only_once(personas: Personas, meeting_type: MeetingType) -> None:
    case = case_for(personas, meeting_type)
    for name in ("secretary", "privacy_officer", "professional_a"):
        with pytest.raises(PermissionDenied):
            case_close(actor=actor_for(personas, name), case=case, reason="Klaar", closed_on=timezone.localdate())
    close(personas, case)
    with pytest.raises(ServiceError):
        close(personas, case)


def test_closing_refuses_a_stale_form(personas: Personas, meeting_type: MeetingType) -> None:
    case = case_for(personas, meeting_type)
    with pytest.raises(ConflictError):
        case_close(
            actor=actor_for(personas, "process_director"),
            case=case,
            reason="Klaar",
            closed_on=timezone.localdate(),
            expected_version=case.version - 1,
        )


def test_add_years_moves_a_leap_day_to_28_february() -> None:
    assert add_years(dt.date(2024, 2, 29), 5) == dt.date(2029, 2, 28)
    assert add_years(dt.date(2024, 2, 29), 4) == dt.date(2028, 2, 29)


# --- Extension --------------------------------------------------------------------------------


def extend(personas: Personas, case: Case, new_date: dt.date | None, reason: str = "Lopende rechtszaak") -> Any:
    return retention_extend(
        actor=actor_for(personas, "privacy_officer"),
        case=Case.objects.get(pk=case.pk),
        new_date=new_date,
        reason=reason,
    )


def test_extension_moves_the_date_numbers_the_decision_and_is_audited(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    case = closed_case(personas, meeting_type)
    first = extend(personas, case, dt.date(2028, 1, 1))
    second = extend(personas, case, dt.date(2029, 1, 1), reason="Klacht loopt nog")
    assert (first.number, first.old_date, first.new_date) == (1, dt.date(2027, 3, 10), dt.date(2028, 1, 1))
    assert (second.number, second.old_date, second.new_date) == (2, dt.date(2028, 1, 1), dt.date(2029, 1, 1))
    assert second.decided_by == personas.privacy_officer
    assert Case.objects.get(pk=case.pk).retention_until == dt.date(2029, 1, 1)
    events = AuditEvent.objects.filter(object_type="privacy.retentionextension", case_id=case.pk)
    assert events.count() == 2
    case_event = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).latest("sequence")
    assert case_event.changes == {"retention_until": ["2028-01-01", "2029-01-01"]}


def test_extension_errors_are_dutch_and_change_nothing(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    case = closed_case(personas, meeting_type)
    with pytest.raises(ValidationError) as exc:
        extend(personas, case, dt.date(2027, 3, 1))
    assert exc.value.message_dict == {
        "new_date": ["De nieuwe datum moet na de huidige bewaardatum (10 maart 2027) liggen."]
    }
    with pytest.raises(ValidationError) as exc:
        extend(personas, case, dt.date(2028, 1, 1), reason=" ")
    assert exc.value.message_dict == {"reason": ["Vul de reden van de verlenging in."]}
    with pytest.raises(ValidationError) as exc:
        extend(personas, case, None)
    assert exc.value.message_dict == {"new_date": ["Vul de nieuwe bewaardatum in."]}
    with pytest.raises(ValidationError) as exc:
        extend(personas, case, add_years(timezone.localdate(), 21))
    assert "ten hoogste 20 jaar" in exc.value.message_dict["new_date"][0]
    assert not RetentionExtension.objects.exists()
    assert Case.objects.get(pk=case.pk).retention_until == dt.date(2027, 3, 10)


def test_only_a_privacy_officer_extends_a_closed_case(personas: Personas, meeting_type: MeetingType) -> None:
    active = case_for(personas, meeting_type)
    for name in ("process_director", "secretary", "administrator"):
        with pytest.raises(PermissionDenied):
            retention_extend(
                actor=actor_for(personas, name), case=active, new_date=dt.date(2040, 1, 1), reason="Waarom niet"
            )
    with pytest.raises(ServiceError):
        extend(personas, active, dt.date(2040, 1, 1))


# --- Destruction with a frozen clock ----------------------------------------------------------


def test_the_job_destroys_a_case_past_its_date_and_keeps_the_aggregates(
    personas: Personas,
    meeting_type: MeetingType,
    municipality: Organisation,
    covenant: CovenantVersion,
    django_capture_on_commit_callbacks: Any,
) -> None:
    case = closed_case(personas, meeting_type, municipality=municipality)
    other = case_for(personas, meeting_type, municipality=municipality, with_information=False)
    referral = case.referral
    person_ids = sorted(CaseParty.objects.filter(referral=referral).values_list("person_id", flat=True))
    attachment = Attachment.objects.get(case=case)
    file_path = storage_path(attachment.storage_name)
    assert file_path.exists()
    closing_event = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).latest("sequence")
    before = aggregates()

    # Kept through 10 March 2027 (the keep-until day itself, 23:30 in Amsterdam): nothing happens.
    with time_machine.travel(dt.datetime(2027, 3, 10, 22, 30, tzinfo=dt.UTC), tick=False):
        assert "0 case(s) destroyed" in run_job()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED

    with time_machine.travel(dt.datetime(2027, 3, 12, 3, 0, tzinfo=dt.UTC), tick=False):
        # The file goes only once the destruction is committed.
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            output = run_job()
    assert len(callbacks) == 1
    assert f"case {case.pk} destroyed" in output
    assert "Sanne" not in output

    case.refresh_from_db()
    assert case.status == CaseStatus.DESTROYED
    assert case.close_reason == ""
    assert case.destroyed_at is not None
    # Personal data is gone.
    assert not CaseParty.objects.filter(referral=referral).exists()
    assert not CaseFact.objects.filter(case=case).exists()
    assert not Attachment.objects.filter(case=case).exists()
    assert not file_path.exists()
    referral = Referral.objects.get(pk=referral.pk)
    assert (referral.concern, referral.concern_source, referral.consent_note) == ("", "", "")
    assert list(LifeDomainProblem.objects.filter(referral=referral).values_list("description", "source", "person")) == [
        ("", "", None)
    ]
    assert PriorAction.objects.get(referral=referral).description == ""
    assert list(InformationRequest.objects.filter(referral=referral).values_list("question", "answer")) == [("", "")]
    triage = Triage.objects.get(referral=referral)
    assert (triage.outcome_reason, triage.outcome) == ("", "accept")
    assert CriterionVerdict.objects.get(triage=triage).reason == ""
    assert CaseInvolvement.objects.get(case=case).reason == ""
    for person in Person.objects.filter(pk__in=person_ids):
        assert (person.given_names, person.surname_prefix, person.surname) == ("", "", ANONYMISED_SURNAME)
        assert person.date_of_birth is None
        assert (person.bsn_encrypted, person.bsn_digest) == ("", "")
    # ...and so is it in the audit trail, whose chain still verifies.
    closing_event.refresh_from_db()
    assert closing_event.changes == REDACTED_CHANGES
    assert not AuditEvent.objects.filter(changes__icontains="Sanne").exists()
    assert audit_chain_verify() == []
    # The other case is untouched.
    assert Referral.objects.get(pk=other.referral_id).concern == CONCERN
    assert CaseParty.objects.filter(referral=other.referral_id).count() == 2

    record = Destruction.objects.get(case_id=case.pk)
    assert record.house == personas.house
    assert record.meeting_type == meeting_type
    assert (record.closed_on, record.retention_until) == (CLOSED_ON, dt.date(2027, 3, 10))
    assert (record.retention_years, record.source, record.covenant_version) == (2, RetentionSource.COVENANT, covenant)
    assert record.deleted_counts == {"cases.attachment": 1, "cases.casefact": 1, "cases.caseparty": 2}
    assert record.blanked_counts == {
        "cases.caseinvolvement": 1,
        "cases.criterionverdict": 1,
        "cases.informationrequest": 1,
        "cases.lifedomainproblem": 1,
        "cases.prioraction": 1,
        "cases.triage": 1,
    }
    assert (record.persons_anonymised, record.files_deleted, record.extension_count) == (2, 1, 0)
    assert record.audit_events_redacted > 0
    assert record.performed_by is None
    assert AuditEvent.objects.filter(object_type="privacy.destruction", case_id=case.pk).count() == 1

    assert aggregates() == before

    # Running again is a no-op.
    events = AuditEvent.objects.count()
    with time_machine.travel(dt.datetime(2027, 3, 13, 3, 0, tzinfo=dt.UTC), tick=False):
        assert "0 case(s) destroyed" in run_job()
    assert AuditEvent.objects.count() == events
    assert Destruction.objects.count() == 1


def test_the_closing_event_holds_the_reason_until_destruction(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    case = case_for(personas, meeting_type)
    with time_machine.travel(dt.datetime(2025, 3, 10, 15, 0, tzinfo=dt.UTC), tick=False):
        close(personas, case, reason="Sanne is verhuisd naar Zwolle")
    event = AuditEvent.objects.filter(object_type="cases.case", object_id=str(case.pk)).latest("sequence")
    assert event.changes["close_reason"] == ["", "Sanne is verhuisd naar Zwolle"]
    assert AuditEvent.objects.filter(changes__icontains="sanne is verhuisd").exists()
    with time_machine.travel(dt.datetime(2027, 3, 11, 3, 0, tzinfo=dt.UTC), tick=False):
        run_job()
    event.refresh_from_db()
    assert event.changes == REDACTED_CHANGES
    assert not AuditEvent.objects.filter(changes__icontains="sanne").exists()
    assert audit_chain_verify() == []
    assert Destruction.objects.get(case_id=case.pk).audit_events_redacted > 0


def test_an_extension_spares_the_case_until_its_new_date(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    case = closed_case(personas, meeting_type, with_information=False)
    with time_machine.travel(dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        extend(personas, case, dt.date(2027, 9, 1))
    with time_machine.travel(dt.datetime(2027, 3, 20, 3, 0, tzinfo=dt.UTC), tick=False):
        run_job()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert CaseParty.objects.filter(referral=case.referral_id).count() == 2
    with time_machine.travel(dt.datetime(2027, 9, 2, 3, 0, tzinfo=dt.UTC), tick=False):
        run_job()
    assert Case.objects.get(pk=case.pk).status == CaseStatus.DESTROYED
    record = Destruction.objects.get(case_id=case.pk)
    assert (record.retention_until, record.extension_count) == (dt.date(2027, 9, 1), 1)
    assert RetentionExtension.objects.get(case=case).reason == ""


def test_a_person_in_another_case_keeps_their_data(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    shared = PersonFactory(house=personas.house, given_names="Kees", surname="Bakker", with_bsn="123456782")
    case = closed_case(personas, meeting_type, subject=shared, with_information=False)
    case_for(personas, meeting_type, subject=shared, with_information=False)
    with time_machine.travel(dt.datetime(2027, 3, 11, 3, 0, tzinfo=dt.UTC), tick=False):
        run_job()
    shared.refresh_from_db()
    assert (shared.given_names, shared.surname) == ("Kees", "Bakker")
    assert shared.bsn_digest
    assert Destruction.objects.get(case_id=case.pk).persons_anonymised == 1  # the child only


def test_a_person_in_a_draft_referral_keeps_their_data(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    shared = PersonFactory(house=personas.house, given_names="Kees", surname="Bakker")
    closed_case(personas, meeting_type, subject=shared, with_information=False)
    CasePartyFactory(referral=ReferralFactory(referring_organisation=personas.org_a), person=shared)
    with time_machine.travel(dt.datetime(2027, 3, 11, 3, 0, tzinfo=dt.UTC), tick=False):
        run_job()
    shared.refresh_from_db()
    assert shared.given_names == "Kees"


def test_a_duplicate_merged_into_a_destroyed_person_is_anonymised_too(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    keep = PersonFactory(house=personas.house, given_names="Sanne", surname="Vries")
    duplicate = PersonFactory(house=personas.house, given_names="Sanne", surname="Vries", with_bsn="111222333")
    person_merge(actor=actor_for(personas, "administrator"), keep=keep, duplicate=duplicate)
    closed_case(personas, meeting_type, subject=keep, with_information=False)
    with time_machine.travel(dt.datetime(2027, 3, 11, 3, 0, tzinfo=dt.UTC), tick=False):
        run_job()
    duplicate.refresh_from_db()
    keep.refresh_from_db()
    assert (duplicate.given_names, keep.given_names) == ("", "")
    assert not keep.bsn_digest
    assert not AuditEvent.objects.filter(changes__icontains="Sanne").exists()


def test_dry_run_changes_nothing(personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion) -> None:
    case = closed_case(personas, meeting_type, with_information=False)
    events = AuditEvent.objects.count()
    with time_machine.travel(dt.datetime(2027, 3, 11, 3, 0, tzinfo=dt.UTC), tick=False):
        output = run_job("--dry-run")
    assert f"would destroy case {case.pk}" in output
    assert Case.objects.get(pk=case.pk).status == CaseStatus.CLOSED
    assert AuditEvent.objects.count() == events


def test_the_job_reports_a_case_it_cannot_destroy_and_goes_on(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = closed_case(personas, meeting_type, with_information=False)
    second = closed_case(personas, meeting_type, with_information=False)
    from casustafel.privacy.management.commands import destroy_expired_cases

    real = destroy_expired_cases.case_destroy

    def failing(*, actor: Actor, case: Case) -> Destruction:
        if case.pk == first.pk:
            raise ServiceError("boom")
        return real(actor=actor, case=case)

    monkeypatch.setattr(destroy_expired_cases, "case_destroy", failing)
    with time_machine.travel(dt.datetime(2027, 3, 11, 3, 0, tzinfo=dt.UTC), tick=False):
        with pytest.raises(CommandError, match=str(first.pk)):
            run_job()
    assert Case.objects.get(pk=first.pk).status == CaseStatus.CLOSED
    assert Case.objects.get(pk=second.pk).status == CaseStatus.DESTROYED


def test_case_destroy_refuses_a_case_within_its_term_or_a_user_without_the_role(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    case = closed_case(personas, meeting_type, with_information=False)
    with pytest.raises(ServiceError):
        case_destroy(actor=Actor.system(), case=case)
    with time_machine.travel(dt.datetime(2027, 3, 11, 3, 0, tzinfo=dt.UTC), tick=False):
        with pytest.raises(PermissionDenied):
            case_destroy(actor=actor_for(personas, "process_director"), case=case)
        record = case_destroy(actor=actor_for(personas, "privacy_officer"), case=case)
        assert record.performed_by == personas.privacy_officer
        with pytest.raises(ServiceError):
            case_destroy(actor=Actor.system(), case=Case.objects.get(pk=case.pk))


def test_destructions_due_lists_a_month_ahead_and_overdue(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    soon = closed_case(personas, meeting_type, with_information=False)
    later = closed_case(personas, meeting_type, with_information=False)
    with time_machine.travel(dt.datetime(2027, 2, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        extend(personas, later, dt.date(2027, 6, 1))
    with time_machine.travel(dt.datetime(2027, 2, 10, 9, 0, tzinfo=dt.UTC), tick=False):
        assert list(destructions_due(personas.house)) == [soon]
    with time_machine.travel(dt.datetime(2027, 4, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        assert list(destructions_due(personas.house)) == [soon]  # overdue: the job did not run


# Every model pointing at a case or a referral, and what destruction does to it. A new model
# fails here: decide whether its rows are deleted (the default), blanked or kept
# (`privacy/destruction.py::POLICIES`), and add it to the destruction test above.
KNOWN_RELATED = {
    "cases.attachment": "delete",
    "cases.casefact": "delete",
    "cases.caseinvolvement": "blank",
    "cases.caseparty": "delete",
    "cases.informationrequest": "blank",
    "cases.lifedomainproblem": "blank",
    "cases.prioraction": "blank",
    "cases.triage": "blank",
    "meetings.agendaitem": "keep",
    "privacy.caseretention": "keep",
    "privacy.referralretention": "keep",
    "privacy.retentionextension": "blank",
}


def test_every_model_related_to_a_case_or_referral_has_a_known_destruction_policy() -> None:
    from casustafel.privacy.retention.destruction import policy_for

    related = {
        rel.related_model._meta.label_lower: policy_for(rel.related_model).action  # type: ignore[union-attr]
        for model in (Case, Referral)
        for rel in model._meta.related_objects
        if rel.related_model is not Case
    }
    assert related == KNOWN_RELATED
