"""The effort ledger (meer- en minderwerk, seed 004 §4): an organisation records the hours it
spent or saved on one activity in one calendar month, for the house in general, one meeting
type or one improvement action, and says how it knows (measured, estimated, felt). The time the
system observes itself (attendance x minutes per agenda part) is added by the selectors, never
entered. No euro amounts: the source refuses a "harde p*q-berekening", and so do we.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.learning.models import (
    Activity,
    EffortDirection,
    EffortEntry,
    Evidence,
    ImprovementAction,
)
from casustafel.learning.roles import can_write_effort, is_manager
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.validation import raise_errors
from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Organisation, SafetyHouse

EFFORT_FIELDS = (
    "house",
    "organisation",
    "month",
    "activity",
    "direction",
    "hours",
    "evidence",
    "meeting_type",
    "action",
    "note",
)
MAX_HOURS = Decimal("9999")


def first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


def _errors(
    house: SafetyHouse,
    *,
    organisation: Organisation | None,
    month: dt.date | None,
    activity: str,
    direction: str,
    hours: Decimal | None,
    evidence: str,
    meeting_type: MeetingType | None,
    action: ImprovementAction | None,
    note: str,
) -> None:
    errors: dict[str, str | None] = {
        "organisation": None
        if organisation is not None and organisation.house_id == house.pk
        else _("Kies een organisatie van dit huis."),
        "month": None,
        "activity": None if activity in Activity.values else _("Kies de activiteit."),
        "direction": None if direction in EffortDirection.values else _("Kies: meerwerk of minderwerk."),
        "hours": None,
        "evidence": None
        if evidence in Evidence.values
        else _("Kies hoe de uren zijn vastgesteld: gemeten, geschat of gevoelsmatig."),
        "meeting_type": _("Dit overlegtype hoort niet bij dit huis.")
        if meeting_type is not None and meeting_type.house_id != house.pk
        else None,
        "action": _("Deze verbeteractie hoort niet bij dit huis.")
        if action is not None and action.plan.house_id != house.pk
        else None,
        "note": _("Houd de toelichting korter: hoogstens 500 tekens.") if len(note) > 500 else None,
    }
    if month is None:
        errors["month"] = _("Kies de maand waarover de uren gaan.")
    elif first_of_month(month) > first_of_month(timezone.localdate()):
        errors["month"] = _("Die maand is nog niet begonnen: leg alleen uren vast die al besteed of bespaard zijn.")
    if hours is None:
        errors["hours"] = _("Vul het aantal uren in.")
    elif not Decimal("0") < hours <= MAX_HOURS:
        errors["hours"] = _("Vul een aantal uren in groter dan 0 en hoogstens 9999.")
    elif hours != hours.quantize(Decimal("0.1")):
        errors["hours"] = _("Rond af op een tiende uur (bijv. 2,5).")
    raise_errors(errors)


def _require_recorder(actor: Actor, house: SafetyHouse, organisation: Organisation | None) -> None:
    """Someone acting for the organisation, or a manager of the house (for any organisation)."""
    membership = actor.membership
    if actor.user is None or membership is None or membership.organisation.house_id != house.pk:
        raise PermissionDenied
    if organisation is not None and organisation.pk != membership.organisation_id and not is_manager(membership):
        raise PermissionDenied


def parse_hours(value: object) -> Decimal | None:
    try:
        return Decimal(str(value).replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        return None


@transaction.atomic
def effort_entry_record(
    *,
    actor: Actor,
    house: SafetyHouse,
    organisation: Organisation | None,
    month: dt.date | None,
    activity: str,
    direction: str,
    hours: Decimal | None,
    evidence: str,
    meeting_type: MeetingType | None = None,
    action: ImprovementAction | None = None,
    note: str = "",
) -> EffortEntry:
    """Record hours spent or saved. `month` may be any day of the month (stored as the first).

    Raises:
        PermissionDenied: not acting for the organisation, nor a manager of the house.
        ValidationError: per field, in Dutch: a month not begun, hours not above 0 or not in
            tenths, an activity, direction or evidence outside the lists, a meeting type or
            action of another house.
    """
    _require_recorder(actor, house, organisation)
    note = note.strip()
    _errors(
        house,
        organisation=organisation,
        month=month,
        activity=activity,
        direction=direction,
        hours=hours,
        evidence=evidence,
        meeting_type=meeting_type,
        action=action,
        note=note,
    )
    assert month is not None and hours is not None
    entry = EffortEntry(
        house=house,
        organisation=organisation,
        month=first_of_month(month),
        activity=activity,
        direction=direction,
        hours=hours,
        evidence=evidence,
        meeting_type=meeting_type,
        action=action,
        note=note,
        recorded_by=actor.user,
    )
    entry.full_clean()
    entry.save()
    audit_record(actor=actor, action=AuditAction.CREATE, obj=entry, changes=diff({}, snapshot(entry, EFFORT_FIELDS)))
    return entry


@transaction.atomic
def effort_entry_update(
    *,
    actor: Actor,
    entry: EffortEntry,
    month: dt.date | None,
    activity: str,
    direction: str,
    hours: Decimal | None,
    evidence: str,
    meeting_type: MeetingType | None,
    action: ImprovementAction | None,
    note: str,
    expected_version: int | None,
) -> EffortEntry:
    """Correct an entry (its organisation stays). Two corrections at once: the second gets a
    `ConflictError` with the typed values kept by the form."""
    if not can_write_effort(actor.membership, entry):
        raise PermissionDenied
    locked = lock_for_update(entry, expected_version=expected_version)
    note = note.strip()
    _errors(
        locked.house,
        organisation=locked.organisation,
        month=month,
        activity=activity,
        direction=direction,
        hours=hours,
        evidence=evidence,
        meeting_type=meeting_type,
        action=action,
        note=note,
    )
    assert month is not None
    before = snapshot(locked, EFFORT_FIELDS)
    locked.month = first_of_month(month)
    locked.activity, locked.direction, locked.hours, locked.evidence = activity, direction, hours, evidence  # type: ignore[assignment]
    locked.meeting_type, locked.action, locked.note = meeting_type, action, note
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=locked, changes=diff(before, snapshot(locked, EFFORT_FIELDS))
    )
    return locked


@transaction.atomic
def effort_entry_delete(*, actor: Actor, entry: EffortEntry, expected_version: int | None) -> None:
    """Remove an entry recorded by mistake (audited with what it said)."""
    if not can_write_effort(actor.membership, entry):
        raise PermissionDenied
    locked = lock_for_update(entry, expected_version=expected_version)
    audit_record(actor=actor, action=AuditAction.DELETE, obj=locked, changes=diff(snapshot(locked, EFFORT_FIELDS), {}))
    locked.delete()
