"""The access log with its export and the integrity check of the audit trail (privacy officers
of the house only; anyone else gets a 404)."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditEvent, AuditVerification, VerificationKind, VerificationStatus
from casustafel.audit.selectors import chain_of, latest_verifications, pending_count
from casustafel.audit.services import audit_verification_start
from casustafel.audit.verification import problem_label
from casustafel.lib.forms import add_service_errors, parse_id
from casustafel.privacy.access_log.detectors import examined_until, finding_links, pattern_period, stored_findings
from casustafel.privacy.access_log.forms import AccessLogFilterForm, AccessLogPersonSearchForm
from casustafel.privacy.access_log.selectors import (
    AccessLogFilter,
    Cursor,
    access_log_export_rows,
    access_log_page,
    access_log_rows,
    house_user_search,
    merged_person_ids,
    object_type_label,
    role_label,
)
from casustafel.privacy.access_log.services import access_log_export_record, access_log_search_record
from casustafel.privacy.scope import privacy_officer_house
from casustafel.privacy.subject_access.services import sar_person_search

ACCESS_LOG_PAGE_SIZE = 50


def _log_filter(form: AccessLogFilterForm) -> AccessLogFilter:
    if not form.is_bound or not form.is_valid():
        return AccessLogFilter()
    data = form.cleaned_data
    person_id = data["person_id"]
    return AccessLogFilter(
        date_from=data["date_from"],
        date_to=data["date_to"],
        user=data["user"],
        organisation=data["organisation"],
        action=data["action"] or "",
        case_id=data["case_id"],
        person_id=person_id,
        # Registrations merged into the person are the same person.
        person_ids=merged_person_ids(person_id) if person_id is not None else (),
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
    page = access_log_page(
        house,
        log_filter,
        older_than=Cursor.decode(request.GET.get("na")),
        newer_than=Cursor.decode(request.GET.get("voor")),
        size=ACCESS_LOG_PAGE_SIZE,
    )
    starts_at, ends_at = pattern_period(*log_filter.period(), now=timezone.now())
    findings = stored_findings(
        house, starts_at=starts_at, ends_at=ends_at, user=log_filter.user, organisation=log_filter.organisation
    )
    links = finding_links((event.pk for event in page.events), findings)
    query = request.GET.copy()
    for key in ("na", "voor", "pagina"):
        query.pop(key, None)
    context = {
        "house": house,
        "form": form,
        "page": page,
        "rows": access_log_rows(page.events, findings, links),
        "findings": findings,
        "pattern_start": starts_at,
        "pattern_end": ends_at,
        "examined_until": examined_until(house),
        "query": query.urlencode(),
        "search_form": AccessLogPersonSearchForm(),
        **_user_picker(house, form, log_filter),
    }
    return render(request, "privacy/access_log.html", context)


def _user_picker(house: Any, form: AccessLogFilterForm, log_filter: AccessLogFilter) -> dict[str, Any]:
    """The user filter's chosen person and, when a search was typed (the form sent without
    JavaScript), its results in place."""
    query = form.data.get("user_q", "").strip()[:100] if form.is_bound else ""
    chosen = log_filter.user
    results = house_user_search(house, query, exclude=chosen.pk if chosen else None) if query else None
    return {"chosen_user": chosen, "user_query": query, "user_results": results}


@require_GET
@login_required
def access_log_user_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """People of the house matching the typed name, e-mail address or organisation, for the
    access log's user filter (htmx, as the privacy officer types)."""
    house = privacy_officer_house(request.acting)
    query = request.GET.get("user_q", "").strip()[:100]
    chosen = parse_id(request.GET.get("user"))
    context = {"user_query": query, "user_results": house_user_search(house, query, exclude=chosen)}
    return render(request, "privacy/partials/access_log_user_results.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def access_log_person_search(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Find a person for the access log by BSN, or by surname and date of birth: the same rule
    and the same audited search as for a subject access request. A POST, so no name or BSN ever
    stands in a URL; the results link to the log by person id."""
    house = privacy_officer_house(request.acting)
    form = AccessLogPersonSearchForm(request.POST if request.method == "POST" else None)
    matches: list[Any] = []
    searched = False
    if request.method == "POST" and form.is_valid():
        try:
            matches = sar_person_search(actor=Actor.from_request(request), house=house, **form.cleaned_data)
            searched = True
        except ValidationError as exc:
            add_service_errors(form, exc)
    context = {"house": house, "search_form": form, "matches": matches, "searched": searched}
    return render(request, "privacy/access_log_person_search.html", context)


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


def _csv_lines(events: Iterator[AuditEvent]) -> Iterator[str]:
    writer = csv.writer(_Echo(), delimiter=";")
    yield "\ufeff" + writer.writerow(CSV_HEADER)
    for event in events:
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
    count, events = access_log_export_rows(house, log_filter, up_to=newest)
    access_log_export_record(
        actor=Actor.from_request(request), house=house, filters=log_filter.as_audit_changes(), row_count=count
    )
    response = StreamingHttpResponse(_csv_lines(events), content_type="text/csv; charset=utf-8")
    filename = f"logboek-{slugify(house.name)}-{timezone.localdate():%Y%m%d}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _problem_rows(verification: AuditVerification | None) -> list[tuple[object, object, str]]:
    if verification is None:
        return []
    return [
        (problem.get("seal") or "–", problem.get("sequence") or "–", problem_label(str(problem.get("code", ""))))
        for problem in verification.problems[:100]
    ]


def _integrity_context(house_id: int) -> dict[str, Any]:
    chain = chain_of(house_id)
    verifications = latest_verifications(chain) if chain is not None else []
    full = next((v for v in verifications if v.kind == VerificationKind.FULL), None)
    incremental = next((v for v in verifications if v.kind == VerificationKind.INCREMENTAL), None)
    running = full is not None and full.status in (VerificationStatus.QUEUED, VerificationStatus.RUNNING)
    return {
        "chain": chain,
        "full": full,
        "full_problems": _problem_rows(full),
        "incremental": incremental,
        "incremental_problems": _problem_rows(incremental),
        "running": running,
        "pending_count": pending_count(house_id),
    }


@require_http_methods(["GET", "POST"])
@login_required
def audit_integrity(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The integrity of the house's audit chain: the newest signed seal, what the periodic work
    verified, and the full verification, which a POST starts as a background task (the task
    worker runs it; the page shows its progress, refreshed by htmx while it runs). Only this
    house's chain: no event or count of another house."""
    house = privacy_officer_house(request.acting)
    if request.method == "POST":
        audit_verification_start(actor=Actor.from_request(request), house=house)
        messages.success(request, _("De volledige controle is gestart. Deze pagina toont de voortgang."))
        return redirect("privacy:audit_integrity")
    context = {"house": house, **_integrity_context(house.pk)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "privacy/partials/audit_integrity_status.html", context)
    return render(request, "privacy/audit_integrity.html", context)
