"""Agreements: recording one between meetings, the agreement's page (its history, and the forms
of whoever may act on it), accepting or declining it and reporting on it from one's own account,
and "Mijn afspraken", the task list.

An agreement made in a part of a meeting the viewer was not invited to is 404 for them (the
responsible organisation excepted), like the minutes of that part.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_read, audit_record
from casustafel.cases.models import Case
from casustafel.cases.selectors.cases import get_case_for_user, has_case_role
from casustafel.cases.views.cases import case_actor
from casustafel.lib.forms import add_service_errors
from casustafel.plans.forms import AgreementForm, AnswerForm, ReportForm, agreement_initial
from casustafel.plans.models import Agreement
from casustafel.plans.roles import can_answer_agreement, can_write_plan
from casustafel.plans.selectors_pages import (
    due_date_warning,
    latest_updates,
    my_agreements,
    organisation_agreements,
)
from casustafel.plans.services import agreement_create, agreement_update
from casustafel.plans.services_agreements import agreement_report, agreement_respond
from casustafel.plans.visibility import hidden_items
from casustafel.privacy.provenance.access import case_viewer

# Agreements per page of "Mijn afspraken" (and at most this many of the colleagues').
PAGE_SIZE = 50


def _move_who_errors(exc: ValidationError) -> ValidationError:
    """The services speak of organisation and owner; the form has one field for both."""
    if hasattr(exc, "error_dict"):
        for name in ("organisation", "owner"):
            if name in exc.error_dict:
                exc.error_dict.setdefault("who", []).extend(exc.error_dict.pop(name))
    return exc


def agreement_url(agreement: Agreement) -> str:
    return reverse("plans:agreement", args=[agreement.case_id, agreement.pk])


@require_http_methods(["GET", "POST"])
@login_required
def agreement_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """A new agreement between meetings (the case director, or house staff)."""
    case = get_case_for_user(request.user, pk)
    if not can_write_plan(request.user, case):
        raise PermissionDenied
    actor = case_actor(request, case)
    form = AgreementForm(request.POST if request.method == "POST" else None, case=case, new=True)
    if request.method == "POST" and form.is_valid():
        organisation, owner = form.who_values()
        data = form.cleaned_data
        try:
            agreement = agreement_create(
                actor=actor,
                case=case,
                organisation=organisation,
                owner=owner,
                what=data["what"],
                due_date=data["due_date"],
                due_time=data["due_time"],
                kind=data["kind"],
                goal=data["goal"],
                justification=data["justification"],
            )
        except ValidationError as exc:
            add_service_errors(form, _move_who_errors(exc))
        else:
            messages.success(request, _("De afspraak is vastgelegd; de uitvoerder krijgt bericht."))
            warning = due_date_warning(agreement.due_date)
            if warning:
                messages.warning(request, warning)
            return redirect(agreement_url(agreement))
    audit_read(actor=actor, obj=case, case_id=case.pk)
    warning = due_date_warning(form.cleaned_data.get("due_date")) if form.is_bound and form.is_valid() else ""
    return render(request, "plans/agreement_form.html", {"case": case, "form": form, "warning": warning})


def _agreement_for(request: AuthenticatedHttpRequest, case: Case, agreement_pk: int) -> Agreement:
    agreement = get_object_or_404(
        Agreement.objects.select_related("organisation", "owner", "goal", "case"), pk=agreement_pk, case=case
    )
    viewer = case_viewer(request.user, case, acting=request.acting)
    if viewer is None or agreement.pk in hidden_items(case, viewer, request.user).agreements:
        raise Http404
    return agreement


def _render_agreement(
    request: AuthenticatedHttpRequest, case: Case, agreement: Agreement, actor: Actor, **forms: Any
) -> HttpResponse:
    audit_read(actor=actor, obj=case, case_id=case.pk)
    writer = can_write_plan(request.user, case) and agreement.ended_at is None
    answerer = can_answer_agreement(request.user, agreement) and agreement.ended_at is None and case.status == "active"
    initial = {"version": agreement.version}
    context = {
        "case": case,
        "agreement": agreement,
        "updates": list(agreement.updates.select_related("organisation", "reported_by").order_by("reported_at", "pk")),
        "edit_form": forms.get("edit_form")
        or (AgreementForm(case=case, prefix="edit", initial=agreement_initial(agreement)) if writer else None),
        "answer_form": forms.get("answer_form") or (AnswerForm(prefix="answer", initial=initial) if answerer else None),
        "report_form": forms.get("report_form") or (ReportForm(prefix="report", initial=initial) if answerer else None),
        "warning": due_date_warning(agreement.due_date) if agreement.ended_at is None else "",
    }
    return render(request, "plans/agreement.html", context)


@require_GET
@login_required
def agreement_view(request: AuthenticatedHttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    agreement = _agreement_for(request, case, agreement_pk)
    return _render_agreement(request, case, agreement, case_actor(request, case))


@require_POST
@login_required
def agreement_edit_view(request: AuthenticatedHttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    agreement = _agreement_for(request, case, agreement_pk)
    if not can_write_plan(request.user, case):
        raise PermissionDenied
    actor = case_actor(request, case)
    form = AgreementForm(request.POST, case=case, prefix="edit")
    if form.is_valid():
        organisation, owner = form.who_values()
        data = form.cleaned_data
        try:
            agreement_update(
                actor=actor,
                agreement=agreement,
                expected_version=data["version"],
                organisation=organisation,
                owner=owner,
                what=data["what"],
                due_date=data["due_date"],
                due_time=data["due_time"],
                kind=data["kind"],
                goal=data["goal"],
                justification=data["justification"],
            )
        except ValidationError as exc:
            add_service_errors(form, _move_who_errors(exc))
        else:
            messages.success(request, _("De afspraak is gewijzigd."))
            return redirect(agreement_url(agreement))
    return _render_agreement(request, case, agreement, actor, edit_form=form)


@require_POST
@login_required
def agreement_answer_view(request: AuthenticatedHttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    agreement = _agreement_for(request, case, agreement_pk)
    if not can_answer_agreement(request.user, agreement):
        raise PermissionDenied
    actor = case_actor(request, case)
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            agreement_respond(
                actor=actor,
                agreement=agreement,
                accept=accept,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("U heeft de afspraak geaccepteerd.")
                if accept
                else _("U heeft de afspraak geweigerd; de casusregisseur krijgt bericht."),
            )
            return redirect(agreement_url(agreement))
    return _render_agreement(request, case, agreement, actor, answer_form=form)


@require_POST
@login_required
def agreement_report_view(request: AuthenticatedHttpRequest, pk: int, agreement_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    agreement = _agreement_for(request, case, agreement_pk)
    if not can_answer_agreement(request.user, agreement):
        raise PermissionDenied
    actor = case_actor(request, case)
    form = ReportForm(request.POST, prefix="report")
    if form.is_valid():
        try:
            agreement_report(
                actor=actor,
                agreement=agreement,
                progress=form.cleaned_data["progress"],
                result=form.cleaned_data["result"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Uw terugkoppeling is vastgelegd; de casusregisseur ziet haar meteen."))
            return redirect(agreement_url(agreement))
    return _render_agreement(request, case, agreement, actor, report_form=form)


@require_GET
@login_required
def my_agreements_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    """'Mijn afspraken': what I carry out, and (for colleagues and the ambassador) the open
    agreements of the organisation I act for. One READ event names every case shown."""
    if not has_case_role(request.user):
        raise Http404
    show_ended = request.GET.get("afgerond") == "1"
    page = Paginator(my_agreements(request.user, include_ended=show_ended), PAGE_SIZE).get_page(request.GET.get("page"))
    mine = list(page.object_list)
    colleagues = list(organisation_agreements(request.user, request.acting)[:PAGE_SIZE])
    shown = mine + colleagues
    if shown:
        audit_record(
            actor=Actor.from_request(request),
            action=AuditAction.READ,
            changes={"case_ids": [None, sorted({a.case_id for a in shown})]},
        )
    updates = latest_updates(shown)
    rows = [(agreement, updates.get(agreement.pk)) for agreement in mine]
    return render(
        request,
        "plans/my_agreements.html",
        {
            "rows": rows,
            "colleagues": [(agreement, updates.get(agreement.pk)) for agreement in colleagues],
            "show_ended": show_ended,
            "page": page,
            "today": timezone.localdate(),
        },
    )
