"""Accessible PDF documents: every PDF the house hands out (the covenant, the subject-access
overview) is tagged, so a screen reader reads its headings, tables and lists in order
(WeasyPrint's PDF/UA-1 variant: a structure tree, MarkInfo, the document title shown). The
document language comes from the template's `<html lang>`, which WeasyPrint writes as /Lang.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from weasyprint import CSS, HTML

PDF_VARIANT = "pdf/ua-1"


def write_tagged_pdf(document: HTML, *, stylesheets: Sequence[CSS] = ()) -> bytes:
    """The document as a tagged PDF/UA-1 file."""
    return document.write_pdf(stylesheets=list(stylesheets), pdf_variant=PDF_VARIANT)  # type: ignore[no-any-return]
