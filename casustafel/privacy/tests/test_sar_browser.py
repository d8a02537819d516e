"""A subject access request in Chromium: the privacy officer finds the person by BSN, registers
the request, records a legal exception, a restriction and a statement, and reads the overview; a
professional then sees the 'Verwerking beperkt' mark. Every page passes axe-core and the CSP
checks of casustafel.testing.browser."""

from __future__ import annotations

from django.urls import reverse

import pytest
from playwright.sync_api import Page, expect

from casustafel.privacy.subject_access.models import SubjectAccessRequest
from casustafel.testing.browser import follow, sign_in, visit
from casustafel.testing.personas import Personas
from casustafel.testing.sar import BSN, person_in_referral

pytestmark = pytest.mark.browser


def test_privacy_officer_handles_a_subject_access_request(page: Page, personas: Personas) -> None:
    setting = person_in_referral(personas, concern="Zorgen over de veiligheid thuis.")
    sign_in(page, personas.privacy_officer)
    visit(page, reverse("privacy:sar_list"))
    follow(page, page.get_by_role("link", name="Nieuw inzageverzoek registreren").click)

    page.get_by_label("BSN").fill(BSN)
    follow(page, page.get_by_role("button", name="Zoeken").click)
    follow(page, page.get_by_role("button", name="Verzoek registreren voor deze persoon Sanne Visser").click)
    expect(page.get_by_role("status").first).to_contain_text("Het inzageverzoek is geregistreerd")
    sar = SubjectAccessRequest.objects.get()

    page.get_by_label("Lopend strafrechtelijk onderzoek", exact=False).check()
    follow(page, page.get_by_role("button", name="Uitzondering vastleggen").click)
    expect(page.get_by_text("Kies de organisatie(s) waarvan informatie wordt achtergehouden.").first).to_be_visible()
    page.get_by_label(personas.org_b.name).check()
    follow(page, page.get_by_role("button", name="Uitzondering vastleggen").click)
    expect(page.get_by_role("status").first).to_contain_text("De uitzondering is vastgelegd")

    page.get_by_label("Bezwaar ingediend", exact=False).check()
    follow(page, page.get_by_role("button", name="Beperking vastleggen").click)
    expect(page.get_by_role("status").first).to_contain_text("De beperking van de verwerking is vastgelegd")

    follow(page, page.get_by_role("link", name="Overzicht voor de betrokkene bekijken").click)
    expect(page.get_by_text("Zorgen over de veiligheid thuis.")).to_be_visible()
    expect(page.get_by_text(f"Informatie van {personas.org_b.name}. Reden:")).to_be_visible()

    page.context.clear_cookies()
    sign_in(page, personas.professional_a)
    visit(page, reverse("cases:referral_detail", args=[setting.referral.pk]))
    expect(page.locator(f"#party-{setting.party.pk}")).to_contain_text("Verwerking beperkt")
    assert sar.person_id == setting.person.pk
