"""What an indicator publishes: tables of suppressed cells and headline figures. Pure data: the
pages, the annual report and the exports all render these, so they cannot differ."""

from __future__ import annotations

from dataclasses import dataclass, field

from casustafel.reporting.suppression import Cell, CellState


@dataclass(frozen=True)
class Row:
    label: str
    cells: list[Cell]
    # Per cell, the drill-down target (a category key) when the cell may be drilled into.
    drill: list[str | None] = field(default_factory=list)

    def drill_for(self, index: int) -> str | None:
        return self.drill[index] if index < len(self.drill) else None

    @property
    def pairs(self) -> list[tuple[Cell, str | None]]:
        """Each cell with its drill-down target (for templates)."""
        return [(cell, self.drill_for(index)) for index, cell in enumerate(self.cells)]


@dataclass(frozen=True)
class Table:
    key: str
    title: str
    description: str
    row_header: str
    columns: list[str]
    rows: list[Row]
    total: Row | None = None
    # The counting indicator whose cells the rows' drill keys point into ("" for none).
    drill_source: str = ""

    @property
    def withheld(self) -> bool:
        return any(cell.state is CellState.WITHHELD for row in self.rows for cell in row.cells)

    @property
    def all_rows(self) -> list[Row]:
        return [*self.rows, *([self.total] if self.total else [])]

    def cell(self, row: int, column: int = 0) -> Cell:
        return self.rows[row].cells[column]

    def row(self, label: str) -> Row:
        return next(row for row in self.all_rows if row.label == label)


@dataclass(frozen=True)
class Figure:
    """A headline number: a count cell, or a percentage, median or mean shown only when the
    counts it comes from may be shown. `value` is the number itself when shown (compared with
    the target), None when hidden or not computable."""

    key: str
    label: str
    display: str
    export_value: int | float | str
    value: float | None = None
    note: str = ""
