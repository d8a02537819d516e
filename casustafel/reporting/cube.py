"""The published counts of one indicator over one calendar year, as a cube of cells, and their
joint suppression.

A cell is (category, scope, period):
- *category*: a row of the indicator's tables ("top_x", or "*" for the total); an indicator may
  roll a row up into several (an agreement "on time" of organisation 12 is in the row
  ("on_time", 12) of the per-organisation table and in "on_time" of the outcome table);
- *scope*: the whole house ("h"), one municipality ("g:12", "g:-" not filled in) or one meeting
  type ("m:3", "m:-"), the three kinds of dashboard;
- *period*: the year, its quarters and its months (`grid.GridPeriod.key`).

Every cell that any dashboard, report or export publishes is in the cube, and so is every
equation between them (categories add up to their total, municipalities and meeting types to
the house, months to their quarter and quarters to the year): `linked.suppress_linked` protects
them together. Counts of distinct things (cases discussed in a quarter are not the sum of its
months) and snapshots (active at the end of a period) are not additive in time; their periods
are counted separately and only the other equations hold.

The cube is built from the grouped rows of one to three queries; nothing here reads a record.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from casustafel.reporting.grid import Grain, GridPeriod
from casustafel.reporting.linked import Group, suppress_linked
from casustafel.reporting.suppression import Cell, CellState, hidden_cell, visible_cell

TOTAL = "*"
HOUSE = "h"
UNKNOWN = "-"
CategoryKey = str | tuple[str, ...]


class TimeMode(enum.Enum):
    ADDITIVE = "additive"  # events: a quarter is the sum of its months
    DISTINCT = "distinct"  # distinct things per period: each grain counted on its own
    SPANNING = "spanning"  # things that last (cases active at some moment): each grain on its own
    SNAPSHOT = "snapshot"  # a state at the end of the period: a quarter is its last month


def municipality_scope(pk: int | None) -> str:
    return f"g:{UNKNOWN if pk is None else pk}"


def meeting_type_scope(pk: int | None) -> str:
    return f"m:{UNKNOWN if pk is None else pk}"


@dataclass(frozen=True)
class CategoryGroup:
    members: tuple[CategoryKey, ...]
    total: CategoryKey


@dataclass(frozen=True)
class Row:
    """One grouped row of a query: the finest category, municipality, meeting type, period."""

    category: CategoryKey
    municipality: int | None
    meeting_type: int | None
    period: str
    n: int


@dataclass
class Cube:
    year: int
    threshold: int
    mode: TimeMode
    category_groups: Sequence[CategoryGroup]
    municipalities: Sequence[int | None]
    meeting_types: Sequence[int | None]
    # Categories published for the whole house only (per-organisation rows): no municipality or
    # meeting type cells, so no equations across scopes for them.
    house_only: frozenset[CategoryKey] = frozenset()
    category_keys: list[CategoryKey] = field(default_factory=list)
    values: dict[tuple[CategoryKey, str, str], int] = field(default_factory=dict)
    states: dict[tuple[CategoryKey, str, str], CellState] = field(default_factory=dict)

    @property
    def periods(self) -> list[GridPeriod]:
        year = GridPeriod.of_year(self.year)
        return [year, *year.quarters(), *year.months()]

    @property
    def scopes(self) -> list[str]:
        return [
            HOUSE,
            *(municipality_scope(pk) for pk in self.municipalities),
            *(meeting_type_scope(pk) for pk in self.meeting_types),
        ]

    @property
    def categories(self) -> list[CategoryKey]:
        return self.category_keys

    def _canonical(self, period: str) -> str:
        """Snapshots: a quarter and a year are the state at the end of their last month."""
        if self.mode is not TimeMode.SNAPSHOT:
            return period
        grid = GridPeriod.parse(period)
        return grid.months()[-1].key

    def cell(self, category: CategoryKey, scope: str, period: GridPeriod | str) -> Cell:
        key = (category, scope, self._canonical(str(period)))
        value = self.values.get(key, 0)
        state = self.states.get(key, CellState.VISIBLE if not 0 < value < self.threshold else CellState.SMALL)
        return visible_cell(value, self.threshold) if state is CellState.VISIBLE else hidden_cell(state, self.threshold)

    def raw(self, category: CategoryKey, scope: str, period: GridPeriod | str) -> int:
        """The unsuppressed count: for derived figures computed before publication (a median
        needs its number of observations), never for display."""
        return self.values.get((category, scope, self._canonical(str(period))), 0)


def build_cube(
    *,
    year: int,
    threshold: int,
    mode: TimeMode,
    rows: Iterable[Row],
    rollup: Mapping[CategoryKey, Sequence[CategoryKey]],
    category_groups: Sequence[CategoryGroup],
    municipalities: Sequence[int | None],
    meeting_types: Sequence[int | None],
    house_only: Iterable[CategoryKey] = (),
    states: Mapping[tuple[CategoryKey, str, str], CellState] | None = None,
) -> Cube:
    """Sum the rows into every published cell and suppress them jointly.

    `rows` carry the finest category; `rollup[finest]` lists every category it counts in
    (itself included, and the total "*"). Rows carry a month key for additive and snapshot
    cubes, and the key of their own grain (month, quarter or year) for distinct cubes. A
    municipality or meeting type outside the given lists counts as not filled in. `states`, when
    given, is the suppression worked out before for exactly these rows.
    """
    cube = Cube(
        year=year,
        threshold=threshold,
        mode=mode,
        category_groups=category_groups,
        # "Not filled in" is always a member: the members add up to the house.
        municipalities=[*(pk for pk in municipalities if pk is not None), None],
        meeting_types=[*(pk for pk in meeting_types if pk is not None), None],
        house_only=frozenset(house_only),
    )
    seen: dict[CategoryKey, None] = {}
    for keys in rollup.values():
        seen.update(dict.fromkeys(keys))
    for group in category_groups:
        seen.update(dict.fromkeys((*group.members, group.total)))
    cube.category_keys = list(seen)
    known_g, known_m = set(cube.municipalities), set(cube.meeting_types)
    values: dict[tuple[CategoryKey, str, str], int] = defaultdict(int)
    for row in rows:
        if not row.n:
            continue
        g = municipality_scope(row.municipality if row.municipality in known_g else None)
        m = meeting_type_scope(row.meeting_type if row.meeting_type in known_m else None)
        periods = _periods_of(row.period, mode)
        for category in rollup[row.category]:
            scopes = (HOUSE,) if category in cube.house_only else (HOUSE, g, m)
            for scope in scopes:
                for period in periods:
                    values[(category, scope, period)] += row.n
    # Every published cell exists, zeros included: zeros take part in the groups.
    cube.values = {
        (category, scope, period): values.get((category, scope, period), 0)
        for category in cube.categories
        for scope in ((HOUSE,) if category in cube.house_only else cube.scopes)
        for period in _stored_periods(cube)
    }
    if states is not None and states.keys() == cube.values.keys():
        cube.states = dict(states)  # worked out before for exactly these rows (a cache)
    else:
        states_found = suppress_linked(cast(Mapping[Hashable, int], cube.values), _groups(cube), threshold)
        cube.states = cast(dict[tuple[CategoryKey, str, str], CellState], states_found)
    return cube


def _periods_of(period: str, mode: TimeMode) -> tuple[str, ...]:
    if mode is not TimeMode.ADDITIVE:
        return (period,)
    month = GridPeriod.parse(period)
    quarter = GridPeriod.of_quarter(month.year, (month.index - 1) // 3 + 1)
    return (month.key, quarter.key, str(month.year))


def _stored_periods(cube: Cube) -> list[str]:
    if cube.mode is TimeMode.SNAPSHOT:
        return [period.key for period in cube.periods if period.grain is Grain.MONTH]
    return [period.key for period in cube.periods]


def _groups(cube: Cube) -> list[Group]:
    groups: list[Group] = []
    periods = _stored_periods(cube)
    municipalities = [municipality_scope(pk) for pk in cube.municipalities]
    meeting_types = [meeting_type_scope(pk) for pk in cube.meeting_types]
    for scope in cube.scopes:
        for group in cube.category_groups:
            if scope != HOUSE and any(key in cube.house_only for key in (*group.members, group.total)):
                continue
            for period in periods:
                groups.append(Group(tuple((c, scope, period) for c in group.members), (group.total, scope, period)))
    for category in cube.categories:
        if category in cube.house_only:
            continue
        for period in periods:
            for members in (municipalities, meeting_types):
                groups.append(Group(tuple((category, s, period) for s in members), (category, HOUSE, period)))
    if cube.mode is TimeMode.ADDITIVE:
        year = GridPeriod.of_year(cube.year)
        for category in cube.categories:
            for scope in (HOUSE,) if category in cube.house_only else cube.scopes:
                groups.append(
                    Group(tuple((category, scope, q.key) for q in year.quarters()), (category, scope, year.key))
                )
                for quarter in year.quarters():
                    groups.append(
                        Group(tuple((category, scope, m.key) for m in quarter.months()), (category, scope, quarter.key))
                    )
    return groups


def flat_rollup(categories: Iterable[CategoryKey]) -> dict[CategoryKey, list[CategoryKey]]:
    """Each category counts in itself and the total."""
    return {category: [category, TOTAL] for category in categories}
