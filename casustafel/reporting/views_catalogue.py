"""The indicator catalogue: the list (with CSV and XLSX), one indicator with its versions and,
for an indicator from another source, its entered figures; editing a definition (a new
version) and entering figures, for the house manager and the process directors."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.lib.forms import add_service_errors
from casustafel.reporting.exports import CONTENT_TYPES, catalogue_csv, catalogue_xlsx
from casustafel.reporting.forms import ExternalFigureForm, ExternalIndicatorForm, IndicatorForm
from casustafel.reporting.models import ExternalFigure, IndicatorSource
from casustafel.reporting.roles import can_edit_catalogue
from casustafel.reporting.selectors import catalogue, entry, report_house, report_threshold
from casustafel.reporting.services import (
    external_figure_record,
    indicator_add_external,
    indicator_catalogue_ensure,
    indicator_revise,
    report_export_record,
    report_view_record,
)


@require_GET
@login_required
def catalogue_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = report_house(request.acting)
    indicator_catalogue_ensure(house)
    report_view_record(actor=Actor.from_request(request), house=house, page="catalogue")
    return render(
        request,
        "reporting/catalogue.html",
        {
            "house": house,
            "entries": catalogue(house, active_only=False),
            "can_edit": can_edit_catalogue(request.acting, house),
        },
    )


@require_GET
@login_required
def catalogue_export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    house = report_house(request.acting)
    entries = catalogue(house, active_only=False)
    report_export_record(
        actor=Actor.from_request(request),
        house=house,
        what="catalogue",
        file_format=file_format,
        threshold=report_threshold(),
    )
    content = catalogue_csv(house.name, entries) if file_format == "csv" else catalogue_xlsx(house.name, entries)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="indicatorcatalogus.{file_format}"'
    return response


def _indicator_initial(item: object) -> dict[str, object]:
    version = item.version  # type: ignore[attr-defined]
    return {
        "version": item.indicator.version,  # type: ignore[attr-defined]
        **{
            name: getattr(version, name)
            for name in (
                "name",
                "kind",
                "counts",
                "numerator",
                "denominator",
                "unit",
                "source_name",
                "grain",
                "target",
                "target_direction",
                "owner",
            )  # fmt: skip
        },
    }


@require_http_methods(["GET", "POST"])
@login_required
def indicator_detail(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    house = report_house(request.acting)
    item = entry(house, key)
    can_edit = can_edit_catalogue(request.acting, house)
    form = IndicatorForm(request.POST if request.method == "POST" else None, initial=_indicator_initial(item))
    if request.method == "POST":
        if not can_edit:
            return HttpResponse(status=403)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                indicator_revise(
                    actor=Actor.from_request(request),
                    indicator=item.indicator,
                    expected_version=data.pop("version"),
                    reason=data.pop("reason"),
                    **data,
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, _("De nieuwe versie van de definitie is vastgelegd."))
                return redirect("reporting:indicator", key=key)
    else:
        report_view_record(actor=Actor.from_request(request), house=house, page="indicator", key=key)
    external = item.version.source == IndicatorSource.EXTERNAL
    return render(
        request,
        "reporting/indicator.html",
        {
            "house": house,
            "item": item,
            "versions": item.indicator.versions.order_by("-number").select_related("created_by"),
            "form": form,
            "can_edit": can_edit,
            "external": external,
            "figures": ExternalFigure.objects.filter(indicator=item.indicator)
            .select_related("municipality")
            .order_by("-period", "municipality__name")
            if external
            else [],
            "figure_form": ExternalFigureForm(house=house, initial={"status": "provisional"}) if external else None,
        },
        status=200,
    )


@require_http_methods(["POST"])
@login_required
def external_figure_save(request: AuthenticatedHttpRequest, key: str) -> HttpResponse:
    house = report_house(request.acting)
    item = entry(house, key)
    if not can_edit_catalogue(request.acting, house):
        return HttpResponse(status=403)
    form = ExternalFigureForm(request.POST, house=house)
    if form.is_valid():
        data = form.cleaned_data
        try:
            external_figure_record(
                actor=Actor.from_request(request),
                indicator=item.indicator,
                period=data["period"],
                municipality=data["municipality"],
                value=data["value"],
                not_known=data["not_known"],
                source=data["source"],
                status=data["status"],
                note=data["note"],
                expected_version=data.get("version"),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("Het cijfer is vastgelegd."))
            return redirect("reporting:indicator", key=key)
    return render(
        request,
        "reporting/indicator.html",
        {
            "house": house,
            "item": item,
            "versions": item.indicator.versions.order_by("-number").select_related("created_by"),
            "form": IndicatorForm(initial=_indicator_initial(item)),
            "can_edit": True,
            "external": True,
            "figures": ExternalFigure.objects.filter(indicator=item.indicator).select_related("municipality"),
            "figure_form": form,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def indicator_add(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = report_house(request.acting)
    if not can_edit_catalogue(request.acting, house):
        return HttpResponse(status=403)
    form = ExternalIndicatorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        try:
            indicator = indicator_add_external(
                actor=Actor.from_request(request), house=house, key=data.pop("key"), **data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("De indicator staat in de catalogus; voer nu de cijfers in."))
            return redirect("reporting:indicator", key=indicator.key)
    return render(request, "reporting/indicator_add.html", {"house": house, "form": form})
