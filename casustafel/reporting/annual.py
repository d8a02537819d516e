"""The annual report: one document per edition, made in the background
(`tasks.build_annual_report`), kept as a tagged PDF (PDF/UA-1, language set) and an XLSX.

What it holds, for a completed year and the two before it (as far as the house has data):
- the board's narrative sections, as written in the app when the edition was asked for;
- the output tables in the shape of seed 003 chapter 3: per municipality and per consultation
  (meeting type), one column per year, persons apart from episodes, the partial first year
  marked, and the figures from other sources with their source and status ("nb" where the
  source has none);
- every process and outcome indicator of the year with its target, its tables and a chart;
- the catalogue versions it was made with.

Every number comes from the same cubes as the dashboards (`reporting/cube.py`), so the report
shows nothing a dashboard would hide; there is no total across years (it would make a year's
hidden cell the difference of two published ones).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction
from django.db.models import Min
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record
from casustafel.cases.models import Case, Referral
from casustafel.meetings.models import Meeting, MeetingStatus
from casustafel.organisations.models import SafetyHouse
from casustafel.reporting.charts import bar_chart_svg
from casustafel.reporting.cube import HOUSE, TOTAL, meeting_type_scope, municipality_scope
from casustafel.reporting.exports import PSEUDONYMISED, Value, catalogue_lines, table_lines, threshold_line, to_xlsx
from casustafel.reporting.grid import GridPeriod
from casustafel.reporting.indicators.base import Context, house_scope
from casustafel.reporting.indicators.external import entered_cell
from casustafel.reporting.indicators.output import CaseloadDuring, Discussed, ReferralsByRoute
from casustafel.reporting.models import (
    AnnualReport,
    AnnualReportEdition,
    EditionStatus,
    ExternalFigure,
    IndicatorKind,
    IndicatorSource,
    NarrativeSection,
)
from casustafel.reporting.selectors import Dashboard, Entry, Panel, build_dashboard, catalogue
from casustafel.reporting.suppression import Cell
from casustafel.reporting.tables import Row, Table

logger = logging.getLogger(__name__)
YEARS_SHOWN = 3
PRINT_STYLESHEET = "css/report-print.css"


@dataclass
class Section:
    title: str
    tables: list[Table] = field(default_factory=list)
    charts: dict[str, str] = field(default_factory=dict)
    panels: list[Panel] = field(default_factory=list)
    text: str = ""


@dataclass
class AnnualDocument:
    house: SafetyHouse
    year: int
    edition: int
    threshold: int
    years: list[int]
    partial: dict[int, str]
    narrative: list[tuple[str, str]]
    output: Section
    sources: Section
    process: Section
    outcome: Section
    effort: Section
    notes: list[str]
    entries: list[Entry]
    made_at: dt.datetime

    @property
    def panel_sections(self) -> list[Section]:
        return [self.process, self.outcome, self.effort]


def house_start(house: SafetyHouse) -> dt.date | None:
    """The first day the house recorded anything (a referral, a case, a held meeting): the
    start of its first, possibly partial, year."""
    moments = [
        Referral.objects.filter(house=house, submitted_at__isnull=False).aggregate(first=Min("submitted_at"))["first"],
        Case.objects.filter(house=house).aggregate(first=Min("opened_at"))["first"],
        Meeting.objects.filter(house=house, status=MeetingStatus.HELD).aggregate(first=Min("starts_at"))["first"],
    ]
    found = [timezone.localdate(moment) for moment in moments if moment is not None]
    return min(found) if found else None


def years_and_partial(house: SafetyHouse, year: int) -> tuple[list[int], dict[int, str]]:
    start = house_start(house)
    first = max(year - YEARS_SHOWN + 1, start.year if start else year)
    years = list(range(min(first, year), year + 1))
    partial = {}
    if start is not None and start.year in years and (start.month, start.day) != (1, 1):
        # "from 3 December", not "December to December": the first year may have begun late.
        partial[start.year] = _("vanaf %(from)s") % {"from": formats.date_format(start, "j F")}
    return years, partial


def _year_label(year: int, partial: dict[int, str]) -> str:
    return f"{year} ({partial[year]})" if year in partial else str(year)


def per_year_table(
    *,
    key: str,
    title: str,
    description: str,
    row_header: str,
    members: list[tuple[str, str]],
    cells: dict[tuple[str, int], Cell],
    totals: dict[int, Cell],
    years: list[int],
    partial: dict[int, str],
) -> Table:
    """Rows of scopes (municipalities, meeting types), a column per year, each column a group
    adding up to the house; no total across the years."""
    rows = [
        Row(label=label, cells=[cells[(scope, year)] for year in years])
        for scope, label in members
        if any(not cells[(scope, year)].visible or cells[(scope, year)].value for year in years)
    ]
    return Table(
        key=key,
        title=title,
        description=description,
        row_header=row_header,
        columns=[_year_label(year, partial) for year in years],
        rows=rows,
        total=Row(label=_("Totaal"), cells=[totals[year] for year in years]),
    )


def _scope_members(ctx: Context, kind: str) -> list[tuple[str, str]]:
    if kind == "g":
        members = [(municipality_scope(pk), name) for pk, (name, _active) in ctx.municipalities.items()]
        return [*members, (municipality_scope(None), _("Overig / niet ingevuld"))]
    members = [(meeting_type_scope(pk), name) for pk, (name, _active) in ctx.meeting_types.items()]
    return [*members, (meeting_type_scope(None), _("Onbekend"))]


def output_section(ctx: Context, years: list[int], partial: dict[int, str]) -> Section:
    """Seed 003 chapter 3: per municipality and per consultation, a column per year."""
    section = Section(title=_("Output per gemeente, per overleg en per jaar"))
    specs = [
        (
            Discussed(),
            "person",
            "g",
            _("Besproken personen per woongemeente"),
            _(
                "Personen besproken in een gehouden overleg, elk één keer per jaar (bij hun laatste episode van dat jaar)."
            ),
        ),
        (
            Discussed(),
            TOTAL,
            "g",
            _("Besproken episodes per woongemeente"),
            _("Casussen (episodes) besproken in een gehouden overleg; een persoon met twee episodes telt twee keer."),
        ),
        (
            Discussed(),
            "person",
            "m",
            _("Besproken personen per overleg"),
            _("Personen besproken, naar het overlegtype van de casus."),
        ),
        (
            Discussed(),
            TOTAL,
            "m",
            _("Besproken episodes per overleg"),
            _("Episodes besproken, naar het overlegtype van de casus."),
        ),
        (
            CaseloadDuring(),
            TOTAL,
            "g",
            _("Caseload per woongemeente"),
            _("Casussen die ergens in het jaar actief waren (episodes), naar de woongemeente van de casus."),
        ),
        (ReferralsByRoute(), TOTAL, "g", _("Aanmeldingen per woongemeente"), _("Aanmeldingen ingediend in het jaar.")),
    ]
    for indicator, category, kind, title, description in specs:
        members = _scope_members(ctx, kind)
        cells, totals = {}, {}
        for year in years:
            cube = indicator.cube(ctx, year)
            period = GridPeriod.of_year(year)
            for scope, _label in members:
                cells[(scope, year)] = cube.cell(category, scope, period)
            totals[year] = cube.cell(category, HOUSE, period)
        section.tables.append(
            per_year_table(
                key=f"{indicator.key}-{category}-{kind}",
                title=title,
                description=description,
                row_header=_("Woongemeente") if kind == "g" else _("Overleg"),
                members=members,
                cells=cells,
                totals=totals,
                years=years,
                partial=partial,
            )
        )
    return section


def sources_section(
    ctx: Context, entries: list[Entry], years: list[int], partial: dict[int, str]
) -> tuple[Section, list[str]]:
    """Figures from other sources per municipality and year, with "nb" where the source has
    none, and a note per figure on its source and status."""
    section = Section(title=_("Cijfers uit andere bronnen"))
    notes: list[str] = []
    external = [item for item in entries if item.version.source == IndicatorSource.EXTERNAL]
    keys = [str(year) for year in years]
    figures = list(
        ExternalFigure.objects.filter(
            indicator__in=[item.indicator for item in external], period__in=keys
        ).select_related("municipality")
    )
    for item in external:
        mine = {(f.municipality_id, f.period): f for f in figures if f.indicator_id == item.indicator.pk}
        if not mine:
            continue
        rows = []
        places = [(pk, name) for pk, (name, _active) in ctx.municipalities.items()] + [(None, _("Heel het huis"))]
        for pk, name in places:
            if not any((pk, key) in mine for key in keys):
                continue
            cells = []
            for key in keys:
                figure = mine.get((pk, key))
                if figure is None:
                    cells.append(_missing(ctx.threshold))
                    continue
                cells.append(entered_cell(figure, item.version, ctx.threshold))
                notes.append(
                    _("%(indicator)s, %(place)s, %(period)s: bron %(source)s (%(status)s)%(note)s")
                    % {
                        "indicator": item.version.name,
                        "place": name,
                        "period": key,
                        "source": figure.source,
                        "status": figure.get_status_display(),
                        "note": f"; {figure.note}" if figure.note else "",
                    }
                )
            rows.append(Row(label=name, cells=cells))
        section.tables.append(
            Table(
                key=f"{item.key}-external-years",
                title=item.version.name,
                description=_("Bron: %(source)s. Ingevoerd %(grain)s; 'nb' = niet bekend bij de bron.")
                % {"source": item.version.source_name, "grain": item.version.get_grain_display()},
                row_header=_("Woongemeente"),
                columns=[_year_label(year, partial) for year in years],
                rows=rows,
            )
        )
    return section, notes


def _missing(threshold: int) -> Cell:
    from casustafel.reporting.indicators.external import NotKnownCell
    from casustafel.reporting.suppression import CellState

    return NotKnownCell(value=None, state=CellState.WITHHELD, threshold=threshold)


def _panel_section(title: str, dashboard: Dashboard, kinds: tuple[str, ...]) -> Section:
    section = Section(title=title)
    for panel in dashboard.panels:
        if panel.entry.version.kind not in kinds or panel.entry.version.source == IndicatorSource.EXTERNAL:
            continue
        section.panels.append(panel)
        if panel.result.tables:
            spec = panel.result.chart
            table = panel.result.table(spec.table) if spec else panel.result.tables[0]
            svg = bar_chart_svg(table, labelled_by=f"chart-{panel.key}", column=spec.column if spec else 0)
            if svg:
                section.charts[panel.key] = svg
    return section


def build_document(report: AnnualReport, edition: AnnualReportEdition, progress: object = None) -> AnnualDocument:
    house, year = report.house, report.year
    step = progress if callable(progress) else (lambda _percent, _step: None)
    ctx = Context(house=house, period=GridPeriod.of_year(year), scope=house_scope(house), threshold=edition.threshold)
    years, partial = years_and_partial(house, year)
    entries = catalogue(house)
    step(10, _("Output per gemeente en per overleg"))
    output = output_section(ctx, years, partial)
    sources, source_notes = sources_section(ctx, entries, years, partial)
    step(35, _("Proces- en uitkomstindicatoren"))
    dashboard = build_dashboard(house, GridPeriod.of_year(year), ctx=ctx)
    step(55, _("Grafieken"))
    process = _panel_section(_("Procesindicatoren"), dashboard, (IndicatorKind.PROCESS,))
    outcome = _panel_section(_("Uitkomstindicatoren"), dashboard, (IndicatorKind.OUTCOME,))
    effort = _panel_section(_("Inspanning en waarde"), dashboard, (IndicatorKind.EFFORT, IndicatorKind.VALUE))
    notes = [
        *(
            _("%(year)s is een gedeeltelijk jaar: het huis registreerde vanaf %(part)s.") % {"year": y, "part": text}
            for y, text in partial.items()
        ),
        _(
            "Personen en episodes: een episode is een casus; een heraanmelding is een nieuwe episode van dezelfde persoon. "
            "Een persoon telt per jaar één keer, bij de laatste episode van dat jaar."
        ),
        _("Vernietigde casussen tellen mee: hun datums en codes blijven na vernietiging bewaard."),
        _("Er staat geen totaal over de jaren heen: daarmee zou een afgeschermd jaarcijfer uit te rekenen zijn."),
        *source_notes,
    ]
    narrative_texts = edition.narrative or {}
    narrative = [(str(label), narrative_texts.get(key, "")) for key, label in NarrativeSection.choices]
    return AnnualDocument(
        house=house,
        year=year,
        edition=edition.number,
        threshold=edition.threshold,
        years=years,
        partial=partial,
        narrative=narrative,
        output=output,
        sources=sources,
        process=process,
        outcome=outcome,
        effort=effort,
        notes=notes,
        entries=entries,
        made_at=timezone.now(),
    )


def document_pdf(document: AnnualDocument) -> bytes:
    from django.contrib.staticfiles import finders

    from weasyprint import CSS, HTML  # imported here: loading Pango costs time at start-up

    html = render_to_string(
        "reporting/annual_pdf.html",
        {"document": document, "language": translation.get_language() or "nl"},
    )
    stylesheet = finders.find(PRINT_STYLESHEET)
    stylesheets = [CSS(filename=stylesheet)] if stylesheet else []
    # A local base URL: WeasyPrint must never fetch anything over the network. PDF/UA-1: tagged,
    # with the document language and title (w8-screens brings a shared helper in lib/pdf.py).
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=stylesheets, pdf_variant="pdf/ua-1")


def document_xlsx(document: AnnualDocument) -> bytes:
    notes: list[list[Value]] = [[note] for note in document.notes]
    narrative: list[list[Value]] = [[title, text] for title, text in document.narrative]
    intro: list[list[Value]] = [
        [_("Jaarverslag"), document.house.name, document.year],
        [_("Editie"), document.edition],
        threshold_line(document.threshold),
        [PSEUDONYMISED],
        [_("Gemaakt op"), timezone.localtime(document.made_at).strftime("%Y-%m-%d %H:%M")],
        [],
        [_("Toelichting")],
        *notes,
        [],
        *narrative,
    ]

    def tables(section: Section) -> list[list[Value]]:
        lines: list[list[Value]] = []
        for table in section.tables:
            lines.append([table.title])
            lines.append([table.description])
            lines.append([table.row_header, *table.columns])
            lines.extend([row.label, *(cell.export_value for cell in row.cells)] for row in table.all_rows)
            lines.append([])
        return lines

    def panels(section: Section) -> list[list[Value]]:
        lines: list[list[Value]] = [
            [_("Indicator"), _("Onderdeel"), _("Categorie"), _("Kolom"), _("Waarde"), _("Toelichting")]
        ]
        for panel in section.panels:
            headline = panel.result.headline
            if headline is not None:
                note = " ".join(part for part in (headline.note, panel.target.label, panel.target.verdict) if part)
                lines.append(
                    [panel.entry.version.name, _("Kerncijfer"), headline.label, "", headline.export_value, note]
                )
            for table in panel.result.tables:
                lines.extend(table_lines(panel.entry.version.name, table))
        return lines

    sheets: list[tuple[str, list[list[Value]], tuple[int, ...]]] = [
        (_("Toelichting"), intro, (0, 3)),
        (_("Per gemeente en overleg"), tables(document.output), ()),
        (_("Andere bronnen"), tables(document.sources), ()),
        (_("Procesindicatoren"), panels(document.process), (0,)),
        (_("Uitkomstindicatoren"), panels(document.outcome), (0,)),
        (_("Catalogus"), list(catalogue_lines(document.entries)), (0,)),
    ]
    if document.effort.panels:
        sheets.insert(5, (_("Inspanning en waarde"), panels(document.effort), (0,)))
    return to_xlsx(sheets)


def _update(edition_id: int, **fields: object) -> None:
    # Progress is committed at once, outside any larger transaction, so the page sees it.
    AnnualReportEdition.objects.filter(pk=edition_id).update(updated_at=timezone.now(), **fields)


def annual_report_build(*, edition_id: int) -> int:
    """Make one queued edition: the document, its PDF and XLSX, then store them and audit.
    Returns the edition id. A failure marks the edition failed (the page says so) and is logged
    by id only."""
    edition = AnnualReportEdition.objects.defer("pdf", "xlsx").select_related("report__house").get(pk=edition_id)
    if edition.status != EditionStatus.QUEUED:
        return edition.pk  # another worker took it, or it is done: the task is idempotent
    claimed = AnnualReportEdition.objects.filter(pk=edition_id, status=EditionStatus.QUEUED).update(
        status=EditionStatus.RUNNING, started_at=timezone.now(), percent=5, step=_("Begonnen")
    )
    if not claimed:
        return edition.pk
    try:
        with translation.override("nl"):
            document = build_document(
                edition.report, edition, lambda percent, step: _update(edition_id, percent=percent, step=step)
            )
            _update(edition_id, percent=75, step=_("PDF maken"))
            pdf = document_pdf(document)
            _update(edition_id, percent=90, step=_("Excel maken"))
            xlsx = document_xlsx(document)
        with transaction.atomic():
            AnnualReportEdition.objects.filter(pk=edition_id).update(
                status=EditionStatus.DONE,
                percent=100,
                step="",
                finished_at=timezone.now(),
                pdf=pdf,
                xlsx=xlsx,
                pdf_sha256=hashlib.sha256(pdf).hexdigest(),
                xlsx_sha256=hashlib.sha256(xlsx).hexdigest(),
                catalogue={item.key: item.version.number for item in document.entries},
                updated_at=timezone.now(),
            )
            audit_record(
                actor=Actor.system(),
                action=AuditAction.UPDATE,
                obj=edition,
                changes={
                    "status": [EditionStatus.RUNNING, EditionStatus.DONE],
                    "pdf_sha256": [None, hashlib.sha256(pdf).hexdigest()],
                },
            )
    except Exception:
        logger.exception("annual report edition %s failed", edition_id)
        _update(edition_id, status=EditionStatus.FAILED, finished_at=timezone.now(), step="")
        raise
    return edition.pk
