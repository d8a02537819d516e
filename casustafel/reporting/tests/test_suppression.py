"""Small-count suppression: no published cell is a small count, and no hidden small count can
be worked out from the published cells and the total.

The reader is modelled by brute force, independently of the module's own interval reasoning:
every way to fill the hidden cells that fits the published numbers and the meaning of each
marker is listed, and each hidden small cell must be able to hold more than one value."""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Sequence

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casustafel.reporting.suppression import CellState, SuppressedGroup, suppress_count, suppress_group

THRESHOLDS = st.sampled_from([3, 5, 10])
BIG_GROUPS = st.lists(st.integers(min_value=0, max_value=60), min_size=1, max_size=14)
SMALL_GROUPS = st.lists(st.integers(min_value=0, max_value=12), min_size=1, max_size=4)


def exported_numbers(group: SuppressedGroup) -> list[int]:
    values = [cell.export_value for cell in [*group.members, group.total]]
    return [value for value in values if isinstance(value, int)]


def _compositions(total: int, parts: int) -> Iterator[tuple[int, ...]]:
    if parts == 0:
        if total == 0:
            yield ()
        return
    for first in range(total + 1):
        for rest in _compositions(total - first, parts - 1):
            yield (first, *rest)


def readings(group: SuppressedGroup, threshold: int) -> list[tuple[int, ...]]:
    """Every group that fits what `group` publishes, for a reader who knows the markers."""
    members = group.members
    hidden = [i for i, cell in enumerate(members) if not cell.visible]
    visible_sum = sum(cell.value or 0 for cell in members if cell.visible)
    visible_nonzero = [cell.value for cell in members if cell.visible and cell.value]
    if group.total.visible:
        assert group.total.value is not None
        totals = [group.total.value]
    else:  # "< threshold"
        totals = list(range(1, threshold))

    def fits(i: int, value: int, total: int) -> bool:
        state = members[i].state
        if state is CellState.SMALL:
            return 0 < value < threshold
        if state is CellState.SECONDARY:
            return threshold <= value <= min(visible_nonzero, default=total)
        return True  # withheld: anything from zero up

    found = []
    for total in totals:
        for parts in _compositions(total - visible_sum, len(hidden)) if total >= visible_sum else []:
            if all(fits(i, value, total) for i, value in zip(hidden, parts, strict=True)):
                guess = [cell.value for cell in members]
                for i, value in zip(hidden, parts, strict=True):
                    guess[i] = value
                found.append(tuple(int(value or 0) for value in guess))
    return found


def assert_protected(values: Sequence[int], threshold: int) -> None:
    group = suppress_group(values, threshold=threshold)
    alike = readings(group, threshold)
    assert tuple(values) in alike, "the reader's model must admit the truth"
    for i, value in enumerate(values):
        if 0 < value < threshold:
            assert not group.members[i].visible
            possible = {guess[i] for guess in alike}
            assert len(possible) > 1, f"cell {i} of {list(values)} can only be {possible} (threshold {threshold})"
    if group.total.state is CellState.SMALL:
        assert len({sum(guess) for guess in alike}) > 1, f"the total of {list(values)} can be worked out"


@settings(max_examples=300, deadline=None)
@given(BIG_GROUPS, THRESHOLDS)
def test_no_exported_cell_is_a_small_count(values: list[int], threshold: int) -> None:
    group = suppress_group(values, threshold=threshold)
    assert all(not 0 < number < threshold for number in exported_numbers(group))
    assert all(cell.value is None for cell in [*group.members, group.total] if not cell.visible)


@settings(max_examples=300, deadline=None)
@given(SMALL_GROUPS, st.sampled_from([3, 5]))
def test_no_hidden_small_count_can_be_worked_out_from_the_total(values: list[int], threshold: int) -> None:
    assert_protected(values, threshold)


@settings(max_examples=300, deadline=None)
@given(BIG_GROUPS, THRESHOLDS)
def test_total_minus_visible_cells_never_isolates_a_hidden_cell(values: list[int], threshold: int) -> None:
    group = suppress_group(values, threshold=threshold)
    hidden = [i for i, cell in enumerate(group.members) if not cell.visible]
    if group.total.visible and hidden:
        # What the total leaves is spread over at least two cells and is no small count itself.
        assert len(hidden) >= 2
        assert sum(values[i] for i in hidden) >= threshold


@pytest.mark.parametrize("threshold", [3, 5])
@pytest.mark.parametrize("cells", [1, 2, 3])
def test_every_small_group_is_protected(cells: int, threshold: int) -> None:
    for values in itertools.product(range(0, 11), repeat=cells):
        assert_protected(values, threshold)


def test_one_small_cell_takes_the_next_smallest_with_it() -> None:
    group = suppress_group([3, 10, 12, 0], threshold=5)
    assert [cell.display for cell in group.members] == ["< 5", "afgeschermd", "12", "0"]
    assert group.total.display == "25"


def test_two_small_cells_that_add_up_to_a_small_count_take_another() -> None:
    group = suppress_group([1, 2, 9, 30], threshold=5)
    assert [cell.export_value for cell in group.members] == ["< 5", "< 5", "afgeschermd", 30]


def test_small_total_withholds_the_whole_group() -> None:
    # Four hidden cells of at least 1 under a total below 5 would all be 1; zeros would say where.
    group = suppress_group([1, 1, 1, 1, 0], threshold=5)
    assert group.withheld
    assert {cell.state for cell in group.members} == {CellState.WITHHELD}
    assert group.total.display == "< 5"


def test_group_without_anything_left_to_hide_is_withheld() -> None:
    # 1 and 5 of 6: hiding both still leaves "the small one is at most 6 - 5 = 1".
    group = suppress_group([1, 5, 0], threshold=5)
    assert group.withheld
    assert [cell.export_value for cell in group.members] == ["afgeschermd"] * 3
    assert group.total.export_value == 6


def test_empty_group_publishes_its_zeros() -> None:
    group = suppress_group([0, 0], threshold=5)
    assert not group.withheld
    assert [cell.export_value for cell in [*group.members, group.total]] == [0, 0, 0]


def test_large_counts_stay_visible() -> None:
    group = suppress_group([5, 17, 0], threshold=5)
    assert [cell.export_value for cell in group.members] == [5, 17, 0]
    assert group.total.export_value == 22


def test_single_count() -> None:
    assert suppress_count(4, threshold=5).display == "< 5"
    assert suppress_count(0, threshold=5).export_value == 0
    assert suppress_count(5, threshold=5).export_value == 5


def test_threshold_below_three_is_refused() -> None:
    with pytest.raises(ValueError):
        suppress_group([1, 2], threshold=2)
