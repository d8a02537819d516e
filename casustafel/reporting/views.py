"""The report page and its exports, for the board, the house manager and the process
directors of the house (`report_house`); everyone else gets a 404. The page shows aggregates
only, so it writes no read event; every export is audited before the file is sent."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.reporting.charts import month_chart_svg
from casustafel.reporting.exports import export_filename, report_csv, report_xlsx
from casustafel.reporting.forms import PeriodForm
from casustafel.reporting.selectors import build_report, report_house, report_threshold
from casustafel.reporting.services import report_export_record

CHART_TITLE_ID = "chart-month-title"
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_GET
@login_required
def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = report_house(request.acting)
    form = PeriodForm(request.GET or None)
    context = {
        "house": house,
        "form": form,
        "threshold": report_threshold(),
        "report": None,
        "chart": None,
        "query": request.GET.urlencode(),
    }
    if not form.is_bound or form.is_valid():
        built = build_report(house, form.period())
        context["report"] = built
        context["chart"] = month_chart_svg(built.table("month"), labelled_by=CHART_TITLE_ID)
        context["chart_title_id"] = CHART_TITLE_ID
    return render(request, "reporting/report.html", context)


@require_GET
@login_required
def report_export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    house = report_house(request.acting)
    form = PeriodForm(request.GET or None)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("De periode bevat een fout; verbeter die voordat u exporteert."))
        return redirect(reverse("reporting:report") + "?" + request.GET.urlencode())
    built = build_report(house, form.period())
    report_export_record(
        actor=Actor.from_request(request),
        house=house,
        period=built.period,
        file_format=file_format,
        threshold=built.threshold,
    )
    content = report_csv(built) if file_format == "csv" else report_xlsx(built)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(built, file_format)}"'
    return response
