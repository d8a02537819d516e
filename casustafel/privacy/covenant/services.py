"""Writes on the covenant: draft, edit, publish, discard.

A published covenant version is never changed: partners signed that text, and every later
judgement ("could organisation X see this on that day?") must be checked against it. Editing
copies the current version into a draft with the next number; the administrator edits the draft
and publishes it. At most one draft exists per covenant.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Organisation, SafetyHouse, Sector, administered_houses
from casustafel.privacy.covenant.defaults import DEFAULT_MATRIX, DEFAULT_PURPOSES
from casustafel.privacy.covenant.models import (
    Covenant,
    CovenantCategoryRule,
    CovenantMeetingRule,
    CovenantParticipant,
    CovenantVersion,
    InformationCategory,
    LegalBasis,
    Visibility,
)

VERSION_FIELDS = ("number", "effective_from", "approval_note", "change_note", "purposes")
RULE_FIELDS = ("meeting_type", "legal_basis", "legal_basis_detail", "retention_years")

# (sector, category) -> (may_contribute, visibility)
Cells = Mapping[tuple[str, str], tuple[bool, str]]


def _require_administrator(actor: Actor, house_id: int) -> None:
    """Only administrators of the house change its covenant; the system actor (demo data,
    commands) may too."""
    if actor.user is None:
        return
    if not administered_houses(actor.user).filter(organisation__house=house_id).exists():
        raise PermissionDenied


def _lock_draft(version: CovenantVersion, *, expected_version: int | None = None) -> CovenantVersion:
    """Lock the version row (serialising edits of the draft) and make sure it is still a draft."""
    locked = lock_for_update(version, expected_version=expected_version)
    if locked.published_at is not None:
        raise ServiceError(_("Deze versie van het convenant is gepubliceerd en kan niet meer worden gewijzigd."))
    return locked


def _participant_ids(version: CovenantVersion) -> list[int]:
    return sorted(version.participants.values_list("organisation_id", flat=True))


def _cells_of(rule: CovenantMeetingRule) -> dict[str, list[Any]]:
    return {
        f"{cell.sector}/{cell.category}": [cell.may_contribute, cell.visibility] for cell in rule.category_rules.all()
    }


def _create_cells(rule: CovenantMeetingRule, cells: Cells) -> None:
    for (sector, category), (may_contribute, visibility) in sorted(cells.items()):
        cell = CovenantCategoryRule(
            meeting_rule=rule, sector=sector, category=category, may_contribute=may_contribute, visibility=visibility
        )
        cell.full_clean()
        cell.save()


def default_cells() -> dict[tuple[str, str], tuple[bool, str]]:
    """The starting matrix of `defaults.DEFAULT_MATRIX` as cells."""
    return {(sector, category): value for category, row in DEFAULT_MATRIX.items() for sector, value in row.items()}


def _rule_create(
    version: CovenantVersion,
    meeting_type: MeetingType,
    *,
    legal_basis: str = LegalBasis.WGS,
    legal_basis_detail: str = "",
    retention_years: int | None = None,
    cells: Cells | None = None,
) -> CovenantMeetingRule:
    rule = CovenantMeetingRule(
        covenant_version=version,
        meeting_type=meeting_type,
        legal_basis=legal_basis,
        legal_basis_detail=legal_basis_detail,
        retention_years=retention_years if retention_years is not None else meeting_type.retention_years,
    )
    rule.full_clean()
    rule.save()
    _create_cells(rule, cells if cells is not None else default_cells())
    return rule


def _copy_content(source: CovenantVersion, target: CovenantVersion) -> None:
    for participant in source.participants.all():
        CovenantParticipant.objects.create(covenant_version=target, organisation_id=participant.organisation_id)
    for rule in source.meeting_rules.select_related("meeting_type").prefetch_related("category_rules"):
        _rule_create(
            target,
            rule.meeting_type,
            legal_basis=rule.legal_basis,
            legal_basis_detail=rule.legal_basis_detail,
            retention_years=rule.retention_years,
            cells={(c.sector, c.category): (c.may_contribute, c.visibility) for c in rule.category_rules.all()},
        )


@transaction.atomic
def covenant_version_draft(*, actor: Actor, house: SafetyHouse) -> CovenantVersion:
    """The draft of the next covenant version: the existing draft, or a new one.

    A new draft copies the newest published version (participants, purposes, the rules per
    meeting type). The very first draft starts from the default purposes and, for every active
    meeting type of the house, the WGS as legal basis, the meeting type's retention term and
    the default matrix (`defaults.DEFAULT_MATRIX`); no organisation takes part until the
    administrator ticks it.

    Args:
        actor: an administrator of the house (or the system actor).
        house: the house whose covenant is edited.
    """
    _require_administrator(actor, house.pk)
    covenant = Covenant.objects.filter(house=house).first()
    if covenant is None:
        covenant = Covenant(house=house)
        covenant.full_clean()
        covenant.save()
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=covenant,
            changes=diff({}, snapshot(covenant, ("house", "title"))),
        )
    covenant = Covenant.objects.select_for_update().get(pk=covenant.pk)
    draft = covenant.versions.filter(published_at__isnull=True).first()
    if draft is not None:
        return draft
    current = covenant.versions.filter(published_at__isnull=False).order_by("-number").first()
    last_number = covenant.versions.order_by("-number").values_list("number", flat=True).first() or 0
    draft = CovenantVersion(
        covenant=covenant,
        number=last_number + 1,
        purposes=current.purposes if current else DEFAULT_PURPOSES,
        created_by=actor.user,
    )
    draft.full_clean()
    draft.save()
    if current is not None:
        _copy_content(current, draft)
    else:
        for meeting_type in MeetingType.objects.filter(house=house).active().order_by("name"):
            _rule_create(draft, meeting_type)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=draft,
        changes={
            **diff({}, snapshot(draft, VERSION_FIELDS)),
            "copied_from": [None, current.number if current else None],
            "participants": [None, _participant_ids(draft)],
            "meeting_types": [None, sorted(draft.meeting_rules.values_list("meeting_type_id", flat=True))],
        },
    )
    return draft


@transaction.atomic
def covenant_version_update(
    *,
    actor: Actor,
    version: CovenantVersion,
    expected_version: int | None,
    effective_from: dt.date | None,
    approval_note: str,
    change_note: str,
    purposes: str,
    participants: Iterable[Organisation],
) -> CovenantVersion:
    """Change the general part of a draft: when it takes effect, who approved it, why it
    changed, the purposes and the participating organisations.

    Raises:
        ServiceError: the version is published.
        ConflictError: someone saved the draft after the form was loaded.
        ValidationError: a participant from another house.
    """
    house_id = version.covenant.house_id
    _require_administrator(actor, house_id)
    locked = _lock_draft(version, expected_version=expected_version)
    chosen = {organisation.pk: organisation for organisation in participants}
    if any(organisation.house_id != house_id for organisation in chosen.values()):
        raise ValidationError({"participants": _("Kies alleen organisaties van dit Zorg- en Veiligheidshuis.")})
    fields = ("effective_from", "approval_note", "change_note", "purposes")
    before = snapshot(locked, fields)
    before_participants = _participant_ids(locked)
    locked.effective_from = effective_from
    locked.approval_note = approval_note.strip()
    locked.change_note = change_note.strip()
    locked.purposes = "\n".join(line.strip() for line in purposes.splitlines() if line.strip())
    locked.full_clean()
    changes: dict[str, Any] = diff(before, snapshot(locked, fields))
    after_participants = sorted(chosen)
    if after_participants != before_participants:
        locked.participants.exclude(organisation_id__in=after_participants).delete()
        for pk in sorted(set(after_participants) - set(before_participants)):
            CovenantParticipant.objects.create(covenant_version=locked, organisation_id=pk)
        changes["participants"] = [before_participants, after_participants]
    if changes:
        bump_version(locked)
        locked.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


@transaction.atomic
def covenant_rule_add(*, actor: Actor, version: CovenantVersion, meeting_type: MeetingType) -> CovenantMeetingRule:
    """Add the agreements for a meeting type to a draft, starting from the defaults.

    Raises:
        ServiceError: the version is published.
        ValidationError: a meeting type of another house, or one the draft already covers.
    """
    house_id = version.covenant.house_id
    _require_administrator(actor, house_id)
    locked = _lock_draft(version)
    if meeting_type.house_id != house_id:
        raise ValidationError({"meeting_type": _("Kies een overlegtype van dit Zorg- en Veiligheidshuis.")})
    if locked.meeting_rules.filter(meeting_type=meeting_type).exists():
        raise ValidationError({"meeting_type": _("Voor dit overlegtype staan al afspraken in deze versie.")})
    rule = _rule_create(locked, meeting_type)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=rule,
        changes={**diff({}, snapshot(rule, RULE_FIELDS)), "cells": [None, _cells_of(rule)]},
    )
    return rule


@transaction.atomic
def covenant_rule_update(
    *,
    actor: Actor,
    rule: CovenantMeetingRule,
    expected_version: int | None,
    legal_basis: str,
    legal_basis_detail: str,
    retention_years: int,
    cells: Cells,
) -> CovenantMeetingRule:
    """Change the legal basis, the retention term and the matrix of a meeting type in a draft.

    Args:
        cells: per (sector, category) whether the sector may contribute it and how much of it
            the sector sees; cells left out keep their value.

    Raises:
        ServiceError: the version is published.
        ConflictError: someone saved these agreements after the form was loaded.
        ValidationError: "other" without an explanation, an unknown sector, category or level.
    """
    _require_administrator(actor, rule.covenant_version.covenant.house_id)
    _lock_draft(rule.covenant_version)
    locked = lock_for_update(rule, expected_version=expected_version)
    legal_basis_detail = legal_basis_detail.strip()
    if legal_basis == LegalBasis.OTHER and not legal_basis_detail:
        raise ValidationError({"legal_basis_detail": _("Beschrijf de grondslag als u 'Anders, namelijk' kiest.")})
    for (sector, category), (_contribute, visibility) in cells.items():
        if sector not in Sector.values or category not in InformationCategory.values:
            raise ValidationError(_("Onbekende sector of soort informatie."))
        if visibility not in Visibility.values:
            raise ValidationError(_("Onbekend niveau van inzage."))
    before = snapshot(locked, RULE_FIELDS)
    locked.legal_basis = legal_basis
    locked.legal_basis_detail = legal_basis_detail
    locked.retention_years = retention_years
    locked.full_clean()
    changes: dict[str, Any] = diff(before, snapshot(locked, RULE_FIELDS))
    existing = {(cell.sector, cell.category): cell for cell in locked.category_rules.select_for_update()}
    cell_changes: dict[str, list[Any]] = {}
    for key, (may_contribute, visibility) in sorted(cells.items()):
        cell = existing.get(key) or CovenantCategoryRule(meeting_rule=locked, sector=key[0], category=key[1])
        old = None if cell.pk is None else [cell.may_contribute, cell.visibility]
        if old == [may_contribute, visibility]:
            continue
        cell.may_contribute = may_contribute
        cell.visibility = visibility
        cell.full_clean()
        cell.save()
        cell_changes[f"{key[0]}/{key[1]}"] = [old, [may_contribute, visibility]]
    if cell_changes:
        changes["cells"] = cell_changes
    if changes:
        bump_version(locked)
        locked.save()
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


@transaction.atomic
def covenant_rule_remove(*, actor: Actor, rule: CovenantMeetingRule) -> None:
    """Remove the agreements for a meeting type from a draft."""
    _require_administrator(actor, rule.covenant_version.covenant.house_id)
    _lock_draft(rule.covenant_version)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=rule,
        changes={**diff(snapshot(rule, RULE_FIELDS), {}), "cells": [_cells_of(rule), None]},
    )
    rule.delete()


def publish_problems(version: CovenantVersion) -> list[str]:
    """What keeps a draft from being published, in Dutch (empty when it can be)."""
    problems: list[str] = []
    if version.effective_from is None:
        problems.append(_("Vul in vanaf welke dag deze versie geldt."))
    else:
        previous = (
            CovenantVersion.objects.filter(covenant_id=version.covenant_id, published_at__isnull=False)
            .exclude(effective_from__isnull=True)
            .order_by("-effective_from")
            .values_list("effective_from", flat=True)
            .first()
        )
        if previous is not None and version.effective_from < previous:
            problems.append(
                _("Deze versie moet ingaan op of na %(date)s, de ingangsdatum van de vorige versie.")
                % {"date": previous.strftime("%d-%m-%Y")}
            )
    if not version.approval_note.strip():
        problems.append(_("Vul in door wie en wanneer het convenant is ondertekend of vastgesteld."))
    if not version.purpose_list:
        problems.append(_("Beschrijf minstens één doel."))
    if not version.participants.exists():
        problems.append(_("Kies de organisaties die deelnemen."))
    if not version.meeting_rules.exists():
        problems.append(_("Leg voor minstens één overlegtype de grondslag en de afspraken per sector vast."))
    if version.number > 1 and not version.change_note.strip():
        problems.append(_("Schrijf bij de toelichting wat er is gewijzigd en waarom."))
    return problems


@transaction.atomic
def covenant_version_publish(
    *, actor: Actor, version: CovenantVersion, expected_version: int | None = None
) -> CovenantVersion:
    """Publish a draft: from its `effective_from` it is the covenant in force. From now on it
    can no longer be changed.

    Raises:
        ServiceError: the version is already published.
        ConflictError: someone saved the draft after the page was loaded.
        ValidationError: the draft is incomplete (see `publish_problems`).
    """
    _require_administrator(actor, version.covenant.house_id)
    locked = _lock_draft(version, expected_version=expected_version)
    problems = publish_problems(locked)
    if problems:
        raise ValidationError(problems)
    before = snapshot(locked, ("published_at", "published_by"))
    locked.published_at = timezone.now()
    locked.published_by = actor.user
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        changes={
            **diff(before, snapshot(locked, ("published_at", "published_by"))),
            "participants": [None, _participant_ids(locked)],
            "meeting_types": [None, sorted(locked.meeting_rules.values_list("meeting_type_id", flat=True))],
        },
    )
    return locked


@transaction.atomic
def covenant_version_discard(*, actor: Actor, version: CovenantVersion) -> None:
    """Throw away a draft (never a published version)."""
    _require_administrator(actor, version.covenant.house_id)
    locked = _lock_draft(version)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=locked,
        changes={
            **diff(snapshot(locked, VERSION_FIELDS), {}),
            "participants": [_participant_ids(locked), None],
        },
    )
    locked.delete()
