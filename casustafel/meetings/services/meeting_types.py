"""Writes on meeting types and their input requirements (administrators of the house).

Each service validates, saves and records its audit event in one transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases.defaults import DEFAULT_MEETING_TYPES, MeetingTypeSpec
from casustafel.cases.services.criteria import criteria_set_install_default
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.meeting_types.models import (
    CriteriaSet,
    InputRequirement,
    InputRequirementCheck,
    MeetingType,
    RequirementStage,
)
from casustafel.organisations.models import Organisation, SafetyHouse, administered_houses

MEETING_TYPE_FIELDS = (
    "name",
    "goals",
    "criteria_set",
    "first_contact_hours",
    "retention_years",
    "privacy_reminder",
    "is_active",
    "minutes_per_case",
    "default_duration_minutes",
    "clients_invited_by_default",
    "separate_perpetrator_and_victim",
    "follow_up_months",
)
# Partner organisations per meeting type (many-to-many: set after saving).
PARTNER_FIELDS = ("crucial_organisations", "default_organisations")
REQUIREMENT_FIELDS = ("meeting_type", "requirement", "stage", "minimum")


def _require_administrator(actor: Actor, house_id: int) -> None:
    """Administrators of the house configure it; the system actor (demo, commands) may too."""
    if actor.user is None:
        return
    if not administered_houses(actor.user).filter(organisation__house=house_id).exists():
        raise PermissionDenied


def _partner_snapshot(meeting_type: MeetingType) -> dict[str, list[int]]:
    return {name: sorted(getattr(meeting_type, name).values_list("pk", flat=True)) for name in PARTNER_FIELDS}


def _validate(meeting_type: MeetingType, partners: Mapping[str, Iterable[Organisation]] | None = None) -> None:
    errors: dict[str, str] = {}
    for name, organisations in (partners or {}).items():
        if any(org.house_id != meeting_type.house_id or org.is_house_office for org in organisations):
            errors[name] = _("Kies partnerorganisaties van dit huis.")
    clash = MeetingType.objects.filter(house=meeting_type.house_id, name__iexact=meeting_type.name.strip())
    if meeting_type.pk:
        clash = clash.exclude(pk=meeting_type.pk)
    if clash.exists():
        errors["name"] = _("Dit huis heeft al een overlegtype met deze naam.")
    if (
        meeting_type.criteria_set_id is not None
        and not CriteriaSet.objects.filter(pk=meeting_type.criteria_set_id, house=meeting_type.house_id).exists()
    ):
        errors["criteria_set"] = _("Kies een criteriaset van dit huis.")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def meeting_type_create(
    *,
    actor: Actor,
    house: SafetyHouse,
    name: str,
    goals: str = "",
    criteria_set: CriteriaSet | None = None,
    first_contact_hours: int = 48,
    retention_years: int = 5,
    privacy_reminder: str = "",
    is_active: bool = True,
    minutes_per_case: int = 30,
    default_duration_minutes: int = 120,
    clients_invited_by_default: bool = True,
    separate_perpetrator_and_victim: bool = False,
    follow_up_months: str = "3,6,12",
    crucial_organisations: Iterable[Organisation] = (),
    default_organisations: Iterable[Organisation] = (),
) -> MeetingType:
    """Add a meeting type to a house: what it is for, its criteria and norms, and how its
    meetings run (minutes per case, length, crucial and default partners, clients "ja, tenzij",
    stalking or intimate terror).

    Raises:
        PermissionDenied: the actor administers no such house.
        ValidationError: a name the house already uses, a criteria set of another house,
            hours or years out of range.
    """
    _require_administrator(actor, house.pk)
    meeting_type = MeetingType(
        house=house,
        name=name.strip(),
        goals=goals.strip(),
        criteria_set=criteria_set,
        first_contact_hours=first_contact_hours,
        retention_years=retention_years,
        privacy_reminder=privacy_reminder.strip(),
        is_active=is_active,
        minutes_per_case=minutes_per_case,
        default_duration_minutes=default_duration_minutes,
        clients_invited_by_default=clients_invited_by_default,
        separate_perpetrator_and_victim=separate_perpetrator_and_victim,
        follow_up_months=follow_up_months.strip(),
    )
    partners = {
        "crucial_organisations": list(crucial_organisations),
        "default_organisations": list(default_organisations),
    }
    _validate(meeting_type, partners)
    meeting_type.full_clean()
    meeting_type.save()
    for name, organisations in partners.items():
        getattr(meeting_type, name).set(organisations)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=meeting_type,
        changes=diff({}, snapshot(meeting_type, ("house", *MEETING_TYPE_FIELDS)) | _partner_snapshot(meeting_type)),
    )
    return meeting_type


@transaction.atomic
def meeting_type_update(
    *, actor: Actor, meeting_type: MeetingType, expected_version: int | None, **values: Any
) -> MeetingType:
    """Change a meeting type; refuses when someone else saved it since the form was loaded.

    Raises:
        PermissionDenied: the actor administers no such house.
        ConflictError: someone else saved the meeting type in the meantime.
        ValidationError: as for `meeting_type_create`.
    """
    unknown = set(values) - set(MEETING_TYPE_FIELDS) - set(PARTNER_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    _require_administrator(actor, meeting_type.house_id)
    locked = lock_for_update(meeting_type, expected_version=expected_version)
    before = snapshot(locked, MEETING_TYPE_FIELDS) | _partner_snapshot(locked)
    partners = {name: list(values.pop(name)) for name in PARTNER_FIELDS if name in values}
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    _validate(locked, partners)
    locked.full_clean()
    after = snapshot(locked, MEETING_TYPE_FIELDS) | {
        name: sorted(org.pk for org in partners[name]) if name in partners else before[name] for name in PARTNER_FIELDS
    }
    changes = diff(before, after)
    if not changes:
        return locked
    bump_version(locked)
    locked.save()
    for name, organisations in partners.items():
        getattr(locked, name).set(organisations)
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    return locked


@transaction.atomic
def input_requirement_add(
    *,
    actor: Actor,
    meeting_type: MeetingType,
    requirement: InputRequirementCheck | str,
    stage: RequirementStage | str,
    minimum: int = 1,
) -> InputRequirement:
    """Require something of a referral before triage or before agendering.

    Args:
        minimum: for life domains, the minimal number of life domains with problems.

    Raises:
        ValidationError: the meeting type already has this requirement.
    """
    _require_administrator(actor, meeting_type.house_id)
    locked = lock_for_update(meeting_type, expected_version=None)
    if InputRequirement.objects.filter(meeting_type=locked, requirement=requirement).exists():
        raise ValidationError({"requirement": _("Dit overlegtype heeft deze inputeis al.")})
    item = InputRequirement(
        meeting_type=locked,
        requirement=requirement,
        stage=stage,
        minimum=minimum if requirement == InputRequirementCheck.LIFE_DOMAINS else 1,
    )
    item.full_clean()
    item.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=item, changes=diff({}, snapshot(item, REQUIREMENT_FIELDS)))
    return item


@transaction.atomic
def input_requirement_remove(*, actor: Actor, requirement: InputRequirement) -> None:
    """Stop requiring something of referrals for this meeting type."""
    _require_administrator(actor, requirement.meeting_type.house_id)
    lock_for_update(requirement.meeting_type, expected_version=None)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=requirement,
        changes=diff(snapshot(requirement, REQUIREMENT_FIELDS), {}),
    )
    requirement.delete()


def meeting_type_install(
    *, actor: Actor, house: SafetyHouse, spec: MeetingTypeSpec, criteria_set: CriteriaSet | None
) -> MeetingType:
    """Create a meeting type from a spec with its input requirements (existing: left alone)."""
    existing = MeetingType.objects.filter(house=house, name=spec.name).first()
    if existing is not None:
        return existing
    meeting_type = meeting_type_create(
        actor=actor,
        house=house,
        name=spec.name,
        goals=spec.goals,
        criteria_set=criteria_set,
        first_contact_hours=spec.first_contact_hours,
        retention_years=spec.retention_years,
        privacy_reminder=spec.privacy_reminder,
        minutes_per_case=spec.minutes_per_case,
        default_duration_minutes=spec.default_duration_minutes,
        clients_invited_by_default=spec.clients_invited_by_default,
        separate_perpetrator_and_victim=spec.separate_perpetrator_and_victim,
    )
    for requirement, stage, minimum in spec.requirements:
        input_requirement_add(
            actor=actor, meeting_type=meeting_type, requirement=requirement, stage=stage, minimum=minimum
        )
    return meeting_type


@transaction.atomic
def meeting_types_install_default(*, actor: Actor, house: SafetyHouse) -> list[MeetingType]:
    """Install the default meeting type (Casus-op-Maat) with its input requirements and the
    default criteria set of Bijlage 5. Idempotent: existing meeting types stay as they are.

    Returns:
        The default meeting types of the house (created now or before).
    """
    _require_administrator(actor, house.pk)
    criteria_set = criteria_set_install_default(actor=actor, house=house)
    return [
        meeting_type_install(actor=actor, house=house, spec=spec, criteria_set=criteria_set)
        for spec in DEFAULT_MEETING_TYPES
    ]
