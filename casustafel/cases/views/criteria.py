"""Administration of criteria sets (versioned) and caseload caps, for administrators only.

A published version is read-only. "Wijzigen" makes (or reopens) the draft of the next version,
a copy of the current one; the administrator edits the draft and publishes it with a change
note. Anyone who does not administer the house gets a 404.

Edit forms carry the version they were loaded with; when a colleague saved in between, the
form comes back with the user's input, the newly saved values and the new version, so that a
second save is a deliberate overwrite.
"""

from __future__ import annotations

from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.cases.defaults import DEFAULT_SET_NAME
from casustafel.cases.forms.criteria import (
    CaseloadCapForm,
    CriteriaSetForm,
    CriteriaVersionForm,
    CriterionAddForm,
    CriterionForm,
)
from casustafel.cases.selectors.triage import (
    caseload_overview,
    criteria_sets_for_admin,
    current_version,
    draft_of,
    get_criteria_set_for_admin,
    get_criteria_version_for_admin,
    get_criterion_for_admin,
    municipalities_for_admin,
    tree_of,
    versions_of,
)
from casustafel.cases.services.criteria import (
    criteria_set_create,
    criteria_set_install_default,
    criteria_version_discard,
    criteria_version_draft,
    criteria_version_publish,
    criteria_version_update,
    criterion_add,
    criterion_remove,
    criterion_update,
    publish_problems,
)
from casustafel.cases.services.triage import caseload_cap_set
from casustafel.lib.concurrency import posted_version
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors
from casustafel.meeting_types.models import CriteriaSetVersion
from casustafel.meeting_types.selectors import admin_house


@require_GET
@login_required
def criteria_set_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = admin_house(request.acting)
    sets = list(criteria_sets_for_admin(request.user).filter(house=house).order_by("name"))
    rows = [(criteria_set, current_version(criteria_set.pk), draft_of(criteria_set)) for criteria_set in sets]
    context = {
        "house": house,
        "rows": rows,
        "has_default": any(criteria_set.name == DEFAULT_SET_NAME for criteria_set in sets),
    }
    return render(request, "cases/criteria_set_list.html", context)


@require_POST
@login_required
def criteria_set_install_default_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = admin_house(request.acting)
    criteria_set = criteria_set_install_default(actor=Actor.from_request(request), house=house)
    messages.success(request, _("De criteria a–e van de Werkinstructie maart 2014 staan klaar als versie 1."))
    return redirect("cases:criteria_set_detail", pk=criteria_set.pk)


@login_required
def criteria_set_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = admin_house(request.acting)
    form = CriteriaSetForm(request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            criteria_set = criteria_set_create(
                actor=Actor.from_request(request), house=house, name=form.cleaned_data["name"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request, _("De criteriaset is aangemaakt. Voeg de criteria toe en neem versie 1 in gebruik.")
            )
            return redirect("cases:criteria_version_detail", pk=draft_of(criteria_set).pk)  # type: ignore[union-attr]
    return render(request, "cases/criteria_set_form.html", {"form": form})


@require_GET
@login_required
def criteria_set_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criteria_set = get_criteria_set_for_admin(request.user, pk)
    current = current_version(criteria_set.pk)
    context = {
        "criteria_set": criteria_set,
        "current": current,
        "tree": tree_of(current) if current else (),
        "versions": versions_of(criteria_set),
        "draft": draft_of(criteria_set),
        "meeting_types": criteria_set.meeting_types.order_by("name"),
    }
    return render(request, "cases/criteria_set_detail.html", context)


@require_POST
@login_required
def criteria_set_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Open the draft of the next version (a copy of the current one)."""
    criteria_set = get_criteria_set_for_admin(request.user, pk)
    draft = criteria_version_draft(actor=Actor.from_request(request), criteria_set=criteria_set)
    return redirect("cases:criteria_version_detail", pk=draft.pk)


F = TypeVar("F", bound=forms.Form)


def _rebind(form: F, data: Any, current_version: int, exc: ConflictError) -> F:
    """The user's input again, now against `current_version`, with the conflict message."""
    rebound = data.copy()
    rebound[form.add_prefix("version")] = str(current_version)
    fresh = type(form)(rebound, prefix=form.prefix)
    fresh.is_valid()
    add_service_errors(fresh, exc)
    return fresh


def _render_version(
    request: AuthenticatedHttpRequest,
    version: CriteriaSetVersion,
    bound: dict[str, forms.Form] | None = None,
    conflict: bool = False,
) -> HttpResponse:
    is_draft = version.published_at is None
    page_forms: dict[str, Any] = {}
    if is_draft:
        page_forms = {
            "version": CriteriaVersionForm.for_version(version),
            "add": CriterionAddForm(prefix="add", version=version),
            **(bound or {}),
        }
    context = {
        "version": version,
        "criteria_set": version.criteria_set,
        "tree": tree_of(version),
        "is_draft": is_draft,
        "forms": page_forms,
        "problems": publish_problems(version) if is_draft else [],
        "conflict": conflict,
    }
    return render(request, "cases/criteria_version_detail.html", context)


@require_GET
@login_required
def criteria_version_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_version(request, get_criteria_version_for_admin(request.user, pk))


@require_POST
@login_required
def criteria_version_update_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_criteria_version_for_admin(request.user, pk)
    form = CriteriaVersionForm.for_version(version, request.POST)
    conflict = False
    if form.is_valid():
        values = {**form.cleaned_data}
        expected = values.pop("version")
        try:
            criteria_version_update(
                actor=Actor.from_request(request), version=version, expected_version=expected, **values
            )
        except ConflictError as exc:
            conflict = True
            form = _rebind(form, request.POST, version.version, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De versie is opgeslagen."))
            return redirect("cases:criteria_version_detail", pk=version.pk)
    return _render_version(request, version, {"version": form}, conflict=conflict)


@require_POST
@login_required
def criterion_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_criteria_version_for_admin(request.user, pk)
    form = CriterionAddForm(request.POST, prefix="add", version=version)
    if form.is_valid():
        try:
            criterion_add(actor=Actor.from_request(request), version=version, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het criterium is toegevoegd."))
            return redirect("cases:criteria_version_detail", pk=version.pk)
    return _render_version(request, version, {"add": form})


@login_required
def criterion_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criterion = get_criterion_for_admin(request.user, pk)
    form = CriterionForm.for_criterion(criterion, request.POST if request.method == "POST" else None)
    conflict = False
    if request.method == "POST" and form.is_valid():
        values = {**form.cleaned_data}
        expected = values.pop("version")
        if values["position"] is None:
            values.pop("position")
        try:
            criterion_update(
                actor=Actor.from_request(request), criterion=criterion, expected_version=expected, **values
            )
        except ConflictError as exc:
            conflict = True
            form = _rebind(form, request.POST, criterion.revision, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het criterium is opgeslagen."))
            return redirect("cases:criteria_version_detail", pk=criterion.version_id)
    context = {"form": form, "criterion": criterion, "conflict": conflict}
    return render(request, "cases/criterion_form.html", context)


@require_POST
@login_required
def criterion_remove_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    criterion = get_criterion_for_admin(request.user, pk)
    try:
        criterion_remove(
            actor=Actor.from_request(request),
            criterion=criterion,
            expected_version=posted_version(request.POST.get("version")),
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Criterium %(code)s is verwijderd.") % {"code": criterion.code})
    return redirect("cases:criteria_version_detail", pk=criterion.version_id)


@require_POST
@login_required
def criteria_version_publish_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_criteria_version_for_admin(request.user, pk)
    try:
        criteria_version_publish(actor=Actor.from_request(request), version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:criteria_version_detail", pk=version.pk)
    messages.success(
        request,
        _("Versie %(number)d is in gebruik genomen. Nieuwe triages worden hierop gewogen.")
        % {"number": version.number},
    )
    return redirect("cases:criteria_set_detail", pk=version.criteria_set_id)


@require_POST
@login_required
def criteria_version_discard_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    version = get_criteria_version_for_admin(request.user, pk)
    try:
        criteria_version_discard(actor=Actor.from_request(request), version=version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("cases:criteria_version_detail", pk=version.pk)
    messages.success(request, _("Het concept is weggegooid."))
    return redirect("cases:criteria_set_detail", pk=version.criteria_set_id)


@login_required
def caseload_caps(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = admin_house(request.acting)
    form = CaseloadCapForm(
        request.POST if request.method == "POST" else None,
        municipalities=municipalities_for_admin(request.user).filter(house=house),
    )
    if request.method == "POST" and form.is_valid():
        try:
            caseload_cap_set(actor=Actor.from_request(request), **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het caseloadplafond is opgeslagen."))
            return redirect("cases:caseload_caps")
    return render(request, "cases/criteria_caseload_caps.html", {"form": form, "rows": caseload_overview(house)})
