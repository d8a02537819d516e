"""Retention pages: closed cases and referrals without a case due for destruction within a
month (and overdue ones), the destruction records, and per case or referral how its retention
was set and extended, with the extension form for privacy officers.

Privacy officers and process directors of the acting house see them; process directors cannot
extend (403 on POST) and do not see drafts; everyone else gets a 404. The overview shows no
personal data; the pages of one case or referral show extension reasons and write one read
event per view.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_read
from casustafel.cases.models import Case, CaseStatus, Referral
from casustafel.lib.forms import add_service_errors
from casustafel.privacy.retention.forms import RetentionExtendForm
from casustafel.privacy.retention.selectors import (
    DUE_WITHIN_DAYS,
    destruction_counts,
    destruction_of,
    destruction_records,
    destructions_due,
    extension_label,
    extensions_of,
    get_retention_case,
    get_retention_referral,
    may_extend,
    referral_destruction_of,
    referral_destructions_due,
    referral_extensions_of,
    referral_retention_row,
    retention_house,
    retention_rows,
    sees_drafts,
    stale_months,
)
from casustafel.privacy.retention.services import referral_retention_extend, retention_extend

DESTRUCTION_PAGE_SIZE = 25


@require_GET
@login_required
def retention_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = retention_house(request.acting)
    drafts = sees_drafts(request.acting)
    records = Paginator(destruction_records(house, include_drafts=drafts), DESTRUCTION_PAGE_SIZE).get_page(
        request.GET.get("pagina")
    )
    context = {
        "house": house,
        "due": retention_rows(destructions_due(house)),
        "referrals_due": referral_destructions_due(house, include_drafts=drafts),
        "stale_months": stale_months(),
        "due_days": DUE_WITHIN_DAYS,
        "records": records,
        "may_extend": may_extend(request.acting),
    }
    return render(request, "privacy/retention_overview.html", context)


def _render_case(request: AuthenticatedHttpRequest, case: Case, form: RetentionExtendForm | None) -> HttpResponse:
    audit_read(actor=Actor.from_request(request), obj=case, case_id=case.pk)
    destruction = destruction_of(case)
    extensions = [(extension_label(extension.number), extension) for extension in extensions_of(case)]
    context = {
        "case": case,
        "retention": getattr(case, "retention", None),
        "extensions": extensions,
        "destruction": destruction,
        "counts": destruction_counts(destruction) if destruction else None,
        "form": form if case.status == CaseStatus.CLOSED else None,
    }
    return render(request, "privacy/retention_case.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def retention_case(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_retention_case(request.acting, pk)
    if not may_extend(request.acting):
        if request.method == "POST":
            raise PermissionDenied
        return _render_case(request, case, None)
    if request.method == "POST" and case.status != CaseStatus.CLOSED:
        messages.error(request, _("Alleen de bewaartermijn van een afgesloten casus kan worden verlengd."))
        return redirect("privacy:retention_case", pk=case.pk)
    form = RetentionExtendForm(request.POST if request.method == "POST" else None, initial={"version": case.version})
    if request.method == "POST" and form.is_valid():
        try:
            extension = retention_extend(
                actor=Actor.from_request(request),
                case=case,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("De bewaartermijn is verlengd (%(label)s).") % {"label": extension_label(extension.number)}
            )
            return redirect("privacy:retention_case", pk=case.pk)
    return _render_case(request, case, form)


def _render_referral(
    request: AuthenticatedHttpRequest, referral: Referral, form: RetentionExtendForm | None
) -> HttpResponse:
    audit_read(actor=Actor.from_request(request), obj=referral)
    destruction = referral_destruction_of(referral)
    row = referral_retention_row(referral)
    context = {
        "referral": referral,
        "row": row,
        "retention": getattr(referral, "retention", None),
        "stale_months": stale_months(),
        "extensions": [(extension_label(e.number), e) for e in referral_extensions_of(referral)],
        "destruction": destruction,
        "counts": destruction_counts(destruction) if destruction else None,
        "form": form if row is not None and not row.is_stale else None,
    }
    return render(request, "privacy/retention_referral.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def retention_referral(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A referral without a case: how long it is kept and why; privacy officers extend a
    decided one. Drafts and unanswered referrals have no date to extend (they are kept while
    used)."""
    referral = get_retention_referral(request.acting, pk)
    if not may_extend(request.acting):
        if request.method == "POST":
            raise PermissionDenied
        return _render_referral(request, referral, None)
    row = referral_retention_row(referral)
    if request.method == "POST" and (row is None or row.is_stale):
        messages.error(
            request,
            _("Alleen de bewaartermijn van een aanmelding waarover zonder casus is besloten kan worden verlengd."),
        )
        return redirect("privacy:retention_referral", pk=referral.pk)
    form = RetentionExtendForm(
        request.POST if request.method == "POST" else None, initial={"version": referral.version}
    )
    if request.method == "POST" and form.is_valid():
        try:
            extension = referral_retention_extend(
                actor=Actor.from_request(request),
                referral=referral,
                new_date=form.cleaned_data["new_date"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("De bewaartermijn is verlengd (%(label)s).") % {"label": extension_label(extension.number)}
            )
            return redirect("privacy:retention_referral", pk=referral.pk)
    return _render_referral(request, referral, form)
