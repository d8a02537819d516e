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
from casustafel.cases.forms.referrals import PersonLookupForm, PersonMergeForm
from casustafel.cases.selectors.persons import (
    get_person_for_administrator,
    may_merge,
    person_bsn_masked,
    persons_for_merging,
    possible_duplicates,
)
from casustafel.cases.services.persons import not_the_same_person_message, person_merge
from casustafel.lib.forms import add_service_errors, missing_version_message
from casustafel.organisations.selectors import require_administrator


@require_GET
@login_required
def person_duplicates(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Possible duplicates (same surname and birth date), or, with the search form filled in,
    the registrations with exactly that BSN or those given names, surname and birth date."""
    require_administrator(request.user)
    lookup = PersonLookupForm(request.GET or None)
    if not lookup.is_bound:
        persons = possible_duplicates(request.user)
    elif lookup.is_valid():
        persons = persons_for_merging(request.user, **lookup.cleaned_data)
    else:
        persons = None  # a refused search is not carried out, so there is nothing to account for
    if persons is not None:
        # One event for the search, linking every person shown: who saw whom stays traceable.
        audit_list(actor=Actor.from_request(request), action=AuditAction.SEARCH, person_ids=[p.pk for p in persons])
    context = {"persons": persons or [], "lookup": lookup, "form": PersonMergeForm()}
    return render(request, "cases/person_duplicates.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def person_merge_confirm(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Show both registrations side by side; merging needs a deliberate second step."""
    require_administrator(request.user)
    form = PersonMergeForm(request.POST if request.method == "POST" else request.GET)
    if form.is_valid():
        keep = get_person_for_administrator(request.user, form.cleaned_data["keep"])
        duplicate = get_person_for_administrator(request.user, form.cleaned_data["duplicate"])
        if not may_merge(keep, duplicate):
            form.add_error(None, not_the_same_person_message())
        elif request.method == "POST" and form.versions_missing():
            form.add_error(None, missing_version_message())
    if not form.is_valid():
        # Nothing of either registration is shown: only pairs that may be one person open.
        context = {"persons": possible_duplicates(request.user), "lookup": PersonLookupForm(), "form": form}
        return render(request, "cases/person_duplicates.html", context)
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
