"""Every PDF the house hands out is accessible: tagged (PDF/UA-1: a structure tree with
headings and tables, MarkInfo, the title shown) and in the document's language (issue 8,
point 11). Rendering costs seconds, so each document is rendered here once; the permission
matrices of the PDF views use the `fast_pdfs` stub."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

import pytest

from casustafel.lib.pdf import write_tagged_pdf
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.pdf import pdf_text
from casustafel.testing.personas import Personas
from casustafel.testing.privacy import publish_covenant
from casustafel.testing.sar import make_request, person_in_referral

pytestmark = pytest.mark.django_db


def assert_tagged(pdf: bytes, *, language: str) -> None:
    assert pdf.startswith(b"%PDF-1.7")
    inside = pdf_text(pdf)
    for marker in (b"/StructTreeRoot", b"/MarkInfo", b"/Marked true", b"/DisplayDocTitle true", b"pdfuaid:part"):
        assert marker in inside, marker
    assert f"/Lang ({language})".encode() in inside
    assert b"/H1" in inside  # the headings are in the structure tree


def test_the_covenant_pdf_is_tagged_and_in_dutch(personas: Personas) -> None:
    meeting_type = MeetingTypeFactory(house=personas.house, name="Casus-op-Maat")
    publish_covenant(personas.house, participants=[personas.org_a, personas.office], meeting_types=[meeting_type])
    response = personas.client("professional_a").get(reverse("privacy:covenant_pdf"))
    assert response["Content-Type"] == "application/pdf"
    assert_tagged(response.content, language="nl")
    assert b"/Table" in pdf_text(response.content)  # the information matrix is a real table


def test_the_subject_access_pdf_is_tagged_and_in_dutch(personas: Personas) -> None:
    setting = person_in_referral(personas, concern="Zorgen over de veiligheid thuis.")
    sar = make_request(personas, setting.person)
    response = personas.client("privacy_officer").get(reverse("privacy:sar_overview_pdf", args=[sar.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert_tagged(response.content, language="nl")


def test_the_language_of_the_document_is_the_language_it_is_written_in() -> None:
    from weasyprint import HTML

    with translation.override("en"):
        pdf = write_tagged_pdf(HTML(string='<html lang="en"><title>Covenant</title><h1>Covenant</h1></html>'))
    assert_tagged(pdf, language="en")
