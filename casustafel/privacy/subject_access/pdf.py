"""The overview for a subject access request as a PDF (WeasyPrint, system fonts), rendered like
the covenant PDF (`privacy/pdf.py`): no request context, a local base URL, print stylesheets
from static files so the template carries no inline style."""

from __future__ import annotations

from django.conf import settings
from django.contrib.staticfiles import finders
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from casustafel.lib.pdf import write_tagged_pdf
from casustafel.privacy.covenant.pdf import PRINT_STYLESHEET
from casustafel.privacy.subject_access.selectors import SarOverview

SAR_PRINT_STYLESHEET = "css/privacy-sar-print.css"


def sar_filename(overview: SarOverview) -> str:
    # No name in the file name: it ends up in download folders and mail attachments.
    return f"inzage-{overview.request.pk}-{timezone.localdate():%Y%m%d}.pdf"


def sar_pdf(overview: SarOverview) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango costs time at start-up

    html = render_to_string(
        "privacy/sar_overview_pdf.html", {"overview": overview, "printed_at": timezone.now(), "pdf": True}
    )
    stylesheets = [CSS(filename=path) for path in map(finders.find, (PRINT_STYLESHEET, SAR_PRINT_STYLESHEET)) if path]
    # A local base URL: WeasyPrint must never fetch anything over the network.
    return write_tagged_pdf(HTML(string=html, base_url=str(settings.BASE_DIR)), stylesheets=stylesheets)


def sar_pdf_response(overview: SarOverview) -> HttpResponse:
    response = HttpResponse(sar_pdf(overview), content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{sar_filename(overview)}"'
    response["Cache-Control"] = "no-store"
    return response
