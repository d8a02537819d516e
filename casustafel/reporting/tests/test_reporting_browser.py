"""The reports as their users click them, in Chromium. Every page passes axe-core and the CSP
checks of casustafel.testing.browser (the charts are inline SVG: no inline style may be
blocked).

- A board member opens the dashboard from the start page, picks last year, reads the tables and
  the chart, finds no way to the cases behind a number, writes the foreword of the annual report,
  asks for an edition and downloads its PDF and XLSX.
- A process director drills down from a count to the cases behind it and opens one.
"""

from __future__ import annotations

import datetime as dt
import re

from django.test import override_settings
from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from casustafel.cases.models import EntryRoute
from casustafel.testing.browser import follow, sign_in, visit
from casustafel.testing.indicators import discussed, episode
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import meeting_type_of, municipalities, submitted_referral

pytestmark = pytest.mark.browser
IMMEDIATE = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


def last_year() -> int:
    return timezone.localdate().year - 1


def at(month: int, day: int) -> dt.datetime:
    return timezone.make_aware(dt.datetime(last_year(), month, day, 10))


def seed(personas: Personas) -> None:
    """Counts of 0 or at least 5 in every cell of the linked tables (route x municipality x
    month), so the route table is published as it is: 20 referrals in February (5 per route and
    municipality), 12 cases opened in March (6 per municipality, their referrals submitted on
    1 March), discussed in April."""
    aland, bedum = municipalities(personas, "Gemeente Aland", "Gemeente Bedum")
    mt = meeting_type_of(personas, "MDA++")
    for index in range(20):
        submitted_referral(
            personas,
            at=at(2, 1 + index),
            route=EntryRoute.TOP_X if index % 4 < 2 else EntryRoute.FIELD,
            municipality=aland if index % 2 else bedum,
            contact_after_hours=20,
        )
    for index in range(12):
        municipality = aland if index % 2 else bedum
        case = episode(
            personas, meeting_type=mt, opened=at(3, 2 + index), submitted=at(3, 1), municipality=municipality
        )
        discussed(personas, case, at(4, 1 + index))


@override_settings(TASKS=IMMEDIATE)
def test_board_member_reads_the_dashboard_and_downloads_the_annual_report(page: Page, personas: Personas) -> None:
    seed(personas)
    year = str(last_year())
    sign_in(page, personas.board_member)
    visit(page, "/")
    follow(page, page.get_by_role("link", name="Naar de rapportage: tabellen, grafiek en export").click)
    expect(page.get_by_role("heading", name="Rapportage", exact=True)).to_be_visible()

    page.get_by_label("Periode", exact=True).select_option(year)
    follow(page, page.get_by_role("button", name="Cijfers tonen").click)
    routes = page.get_by_role("table", name="Aanmeldingen per instroomroute")
    # 32 referrals: 10 via Top-X, 10 + 12 field referrals.
    expect(routes.get_by_role("row", name="Top-X (via gemeente) 10")).to_be_visible()
    expect(routes.get_by_role("row", name="Veldaanmelding (door een partner) 22")).to_be_visible()
    expect(routes.get_by_role("row", name="Totaal 32")).to_be_visible()
    expect(page.get_by_role("img", name="Staafdiagram: Aanmeldingen per maand")).to_be_visible()
    expect(page.get_by_role("table", name="Aanmeldingen per maand")).to_be_visible()
    # The board never drills down: the 12 cases opened are a number, not a link.
    opened = page.get_by_role("table", name="Casussen geopend", exact=True)
    expect(opened.get_by_role("row", name="Totaal 12")).to_be_visible()
    expect(page.locator("a[href*='/rapportage/casussen/']")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteren als Excel (XLSX)").click()
    assert download.value.suggested_filename.endswith(".xlsx")

    follow(page, page.get_by_role("link", name="Jaarverslag", exact=True).click)
    page.get_by_label("Jaar", exact=True).select_option(year)
    follow(page, page.get_by_role("button", name="Jaar tonen").click)
    expect(page.get_by_role("heading", name=f"Jaarverslag {year}", exact=True)).to_be_visible()
    foreword = page.locator("#section-foreword")
    foreword.get_by_label("Tekst").fill("Het huis besprak meer casussen dan ooit.")
    follow(page, foreword.get_by_role("button", name="'Voorwoord van het bestuur' opslaan").click)
    expect(page.get_by_text("Het hoofdstuk 'Voorwoord van het bestuur' is opgeslagen.")).to_be_visible()
    expect(page.locator("#section-foreword").get_by_label("Tekst")).to_have_value(
        "Het huis besprak meer casussen dan ooit."
    )

    follow(page, page.get_by_role("button", name="Nieuwe editie maken (PDF en Excel)").click)
    expect(page.get_by_text("Editie 1 wordt op de achtergrond gemaakt")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Editie 1 downloaden als PDF").click()
    assert download.value.suggested_filename == f"jaarverslag-{year}-editie-1.pdf"
    with open(download.value.path(), "rb") as pdf:
        assert pdf.read(5) == b"%PDF-"
    with page.expect_download() as download:
        page.get_by_role("link", name="Editie 1 downloaden als Excel (XLSX)").click()
    assert download.value.suggested_filename == f"jaarverslag-{year}-editie-1.xlsx"


def test_process_director_drills_down_from_a_count_to_the_cases(page: Page, personas: Personas) -> None:
    seed(personas)
    sign_in(page, personas.process_director)
    visit(page, f"/rapportage/?period={last_year()}&scope=h")
    opened = page.get_by_role("table", name="Casussen geopend", exact=True)
    follow(page, opened.get_by_role("link", name="12 (Totaal): toon de casussen").click)
    expect(page.get_by_role("heading", name="Casussen achter een cijfer: Casussen geopend")).to_be_visible()
    expect(
        page.get_by_text("Casussen geopend in de periode; eerste episodes en heraanmeldingen apart.")
    ).to_be_visible()
    cases = page.get_by_role("table", name="Casussen achter het cijfer")
    expect(cases.get_by_role("row")).to_have_count(13)  # the header and the 12 cases
    back = page.get_by_role("link", name=f"Terug naar de rapportage ({last_year()}, ", exact=False)
    follow(page, back.click)
    expect(page.get_by_label("Periode", exact=True)).to_have_value(str(last_year()))
    follow(page, opened.get_by_role("link", name="12 (Totaal): toon de casussen").click)
    follow(page, cases.get_by_role("link").first.click)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Casus")


def test_house_manager_sets_a_target_and_enters_a_figure_from_another_source(page: Page, personas: Personas) -> None:
    seed(personas)
    year = str(last_year())
    sign_in(page, personas.house_manager)
    visit(page, "/rapportage/catalogus/")
    follow(page, page.get_by_role("link", name="Eerste contact binnen de norm").click)
    revise = page.get_by_role("form", name="Definitie wijzigen")
    revise.get_by_label("Streefwaarde", exact=False).first.fill("tachtig")
    revise.get_by_label("De streefwaarde is").select_option(label="minimaal")
    revise.get_by_label("Waarom deze wijziging").fill("Norm van het bestuur")
    follow(page, revise.get_by_role("button", name="Nieuwe versie opslaan").click)
    # Refused next to the field in Dutch; what was typed stays.
    expect(page.get_by_text("Vul een getal in, bijv. 80 of 7,5.")).to_be_visible()
    revise = page.get_by_role("form", name="Definitie wijzigen")
    expect(revise.get_by_label("Waarom deze wijziging")).to_have_value("Norm van het bestuur")
    revise.get_by_label("Streefwaarde", exact=False).first.fill("62,5")
    follow(page, revise.get_by_role("button", name="Nieuwe versie opslaan").click)
    expect(page.get_by_text("De nieuwe versie van de definitie is vastgelegd.")).to_be_visible()
    expect(page.get_by_role("heading", name="Definitie (versie 2)")).to_be_visible()

    # 20 referrals contacted after 20 hours (within the 48-hour norm), 12 never: 20 / 32 = 62.5%,
    # exactly the target.
    visit(page, f"/rapportage/?period={year}&scope=h")
    summary = page.get_by_role("table", name=f"Kerncijfers en streefwaarden, {year}", exact=False)
    expect(summary.get_by_role("row", name="Eerste contact binnen de norm")).to_contain_text(
        "62,5% van de aanmeldingen waarvan de termijn in de periode afliep minimaal 62,5% — streefwaarde gehaald"
    )

    visit(page, "/rapportage/catalogus/")
    follow(page, page.get_by_role("link", name="Indicator uit een andere bron toevoegen").click)
    page.get_by_label("Sleutel").fill("politie_incidenten")
    page.get_by_label("Naam").fill("Incidenten huiselijk geweld (politie)")
    page.get_by_label("Wat telt het").fill("Incidenten huiselijk geweld per gemeente, volgens de politie.")
    page.get_by_label("Bron").fill("Politie Midden-Nederland, incidentregistratie")
    page.get_by_label("Eigenaar").fill("Ketenmanager")
    follow(page, page.get_by_role("button", name="Toevoegen").click)
    expect(page.get_by_text("De indicator staat in de catalogus; voer nu de cijfers in.")).to_be_visible()
    figure = page.get_by_role("form", name="Cijfer invoeren of verbeteren")
    figure.get_by_label("Periode").fill(year)
    figure.get_by_label("Gemeente").select_option(label="Gemeente Aland")
    figure.get_by_label("Waarde").fill("37")
    figure.get_by_label(re.compile("^Bron")).fill("Politie, jaarcijfers")
    follow(page, figure.get_by_role("button", name="Cijfer vastleggen").click)
    expect(page.get_by_text("Het cijfer is vastgelegd.")).to_be_visible()
    figures = page.get_by_role("table", name="Ingevoerde cijfers")
    expect(figures.get_by_role("row", name=f"{year} Gemeente Aland 37")).to_be_visible()
