"""Dashboards and the catalogue as CSV or XLSX. Every file starts with the house, the period and
scope, the threshold with what the markers mean, and that it holds no personal data; then one
line per headline figure and per published cell. Hidden cells are written as their marker
text ("< 5", "afgeschermd"), never as a number; cells starting with = + - @ are neutralised.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence

from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from casustafel.reporting.selectors import Dashboard, Entry
from casustafel.reporting.tables import Table

Value = int | float | str
PSEUDONYMISED = "gepseudonimiseerd: bevat geen persoonsgegevens"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def threshold_line(threshold: int) -> list[Value]:
    return [
        _("Drempel"),
        threshold,
        _(
            "aantallen van 1 tot en met %(highest)s staan als '< %(threshold)s'; 'afgeschermd' verbergt een aantal waaruit zo'n klein aantal te berekenen zou zijn"
        )
        % {"threshold": threshold, "highest": threshold - 1},
    ]


def dashboard_header(dashboard: Dashboard) -> list[list[Value]]:
    return [
        [_("Rapportage Casustafel")],
        [_("Zorg- en Veiligheidshuis"), dashboard.house.name],
        [_("Periode"), dashboard.period.key, dashboard.period.label],
        [_("Voor"), dashboard.scope.label],
        threshold_line(dashboard.threshold),
        [PSEUDONYMISED],
        [_("Gemaakt op"), timezone.localtime(dashboard.generated_at).strftime("%Y-%m-%d %H:%M")],
        [],
        [_("Indicator"), _("Onderdeel"), _("Categorie"), _("Kolom"), _("Waarde"), _("Toelichting")],
    ]


def table_lines(indicator: str, table: Table) -> Iterator[list[Value]]:
    for row in table.all_rows:
        for column, cell in zip(table.columns, row.cells, strict=True):
            yield [indicator, table.title, row.label, column, cell.export_value, ""]


def dashboard_lines(dashboard: Dashboard) -> Iterator[list[Value]]:
    for panel in dashboard.panels:
        name = panel.entry.version.shown_name
        headline = panel.result.headline
        if headline is not None:
            note = " ".join(part for part in (headline.note, panel.target.label, panel.target.verdict) if part)
            yield [name, _("Kerncijfer"), headline.label, "", headline.export_value, note]
        for table in panel.result.tables:
            yield from table_lines(name, table)


CATALOGUE_COLUMNS = [
    "key",
    "version",
    "name",
    "kind",
    "counts",
    "numerator",
    "denominator",
    "unit",
    "source",
    "source_name",
    "grain",
    "target",
    "target_direction",
    "owner",
    "computation",
    "changed",
    "reason",
]


def catalogue_lines(entries: Sequence[Entry]) -> Iterator[list[Value]]:
    yield [
        _("Sleutel"),
        _("Versie"),
        _("Naam"),
        _("Soort"),
        _("Wat telt het"),
        _("Teller"),
        _("Noemer"),
        _("Eenheid"),
        _("Bron"),
        _("Naam van de bron"),
        _("Periode"),
        _("Streefwaarde"),
        _("Streefwaarde is"),
        _("Eigenaar"),
        _("Berekening"),
        _("Vastgesteld op"),
        _("Reden"),
    ]
    for item in entries:
        v = item.version
        yield [
            item.key,
            v.number,
            v.name,
            v.get_kind_display(),
            v.counts,
            v.numerator,
            v.denominator,
            v.get_unit_display(),
            v.get_source_display(),
            v.source_name,
            v.get_grain_display(),
            float(v.target) if v.target is not None else "",
            v.get_target_direction_display() if v.target_direction else "",
            v.owner,
            v.computation,
            timezone.localtime(v.created_at).strftime("%Y-%m-%d"),
            v.reason,
        ]


def _text(value: Value) -> str:
    """A cell as CSV text for Dutch spreadsheets: decimal comma, no formula."""
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=1, use_l10n=True)
    return neutral(str(value))


def neutral(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def to_csv(lines: Iterable[list[Value]]) -> bytes:
    """`;`-separated with a BOM, so Dutch Excel opens it as it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for line in lines:
        writer.writerow([_text(value) for value in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def append_lines(sheet: object, lines: Iterable[list[Value]], *, bold_rows: Iterable[int] = ()) -> None:
    bold, emphasised = Font(bold=True), set(bold_rows)
    for number, line in enumerate(lines):
        cells = []
        for value in line:
            cell = WriteOnlyCell(sheet, value=neutral(value) if isinstance(value, str) else value)  # type: ignore[arg-type]
            if number in emphasised or value == PSEUDONYMISED:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)  # type: ignore[attr-defined]


def to_xlsx(sheets: Sequence[tuple[str, list[list[Value]], Iterable[int]]]) -> bytes:
    workbook = Workbook(write_only=True)
    for title, lines, bold_rows in sheets:
        sheet = workbook.create_sheet(title=title[:31])
        for column, width in zip("ABCDEF", (34, 40, 40, 22, 14, 50), strict=True):
            sheet.column_dimensions[column].width = width
        append_lines(sheet, lines, bold_rows=bold_rows)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def dashboard_csv(dashboard: Dashboard) -> bytes:
    return to_csv([*dashboard_header(dashboard), *dashboard_lines(dashboard)])


def dashboard_xlsx(dashboard: Dashboard) -> bytes:
    header = dashboard_header(dashboard)
    return to_xlsx([(_("Rapportage"), [*header, *dashboard_lines(dashboard)], (0, len(header) - 1))])


def catalogue_csv(house_name: str, entries: Sequence[Entry]) -> bytes:
    return to_csv([[_("Indicatorcatalogus"), house_name], [], *catalogue_lines(entries)])


def catalogue_xlsx(house_name: str, entries: Sequence[Entry]) -> bytes:
    return to_xlsx([(_("Catalogus"), [[_("Indicatorcatalogus"), house_name], [], *catalogue_lines(entries)], (0, 2))])


def export_filename(dashboard: Dashboard, extension: str) -> str:
    scope = "" if dashboard.scope.is_house else f"-{slugify(dashboard.scope.label)}"
    return f"rapportage-{slugify(dashboard.house.name)}-{dashboard.period.key}{scope}.{extension}"
