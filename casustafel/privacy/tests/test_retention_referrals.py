"""Retention of referrals that never become a case (issue 4, point 6): a decided referral gets
its keep-until date at its decision, drafts and unanswered referrals are due after
REFERRAL_STALE_MONTHS without activity, and the daily job destroys them as it destroys cases,
with a frozen clock."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import CommandError
from django.utils import timezone

import pytest
import time_machine

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.selectors import audit_chain_verify
from casustafel.audit.services import REDACTED_CHANGES
from casustafel.cases.models import (
    CaseParty,
    CriterionVerdict,
    InformationRequest,
    LifeDomainProblem,
    Person,
    PriorAction,
    Referral,
    ReferralStatus,
    Triage,
)
from casustafel.cases.selectors.referrals import open_questions_for, referral_drafts_of
from casustafel.lib.dates import add_years
from casustafel.lib.errors import ServiceError
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Membership, Organisation
from casustafel.privacy.management.commands import destroy_expired_cases
from casustafel.privacy.models import (
    CovenantVersion,
    Destruction,
    DestructionBasis,
    ReferralRetention,
    RetentionExtension,
    RetentionSource,
)
from casustafel.privacy.retention.selectors import DEFAULT_RETENTION_YEARS, referral_destructions_due
from casustafel.privacy.retention.services import ANONYMISED_SURNAME, referral_destroy, referral_retention_extend
from casustafel.testing.cases import CasePartyFactory, MeetingTypeFactory, PersonFactory, ReferralFactory
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referral_retention import (
    REFERRAL_CONCERN,
    decided_referral,
    publish_term,
    rich_referral,
    run_retention_job,
)
from casustafel.testing.referrals import actor_for
from casustafel.testing.retention import aggregates, close, rich_case
from casustafel.testing.triage import decide, triage_setting

DECIDED_ON = dt.date(2025, 3, 10)


def at(year: int, month: int, day: int, hour: int = 3, minute: int = 0) -> Any:
    """Travel to a moment (UTC) with the clock standing still."""
    return time_machine.travel(dt.datetime(year, month, day, hour, minute, tzinfo=dt.UTC), tick=False)


@pytest.fixture(autouse=True)
def _attachment_root(settings: Any, tmp_path: Path) -> None:
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


@pytest.fixture
def covenant(personas: Personas, meeting_type: MeetingType) -> CovenantVersion:
    return publish_term(personas, meeting_type, 2, effective_from=dt.date(2025, 1, 1))


def rejected(personas: Personas, meeting_type: MeetingType | None, **kwargs: Any) -> Referral:
    with at(2025, 3, 10, 15):
        return decided_referral(personas, meeting_type=meeting_type, **kwargs)


def draft(personas: Personas, meeting_type: MeetingType, **kwargs: Any) -> Referral:
    with at(2025, 3, 10, 9):
        return rich_referral(personas, meeting_type=meeting_type, status=ReferralStatus.DRAFT, **kwargs)


def unanswered(personas: Personas, meeting_type: MeetingType) -> Referral:
    with at(2025, 3, 10, 9):
        return rich_referral(
            personas, meeting_type=meeting_type, status=ReferralStatus.INFORMATION_REQUESTED, answered=False
        )


def assert_destroyed(referral: Referral) -> None:
    """Nothing personal is left of the referral; its countable fields are."""
    referral.refresh_from_db()
    assert referral.destroyed_at is not None
    assert (referral.concern, referral.concern_source, referral.consent_note) == ("", "", "")
    assert not CaseParty.objects.filter(referral=referral).exists()
    assert list(LifeDomainProblem.objects.filter(referral=referral).values_list("description", "source", "person")) == [
        ("", "", None)
    ]
    assert PriorAction.objects.get(referral=referral).description == ""
    for question, answer in InformationRequest.objects.filter(referral=referral).values_list("question", "answer"):
        assert (question, answer) == ("", "")
    assert not AuditEvent.objects.filter(changes__icontains="Kees").exists()
    assert audit_chain_verify() == []


# --- The date at the decision -----------------------------------------------------------------


def test_deciding_without_a_case_dates_the_referral_from_the_covenant_in_force(personas: Personas) -> None:
    setting = triage_setting(personas)
    covenant = publish_term(personas, setting.meeting_type, 3, effective_from=timezone.localdate())
    decide(personas, setting, outcome="reject")
    referral = Referral.objects.get(pk=setting.referral.pk)
    assert referral.status == ReferralStatus.REJECTED
    assert referral.retention_until == add_years(timezone.localdate(), 3)
    retention = ReferralRetention.objects.get(referral=referral)
    assert (retention.decided_on, retention.retention_years, retention.source, retention.covenant_version) == (
        timezone.localdate(),
        3,
        RetentionSource.COVENANT,
        covenant,
    )
    event = AuditEvent.objects.get(object_type="privacy.referralretention", object_id=str(retention.pk))
    assert (event.action, event.actor) == (AuditAction.CREATE, personas.process_director)


def test_stepping_down_without_a_covenant_takes_the_meeting_type_term(personas: Personas) -> None:
    setting = triage_setting(personas)
    decide(personas, setting, outcome="step_down_local")
    referral = Referral.objects.get(pk=setting.referral.pk)
    assert referral.retention_until == add_years(timezone.localdate(), setting.meeting_type.retention_years)
    assert ReferralRetention.objects.get(referral=referral).source == RetentionSource.MEETING_TYPE


@pytest.mark.parametrize("outcome", ["accept", "need_more_information"])
def test_accepting_or_asking_gives_the_referral_no_date_of_its_own(personas: Personas, outcome: str) -> None:
    setting = triage_setting(personas)
    decide(personas, setting, outcome=outcome)
    # Accepted: the case's term applies from its closing. Asked: it waits for the answer.
    assert Referral.objects.get(pk=setting.referral.pk).retention_until is None
    assert not ReferralRetention.objects.exists()


def test_a_referral_without_meeting_type_takes_the_default_term(personas: Personas) -> None:
    referral = rejected(personas, None)
    assert referral.retention_until == add_years(DECIDED_ON, DEFAULT_RETENTION_YEARS)
    assert ReferralRetention.objects.get(referral=referral).source == RetentionSource.DEFAULT


# --- Destruction with a frozen clock ----------------------------------------------------------


def test_the_job_destroys_a_decided_referral_past_its_date_and_keeps_the_aggregates(
    personas: Personas, meeting_type: MeetingType, municipality: Organisation, covenant: CovenantVersion
) -> None:
    referral = rejected(personas, meeting_type, municipality=municipality)
    other = rejected(personas, meeting_type, municipality=municipality, status=ReferralStatus.STEPPED_DOWN)
    with at(2025, 6, 1, 9):
        referral_retention_extend(
            actor=actor_for(personas, "privacy_officer"),
            referral=other,
            new_date=dt.date(2028, 1, 1),
            reason="Klacht over het besluit loopt",
        )
    person_ids = sorted(CaseParty.objects.filter(referral=referral).values_list("person_id", flat=True))
    decision_events = list(
        AuditEvent.objects.filter(object_type="cases.referral", object_id=str(referral.pk)).values_list("pk", flat=True)
    )
    before = aggregates()

    # Kept through 10 March 2027 (23:30 in Amsterdam is still the keep-until day): nothing happens.
    with at(2027, 3, 10, 22, 30):
        assert "0 referral(s) destroyed" in run_retention_job()
    assert Referral.objects.get(pk=referral.pk).destroyed_at is None

    with at(2027, 3, 12):
        output = run_retention_job()
    assert f"referral {referral.pk} destroyed (referral_decided)" in output
    assert "0 case(s) destroyed, 1 referral(s) destroyed" in output
    assert "Kees" not in output

    assert_destroyed(referral)
    referral.refresh_from_db()
    assert (referral.status, referral.retention_until) == (ReferralStatus.REJECTED, dt.date(2027, 3, 10))
    triage = Triage.objects.get(referral=referral)
    assert (triage.outcome_reason, triage.outcome) == ("", "reject")
    assert CriterionVerdict.objects.get(triage=triage).reason == ""
    for person in Person.objects.filter(pk__in=person_ids):
        assert (person.given_names, person.surname, person.date_of_birth) == ("", ANONYMISED_SURNAME, None)
        assert (person.bsn_encrypted, person.bsn_digest) == ("", "")
    for event in AuditEvent.objects.filter(pk__in=decision_events):
        assert event.changes in (REDACTED_CHANGES, {})
    # Nobody sees it any more: not the referrer, not the house, not on a start page.
    for name in ("professional_a", "ambassador_a", "process_director", "secretary"):
        assert not Referral.objects.visible_to(personas.users[name]).filter(pk=referral.pk).exists()
    # The extended one waits for its new date.
    assert Referral.objects.get(pk=other.pk).concern == REFERRAL_CONCERN

    record = Destruction.objects.get(referral_id=referral.pk)
    assert record.case_id is None
    assert (record.basis, record.house, record.meeting_type) == (
        DestructionBasis.REFERRAL_DECIDED,
        personas.house,
        meeting_type,
    )
    assert (record.closed_on, record.retention_until) == (DECIDED_ON, dt.date(2027, 3, 10))
    assert (record.retention_years, record.stale_months, record.source, record.covenant_version) == (
        2,
        None,
        RetentionSource.COVENANT,
        covenant,
    )
    assert record.deleted_counts == {"cases.caseparty": 2}
    assert record.blanked_counts == {
        "cases.criterionverdict": 1,
        "cases.informationrequest": 1,
        "cases.lifedomainproblem": 1,
        "cases.prioraction": 1,
        "cases.triage": 1,
    }
    assert (record.persons_anonymised, record.files_deleted, record.extension_count) == (2, 0, 0)
    assert record.audit_events_redacted > 0
    assert record.performed_by is None
    assert AuditEvent.objects.filter(object_type="privacy.destruction", object_id=str(record.pk)).count() == 1
    destroyed_event = AuditEvent.objects.filter(object_type="cases.referral", object_id=str(referral.pk)).latest(
        "sequence"
    )
    assert list(destroyed_event.changes) == ["destroyed_at"]

    assert aggregates() == before

    # Running again is a no-op.
    events = AuditEvent.objects.count()
    with at(2027, 3, 13):
        assert "0 case(s) destroyed, 0 referral(s) destroyed" in run_retention_job()
    assert AuditEvent.objects.count() == events
    assert Destruction.objects.count() == 1

    # The extended referral goes the day after its new date, counting its extension.
    with at(2028, 1, 2):
        run_retention_job()
    extended = Destruction.objects.get(referral_id=other.pk)
    assert (extended.retention_until, extended.extension_count) == (dt.date(2028, 1, 1), 1)
    assert RetentionExtension.objects.get(referral=other).reason == ""
    assert aggregates() == before


def test_a_stale_draft_is_destroyed_after_the_stale_months_and_activity_moves_its_date(
    personas: Personas, meeting_type: MeetingType
) -> None:
    idle = draft(personas, meeting_type)
    worked_on = draft(personas, meeting_type)
    with at(2025, 9, 1, 9):
        CasePartyFactory(referral=worked_on, person=PersonFactory(house=personas.house, given_names="Kees"))
    before = aggregates()

    with at(2026, 3, 10, 22, 30):  # 10 March 2026 in Amsterdam: the last day it is kept
        run_retention_job()
        assert list(referral_drafts_of(personas.professional_a)) == [worked_on, idle]
    assert Referral.objects.get(pk=idle.pk).destroyed_at is None

    with at(2026, 3, 11):
        output = run_retention_job()
        assert list(referral_drafts_of(personas.professional_a)) == [worked_on]
    assert f"referral {idle.pk} destroyed (draft_stale)" in output
    assert Referral.objects.get(pk=worked_on.pk).destroyed_at is None
    record = Destruction.objects.get(referral_id=idle.pk)
    assert (record.basis, record.closed_on, record.retention_until) == (
        DestructionBasis.DRAFT_STALE,
        dt.date(2025, 3, 10),
        dt.date(2026, 3, 10),
    )
    assert (record.retention_years, record.stale_months, record.source) == (None, 12, RetentionSource.STALE_SETTING)
    assert record.persons_anonymised == 2
    assert Referral.objects.get(pk=idle.pk).status == ReferralStatus.DRAFT
    assert aggregates() == before

    with at(2026, 9, 2):
        run_retention_job()
    assert_destroyed(worked_on)


def test_the_stale_months_come_from_the_setting(personas: Personas, meeting_type: MeetingType, settings: Any) -> None:
    settings.REFERRAL_STALE_MONTHS = 3
    idle = draft(personas, meeting_type)
    with at(2025, 6, 10, 12):
        run_retention_job()
    assert Referral.objects.get(pk=idle.pk).destroyed_at is None
    with at(2025, 6, 11, 12):
        run_retention_job()
    assert Destruction.objects.get(referral_id=idle.pk).stale_months == 3


def test_an_unanswered_question_is_destroyed_but_a_referral_awaiting_triage_is_not(
    personas: Personas, meeting_type: MeetingType
) -> None:
    waiting = unanswered(personas, meeting_type)
    with at(2025, 3, 10, 9):
        awaiting_triage = rich_referral(personas, meeting_type=meeting_type)
    with at(2026, 3, 11):
        output = run_retention_job()
        assert not open_questions_for(personas.professional_a).exists()
    assert f"referral {waiting.pk} destroyed (question_unanswered)" in output
    assert_destroyed(waiting)
    assert Referral.objects.get(pk=waiting.pk).status == ReferralStatus.INFORMATION_REQUESTED
    assert Destruction.objects.get(referral_id=waiting.pk).basis == DestructionBasis.QUESTION_UNANSWERED
    # Waiting for triage is the house's work, not the referrer's: it is kept.
    assert Referral.objects.get(pk=awaiting_triage.pk).destroyed_at is None


def test_a_person_in_an_active_case_keeps_their_data(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    shared = PersonFactory(house=personas.house, given_names="Sanne", surname="Vries", with_bsn="111222333")
    referral = rejected(personas, meeting_type, subject=shared)
    with at(2025, 3, 1, 9):
        rich_case(personas, meeting_type=meeting_type, subject=shared, with_information=False)
    with at(2027, 3, 11):
        run_retention_job()
    shared.refresh_from_db()
    assert (shared.given_names, shared.surname) == ("Sanne", "Vries")
    assert shared.bsn_digest
    assert Destruction.objects.get(referral_id=referral.pk).persons_anonymised == 1  # the brother only


def test_destroying_a_case_marks_its_referral_destroyed_too(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    with at(2025, 3, 1, 9):
        case = rich_case(personas, meeting_type=meeting_type, with_information=False)
    with at(2025, 3, 10, 15):
        close(personas, case)
    with at(2027, 3, 11):
        output = run_retention_job()
    assert "1 case(s) destroyed, 0 referral(s) destroyed" in output
    referral = Referral.objects.get(pk=case.referral_id)
    assert referral.destroyed_at is not None
    assert not Referral.objects.visible_to(personas.professional_a).filter(pk=referral.pk).exists()
    record = Destruction.objects.get(case_id=case.pk)
    assert (record.referral_id, record.basis) == (referral.pk, DestructionBasis.CASE_CLOSED)


# --- Extension --------------------------------------------------------------------------------


def test_only_a_privacy_officer_extends_a_decided_referral_with_a_reason_and_a_later_date(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    referral = rejected(personas, meeting_type)
    with pytest.raises(PermissionDenied):
        referral_retention_extend(
            actor=actor_for(personas, "process_director"), referral=referral, new_date=dt.date(2030, 1, 1), reason="x"
        )
    officer = actor_for(personas, "privacy_officer")
    with pytest.raises(ValidationError) as exc:
        referral_retention_extend(actor=officer, referral=referral, new_date=dt.date(2027, 1, 1), reason="Klacht")
    assert exc.value.message_dict == {
        "new_date": ["De nieuwe datum moet na de huidige bewaardatum (10 maart 2027) liggen."]
    }
    with pytest.raises(ValidationError) as exc:
        referral_retention_extend(actor=officer, referral=referral, new_date=None, reason=" ")
    assert set(exc.value.message_dict) == {"new_date", "reason"}
    first = referral_retention_extend(
        actor=officer, referral=referral, new_date=dt.date(2028, 1, 1), reason="Klacht", expected_version=None
    )
    second = referral_retention_extend(actor=officer, referral=referral, new_date=dt.date(2029, 1, 1), reason="Nog")
    assert (first.number, second.number, second.old_date) == (1, 2, dt.date(2028, 1, 1))
    assert (first.case, first.referral) == (None, referral)
    assert Referral.objects.get(pk=referral.pk).retention_until == dt.date(2029, 1, 1)
    assert AuditEvent.objects.filter(object_type="privacy.retentionextension").count() == 2


def test_a_draft_or_unanswered_referral_has_no_date_to_extend(personas: Personas, meeting_type: MeetingType) -> None:
    for referral in (draft(personas, meeting_type), unanswered(personas, meeting_type)):
        with pytest.raises(ServiceError):
            referral_retention_extend(
                actor=actor_for(personas, "privacy_officer"),
                referral=referral,
                new_date=timezone.localdate() + dt.timedelta(days=30),
                reason="Nog nodig",
            )
    assert not RetentionExtension.objects.exists()


# --- The job's edges --------------------------------------------------------------------------


def test_the_job_dates_referrals_decided_before_referral_retention_and_dry_run_changes_nothing(
    personas: Personas, meeting_type: MeetingType
) -> None:
    with at(2025, 3, 10, 9):
        legacy = rich_referral(personas, meeting_type=meeting_type, status=ReferralStatus.REJECTED)
        Referral.objects.filter(pk=legacy.pk).update(outcome_at=timezone.now())
    events = AuditEvent.objects.count()
    with at(2030, 3, 12):
        output = run_retention_job("--dry-run")
    assert f"would destroy referral {legacy.pk} (referral_decided, kept until 2030-03-10)" in output
    assert "0 case(s) and 1 referral(s) past their retention date; nothing changed (dry run)" in output
    assert Referral.objects.get(pk=legacy.pk).retention_until is None
    assert AuditEvent.objects.count() == events

    with at(2030, 3, 12):
        output = run_retention_job()
    assert "1 decided referral(s) given a keep-until date" in output
    assert ReferralRetention.objects.get(referral=legacy).decided_on == DECIDED_ON
    assert Destruction.objects.get(referral_id=legacy.pk).retention_until == dt.date(2030, 3, 10)


def test_the_help_and_the_dry_run_name_referrals(personas: Personas, meeting_type: MeetingType) -> None:
    assert "referrals" in destroy_expired_cases.Command.help
    idle = draft(personas, meeting_type)
    with at(2026, 3, 11):
        output = run_retention_job("--dry-run")
    assert f"would destroy referral {idle.pk} (draft_stale, kept until 2026-03-10)" in output
    assert Referral.objects.get(pk=idle.pk).destroyed_at is None


def test_the_job_reports_a_referral_it_cannot_destroy_and_goes_on(
    personas: Personas, meeting_type: MeetingType, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = draft(personas, meeting_type)
    second = draft(personas, meeting_type)
    real = destroy_expired_cases.referral_destroy

    def failing(*, actor: Actor, referral: Referral) -> Destruction:
        if referral.pk == first.pk:
            raise ServiceError("boom")
        return real(actor=actor, referral=referral)

    monkeypatch.setattr(destroy_expired_cases, "referral_destroy", failing)
    with at(2026, 3, 11):
        with pytest.raises(CommandError, match=f"referral {first.pk}"):
            run_retention_job()
    assert Referral.objects.get(pk=first.pk).destroyed_at is None
    assert Referral.objects.get(pk=second.pk).destroyed_at is not None


def test_referral_destroy_refuses_what_is_not_due_or_not_its_to_destroy(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    referral = rejected(personas, meeting_type)
    with at(2025, 3, 10, 9):
        awaiting_triage = rich_referral(personas, meeting_type=meeting_type)
        case = rich_case(personas, meeting_type=meeting_type, with_information=False)
    with at(2027, 3, 11):
        for not_its in (awaiting_triage, case.referral):
            with pytest.raises(ServiceError):
                referral_destroy(actor=Actor.system(), referral=not_its)
        with pytest.raises(PermissionDenied):
            referral_destroy(actor=actor_for(personas, "process_director"), referral=referral)
        record = referral_destroy(actor=actor_for(personas, "privacy_officer"), referral=referral)
        assert record.performed_by == personas.privacy_officer
        with pytest.raises(ServiceError, match="al vernietigd"):
            referral_destroy(actor=Actor.system(), referral=referral)
    with at(2027, 3, 10, 12):
        other = ReferralFactory(referring_organisation=personas.org_a, referrer=personas.professional_a)
        with pytest.raises(ServiceError, match="bewaard tot en met"):
            referral_destroy(actor=Actor.system(), referral=other)


def test_referral_destructions_due_lists_a_month_ahead_and_drafts_only_when_asked(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    decided = rejected(personas, meeting_type)
    idle = draft(personas, meeting_type)
    with at(2026, 2, 10, 9):
        assert [row.referral for row in referral_destructions_due(personas.house)] == [idle]
        assert referral_destructions_due(personas.house, include_drafts=False) == []
    with at(2026, 3, 20, 9):  # the draft is overdue: the job has not run
        rows = referral_destructions_due(personas.house)
        assert [(row.referral, row.overdue) for row in rows] == [(idle, True)]
    with at(2027, 2, 10, 9):
        assert [row.referral for row in referral_destructions_due(personas.house)] == [idle, decided]
        assert [row.referral for row in referral_destructions_due(personas.house, include_drafts=False)] == [decided]


def test_privacy_officer_start_page_lists_referrals_due_within_a_month(
    personas: Personas, meeting_type: MeetingType, covenant: CovenantVersion
) -> None:
    decided = rejected(personas, meeting_type)  # kept two years after 10 March 2025
    with at(2027, 2, 20, 9):
        officer = personas.client("privacy_officer").get("/").content.decode()
        administrator = personas.client("administrator").get("/").content.decode()
    assert "Aanmeldingen zonder casus die binnen een maand worden vernietigd" in officer
    assert f"/privacy/bewaartermijnen/aanmeldingen/{decided.pk}/" in officer
    assert "Aanmeldingen zonder casus die binnen een maand worden vernietigd" not in administrator
    with at(2026, 6, 1, 9):
        later = personas.client("privacy_officer").get("/").content.decode()
    assert f"/privacy/bewaartermijnen/aanmeldingen/{decided.pk}/" not in later
