"""A report as CSV or XLSX: a header stating period, house, threshold and that the file holds
no personal data, then one line per published cell. Hidden cells are written as their marker
text ("< 5", "afgeschermd"), never as a number."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

from django.utils import formats, timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font

from casustafel.reporting.selectors import Report

Value = int | float | str
PSEUDONYMISED = "gepseudonimiseerd: bevat geen persoonsgegevens"


def header_lines(report: Report) -> list[list[Value]]:
    return [
        [_("Rapportage Casustafel")],
        [_("Zorg- en Veiligheidshuis"), report.house_name],
        [_("Periode"), f"{report.period.start:%Y-%m-%d} t/m {report.period.end:%Y-%m-%d}"],
        [
            _("Drempel"),
            report.threshold,
            _(
                "aantallen van 1 tot en met %(highest)s staan als '< %(threshold)s'; 'afgeschermd' verbergt een aantal waaruit zo'n klein aantal te berekenen zou zijn"
            )
            % {"threshold": report.threshold, "highest": report.threshold - 1},
        ],
        [PSEUDONYMISED],
        [_("Gemaakt op"), timezone.localtime(report.generated_at).strftime("%Y-%m-%d %H:%M")],
        [],
        [_("Onderdeel"), _("Categorie"), _("Kolom"), _("Waarde"), _("Toelichting")],
    ]


def data_lines(report: Report) -> Iterator[list[Value]]:
    for figure in report.figures:
        yield [_("Kerncijfers"), figure.label, "", figure.export_value, figure.note]
    for table in report.tables:
        for row in [*table.rows, table.total]:
            for column, cell in zip(table.columns, row.cells, strict=True):
                yield [table.title, row.label, column, cell.export_value, ""]


def _text(value: Value) -> str:
    """A cell as CSV text for Dutch spreadsheets: decimal comma, no formula."""
    if isinstance(value, float):
        return formats.number_format(value, decimal_pos=1, use_l10n=True)
    return _neutral(str(value))


def _neutral(text: str) -> str:
    # A cell starting with = + - @ would run as a formula in a spreadsheet (CSV injection).
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def report_csv(report: Report) -> bytes:
    """`;`-separated with a BOM, so Dutch Excel opens it as it is."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    for line in [*header_lines(report), *data_lines(report)]:
        writer.writerow([_text(value) for value in line])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def report_xlsx(report: Report) -> bytes:
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(title=_("Rapportage"))
    sheet.column_dimensions["A"].width = 40
    sheet.column_dimensions["B"].width = 45
    sheet.column_dimensions["C"].width = 22
    bold = Font(bold=True)
    header = header_lines(report)
    for number, line in enumerate(header):
        cells = []
        for value in line:
            cell = WriteOnlyCell(sheet, value=_neutral(value) if isinstance(value, str) else value)
            if number in (0, len(header) - 1) or value == PSEUDONYMISED:
                cell.font = bold
            cells.append(cell)
        sheet.append(cells)
    for line in data_lines(report):
        sheet.append([_neutral(value) if isinstance(value, str) else value for value in line])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def export_filename(report: Report, extension: str) -> str:
    return (
        f"rapportage-{slugify(report.house_name)}-{report.period.start:%Y%m%d}-{report.period.end:%Y%m%d}.{extension}"
    )
