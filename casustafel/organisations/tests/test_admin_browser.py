"""The administrator's and a professional's flows in Chromium: organisations, users,
memberships, MFA reset and substitutions. Every page passes axe-core and the CSP checks of
casustafel.testing.browser, including the pages re-rendered with errors."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from casustafel.accounts.models import User
from casustafel.organisations.models import Membership, Organisation, Substitution
from casustafel.testing.browser import follow, sign_in, visit
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.browser

PASSWORD = "Lange-zin-met-koffie-2026"


def test_administrator_manages_organisations_users_and_memberships(page: Page, personas: Personas) -> None:
    sign_in(page, personas.administrator)
    visit(page, "/")
    follow(page, page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Organisaties").click)
    follow(page, page.get_by_role("link", name="Nieuwe organisatie").click)
    page.get_by_label("Naam").fill("Reclassering Testregio")
    page.get_by_label("Sector").select_option(label="Drang (reclassering, jeugdbescherming)")
    page.get_by_label("Algemeen e-mailadres").fill("geen-adres")
    follow(page, page.get_by_role("button", name="Opslaan").click)
    expect(page.locator("#id_contact_email_error")).to_contain_text("Voer een geldig e-mailadres in.")
    expect(page.get_by_label("Naam")).to_have_value("Reclassering Testregio")
    page.get_by_label("Algemeen e-mailadres").fill("info@reclassering.example")
    follow(page, page.get_by_role("button", name="Opslaan").click)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Reclassering Testregio")

    follow(page, page.get_by_role("link", name="Gegevens wijzigen of organisatie (de)activeren").click)
    page.get_by_label("Actief: neemt deel aan het huis").uncheck()
    follow(page, page.get_by_role("button", name="Opslaan").click)
    assert not Organisation.objects.get(name="Reclassering Testregio").is_active

    follow(page, page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Gebruikers").click)
    page.get_by_label("Zoek op naam of e-mailadres").fill("ambassador")
    follow(page, page.get_by_role("button", name="Zoeken").click)
    expect(page.locator("tbody tr")).to_have_count(1)

    follow(page, page.get_by_role("link", name="Nieuwe gebruiker").click)
    page.get_by_label("E-mailadres").fill("yara.bakker@example.org")
    page.get_by_label("Naam", exact=True).fill("Yara Bakker")
    page.get_by_label("Organisatie", exact=True).select_option(label="Veilig Thuis Testregio")
    page.get_by_label("Rol", exact=True).select_option(label="Professional")
    page.get_by_label("Eerste wachtwoord (niet verplicht)", exact=True).fill(PASSWORD)
    page.get_by_label("Eerste wachtwoord nogmaals").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Gebruiker aanmaken").click)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Yara Bakker")
    user = User.objects.get(email="yara.bakker@example.org")
    assert user.check_password(PASSWORD)

    follow(page, page.get_by_role("link", name="Lidmaatschap toevoegen").click)
    page.get_by_label("Organisatie", exact=True).select_option(label="Politie Testregio")
    page.get_by_label("Rol", exact=True).select_option(label="Professional")
    page.get_by_label("Ingangsdatum").fill("2026-03-01")
    page.get_by_label("Einddatum").fill("2026-02-01")
    follow(page, page.get_by_role("button", name="Toevoegen").click)
    expect(page.locator("#id_end_date_error")).to_contain_text("De einddatum ligt vóór de ingangsdatum.")
    page.get_by_label("Einddatum").fill("")
    follow(page, page.get_by_role("button", name="Toevoegen").click)
    police = Membership.objects.get(user=user, organisation=personas.org_b)

    follow(page, page.get_by_role("link", name="Wijzigen (lidmaatschap Politie Testregio, Professional)").click)
    page.get_by_label("Ambassadeur: vast aanspreekpunt van de organisatie in het huis").check()
    page.get_by_label("Functie").fill("Wijkagent")
    follow(page, page.get_by_role("button", name="Opslaan").click)
    police.refresh_from_db()
    assert police.is_ambassador and police.job_title == "Wijkagent"

    follow(page, page.get_by_role("link", name="Beëindigen (lidmaatschap Politie Testregio, Professional)").click)
    follow(page, page.get_by_role("button", name="Lidmaatschap beëindigen").click)
    police.refresh_from_db()
    assert police.end_date == timezone.localdate()


def test_administrator_resets_a_second_factor_and_sets_a_first_password(page: Page, personas: Personas) -> None:
    newcomer = Membership.objects.create(
        user=User.objects.create(email="nieuw@example.org", full_name="Nieuwe Collega"),
        organisation=personas.org_a,
        role="professional",
    ).user
    newcomer.set_unusable_password()
    newcomer.save()
    sign_in(page, personas.administrator)
    visit(page, f"/beheer/gebruikers/{newcomer.pk}/")
    follow(page, page.get_by_role("link", name="Eerste wachtwoord instellen").click)
    page.get_by_label("Eerste wachtwoord", exact=True).fill("kort")
    page.get_by_label("Eerste wachtwoord nogmaals").fill("kort")
    follow(page, page.get_by_role("button", name="Wachtwoord instellen").click)
    expect(page.locator("#id_password_error")).to_contain_text("Dit wachtwoord is te kort")
    page.get_by_label("Eerste wachtwoord", exact=True).fill(PASSWORD)
    page.get_by_label("Eerste wachtwoord nogmaals").fill(PASSWORD)
    follow(page, page.get_by_role("button", name="Wachtwoord instellen").click)
    assert User.objects.get(pk=newcomer.pk).check_password(PASSWORD)

    visit(page, f"/beheer/gebruikers/{personas.professional_a.pk}/")
    follow(page, page.get_by_role("link", name="Tweede factor wissen").click)
    follow(page, page.get_by_role("button", name="Tweede factor wissen").click)
    expect(page.locator("#id_confirm_error")).to_contain_text("Bevestig dat u de identiteit")
    page.get_by_label("Ik heb vastgesteld dat dit verzoek van de gebruiker zelf komt").check()
    follow(page, page.get_by_role("button", name="Tweede factor wissen").click)
    expect(page.get_by_role("status").first).to_contain_text("De tweede factor is gewist")


def test_professional_records_and_revokes_a_substitute(page: Page, personas: Personas) -> None:
    sign_in(page, personas.professional_a)
    visit(page, "/")
    follow(page, page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role("link", name="Vervangingen").click)
    follow(page, page.get_by_role("link", name="Vervanging vastleggen").click)
    page.get_by_label("Wie is afwezig").select_option(index=1)
    page.get_by_label("Vervanger").select_option(label="Ambassador A (ambassador_a@example.org)")
    start = timezone.localtime() + dt.timedelta(hours=2)
    page.get_by_label("Van", exact=True).fill(start.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Tot", exact=True).fill((start + dt.timedelta(days=120)).strftime("%Y-%m-%dT%H:%M"))
    page.get_by_label("Reden").fill("Verlof")
    follow(page, page.get_by_role("button", name="Vastleggen").click)
    expect(page.locator("#id_ends_at_error")).to_contain_text("hoogstens drie maanden")
    expect(page.get_by_label("Reden")).to_have_value("Verlof")
    page.get_by_label("Tot", exact=True).fill((start + dt.timedelta(days=14)).strftime("%Y-%m-%dT%H:%M"))
    follow(page, page.get_by_role("button", name="Vastleggen").click)
    expect(page.get_by_role("status").first).to_contain_text("De vervanging is vastgelegd")
    substitution = Substitution.objects.get()
    assert substitution.substitute == personas.ambassador_a

    follow(page, page.get_by_role("button", name="Intrekken").click)
    expect(page.get_by_role("status").first).to_contain_text("De vervanging is ingetrokken")
    substitution.refresh_from_db()
    assert substitution.revoked_at is not None
