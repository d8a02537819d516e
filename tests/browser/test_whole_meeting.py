"""A whole case meeting in Chromium, from the agenda to the approved minutes (issue 10, "Done
when"): the secretary plans an MDA++ meeting, gets the agenda proposed, invites the police to
the second item and splits it, and sends the invitations; Veilig Thuis and the police confirm;
in live mode the minute-taker records on both cases the phase, the picture (a fact with its
source and organisation), scores, a bodemeis and agreements, the second case in its two parts;
the chair approves the minutes; Veilig Thuis's invitee of item 1 reads them, downloads the PDF
(its text is checked) and cannot open item 2. Every page passes axe-core and the CSP checks of
casustafel.testing.browser."""

from __future__ import annotations

import datetime as dt
import io

from django.utils import timezone

import pypdf
import pytest
from playwright.sync_api import Locator, Page, expect

from casustafel.audit.context import Actor
from casustafel.meeting_types.guide_services import discussion_guides_install_default
from casustafel.meetings.models import InvitationStatus, Meeting, Minutes
from casustafel.plans.models import Agreement, MinimumRequirement, PhaseMove
from casustafel.testing.browser import assert_axe_clean, assert_console_clean, follow, sign_in, visit
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.involvements import involve
from casustafel.testing.meetings import house_case
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.browser


def block(page: Page, heading: str) -> Locator:
    return page.locator(".ct-block").filter(has=page.get_by_role("heading", name=heading, exact=True)).first


def record_case(page: Page, personas: Personas, organisation: str, owner: str, *, fact: str, what: str) -> None:
    """Phase, a fact of the picture, a score, a bodemeis and an agreement for the item on screen."""
    phase = block(page, "Fase")
    phase.get_by_label("Naar fase").select_option(label="Directe veiligheid")
    phase.get_by_label("Reden").fill("Nieuwe casus: zorgen om de directe veiligheid")
    phase.get_by_role("button", name="Fase wijzigen").click()
    expect(block(page, "Fase")).to_contain_text("Eerste fase")

    facts = block(page, "Feiten met bron")
    facts.get_by_label("Ingebracht door").select_option(label=organisation)
    facts.get_by_label("Feit").fill(fact)
    facts.get_by_label("Bron").fill("Gesprek met moeder, 1 december")
    facts.locator("summary").click()
    facts.get_by_label("Soort informatie").select_option(index=1)
    facts.get_by_label("Gegeven").check()
    facts.get_by_role("button", name="Toevoegen").click()
    expect(block(page, "Feiten met bron")).to_contain_text(fact)

    scores = block(page, "Schaalvraag per deelnemer")
    scores.get_by_label("Deelnemer").fill(organisation)
    scores.get_by_label("Organisatie").select_option(label=organisation)
    scores.get_by_label("Cijfer (0-10)").fill("4")
    scores.get_by_label("Onderbouwing").fill("Vader komt nog onaangekondigd langs")
    scores.get_by_role("button", name="Toevoegen").click()
    expect(block(page, "Schaalvraag per deelnemer").get_by_role("table")).to_contain_text("Vader komt nog")

    requirement = block(page, "Bodemeisen")
    requirement.get_by_label("Bodemeis", exact=True).fill("Vader komt niet in de woning")
    requirement.get_by_label("Bewaakt door").select_option(label=organisation)
    requirement.get_by_label("Als niet nagekomen").fill("Direct de politie bellen; het OM vraagt een contactverbod")
    requirement.get_by_role("button", name="Toevoegen").click()
    expect(block(page, "Bodemeisen")).to_contain_text("Vader komt niet in de woning")

    agreement = block(page, "Afspraken")
    agreement.get_by_label("Organisatie").select_option(label=organisation)
    agreement.get_by_label("Wie voert het uit").select_option(label=owner)
    agreement.get_by_label("Wat").fill(what)
    agreement.get_by_label("Uiterlijk op").fill((timezone.localdate() + dt.timedelta(days=14)).isoformat())
    agreement.get_by_label("Soort afspraak").select_option(label="Actie richting het huishouden")
    agreement.get_by_label("Onderbouwing").fill("Moeder vraagt erom")
    agreement.get_by_label("Onderbouwing").press("Control+Enter")
    expect(block(page, "Afspraken")).to_contain_text(what)


def test_a_whole_meeting_from_agenda_to_approved_minutes(page: Page, personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, name="MDA++", minutes_per_case=40)
    discussion_guides_install_default(actor=Actor.system(), house=personas.house)
    first, second = house_case(personas, meeting_type=meeting_type), house_case(personas, meeting_type=meeting_type)
    involve(personas, first, personas.org_a)

    # 1. The secretary plans the meeting and gets the agenda proposed.
    sign_in(page, personas.secretary)
    visit(page, "/overleggen/nieuw/")
    page.get_by_label("Overlegtype").select_option(label="MDA++")
    page.get_by_label("Datum").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    page.get_by_label("Begint om").fill("10:00")
    page.get_by_label("Plaats").fill("Vergaderzaal 2")
    page.get_by_label("Voorzitter").select_option(label=personas.process_director.full_name)
    page.get_by_label("Notulist").select_option(label=personas.secretary.full_name)
    follow(page, page.locator("main").get_by_role("button", name="Plannen").click)
    meeting = Meeting.objects.get()
    follow(page, page.get_by_role("button", name="Agenda voorstellen").click)
    expect(page.locator("#section-agenda")).to_contain_text(f"Casus {second.pk}")
    assert_axe_clean(page)

    # 2. The police are invited to the second case, which is split; the invitations go out.
    follow(page, page.get_by_role("link", name=f"Casus {second.pk}").click)
    page.get_by_label("Organisatie", exact=True).select_option(label=personas.org_b.name)
    follow(page, page.get_by_role("button", name="Uitnodigen").click)
    follow(page, page.get_by_role("link", name="Splitsen in delen").click)
    page.locator("fieldset", has_text="Organisaties in deel 1").get_by_label(personas.org_b.name).check()
    page.locator("fieldset", has_text="Cliënten in deel 2").get_by_role("checkbox").first.check()
    follow(page, page.get_by_role("button", name="Opslaan").click)
    visit(page, f"/overleggen/{meeting.pk}/")
    follow(page, page.get_by_role("button", name="Uitnodigingen versturen").click)
    item_1, item_2 = meeting.items.get(case=first), meeting.items.get(case=second)

    # 3. Veilig Thuis and the police confirm.
    for persona, item in ((personas.ambassador_a, item_1), (personas.professional_b, item_2)):
        page.context.clear_cookies()
        sign_in(page, persona)
        visit(page, f"/overleggen/{meeting.pk}/agenda/{item.pk}/")
        follow(page, page.get_by_role("link", name="Uitnodiging beantwoorden").click)
        page.get_by_label("Ik kom (of iemand van onze organisatie komt)").check()
        follow(page, page.get_by_role("button", name="Antwoord versturen").click)
    assert set(meeting.items.get(case=second).invitations.values_list("status", flat=True)) >= {
        InvitationStatus.CONFIRMED
    }

    # 4. Live mode: the minute-taker records both cases.
    page.context.clear_cookies()
    sign_in(page, personas.secretary)
    visit(page, f"/overleggen/{meeting.pk}/")
    follow(page, page.get_by_role("link", name="Live overleg").click)
    assert_axe_clean(page)
    follow(page, page.get_by_role("link", name=f"1. Casus {first.pk}").click)
    page.get_by_role("button", name="Bespreking starten").click()
    expect(page.get_by_role("button", name="Tijd stoppen")).to_be_visible()
    record_case(
        page,
        personas,
        personas.org_a.name,
        personas.professional_a.full_name,
        fact="Moeder heeft een veiligheidsplan opgesteld.",
        what="Veiligheidsplan met de kinderen bespreken",
    )
    assert_axe_clean(page)
    assert_console_clean(page)

    follow(page, page.get_by_role("link", name=f"2. Casus {second.pk}").first.click)
    page.get_by_role("button", name="Bespreking starten").click()
    expect(page.get_by_role("button", name="Tijd stoppen")).to_be_visible()
    expect(page.get_by_label("Nu in bespreking")).to_be_visible()
    answer = page.get_by_label("Antwoord: Op een schaal van 1-10 hoe bezorgd")
    answer.fill("Politie: strafzaak tegen vader loopt; zitting in januari.")
    expect(page.locator(".ct-autosave__status").filter(has_text="Opgeslagen om").first).to_be_visible()
    page.get_by_label("Nu in bespreking").select_option(index=1)
    follow(page, page.get_by_role("button", name="Wissel van deel").click)
    record_case(
        page,
        personas,
        personas.org_b.name,
        personas.professional_b.full_name,
        fact="De kinderen slapen weer bij moeder.",
        what="Terugkoppeling aan moeder na het overleg",
    )
    page.get_by_role("button", name="Tijd stoppen").click()
    expect(page.get_by_role("button", name="Tijd hervatten")).to_be_visible()
    assert PhaseMove.objects.count() == 2
    assert MinimumRequirement.objects.count() == 2
    assert Agreement.objects.count() == 2

    # 5. The chair approves the minutes.
    page.context.clear_cookies()
    sign_in(page, personas.process_director)
    visit(page, f"/overleggen/{meeting.pk}/verslag/")
    assert_axe_clean(page)
    page.once("dialog", lambda dialog: dialog.accept())
    follow(page, page.get_by_role("button", name="Verslag goedkeuren").click)
    expect(page.get_by_text("Goedgekeurd", exact=True)).to_be_visible()
    assert Minutes.objects.get().approved_at is not None

    # 6. Veilig Thuis's invitee of item 1 reads the minutes and the PDF, never item 2.
    page.context.clear_cookies()
    sign_in(page, personas.ambassador_a)
    visit(page, f"/overleggen/{meeting.pk}/verslag/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Veiligheidsplan met de kinderen bespreken")
    expect(main).to_contain_text("Een andere casus")
    expect(main).not_to_contain_text("strafzaak tegen vader")
    assert_axe_clean(page)
    with page.expect_download() as download_info:
        page.get_by_role("link", name="Download als PDF").click()
    with open(download_info.value.path(), "rb") as handle:
        pdf = pypdf.PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(p.extract_text() for p in pdf.pages).split())
    assert pdf.trailer["/Root"]["/Lang"] == "nl"
    assert "/StructTreeRoot" in pdf.trailer["/Root"]
    for expected in ("Veiligheidsplan met de kinderen bespreken", "Vader komt niet in de woning", "Directe veiligheid"):
        assert expected in text
    assert "strafzaak tegen vader" not in text
    for path in (
        f"/overleggen/{meeting.pk}/verslag/{item_2.pk}/",
        f"/overleggen/{meeting.pk}/verslag/{item_2.pk}/pdf/",
        f"/overleggen/{meeting.pk}/live/{item_2.pk}/",
        f"/overleggen/{meeting.pk}/agenda/{item_2.pk}/",
    ):
        visit(page, path, status=404)
