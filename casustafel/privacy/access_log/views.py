"""The access log with its export and the integrity check of the audit trail (privacy officers
of the house only; anyone else gets a 404)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditEvent
from casustafel.audit.selectors import audit_chain_verify
from casustafel.privacy.access_log.detectors import PatternScope, detect_patterns, pattern_period
from casustafel.privacy.access_log.forms import AccessLogFilterForm
from casustafel.privacy.access_log.selectors import (
    AccessLogFilter,
    access_log_events,
    access_log_rows,
    house_audit_events,
    object_type_label,
    role_label,
)
from casustafel.privacy.access_log.services import access_log_export_record, access_log_search_record
from casustafel.privacy.scope import privacy_officer_house

ACCESS_LOG_PAGE_SIZE = 50


def _log_filter(form: AccessLogFilterForm) -> AccessLogFilter:
    if not form.is_bound or not form.is_valid():
        return AccessLogFilter()
    data = form.cleaned_data
    return AccessLogFilter(
        date_from=data["date_from"],
        date_to=data["date_to"],
        user=data["user"],
        organisation=data["organisation"],
        action=data["action"] or "",
        case_id=data["case_id"],
        person_id=data["person_id"],
    )


@require_GET
@login_required
def access_log(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = privacy_officer_house(request.acting)
    form = AccessLogFilterForm(request.GET or None, house=house)
    log_filter = _log_filter(form)
    if log_filter.case_id is not None or log_filter.person_id is not None:
        access_log_search_record(
            actor=Actor.from_request(request), house=house, case_id=log_filter.case_id, person_id=log_filter.person_id
        )
    page = Paginator(access_log_events(house, log_filter), ACCESS_LOG_PAGE_SIZE).get_page(request.GET.get("pagina"))
    starts_at, ends_at = pattern_period(*log_filter.period(), now=timezone.now())
    pattern_events = log_filter.apply(house_audit_events(house), for_patterns=True).filter(
        occurred_at__gte=starts_at, occurred_at__lt=ends_at
    )
    findings = detect_patterns(PatternScope(events=pattern_events, starts_at=starts_at, ends_at=ends_at))
    query = request.GET.copy()
    query.pop("pagina", None)
    context = {
        "house": house,
        "form": form,
        "page": page,
        "rows": access_log_rows(page.object_list, findings),
        "findings": findings,
        "pattern_start": starts_at,
        "pattern_end": ends_at,
        "query": query.urlencode(),
    }
    return render(request, "privacy/access_log.html", context)


CSV_HEADER = [
    "Tijdstip",
    "Gebruiker",
    "Gebruiker-id",
    "Namens organisatie",
    "Rol",
    "Namens collega (vervanging)",
    "Handeling",
    "Soort object",
    "Object-id",
    "Casus-id",
    "Betrokkene-id",
    "Verzoek-id",
]


class _Echo:
    """A file-like object whose write returns the line, for streaming csv.writer output."""

    def write(self, value: str) -> str:
        return value


def _cell(value: object) -> str:
    # A cell starting with = + - @ would run as a formula in Excel (CSV injection).
    text = "" if value is None else str(value)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@") else text


def _csv_lines(events: Any) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for event in events.iterator(chunk_size=500):
        yield writer.writerow(
            [
                _cell(value)
                for value in (
                    timezone.localtime(event.occurred_at).strftime("%Y-%m-%d %H:%M:%S"),
                    event.actor.full_name if event.actor else "",
                    event.actor_id or "",
                    event.actor_organisation.name if event.actor_organisation else "",
                    role_label(event.actor_role),
                    event.on_behalf_of.full_name if event.on_behalf_of else "",
                    event.get_action_display(),
                    object_type_label(event.object_type),
                    event.object_id,
                    event.case_id or "",
                    event.person_id or "",
                    event.request_id,
                )
            ]
        )


@require_GET
@login_required
def access_log_export(request: AuthenticatedHttpRequest) -> HttpResponseBase:
    """The filtered access log as CSV (semicolons and a BOM, so Dutch Excel opens it as is).
    The export is itself audited before the first byte is sent."""
    house = privacy_officer_house(request.acting)
    form = AccessLogFilterForm(request.GET or None, house=house)
    if form.is_bound and not form.is_valid():
        messages.error(request, _("Het filter bevat een fout; verbeter het voordat u exporteert."))
        return redirect(reverse("privacy:access_log") + "?" + request.GET.urlencode())
    log_filter = _log_filter(form)
    # Freeze the set at the newest event now, so the file holds exactly the rows counted in the
    # export's own audit event (and not that event, nor anything written while streaming).
    newest = AuditEvent.objects.order_by("-sequence").values_list("sequence", flat=True).first() or 0
    events = access_log_events(house, log_filter).filter(sequence__lte=newest)
    access_log_export_record(
        actor=Actor.from_request(request), house=house, filters=log_filter.as_audit_changes(), row_count=events.count()
    )
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    filename = f"logboek-{slugify(house.name)}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


_CHAIN_PROBLEMS = {
    "link to the previous event is broken": _lazy("de koppeling met de vorige gebeurtenis is verbroken"),
    "recorded changes were altered": _lazy("de vastgelegde wijzigingen zijn veranderd"),
    "event content was altered": _lazy("de inhoud van de gebeurtenis is veranderd"),
    "newest events are missing (chain head does not match)": _lazy(
        "de nieuwste gebeurtenissen ontbreken (de kop van de keten klopt niet)"
    ),
}


def _chain_problem_text(problem: str) -> str:
    """The verify command reports in English (for operators); the page shows Dutch."""
    if problem.startswith("expected sequence "):
        return _("volgnummer %(number)s verwacht: er ontbreken gebeurtenissen") % {
            "number": problem.removeprefix("expected sequence ")
        }
    return str(_CHAIN_PROBLEMS.get(problem, problem))


@require_http_methods(["GET", "POST"])
@login_required
def audit_integrity(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Run the hash-chain check of the whole audit trail on request (it reads every event)."""
    privacy_officer_house(request.acting)
    context: dict[str, Any] = {"checked": False}
    if request.method == "POST":
        problems = audit_chain_verify()
        context = {
            "checked": True,
            "problems": [(p.sequence, _chain_problem_text(p.problem)) for p in problems[:100]],
            "problem_count": len(problems),
            "event_count": AuditEvent.objects.count(),
            "checked_at": timezone.now(),
        }
    return render(request, "privacy/audit_integrity.html", context)
