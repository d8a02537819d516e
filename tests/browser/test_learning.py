"""The learning cycle in Chromium: the process director prepares a self-assessment round of the
factors of seed 001, invites a Veilig Thuis professional and opens it; the professional finds it
on the start page, answers part of it, saves, comes back, sends it in; then records the hours
their organisation spent preparing (zero hours are refused next to the field with the note
kept). Every page passes axe-core and the CSP checks of casustafel.testing.browser."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from casustafel.learning.models import AssessmentAnswer, AssessmentInvitation, EffortEntry, SelfAssessment
from casustafel.testing.browser import follow, sign_in, visit
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.browser


def test_a_round_is_prepared_answered_and_an_effort_entry_recorded(page: Page, personas: Personas) -> None:
    closes_on = timezone.localdate() + dt.timedelta(days=14)

    # 1. The process director prepares the round, invites professional_a and opens it.
    sign_in(page, personas.process_director)
    visit(page, "/leren/")
    follow(page, page.get_by_role("link", name="Nieuwe zelfevaluatie").click)
    page.get_by_label("Bevorderende en belemmerende factoren").check()
    page.get_by_label("Titel").fill("Zorgoverleg, najaar")
    page.get_by_label("Sluit op").fill((timezone.localdate() - dt.timedelta(days=1)).isoformat())
    follow(page, page.get_by_role("button", name="Zelfevaluatie aanmaken").click)
    expect(page.locator("main")).to_contain_text("De sluitdatum ligt in het verleden.")
    expect(page.get_by_label("Titel")).to_have_value("Zorgoverleg, najaar")
    page.get_by_label("Sluit op").fill(closes_on.isoformat())
    follow(page, page.get_by_role("button", name="Zelfevaluatie aanmaken").click)
    assessment = SelfAssessment.objects.get()
    page.get_by_label(f"{personas.professional_a.full_name} ({personas.org_a.name}", exact=False).check()
    follow(page, page.get_by_role("button", name="Uitnodigen").click)
    follow(page, page.get_by_role("button", name="Zelfevaluatie openen").click)
    expect(page.locator("main")).to_contain_text("de deelnemers hebben bericht")

    # 2. The professional finds the round on the start page and answers part of it.
    page.context.clear_cookies()
    sign_in(page, personas.professional_a)
    visit(page, "/")
    expect(page.locator("[aria-labelledby=section-open_assessments]")).to_contain_text("Zorgoverleg, najaar")
    follow(page, page.get_by_role("link", name="Zorgoverleg, najaar").click)
    chair = page.get_by_role("group", name="Sturende rol van de voorzitter")
    chair.get_by_label("Mee eens", exact=True).check()
    privacy = page.get_by_role("group", name="Onzekerheid en onduidelijkheid over privacy")
    privacy.get_by_label("Oneens", exact=True).check()
    follow(page, page.get_by_role("button", name="Bewaren en later verder").click)
    expect(page.locator("main")).to_contain_text("Uw antwoorden zijn bewaard")
    expect(
        page.get_by_role("group", name="Sturende rol van de voorzitter").get_by_label("Mee eens", exact=True)
    ).to_be_checked()
    page.get_by_label("Wil je een van de antwoorden toelichten").fill("De voorzitter vat de acties steeds samen.")
    follow(page, page.get_by_role("button", name="Insturen").click)
    expect(page.locator("main")).to_contain_text("uw antwoorden zijn ingestuurd")
    invitation = AssessmentInvitation.objects.get(assessment=assessment)
    assert invitation.submitted_at is not None
    assert dict(AssessmentAnswer.objects.filter(invitation=invitation).values_list("question", "choice")) == {
        "f_chair_steers": "agree",
        "h_privacy_unclear": "disagree",
        "f_remarks": "",
    }

    # 3. The hours of preparing: zero is refused next to the field, the note stays.
    visit(page, "/leren/inspanning/")
    page.get_by_label("Maand").fill(f"{timezone.localdate():%Y-%m}")
    page.get_by_label("Activiteit").select_option(label="Voorbereiden")
    page.get_by_label("Meerwerk (uren besteed)").check()
    page.get_by_label("Uren", exact=True).fill("0")
    page.get_by_label("Geschat").check()
    page.get_by_label("Toelichting").fill("Dossiers doorlezen voor het zorgoverleg")
    follow(page, page.get_by_role("button", name="Uren vastleggen").click)
    expect(page.locator("main")).to_contain_text("Vul een aantal uren in groter dan 0")
    expect(page.get_by_label("Toelichting")).to_have_value("Dossiers doorlezen voor het zorgoverleg")
    page.get_by_label("Uren", exact=True).fill("2,5")
    follow(page, page.get_by_role("button", name="Uren vastleggen").click)
    expect(page.locator("main")).to_contain_text("De uren zijn vastgelegd.")
    expect(page.locator("main table")).to_contain_text("Dossiers doorlezen voor het zorgoverleg")
    entry = EffortEntry.objects.get()
    assert (entry.organisation, str(entry.hours), entry.evidence) == (personas.org_a, "2.5", "estimated")
