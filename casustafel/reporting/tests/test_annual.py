"""The annual report: one action makes an edition in the background (a tagged PDF with its
language set, and an XLSX with the tables of seed 003 chapter 3), the narrative is the board's,
editions are kept and numbered, downloads are audited, the partial first year is marked and
figures from other sources carry their source."""

from __future__ import annotations

import io
from collections.abc import Iterator
from html import unescape

from django.test import override_settings
from django.urls import reverse

import pytest
import time_machine
from openpyxl import load_workbook
from pypdf import PdfReader

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.reporting.models import (
    AnnualReportEdition,
    AnnualReportSection,
    EditionStatus,
    FigureStatus,
    Indicator,
    IndicatorKind,
    IndicatorUnit,
    PublishGrain,
)
from casustafel.reporting.services import (
    annual_report_for,
    external_figure_record,
    indicator_add_external,
    indicator_catalogue_ensure,
)
from casustafel.testing.cases import PersonFactory
from casustafel.testing.indicators import discussed, episode
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import meeting_type_of, moment, municipalities

pytestmark = pytest.mark.django_db
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture(autouse=True)
def _march_2026() -> Iterator[None]:
    with time_machine.travel(moment(2026, 3, 2), tick=False):
        yield


def actor(personas: Personas, name: str) -> Actor:
    return Actor(user=personas.users[name], membership=personas.memberships[name])


def history(personas: Personas) -> tuple[object, object]:
    """The house started in October 2024: Aland's and Bedum's persons discussed in 2024 and 2025.

    2024 (October-December): Aland 5 persons (5 episodes). 2025: Aland 6 persons, three of whom
    came back (re-entries discussed in the same year: 9 episodes); Bedum 5 persons."""
    aland, bedum = municipalities(personas, "Gemeente Aland", "Gemeente Bedum")
    mt = meeting_type_of(personas, "Jeugdoverleg")
    for day in range(5):
        # Referred a week before opening: the first referral is of 1 October 2024.
        case = episode(personas, meeting_type=mt, opened=moment(2024, 10, 8 + day), municipality=aland)
        discussed(personas, case, moment(2024, 11, 1 + day))
    for day in range(6):
        person = PersonFactory(house=personas.house)
        case = episode(
            personas,
            meeting_type=mt,
            opened=moment(2025, 1, 2 + day),
            closed=moment(2025, 3, 1),
            municipality=aland,
            person=person,
        )
        discussed(personas, case, moment(2025, 2, 2 + day))
        if day < 3:
            again = episode(
                personas, meeting_type=mt, opened=moment(2025, 8, 1), municipality=aland, person=person, previous=case
            )
            discussed(personas, again, moment(2025, 9, 1))
    for day in range(5):
        case = episode(personas, meeting_type=mt, opened=moment(2025, 4, 2 + day), municipality=bedum)
        discussed(personas, case, moment(2025, 5, 2 + day))
    return aland, bedum


def outside_figures(personas: Personas, aland: object, bedum: object) -> None:
    manager = actor(personas, "house_manager")
    indicator = indicator_add_external(
        actor=manager,
        house=personas.house,
        key="veelplegers_bekend",
        name="Bekende veelplegers (OM)",
        kind=IndicatorKind.OUTPUT,
        counts="Veelplegers bekend bij het Openbaar Ministerie, per woongemeente.",
        unit=IndicatorUnit.COUNT,
        source_name="Openbaar Ministerie, veelplegerslijst",
        grain=PublishGrain.YEAR,
        owner="Ketenmanager",
    )
    external_figure_record(
        actor=manager, indicator=indicator, period="2025", municipality=aland, value="80", source="OM, lijst 2025",
        status=FigureStatus.PROVISIONAL, note="voorlopig cijfer, begin 2026",
    )  # fmt: skip
    external_figure_record(
        actor=manager, indicator=indicator, period="2025", municipality=bedum, value=None, not_known=True,
        source="OM", status=FigureStatus.DEFINITIVE,
    )  # fmt: skip


@override_settings(TASKS=IMMEDIATE, REPORT_MIN_CELL=3)
def test_one_action_makes_a_tagged_pdf_and_an_xlsx_in_the_shape_of_seed_003(personas: Personas) -> None:
    aland, bedum = history(personas)
    indicator_catalogue_ensure(personas.house)
    outside_figures(personas, aland, bedum)
    board = personas.client("board_member")
    report = annual_report_for(personas.house, 2025)
    foreword = AnnualReportSection.objects.get(report=report, key="foreword")
    saved = board.post(
        reverse("reporting:annual_section", kwargs={"year": 2025, "key": "foreword"}),
        {"foreword-version": foreword.version, "foreword-text": "Een jaar waarin het huis groeide."},
    )
    assert saved.status_code == 302
    response = board.post(reverse("reporting:annual_edition", kwargs={"year": 2025}))
    assert response.status_code == 302
    edition = AnnualReportEdition.objects.get(report=report)
    assert edition.status == EditionStatus.DONE and edition.percent == 100

    pdf = board.get(reverse("reporting:annual_pdf", kwargs={"year": 2025, "number": 1}))
    reader = PdfReader(io.BytesIO(pdf.content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "nl" and bool(root["/MarkInfo"]["/Marked"]) and "/StructTreeRoot" in root
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Een jaar waarin het huis groeide." in text
    assert "Besproken personen per woongemeente" in text
    assert "2024 (vanaf 1 oktober)" in text  # the partial first year, marked

    workbook = load_workbook(
        io.BytesIO(board.get(reverse("reporting:annual_xlsx", kwargs={"year": 2025, "number": 1})).content)
    )
    assert {"Toelichting", "Per gemeente en overleg", "Andere bronnen", "Procesindicatoren", "Catalogus"} <= set(
        workbook.sheetnames
    )
    rows = [[cell for cell in row] for row in workbook["Per gemeente en overleg"].iter_rows(values_only=True)]
    start = rows.index(["Besproken personen per woongemeente", None, None])
    header, body = rows[start + 2], rows[start + 3 : start + 6]
    assert header == ["Woongemeente", "2024 (vanaf 1 oktober)", "2025"]
    # Persons discussed: Aland 5 in 2024 and 6 in 2025 (three came back: still three persons);
    # Bedum 0 and 5; total 5 and 11.
    assert body == [["Gemeente Aland", 5, 6], ["Gemeente Bedum", 0, 5], ["Totaal", 5, 11]]
    episodes = rows.index(["Besproken episodes per woongemeente", None, None])
    # Episodes: Aland 9 in 2025 (each re-entry is a second episode of the same person).
    assert rows[episodes + 3] == ["Gemeente Aland", 5, 9]
    sources = [row for row in workbook["Andere bronnen"].iter_rows(values_only=True)]
    # Columns 2024 and 2025; nothing was entered for 2024 ("nb"), Bedum's 2025 is "niet bekend".
    assert ["Gemeente Aland", "nb", 80] in [list(row[:3]) for row in sources]
    assert ["Gemeente Bedum", "nb", "nb"] in [list(row[:3]) for row in sources]
    notes = " ".join(str(row[0]) for row in workbook["Toelichting"].iter_rows(values_only=True) if row[0])
    assert "2024 is een gedeeltelijk jaar" in notes
    assert "bron OM, lijst 2025 (voorlopig); voorlopig cijfer, begin 2026" in notes

    downloads = AuditEvent.objects.filter(action=AuditAction.EXPORT, object_type="organisations.safetyhouse")
    assert [event.changes["report"][1]["format"] for event in downloads.order_by("sequence")] == ["pdf", "xlsx"]


@override_settings(TASKS=IMMEDIATE)
def test_editions_are_kept_and_the_narrative_goes_into_the_next_one_only(personas: Personas) -> None:
    history(personas)
    board = personas.client("board_member")
    report = annual_report_for(personas.house, 2025)
    outlook = AnnualReportSection.objects.get(report=report, key="outlook")
    board.post(reverse("reporting:annual_edition", kwargs={"year": 2025}))
    board.post(
        reverse("reporting:annual_section", kwargs={"year": 2025, "key": "outlook"}),
        {"outlook-version": outlook.version, "outlook-text": "Volgend jaar: nazorg."},
    )
    board.post(reverse("reporting:annual_edition", kwargs={"year": 2025}))
    first, second = AnnualReportEdition.objects.filter(report=report).order_by("number")
    assert first.narrative["outlook"] == "" and second.narrative["outlook"] == "Volgend jaar: nazorg."
    assert first.pdf_sha256 and first.pdf_sha256 != second.pdf_sha256
    page = board.get(reverse("reporting:annual_report"), {"year": 2025}).content.decode()
    assert "Editie 1 downloaden als PDF" in page and "Editie 2 downloaden als PDF" in page


def test_a_stale_narrative_save_keeps_the_text_and_says_why(personas: Personas) -> None:
    report = annual_report_for(personas.house, 2025)
    section = AnnualReportSection.objects.get(report=report, key="year")
    url = reverse("reporting:annual_section", kwargs={"year": 2025, "key": "year"})
    manager, board = personas.client("house_manager"), personas.client("board_member")
    manager.post(url, {"year-version": section.version, "year-text": "Eerste tekst."})
    stale = board.post(url, {"year-version": section.version, "year-text": "Mijn eigen tekst."})
    html = stale.content.decode()
    assert "Iemand anders heeft dit intussen gewijzigd" in html and "Mijn eigen tekst." in html
    section.refresh_from_db()
    assert section.text == "Eerste tekst."
    # The process director reads the report but does not write the board's words.
    assert (
        personas.client("process_director").post(url, {"year-version": section.version, "year-text": "x"}).status_code
        == 403
    )


def test_a_queued_edition_shows_its_progress_and_polls(personas: Personas) -> None:
    report = annual_report_for(personas.house, 2025)
    AnnualReportEdition.objects.create(
        report=report, number=1, requested_by=personas.board_member, threshold=5, status=EditionStatus.RUNNING,
        percent=35, step="Proces- en uitkomstindicatoren",
    )  # fmt: skip
    html = (
        personas.client("board_member").get(reverse("reporting:annual_status", kwargs={"year": 2025})).content.decode()
    )
    assert 'hx-trigger="every 2s"' in html
    assert "Bezig: Proces- en uitkomstindicatoren (35%)." in html
    assert '<progress class="ct-progress" max="100" value="35"' in html
    assert "disabled" in html  # no second edition while one is being made


def test_no_annual_report_of_a_year_that_is_not_over(personas: Personas) -> None:
    client = personas.client("board_member")
    assert client.post(reverse("reporting:annual_edition", kwargs={"year": 2026})).status_code == 404
    assert client.get(reverse("reporting:annual_status", kwargs={"year": 2026})).status_code == 404


def test_outside_figures_need_their_source_and_a_completed_grid_period(personas: Personas) -> None:
    (aland,) = municipalities(personas, "Gemeente Aland")
    client = personas.client("house_manager")
    client.get(reverse("reporting:catalogue"))
    created = client.post(
        reverse("reporting:indicator_add"),
        {
            "key": "politie_incidenten",
            "name": "Incidenten huiselijk geweld (politie)",
            "kind": "output",
            "counts": "Incidenten per woongemeente",
            "unit": "count",
            "source_name": "Politie",
            "grain": "year",
            "owner": "Ketenmanager",
        },
    )
    assert created.status_code == 302
    url = reverse("reporting:external_figure", kwargs={"key": "politie_incidenten"})
    bad = client.post(
        url, {"period": "2026", "municipality": aland.pk, "value": "12,5", "source": "", "status": "provisional"}
    )
    html = unescape(bad.content.decode())
    assert "Voer cijfers in voor een afgelopen periode; deze periode loopt nog." in html
    assert "Noem de bron, bijv. 'Politie, jaaroverzicht 2025'." in html
    assert 'value="12,5"' in html  # nothing typed is lost
    good = client.post(
        url, {"period": "2025", "municipality": aland.pk, "value": "3", "source": "Politie BVH", "status": "definitive"}
    )
    assert good.status_code == 302
    indicator = Indicator.objects.get(house=personas.house, key="politie_incidenten")
    assert indicator.external_figures.get().value == 3
    dashboard = client.get(reverse("reporting:report"), {"period": "2025", "scope": "h"}).content.decode()
    # Three incidents in Aland: a small count, shown as "< 5" with its source.
    assert "Incidenten huiselijk geweld (politie)" in dashboard and "bron Politie BVH, definitief" in dashboard
    assert "&lt; 5" in dashboard
