"""Small-count suppression for aggregate reports (issue 4, point 8). Pure functions, no ORM.

A *group* is a list of counts that add up to a published total: the rows of one column of a
table (referrals per entry route, cases opened per meeting type, ...). `suppress_group` decides
per cell what may be published:

1. **Primary**: every count from 1 to `threshold - 1`, members and the total alike, is hidden
   and shown as "< threshold". Zero is shown: it reveals nothing about a person.
2. **Secondary**: while the total is published and the hidden cells could be worked out from
   it, the smallest non-zero visible cell is hidden as well (shown as "afgeschermd"). "Could be
   worked out" (`_exposed`) means any of:
   - exactly one cell is hidden (total minus the visible cells gives it);
   - the hidden cells together hold fewer than `threshold` (that sum is itself a small count);
   - for some hidden small cell, the published numbers leave only one possible value, for a
     reader who knows this algorithm: a small cell is 1..threshold-1, a secondary cell is at
     least `threshold` and at most the smallest visible non-zero cell (the smallest is taken
     first).
3. **Withheld**: if no visible non-zero cell is left to hide and the group is still exposed,
   every member, zeros too, is withheld under one marker and only the total is published. A
   group whose total is itself a small count is withheld as a whole (its total "< threshold").

The reader this protects against (tested exhaustively in tests/test_suppression.py) knows the
published cells, the total, and what each marker means: "< threshold" is 1..threshold-1,
"afgeschermd" on a single cell is at least the threshold and at most the smallest visible
non-zero cell, a withheld cell anything from zero up. Groups are protected one by one: each
table's groups have cells of their own, so two tables that share a total (every table of
referrals adds up to the same number of referrals) give no equation across them. Not covered:
a reader who replays the algorithm to ask why it stopped where it did, and differences between
reports over overlapping periods (docs/indicators.md).

Only the decision and the visible values leave this module: a hidden cell carries no value.
"""

from __future__ import annotations

import enum
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _


class CellState(enum.Enum):
    VISIBLE = "visible"
    SMALL = "small"  # primary: 1 .. threshold-1
    SECONDARY = "secondary"  # hidden so a small cell cannot be derived from the total
    WITHHELD = "withheld"  # the whole group's members are withheld


SECONDARY_TEXT = _("afgeschermd")


@dataclass(frozen=True)
class Cell:
    """One published number: its value when visible, otherwise only why it is hidden."""

    value: int | None
    state: CellState
    threshold: int

    @property
    def visible(self) -> bool:
        return self.state is CellState.VISIBLE

    @property
    def display(self) -> str:
        if self.state is CellState.VISIBLE:
            return str(self.value)
        if self.state is CellState.SMALL:
            return f"< {self.threshold}"
        return str(SECONDARY_TEXT)

    @property
    def export_value(self) -> int | float | str:
        """What an export writes: the number, or the marker text (never a hidden number)."""
        return self.value if self.state is CellState.VISIBLE and self.value is not None else self.display


def visible_cell(value: int, threshold: int) -> Cell:
    return Cell(value=value, state=CellState.VISIBLE, threshold=threshold)


def hidden_cell(state: CellState, threshold: int) -> Cell:
    return Cell(value=None, state=state, threshold=threshold)


@dataclass(frozen=True)
class SuppressedGroup:
    members: list[Cell]
    total: Cell
    withheld: bool = False


def _is_small(value: int, threshold: int) -> bool:
    return 0 < value < threshold


def _exposed(values: Sequence[int], small: set[int], secondary: set[int], threshold: int) -> bool:
    """Whether a reader who knows the total can learn a hidden small cell, or a small sum."""
    hidden = small | secondary
    if not hidden:
        return False
    if len(hidden) == 1:
        return True
    hidden_sum = sum(values[i] for i in hidden)
    if hidden_sum < threshold:
        return True
    visible_nonzero = [v for i, v in enumerate(values) if i not in hidden and v > 0]
    # Secondary cells were the smallest visible ones when taken, so none exceeds a cell still
    # visible; without a visible non-zero cell they have no upper bound.
    secondary_high = min(visible_nonzero) if visible_nonzero else math.inf

    def low(j: int) -> float:
        return 1 if j in small else threshold

    def high(j: int) -> float:
        return threshold - 1 if j in small else secondary_high

    for i in small:
        others = hidden - {i}
        lower = max(1, hidden_sum - sum(high(j) for j in others))
        upper = min(threshold - 1, hidden_sum - sum(low(j) for j in others))
        if lower >= upper:
            return True
    return False


def suppress_group(values: Sequence[int], *, threshold: int) -> SuppressedGroup:
    """Decide which members of a group, and whether its total (their sum), may be published."""
    if threshold < 3:
        raise ValueError("threshold must be at least 3: '< 2' would reveal the value 1")
    if any(v < 0 for v in values):
        raise ValueError("counts cannot be negative")
    total = sum(values)
    small = {i for i, v in enumerate(values) if _is_small(v, threshold)}
    secondary: set[int] = set()
    withheld = False
    if _is_small(total, threshold):
        # Under a total below the threshold, hidden cells of at least 1 narrow each other down
        # (k cells adding up to at most threshold-1 are each at most threshold-k) and the zeros
        # would say where the few are: publish no member at all.
        withheld = total > 0
    else:
        while _exposed(values, small, secondary, threshold):
            candidates = sorted((v, i) for i, v in enumerate(values) if v > 0 and i not in small and i not in secondary)
            if not candidates:
                withheld = True
                break
            secondary.add(candidates[0][1])
    members = []
    for i, value in enumerate(values):
        if withheld:
            members.append(hidden_cell(CellState.WITHHELD, threshold))
        elif i in small:
            members.append(hidden_cell(CellState.SMALL, threshold))
        elif i in secondary:
            members.append(hidden_cell(CellState.SECONDARY, threshold))
        else:
            members.append(visible_cell(value, threshold))
    total_cell = (
        hidden_cell(CellState.SMALL, threshold) if _is_small(total, threshold) else visible_cell(total, threshold)
    )
    return SuppressedGroup(members=members, total=total_cell, withheld=withheld)


def suppress_count(value: int, *, threshold: int) -> Cell:
    """A single published count that belongs to no group (a headline figure)."""
    if _is_small(value, threshold):
        return hidden_cell(CellState.SMALL, threshold)
    return visible_cell(value, threshold)
