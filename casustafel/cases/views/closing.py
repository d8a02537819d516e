"""Closing a case: a process director of the house gives the reason and the day; the page shows
the retention term the case will get. Others who may see the case get a 403; anyone else a 404.
The page shows the case number, meeting type and dates, no personal data.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.cases.forms.closing import CaseCloseForm
from casustafel.cases.selectors.cases import get_case_for_user
from casustafel.cases.selectors.triage import is_process_director_of
from casustafel.cases.services.closing import case_close
from casustafel.lib.dates import add_years
from casustafel.lib.forms import add_service_errors
from casustafel.privacy.retention.selectors import retention_term_for


@require_http_methods(["GET", "POST"])
@login_required
def case_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    if not is_process_director_of(request.user, case.house_id):
        raise PermissionDenied
    today = timezone.localdate()
    form = CaseCloseForm(
        request.POST if request.method == "POST" else None, initial={"closed_on": today, "version": case.version}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            closed = case_close(
                actor=Actor.from_request(request),
                case=case,
                reason=data["reason"],
                closed_on=data["closed_on"],
                expected_version=data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            assert closed.retention_until is not None
            messages.success(
                request,
                _("Casus %(pk)s is afgesloten. De gegevens worden bewaard tot en met %(date)s.")
                % {"pk": closed.pk, "date": formats.date_format(closed.retention_until, "j F Y")},
            )
            return redirect("cases:case_detail", pk=closed.pk)
    term = retention_term_for(case.house_id, case.meeting_type, on=today)
    context = {"case": case, "form": form, "term": term, "retention_until": add_years(today, term.years)}
    return render(request, "cases/case_close.html", context)
