"""Small-count suppression of linked tables: cells that belong to several groups at once.

One count is published in many places. "Top-X referrals of Gemeente Aland in March 2025" is a
member of the entry routes of Aland in March (adding up to Aland's March total), of the
municipalities' Top-X referrals in March (adding up to the house's), and of Aland's Top-X months
of the first quarter (adding up to the quarter, whose quarters add up to the year). Protecting
each table on its own is not enough: the year minus three published quarters gives the fourth.

`suppress_linked` works in three steps:

1. **Every group on its own** with the rules of `suppression.py`: primary suppression of
   1..threshold-1; secondary suppression while a hidden small cell, a small sum of hidden cells
   or a single hidden cell can be worked out from the group's total; a group that cannot be
   protected is withheld. Two strictnesses for linked tables: a group is checked as if its
   total were published even where it is hidden (a reader may learn it elsewhere), and a
   hidden total whose members are all published is not hidden at all, so a member goes too.
2. **Propagation**: every cell hidden in one group is hidden in every group that holds it, and
   those groups are checked again, until nothing changes: the modular method statistical
   offices use for hierarchical tables (tau-ARGUS "HiTaS", Statistics Netherlands).
3. **Audit across groups**: a reader who knows what every marker means ("< 5" is 1..4, a
   secondary cell at least 5, a withheld cell at least 0) narrows those ranges through every
   equation at once, round after round, until nothing narrows further. A hidden small cell
   narrowed to one value gets its nearest published neighbour hidden as well, and steps 2 and
   3 repeat.

What is proven by the tests (`reporting/tests/test_linked.py`, an integer program plays the
reader): along any one row of periods (a year, its quarters and months) and across any one
group, no hidden small cell can be pinned. What is not proven: a reader who solves the whole
system of every dashboard at once as an integer program can, in rare configurations, still pin
a cell the interval audit lets through; how rare is not measured (docs/indicators.md).
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass

from casustafel.reporting.suppression import CellState

Key = Hashable


@dataclass(frozen=True)
class Group:
    """Cells `members` adding up to the cell `total`."""

    members: tuple[Key, ...]
    total: Key


def _is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def _bounds(state: CellState, secondary_high: float, threshold: int) -> tuple[float, float]:
    if state is CellState.SMALL:
        return 1, threshold - 1
    if state is CellState.SECONDARY:
        return threshold, secondary_high
    return 0, math.inf  # withheld: anything from zero up


def group_exposed(values: Sequence[int], states: Sequence[CellState], threshold: int) -> bool:
    """Whether a reader who knows the group's total and its visible members can pin down a
    hidden small member, a small sum of hidden members, or the one hidden member."""
    hidden = [i for i, state in enumerate(states) if state is not CellState.VISIBLE]
    if not hidden:
        return False
    if len(hidden) == 1:
        return True
    hidden_sum = sum(values[i] for i in hidden)
    if hidden_sum < threshold and any(states[i] is not CellState.WITHHELD for i in hidden):
        return True
    visible_nonzero = [v for v, state in zip(values, states, strict=True) if state is CellState.VISIBLE and v > 0]
    # A secondary cell was the smallest visible one when it was taken: a reader bounds it by the
    # smallest cell still visible (strict: the cell may have been taken in another group).
    secondary_high = min(visible_nonzero) if visible_nonzero else math.inf
    bounds = [_bounds(states[i], secondary_high, threshold) for i in hidden]
    low_sum = sum(low for low, _high in bounds)
    high_sum = sum(high for _low, high in bounds)
    for position, i in enumerate(hidden):
        if states[i] is not CellState.SMALL:
            continue
        low_i, high_i = bounds[position]
        lower = max(low_i, hidden_sum - (high_sum - high_i))
        upper = min(high_i, hidden_sum - (low_sum - low_i))
        if lower >= upper:
            return True
    return False


def suppress_linked(values: Mapping[Key, int], groups: Sequence[Group], threshold: int) -> dict[Key, CellState]:
    """The state of every cell of `values` after protecting every group, propagating, and
    auditing the whole: see the module docstring.

    Every cell a group names must be in `values`; the groups must be consistent
    (each total the sum of its members), which the caller guarantees by building all cells from
    the same rows.
    """
    if threshold < 3:
        raise ValueError("threshold must be at least 3: '< 2' would reveal the value 1")
    states: dict[Key, CellState] = {
        key: CellState.SMALL if _is_small(value, threshold) else CellState.VISIBLE for key, value in values.items()
    }
    holding: dict[Key, list[int]] = {}
    for index, group in enumerate(groups):
        for key in (*group.members, group.total):
            holding.setdefault(key, []).append(index)
    audit = Audit(groups)
    _settle(groups, values, states, holding, list(range(len(groups))), threshold)
    while True:
        pinned = audit.pinned(values, states, threshold)
        if not pinned:
            return states
        changed: list[Key] = []
        for key in pinned:
            hidden = _hide_beside(key, groups, values, states, holding)
            # Nothing published is left near it: the markers themselves pin it ("< 5" says at
            # least 1). Its groups' hidden cells lose their markers (withheld: anything from 0).
            changed.extend([hidden] if hidden is not None else _withhold_around(key, groups, states, holding))
        _settle(groups, values, states, holding, sorted({i for key in changed for i in holding[key]}), threshold)


def _settle(
    groups: Sequence[Group],
    values: Mapping[Key, int],
    states: dict[Key, CellState],
    holding: Mapping[Key, list[int]],
    pending: list[int],
    threshold: int,
) -> None:
    """Protect the pending groups, and every group a change touches, until nothing changes."""
    queued = set(pending)
    while pending:
        index = pending.pop()
        queued.discard(index)
        for key in _protect(groups[index], values, states, threshold):
            for other in holding[key]:
                if other not in queued:
                    queued.add(other)
                    pending.append(other)


class Audit:
    """The reader's reasoning over every equation between published cells at once."""

    def __init__(self, groups: Sequence[Group]) -> None:
        self.groups = groups
        self.holding: dict[Key, list[int]] = {}
        for index, group in enumerate(self.groups):
            for key in (*group.members, group.total):
                self.holding.setdefault(key, []).append(index)

    def pinned(self, values: Mapping[Key, int], states: Mapping[Key, CellState], threshold: int) -> list[Key]:
        """Hidden small cells a reader can pin to one value: the bounds every marker gives ("< 5"
        is 1..4, a secondary cell at least 5, a withheld cell at least 0) narrowed
        through every equation, over and over, until nothing narrows further."""
        bounds = {key: _marker_bounds(states[key], values[key], threshold) for key in values}
        # A group whose cells are all published is settled: it cannot narrow anything.
        pending = [
            index
            for index, group in enumerate(self.groups)
            if any(bounds[key][0] != bounds[key][1] for key in (*group.members, group.total))
        ]
        queued = set(pending)
        while pending:
            index = pending.pop()
            queued.discard(index)
            for key in _narrow(self.groups[index], bounds):
                for other in self.holding[key]:
                    if other not in queued:
                        queued.add(other)
                        pending.append(other)
        # Any hidden cell holding a small count, whatever its marker, must keep two possible values.
        return [
            key
            for key, state in states.items()
            if state is not CellState.VISIBLE
            and _is_small(values[key], threshold)
            and bounds[key][1] != math.inf
            and math.floor(bounds[key][1]) <= math.ceil(bounds[key][0])
        ]


def _marker_bounds(state: CellState, value: int, threshold: int) -> tuple[float, float]:
    if state is CellState.VISIBLE:
        return value, value
    return _bounds(state, math.inf, threshold)


def _narrow(group: Group, bounds: dict[Key, tuple[float, float]]) -> list[Key]:
    """One round of interval reasoning over `total = sum(members)`; the cells it narrowed."""
    lows = [bounds[key][0] for key in group.members]
    highs = [bounds[key][1] for key in group.members]
    low_sum = sum(lows)
    finite_high = sum(high for high in highs if high != math.inf)
    unbounded = sum(1 for high in highs if high == math.inf)
    changed = []
    total_low, total_high = bounds[group.total]
    narrowed = (max(total_low, low_sum), min(total_high, finite_high if not unbounded else math.inf))
    if narrowed != (total_low, total_high):
        bounds[group.total] = narrowed
        changed.append(group.total)
    total_low, total_high = narrowed
    for key, low, high in zip(group.members, lows, highs, strict=True):
        # The most the other members can hold: unbounded if any other is unbounded.
        others_unbounded = unbounded - (1 if high == math.inf else 0)
        others_high = math.inf if others_unbounded else finite_high - (0 if high == math.inf else high)
        new_low = max(low, total_low - others_high) if others_high != math.inf else low
        new_high = min(high, total_high - (low_sum - low)) if total_high != math.inf else high
        if new_low > new_high:
            raise ValueError(f"inconsistent group at {key!r}: its members do not add up to its total")
        if (new_low, new_high) != (low, high):
            bounds[key] = (new_low, new_high)
            changed.append(key)
    return changed


def _hide_beside(
    key: Key,
    groups: Sequence[Group],
    values: Mapping[Key, int],
    states: dict[Key, CellState],
    holding: Mapping[Key, list[int]],
) -> Key | None:
    """Hide the smallest visible non-zero cell nearest to `key` through the groups (one that
    shares a group with it, else one that shares a group with those, ...): one more unknown in
    the equations that pinned it."""
    seen_cells, seen_groups = {key}, set()
    ring = [key]
    while ring:
        neighbours: list[Key] = []
        for cell in ring:
            for index in holding[cell]:
                if index in seen_groups:
                    continue
                seen_groups.add(index)
                for other in (*groups[index].members, groups[index].total):
                    if other not in seen_cells:
                        seen_cells.add(other)
                        neighbours.append(other)
        candidates = sorted(
            (values[other], str(other), other)
            for other in neighbours
            if states[other] is CellState.VISIBLE and values[other] > 0
        )
        if candidates:
            chosen = candidates[0][2]
            states[chosen] = CellState.SECONDARY
            return chosen
        ring = neighbours
    return None


def _withhold_around(
    key: Key, groups: Sequence[Group], states: dict[Key, CellState], holding: Mapping[Key, list[int]]
) -> list[Key]:
    """Take the markers off the nearest hidden cells that still have one ("< 5", a secondary
    cell's "at least 5"): they are what pins `key` when nothing published is left near it."""
    seen_cells, seen_groups = {key}, set()
    ring = [key]
    while ring:
        neighbours: list[Key] = []
        for cell in ring:
            for index in holding[cell]:
                if index in seen_groups:
                    continue
                seen_groups.add(index)
                for other in (*groups[index].members, groups[index].total):
                    if other not in seen_cells:
                        seen_cells.add(other)
                        neighbours.append(other)
        marked = [other for other in [*ring, *neighbours] if states[other] in (CellState.SMALL, CellState.SECONDARY)]
        if marked:
            for other in marked:
                states[other] = CellState.WITHHELD
            return marked
        ring = neighbours
    raise RuntimeError(f"{key!r} is pinned, and every cell tied to it is withheld or published")


def _protect(group: Group, values: Mapping[Key, int], states: dict[Key, CellState], threshold: int) -> list[Key]:
    """Hide members of one group until it is safe; returns the cells whose state changed."""
    members = group.members
    if not members:
        return []
    total = values[group.total]
    changed: list[Key] = []
    if _is_small(total, threshold):
        # Under a small total the hidden cells narrow each other down and the zeros would say
        # where the few are: no member is published.
        for key in members:
            if states[key] is not CellState.WITHHELD:
                states[key] = CellState.WITHHELD
                changed.append(key)
        return changed
    member_values = [values[key] for key in members]
    while True:
        member_states = [states[key] for key in members]
        total_hidden = states[group.total] is not CellState.VISIBLE
        all_visible = all(state is CellState.VISIBLE for state in member_states)
        # A hidden total must not be the sum of published members.
        needs_more = (total_hidden and all_visible and total > 0) or group_exposed(
            member_values, member_states, threshold
        )
        if not needs_more:
            return changed
        candidates = sorted(
            (value, position)
            for position, (value, state) in enumerate(zip(member_values, member_states, strict=True))
            if state is CellState.VISIBLE and value > 0
        )
        if not candidates:
            for key in members:
                if states[key] is not CellState.WITHHELD:
                    states[key] = CellState.WITHHELD
                    changed.append(key)
            if len(members) == 1 and states[group.total] is CellState.VISIBLE:
                # One member is its own total: hiding it means hiding the total (withheld: it may
                # be zero).
                states[group.total] = CellState.WITHHELD
                changed.append(group.total)
            return changed
        key = members[candidates[0][1]]
        states[key] = CellState.SECONDARY
        changed.append(key)
