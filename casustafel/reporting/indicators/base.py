"""The frame every computed indicator works in: the house, the grid period, the scope (house,
municipality or meeting type), the threshold; and what an indicator hands back.

A computation is registered under the key its catalogue entries name (`IndicatorVersion.
computation`), so a definition as data points at the code that computes it; an app above
`reporting` can register computations over its own models the same way (`register`).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any, Protocol, cast

from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.meeting_types.models import MeetingType
from casustafel.organisations.models import Organisation, SafetyHouse, Sector
from casustafel.reporting.cube import HOUSE, Cube, meeting_type_scope, municipality_scope
from casustafel.reporting.grid import GridPeriod
from casustafel.reporting.tables import Figure, Table

HOUSE_KIND, MUNICIPALITY_KIND, MEETING_TYPE_KIND = "house", "municipality", "meeting_type"


@dataclass(frozen=True)
class Scope:
    """Whose figures: the whole house, one municipality of residence, or one meeting type."""

    kind: str = HOUSE_KIND
    pk: int | None = None
    label: str = ""

    @property
    def key(self) -> str:
        if self.kind == MUNICIPALITY_KIND:
            return municipality_scope(self.pk)
        if self.kind == MEETING_TYPE_KIND:
            return meeting_type_scope(self.pk)
        return HOUSE

    @property
    def is_house(self) -> bool:
        return self.kind == HOUSE_KIND

    def filter(self, g_field: str, m_field: str) -> Q:
        """The units of this scope, given the paths to their municipality and meeting type."""
        if self.kind == MUNICIPALITY_KIND:
            return Q(**{g_field: self.pk})
        if self.kind == MEETING_TYPE_KIND:
            return Q(**{m_field: self.pk})
        return Q()


def house_scope(house: SafetyHouse) -> Scope:
    return Scope(HOUSE_KIND, None, house.name)


def parse_scope(house: SafetyHouse, key: str) -> Scope:
    """ "h", "g:<id>" or "m:<id>" of this house; 404 for anything else (another house's
    municipality is as unknown as a missing one)."""
    if key in ("", HOUSE):
        return house_scope(house)
    kind, _sep, pk = key.partition(":")
    if not pk.isdigit():
        raise Http404
    if kind == "g":
        found = Organisation.objects.filter(house=house, sector=Sector.MUNICIPALITY, pk=int(pk)).first()
        if found is None:
            raise Http404
        return Scope(MUNICIPALITY_KIND, found.pk, found.name)
    if kind == "m":
        meeting_type = MeetingType.objects.filter(house=house, pk=int(pk)).first()
        if meeting_type is None:
            raise Http404
        return Scope(MEETING_TYPE_KIND, meeting_type.pk, meeting_type.name)
    raise Http404


@dataclass
class Context:
    """One dashboard or report: what is asked, and the cubes computed for it so far (an
    indicator shown twice, or read by another, is computed once)."""

    house: SafetyHouse
    period: GridPeriod
    scope: Scope
    threshold: int
    now: dt.datetime = field(default_factory=timezone.now)
    cubes: dict[tuple[str, int], Cube] = field(default_factory=dict)
    _municipalities: dict[int, tuple[str, bool]] | None = None
    _meeting_types: dict[int, tuple[str, bool]] | None = None
    _organisations: dict[int, str] | None = None

    @property
    def municipalities(self) -> dict[int, tuple[str, bool]]:
        """pk -> (name, active) of every municipality of the house, active or not."""
        if self._municipalities is None:
            self._municipalities = {
                pk: (name, active)
                for pk, name, active in Organisation.objects.filter(house=self.house, sector=Sector.MUNICIPALITY)
                .order_by("name", "pk")
                .values_list("pk", "name", "is_active")
            }
        return self._municipalities

    @property
    def meeting_types(self) -> dict[int, tuple[str, bool]]:
        if self._meeting_types is None:
            self._meeting_types = {
                pk: (name, active)
                for pk, name, active in MeetingType.objects.filter(house=self.house)
                .order_by("name", "pk")
                .values_list("pk", "name", "is_active")
            }
        return self._meeting_types

    @property
    def organisations(self) -> dict[int, str]:
        """Every organisation of the house, those that left included: they keep their past."""
        if self._organisations is None:
            self._organisations = dict(
                Organisation.objects.filter(house=self.house).order_by("name", "pk").values_list("pk", "name")
            )
        return self._organisations

    def at(self, period: GridPeriod) -> Context:
        """The same dashboard for another period (the annual report's earlier years), sharing
        the cubes already computed."""
        return Context(
            house=self.house,
            period=period,
            scope=self.scope,
            threshold=self.threshold,
            now=self.now,
            cubes=self.cubes,
            _municipalities=self._municipalities,
            _meeting_types=self._meeting_types,
            _organisations=self._organisations,
        )

    def within(self, scope: Scope) -> Context:
        return Context(
            house=self.house,
            period=self.period,
            scope=scope,
            threshold=self.threshold,
            now=self.now,
            cubes=self.cubes,
            _municipalities=self._municipalities,
            _meeting_types=self._meeting_types,
            _organisations=self._organisations,
        )


@dataclass(frozen=True)
class ChartSpec:
    """A bar chart of one table: its rows as bars, one column's cells as heights."""

    table: str
    column: int = 0
    axis_title: str = ""


@dataclass
class Result:
    """What one computed indicator publishes for a context: its headline figure (compared with
    the target), its tables, the chart to draw, and notes (definitions that bite here)."""

    key: str
    headline: Figure | None
    tables: list[Table] = field(default_factory=list)
    chart: ChartSpec | None = None
    notes: list[str] = field(default_factory=list)
    drillable: bool = False

    def table(self, key: str) -> Table:
        return next(table for table in self.tables if table.key == key)


class Computation(Protocol):
    key: str
    # Computations whose cells can be drilled into list cases (`drill`).
    drillable: bool

    def compute(self, ctx: Context) -> Result: ...


_REGISTRY: dict[str, Computation] = {}


def register(computation: Any) -> Computation:
    """Register a computation (anything with a `key` and `compute(ctx)`) under its key; a
    counting indicator is also a drill source."""
    if computation.key in _REGISTRY and _REGISTRY[computation.key] is not computation:
        raise ValueError(f"computation {computation.key!r} registered twice")
    _REGISTRY[computation.key] = cast(Computation, computation)
    from casustafel.reporting.indicators.counts import CountIndicator, register_source

    if isinstance(computation, CountIndicator):
        register_source(computation)
    return computation


def computation(key: str) -> Computation:
    return _REGISTRY[key]


def computations() -> dict[str, Computation]:
    return dict(_REGISTRY)


def not_computable(key: str, label: str, reason: str) -> Figure:
    return Figure(key=key, label=label, display=reason, export_value=reason)


def hidden_text() -> str:
    return _("afgeschermd")
