"""The live meeting in Chromium: the minute-taker records an item with the keyboard while the
answers save as typed; a score outside 0-10 is refused next to the field with the input kept;
a phase move, a bodemeis and an agreement; the chair approves the minutes; an invitee reads
them and downloads the PDF, whose text is checked. Every page and swapped block passes axe-core."""

from __future__ import annotations

import io

import pypdf
import pytest
from playwright.sync_api import Page, expect

from casustafel.meetings.models import DiscussionAnswer, Minutes
from casustafel.plans.models import Agreement, MinimumRequirement, PhaseMove
from casustafel.testing.browser import assert_axe_clean, assert_console_clean, follow, sign_in, visit
from casustafel.testing.discussions import meeting_setting
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.browser


def block(page: Page, heading: str):
    """The capture block whose heading is `heading`, in the first question that has it."""
    return page.locator(".ct-block").filter(has=page.get_by_role("heading", name=heading, exact=True)).first


def test_minute_taker_records_chair_approves_and_invitee_reads_the_minutes(page: Page, personas: Personas) -> None:
    setting = meeting_setting(personas)
    live = f"/overleggen/{setting.meeting.pk}/live/{setting.item_1.pk}/"

    sign_in(page, personas.secretary)
    visit(page, f"/overleggen/{setting.meeting.pk}/live/")
    assert_axe_clean(page)
    follow(page, page.get_by_role("link", name=f"1. Casus {setting.case_a.pk}").click)
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Casus {setting.case_a.pk}")
    page.get_by_role("button", name="Bespreking starten").click()
    expect(page.get_by_role("button", name="Tijd stoppen")).to_be_visible()

    # An answer saves while typing: no button, no reload.
    scaling = page.get_by_label("Antwoord: Op een schaal van 1-10 hoe bezorgd")
    scaling.fill("Iedereen maakt zich zorgen; vader is weer thuis.")
    expect(page.locator(".ct-autosave__status").filter(has_text="Opgeslagen om").first).to_be_visible()
    assert DiscussionAnswer.objects.get().text == "Iedereen maakt zich zorgen; vader is weer thuis."

    # The scaling question: 11 is refused next to the field, the typed input stays.
    scores = block(page, "Schaalvraag per deelnemer")
    scores.get_by_label("Deelnemer").fill("Moeder")
    scores.get_by_label("Cijfer (0-10)").fill("11")
    scores.get_by_label("Onderbouwing").fill("Bang voor vader")
    scores.get_by_role("button", name="Toevoegen").click()
    scores = block(page, "Schaalvraag per deelnemer")
    expect(scores).to_contain_text("Geef een cijfer van 0 tot en met 10.")
    expect(scores.get_by_label("Deelnemer")).to_have_value("Moeder")
    assert_axe_clean(page)
    scores.get_by_label("Cijfer (0-10)").fill("3")
    scores.get_by_role("button", name="Toevoegen").click()
    expect(block(page, "Schaalvraag per deelnemer").get_by_role("table")).to_contain_text("Bang voor vader")

    # The phase: start in direct safety, with its reason, from the Vooraf part.
    phase = block(page, "Fase")
    phase.get_by_label("Naar fase").select_option(label="Directe veiligheid")
    phase.get_by_label("Reden").fill("Nieuwe casus, acute zorgen")
    phase.get_by_role("button", name="Fase wijzigen").click()
    expect(block(page, "Fase")).to_contain_text("Eerste fase")

    # A bodemeis and an agreement from the decision part, keyboard only for the last field.
    requirement = block(page, "Bodemeisen")
    requirement.get_by_label("Bodemeis", exact=True).fill("Vader komt niet in de woning")
    requirement.get_by_label("Bewaakt door").select_option(label=personas.org_a.name)
    requirement.get_by_label("Als niet nagekomen").fill("Veilig Thuis belt de politie")
    requirement.get_by_role("button", name="Toevoegen").click()
    expect(block(page, "Bodemeisen")).to_contain_text("Vader komt niet in de woning")

    agreement = block(page, "Afspraken")
    agreement.get_by_label("Organisatie").select_option(label=personas.org_a.name)
    agreement.get_by_label("Wie voert het uit").select_option(label=personas.professional_a.full_name)
    agreement.get_by_label("Wat").fill("Veiligheidsplan met moeder maken")
    agreement.get_by_label("Uiterlijk op").fill("2030-01-15")
    agreement.get_by_label("Soort afspraak").select_option(label="Actie richting het huishouden")
    agreement.get_by_label("Onderbouwing").fill("Moeder vraagt erom")
    agreement.get_by_label("Onderbouwing").press("Control+Enter")
    expect(block(page, "Afspraken")).to_contain_text("Veiligheidsplan met moeder maken")
    assert_axe_clean(page)
    assert_console_clean(page)
    assert PhaseMove.objects.get().to_phase == "direct_safety"
    assert MinimumRequirement.objects.get().monitor == personas.org_a
    assert Agreement.objects.get().owner == personas.professional_a
    # Stopping the clock answers with the clock only: what is half typed elsewhere stays.
    block(page, "Bodemeisen").get_by_label("Bodemeis", exact=True).fill("Half getypt")
    page.get_by_role("button", name="Tijd stoppen").click()
    expect(page.get_by_role("button", name="Tijd hervatten")).to_be_visible()
    expect(block(page, "Bodemeisen").get_by_label("Bodemeis", exact=True)).to_have_value("Half getypt")

    # The chair approves the minutes.
    page.context.clear_cookies()
    sign_in(page, personas.process_director)
    visit(page, f"/overleggen/{setting.meeting.pk}/verslag/")
    expect(page.get_by_text("Concept", exact=True)).to_be_visible()
    assert_axe_clean(page)
    page.once("dialog", lambda dialog: dialog.accept())
    follow(page, page.get_by_role("button", name="Verslag goedkeuren").click)
    expect(page.get_by_text("Goedgekeurd", exact=True)).to_be_visible()
    assert Minutes.objects.get().approved_at is not None
    visit(page, live)
    expect(page.get_by_text("Het verslag van dit overleg is goedgekeurd.")).to_be_visible()

    # The invitee of item 1 reads item 1 only, and downloads the PDF.
    page.context.clear_cookies()
    sign_in(page, personas.professional_a)
    visit(page, f"/overleggen/{setting.meeting.pk}/verslag/")
    expect(page.get_by_role("main")).to_contain_text("Veiligheidsplan met moeder maken")
    expect(page.get_by_role("main")).to_contain_text("2. Een andere casus")
    assert_axe_clean(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download als PDF").click()
    pdf = pypdf.PdfReader(io.BytesIO(open(download_info.value.path(), "rb").read()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert "Veiligheidsplan met moeder maken" in text
    assert "Vader komt niet in de woning" in text
    assert pdf.trailer["/Root"]["/Lang"] == "nl"
    visit(page, f"/overleggen/{setting.meeting.pk}/verslag/{setting.item_2.pk}/", status=404)
    visit(page, f"/overleggen/{setting.meeting.pk}/live/{setting.item_1.pk}/", status=404)


def test_the_administrator_reads_the_guide_of_a_meeting_type(page: Page, personas: Personas) -> None:
    setting = meeting_setting(personas)
    sign_in(page, personas.administrator)
    visit(page, f"/overleggen/overlegtypen/{setting.meeting.meeting_type_id}/")
    follow(page, page.get_by_role("link", name="De vragen van het live overleg bekijken").click)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Gespreksleidraad van")
    expect(page.get_by_role("heading", level=2).first).to_contain_text("Directe veiligheid")
    expect(page.get_by_role("heading", name="Schaalvraag", exact=True).first).to_be_visible()
    assert_axe_clean(page)
