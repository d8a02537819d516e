"""Headline figures derived from published cells: a count, a percentage of two counts, a median
or mean of at least `threshold` observations. Each is shown only when what it comes from may
be shown, so no derived figure gives back a hidden count."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Avg, Count, DurationField, ExpressionWrapper, F, QuerySet
from django.utils import formats
from django.utils.translation import gettext as _

from casustafel.reporting.suppression import Cell
from casustafel.reporting.tables import Figure


def number(value: float, decimals: int = 1) -> str:
    return formats.number_format(round(value, decimals), decimal_pos=decimals, use_l10n=True)


def cell_figure(key: str, label: str, cell: Cell, note: str = "") -> Figure:
    return Figure(
        key=key,
        label=label,
        display=cell.display,
        export_value=cell.export_value,
        value=float(cell.value) if cell.visible and cell.value is not None else None,
        note=note,
    )


def share_figure(key: str, label: str, part: Cell, whole: Cell, *, note: str = "") -> Figure:
    """`part` as a percentage of `whole`, when both are shown."""
    if not (part.visible and whole.visible):
        hidden = _("afgeschermd")
        return Figure(key=key, label=label, display=hidden, export_value=hidden)
    if not whole.value:
        nothing = _("niets te tellen in deze periode")
        return Figure(key=key, label=label, display="–", export_value="", note=nothing)
    rate = 100 * (part.value or 0) / whole.value
    return Figure(
        key=key, label=label, display=f"{number(rate)}%", export_value=round(rate, 1), value=round(rate, 1), note=note
    )


def too_few(key: str, label: str, threshold: int, what: str) -> Figure:
    text = _("niet getoond (minder dan %(threshold)s %(what)s)") % {"threshold": threshold, "what": what}
    return Figure(key=key, label=label, display=text, export_value=text)


def median_days(units: QuerySet[Any], start: str, end: str, count: int) -> float:
    """The median of (end - start) in days over `count` units, sorted by the database: at most
    two rows read, however many there are."""
    durations = (
        units.annotate(duration=ExpressionWrapper(F(end) - F(start), output_field=DurationField()))
        .order_by("duration")
        .values_list("duration", flat=True)
    )
    middle: list[dt.timedelta] = list(durations[(count - 1) // 2 : count // 2 + 1])
    return sum(duration.total_seconds() for duration in middle) / len(middle) / 86400


def median_figure(
    key: str, label: str, units: QuerySet[Any], *, start: str, end: str, count: int, threshold: int, what: str
) -> Figure:
    """The median duration in days, from `threshold` observations on. `count` is the number of
    units (known from the cube that publishes them)."""
    if count < threshold:
        return too_few(key, label, threshold, what)
    median = median_days(units, start, end, count)
    return Figure(
        key=key,
        label=label,
        display=number(median),
        export_value=round(median, 1),
        value=round(median, 1),
        note=_("dagen (mediaan)"),
    )


def mean_figure(key: str, label: str, units: QuerySet[Any], field: str, *, threshold: int, what: str) -> Figure:
    """The mean of `field` over the units that have it, from `threshold` of them on."""
    found = units.exclude(**{f"{field}__isnull": True}).aggregate(mean=Avg(field), n=Count("pk"))
    if (found["n"] or 0) < threshold or found["mean"] is None:
        return too_few(key, label, threshold, what)
    mean = float(found["mean"])
    return Figure(key=key, label=label, display=number(mean), export_value=round(mean, 1), value=round(mean, 1))
