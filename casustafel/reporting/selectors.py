"""The reports' reads: whose reports a user reads, the catalogue with each indicator's current
definition, the dashboard (every indicator of the catalogue for one grid period and scope, with
its target), and the cases behind a published count.

Every figure leaves here suppressed (`reporting/cube.py`); no name, free text or id of a case
or person is read, except by the drill-down, which lists cases through
`Case.objects.visible_to` for the process directors. Definitions: docs/indicators.md.
"""

from __future__ import annotations

import datetime as dt
import enum
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.cases.models import Case
from casustafel.organisations.models import Membership, SafetyHouse
from casustafel.reporting import indicators as _registered  # noqa: F401  (registers the computations)
from casustafel.reporting.grid import Grain, GridPeriod, default_period, last_complete
from casustafel.reporting.indicators.base import Context, Result, Scope, computations, house_scope
from casustafel.reporting.indicators.counts import drill_source
from casustafel.reporting.indicators.external import external_result
from casustafel.reporting.models import (
    Indicator,
    IndicatorKind,
    IndicatorSource,
    IndicatorUnit,
    IndicatorVersion,
    TargetDirection,
)
from casustafel.reporting.roles import REPORT_ROLES
from casustafel.reporting.tables import Figure

KIND_ORDER = [
    IndicatorKind.OUTPUT,
    IndicatorKind.PROCESS,
    IndicatorKind.OUTCOME,
    IndicatorKind.EFFORT,
    IndicatorKind.VALUE,
]


def report_house(membership: Membership | None) -> SafetyHouse:
    """The house whose reports the user reads; 404 for every role outside REPORT_ROLES."""
    if membership is None or membership.role not in REPORT_ROLES:
        raise Http404
    return membership.organisation.house


def report_threshold() -> int:
    return int(settings.REPORT_MIN_CELL)


@dataclass(frozen=True)
class Entry:
    """A catalogue entry: the indicator and its current definition."""

    indicator: Indicator
    version: IndicatorVersion

    @property
    def key(self) -> str:
        return self.indicator.key


def catalogue(house: SafetyHouse, *, active_only: bool = True) -> list[Entry]:
    """The house's indicators in catalogue order, each with its latest version (two queries)."""
    indicators = Indicator.objects.filter(house=house).order_by("position", "key")
    if active_only:
        indicators = indicators.filter(is_active=True)
    indicators = indicators.prefetch_related(
        Prefetch("versions", queryset=IndicatorVersion.objects.order_by("-number"), to_attr="newest_first")
    )
    return [Entry(indicator, indicator.newest_first[0]) for indicator in indicators if indicator.newest_first]  # type: ignore[attr-defined]


def entry(house: SafetyHouse, key: str) -> Entry:
    found = next((item for item in catalogue(house, active_only=False) if item.key == key), None)
    if found is None:
        raise Http404
    return found


class TargetState(enum.Enum):
    MET = "met"
    MISSED = "missed"
    UNKNOWN = "unknown"  # no target, or the value is hidden or not computable


@dataclass(frozen=True)
class Target:
    value: Decimal | None
    direction: str
    state: TargetState
    unit: str = ""

    @property
    def label(self) -> str:
        if self.value is None:
            return ""
        number = f"{self.value.normalize():f}".replace(".", ",")
        # With its unit: "minimaal 80" next to a hidden value does not say 80 of what.
        if self.unit == IndicatorUnit.PERCENT:
            number = f"{number}%"
        elif self.unit == IndicatorUnit.DAYS:
            number = _("%(value)s dagen") % {"value": number}
        return (
            _("minimaal %(value)s") % {"value": number}
            if self.direction == TargetDirection.AT_LEAST
            else _("maximaal %(value)s") % {"value": number}
        )

    @property
    def verdict(self) -> str:
        return {
            TargetState.MET: _("streefwaarde gehaald"),
            TargetState.MISSED: _("streefwaarde niet gehaald"),
            TargetState.UNKNOWN: "",
        }[self.state]


def target_for(version: IndicatorVersion, headline: Figure | None) -> Target:
    if version.target is None:
        return Target(None, "", TargetState.UNKNOWN)
    if headline is None or headline.value is None:
        return Target(version.target, version.target_direction, TargetState.UNKNOWN, version.unit)
    value, target = Decimal(str(headline.value)), version.target
    met = value >= target if version.target_direction == TargetDirection.AT_LEAST else value <= target
    return Target(target, version.target_direction, TargetState.MET if met else TargetState.MISSED, version.unit)


@dataclass
class Panel:
    """One indicator on a dashboard: its definition, what it publishes, its target."""

    entry: Entry
    result: Result
    target: Target

    @property
    def key(self) -> str:
        return self.entry.key


@dataclass
class Dashboard:
    house: SafetyHouse
    period: GridPeriod
    scope: Scope
    threshold: int
    generated_at: dt.datetime
    panels: list[Panel] = field(default_factory=list)

    def by_kind(self) -> list[tuple[str, list[Panel]]]:
        labels = dict(IndicatorKind.choices)
        return [
            (str(labels[kind]), [panel for panel in self.panels if panel.entry.version.kind == kind])
            for kind in KIND_ORDER
            if any(panel.entry.version.kind == kind for panel in self.panels)
        ]

    def panel(self, key: str) -> Panel:
        return next(panel for panel in self.panels if panel.key == key)


def compute_entry(ctx: Context, item: Entry) -> Result:
    version = item.version
    if version.source == IndicatorSource.EXTERNAL:
        return external_result(ctx, item.indicator, version)
    found = computations().get(version.computation)
    if found is None:
        text = _("niet beschikbaar in deze installatie")
        return Result(key=item.key, headline=Figure(key=item.key, label=version.name, display=text, export_value=text))
    return found.compute(ctx)


def build_dashboard(
    house: SafetyHouse,
    period: GridPeriod,
    scope: Scope | None = None,
    *,
    keys: list[str] | None = None,
    ctx: Context | None = None,
) -> Dashboard:
    """Every (or the named) indicator of the catalogue for one completed grid period and scope.
    The number of queries depends on the catalogue, never on the number of cases."""
    if not period.is_complete():
        raise Http404  # only completed periods are published (reporting/grid.py)
    scope = scope or house_scope(house)
    context = ctx or Context(house=house, period=period, scope=scope, threshold=report_threshold())
    dashboard = Dashboard(
        house=house, period=period, scope=scope, threshold=context.threshold, generated_at=context.now
    )
    for item in catalogue(house):
        if keys is not None and item.key not in keys:
            continue
        result = compute_entry(context, item)
        dashboard.panels.append(Panel(entry=item, result=result, target=target_for(item.version, result.headline)))
    return dashboard


HEADLINE_KEYS = ["referrals_route", "triage_decisions", "first_contact", "agreements_on_time", "caseload_end"]


def headline_figures(house: SafetyHouse, *, today: dt.date | None = None) -> tuple[GridPeriod, list[Figure]]:
    """The board's start page: a few headline figures of the last completed quarter, straight
    from their computations (the house's catalogue may not have them)."""
    period = last_complete(Grain.QUARTER, today)
    context = Context(house=house, period=period, scope=house_scope(house), threshold=report_threshold())
    registered = computations()
    figures = [registered[key].compute(context).headline for key in HEADLINE_KEYS]
    return period, [figure for figure in figures if figure is not None]


def drill_cases_for(
    user: User, house: SafetyHouse, *, source: str, drill: str, period: GridPeriod
) -> tuple[QuerySet[Case], Scope, str]:
    """The cases behind one published count that the user may see (`Case.objects.visible_to`):
    the source indicator, the cell's scope and category (`drill`: "<scope>|<category>"). A
    source or cell that does not exist is a 404."""
    try:
        indicator = drill_source(source)
    except KeyError as error:
        raise Http404 from error
    scope_key, sep, category = drill.partition("|")
    if not sep or not period.is_complete():
        raise Http404
    from casustafel.reporting.indicators.base import parse_scope

    scope = parse_scope(house, scope_key if scope_key != "g:-" and scope_key != "m:-" else "h")
    if scope_key in ("g:-", "m:-"):
        raise Http404  # "not filled in" has no cases to list by scope
    if category not in ("*", *indicator.labels()):
        raise Http404
    cases = indicator.drill_cases(house, period, scope, category)
    visible = Case.objects.visible_to(user).filter(pk__in=cases.values("pk"))
    return visible, scope, category


def drill_entry(house: SafetyHouse, source: str) -> Entry:
    """The catalogue entry (the house's current definition) whose computation is the drill
    source: what the drill-down page names. An indicator the house took out of use still names
    its cases; a source the catalogue lacks is a 404."""
    found = next((item for item in catalogue(house, active_only=False) if item.version.computation == source), None)
    if found is None:
        raise Http404
    return found


def period_from(key: str | None) -> GridPeriod:
    """A completed grid period from its key; the default for none; 404 for anything else."""
    if not key:
        return default_period()
    try:
        period = GridPeriod.parse(key)
    except ValueError as error:
        raise Http404 from error
    if not period.is_complete(timezone.localdate()):
        raise Http404
    return period
