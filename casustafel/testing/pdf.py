"""PDF helpers for tests: a fixture that replaces the PDF renderers by a stub (permission
matrices request a PDF for every persona; rendering each costs seconds), and a reader that
looks inside a PDF's compressed streams for its structure."""

from __future__ import annotations

import re
import zlib
from collections.abc import Iterator

import pytest

# The renderers the views call; `tagged_pdf_parts` tests the real ones, once each.
RENDERERS = ("casustafel.privacy.covenant.pdf.covenant_pdf", "casustafel.privacy.subject_access.pdf.sar_pdf")
STUB = b"%PDF-1.7 stub: the permission matrix does not need the rendering\n"


@pytest.fixture
def fast_pdfs(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    for target in RENDERERS:
        monkeypatch.setattr(target, lambda *args, **kwargs: STUB)
    yield


def pdf_text(pdf: bytes) -> bytes:
    """The PDF's bytes with every zlib-compressed stream (object streams included) inflated,
    so the catalogue and the structure tree can be searched."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n(.*?)\r?\nendstream", pdf, re.S):
        try:
            parts.append(zlib.decompress(match.group(1)))
        except zlib.error:
            continue
    return b"\n".join(parts)
