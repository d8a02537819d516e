"""Charts of a report as SVG, drawn on the server from a Vega-Lite spec (vl-convert, offline).

Every chart draws one table of an indicator (its rows as bars, one column's cells as heights)
and the page shows that table beside it, so a screen reader reads the same numbers. The SVG
goes inline in the page. It may only hold what the Content Security Policy allows inline:
presentation attributes, no `style` attribute or element, no script or event handler
(`check_svg` refuses anything else). Values are the suppressed cells only: a hidden row is a
bar of height zero labelled "< 5" or "afgeschermd".
"""

from __future__ import annotations

import re
from typing import Any

import vl_convert

from casustafel.reporting.tables import Table

BAR_COLOUR = "#154273"
TEXT_COLOUR = "#1a1a1a"
_FORBIDDEN = re.compile(r"<\s*(script|style|foreignObject)\b|\sstyle\s*=|\son[a-z]+\s*=|javascript:", re.IGNORECASE)
_SVG_OPEN = re.compile(r"<svg\b[^>]*>")
# Vega's own ARIA markup describes its scenegraph, not the data; the figure's table does that.
_VEGA_ARIA = re.compile(r'\s(?:role|aria-roledescription|aria-label|aria-hidden)="[^"]*"')


class UnsafeSvgError(ValueError):
    """The renderer produced markup the page's Content Security Policy would block."""


def bar_chart_spec(table: Table, *, column: int = 0, axis_title: str = "") -> dict[str, Any]:
    """A bar per row; hidden rows have no bar and carry their marker as the label."""
    values = [
        {
            "order": index,
            "month": row.label,
            "count": row.cells[column].value if row.cells[column].visible else None,
            "text": row.cells[column].display,
            "position": row.cells[column].value if row.cells[column].visible else 0,
        }
        for index, row in enumerate(table.rows)
    ]
    return {
        "$schema": "https://vega.github.io/schema/vega-lite/v5.json",
        "width": 640,
        "height": 240,
        "data": {"values": values},
        "encoding": {
            "x": {
                "field": "month",
                "type": "ordinal",
                "sort": {"field": "order"},
                "title": None,
                "axis": {"labelAngle": -45, "labelFontSize": 11},
            }
        },
        "layer": [
            {
                "mark": {"type": "bar", "color": BAR_COLOUR},
                "encoding": {
                    "y": {"field": "count", "type": "quantitative", "title": axis_title or table.columns[column]}
                },
            },
            {
                "mark": {"type": "text", "dy": -6, "color": TEXT_COLOUR, "fontSize": 11},
                "encoding": {
                    "y": {"field": "position", "type": "quantitative"},
                    "text": {"field": "text", "type": "nominal"},
                },
            },
        ],
        "config": {"font": "sans-serif", "view": {"stroke": None}, "axis": {"titleFontSize": 12}},
    }


def check_svg(svg: str) -> str:
    """Refuse markup the Content Security Policy forbids inline (or that could run)."""
    found = _FORBIDDEN.search(svg)
    if found:
        raise UnsafeSvgError(f"chart SVG contains {found.group(0)!r}")
    return svg


def render_svg(spec: dict[str, Any], *, labelled_by: str) -> str:
    """The spec as inline SVG: an image labelled by the element `labelled_by`, scaling to
    the width of its container."""
    svg = check_svg(vl_convert.vegalite_to_svg(spec))
    svg = _VEGA_ARIA.sub("", svg)
    opening = _SVG_OPEN.search(svg)
    if opening is None:
        raise UnsafeSvgError("no <svg> element")
    tag = re.sub(r'\s(?:width|height)="[^"]*"', "", opening.group(0))
    tag = tag[:-1] + f' width="100%" role="img" aria-labelledby="{labelled_by}" focusable="false">'
    return svg[: opening.start()] + tag + svg[opening.end() :]


def bar_chart_svg(table: Table, *, labelled_by: str, column: int = 0, axis_title: str = "") -> str | None:
    """The chart of a table, or None when there is nothing to draw (no rows, or every bar
    hidden)."""
    if not table.rows or all(not row.cells[column].visible for row in table.rows):
        return None
    return render_svg(bar_chart_spec(table, column=column, axis_title=axis_title), labelled_by=labelled_by)
