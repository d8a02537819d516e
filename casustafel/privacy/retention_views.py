"""Retention pages: closed cases due for destruction within a month (and overdue ones), the
destruction records, and per case how its retention was set and extended, with the extension
form for privacy officers.

Privacy officers and process directors of the acting house see them; process directors cannot
extend (403 on POST); everyone else gets a 404. The overview shows no personal data; the case
page shows extension reasons and writes one read event per view.
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
from casustafel.cases.models import Case, CaseStatus
from casustafel.cases.views.referrals import add_service_errors
from casustafel.privacy.retention_forms import RetentionExtendForm
from casustafel.privacy.retention_selectors import (
    DUE_WITHIN_DAYS,
    destruction_counts,
    destruction_of,
    destruction_records,
    destructions_due,
    extension_label,
    extensions_of,
    get_retention_case,
    may_extend,
    retention_house,
    retention_rows,
)
from casustafel.privacy.retention_services import retention_extend

DESTRUCTION_PAGE_SIZE = 25


@require_GET
@login_required
def retention_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = retention_house(request.acting)
    records = Paginator(destruction_records(house), DESTRUCTION_PAGE_SIZE).get_page(request.GET.get("pagina"))
    context = {
        "house": house,
        "due": retention_rows(destructions_due(house)),
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
    form = RetentionExtendForm(request.POST or None, initial={"version": case.version})
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
