"""The dashboards, their exports and the drill-down to cases. For the board, the house manager
and the process directors of the house (`report_house`); everyone else gets a 404. Every page
view and every export is audited (`report_view_record`, `report_export_record`); the
drill-down, which shows cases, names them in its read event.

The catalogue and the annual report have their own modules (`views_catalogue.py`,
`views_annual.py`)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import Http404, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record
from casustafel.cases.models import CaseParty, PartyRole
from casustafel.reporting.charts import bar_chart_svg
from casustafel.reporting.exports import CONTENT_TYPES, dashboard_csv, dashboard_xlsx, export_filename
from casustafel.reporting.forms import DashboardForm
from casustafel.reporting.indicators.base import Context, parse_scope
from casustafel.reporting.indicators.counts import drill_source
from casustafel.reporting.roles import can_drill_down
from casustafel.reporting.selectors import (
    Dashboard,
    build_dashboard,
    drill_cases_for,
    drill_entry,
    period_from,
    report_house,
    report_threshold,
)
from casustafel.reporting.services import indicator_catalogue_ensure, report_export_record, report_view_record

DRILL_PAGE_SIZE = 25


def _charts(dashboard: Dashboard) -> dict[str, dict[str, str]]:
    """The chart of every panel that has one (its SVG and the title of the table it draws),
    keyed by panel."""
    charts = {}
    for panel in dashboard.panels:
        spec = panel.result.chart
        if spec is None:
            continue
        table = panel.result.table(spec.table)
        svg = bar_chart_svg(table, labelled_by=f"chart-{panel.key}", column=spec.column, axis_title=spec.axis_title)
        if svg:
            charts[panel.key] = {"svg": svg, "title": table.title}
    return charts


@require_GET
@login_required
def dashboard(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = report_house(request.acting)
    indicator_catalogue_ensure(house)
    form = DashboardForm(request.GET or None, house=house)
    context = {"house": house, "form": form, "threshold": report_threshold(), "query": request.GET.urlencode()}
    if not form.is_bound or form.is_valid():
        built = build_dashboard(house, form.chosen_period(), form.chosen_scope())
        report_view_record(
            actor=Actor.from_request(request),
            house=house,
            page="dashboard",
            period=built.period.key,
            scope=built.scope.key,
        )
        context.update(
            dashboard=built,
            charts=_charts(built),
            can_drill=can_drill_down(request.acting, house),
        )
    return render(request, "reporting/dashboard.html", context)


@require_GET
@login_required
def dashboard_export(request: AuthenticatedHttpRequest, file_format: str) -> HttpResponse:
    house = report_house(request.acting)
    indicator_catalogue_ensure(house)
    form = DashboardForm(request.GET or None, house=house)
    if form.is_bound and not form.is_valid():
        # Back to the dashboard with the same choices: it shows the error next to the field.
        messages.error(request, _("De periode bevat een fout; verbeter die voordat u exporteert."))
        return redirect(f"{reverse('reporting:report')}?{request.GET.urlencode()}")
    built = build_dashboard(house, form.chosen_period(), form.chosen_scope())
    report_export_record(
        actor=Actor.from_request(request),
        house=house,
        what="dashboard",
        file_format=file_format,
        threshold=built.threshold,
        period=built.period.key,
        scope=built.scope.key,
    )
    content = dashboard_csv(built) if file_format == "csv" else dashboard_xlsx(built)
    response = HttpResponse(content, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{export_filename(built, file_format)}"'
    return response


@require_GET
@login_required
def drill(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The cases behind one published count, for the process directors (the board never),
    under the name and definition of the indicator it comes from and the dashboard's filters."""
    house = report_house(request.acting)
    if not can_drill_down(request.acting, house):
        raise Http404
    indicator_catalogue_ensure(house)
    period = period_from(request.GET.get("period"))
    source, cell = request.GET.get("source", ""), request.GET.get("cell", "")
    cases, scope, category = drill_cases_for(request.user, house, source=source, drill=cell, period=period)
    shown_from = drill_entry(house, source)
    # The dashboard's own filter (the cell of a row per municipality is narrower than it).
    filtered = parse_scope(house, request.GET.get("scope", "") or scope.key)
    if not (filtered.is_house or filtered.key == scope.key):
        raise Http404  # a filter the count does not lie within would name the wrong cases
    indicator = drill_source(source)
    ctx = Context(house=house, period=period, scope=scope, threshold=report_threshold())
    published = indicator.cube(ctx).cell(category, scope.key, period)
    if not published.visible:
        raise Http404  # only a shown number has a list behind it
    page = Paginator(
        cases.select_related("meeting_type", "municipality", "referral")
        .prefetch_related(
            Prefetch(
                "referral__parties",
                queryset=CaseParty.objects.filter(role=PartyRole.SUBJECT).select_related("person").order_by("pk"),
                to_attr="subject_parties",
            )
        )
        .order_by("-opened_at", "pk"),
        DRILL_PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    if shown:
        audit_record(
            actor=Actor.from_request(request),
            action=AuditAction.READ,
            changes={
                "case_ids": [None, [case.pk for case in shown]],
                "person_ids": [None, [p.person_id for case in shown for p in case.referral.subject_parties]],  # type: ignore[attr-defined]
                "report": [
                    None,
                    {"page": "drill", "source": source, "cell": cell, "period": period.key, "scope": filtered.key},
                ],
            },
        )
    labels = indicator.labels()
    back = QueryDict(mutable=True)
    back.update({"period": period.key, "scope": filtered.key})
    return render(
        request,
        "reporting/drill.html",
        {
            "house": house,
            "period": period,
            "scope": scope,
            "filtered": filtered,
            "entry": shown_from,
            "category": labels.get(category, _("Totaal")),
            "published": published,
            "page": page,
            "query": request.GET.copy(),
            "back": f"{reverse('reporting:report')}?{back.urlencode()}#panel-{shown_from.key}",
        },
    )
