"""A meeting prepared in Chromium: the secretary plans it (a date in the past is refused next to
the field), gets the agenda proposed, invites the police to one item, splits the other and sends
the invitations; Veilig Thuis's ambassador sees only their own item, gets 404 on the other,
answers with a substitute from the notification, and prints the client letter. Every page passes
axe-core and the CSP checks of casustafel.testing.browser."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest
from playwright.sync_api import Page, expect

from casustafel.meetings.models import InvitationStatus, Meeting
from casustafel.testing.browser import follow, sign_in, visit
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.involvements import involve
from casustafel.testing.meetings import house_case
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.browser


def test_secretary_prepares_a_meeting_and_an_invitee_sees_only_their_item(page: Page, personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, name="Casus-op-Maat", minutes_per_case=40)
    first, second = house_case(personas, meeting_type=meeting_type), house_case(personas, meeting_type=meeting_type)
    involve(personas, first, personas.org_a)

    # 1. The secretary plans a meeting; yesterday is refused next to the time, the input stays.
    sign_in(page, personas.secretary)
    visit(page, "/overleggen/")
    follow(page, page.get_by_role("link", name="Overleg plannen").click)
    page.get_by_label("Overlegtype").select_option(label="Casus-op-Maat")
    page.get_by_label("Datum").fill((timezone.localdate() - dt.timedelta(days=1)).isoformat())
    page.get_by_label("Begint om").fill("10:00")
    page.get_by_label("Plaats").fill("Vergaderzaal 2")
    page.get_by_label("Voorzitter").select_option(label=personas.process_director.full_name)
    follow(page, page.locator("main").get_by_role("button", name="Plannen").click)
    expect(page.locator("main")).to_contain_text("Een overleg kan niet in het verleden worden gepland.")
    expect(page.get_by_label("Plaats")).to_have_value("Vergaderzaal 2")
    page.get_by_label("Datum").fill((timezone.localdate() + dt.timedelta(days=7)).isoformat())
    follow(page, page.locator("main").get_by_role("button", name="Plannen").click)
    meeting = Meeting.objects.get()

    # 2. The agenda is proposed: both new cases, in the order they were opened.
    follow(page, page.get_by_role("button", name="Agenda voorstellen").click)
    expect(page.locator("#section-agenda")).to_contain_text(f"Casus {first.pk}")
    expect(page.locator("#section-agenda")).to_contain_text(f"Casus {second.pk}")

    # 3. The police is invited to the second item, which is split: professionals, then clients.
    follow(page, page.get_by_role("link", name=f"Casus {second.pk}").click)
    page.get_by_label("Organisatie", exact=True).select_option(label=personas.org_b.name)
    follow(page, page.get_by_role("button", name="Uitnodigen").click)
    follow(page, page.get_by_role("link", name="Splitsen in delen").click)
    page.locator("fieldset", has_text="Organisaties in deel 1").get_by_label(personas.org_b.name).check()
    follow(page, page.get_by_role("button", name="Opslaan").click)
    expect(page.locator("main")).to_contain_text("Een deel zonder deelnemers kan niet")
    page.locator("fieldset", has_text="Cliënten in deel 2").get_by_role("checkbox").first.check()
    follow(page, page.get_by_role("button", name="Opslaan").click)
    expect(page.locator("#section-parts")).to_contain_text("Deel 2: met de cliënten")

    # 4. Invitations go out.
    visit(page, f"/overleggen/{meeting.pk}/")
    follow(page, page.get_by_role("button", name="Uitnodigingen versturen").click)
    expect(page.locator("main")).to_contain_text("uitnodigingen verstuurd")

    # 5. Veilig Thuis's ambassador (invited for the organisation): the notification, only their
    # item, 404 on the other.
    page.context.clear_cookies()
    sign_in(page, personas.ambassador_a)
    visit(page, "/meldingen/")
    follow(page, page.get_by_role("button", name="Openen").first.click)
    expect(page.locator("h1")).to_contain_text(f"Casus {first.pk}")
    visit(page, f"/overleggen/{meeting.pk}/")
    expect(page.locator("#section-agenda")).to_contain_text("Een andere casus")
    expect(page.locator("#section-agenda")).not_to_contain_text(f"Casus {second.pk}")
    item = meeting.items.get(case=second)
    visit(page, f"/overleggen/{meeting.pk}/agenda/{item.pk}/", status=404)

    # 6. They answer: a colleague stands in.
    visit(page, f"/overleggen/{meeting.pk}/agenda/{meeting.items.get(case=first).pk}/")
    follow(page, page.get_by_role("link", name="Uitnodiging beantwoorden").click)
    page.get_by_label("Een collega vervangt mij").check()
    page.get_by_label("Vervanger").select_option(label=personas.professional_a.full_name)
    follow(page, page.get_by_role("button", name="Antwoord versturen").click)
    invitation = meeting.items.get(case=first).invitations.get(organisation=personas.org_a)
    assert invitation.status == InvitationStatus.SUBSTITUTE

    # 7. The client letter is a PDF.
    with page.expect_download() as download:
        page.get_by_role("link", name="Uitnodigingsbrief voor de cliënt (pdf)").click()
    assert download.value.suggested_filename.endswith(".pdf")
