"""Figures from other systems, entered by hand with their source named (police incidents per
municipality, repeat offenders known to the OM, detention outflow from DPAN). Shown exactly
for the grid period they were entered for, with their source and whether they are provisional;
counts below the threshold are shown as "< threshold" like every other count."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from casustafel.reporting.indicators.base import Context, Result
from casustafel.reporting.indicators.figures import number
from casustafel.reporting.models import ExternalFigure, Indicator, IndicatorUnit, IndicatorVersion
from casustafel.reporting.suppression import Cell, CellState, suppress_count
from casustafel.reporting.tables import Figure, Row, Table

NOT_KNOWN = "nb"


@dataclass(frozen=True)
class NotKnownCell(Cell):
    """The source has no figure ("nb" in seed 003's tables)."""

    @property
    def display(self) -> str:
        return NOT_KNOWN

    @property
    def export_value(self) -> str:
        return NOT_KNOWN


@dataclass(frozen=True)
class AmountCell(Cell):
    """An entered amount that is not a count of people (a rate, hours): shown as entered."""

    amount: Decimal = Decimal(0)

    @property
    def display(self) -> str:
        return number(float(self.amount), 0 if self.amount == self.amount.to_integral_value() else 1)

    @property
    def export_value(self) -> float:
        return float(self.amount)


def entered_cell(figure: ExternalFigure, version: IndicatorVersion, threshold: int) -> Cell:
    if figure.not_known or figure.value is None:
        return NotKnownCell(value=None, state=CellState.WITHHELD, threshold=threshold)
    value = figure.value
    if version.unit == IndicatorUnit.COUNT and value == value.to_integral_value():
        return suppress_count(int(value), threshold=threshold)
    return AmountCell(value=None, state=CellState.VISIBLE, threshold=threshold, amount=value)


def external_result(ctx: Context, indicator: Indicator, version: IndicatorVersion) -> Result:
    figures = list(
        ExternalFigure.objects.filter(indicator=indicator, period=ctx.period.key)
        .select_related("municipality")
        .order_by("municipality__name", "pk")
    )
    if not ctx.scope.is_house:
        figures = [figure for figure in figures if figure.municipality_id == ctx.scope.pk]
    rows, notes = [], []
    house_figure: Figure | None = None
    for figure in figures:
        cell = entered_cell(figure, version, ctx.threshold)
        label = figure.municipality.name if figure.municipality else _("Heel het huis")
        rows.append(Row(label=label, cells=[cell]))
        note = _("%(place)s: bron %(source)s, %(status)s") % {
            "place": label,
            "source": figure.source,
            "status": figure.get_status_display(),
        }
        notes.append(note + (f" ({figure.note})" if figure.note else ""))
        if figure.municipality_id is None or not ctx.scope.is_house:
            house_figure = Figure(
                key=indicator.key,
                label=version.name,
                display=cell.display,
                export_value=cell.export_value,
                value=_numeric(cell),
                note=_("bron: %(source)s") % {"source": figure.source},
            )
    table = Table(
        key=f"{indicator.key}-external",
        title=version.name,
        description=_("Ingevoerd uit een andere bron: %(source)s. Per periode zoals de bron ze levert.")
        % {"source": version.source_name},
        row_header=_("Gemeente"),
        columns=[_("Waarde")],
        rows=rows,
    )
    if not figures:
        empty = _("nog niet ingevoerd voor %(period)s") % {"period": ctx.period.label}
        house_figure = Figure(key=indicator.key, label=version.name, display=empty, export_value=empty)
    return Result(key=indicator.key, headline=house_figure, tables=[table] if rows else [], notes=notes)


def _numeric(cell: Cell) -> float | None:
    if isinstance(cell, AmountCell):
        return float(cell.amount)
    return float(cell.value) if cell.visible and cell.value is not None else None
