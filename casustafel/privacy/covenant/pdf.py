"""The covenant as a PDF (WeasyPrint, fonts from the system). The print stylesheet is a static
file, like every other stylesheet, so the template carries no inline style."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.text import slugify

from casustafel.lib.pdf import write_tagged_pdf
from casustafel.privacy.covenant.models import CovenantVersion
from casustafel.privacy.covenant.selectors import covenant_document, sector_columns

PRINT_STYLESHEET = "css/privacy-print.css"


def covenant_filename(version: CovenantVersion) -> str:
    house = slugify(version.covenant.house.name) or "huis"
    suffix = "-concept" if version.is_draft else ""
    return f"convenant-{house}-v{version.number}{suffix}.pdf"


def covenant_pdf(version: CovenantVersion) -> bytes:
    """Render one covenant version to PDF bytes. Rendered without the request: the document
    needs none of the page context (navigation, acting membership)."""
    from weasyprint import CSS, HTML  # imported here: loading Pango costs time at start-up

    html = render_to_string(
        "privacy/covenant_pdf.html",
        {"document": covenant_document(version), "sectors": sector_columns(), "printed_at": timezone.now()},
    )
    stylesheet = finders.find(PRINT_STYLESHEET)
    stylesheets = [CSS(filename=stylesheet)] if stylesheet else []
    # A local base URL: WeasyPrint must never fetch anything over the network.
    return write_tagged_pdf(HTML(string=html, base_url=str(settings.BASE_DIR)), stylesheets=stylesheets)


def covenant_pdf_response(request: HttpRequest, version: CovenantVersion) -> HttpResponse:
    response = HttpResponse(covenant_pdf(version), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{covenant_filename(version)}"'
    return response
