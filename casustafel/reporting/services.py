"""The reports' writes: the catalogue (install, revise, add an indicator from another source),
figures entered from other sources, the annual report's narrative and editions, and the audit
events of looking at and exporting reports.

Who may do what (`roles.py`): the house manager and process directors keep the catalogue and
enter outside figures; the board and the house manager write the narrative; whoever reads the
reports asks for an edition of the annual report.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.organisations.models import Organisation, SafetyHouse, Sector
from casustafel.reporting.catalogue import DEFAULT_CATALOGUE
from casustafel.reporting.grid import Grain, GridPeriod
from casustafel.reporting.models import (
    AnnualReport,
    AnnualReportEdition,
    AnnualReportSection,
    EditionStatus,
    ExternalFigure,
    FigureStatus,
    Indicator,
    IndicatorKind,
    IndicatorSource,
    IndicatorUnit,
    IndicatorVersion,
    NarrativeSection,
    PublishGrain,
    TargetDirection,
)
from casustafel.reporting.roles import can_edit_catalogue, can_edit_narrative, can_read_reports

EXPORT_FORMATS = ("csv", "xlsx")
VERSION_FIELDS = (
    "name",
    "kind",
    "counts",
    "numerator",
    "denominator",
    "unit",
    "source_name",
    "grain",
    "target",
    "target_direction",
    "owner",
)
FIGURE_FIELDS = ("period", "municipality", "value", "not_known", "source", "status", "note")


def _require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied


# --- The catalogue -----------------------------------------------------------------------


@transaction.atomic
def indicator_catalogue_install(*, actor: Actor, house: SafetyHouse) -> list[Indicator]:
    """Give the house every default indicator it does not have yet (version 1). Idempotent:
    an indicator the house has keeps its versions."""
    if actor.user is not None:
        _require(can_edit_catalogue(actor.membership, house))
    existing = set(Indicator.objects.filter(house=house).values_list("key", flat=True))
    created = []
    now = timezone.now()
    for position, spec in enumerate(DEFAULT_CATALOGUE):
        if spec.key in existing:
            continue
        indicator = Indicator.objects.create(house=house, key=spec.key, position=position * 10)
        version = IndicatorVersion.objects.create(
            indicator=indicator,
            number=1,
            name=str(spec.name),
            kind=spec.kind,
            counts=str(spec.counts),
            numerator=str(spec.numerator),
            denominator=str(spec.denominator),
            unit=spec.unit,
            source=spec.source,
            source_name=str(spec.source_name),
            grain=spec.grain,
            owner=str(spec.owner),
            computation=spec.computation,
            reason=_("Standaardcatalogus"),
            created_by=actor.user,
            created_at=now,
        )
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=version,
            changes=diff({}, {"key": spec.key, **snapshot(version, VERSION_FIELDS)}),
        )
        created.append(indicator)
    return created


def indicator_catalogue_ensure(house: SafetyHouse) -> None:
    """A house that has no catalogue yet gets the default one the first time its reports are
    opened (by the system actor, audited); a house with a catalogue is left as it is."""
    if not Indicator.objects.filter(house=house).exists():
        indicator_catalogue_install(actor=Actor.system(), house=house)


def _version_errors(values: dict[str, Any]) -> dict[str, str]:
    errors: dict[str, str] = {}
    for name, message in (
        ("name", _("Geef de indicator een naam.")),
        ("counts", _("Beschrijf wat de indicator telt.")),
        ("source_name", _("Noem de bron van de cijfers.")),
        ("owner", _("Noem wie op deze indicator stuurt.")),
    ):
        if not str(values.get(name) or "").strip():
            errors[name] = message
    if values.get("kind") not in IndicatorKind.values:
        errors["kind"] = _("Kies een soort.")
    if values.get("unit") not in IndicatorUnit.values:
        errors["unit"] = _("Kies een eenheid.")
    if values.get("grain") not in PublishGrain.values:
        errors["grain"] = _("Kies een periode.")
    target, direction = values.get("target"), values.get("target_direction") or ""
    if target is not None and direction not in TargetDirection.values:
        errors["target_direction"] = _("Zeg of de streefwaarde een minimum of een maximum is.")
    if target is None and direction:
        errors["target"] = _("Vul de streefwaarde in, of laat ook 'minimaal/maximaal' leeg.")
    if target is not None and target < 0:
        errors["target"] = _("Een streefwaarde is nul of meer.")
    if target is not None and values.get("unit") == IndicatorUnit.PERCENT and target > 100:
        errors["target"] = _("Een percentage is hoogstens 100.")
    return errors


@transaction.atomic
def indicator_revise(
    *, actor: Actor, indicator: Indicator, expected_version: int | None, reason: str, **values: Any
) -> IndicatorVersion:
    """Record the next version of an indicator's definition (name, what it counts, numerator,
    denominator, unit, source, period, target, owner) with why. A computed indicator keeps its
    computation and source kind; only an indicator from another source changes everything.

    Raises:
        PermissionDenied: not a house manager or process director of the house.
        ConflictError: someone revised it since the form was loaded.
        ValidationError: per field, in Dutch.
    """
    _require(can_edit_catalogue(actor.membership, indicator.house))
    locked = lock_for_update(indicator, expected_version=expected_version)
    current = IndicatorVersion.objects.filter(indicator=locked).order_by("-number").first()
    assert current is not None, "every indicator has a first version"
    fields = {name: values.get(name, getattr(current, name)) for name in VERSION_FIELDS}
    fields["target_direction"] = fields["target_direction"] or ""
    errors = _version_errors(fields)
    if not reason.strip():
        errors["reason"] = _("Schrijf op waarom de definitie verandert.")
    if errors:
        raise ValidationError(errors)
    version = IndicatorVersion.objects.create(
        indicator=locked,
        number=current.number + 1,
        source=current.source,
        computation=current.computation,
        reason=reason.strip(),
        created_by=actor.user,
        created_at=timezone.now(),
        **fields,
    )
    bump_version(locked)
    locked.save(update_fields=["version", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=version,
        changes=diff(snapshot(current, VERSION_FIELDS), snapshot(version, VERSION_FIELDS)),
    )
    return version


@transaction.atomic
def indicator_add_external(*, actor: Actor, house: SafetyHouse, key: str, **values: Any) -> Indicator:
    """Add an indicator whose figures come from another system and are entered by hand (police
    incidents per municipality): its source must be named."""
    _require(can_edit_catalogue(actor.membership, house))
    errors = _version_errors({**values, "target_direction": values.get("target_direction") or ""})
    key = key.strip()
    if not key or not key.replace("_", "").isalnum() or key != key.lower():
        errors["key"] = _("Gebruik kleine letters, cijfers en liggende streepjes, bijv. 'politie_incidenten'.")
    elif Indicator.objects.filter(house=house, key=key).exists():
        errors["key"] = _("Deze sleutel is al in gebruik.")
    if errors:
        raise ValidationError(errors)
    top = Indicator.objects.filter(house=house).aggregate(top=Max("position"))["top"] or 0
    indicator = Indicator.objects.create(house=house, key=key, position=top + 10)
    version = IndicatorVersion.objects.create(
        indicator=indicator,
        number=1,
        source=IndicatorSource.EXTERNAL,
        computation="",
        reason=values.pop("reason", "") or _("Nieuwe indicator uit een andere bron"),
        created_by=actor.user,
        created_at=timezone.now(),
        **{name: values.get(name, "") for name in VERSION_FIELDS if name not in ("target",)},
        target=values.get("target"),
    )
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=version, changes=diff({}, snapshot(version, VERSION_FIELDS))
    )
    return indicator


# --- Figures from other sources ------------------------------------------------------------


def _period_error(indicator_version: IndicatorVersion, key: str, today: dt.date) -> str | None:
    try:
        period = GridPeriod.parse(key)
    except ValueError:
        return _("Vul een jaar (2025), kwartaal (2025-Q3) of maand (2025-07) in.")
    if period.grain != Grain(indicator_version.grain):
        return _("Deze indicator wordt %(grain)s ingevoerd.") % {"grain": indicator_version.get_grain_display()}
    if not period.is_complete(today):
        return _("Voer cijfers in voor een afgelopen periode; deze periode loopt nog.")
    return None


@transaction.atomic
def external_figure_record(
    *,
    actor: Actor,
    indicator: Indicator,
    period: str,
    municipality: Organisation | None,
    value: Decimal | str | None,
    not_known: bool = False,
    source: str,
    status: str = FigureStatus.PROVISIONAL,
    note: str = "",
    expected_version: int | None = None,
) -> ExternalFigure:
    """Enter (or correct) the figure of an outside indicator for one grid period and one
    municipality (None: the whole house). A correction of an existing figure checks the
    version the form was loaded with.

    Raises:
        PermissionDenied: not a house manager or process director of the house.
        ServiceError: a computed indicator (its figures come from Casustafel itself).
        ConflictError: someone changed the figure since the form was loaded.
        ValidationError: per field, in Dutch.
    """
    _require(can_edit_catalogue(actor.membership, indicator.house))
    version = IndicatorVersion.objects.filter(indicator=indicator).order_by("-number").first()
    assert version is not None
    if version.source != IndicatorSource.EXTERNAL:
        raise ServiceError(_("De cijfers van deze indicator komen uit Casustafel zelf; ze worden niet ingevoerd."))
    errors: dict[str, str] = {}
    key = period.strip()
    if message := _period_error(version, key, timezone.localdate()):
        errors["period"] = message
    if municipality is not None and (
        municipality.house_id != indicator.house_id or municipality.sector != Sector.MUNICIPALITY
    ):
        errors["municipality"] = _("Kies een gemeente van dit huis.")
    amount: Decimal | None = None
    if not_known:
        if value not in (None, ""):
            errors["value"] = _("Laat de waarde leeg als de bron geen cijfer heeft.")
    else:
        try:
            amount = Decimal(str(value).replace(",", ".")) if value not in (None, "") else None
        except InvalidOperation:
            amount = None
            errors["value"] = _("Vul een getal in, bijv. 12 of 12,5.")
        else:
            if amount is None:
                errors["value"] = _("Vul de waarde in, of kies 'niet bekend'.")
            elif amount < 0:
                errors["value"] = _("Een waarde is nul of meer.")
    if not source.strip():
        errors["source"] = _("Noem de bron, bijv. 'Politie, jaaroverzicht 2025'.")
    if status not in FigureStatus.values:
        errors["status"] = _("Kies voorlopig of definitief.")
    if errors:
        raise ValidationError(errors)
    existing = ExternalFigure.objects.filter(indicator=indicator, period=key, municipality=municipality).first()
    values = {"value": amount, "not_known": not_known, "source": source.strip(), "status": status, "note": note.strip()}
    if existing is None:
        figure = ExternalFigure(
            indicator=indicator, period=key, municipality=municipality, entered_by=actor.user, **values
        )
        figure.full_clean()
        figure.save()
        audit_record(
            actor=actor, action=AuditAction.CREATE, obj=figure, changes=diff({}, snapshot(figure, FIGURE_FIELDS))
        )
        return figure
    locked = lock_for_update(existing, expected_version=expected_version)
    before = snapshot(locked, FIGURE_FIELDS)
    for name, new in values.items():
        setattr(locked, name, new)
    locked.entered_by = actor.user  # type: ignore[assignment]
    bump_version(locked)
    locked.full_clean()
    locked.save()
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=locked, changes=diff(before, snapshot(locked, FIGURE_FIELDS))
    )
    return locked


# --- The annual report ---------------------------------------------------------------------


def annual_report_for(house: SafetyHouse, year: int) -> AnnualReport:
    """The house's report of `year`, made on first use (with its empty narrative sections)."""
    report, _created = AnnualReport.objects.get_or_create(house=house, year=year)
    for key in NarrativeSection.values:
        AnnualReportSection.objects.get_or_create(report=report, key=key)
    return report


@transaction.atomic
def annual_report_section_save(
    *, actor: Actor, section: AnnualReportSection, text: str, expected_version: int | None
) -> AnnualReportSection:
    """Save one narrative section of the annual report (the board's words).

    Raises:
        PermissionDenied: not the board or the house manager of the house.
        ConflictError: someone saved the section since the form was loaded (the typed text stays
            in the form).
        ValidationError: text over 20,000 characters.
    """
    _require(can_edit_narrative(actor.membership, section.report.house))
    if len(text) > 20_000:
        raise ValidationError({"text": _("Houd een hoofdstuk onder de 20.000 tekens.")})
    locked = lock_for_update(section, expected_version=expected_version)
    before = snapshot(locked, ["text"])
    locked.text = text.strip()
    locked.updated_by = actor.user  # type: ignore[assignment]
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=diff(before, snapshot(locked, ["text"])))
    return locked


@transaction.atomic
def annual_report_edition_request(*, actor: Actor, house: SafetyHouse, year: int) -> AnnualReportEdition:
    """Queue the next edition of the annual report of a completed year as a background task
    (django-tasks; `casustafel db_worker` runs it). One at a time: while an edition is being
    made, that one is returned.

    Raises:
        PermissionDenied: the user does not read the house's reports.
        ServiceError: the year has not ended yet.
    """
    from casustafel.reporting.tasks import build_annual_report

    _require(can_read_reports(actor.membership, house) and actor.user is not None)
    assert actor.user is not None
    if not GridPeriod.of_year(year).is_complete():
        raise ServiceError(_("Een jaarverslag kan pas als het jaar voorbij is."))
    report = annual_report_for(house, year)
    AnnualReport.objects.select_for_update().get(pk=report.pk)
    running = report.editions.filter(status__in=[EditionStatus.QUEUED, EditionStatus.RUNNING]).defer("pdf", "xlsx")
    current = running.order_by("-number").first()
    if current is not None:
        return current
    number = (report.editions.aggregate(top=Max("number"))["top"] or 0) + 1
    from casustafel.reporting.selectors import report_threshold

    # The narrative as it is now: later edits make the next edition, never change this one.
    narrative = dict(report.sections.values_list("key", "text"))
    edition = AnnualReportEdition.objects.create(
        report=report, number=number, requested_by=actor.user, threshold=report_threshold(), narrative=narrative
    )
    # The database backend stores the task in this transaction: it exists exactly when the
    # edition does.
    result = build_annual_report.enqueue(edition.pk)
    edition.task_id = str(result.id)
    edition.save(update_fields=["task_id", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=edition,
        changes={"annual_report": [None, {"year": year, "edition": number}]},
    )
    return edition


# --- Looking and exporting -----------------------------------------------------------------


def report_view_record(*, actor: Actor, house: SafetyHouse, page: str, **what: Any) -> AuditEvent:
    """A report page was looked at: audited like an export (who, which house, which page,
    period and scope), though it shows aggregates only: a series of looks at neighbouring
    figures is what the privacy officer looks for."""
    return audit_record(
        actor=actor, action=AuditAction.READ, obj=house, changes={"report": [None, {"page": page, **what}]}
    )


@transaction.atomic
def report_export_record(
    *, actor: Actor, house: SafetyHouse, what: str, file_format: str, threshold: int, **details: Any
) -> AuditEvent:
    """Record that a report was exported, before the file is sent: the house, what (the
    dashboard, the catalogue, an edition of the annual report), period and scope, the format and
    the threshold. No case or person id: the file holds aggregates only."""
    if file_format not in EXPORT_FORMATS and file_format != "pdf":
        raise ValueError(f"unknown export format {file_format!r}")
    return audit_record(
        actor=actor,
        action=AuditAction.EXPORT,
        obj=house,
        changes={"report": [None, {"what": what, "format": file_format, "threshold": threshold, **details}]},
    )
