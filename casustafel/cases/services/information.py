"""Writes on the information of a case: add a fact or concern, add an attachment, and withdraw
either (by the contributing organisation).

Every item records its provenance (`casustafel.privacy.models.Provenance`): the organisation is
the one the actor acts for, and must be involved in the case (or be the house office, for
process directors and secretaries). The covenant in force decides whether that organisation's
sector may bring in the category (`casustafel.privacy.provenance.checks.contribution_check`); without a
covenant covering the case's meeting type the item is allowed and the page warns.

Audit events carry ids, the category, legal basis, consent and restriction; the text, the file
name, the description and consent notes are recorded as '[afgeschermd]' (AUDIT_REDACTED_FIELDS).
"""

from __future__ import annotations

import datetime as dt
import logging
from dataclasses import replace

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases.attachment_storage import Upload, clean_filename, orphaned_files, remove_stored, store_upload
from casustafel.cases.models import (
    Attachment,
    Case,
    CaseFact,
    CaseInvolvement,
    CaseParty,
    CaseStatus,
    FactKind,
    Person,
)
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.organisations.models import Organisation
from casustafel.privacy.models import PROVENANCE_FIELDS, Provenance
from casustafel.privacy.provenance.access import CaseViewer, case_viewer
from casustafel.privacy.provenance.checks import ProvenanceData, contribution_check, provenance_errors
from casustafel.privacy.subject_access.restrictions import refuses_restricted, restriction_exempt

FACT_FIELDS = ("case", "person", "kind", "text", *PROVENANCE_FIELDS)
ATTACHMENT_FIELDS = (
    "case",
    "person",
    "description",
    "original_filename",
    "content_type",
    "size",
    "sha256",
    *PROVENANCE_FIELDS,
)
WITHDRAW_FIELDS = ("withdrawn_at", "withdrawn_by")
TEXT_MAX_LENGTH = 5000

logger = logging.getLogger(__name__)


def contributor_for(actor: Actor, case: Case) -> CaseViewer:
    """The actor as a contributor to the case.

    Raises:
        PermissionDenied: the actor cannot see the case, or does not act for an organisation
            involved in it (nor as its house's process director or secretary).
    """
    if actor.user is None:
        raise PermissionDenied
    viewer = case_viewer(actor.user, case, acting=actor.membership)
    if viewer is None or viewer.contributes_as is None:
        raise PermissionDenied
    return viewer


def recording_for(viewer: CaseViewer, case: Case, organisation: Organisation) -> CaseViewer:
    """The viewer of house staff who record, in a meeting, what a partner organisation brings
    in: the item is that organisation's (its provenance, the covenant check for its sector).

    Raises:
        PermissionDenied: the viewer is not house staff of the case.
        ValidationError: the organisation is not involved in the case now.
    """
    if not viewer.is_staff:
        raise PermissionDenied
    involved = CaseInvolvement.objects.current().filter(case=case, organisation=organisation).exists()
    if not involved and organisation.pk not in viewer.organisation_ids:
        raise ValidationError(
            {
                "organisation": _("%(organisation)s is niet betrokken bij deze casus.")
                % {"organisation": organisation.name}
            }
        )
    return replace(viewer, contributes_as=organisation)


def _item_errors(case: Case, viewer: CaseViewer, person: Person | None, provenance: ProvenanceData) -> dict[str, str]:
    if case.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is niet meer actief; er kan geen informatie meer bij."))
    errors = provenance_errors(provenance)
    if person is not None and not CaseParty.objects.filter(referral_id=case.referral_id, person=person).exists():
        errors["person"] = _("Kies een betrokkene van deze casus, of laat het veld leeg.")
    if "category" not in errors:
        assert viewer.contributes_as is not None
        check = contribution_check(case, viewer.contributes_as, provenance.category, rules=viewer.rules)
        if not check.allowed:
            errors["category"] = check.message
    return errors


@refuses_restricted(lambda fact, arguments: [(fact.person_id, "person")])
@transaction.atomic
def case_fact_add(
    *,
    actor: Actor,
    case: Case,
    text: str,
    provenance: ProvenanceData,
    kind: FactKind | str = FactKind.FACT,
    person: Person | None = None,
    contributor: Organisation | None = None,
) -> CaseFact:
    """Add a fact or concern to the picture of an active case.

    Args:
        actor: a professional acting for an organisation involved in the case, or the house's
            process director or secretary (the house office contributes then).
        case: the case.
        text: the statement, as factual as possible.
        provenance: category, legal basis, consent and restriction.
        kind: fact or concern.
        person: the person it is about (a party of the case), or None for the household.
        contributor: the organisation that brings the fact in, when house staff record it on
            its behalf in a meeting (`recording_for`); by default the one the actor acts for.

    Raises:
        PermissionDenied: see `contributor_for`.
        ServiceError: the case is no longer active; the person's processing is restricted
            (AVG art. 18, keyed `person`).
        ValidationError: per field in Dutch, also when the covenant does not let the
            organisation's sector bring in the category.
    """
    viewer = contributor_for(actor, case)
    if contributor is not None:
        viewer = recording_for(viewer, case, contributor)
    provenance = provenance.normalised()
    errors = _item_errors(case, viewer, person, provenance)
    text = text.strip()
    if not text:
        errors["text"] = _("Beschrijf de informatie.")
    elif len(text) > TEXT_MAX_LENGTH:
        errors["text"] = _("Houd het korter: hoogstens %(max)s tekens.") % {"max": TEXT_MAX_LENGTH}
    if kind not in FactKind.values:
        errors["kind"] = _("Kies of het een feit of een zorg is.")
    if errors:
        raise ValidationError(errors)
    fact = CaseFact(
        case=case,
        person=person,
        kind=kind,
        text=text,
        organisation=viewer.contributes_as,
        added_by=actor.user,
        **provenance.as_fields(),
    )
    fact.full_clean()
    fact.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=fact,
        case_id=case.pk,
        person_id=fact.person_id,
        changes=diff({}, snapshot(fact, FACT_FIELDS)),
    )
    return fact


@refuses_restricted(
    lambda attachment, arguments: [(attachment.person_id, "person")],
    on_refusal=lambda attachment: remove_stored(attachment.storage_name),
)
@transaction.atomic
def attachment_add(
    *,
    actor: Actor,
    case: Case,
    upload: Upload,
    provenance: ProvenanceData,
    description: str = "",
    person: Person | None = None,
) -> Attachment:
    """Add a document to an active case. Its type is recognised from its bytes (PDF, DOCX,
    XLSX, ODT, PNG, JPEG; office documents without macros and within the unpacked limits);
    its size is limited by `ATTACHMENT_MAX_BYTES`.

    Args:
        actor: as for `case_fact_add`.
        case: the case.
        upload: the uploaded file (Django's UploadedFile, or a File in the demo and tests).
        provenance: category, legal basis, consent and restriction.
        description: what the document is, optional.
        person: the person it is about, or None for the household.

    Raises:
        PermissionDenied, ServiceError: as for `case_fact_add` (also a restricted person).
        ValidationError: per field in Dutch: the file is empty, too large or of a type that
            is not allowed; the provenance is incomplete or the covenant refuses it.
    """
    viewer = contributor_for(actor, case)
    provenance = provenance.normalised()
    errors = _item_errors(case, viewer, person, provenance)
    description = description.strip()
    if len(description) > 300:
        errors["description"] = _("Houd de omschrijving korter: hoogstens 300 tekens.")
    if errors:
        raise ValidationError(errors)
    stored = store_upload(upload)
    try:
        attachment = Attachment(
            case=case,
            person=person,
            description=description,
            original_filename=clean_filename(upload.name),
            content_type=stored.file_type.content_type,
            size=stored.size,
            sha256=stored.sha256,
            storage_name=stored.storage_name,
            organisation=viewer.contributes_as,
            added_by=actor.user,
            **provenance.as_fields(),
        )
        attachment.full_clean()
        attachment.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=attachment,
            case_id=case.pk,
            person_id=attachment.person_id,
            changes=diff({}, snapshot(attachment, ATTACHMENT_FIELDS)),
        )
    except BaseException:
        remove_stored(stored.storage_name)
        raise
    return attachment


def _require_owner(actor: Actor, item: Provenance, case: Case) -> None:
    """Only someone acting for the contributing organisation withdraws an item. Checked before
    the version: a stale page on a forbidden action is a 403, not a conflict."""
    if actor.user is None:
        raise PermissionDenied
    viewer = case_viewer(actor.user, case, acting=actor.membership)
    if viewer is None:
        raise PermissionDenied
    if viewer.contributes_as is None or viewer.contributes_as.pk != item.organisation_id:
        raise PermissionDenied


def _withdraw(actor: Actor, item: Provenance, case: Case) -> None:
    """Check that the actor acts for the contributing organisation and mark the item withdrawn."""
    _require_owner(actor, item, case)
    if item.withdrawn_at is not None:
        raise ServiceError(_("Deze informatie is al ingetrokken."))
    item.withdrawn_at = timezone.now()
    item.withdrawn_by = actor.user


@restriction_exempt("takes information away")
@transaction.atomic
def case_fact_withdraw(*, actor: Actor, fact: CaseFact, expected_version: int | None) -> CaseFact:
    """Withdraw a fact: only the contributing organisation can. It disappears from the case
    for everyone; the record and its audit trail stay (rectification is a separate step).

    Raises:
        PermissionDenied: the actor does not act for the contributing organisation.
        ConflictError: the fact changed since the page was loaded.
        ServiceError: it was withdrawn already.
    """
    _require_owner(actor, fact, fact.case)
    locked = lock_for_update(fact, expected_version=expected_version)
    before = snapshot(locked, WITHDRAW_FIELDS)
    _withdraw(actor, locked, fact.case)
    bump_version(locked)
    locked.save(update_fields=[*WITHDRAW_FIELDS, "version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.case_id,
        person_id=locked.person_id,
        changes=diff(before, snapshot(locked, WITHDRAW_FIELDS)),
    )
    return locked


@restriction_exempt("takes information away")
@transaction.atomic
def attachment_withdraw(*, actor: Actor, attachment: Attachment) -> Attachment:
    """Withdraw an attachment: only the contributing organisation can. Nobody can download it
    any more; the stored file stays until the case is destroyed (retention).

    Raises:
        PermissionDenied: the actor does not act for the contributing organisation.
        ServiceError: it was withdrawn already.
    """
    locked = lock_for_update(attachment, expected_version=None)
    before = snapshot(locked, WITHDRAW_FIELDS)
    _withdraw(actor, locked, attachment.case)
    locked.save(update_fields=[*WITHDRAW_FIELDS, "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.case_id,
        person_id=locked.person_id,
        changes=diff(before, snapshot(locked, WITHDRAW_FIELDS)),
    )
    return locked


def attachment_orphans_remove(*, now: dt.datetime | None = None, dry_run: bool = False) -> int:
    """Remove the files no attachment refers to (issue 7, point 12): an upload is written before
    its row, so a transaction that rolls back after `attachment_add` (in a caller, or further
    out) leaves the bytes behind. Run by the daily job; files younger than `ORPHAN_AGE` stay, so
    an upload in progress is never touched. No audit event: there is no record to link it to,
    and the bytes never belonged to a case anyone could see.

    Returns:
        How many files were (or, with `dry_run`, would be) removed.
    """
    known = set(Attachment.objects.values_list("storage_name", flat=True))
    orphans = orphaned_files(known, now=now or timezone.now())
    if not dry_run:
        for path in orphans:
            path.unlink(missing_ok=True)
    if orphans:
        logger.info("attachment files without a record removed: %d (dry run: %s)", len(orphans), dry_run)
    return len(orphans)
