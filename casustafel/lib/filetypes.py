"""Recognising a file by its bytes, never by its name or the browser's claim.

Only the types a case may hold are recognised: PDF, DOCX, PNG and JPEG. Anything else
(executables, scripts, HTML, old .doc files, archives) is unknown and refused by the caller.
"""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass
from typing import IO


@dataclass(frozen=True)
class FileType:
    content_type: str
    extension: str
    label: str


PDF = FileType("application/pdf", ".pdf", "PDF")
DOCX = FileType("application/vnd.openxmlformats-officedocument.wordprocessingml.document", ".docx", "Word (DOCX)")
PNG = FileType("image/png", ".png", "PNG-afbeelding")
JPEG = FileType("image/jpeg", ".jpg", "JPEG-afbeelding")

ALLOWED_TYPES = (PDF, DOCX, PNG, JPEG)

_PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
_JPEG_SIGNATURE = b"\xff\xd8\xff"
_PDF_SIGNATURE = b"%PDF-"
_ZIP_SIGNATURE = b"PK\x03\x04"
_HEAD_BYTES = 16


def _is_docx(stream: IO[bytes]) -> bool:
    """A ZIP holding a Word document: `[Content_Types].xml` and a `word/` part. Only the
    central directory is read; nothing is decompressed (no zip-bomb risk)."""
    try:
        stream.seek(0)
        with zipfile.ZipFile(stream) as archive:
            names = archive.namelist()
    except (zipfile.BadZipFile, OSError, ValueError):
        return False
    return "[Content_Types].xml" in names and any(name.startswith("word/") for name in names)


def detect_type(stream: IO[bytes]) -> FileType | None:
    """The type of the file in `stream` (a seekable binary stream), or None when it is not one
    of `ALLOWED_TYPES`. The stream is left at position 0."""
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
        if head.startswith(_ZIP_SIGNATURE) and _is_docx(stream):
            return DOCX
        return None
    finally:
        stream.seek(0)


def detect_bytes(data: bytes) -> FileType | None:
    return detect_type(io.BytesIO(data))


def type_for_content_type(content_type: str) -> FileType | None:
    return next((file_type for file_type in ALLOWED_TYPES if file_type.content_type == content_type), None)
