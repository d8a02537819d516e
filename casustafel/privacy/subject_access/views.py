"""Subject access requests (inzageverzoeken) with rectification and restriction, under
/privacy/inzageverzoeken/. For the privacy officer of the house only (the role of the membership
acted for); everyone else gets a 404.

Every page that shows personal data writes one read event; the person search writes one search
event per person found; the PDF download is audited as a read of the person.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_list, audit_read
from casustafel.cases.selectors.persons import person_bsn_masked
from casustafel.privacy.subject_access.forms import (
    RectificationForm,
    RestrictionForm,
    RestrictionLiftForm,
    SarCreateForm,
    SarExceptionForm,
    SarExceptionLiftForm,
    SarExtendForm,
    SarUpdateForm,
)
from casustafel.privacy.subject_access.models import SubjectAccessRequest
from casustafel.privacy.subject_access.pdf import sar_pdf_response
from casustafel.privacy.subject_access.selectors import (
    get_restriction_for_officer,
    get_sar_exception_for_officer,
    get_sar_for_officer,
    person_rectification_notes,
    person_restriction_marks,
    request_exceptions,
    sar_house,
    sar_overview,
    sar_requests,
)
from casustafel.privacy.subject_access.services import (
    privacy_officers_of,
    rectification_note_record,
    restriction_mark_add,
    restriction_mark_lift,
    sar_exception_add,
    sar_exception_lift,
    sar_person_search,
    subject_access_request_create,
    subject_access_request_extend,
    subject_access_request_update,
)


def _add_errors(form: forms.Form, exc: ValidationError) -> None:
    """A service's errors on the form: per field where the form has it, else at the top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.error_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def _saved(request: AuthenticatedHttpRequest, sar: SubjectAccessRequest, message: str, anchor: str) -> HttpResponse:
    messages.success(request, message)
    return redirect(reverse("privacy:sar_detail", args=[sar.pk]) + f"#{anchor}")


# --- List and create ---------------------------------------------------------------------------


@require_GET
@login_required
def sar_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = sar_house(request.acting)
    requests = list(sar_requests(house))
    # One event for the list, linking every person shown.
    audit_list(actor=Actor.from_request(request), obj=house, person_ids=[sar.person_id for sar in requests])
    return render(request, "privacy/sar_list.html", {"house": house, "requests": requests})


def _search_values(form: SarCreateForm) -> dict[str, Any]:
    return {name: form.cleaned_data[name] for name in SarCreateForm.SEARCH_FIELDS}


@require_http_methods(["GET", "POST"])
@login_required
def sar_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    """Search the person, then register the request with the button next to the right result."""
    house = sar_house(request.acting)
    actor = Actor.from_request(request)
    form = SarCreateForm(request.POST if request.method == "POST" else None)
    matches: list[Any] = []
    searched = False
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # The search runs (and is audited) on every post: only a result of this very search
            # may be chosen, never any person by id.
            matches, searched = sar_person_search(actor=actor, house=house, **_search_values(form)), True
            if data["person"]:
                person = next((match.person for match in matches if match.person.pk == data["person"]), None)
                if person is None:
                    raise ValidationError(_("De gekozen persoon past niet bij de zoekgegevens. Zoek opnieuw."))
                values = {name: data[name] for name in SarCreateForm.REQUEST_FIELDS}
                sar = subject_access_request_create(actor=actor, house=house, person=person, **values)
                return _saved(request, sar, _("Het inzageverzoek is geregistreerd."), "heading-handling")
        except ValidationError as exc:
            _add_errors(form, exc)
    context = {"form": form, "matches": matches, "searched": searched}
    return render(request, "privacy/sar_create.html", context)


# --- Detail ------------------------------------------------------------------------------------


def _render_detail(
    request: AuthenticatedHttpRequest, sar: SubjectAccessRequest, bound: dict[str, forms.Form] | None = None
) -> HttpResponse:
    bound = bound or {}
    audit_read(actor=Actor.from_request(request), obj=sar, person_id=sar.person_id)
    officers = privacy_officers_of(sar.house_id)
    initial = {
        "version": sar.version,
        "status": sar.status,
        "identity_check": sar.identity_check,
        "handled_by": sar.handled_by_id,
        "decision_note": sar.decision_note,
    }
    page_forms = {
        "update": SarUpdateForm(initial=initial, officers=officers, prefix="handling"),
        "extend": SarExtendForm(initial={"version": sar.version}, prefix="extend"),
        "exception": SarExceptionForm(house=sar.house, prefix="exception"),
        "rectification": RectificationForm(prefix="rectification"),
        "restriction": RestrictionForm(prefix="restriction"),
        **bound,
    }
    exceptions = [
        (exception, bound.get(f"exclift{exception.pk}") or SarExceptionLiftForm(prefix=f"exclift{exception.pk}"))
        for exception in request_exceptions(sar)
    ]
    marks = [
        (mark, bound.get(f"reslift{mark.pk}") or RestrictionLiftForm(prefix=f"reslift{mark.pk}"))
        for mark in person_restriction_marks(sar.person)
    ]
    context = {
        "sar": sar,
        "person": sar.person,
        "bsn_masked": person_bsn_masked(sar.person),
        "forms": page_forms,
        "exceptions": exceptions,
        "rectification_notes": person_rectification_notes(sar.person),
        "restriction_marks": marks,
    }
    return render(request, "privacy/sar_detail.html", context)


@require_GET
@login_required
def sar_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, get_sar_for_officer(request.acting, pk))


@require_POST
@login_required
def sar_update(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sar = get_sar_for_officer(request.acting, pk)
    form = SarUpdateForm(request.POST, officers=privacy_officers_of(sar.house_id), prefix="handling")
    if form.is_valid():
        data = form.cleaned_data
        try:
            subject_access_request_update(
                actor=Actor.from_request(request),
                request=sar,
                expected_version=data["version"],
                status=data["status"],
                identity_check=data["identity_check"],
                handled_by=data["handled_by"],
                decision_note=data["decision_note"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _saved(request, sar, _("De behandeling is opgeslagen."), "heading-handling")
    return _render_detail(request, sar, {"update": form})


@require_POST
@login_required
def sar_extend(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sar = get_sar_for_officer(request.acting, pk)
    form = SarExtendForm(request.POST, prefix="extend")
    if form.is_valid():
        data = form.cleaned_data
        try:
            subject_access_request_extend(
                actor=Actor.from_request(request),
                request=sar,
                expected_version=data["version"],
                extended_due_on=data["extended_due_on"],
                extension_reason=data["extension_reason"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _saved(request, sar, _("De termijn is verlengd."), "heading-term")
    return _render_detail(request, sar, {"extend": form})


@require_POST
@login_required
def sar_exception_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sar = get_sar_for_officer(request.acting, pk)
    form = SarExceptionForm(request.POST, house=sar.house, prefix="exception")
    if form.is_valid():
        try:
            sar_exception_add(actor=Actor.from_request(request), request=sar, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _saved(request, sar, _("De uitzondering is vastgelegd."), "heading-exceptions")
    return _render_detail(request, sar, {"exception": form})


@require_POST
@login_required
def sar_exception_lift_view(request: AuthenticatedHttpRequest, pk: int, exception_pk: int) -> HttpResponse:
    exception = get_sar_exception_for_officer(request.acting, pk, exception_pk)
    sar = exception.request
    form = SarExceptionLiftForm(request.POST, prefix=f"exclift{exception.pk}")
    if form.is_valid():
        try:
            sar_exception_lift(actor=Actor.from_request(request), exception=exception, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _saved(request, sar, _("De uitzondering is beëindigd."), "heading-exceptions")
    return _render_detail(request, sar, {f"exclift{exception.pk}": form})


@require_POST
@login_required
def rectification_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sar = get_sar_for_officer(request.acting, pk)
    form = RectificationForm(request.POST, prefix="rectification")
    if form.is_valid():
        data = form.cleaned_data
        try:
            rectification_note_record(
                actor=Actor.from_request(request),
                person=sar.person,
                request=sar,
                disputed=data["disputed"],
                decision=data["decision"],
                explanation=data["explanation"],
                statement=data["statement"],
                corrections=form.corrections(),
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _saved(request, sar, _("De rectificatie is vastgelegd."), "heading-rectification")
    return _render_detail(request, sar, {"rectification": form})


@require_POST
@login_required
def restriction_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sar = get_sar_for_officer(request.acting, pk)
    form = RestrictionForm(request.POST, prefix="restriction")
    if form.is_valid():
        try:
            restriction_mark_add(actor=Actor.from_request(request), person=sar.person, request=sar, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _saved(request, sar, _("De beperking van de verwerking is vastgelegd."), "heading-restriction")
    return _render_detail(request, sar, {"restriction": form})


@require_POST
@login_required
def restriction_lift_view(request: AuthenticatedHttpRequest, pk: int, mark_pk: int) -> HttpResponse:
    mark = get_restriction_for_officer(request.acting, pk, mark_pk)
    sar = get_sar_for_officer(request.acting, pk)
    form = RestrictionLiftForm(request.POST, prefix=f"reslift{mark.pk}")
    if form.is_valid():
        try:
            restriction_mark_lift(actor=Actor.from_request(request), mark=mark, **form.cleaned_data)
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            return _saved(request, sar, _("De beperking is opgeheven."), "heading-restriction")
    return _render_detail(request, sar, {f"reslift{mark.pk}": form})


# --- The overview ------------------------------------------------------------------------------


@require_GET
@login_required
def sar_overview_page(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The overview as the person will get it, with (for the officer only) what is withheld."""
    sar = get_sar_for_officer(request.acting, pk)
    overview = sar_overview(sar)
    audit_read(actor=Actor.from_request(request), obj=sar, person_id=sar.person_id)
    return render(request, "privacy/sar_overview.html", {"sar": sar, "overview": overview, "pdf": False})


@require_GET
@login_required
def sar_overview_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    sar = get_sar_for_officer(request.acting, pk)
    overview = sar_overview(sar)
    audit_read(actor=Actor.from_request(request), obj=sar, person_id=sar.person_id)
    return sar_pdf_response(overview)
