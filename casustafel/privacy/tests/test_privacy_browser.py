"""The covenant and the access log in Chromium: an administrator drafts, fills in and publishes
the covenant; the privacy officer reads it, the chair's reminder and the access log, and checks
the log's integrity. Every page passes axe-core and the CSP checks of casustafel.testing.browser."""

from __future__ import annotations

from django.core.management import call_command

import pytest
from playwright.sync_api import Page, expect

from casustafel.audit.models import AuditAction
from casustafel.meeting_types.models import MeetingType
from casustafel.privacy.models import CovenantVersion, LegalBasis, Visibility
from casustafel.testing.browser import assert_axe_clean, follow, sign_in, visit
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import log_event

pytestmark = pytest.mark.browser


def test_administrator_publishes_and_privacy_officer_reads(
    page: Page, personas: Personas, meeting_type: MeetingType
) -> None:
    sign_in(page, personas.administrator)
    visit(page, "/privacy/convenant/")
    follow(page, page.get_by_role("button", name="Convenant vastleggen").click)

    page.get_by_label("Geldig vanaf").fill("2026-01-01")
    page.get_by_label("Ondertekend / vastgesteld").fill("Ondertekend door de stuurgroep op 5 december 2025")
    page.get_by_label(
        "Veilig Thuis Testregio – Zorg (Veilig Thuis, GGZ, verslavingszorg, maatschappelijk werk)"
    ).check()
    page.get_by_label("Politie Testregio – Strafrecht (politie, OM, Raad voor de Kinderbescherming)").check()
    follow(page, page.get_by_role("button", name="Opslaan").click)
    expect(page.get_by_role("status").first).to_contain_text("De versie is opgeslagen")

    follow(page, page.get_by_role("link", name="Afspraken voor Casus-op-Maat wijzigen").click)
    page.get_by_label("Grondslag", exact=True).select_option(LegalBasis.WJSG)
    page.get_by_label("mag inzien – Gemeente, Zorggegevens (medisch, GGZ, verslaving)").select_option(Visibility.NONE)
    follow(page, page.get_by_role("button", name="Opslaan").click)
    expect(page.locator("#rule-" + str(meeting_type.covenant_rules.get().pk))).to_contain_text("Wjsg")

    follow(page, page.get_by_role("button", name="Versie 1 publiceren").click)
    expect(page.get_by_role("status").first).to_contain_text("Versie 1 van het convenant is gepubliceerd")
    assert CovenantVersion.objects.get().published_at is not None

    page.context.clear_cookies()
    sign_in(page, personas.privacy_officer)
    visit(page, "/privacy/convenant/")
    expect(page.get_by_text("neemt niet deel").first).to_be_visible()
    follow(page, page.get_by_role("link", name="Privacy-instructie voor de voorzitter van Casus-op-Maat").click)
    expect(page.get_by_text("Deel alleen wat nodig is voor de aanpak.")).to_be_visible()

    log_event(personas.memberships["professional_a"], AuditAction.READ, case_id=4242)
    follow(page, page.get_by_role("link", name="Logboek").click)
    page.get_by_label("Casus-id").fill("4242")
    follow(page, page.get_by_role("button", name="Filter toepassen").click)
    # The professional's read, and the officer's own search for the case (logged too).
    expect(page.get_by_role("cell", name="4242")).to_have_count(2)
    expect(page.get_by_role("cell", name="gezocht")).to_be_visible()
    # The user filter is a search over the house's people, never a list of all of them.
    with page.expect_response(lambda response: "/logboek/gebruikers/" in response.url):
        page.get_by_label("Zoek een gebruiker op naam, e-mailadres of organisatie").fill("professional")
    page.get_by_label("Professional A (Veilig Thuis Testregio)").check()
    assert_axe_clean(page)
    follow(page, page.get_by_role("button", name="Filter toepassen").click)
    expect(page.get_by_role("radio", name="Professional A", exact=True)).to_be_checked()
    expect(page.get_by_role("cell", name="4242")).to_have_count(1)  # the officer's own search left out
    # Finding a person by name needs the date of birth too; what was typed stays.
    page.get_by_label("Achternaam").fill("Jansen")
    follow(page, page.get_by_role("button", name="Betrokkene zoeken").click)
    expect(page.get_by_text("Zoek op BSN, of op achternaam én geboortedatum.").first).to_be_visible()
    expect(page.get_by_label("Achternaam")).to_have_value("Jansen")
    follow(page, page.get_by_role("link", name="Logboek", exact=True).first.click)
    follow(page, page.get_by_role("link", name="Integriteit van het logboek controleren").click)
    follow(page, page.get_by_role("button", name="Volledige controle starten").click)
    expect(page.get_by_text("wacht tot de achtergrondverwerking haar oppakt")).to_be_visible()
    # The task worker runs the check outside any request; the page polls its progress.
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    expect(page.get_by_text("Het logboek is intact")).to_be_visible(timeout=10_000)
