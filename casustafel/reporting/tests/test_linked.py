"""Suppression of linked tables: no hidden small count can be worked out by subtracting nested
periods (a year minus its published quarters, a quarter minus its months) or the other members
of any published group (the other municipalities from the house, the other routes from the
total).

The reader is an integer program (scipy's `milp`), independent of the module's own reasoning.
Along a row of periods the unknowns are the twelve monthly counts of one category in one scope
(never published on their own when hidden); every published cell of that row is a sum of them,
equal to its value when shown, 1..threshold-1 when shown as "< threshold", at least the
threshold when hidden as a secondary cell, anything from zero when withheld. For every hidden
small cell the reader minimises and maximises it over all fillings that fit: the two must
differ. The same for every group on its own. A reader who solves every dashboard at once is
neither asserted nor measured (docs/indicators.md, "Known limits").
"""

from __future__ import annotations

import random

import numpy as np
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from casustafel.reporting.cube import (
    HOUSE,
    TOTAL,
    CategoryGroup,
    Cube,
    Row,
    TimeMode,
    _groups,
    build_cube,
    flat_rollup,
    municipality_scope,
)
from casustafel.reporting.grid import GridPeriod
from casustafel.reporting.linked import Group, group_exposed, suppress_linked
from casustafel.reporting.suppression import CellState

CATEGORIES = ["a", "b", "c"]
MUNICIPALITIES = [1, 2, None]
MEETING_TYPES = [10, 20, None]
MONTHS = [GridPeriod.of_month(2025, m).key for m in range(1, 13)]


def random_rows(rng: random.Random, count: int, months: list[str]) -> list[Row]:
    return [
        Row(
            category=rng.choice(CATEGORIES),
            municipality=rng.choice(MUNICIPALITIES),
            meeting_type=rng.choice(MEETING_TYPES),
            period=rng.choice(months),
            n=rng.choice([1, 1, 1, 2, 2, 3, 4, 6, 9]),
        )
        for _ in range(count)
    ]


def additive_cube(rows: list[Row], threshold: int) -> Cube:
    return build_cube(
        year=2025,
        threshold=threshold,
        mode=TimeMode.ADDITIVE,
        rows=rows,
        rollup=flat_rollup(CATEGORIES),
        category_groups=[CategoryGroup(tuple(CATEGORIES), TOTAL)],
        municipalities=[1, 2],
        meeting_types=[10, 20],
    )


def _ranges(
    variables: int, published: list[tuple[object, list[int], CellState, int]], threshold: int
) -> dict[object, tuple[int, int]]:
    """Smallest and largest value of every published small cell, over all integer fillings of
    `variables` unknowns (at least zero) that fit every published cell: (key, the unknowns it
    sums, its state, its true value)."""
    rows, lower, upper = [], [], []
    for _key, indices, state, value in published:
        rows.append([1 if i in indices else 0 for i in range(variables)])
        if state is CellState.VISIBLE:
            bounds = (value, value)
        elif state is CellState.SMALL:
            bounds = (1, threshold - 1)
        elif state is CellState.SECONDARY:
            bounds = (threshold, np.inf)
        else:
            bounds = (0, np.inf)
        lower.append(bounds[0])
        upper.append(bounds[1])
    constraint = LinearConstraint(np.array(rows), lower, upper)
    found = {}
    for row, (key, _indices, state, _value) in zip(rows, published, strict=True):
        if state is not CellState.SMALL:
            continue
        objective = np.array(row, dtype=float)
        ends = []
        for sign in (1, -1):
            result = milp(
                sign * objective, constraints=constraint, integrality=np.ones(variables), bounds=Bounds(0, np.inf)
            )
            assert result.success, f"what is published is impossible for the reader ({result.message})"
            ends.append(round(sign * result.fun))
        found[key] = (ends[0], ends[1])
    return found


def row_ranges(cube: Cube) -> dict[object, tuple[int, int]]:
    """Per category and scope: the reader knows every published period of that row."""
    rows: dict[tuple[object, str], list[str]] = {}
    for category, scope, period in cube.values:
        rows.setdefault((category, scope), []).append(period)
    found = {}
    for (category, scope), periods in rows.items():
        published = [
            (
                (category, scope, period),
                [MONTHS.index(month.key) for month in GridPeriod.parse(period).months()],
                cube.states[(category, scope, period)],
                cube.values[(category, scope, period)],
            )
            for period in periods
        ]
        found.update(_ranges(12, published, cube.threshold))
    return found


def group_ranges(cube: Cube) -> dict[object, tuple[int, int]]:
    """Per group: the reader knows its members and its total."""
    found = {}
    for group in _groups(cube):
        members = list(group.members)
        published = [(key, [i], cube.states[key], cube.values[key]) for i, key in enumerate(members)]
        published.append((group.total, list(range(len(members))), cube.states[group.total], cube.values[group.total]))
        for key, span in _ranges(len(members), published, cube.threshold).items():
            low, high = found.get(key, (-np.inf, np.inf))
            found[key] = (max(low, span[0]), min(high, span[1]))
    return found


def random_cube(seed: int) -> Cube:
    rng = random.Random(seed)
    threshold = rng.choice([3, 5])
    months = rng.sample(MONTHS, rng.choice([1, 2, 4, 12]))
    return additive_cube(random_rows(rng, rng.randint(3, 40), months), threshold)


@pytest.mark.parametrize("seed", range(30))
def test_no_nested_period_gives_away_a_hidden_small_cell(seed: int) -> None:
    cube = random_cube(seed)
    for cell, value in cube.values.items():
        if 0 < value < cube.threshold:
            assert cube.states[cell] is not CellState.VISIBLE, f"{cell} = {value} is published"
    for cell, (low, high) in row_ranges(cube).items():
        assert low < high, f"{cell} (true value {cube.values[cell]}) can only be {low} (seed {seed})"


@pytest.mark.parametrize("seed", range(30))
def test_no_group_gives_away_a_hidden_small_cell(seed: int) -> None:
    cube = random_cube(seed)
    for cell, (low, high) in group_ranges(cube).items():
        assert low < high, f"{cell} (true value {cube.values[cell]}) can only be {low} (seed {seed})"


def test_a_year_and_three_of_its_quarters_do_not_give_the_fourth() -> None:
    # Top-X referrals of the house: 9, 8, 7 in the first three quarters and 2 in the fourth. The
    # quarters alone would hide only the 2; the year (26) minus 9 + 8 + 7 would give it back.
    rows = [Row("a", 1, 10, month, n) for month, n in [("2025-01", 9), ("2025-04", 8), ("2025-07", 7), ("2025-10", 2)]]
    cube = additive_cube(rows, 5)
    quarters = [cube.cell("a", HOUSE, f"2025-Q{q}") for q in range(1, 5)]
    assert cube.cell("a", HOUSE, "2025").display == "26"
    assert not quarters[3].visible
    assert sum(1 for cell in quarters if not cell.visible) >= 2
    assert low_high_differ(cube)


def test_a_municipality_cannot_be_worked_out_from_the_house_and_the_others() -> None:
    # Field referrals: 12 in municipality 1, 3 in municipality 2, none unknown; the house shows
    # 15, so municipality 1 must be hidden too.
    rows = [Row("a", 1, 10, "2025-02", 12), Row("a", 2, 10, "2025-02", 3)]
    cube = additive_cube(rows, 5)
    assert not cube.cell("a", municipality_scope(2), "2025-02").visible
    assert not cube.cell("a", municipality_scope(1), "2025-02").visible
    assert cube.cell("a", HOUSE, "2025-02").display == "15"
    assert low_high_differ(cube)


def low_high_differ(cube: Cube) -> bool:
    ranges = [*row_ranges(cube).values(), *group_ranges(cube).values()]
    return all(low < high for low, high in ranges)


def test_a_cell_hidden_elsewhere_that_is_alone_in_a_group_takes_a_second_with_it() -> None:
    # Group A: members x, y; x is small. Group B: x', z with x' = y: y hidden in A must not be
    # the only hidden member of B.
    values = {"x": 2, "y": 7, "total_a": 9, "z": 8, "total_b": 15}
    groups = [Group(("x", "y"), "total_a"), Group(("y", "z"), "total_b")]
    states = suppress_linked(values, groups, 5)
    assert states["x"] is CellState.SMALL
    assert states["y"] is not CellState.VISIBLE
    assert states["z"] is not CellState.VISIBLE


def test_one_member_hidden_elsewhere_hides_its_own_total() -> None:
    values = {"x": 2, "y": 7, "total_a": 9, "total_b": 7}
    states = suppress_linked(values, [Group(("x", "y"), "total_a"), Group(("y",), "total_b")], 5)
    assert states["y"] is not CellState.VISIBLE
    assert states["total_b"] is not CellState.VISIBLE


def test_group_exposed_agrees_with_the_single_group_rules() -> None:
    small, secondary, visible = CellState.SMALL, CellState.SECONDARY, CellState.VISIBLE
    assert group_exposed([2, 9], [small, visible], 5)  # total - 9
    assert not group_exposed([2, 9, 6], [small, visible, secondary], 5)
    assert group_exposed([1, 2, 20], [small, small, visible], 5)  # hidden sum 3 < 5
    assert not group_exposed([3, 4, 20], [small, small, visible], 5)
