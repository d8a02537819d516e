"""Counting indicators: a queryset of units (referrals, cases, agreements, invitations...), where
each sits in time, its municipality and meeting type, and its category. One to three grouped
queries fill the year's cube (`reporting/cube.py`); the tables are cut from the cube, so every
cell a page, report or export shows went through the same joint suppression.

Grouped queries only: no unit is ever loaded into Python. The number of queries does not
depend on the number of units.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar, TypeVar

from django.core.cache import cache
from django.db.models import CharField, Count, Expression, F, IntegerField, Q, QuerySet, Value
from django.db.models.functions import TruncMonth, TruncQuarter, TruncYear
from django.db.models.functions.datetime import TruncBase as Trunc
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from casustafel.cases.models import Case
from casustafel.organisations.models import SafetyHouse
from casustafel.reporting.cube import (
    HOUSE,
    TOTAL,
    CategoryGroup,
    CategoryKey,
    Cube,
    Row,
    TimeMode,
    build_cube,
    meeting_type_scope,
    municipality_scope,
)
from casustafel.reporting.grid import Grain, GridPeriod
from casustafel.reporting.indicators.base import Context, Scope
from casustafel.reporting.suppression import Cell
from casustafel.reporting.tables import Row as TableRow
from casustafel.reporting.tables import Table

CountIndicatorT = TypeVar("CountIndicatorT", bound="CountIndicator")

# The cube of a year is a pure function of its grouped rows: kept by their fingerprint, so the
# suppression is worked out once per change of the data (a past year's rows seldom change).
CUBE_CACHE_SECONDS = 6 * 3600


def _month_key(value: Any) -> str:
    """A truncated date or datetime (database answer) as its grid key."""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{value.year}-{value.month:02d}"


def _grain_key(value: Any, grain: Grain) -> str:
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    if grain is Grain.YEAR:
        return str(value.year)
    if grain is Grain.QUARTER:
        return f"{value.year}-Q{(value.month - 1) // 3 + 1}"
    return f"{value.year}-{value.month:02d}"


class CountIndicator:
    """A counting indicator. Subclasses name the units and how to place and classify them."""

    key: str
    mode: ClassVar[TimeMode] = TimeMode.ADDITIVE
    drillable: ClassVar[bool] = False
    # The finest categories in table order, with their labels.
    categories: ClassVar[Sequence[tuple[str, Promise | str]]] = ()
    # Paths from a unit to its municipality id, meeting type id and (for drill-down) case id.
    g_field: ClassVar[str] = "municipality_id"
    m_field: ClassVar[str] = "meeting_type_id"
    case_field: ClassVar[str] = ""
    # Where a unit sits in time (additive and distinct) and whether that field is a date.
    when: ClassVar[str] = ""
    when_is_date: ClassVar[bool] = False
    # Distinct counts count this field once per period (a case discussed twice in a month).
    distinct_field: ClassVar[str] = "pk"
    # Categories that get a per-organisation table (house only): the unit's organisation path.
    organisation_field: ClassVar[str] = ""
    organisation_categories: ClassVar[Sequence[str]] = ()
    # Several ways to classify the same units (phase at entry, phase at closure, safety
    # change of the cases closed): one cube, one group per classification, one shared total.
    # Their published categories are "name=value".
    classifications: ClassVar[Sequence[tuple[str, Sequence[tuple[str, Promise | str]]]]] = ()

    def classify(self, name: str, trunc: type[Trunc] | None = None) -> Expression | F:
        """The value of classification `name` of a unit, as a database expression."""
        raise NotImplementedError

    # --- what subclasses provide ---------------------------------------------------------

    def units(self, house: SafetyHouse) -> QuerySet[Any]:
        raise NotImplementedError

    def category(self, trunc: type[Trunc] | None = None) -> Expression | F:
        """The finest category of a unit, as a database expression. Distinct counts pass the
        truncation of their period (`bucket`), for categories that depend on the period."""
        raise NotImplementedError

    def at_moment(self, moment: dt.datetime) -> Q:
        """Snapshots: the units counted at `moment`."""
        raise NotImplementedError

    def during(self, period: GridPeriod) -> Q:
        """Spanning counts: the units counted in `period` (active at some moment of it)."""
        raise NotImplementedError

    # --- the cube ------------------------------------------------------------------------

    def _annotated(self, house: SafetyHouse, trunc: type[Trunc] | None = None) -> QuerySet[Any]:
        units = self.units(house)
        if trunc is not None:
            units = units.annotate(bucket=trunc(self.when))
        annotations: dict[str, Any] = {"g": F(self.g_field), "m": F(self.m_field)}
        if self.classifications:
            for name, _categories in self.classifications:
                annotations[f"cat_{name}"] = self.classify(name, trunc)
            annotations["cat"] = Value(None, output_field=CharField())
        else:
            annotations["cat"] = self.category(trunc)
        annotations["org"] = (
            F(self.organisation_field) if self.organisation_field else Value(None, output_field=IntegerField())
        )
        return units.annotate(**annotations).order_by()

    def _fields(self) -> list[str]:
        return [*(f"cat_{name}" for name, _c in self.classifications), "cat", "g", "m", "org"]

    def _range(self, year: int) -> Q:
        period = GridPeriod.of_year(year)
        if self.when_is_date:
            return Q(**{f"{self.when}__gte": period.start, f"{self.when}__lte": period.end})
        return Q(**{f"{self.when}__gte": period.starts_at, f"{self.when}__lt": period.ends_at})

    def rows(self, house: SafetyHouse, year: int) -> list[Row]:
        """The grouped rows of the year: one query (additive, snapshot, spanning) or three
        (distinct: one per grain)."""
        if self.mode is TimeMode.ADDITIVE:
            query = (
                self._annotated(house, TruncMonth)
                .filter(self._range(year))
                .values(*self._fields(), "bucket")
                .annotate(n=Count("pk"))
            )
            return [self._row(r, _month_key(r["bucket"])) for r in query]
        if self.mode is TimeMode.DISTINCT:
            found: list[Row] = []
            for grain, trunc in ((Grain.MONTH, TruncMonth), (Grain.QUARTER, TruncQuarter), (Grain.YEAR, TruncYear)):
                query = (
                    self._annotated(house, trunc)
                    .filter(self._range(year))
                    .values(*self._fields(), "bucket")
                    .annotate(n=Count(self.distinct_field, distinct=True))
                )
                found.extend(self._row(r, _grain_key(r["bucket"], grain)) for r in query)
            return found
        year_period = GridPeriod.of_year(year)
        if self.mode is TimeMode.SPANNING:
            periods = [year_period, *year_period.quarters(), *year_period.months()]
            counts = {f"n{index}": Count("pk", filter=self.during(p)) for index, p in enumerate(periods)}
        else:
            periods = year_period.months()
            counts = {f"n{index}": Count("pk", filter=self.at_moment(p.ends_at)) for index, p in enumerate(periods)}
        query = self._annotated(house).values(*self._fields()).annotate(**counts)
        return [self._row(r, p.key, n=r[f"n{index}"]) for r in query for index, p in enumerate(periods)]

    def _row(self, row: dict[str, Any], period: str, *, n: int | None = None) -> Row:
        category: CategoryKey
        if self.classifications:
            category = tuple(str(row[f"cat_{name}"]) for name, _c in self.classifications)
        elif self.organisation_field:
            category = (row["cat"], str(row["org"]))
        else:
            category = row["cat"]
        return Row(category, row["g"], row["m"], period, row["n"] if n is None else n)

    def _structure(
        self, rows: Sequence[Row]
    ) -> tuple[dict[CategoryKey, list[CategoryKey]], list[CategoryGroup], set[CategoryKey]]:
        if self.classifications:
            return self._classified_structure(rows)
        names = [key for key, _label in self.categories]
        if not names:  # one figure, no breakdown
            return {TOTAL: [TOTAL]}, [], set()
        if not self.organisation_field:
            rollup: dict[CategoryKey, list[CategoryKey]] = {key: [key, TOTAL] for key in names}
            return rollup, [CategoryGroup(tuple(names), TOTAL)], set()
        organisations = sorted({row.category[1] for row in rows if isinstance(row.category, tuple)})
        rollup = {}
        house_only: set[CategoryKey] = set()
        for name in names:
            for organisation in organisations:
                finest = (name, organisation)
                rollup[finest] = [name, TOTAL]
                if name in self.organisation_categories:
                    rollup[finest].insert(0, finest)
                    house_only.add(finest)
        groups = [CategoryGroup(tuple(names), TOTAL)]
        for name in self.organisation_categories:
            groups.append(CategoryGroup(tuple((name, organisation) for organisation in organisations), name))
        return rollup, groups, house_only

    def _classified_structure(
        self, rows: Sequence[Row]
    ) -> tuple[dict[CategoryKey, list[CategoryKey]], list[CategoryGroup], set[CategoryKey]]:
        known = [{value for value, _label in categories} for _name, categories in self.classifications]
        rollup: dict[CategoryKey, list[CategoryKey]] = {}
        for row in rows:
            finest = row.category
            if isinstance(finest, tuple) and all(v in k for v, k in zip(finest, known, strict=True)):
                rollup[finest] = [
                    *(f"{name}={value}" for (name, _c), value in zip(self.classifications, finest, strict=True)),
                    TOTAL,
                ]
        groups = [
            CategoryGroup(tuple(f"{name}={value}" for value, _label in categories), TOTAL)
            for name, categories in self.classifications
        ]
        return rollup, groups, set()

    def cube(self, ctx: Context, year: int | None = None) -> Cube:
        year = ctx.period.year if year is None else year
        found = ctx.cubes.get((self.key, year))
        if found is not None:
            return found
        rows = self.rows(ctx.house, year)
        rollup, groups, house_only = self._structure(rows)
        # Rows whose category the indicator does not publish (a status outside its list) or
        # that are known to be outside its rollup are left out.
        rows = [row for row in rows if row.category in rollup]
        fingerprint = hashlib.sha256(
            repr(
                (
                    self.key,
                    self.mode.value,
                    year,
                    ctx.threshold,
                    sorted(ctx.municipalities),
                    sorted(ctx.meeting_types),
                    sorted((repr(r.category), r.municipality or 0, r.meeting_type or 0, r.period, r.n) for r in rows),
                )
            ).encode()
        ).hexdigest()
        cache_key = f"reporting-cube:{fingerprint}"
        states = cache.get(cache_key)
        cube = build_cube(
            year=year,
            threshold=ctx.threshold,
            mode=self.mode,
            rows=rows,
            rollup=rollup,
            category_groups=groups,
            municipalities=list(ctx.municipalities),
            meeting_types=list(ctx.meeting_types),
            house_only=house_only,
            states=states,
        )
        if states is None:
            cache.set(cache_key, cube.states, CUBE_CACHE_SECONDS)
        ctx.cubes[(self.key, year)] = cube
        return cube

    # --- tables --------------------------------------------------------------------------

    def labels(self) -> dict[CategoryKey, str]:
        if self.classifications:
            return {
                f"{name}={value}": str(label)
                for name, categories in self.classifications
                for value, label in categories
            }
        return {key: str(label) for key, label in self.categories}

    def cell(self, ctx: Context, category: CategoryKey = TOTAL, scope: Scope | None = None) -> Cell:
        return self.cube(ctx).cell(category, (scope or ctx.scope).key, ctx.period)

    def category_table(
        self,
        ctx: Context,
        *,
        title: str,
        description: str,
        row_header: str,
        column: str,
        classification: str = "",
    ) -> Table:
        cube = self.cube(ctx)
        scope = ctx.scope.key
        prefix = f"{classification}=" if classification else ""
        rows = [
            self._table_row(ctx, label, [cube.cell(key, scope, ctx.period)], [key])
            for key, label in self.labels().items()
            if isinstance(key, str) and key.startswith(prefix)
        ]
        return Table(
            drill_source=self.key if self.drillable else "",
            key=f"{self.key}-{classification or 'categories'}",
            title=title,
            description=description,
            row_header=row_header,
            columns=[column],
            rows=rows,
            total=self._table_row(ctx, _("Totaal"), [cube.cell(TOTAL, scope, ctx.period)], [TOTAL]),
        )

    def scope_table(
        self,
        ctx: Context,
        *,
        kind: str,
        title: str,
        description: str,
        columns: Sequence[tuple[CategoryKey, str]] = ((TOTAL, ""),),
    ) -> Table:
        """Per municipality (`kind` "g") or meeting type ("m"), at the house scope: each column a
        category, adding up to the house."""
        cube = self.cube(ctx)
        if kind == "g":
            members = ctx.municipalities
            scope_of = municipality_scope
            header, unknown = _("Woongemeente"), _("Niet ingevuld")
        else:
            members = ctx.meeting_types
            scope_of = meeting_type_scope
            header, unknown = _("Overlegtype"), _("Onbekend")
        rows = []
        for pk, (name, active) in members.items():
            cells = [cube.cell(category, scope_of(pk), ctx.period) for category, _label in columns]
            if active or any(not cell.visible or cell.value for cell in cells):
                rows.append(self._table_row(ctx, name, cells, [category for category, _label in columns], scope_of(pk)))
        unknown_cells = [cube.cell(category, scope_of(None), ctx.period) for category, _label in columns]
        if any(not cell.visible or cell.value for cell in unknown_cells):
            rows.append(self._table_row(ctx, unknown, unknown_cells, [c for c, _l in columns], scope_of(None)))
        return Table(
            drill_source=self.key if self.drillable else "",
            key=f"{self.key}-{'municipalities' if kind == 'g' else 'meeting-types'}",
            title=title,
            description=description,
            row_header=header,
            columns=[label or _("Aantal") for _category, label in columns],
            rows=rows,
            total=self._table_row(
                ctx,
                _("Totaal"),
                [cube.cell(category, HOUSE, ctx.period) for category, _label in columns],
                [c for c, _l in columns],
                HOUSE,
            ),
        )

    def month_table(self, ctx: Context, *, title: str, description: str) -> Table | None:
        """The months of the period (None for a month): the time series the chart draws."""
        if ctx.period.grain is Grain.MONTH:
            return None
        cube = self.cube(ctx)
        scope = ctx.scope.key
        rows = [TableRow(label=month.label, cells=[cube.cell(TOTAL, scope, month)]) for month in ctx.period.months()]
        return Table(
            key=f"{self.key}-months",
            title=title,
            description=description,
            row_header=_("Maand"),
            columns=[_("Aantal")],
            rows=rows,
            total=TableRow(label=_("Totaal"), cells=[cube.cell(TOTAL, scope, ctx.period)]),
        )

    def organisation_table(self, ctx: Context, *, title: str, description: str) -> Table | None:
        """Per organisation (those that left the house included), house scope only."""
        if not self.organisation_field or not ctx.scope.is_house:
            return None
        cube = self.cube(ctx)
        labels = self.labels()
        present = sorted(
            {key[1] for key in cube.categories if isinstance(key, tuple)},
            key=lambda pk: ctx.organisations.get(int(pk), ""),
        )
        rows = []
        for organisation in present:
            cells = [cube.cell((name, organisation), HOUSE, ctx.period) for name in self.organisation_categories]
            if any(not cell.visible or cell.value for cell in cells):
                rows.append(TableRow(label=ctx.organisations.get(int(organisation), "?"), cells=cells))
        return Table(
            key=f"{self.key}-organisations",
            title=title,
            description=description,
            row_header=_("Organisatie"),
            columns=[labels[name] for name in self.organisation_categories],
            rows=rows,
            total=TableRow(
                label=_("Totaal"), cells=[cube.cell(name, HOUSE, ctx.period) for name in self.organisation_categories]
            ),
        )

    def _table_row(
        self, ctx: Context, label: str, cells: list[Cell], categories: Sequence[CategoryKey], scope: str | None = None
    ) -> TableRow:
        drill = [
            self.drill_key(category, scope or ctx.scope.key) if self.drillable and cell.visible and cell.value else None
            for cell, category in zip(cells, categories, strict=True)
        ]
        return TableRow(label=label, cells=cells, drill=drill)

    @staticmethod
    def drill_key(category: CategoryKey, scope: str) -> str:
        name = category if isinstance(category, str) else category[0]
        return f"{scope}|{name}"

    # --- drill-down ----------------------------------------------------------------------

    def drill_cases(self, house: SafetyHouse, period: GridPeriod, scope: Scope, category: str) -> QuerySet[Case]:
        """The cases behind one published cell, before the viewer's own scope is applied."""
        if not self.drillable:
            raise ValueError(f"{self.key} cannot be drilled into")
        trunc = {Grain.MONTH: TruncMonth, Grain.QUARTER: TruncQuarter, Grain.YEAR: TruncYear}[period.grain]
        units = self._annotated(house, trunc if self.mode is TimeMode.DISTINCT else None)
        units = units.filter(scope.filter(self.g_field, self.m_field))
        if category != TOTAL:
            name, sep, value = category.partition("=")
            units = (
                units.filter(**{f"cat_{name}": value}) if sep and self.classifications else units.filter(cat=category)
            )
        if self.mode is TimeMode.SNAPSHOT:
            units = units.filter(self.at_moment(period.ends_at))
        elif self.mode is TimeMode.SPANNING:
            units = units.filter(self.during(period))
        elif self.when_is_date:
            units = units.filter(**{f"{self.when}__gte": period.start, f"{self.when}__lte": period.end})
        else:
            units = units.filter(**{f"{self.when}__gte": period.starts_at, f"{self.when}__lt": period.ends_at})
        return Case.objects.filter(pk__in=units.values(self.case_field))


_SOURCES: dict[str, CountIndicator] = {}


def register_source(indicator: CountIndicatorT) -> CountIndicatorT:
    """Make a counting indicator known by its key (`count_indicator`; `drill_source` when its
    cells may be drilled into)."""
    _SOURCES[indicator.key] = indicator
    return indicator


def count_indicator(key: str) -> CountIndicator:
    """A counting indicator by its key, drillable or not."""
    return _SOURCES[key]


def drill_source(key: str) -> CountIndicator:
    found = _SOURCES.get(key)
    if found is None or not found.drillable:
        raise KeyError(key)
    return found


def iter_labels(pairs: Iterable[tuple[str, Promise | str]]) -> list[str]:
    return [str(label) for _key, label in pairs]
