"""The administrator's persons pages: find duplicate registrations and merge them."""

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
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_list, audit_read
from casustafel.cases.forms.referrals import PersonMergeForm
from casustafel.cases.selectors.persons import get_person_for_administrator, person_bsn_masked, possible_duplicates
from casustafel.cases.services.persons import person_merge
from casustafel.lib.forms import add_service_errors
from casustafel.organisations.selectors import require_administrator


@require_GET
@login_required
def person_duplicates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Possible duplicates (same surname and birth date), or a search by surname."""
    require_administrator(request.user)
    query = request.GET.get("q", "").strip()[:120]
    persons = possible_duplicates(request.user, query=query)
    # One event for the search, linking every person shown: who saw whom stays traceable.
    audit_list(actor=Actor.from_request(request), action=AuditAction.SEARCH, person_ids=[p.pk for p in persons])
    form = PersonMergeForm()
    return render(request, "cases/person_duplicates.html", {"persons": persons, "query": query, "form": form})


@require_http_methods(["GET", "POST"])
@login_required
def person_merge_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show both registrations side by side; merging needs a deliberate second step."""
    require_administrator(request.user)
    form = PersonMergeForm(request.POST if request.method == "POST" else request.GET)
    if not form.is_valid():
        return render(
            request,
            "cases/person_duplicates.html",
            {"persons": possible_duplicates(request.user), "query": "", "form": form},
        )
    keep = get_person_for_administrator(request.user, form.cleaned_data["keep"])
    duplicate = get_person_for_administrator(request.user, form.cleaned_data["duplicate"])
    if request.method == "POST":
        try:
            person_merge(
                actor=Actor.from_request(request),
                keep=keep,
                duplicate=duplicate,
                keep_version=form.cleaned_data["keep_version"],
                duplicate_version=form.cleaned_data["duplicate_version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De registraties zijn samengevoegd tot registratie %(pk)s.") % {"pk": keep.pk})
            return redirect("cases:person_duplicates")
    actor = Actor.from_request(request)
    for person in (keep, duplicate):
        audit_read(actor=actor, obj=person, person_id=person.pk)
    context = {
        "form": form,
        "keep": keep,
        "duplicate": duplicate,
        "keep_bsn": person_bsn_masked(keep),
        "duplicate_bsn": person_bsn_masked(duplicate),
    }
    return render(request, "cases/person_merge.html", context)
