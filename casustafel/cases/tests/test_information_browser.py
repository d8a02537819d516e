"""The case information page in Chromium: a partner adds a fact (first without the reason why
consent was not asked), uploads a document and downloads it; restricted information of another
organisation shows only as a notice. Every page passes axe-core and the CSP checks."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from casustafel.audit.models import AuditEvent
from casustafel.cases.models import Attachment, CaseFact
from casustafel.privacy.models import InformationCategory
from casustafel.testing.browser import assert_axe_clean, assert_console_clean, follow, sign_in, visit
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.information import PNG_BYTES, CaseFactFactory, case_with, publish_covenant_with
from casustafel.testing.personas import Personas

pytestmark = pytest.mark.browser


def test_partner_adds_a_fact_and_a_document_and_sees_restricted_information_as_notice(
    page: Page, personas: Personas, settings: Any, tmp_path: Path
) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    meeting_type = MeetingTypeFactory(house=personas.house, name="Casus-op-Maat")
    publish_covenant_with(
        personas.house, participants=[personas.office, personas.org_a, personas.org_b], meeting_type=meeting_type
    )
    case = case_with(
        personas.house,
        meeting_type=meeting_type,
        referring_organisation=personas.org_a,
        involved=[personas.org_b],
        process_director=personas.process_director,
    )
    CaseFactFactory(
        case=case,
        organisation=personas.org_b,
        category=InformationCategory.POLICE_JUSTICE,
        text="Lopend onderzoek naar de broer",
    )
    sign_in(page, personas.professional_a)
    visit(page, f"/casussen/{case.pk}/informatie/")
    expect(page.locator("#information")).to_contain_text(f"Er is afgeschermde informatie van {personas.org_b.name}")
    expect(page.locator("#information")).not_to_contain_text("Lopend onderzoek")

    form = page.locator("#add-fact")
    form.get_by_label("Informatie", exact=True).fill("De kinderen gaan sinds twee weken niet naar school.")
    form.get_by_label("Soort informatie").select_option(label="Gezinssamenstelling en netwerk")
    form.get_by_label("Niet gevraagd").check()
    follow(page, form.get_by_role("button", name="Informatie toevoegen").click)
    expect(page.locator("#add-fact")).to_contain_text("Geef aan waarom geen toestemming is gevraagd")
    expect(page.locator("#add-fact").get_by_label("Informatie", exact=True)).to_have_value(
        "De kinderen gaan sinds twee weken niet naar school."
    )
    assert_axe_clean(page)
    page.locator("#add-fact").get_by_label("Acuut gevaar").check()
    follow(page, page.locator("#add-fact").get_by_role("button", name="Informatie toevoegen").click)
    expect(page.get_by_role("status").first).to_contain_text("De informatie is toegevoegd")
    expect(page.locator("#information")).to_contain_text("Niet gevraagd: acuut gevaar")
    assert CaseFact.objects.filter(organisation=personas.org_a).count() == 1

    upload = page.locator("#add-attachment")
    upload.get_by_label("Bestand").set_input_files(
        files=[{"name": "foto-voordeur.png", "mimeType": "image/png", "buffer": PNG_BYTES}]
    )
    upload.get_by_label("Soort informatie").select_option(label="Wonen en financiën")
    upload.get_by_label("Gegeven").check()
    follow(page, upload.get_by_role("button", name="Bijlage toevoegen").click)
    expect(page.get_by_role("status").first).to_contain_text("De bijlage is toegevoegd")
    attachment = Attachment.objects.get()
    with page.expect_download() as download_info:
        page.get_by_role("link", name="foto-voordeur.png").click()
    download = download_info.value
    assert download.suggested_filename == "foto-voordeur.png"
    assert Path(download.path()).read_bytes() == PNG_BYTES
    assert (
        AuditEvent.objects.filter(object_type="cases.attachment", object_id=str(attachment.pk), action="read").count()
        == 1
    )
    assert_console_clean(page)
