"""The effort ledger (meer- en minderwerk): an organisation's own entries and the form to add
one; correcting and removing an entry; and for managers and the board, effort next to value
per organisation and improvement action, with the time the system observed itself."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.learning.forms import EffortForm, YearForm, effort_initial, year_span
from casustafel.learning.models import EffortEntry
from casustafel.learning.overview import effort_overview_for
from casustafel.learning.roles import acting_house, can_write_effort, is_manager, reader_house
from casustafel.learning.selectors import effort_entries_for, get_effort_entry_for
from casustafel.learning.services import learning_view_record
from casustafel.learning.services_effort import effort_entry_delete, effort_entry_record, effort_entry_update
from casustafel.lib.forms import add_service_errors
from casustafel.organisations.models import Organisation

PAGE_SIZE = 50


def _effort_form(request: AuthenticatedHttpRequest, data: object = None, **kwargs: object) -> EffortForm:
    house = acting_house(request.acting)
    organisations = (
        list(Organisation.objects.filter(house=house, is_active=True).order_by("name"))
        if is_manager(request.acting)
        else None
    )
    return EffortForm(data, house=house, organisations=organisations, **kwargs)  # type: ignore[arg-type]


@require_http_methods(["GET", "POST"])
@login_required
def effort_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    """The entries the user may read (their organisation's; every one for managers and the
    board) and the form to add one for the organisation they act for."""
    house = acting_house(request.acting)
    form = _effort_form(request, request.POST if request.method == "POST" else None, new=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            effort_entry_record(
                actor=Actor.from_request(request),
                house=house,
                organisation=data.get("organisation") or request.acting.organisation,  # type: ignore[union-attr]
                month=data["month"],
                activity=data["activity"],
                direction=data["direction"],
                hours=data["hours"],
                evidence=data["evidence"],
                meeting_type=data["meeting_type"],
                action=data["action"],
                note=data["note"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De uren zijn vastgelegd."))
            return redirect(reverse("learning:effort"))
    page = Paginator(effort_entries_for(request.acting), PAGE_SIZE).get_page(request.GET.get("pagina"))
    context = {"form": form, "page": page, "acting": request.acting, "manager": is_manager(request.acting)}
    return render(request, "learning/effort.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def effort_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry = get_effort_entry_for(request.acting, pk)
    if not can_write_effort(request.acting, entry):
        raise PermissionDenied
    form = _effort_form(request, request.POST if request.method == "POST" else None, initial=effort_initial(entry))
    form.fields.pop("organisation", None)  # an entry keeps its organisation
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            effort_entry_update(
                actor=Actor.from_request(request),
                entry=entry,
                month=data["month"],
                activity=data["activity"],
                direction=data["direction"],
                hours=data["hours"],
                evidence=data["evidence"],
                meeting_type=data["meeting_type"],
                action=data["action"],
                note=data["note"],
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De uren zijn bijgewerkt."))
            return redirect(reverse("learning:effort"))
    return render(request, "learning/effort_form.html", {"form": form, "entry": entry})


@require_POST
@login_required
def effort_delete(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    entry: EffortEntry = get_effort_entry_for(request.acting, pk)
    if not can_write_effort(request.acting, entry):
        raise PermissionDenied
    version = request.POST.get("version", "")
    try:
        effort_entry_delete(
            actor=Actor.from_request(request), entry=entry, expected_version=int(version) if version.isdigit() else None
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect(reverse("learning:effort_edit", args=[entry.pk]))
    messages.success(request, _("De regel is verwijderd."))
    return redirect(reverse("learning:effort"))


@require_GET
@login_required
def effort_overview(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Effort next to value, per organisation and improvement action, for one year."""
    house = reader_house(request.acting)
    form = YearForm(request.GET or None)
    year = form.chosen()
    start, end = year_span(year)
    overview = effort_overview_for(house, start, end)
    learning_view_record(actor=Actor.from_request(request), obj=house, page="effort_overview", year=year)
    return render(request, "learning/effort_overview.html", {"form": form, "year": year, "overview": overview})
