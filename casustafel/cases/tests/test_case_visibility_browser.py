"""Need-to-know inside an organisation in Chromium (issue 7, point 4): the administrator limits the
police's cases to the people named, the process director names a colleague on the case page, and
that colleague can open the case. A password an administrator set must be changed first (point
16). Every page passes axe-core and the CSP checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from casustafel.organisations.models import CaseVisibility, Role
from casustafel.organisations.services import user_set_password
from casustafel.testing.browser import follow, sign_in, visit
from casustafel.testing.involvements import involve, open_case
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.browser


def test_the_police_limits_its_cases_and_the_process_director_names_a_colleague(page: Page, personas: Personas) -> None:
    setting = open_case(personas)
    colleague = personas.add("wijkagent", organisation=personas.org_b, role=Role.PROFESSIONAL)
    involve(personas, setting.case, personas.org_b, reason="Politie: huiselijk geweld", named=[personas.professional_b])

    sign_in(page, personas.administrator)
    visit(page, f"/beheer/organisaties/{personas.org_b.pk}/wijzigen/")
    page.get_by_label("Alleen de medewerkers die bij de casus zijn genoemd, de ambassadeur en hun vervangers").check()
    follow(page, page.get_by_role("button", name="Opslaan").click)
    expect(page.get_by_role("status").first).to_contain_text("De organisatie is opgeslagen")
    personas.org_b.refresh_from_db()
    assert personas.org_b.case_visibility == CaseVisibility.NAMED

    page.context.clear_cookies()
    sign_in(page, colleague)
    visit(page, f"/casussen/{setting.case.pk}/", status=404)

    page.context.clear_cookies()
    sign_in(page, personas.process_director)
    visit(page, f"/casussen/{setting.case.pk}/")
    row = page.locator("tr", has_text=personas.org_b.name)
    expect(row).to_contain_text("plus de ambassadeur en vervangers")
    row.get_by_text("Genoemde medewerkers wijzigen").click()
    for name in (personas.professional_b.full_name, "Wijkagent"):
        row.get_by_role("checkbox", name=name).check()
    follow(page, row.get_by_role("button", name="Opslaan").click)
    expect(page.get_by_role("status").first).to_contain_text(f"De genoemde medewerkers van {personas.org_b.name}")
    expect(page.locator("tr", has_text=personas.org_b.name)).to_contain_text("Wijkagent")

    page.context.clear_cookies()
    sign_in(page, colleague)
    visit(page, f"/casussen/{setting.case.pk}/")


def test_a_temporary_password_is_changed_before_anything_else(page: Page, personas: Personas) -> None:
    user = personas.professional_a
    user_set_password(actor=actor_for(personas, "administrator"), user=user, password="Tijdelijk-wachtwoord-77")
    sign_in(page, user)
    visit(page, "/casussen/")
    assert page.url.endswith("/wachtwoord/")  # sent there from the case list
    expect(page.get_by_role("status").first).to_contain_text("U bent ingelogd met een tijdelijk wachtwoord")
    page.get_by_label("Oud wachtwoord").fill("Tijdelijk-wachtwoord-77")
    page.get_by_label("Nieuw wachtwoord", exact=True).fill("Een-eigen-lange-zin-2026")
    page.get_by_label("Nieuw wachtwoord bevestigen").fill("Een-eigen-lange-zin-2026")
    follow(page, page.get_by_role("button", name="Wachtwoord wijzigen").click)
    visit(page, "/casussen/")
    expect(page.get_by_role("heading", name="Mijn casussen")).to_be_visible()
