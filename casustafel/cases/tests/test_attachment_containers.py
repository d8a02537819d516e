"""Office documents are ZIP containers (issue 7, point 11): DOCX, XLSX and ODT are accepted by
their content, but one that unpacks too large or holds too many parts (a zip bomb) is refused,
and so is every macro-enabled variant, recognised by its content whatever its name."""

from __future__ import annotations

import html
import io
from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

import pytest

from casustafel.cases.attachment_storage import store_upload
from casustafel.cases.models import Attachment
from casustafel.lib import filetypes
from casustafel.lib.filetypes import DOCX, ODT, XLSX, RefusedFile, detect_type
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.information import case_with, office_bytes, publish_covenant_with
from casustafel.testing.personas import Personas

MACRO = "Documenten met macro's (zoals .docm of .xlsm) kunnen niet worden toegevoegd"
TOO_LARGE = "Dit document is uitgepakt te groot"
WORD = {"[Content_Types].xml": "<Types/>", "word/document.xml": "<w:document/>"}
EXCEL = {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<workbook/>"}
WRITER = {"mimetype": "application/vnd.oasis.opendocument.text", "content.xml": "<office:document-content/>"}
MACRO_TYPES = '<Types><Override ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/></Types>'


def _detect(data: bytes) -> Any:
    return detect_type(io.BytesIO(data))


@pytest.mark.parametrize(("parts", "expected"), [(WORD, DOCX), (EXCEL, XLSX), (WRITER, ODT)])
def test_office_documents_are_recognised_by_their_content(parts: dict[str, str], expected: Any) -> None:
    assert _detect(office_bytes(parts)) == expected


@pytest.mark.parametrize(
    "parts",
    [
        pytest.param({**WORD, "[Content_Types].xml": MACRO_TYPES}, id="docm by its content types"),
        pytest.param({**WORD, "word/vbaProject.bin": b"\x00VBA"}, id="docx with a VBA project"),
        pytest.param({**EXCEL, "xl/vbaProject.bin": b"\x00VBA"}, id="xlsm"),
        pytest.param({**WORD, "word/vbaData.xml": "<wne:vbaSuppData/>"}, id="vba data"),
        pytest.param({**WRITER, "Basic/Standard/Module1.xml": "<script:module/>"}, id="odt with Basic"),
        pytest.param({**WRITER, "Scripts/python/run.py": "import os"}, id="odt with scripts"),
    ],
)
def test_macro_enabled_variants_are_refused(parts: dict[str, str | bytes]) -> None:
    with pytest.raises(RefusedFile) as refused:
        _detect(office_bytes(parts))
    assert MACRO in refused.value.message


def test_a_document_that_unpacks_too_large_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filetypes, "ZIP_MAX_UNCOMPRESSED_BYTES", 50_000)
    # 60 kB of zeros compresses to a few hundred bytes: the upload is small, unpacked it is not.
    data = office_bytes({**WORD, "word/media/padding.bin": b"\x00" * 60_000})
    assert len(data) < 5_000
    with pytest.raises(RefusedFile) as refused:
        _detect(data)
    assert TOO_LARGE in refused.value.message


def test_a_document_with_too_many_parts_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(filetypes, "ZIP_MAX_ENTRIES", 20)
    parts = {**WORD, **{f"word/part{n}.xml": "<x/>" for n in range(20)}}
    with pytest.raises(RefusedFile) as refused:
        _detect(office_bytes(parts))
    assert TOO_LARGE in refused.value.message


def test_the_default_limits_accept_an_ordinary_report() -> None:
    report = office_bytes({**WORD, "word/media/photo.jpg": b"\xff\xd8\xff" + bytes(range(256)) * 4000})
    assert _detect(report) == DOCX


def test_store_upload_refuses_with_the_message_at_the_file_field_and_keeps_nothing(
    settings: Any, tmp_path: Path
) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    upload = SimpleUploadedFile("verslag.docx", office_bytes({**WORD, "word/vbaProject.bin": b"\x00"}))
    with pytest.raises(Exception) as refused:
        store_upload(upload)
    assert MACRO in refused.value.message_dict["file"][0]  # type: ignore[attr-defined]
    assert [path for path in (tmp_path / "attachments").rglob("*") if path.is_file()] == []


@pytest.mark.django_db
def test_the_upload_form_shows_the_refusal_next_to_the_file_field(
    personas: Personas, settings: Any, tmp_path: Path
) -> None:
    settings.ATTACHMENT_ROOT = tmp_path / "attachments"
    meeting_type = MeetingTypeFactory(house=personas.house)
    case = case_with(personas.house, meeting_type=meeting_type, referring_organisation=personas.org_a)
    publish_covenant_with(personas.house, participants=[personas.office, personas.org_a], meeting_type=meeting_type)
    response = personas.client("professional_a").post(
        reverse("cases:attachment_add", args=[case.pk]),
        {
            "attachment-file": SimpleUploadedFile("begroting.xlsm", office_bytes({**EXCEL, "xl/vbaProject.bin": b"1"})),
            "attachment-description": "Begroting",
            "attachment-category": "household",
            "attachment-legal_basis": "wgs",
            "attachment-consent": "given",
            "attachment-restriction": "house",
        },
    )
    assert response.status_code == 200
    page = html.unescape(response.content.decode())
    assert MACRO in page
    assert 'value="Begroting"' in page  # what was typed stays
    assert not Attachment.objects.exists()
