"""Recognising a file by its bytes, never by its name or the browser's claim.

Only the types a case may hold are recognised: PDF, PNG, JPEG, and the office documents DOCX,
XLSX and ODT. Anything else (executables, scripts, HTML, old .doc files, other archives) is
unknown and refused by the caller. Office documents are ZIP containers: one that unpacks to more
than `ZIP_MAX_UNCOMPRESSED_BYTES` or holds more than `ZIP_MAX_ENTRIES` parts (a zip bomb), or one
that carries macros (DOCM, XLSM, an ODT with Basic or scripts), is refused with a Dutch message
(`RefusedFile`). Only the central directory and one small manifest are read; nothing else is
decompressed.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO

from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", ".pdf", "PDF")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word (DOCX)")
XLSX = FileType("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", ".xlsx", "Excel (XLSX)")
ODT = FileType("application/vnd.oasis.opendocument.text", ".odt", "OpenDocument-tekst (ODT)")
PNG = FileType("image/png", ".png", "PNG-afbeelding")
JPEG = FileType("image/jpeg", ".jpg", "JPEG-afbeelding")

ALLOWED_TYPES = (PDF, DOCX, XLSX, ODT, PNG, JPEG)

# What an office document may unpack to. A report with photos stays far below; a zip bomb
# (a few kilobytes that unpack to gigabytes) or a container of thousands of parts does not.
ZIP_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
ZIP_MAX_ENTRIES = 1000
# The one part read to tell the type ([Content_Types].xml or an ODF `mimetype`) is small.
_MANIFEST_MAX_BYTES = 1024 * 1024

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_PDF_SIGNATURE = b"%PDF-"
_ZIP_SIGNATURE = b"PK\x03\x04"
_HEAD_BYTES = 16
# Where macros live: VBA projects in OOXML (docm, xlsm, also when renamed to .docx), Basic
# libraries and scripts in ODF.
_MACRO_PARTS = ("vbaproject.bin", "vbadata.xml")
_MACRO_FOLDERS = ("basic/", "scripts/")


class RefusedFile(Exception):
    """A file of a recognised kind that is refused anyway; `message` says why, in Dutch."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def too_large_unpacked_message() -> str:
    return _(
        "Dit document is uitgepakt te groot (meer dan %(max)s) of bestaat uit te veel onderdelen (meer dan "
        "%(entries)s). Sla het op als PDF en voeg dat toe."
    ) % {"max": filesizeformat(ZIP_MAX_UNCOMPRESSED_BYTES), "entries": ZIP_MAX_ENTRIES}


def macro_message() -> str:
    return _(
        "Documenten met macro's (zoals .docm of .xlsm) kunnen niet worden toegevoegd: een macro kan schadelijke "
        "code bevatten. Sla het document op zonder macro's (als .docx, .xlsx of .odt) of als PDF."
    )


def _read_small(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> bytes:
    """A manifest part, read with a hard limit whatever its header claims."""
    with archive.open(info) as part:
        data = part.read(_MANIFEST_MAX_BYTES + 1)
    if len(data) > _MANIFEST_MAX_BYTES:
        raise RefusedFile(too_large_unpacked_message())
    return data


def _office_type(stream: IO[bytes]) -> FileType | None:
    """The office document in a ZIP, checked for size, parts and macros.

    Raises:
        RefusedFile: too large unpacked, too many parts, or macros.
    """
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            infos = archive.infolist()
            if len(infos) > ZIP_MAX_ENTRIES or sum(info.file_size for info in infos) > ZIP_MAX_UNCOMPRESSED_BYTES:
                raise RefusedFile(too_large_unpacked_message())
            names = {info.filename: info for info in infos}
            lowered = [name.lower() for name in names]
            if any(name.rsplit("/", 1)[-1] in _MACRO_PARTS for name in lowered) or any(
                name.startswith(_MACRO_FOLDERS) for name in lowered
            ):
                raise RefusedFile(macro_message())
            if "[Content_Types].xml" in names:
                if b"macroenabled" in _read_small(archive, names["[Content_Types].xml"]).lower():
                    raise RefusedFile(macro_message())
                if any(name.startswith("word/") for name in names):
                    return DOCX
                if any(name.startswith("xl/") for name in names):
                    return XLSX
                return None
            if "mimetype" in names and _read_small(archive, names["mimetype"]).strip() == ODT.content_type.encode():
                return ODT
            return None
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, RuntimeError, OSError, ValueError):
        # Broken, encrypted or exotic containers are simply not a type we accept.
        return None


def detect_type(stream: IO[bytes]) -> FileType | None:
    """The type of the file in `stream` (a seekable binary stream), or None when it is not one
    of `ALLOWED_TYPES`. The stream is left at position 0.

    Raises:
        RefusedFile: an office document that is too large unpacked or carries macros.
    """
    stream.seek(0)
    head = stream.read(_HEAD_BYTES)
    stream.seek(0)
    try:
        if head.startswith(_PNG_SIGNATURE):
            return PNG
        if head.startswith(_JPEG_SIGNATURE):
            return JPEG
        if head.startswith(_PDF_SIGNATURE):
            return PDF
        if head.startswith(_ZIP_SIGNATURE):
            return _office_type(stream)
        return None
    finally:
        stream.seek(0)


def detect_bytes(data: bytes) -> FileType | None:
    return detect_type(io.BytesIO(data))


def type_for_content_type(content_type: str) -> FileType | None:
    return next((file_type for file_type in ALLOWED_TYPES if file_type.content_type == content_type), None)
