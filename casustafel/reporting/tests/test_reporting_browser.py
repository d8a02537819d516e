"""The report as a board member uses it, in Chromium: headline figures on the start page, the
report with its inline chart, another period. Every page passes axe-core and the CSP checks of
casustafel.testing.browser (the chart is inline SVG: no inline style may be blocked)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from casustafel.cases.models import EntryRoute
from casustafel.testing.browser import follow, sign_in, visit
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import case_of, meeting_type_of, municipalities, submitted_referral

pytestmark = pytest.mark.browser


def test_board_member_reads_the_report(page: Page, personas: Personas) -> None:
    now = timezone.now()
    (aland,) = municipalities(personas, "Gemeente Aland")
    mt = meeting_type_of(personas, "Casus-op-Maat")
    for index in range(17):
        submitted_referral(
            personas,
            at=now - dt.timedelta(days=20 + 9 * index),
            route=EntryRoute.FIELD if index % 5 else EntryRoute.TOP_X,
            municipality=aland,
            contact_after_hours=30,
        )
    for _ in range(5):
        case_of(personas, meeting_type=mt, opened=now - dt.timedelta(days=40))

    sign_in(page, personas.board_member)
    visit(page, "/")
    headlines = page.locator("section", has=page.get_by_role("heading", name="Kerncijfers van de afgelopen 12 maanden"))
    expect(headlines).to_contain_text("Aanmeldingen: 22")
    follow(page, page.get_by_role("link", name="Naar de rapportage: tabellen, grafiek en export").click)

    expect(page.get_by_role("heading", name="Rapportage", exact=True)).to_be_visible()
    chart = page.get_by_role("img", name="Grafiek: aanmeldingen per maand")
    expect(chart).to_be_visible()
    routes = page.get_by_role("table", name="Aanmeldingen per instroomroute")
    # Top-X (4) is small; the 18 field referrals are hidden too, or 22 - 0 - 18 would give it.
    expect(routes.get_by_role("row", name="Top-X (via gemeente) < 5")).to_be_visible()
    expect(routes.get_by_role("row", name="Veldaanmelding (door een partner) afgeschermd")).to_be_visible()
    expect(routes.get_by_role("row", name="Totaal 22")).to_be_visible()

    page.get_by_label("Van", exact=True).fill("2020-01-01")
    follow(page, page.get_by_role("button", name="Cijfers tonen").click)
    expect(page.get_by_text("Kies een periode van ten hoogste 60 kalendermaanden.")).to_be_visible()
    expect(page.get_by_label("Van", exact=True)).to_have_value("2020-01-01")

    start = (now - dt.timedelta(days=100)).date().isoformat()
    page.get_by_label("Van", exact=True).fill(start)
    follow(page, page.get_by_role("button", name="Cijfers tonen").click)
    expect(page.get_by_role("table", name="Aanmeldingen per maand")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="Exporteren als CSV").click()
    assert download.value.suggested_filename.endswith(".csv")
