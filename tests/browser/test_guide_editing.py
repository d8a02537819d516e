"""The administrator edits a discussion guide in Chromium: from the meeting type's guide to a
new draft version, a question refused when emptied (the typed sub-questions stay), saved, and
the draft published as the next version. Every page passes axe and the CSP checks."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from casustafel.meeting_types.guide_services import discussion_guides_install_default
from casustafel.testing.browser import follow, sign_in, visit
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.browser


def test_administrator_edits_a_question_and_publishes_the_next_version(page: Page, personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, name="Top-X")
    discussion_guides_install_default(actor=actor_for(personas, "administrator"), house=personas.house)
    sign_in(page, personas.administrator)
    visit(page, f"/overleggen/overlegtypen/{meeting_type.pk}/leidraad/")
    follow(page, page.get_by_role("button", name="Een nieuwe versie maken en bewerken").click)
    expect(page.get_by_role("heading", name="Concept versie 2 van de gespreksleidraad van Top-X")).to_be_visible()

    question = page.get_by_role("form", name="Vraag 1 van", exact=False).first
    question.get_by_label("Vraag", exact=True).fill("")
    question.get_by_label("Deelvragen").fill("Wat weten we zeker?\nWat is een vermoeden?")
    follow(page, question.get_by_role("button", name="Vraag 1 opslaan").click)
    expect(page.get_by_text("Vul de vraag in.")).to_be_visible()
    question = page.get_by_role("form", name="Vraag 1 van", exact=False).first
    expect(question.get_by_label("Deelvragen")).to_have_value("Wat weten we zeker?\nWat is een vermoeden?")

    question.get_by_label("Vraag", exact=True).fill("Wat is er sinds de vorige bespreking veranderd voor het gezin?")
    follow(page, question.get_by_role("button", name="Vraag 1 opslaan").click)
    expect(page.get_by_text("Opgeslagen in het concept.")).to_be_visible()

    page.get_by_label("Wat is er veranderd").fill("Eerste vraag concreter")
    follow(page, page.get_by_role("button", name="Versie 2 publiceren").click)
    expect(page.get_by_text("Versie 2 is in gebruik; besprekingen die nu beginnen volgen haar.")).to_be_visible()
    expect(page.get_by_text("Wat is er sinds de vorige bespreking veranderd voor het gezin?")).to_be_visible()
