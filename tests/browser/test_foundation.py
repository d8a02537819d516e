"""The foundation as a person uses it, in Chromium: log in, enrol and use the second factor,
the main pages, the language switch and the error page. Every page passes axe-core and the CSP
checks of casustafel.testing.browser."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.utils import timezone, translation
from django.utils.translation import gettext

import pytest
import time_machine
from playwright.sync_api import Page, expect

from casustafel.accounts.models import User
from casustafel.organisations.models import Role
from casustafel.testing.browser import authenticator_code, follow, visit
from casustafel.testing.factories import (
    TEST_PASSWORD,
    MembershipFactory,
    OrganisationFactory,
    SafetyHouseFactory,
    UserFactory,
)

pytestmark = pytest.mark.browser

ENGLISH_PO = Path(__file__).resolve().parents[2] / "casustafel" / "locale" / "en" / "LC_MESSAGES" / "django.po"


@pytest.fixture
def new_administrator(transactional_db: None) -> User:
    """An administrator of a house's office who has not set up a second factor yet."""
    house = SafetyHouseFactory(name="Zorg- en Veiligheidshuis Testregio")
    office = OrganisationFactory(house=house, house_office=True)
    user = UserFactory(email="nieuwe.beheerder@example.org", full_name="Noor Nieuw")
    MembershipFactory(user=user, organisation=office, role=Role.ADMINISTRATOR)
    return user


def _log_in(page: Page, email: str, password: str) -> None:
    visit(page, "/inloggen/")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    follow(page, page.get_by_role("button", name="Inloggen").click)


def _heading(page: Page) -> str:
    return page.get_by_role("heading", level=1).inner_text()


def _open_from_menu(page: Page, name: str) -> None:
    menu = page.get_by_role("navigation", name="Hoofdnavigatie")
    follow(page, menu.get_by_role("link", name=name, exact=True).click)
    expect(menu.get_by_role("link", name=name, exact=True)).to_have_attribute("aria-current", "page")


def test_new_user_enrols_a_second_factor_logs_in_again_and_finds_the_pages(
    page: Page, new_administrator: User, live_server: object
) -> None:
    _log_in(page, new_administrator.email, TEST_PASSWORD)
    assert page.url.endswith("/inloggen/tweede-factor/")
    assert _heading(page) == "Tweede factor instellen"

    # What the person types into the authenticator app: the key under the QR code.
    secret = page.locator(".ct-secret").inner_text()
    page.get_by_label("Code uit uw authenticator-app").fill(authenticator_code(secret))
    follow(page, page.get_by_role("button", name="Instellen").click)
    assert page.url == f"{live_server}/"
    assert _heading(page) == "Goedendag, Noor"
    expect(page.get_by_role("status").first).to_contain_text("De tweede factor is ingesteld")

    follow(page, page.get_by_role("button", name="Uitloggen").click)
    assert "/inloggen/" in page.url

    # A code is accepted once (django-otp remembers the last time step), so the person comes
    # back a minute later, when the app shows a new code.
    with time_machine.travel(timezone.now() + dt.timedelta(minutes=1), tick=True):
        _log_in(page, new_administrator.email, TEST_PASSWORD)
        assert page.url.endswith("/inloggen/code/")
        assert _heading(page) == "Tweede stap: code invoeren"
        page.get_by_label("Code uit uw authenticator-app").fill(authenticator_code(secret))
        follow(page, page.get_by_role("button", name="Controleren").click)
        assert page.url == f"{live_server}/"

        _open_from_menu(page, "Mijn account")
        assert _heading(page) == "Mijn account"
        _open_from_menu(page, "Vervangingen")
        assert _heading(page) == "Vervangingen"
        _open_from_menu(page, "Organisaties")
        assert _heading(page) == "Organisaties"
        _open_from_menu(page, "Gebruikers")
        assert _heading(page) == "Gebruikers"

        visit(page, "/bestaat-niet/", status=404)
        assert _heading(page) == "Pagina niet gevonden"
        expect(page.locator("html")).to_have_attribute("lang", "nl")


def test_language_switch_in_the_header_shows_the_pages_in_english(page: Page, new_administrator: User) -> None:
    _log_in(page, new_administrator.email, TEST_PASSWORD)
    assert _heading(page) == "Tweede factor instellen"

    # Each language is named in itself; choosing one applies it at once.
    expect(page.locator("#language-select option")).to_have_text(["Nederlands", "English"])
    follow(page, lambda: page.get_by_label("Taal").select_option("en"))

    # Back on the same page, now in English; the list still names each language in itself.
    assert page.url.endswith("/inloggen/tweede-factor/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#language-select option:checked")).to_have_attribute("value", "en")
    expect(page.locator("#language-select option")).to_have_text(["Nederlands", "English"])

    if ENGLISH_PO.exists():
        with translation.override("en"):
            english = gettext("Tweede factor instellen")
        assert english != "Tweede factor instellen", "no English translation (compiled .mo) for the heading"
        assert _heading(page) == english

    # Without a pointer: arrow keys only step through the list; Enter applies the choice.
    page.get_by_label("Language").focus()
    page.keyboard.press("ArrowUp")
    page.wait_for_timeout(300)
    assert page.url.endswith("/inloggen/tweede-factor/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    follow(page, lambda: page.keyboard.press("Enter"))
    expect(page.locator("html")).to_have_attribute("lang", "nl")
    # The button stays as the fallback without JavaScript.
    expect(page.get_by_role("button", name="Wissel")).to_be_visible()


def test_wrong_password_is_refused_with_a_dutch_message(page: Page, new_administrator: User) -> None:
    _log_in(page, new_administrator.email, "Niet-het-wachtwoord-1")
    assert page.url.endswith("/inloggen/")
    expect(page.get_by_text("Het e-mailadres of het wachtwoord is onjuist.")).to_be_visible()
    expect(page.get_by_label("E-mailadres")).to_have_value(new_administrator.email)


def test_the_demo_banner_and_every_landmark_pass_axe(page: Page, settings: object) -> None:
    """In the demo (second factor relaxed) the banner sits in the page header's landmark; the
    report's regions each have their own name."""
    from casustafel.testing.browser import sign_in
    from casustafel.testing.personas import build_personas

    settings.MFA_REQUIRED = False  # type: ignore[attr-defined]
    personas = build_personas()
    sign_in(page, personas.board_member)
    visit(page, "/")
    expect(page.locator("header .ct-banner")).to_contain_text("Demo-omgeving")
    visit(page, "/rapportage/")
    # Every named region of the dashboard (panels, charts, tables) has a name of its own.
    names = page.locator("main section[aria-labelledby]").evaluate_all(
        "els => els.map(e => document.getElementById(e.getAttribute('aria-labelledby'))?.textContent.trim())"
    )
    assert names and len(names) == len(set(names)), names
