"""Writes for retention and destruction (issue 4, point 6; WGS: keep no longer than the
covenant's term): extending the retention of a closed case or of a referral decided without a
case, and destroying a case or such a referral past its date (and drafts and unanswered
referrals left unused for `REFERRAL_STALE_MONTHS`).

Closing a case, which sets the first destruction date, is `casustafel.cases.services.closing`
(`case_close`; `referral_retention_set` for a decided referral).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.services import audit_changes_redact, audit_record, diff, snapshot
from casustafel.cases.models import Case, CaseStatus, Person, Referral
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.dates import add_years
from casustafel.lib.errors import ServiceError
from casustafel.privacy.retention.destruction import PurgeResult, person_still_referenced, purge_case, purge_referral
from casustafel.privacy.retention.models import (
    CaseRetention,
    Destruction,
    DestructionBasis,
    ReferralRetention,
    RetentionExtension,
    RetentionSource,
)
from casustafel.privacy.retention.selectors import (
    DECIDED_WITHOUT_CASE,
    is_privacy_officer_of,
    referral_retention_row,
    referral_retention_term_for,
    retention_term_for,
    stale_months,
    with_last_activity,
)
from casustafel.privacy.subject_access.restrictions import restriction_exempt

logger = logging.getLogger(__name__)

# How far ahead an extension may reach: the longest term a covenant may set (a typo guard).
MAX_EXTENSION_YEARS = 20
ANONYMISED_SURNAME = "[vernietigd]"
EXTENSION_FIELDS = ("case", "referral", "number", "decided_by", "decided_at", "reason", "old_date", "new_date")
DESTRUCTION_FIELDS = (
    "case_id",
    "referral_id",
    "basis",
    "house",
    "meeting_type",
    "closed_on",
    "retention_until",
    "destroyed_at",
    "retention_years",
    "stale_months",
    "source",
    "covenant_version",
    "extension_count",
    "deleted_counts",
    "blanked_counts",
    "persons_anonymised",
    "files_deleted",
    "audit_events_redacted",
    "performed_by",
)


def _date_text(day: dt.date) -> str:
    return formats.date_format(day, "j F Y")


# --- Extension ------------------------------------------------------------------------------


def _extension_errors(*, reason: str, new_date: dt.date | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if not reason.strip():
        errors["reason"] = _("Vul de reden van de verlenging in.")
    if new_date is None:
        errors["new_date"] = _("Vul de nieuwe bewaardatum in.")
    return errors


def _new_date_errors(current: dt.date, new_date: dt.date) -> dict[str, str]:
    day = timezone.localdate()
    if new_date <= current:
        return {
            "new_date": _("De nieuwe datum moet na de huidige bewaardatum (%(date)s) liggen.")
            % {"date": _date_text(current)}
        }
    if new_date <= day:
        return {"new_date": _("De nieuwe datum moet in de toekomst liggen.")}
    if new_date > add_years(day, MAX_EXTENSION_YEARS):
        return {
            "new_date": _("Verleng ten hoogste %(years)d jaar vooruit (tot %(date)s).")
            % {"years": MAX_EXTENSION_YEARS, "date": _date_text(add_years(day, MAX_EXTENSION_YEARS))}
        }
    return {}


def _extend(actor: Actor, target: Case | Referral, *, new_date: dt.date, reason: str) -> RetentionExtension:
    """Record the extension of a locked case or referral whose date has been checked, move its
    `retention_until` and audit both."""
    current = target.retention_until
    assert current is not None
    is_case = isinstance(target, Case)
    owner = {"case": target} if is_case else {"referral": target}
    extension = RetentionExtension(
        **owner,
        number=RetentionExtension.objects.filter(**owner).count() + 1,
        decided_by=actor.user,
        decided_at=timezone.now(),
        reason=reason.strip(),
        old_date=current,
        new_date=new_date,
    )
    extension.full_clean()
    extension.save()
    before = snapshot(target, ("retention_until",))
    target.retention_until = new_date
    bump_version(target)
    target.save(update_fields=["retention_until", "version", "updated_at"])
    case_id = target.pk if is_case else None
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=target,
        case_id=case_id,
        changes=diff(before, snapshot(target, ("retention_until",))),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=extension,
        case_id=case_id,
        changes=diff({}, snapshot(extension, EXTENSION_FIELDS)),
    )
    return extension


@restriction_exempt("keeping or destroying is what a restriction of processing allows")
@transaction.atomic
def retention_extend(
    *,
    actor: Actor,
    case: Case,
    new_date: dt.date | None,
    reason: str,
    expected_version: int | None = None,
) -> RetentionExtension:
    """Keep a closed case longer: an explicit decision of a privacy officer of the house with
    the reason and the new keep-until date. Each extension is numbered, so repeated extensions
    show as such.

    Args:
        actor: a privacy officer of the case's house.
        case: a closed case.
        new_date: the new keep-until date; after the current one and after today.
        reason: why the case must be kept longer (no names: it is shown on the retention pages).
        expected_version: the case version the form was loaded with.

    Raises:
        PermissionDenied: the actor is no privacy officer of the house.
        ValidationError: per field in Dutch: no reason, no date, a date not after the current
            keep-until date or not in the future, more than 20 years ahead.
        ServiceError: the case is not closed (active or already destroyed).
        ConflictError: the case changed since the form was loaded.
    """
    if not is_privacy_officer_of(actor.user, case.house_id):
        raise PermissionDenied
    errors = _extension_errors(reason=reason, new_date=new_date)
    if errors:
        raise ValidationError(errors)
    assert new_date is not None
    locked = lock_for_update(case, expected_version=expected_version)
    if locked.status == CaseStatus.DESTROYED:
        raise ServiceError(_("Deze casus is al vernietigd; de bewaartermijn kan niet meer worden verlengd."))
    if locked.status != CaseStatus.CLOSED or locked.retention_until is None:
        raise ServiceError(_("Alleen de bewaartermijn van een afgesloten casus kan worden verlengd."))
    errors = _new_date_errors(locked.retention_until, new_date)
    if errors:
        raise ValidationError(errors)
    return _extend(actor, locked, new_date=new_date, reason=reason)


@restriction_exempt("keeping or destroying is what a restriction of processing allows")
@transaction.atomic
def referral_retention_extend(
    *,
    actor: Actor,
    referral: Referral,
    new_date: dt.date | None,
    reason: str,
    expected_version: int | None = None,
) -> RetentionExtension:
    """Keep a referral decided without a case (stepped down, referred to the RIEC, rejected)
    longer: as `retention_extend` for a case, numbered per referral.

    A draft or a referral waiting for an answer has no date to extend: it is kept as long as
    someone works on it (see `retention.selectors.stale_keep_until`).

    Raises:
        PermissionDenied: the actor is no privacy officer of the house.
        ValidationError: per field in Dutch, as for a case.
        ServiceError: the referral has a case, is not decided, or was destroyed.
        ConflictError: the referral changed since the form was loaded.
    """
    if not is_privacy_officer_of(actor.user, referral.house_id):
        raise PermissionDenied
    errors = _extension_errors(reason=reason, new_date=new_date)
    if errors:
        raise ValidationError(errors)
    assert new_date is not None
    locked = lock_for_update(referral, expected_version=expected_version)
    if locked.destroyed_at is not None:
        raise ServiceError(_("Deze aanmelding is al vernietigd; de bewaartermijn kan niet meer worden verlengd."))
    if (
        locked.status not in DECIDED_WITHOUT_CASE
        or locked.retention_until is None
        or Case.objects.filter(referral=locked).exists()
    ):
        raise ServiceError(
            _("Alleen de bewaartermijn van een aanmelding waarover zonder casus is besloten kan worden verlengd.")
        )
    errors = _new_date_errors(locked.retention_until, new_date)
    if errors:
        raise ValidationError(errors)
    return _extend(actor, locked, new_date=new_date, reason=reason)


# --- Destruction ----------------------------------------------------------------------------


def _anonymise(person: Person) -> None:
    """Replace the names, clear the birth date and the BSN. What stays is the id (the audit
    trail refers to it), the house and the organisation that registered the person."""
    person.given_names = ""
    person.surname_prefix = ""
    person.surname = ANONYMISED_SURNAME
    person.date_of_birth = None
    person.bsn_encrypted = ""
    person.bsn_digest = ""
    bump_version(person)
    person.save(
        update_fields=[
            "given_names",
            "surname_prefix",
            "surname",
            "date_of_birth",
            "bsn_encrypted",
            "bsn_digest",
            "version",
            "updated_at",
        ]
    )


def _anonymise_unreferenced(candidate_ids: set[int]) -> list[Person]:
    """Anonymise the candidates nothing refers to any more, and the duplicates merged into
    them (older registrations of the same person)."""
    done: list[Person] = []
    frontier = set(candidate_ids)
    while frontier:
        for person in Person.objects.select_for_update().filter(pk__in=frontier).order_by("pk"):
            if not person_still_referenced(person):
                _anonymise(person)
                done.append(person)
        done_ids = [person.pk for person in done]
        frontier = set(
            Person.objects.filter(merged_into__in=done_ids).exclude(pk__in=done_ids).values_list("pk", flat=True)
        )
    return done


def _events_about(case_id: int | None, result: PurgeResult, person_ids: list[int]) -> QuerySet[AuditEvent]:
    condition = Q(case_id=case_id) if case_id is not None else Q(pk__in=[])
    if person_ids:
        condition |= Q(person_id__in=person_ids) | Q(
            object_type=Person._meta.label_lower, object_id__in=[str(pk) for pk in person_ids]
        )
    for label, ids in result.touched.items():
        condition |= Q(object_type=label, object_id__in=sorted(ids))
    return AuditEvent.objects.filter(condition)


def _remove_files(subject: str, removals: list[Callable[[], None]]) -> None:
    failed = 0
    for remove in removals:
        try:
            remove()
        except OSError:
            failed += 1
    if failed:
        # Ids only: never a file name (it can hold a person's name).
        logger.error("retention: %d file(s) of destroyed %s could not be removed", failed, subject)


def _finish(
    actor: Actor,
    *,
    result: PurgeResult,
    case_id: int | None,
    referral: Referral,
    record: Destruction,
) -> Destruction:
    """What every destruction does after the purge: anonymise the persons nothing refers to
    any more, blank the `changes` of the audit events about it (the events stay), mark the
    referral destroyed (it is no longer shown to anyone), and save and audit the record."""
    anonymised = _anonymise_unreferenced(result.person_ids)
    redacted = audit_changes_redact(events=_events_about(case_id, result, [person.pk for person in anonymised]))
    before = snapshot(referral, ("destroyed_at",))
    referral.destroyed_at = record.destroyed_at
    bump_version(referral)
    referral.save(update_fields=["destroyed_at", "version", "updated_at"])
    record.persons_anonymised = len(anonymised)
    record.files_deleted = len(result.file_removals)
    record.audit_events_redacted = redacted
    record.deleted_counts = dict(sorted(result.deleted.items()))
    record.blanked_counts = dict(sorted(result.blanked.items()))
    record.performed_by = actor.user
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=referral,
        case_id=case_id,
        changes=diff(before, snapshot(referral, ("destroyed_at",))),
    )
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=record,
        case_id=case_id,
        changes=diff({}, snapshot(record, DESTRUCTION_FIELDS)),
    )
    for person in anonymised:
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=person,
            person_id=person.pk,
            case_id=case_id,
            changes={"anonymised": [False, True]},
        )
    removals = result.file_removals
    if removals:
        subject = f"case {case_id}" if case_id is not None else f"referral {referral.pk}"
        transaction.on_commit(lambda: _remove_files(subject, removals))
    return record


@restriction_exempt("keeping or destroying is what a restriction of processing allows")
@transaction.atomic
def case_destroy(*, actor: Actor, case: Case) -> Destruction:
    """Destroy a closed case whose keep-until date has passed (the day after `retention_until`).

    Deletes or blanks everything about the case and its referral (`destruction.purge_case`:
    parties, facts, attachments and their files, free texts), anonymises the persons nothing
    else refers to, blanks the `changes` of the audit events about them (the events themselves
    stay), marks the case and its referral destroyed and writes the destruction record.
    Non-personal fields stay, so counts per meeting type, municipality, entry route, outcome and
    period stay correct.

    Args:
        actor: the system (the periodic job) or a privacy officer of the house.
        case: the case.

    Raises:
        PermissionDenied: a user who is no privacy officer of the house.
        ServiceError: the case is not closed, already destroyed, or still within its term.
    """
    if actor.user is not None and not is_privacy_officer_of(actor.user, case.house_id):
        raise PermissionDenied
    day = timezone.localdate()
    locked = Case.objects.select_for_update().select_related("referral").get(pk=case.pk)
    if locked.status == CaseStatus.DESTROYED or Destruction.objects.filter(case_id=locked.pk).exists():
        raise ServiceError(_("Deze casus is al vernietigd."))
    if locked.status != CaseStatus.CLOSED or locked.retention_until is None or locked.closed_at is None:
        raise ServiceError(_("Alleen een afgesloten casus kan worden vernietigd."))
    if locked.retention_until >= day:
        raise ServiceError(
            _("Deze casus wordt bewaard tot en met %(date)s en kan nog niet worden vernietigd.")
            % {"date": _date_text(locked.retention_until)}
        )
    retention = CaseRetention.objects.filter(case=locked).first()
    closed_on = retention.closed_on if retention else timezone.localdate(locked.closed_at)
    if retention is None:
        # Closed before retention records existed: the basis is recomputed the same way.
        term = retention_term_for(locked.house_id, locked.meeting_type, on=closed_on)
        years, source, covenant_version_id = term.years, term.source, term.covenant_version_id
    else:
        years, source, covenant_version_id = retention.retention_years, retention.source, retention.covenant_version_id
    extension_count = RetentionExtension.objects.filter(case=locked).count()
    referral = Referral.objects.select_for_update().get(pk=locked.referral_id)

    result = purge_case(locked)
    now = timezone.now()
    record = Destruction(
        case_id=locked.pk,
        referral_id=referral.pk,
        basis=DestructionBasis.CASE_CLOSED,
        house_id=locked.house_id,
        meeting_type_id=locked.meeting_type_id,
        closed_on=closed_on,
        retention_until=locked.retention_until,
        destroyed_at=now,
        retention_years=years,
        source=source or RetentionSource.MEETING_TYPE,
        covenant_version_id=covenant_version_id,
        extension_count=extension_count,
    )
    # The case row itself: status and the moment; its close reason is free text.
    before = snapshot(locked, ("status", "destroyed_at"))
    locked.status = CaseStatus.DESTROYED
    locked.destroyed_at = now
    locked.close_reason = ""
    bump_version(locked)
    locked.save(update_fields=["status", "destroyed_at", "close_reason", "version", "updated_at"])
    _finish(actor, result=result, case_id=locked.pk, referral=referral, record=record)
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.pk,
        changes=diff(before, snapshot(locked, ("status", "destroyed_at"))),
    )
    return record


@restriction_exempt("keeping or destroying is what a restriction of processing allows")
@transaction.atomic
def referral_destroy(*, actor: Actor, referral: Referral) -> Destruction:
    """Destroy a referral that never became a case, past its keep-until date: decided without
    a case (`Referral.retention_until` passed), or a draft or a referral waiting for an answer
    left unused for `REFERRAL_STALE_MONTHS` months.

    The same destruction as a case's (`destruction.purge_referral`): parties deleted; problems,
    prior actions, questions and triage reasons blanked; the concern emptied; persons nothing
    else refers to anonymised; the `changes` of the audit events about it blanked. The referral
    row keeps house, route, status, municipality and dates, so the reports stay the same.

    Args:
        actor: the system (the periodic job) or a privacy officer of the house.
        referral: the referral.

    Raises:
        PermissionDenied: a user who is no privacy officer of the house.
        ServiceError: already destroyed; it has a case, or awaits triage; still within its term.
    """
    if actor.user is not None and not is_privacy_officer_of(actor.user, referral.house_id):
        raise PermissionDenied
    day = timezone.localdate()
    locked = Referral.objects.select_for_update().get(pk=referral.pk)
    if locked.destroyed_at is not None or Destruction.objects.filter(referral_id=locked.pk).exists():
        raise ServiceError(_("Deze aanmelding is al vernietigd."))
    row = referral_retention_row(with_last_activity(Referral.objects.filter(pk=locked.pk)).get(), today=day)
    if row is None:
        raise ServiceError(
            _(
                "Alleen een aanmelding zonder casus die is afgeschaald, doorverwezen of niet aangenomen, of die "
                "ongebruikt is gebleven, kan zo worden vernietigd."
            )
        )
    if row.keep_until >= day:
        raise ServiceError(
            _("Deze aanmelding wordt bewaard tot en met %(date)s en kan nog niet worden vernietigd.")
            % {"date": _date_text(row.keep_until)}
        )
    years: int | None
    months: int | None
    source: str
    covenant_version_id: int | None
    if row.is_stale:
        years, months, source, covenant_version_id = None, stale_months(), RetentionSource.STALE_SETTING, None
    else:
        retention = ReferralRetention.objects.filter(referral=locked).first()
        if retention is None:
            term = referral_retention_term_for(locked, on=row.counted_from)
            years, source, covenant_version_id = term.years, term.source, term.covenant_version_id
        else:
            years, source, covenant_version_id = (
                retention.retention_years,
                retention.source,
                retention.covenant_version_id,
            )
        months = None
    result = purge_referral(locked)
    record = Destruction(
        case_id=None,
        referral_id=locked.pk,
        basis=row.basis,
        house_id=locked.house_id,
        meeting_type_id=locked.meeting_type_id,
        closed_on=row.counted_from,
        retention_until=row.keep_until,
        destroyed_at=timezone.now(),
        retention_years=years,
        stale_months=months,
        source=source,
        covenant_version_id=covenant_version_id,
        extension_count=RetentionExtension.objects.filter(referral=locked).count(),
    )
    return _finish(actor, result=result, case_id=None, referral=locked, record=record)
