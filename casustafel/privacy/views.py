"""Privacy pages: the covenant (read by house staff, administrators and privacy officers; edited
by administrators; a PDF for every member of the house), the chair's privacy reminder per
meeting type, and the access log with its integrity check (privacy officers only).

Everything is scoped to the house of the membership the user acts for; anyone without the
right role there gets a 404.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditEvent
from casustafel.audit.selectors import audit_chain_verify
from casustafel.lib.forms import add_service_errors
from casustafel.organisations.models import Role
from casustafel.privacy.detectors import PatternScope, detect_patterns, pattern_period
from casustafel.privacy.forms import AccessLogFilterForm, CovenantRuleAddForm, CovenantRuleForm, CovenantVersionForm
from casustafel.privacy.models import CovenantVersion
from casustafel.privacy.pdf import covenant_pdf_response
from casustafel.privacy.selectors import (
    AccessLogFilter,
    access_log_events,
    access_log_rows,
    covenant_admin_house,
    covenant_document,
    covenant_reader_house,
    draft_of,
    get_covenant_version_for_admin,
    get_covenant_version_for_member,
    get_covenant_version_for_user,
    get_meeting_rule_for_admin,
    get_meeting_type_for_member,
    house_audit_events,
    meeting_reminder_for,
    member_house,
    object_type_label,
    privacy_officer_house,
    role_label,
    sector_columns,
    upcoming_version,
    version_in_force,
    versions_of,
)
from casustafel.privacy.services import (
    access_log_export_record,
    access_log_search_record,
    covenant_rule_add,
    covenant_rule_remove,
    covenant_rule_update,
    covenant_version_discard,
    covenant_version_draft,
    covenant_version_publish,
    covenant_version_update,
    publish_problems,
)

ACCESS_LOG_PAGE_SIZE = 50


def _published_redirect(request: AuthenticatedHttpRequest, version: CovenantVersion) -> HttpResponse:
    """A change posted to a version that was published meanwhile (say by a colleague): say so
    and show the version, rather than a form the page no longer renders."""
    messages.error(
        request,
        _(
            "Deze versie is gepubliceerd en kan niet meer worden gewijzigd. Kies 'Convenant wijzigen' om een nieuwe versie te maken."
        ),
    )
    return redirect("privacy:covenant_version", pk=version.pk)


def _is_admin(request: AuthenticatedHttpRequest) -> bool:
    return request.acting is not None and request.acting.role == Role.ADMINISTRATOR


# --- Covenant ---------------------------------------------------------------------------


@require_GET
@login_required
def covenant_detail(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = covenant_reader_house(request.acting)
    in_force = version_in_force(house)
    context = {
        "house": house,
        "document": covenant_document(in_force) if in_force else None,
        "upcoming": upcoming_version(house),
        "draft": draft_of(house) if _is_admin(request) else None,
        "versions": versions_of(house, include_draft=False),
        "is_admin": _is_admin(request),
        "sectors": sector_columns(),
    }
    return render(request, "privacy/covenant_detail.html", context)


@require_POST
@login_required
def covenant_edit(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Open the draft of the next version (a copy of the current one)."""
    house = covenant_admin_house(request.acting)
    draft = covenant_version_draft(actor=Actor.from_request(request), house=house)
    return redirect("privacy:covenant_version", pk=draft.pk)


def _render_version(
    request: AuthenticatedHttpRequest, version: CovenantVersion, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    editable = version.is_draft and _is_admin(request)
    page_forms: dict[str, Any] = {}
    if editable:
        page_forms = {
            "general": CovenantVersionForm.for_version(version),
            "add": CovenantRuleAddForm(prefix="add", version=version),
            **(bound or {}),
        }
    context = {
        "version": version,
        "document": covenant_document(version),
        "sectors": sector_columns(),
        "editable": editable,
        "forms": page_forms,
        "problems": publish_problems(version) if editable else [],
    }
    return render(request, "privacy/covenant_version_detail.html", context)


@require_GET
@login_required
def covenant_version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_version(request, get_covenant_version_for_user(request.acting, pk))


@require_POST
@login_required
def covenant_version_update_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_covenant_version_for_admin(request.acting, pk)
    if not version.is_draft:
        return _published_redirect(request, version)
    form = CovenantVersionForm.for_version(version, request.POST)
    if form.is_valid():
        values = {name: value for name, value in form.cleaned_data.items() if name != "version"}
        try:
            covenant_version_update(
                actor=Actor.from_request(request),
                version=version,
                expected_version=form.cleaned_data["version"],
                **values,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De versie is opgeslagen."))
            return redirect("privacy:covenant_version", pk=version.pk)
    return _render_version(request, version, {"general": form})


@require_POST
@login_required
def covenant_rule_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_covenant_version_for_admin(request.acting, pk)
    if not version.is_draft:
        return _published_redirect(request, version)
    form = CovenantRuleAddForm(request.POST, prefix="add", version=version)
    if form.is_valid():
        try:
            rule = covenant_rule_add(
                actor=Actor.from_request(request), version=version, meeting_type=form.cleaned_data["meeting_type"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het overlegtype is toegevoegd met de standaardafspraken. Controleer ze."))
            return redirect("privacy:covenant_rule_edit", pk=rule.pk)
    return _render_version(request, version, {"add": form})


@require_http_methods(["GET", "POST"])
@login_required
def covenant_rule_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rule = get_meeting_rule_for_admin(request.acting, pk)
    if not rule.covenant_version.is_draft:
        messages.error(
            request, _("Deze versie is gepubliceerd. Kies 'Convenant wijzigen' om een nieuwe versie te maken.")
        )
        return redirect("privacy:covenant_version", pk=rule.covenant_version_id)
    form = CovenantRuleForm.for_rule(rule, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            covenant_rule_update(
                actor=Actor.from_request(request),
                rule=rule,
                expected_version=data["version"],
                legal_basis=data["legal_basis"],
                legal_basis_detail=data["legal_basis_detail"],
                retention_years=data["retention_years"],
                cells=form.cells(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("De afspraken voor %(name)s zijn opgeslagen.") % {"name": rule.meeting_type.name}
            )
            return redirect(reverse("privacy:covenant_version", args=[rule.covenant_version_id]) + f"#rule-{rule.pk}")
    return render(request, "privacy/covenant_rule_form.html", {"form": form, "rule": rule, "sectors": sector_columns()})


@require_POST
@login_required
def covenant_rule_remove_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    rule = get_meeting_rule_for_admin(request.acting, pk)
    try:
        covenant_rule_remove(actor=Actor.from_request(request), rule=rule)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("De afspraken voor %(name)s zijn verwijderd.") % {"name": rule.meeting_type.name})
    return redirect("privacy:covenant_version", pk=rule.covenant_version_id)


@require_POST
@login_required
def covenant_version_publish_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_covenant_version_for_admin(request.acting, pk)
    expected = request.POST.get("version")
    try:
        covenant_version_publish(
            actor=Actor.from_request(request),
            version=version,
            expected_version=int(expected) if expected and expected.isdigit() else None,
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("privacy:covenant_version", pk=version.pk)
    messages.success(request, _("Versie %(number)d van het convenant is gepubliceerd.") % {"number": version.number})
    return redirect("privacy:covenant")


@require_POST
@login_required
def covenant_version_discard_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_covenant_version_for_admin(request.acting, pk)
    try:
        covenant_version_discard(actor=Actor.from_request(request), version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("privacy:covenant_version", pk=version.pk)
    messages.success(request, _("Het concept is weggegooid."))
    return redirect("privacy:covenant")


@require_GET
@login_required
def covenant_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The covenant in force as a PDF, for every member of the house."""
    version = version_in_force(member_house(request.acting))
    if version is None:
        raise Http404
    return covenant_pdf_response(request, version)


@require_GET
@login_required
def covenant_version_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return covenant_pdf_response(request, get_covenant_version_for_member(request.acting, pk))


@require_GET
@login_required
def meeting_reminder(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The chair's privacy reminder of a meeting type; htmx requests get only the fragment, so
    the meeting page can embed it."""
    meeting_type = get_meeting_type_for_member(request.acting, pk)
    context = {"reminder": meeting_reminder_for(meeting_type)}
    template = "privacy/partials/meeting_reminder.html" if request.htmx else "privacy/meeting_reminder.html"  # type: ignore[attr-defined]
    return render(request, template, context)


# --- Access log -------------------------------------------------------------------------


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
