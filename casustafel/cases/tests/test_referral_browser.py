"""The referrer's pages in Chromium, with htmx doing the partial updates: start a draft, save
sections, get a known person proposed in place and confirm them, submit. Every page and every
swapped-in section passes axe-core and the CSP checks of casustafel.testing.browser."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import Page, expect

from casustafel.cases.models import PartyRole, Referral, ReferralStatus
from casustafel.testing.browser import assert_axe_clean, assert_console_clean, follow, sign_in, swap, visit
from casustafel.testing.cases import CaseFactory, CasePartyFactory, PersonFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import referral_setting

pytestmark = pytest.mark.browser


def test_professional_refers_a_household_with_htmx_sections(page: Page, personas: Personas) -> None:
    setting = referral_setting(personas)
    known = PersonFactory(
        house=personas.house,
        given_names="Daan",
        surname="Mulder",
        date_of_birth=dt.date(1988, 2, 9),
        created_by_organisation=personas.org_b,
    )
    case = CaseFactory(
        referral__referring_organisation=personas.org_b,
        meeting_type=setting.meeting_type,
        process_director=personas.process_director,
    )
    CasePartyFactory(referral=case.referral, person=known)
    sign_in(page, personas.professional_a)

    visit(page, "/casussen/aanmeldingen/")
    follow(page, page.get_by_role("link", name="Nieuwe aanmelding").click)
    page.get_by_label("Huiselijk geweld (via Veilig Thuis)").check()
    page.get_by_label("Gevraagd overlegtype").select_option(label="Casus-op-Maat")
    follow(page, page.get_by_role("button", name="Concept aanmaken").click)
    referral = Referral.objects.get(referrer=personas.professional_a)

    # A section with a missing field comes back in place, with the message at the field.
    concern = page.locator("#section-concern")
    concern.get_by_label("Omschrijving van de zorg").fill(
        "Politie is drie keer geweest na ruzie; de kinderen zijn bang."
    )
    concern.get_by_label("Bron van deze informatie").evaluate("el => el.removeAttribute('required')")
    concern.get_by_role("button", name="Opslaan").click()
    expect(page.locator("#id_concern-concern_source_error")).to_contain_text("Dit veld is verplicht.")
    expect(concern.get_by_label("Omschrijving van de zorg")).to_have_value(
        "Politie is drie keer geweest na ruzie; de kinderen zijn bang."
    )
    assert_axe_clean(page)
    page.locator("#section-concern").get_by_label("Bron van deze informatie").fill("Politiemutaties maart")
    swap(page, page.locator("#section-concern").get_by_role("button", name="Opslaan").click)
    expect(page.locator("#section-concern .ct-saved")).to_contain_text("De omschrijving van de zorg is opgeslagen")

    # A person who is known to the house is proposed in place, explicitly; nothing is added
    # until the professional chooses.
    parties = page.locator("#party-add")
    parties.get_by_label("Voornamen").fill("Daan")
    parties.get_by_label("Achternaam").fill("Mulder")
    parties.get_by_label("Geboortedatum").fill("1988-02-09")
    parties.get_by_label("Rol in de casus").select_option(label="Hoofdpersoon")
    swap(page, parties.get_by_role("button", name="Toevoegen").click)
    expect(page.locator("#party-proposal")).to_contain_text("Nog niet toegevoegd.")
    expect(page.locator("#party-proposal")).to_contain_text("Er is al een persoon met deze naam en geboortedatum")
    expect(page.locator("#party-list li")).to_have_count(0)
    page.get_by_label("Deze geregistreerde persoon gebruiken").check()
    swap(page, parties.get_by_role("button", name="Toevoegen").click)
    row = page.locator("#party-list li").first
    expect(row).to_contain_text("Daan Mulder")
    expect(row.locator(".ct-badge")).to_have_text("Bekend")
    expect(row).to_contain_text("Process Director (procesregisseur)")
    expect(page.get_by_label("Voornamen", exact=True).first).to_have_value("")  # a fresh form for the next

    term = page.locator("#section-term")
    term.get_by_label("Binnen 1 week").check()
    term.get_by_label("Ja, geïnformeerd").check()
    swap(page, term.get_by_role("button", name="Opslaan").click)

    follow(page, page.get_by_role("button", name="Aanmelding indienen").click)
    expect(page.get_by_role("status").first).to_contain_text("Uw aanmelding is ingediend")
    referral.refresh_from_db()
    assert referral.status == ReferralStatus.SUBMITTED
    assert referral.parties.get().person == known and referral.parties.get().role == PartyRole.SUBJECT

    follow(page, page.get_by_role("link", name="Daan Mulder").click)
    expect(page.get_by_role("heading", level=1)).to_have_text("Daan Mulder")
    assert_console_clean(page)


def test_process_director_reads_and_administrator_merges_in_the_browser(page: Page, personas: Personas) -> None:
    setting = referral_setting(personas)
    referral = Referral.objects.create(
        house=personas.house,
        entry_route="field",
        referrer=personas.professional_a,
        referring_organisation=personas.org_a,
        meeting_type=setting.meeting_type,
        status=ReferralStatus.SUBMITTED,
        concern="Zorgen over verwaarlozing.",
    )
    first = PersonFactory(house=personas.house, given_names="Iris", surname="Smit", date_of_birth=dt.date(1990, 1, 1))
    second = PersonFactory(house=personas.house, given_names="Iris", surname="Smit", date_of_birth=dt.date(1990, 1, 1))
    CasePartyFactory(referral=referral, person=first)

    sign_in(page, personas.process_director)
    visit(page, f"/casussen/aanmeldingen/{referral.pk}/")
    expect(page.get_by_role("heading", name="Volledigheid")).to_be_visible()
    visit(page, f"/casussen/aanmeldingen/{referral.pk}/betrokkenen/{referral.parties.get().pk}/")

    page.context.clear_cookies()
    sign_in(page, personas.administrator)
    visit(page, "/casussen/personen/")
    page.get_by_label("Registratienummer dat blijft").fill(str(first.pk))
    page.get_by_label("Registratienummer van de dubbele registratie").fill(str(second.pk))
    follow(page, page.get_by_role("button", name="Vergelijken").click)
    page.once("dialog", lambda dialog: dialog.accept())
    follow(page, page.get_by_role("button", name="Samenvoegen").click)
    expect(page.get_by_role("status").first).to_contain_text("De registraties zijn samengevoegd")
    second.refresh_from_db()
    assert second.merged_into == first
