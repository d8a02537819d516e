"""The annual report: choose a completed year, write the narrative (board, house manager), ask
for an edition (made in the background, with progress), download its PDF and XLSX. Every
download is audited as an export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.lib.forms import add_service_errors
from casustafel.reporting.forms import SectionForm, YearForm
from casustafel.reporting.grid import Grain, GridPeriod, last_complete
from casustafel.reporting.models import AnnualReport, AnnualReportEdition, AnnualReportSection, EditionStatus
from casustafel.reporting.roles import can_edit_narrative
from casustafel.reporting.selectors import report_house
from casustafel.reporting.services import (
    annual_report_edition_request,
    annual_report_for,
    annual_report_section_save,
    report_export_record,
    report_view_record,
)

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def _year(value: int) -> int:
    if not GridPeriod.of_year(value).is_complete():
        raise Http404
    return value


def _page_context(request: AuthenticatedHttpRequest, report: AnnualReport) -> dict[str, object]:
    editions = list(report.editions.defer("pdf", "xlsx").select_related("requested_by").order_by("-number"))
    can_write = can_edit_narrative(request.acting, report.house)
    sections = list(report.sections.order_by("pk"))
    order = {key: index for index, key in enumerate(["foreword", "year", "cooperation", "outlook"])}
    sections.sort(key=lambda section: order.get(section.key, 99))
    return {
        "house": report.house,
        "report": report,
        "editions": editions,
        "running": any(edition.running for edition in editions),
        "can_write": can_write,
        "sections": [
            (section, SectionForm(initial={"version": section.version, "text": section.text}, prefix=section.key))
            for section in sections
        ],
        "year_form": YearForm(initial={"year": report.year}),
    }


@require_GET
@login_required
def annual_report(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = report_house(request.acting)
    form = YearForm(request.GET or None)
    year = form.cleaned_data["year"] if form.is_bound and form.is_valid() else last_complete(Grain.YEAR).year
    report = annual_report_for(house, _year(year))
    report_view_record(actor=Actor.from_request(request), house=house, page="annual_report", year=report.year)
    context = _page_context(request, report)
    if form.is_bound and not form.is_valid():
        context["year_form"] = form
    return render(request, "reporting/annual_report.html", context)


@require_GET
@login_required
def annual_status(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    """The editions with their progress (htmx polls it while one is being made)."""
    house = report_house(request.acting)
    report = annual_report_for(house, _year(year))
    return render(request, "reporting/partials/editions.html", _page_context(request, report))


@require_POST
@login_required
def annual_edition_request(request: AuthenticatedHttpRequest, year: int) -> HttpResponse:
    house = report_house(request.acting)
    edition = annual_report_edition_request(actor=Actor.from_request(request), house=house, year=_year(year))
    messages.success(
        request,
        _("Editie %(number)s wordt op de achtergrond gemaakt; u kunt deze pagina open laten of later terugkomen.")
        % {"number": edition.number},
    )
    return redirect(reverse("reporting:annual_report") + f"?year={year}")


@require_http_methods(["POST"])
@login_required
def annual_section_save(request: AuthenticatedHttpRequest, year: int, key: str) -> HttpResponse:
    house = report_house(request.acting)
    report = get_object_or_404(AnnualReport, house=house, year=_year(year))
    section = get_object_or_404(AnnualReportSection, report=report, key=key)
    if not can_edit_narrative(request.acting, house):
        return HttpResponse(status=403)
    form = SectionForm(request.POST, prefix=key)
    if form.is_valid():
        try:
            annual_report_section_save(
                actor=Actor.from_request(request),
                section=section,
                text=form.cleaned_data["text"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, _("Het hoofdstuk '%(title)s' is opgeslagen.") % {"title": section.get_key_display()}
            )
            return redirect(reverse("reporting:annual_report") + f"?year={year}#section-{key}")
    context = _page_context(request, report)
    context["sections"] = [(s, form if s.pk == section.pk else f) for s, f in context["sections"]]  # type: ignore[attr-defined]
    return render(request, "reporting/annual_report.html", context)


@require_GET
@login_required
def annual_download(request: AuthenticatedHttpRequest, year: int, number: int, file_format: str) -> HttpResponse:
    house = report_house(request.acting)
    edition = get_object_or_404(
        AnnualReportEdition, report__house=house, report__year=_year(year), number=number, status=EditionStatus.DONE
    )
    report_export_record(
        actor=Actor.from_request(request),
        house=house,
        what="annual_report",
        file_format=file_format,
        threshold=edition.threshold,
        year=year,
        edition=number,
    )
    content = bytes(edition.pdf if file_format == "pdf" else edition.xlsx)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="jaarverslag-{year}-editie-{number}.{file_format}"'
    return response
