"""Covenant pages: read by house staff, administrators and privacy officers; edited by
administrators; a PDF for every member of the house; and the chair's privacy reminder per
meeting type. Anyone without the right role in the house gets a 404."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.lib.concurrency import posted_version
from casustafel.lib.forms import add_service_errors
from casustafel.organisations.models import Role
from casustafel.privacy.covenant.forms import (
    CovenantRuleAddForm,
    CovenantRuleForm,
    CovenantVersionForm,
)
from casustafel.privacy.covenant.models import CovenantVersion
from casustafel.privacy.covenant.pdf import covenant_pdf_response
from casustafel.privacy.covenant.selectors import (
    covenant_admin_house,
    covenant_document,
    covenant_reader_house,
    draft_of,
    get_covenant_version_for_admin,
    get_covenant_version_for_member,
    get_covenant_version_for_user,
    get_meeting_rule_for_admin,
    get_meeting_type_for_member,
    meeting_reminder_for,
    member_house,
    sector_columns,
    upcoming_version,
    version_in_force,
    versions_of,
)
from casustafel.privacy.covenant.services import (
    covenant_rule_add,
    covenant_rule_remove,
    covenant_rule_update,
    covenant_version_discard,
    covenant_version_draft,
    covenant_version_publish,
    covenant_version_update,
    publish_problems,
)


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
    try:
        covenant_version_publish(
            actor=Actor.from_request(request),
            version=version,
            expected_version=posted_version(request.POST.get("version")),
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
