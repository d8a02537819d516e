"""Escalation pages. A case's escalations (for those who see the case: the ones they may see, and
the form to report one) and one escalation's page (its steps with questions, deadlines and
answers; the forms to move it up, record an answer and resolve it).

The escalation page shows the case number, never the household: a house manager sees it
without seeing the case. Reads are audited with the case id.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_read
from casustafel.cases.models import Case, CaseStatus
from casustafel.cases.selectors.cases import get_case_for_user
from casustafel.cases.selectors.triage import is_process_director_of
from casustafel.cases.views.cases import case_actor
from casustafel.escalations.forms import AnswerForm, RaiseForm, ResolveForm, StepUpForm
from casustafel.escalations.ladders import ladder, next_rung
from casustafel.escalations.models import Escalation, EscalationStep
from casustafel.escalations.selectors import can_manage_escalation, case_escalations_for, get_escalation_for_user
from casustafel.escalations.services import escalation_answer, escalation_raise, escalation_resolve, escalation_step_up
from casustafel.lib.forms import add_service_errors


@require_http_methods(["GET", "POST"])
@login_required
def case_escalations_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    actor = case_actor(request, case)
    is_pd = is_process_director_of(request.user, case.house_id)
    active = case.status == CaseStatus.ACTIVE
    form = RaiseForm(request.POST if request.method == "POST" else None, case=case, process_director=is_pd)
    if request.method == "POST":
        if not active:
            raise PermissionDenied
        if form.is_valid():
            data = form.cleaned_data
            try:
                escalation = escalation_raise(
                    actor=actor,
                    case=case,
                    reason=data["reason"],
                    question=data["question"],
                    parties=data["parties"],
                    deadline=data.get("deadline"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("De escalatie is gemeld bij de procesregisseur."))
                return redirect("escalations:detail", pk=escalation.pk)
    audit_read(actor=actor, obj=case, case_id=case.pk)
    return render(
        request,
        "escalations/case_escalations.html",
        {"case": case, "escalations": list(case_escalations_for(request.user, case)), "form": form if active else None},
    )


def _render(request: AuthenticatedHttpRequest, escalation: Escalation, **forms: Any) -> HttpResponse:
    audit_read(actor=Actor.from_request(request), obj=escalation, case_id=escalation.case_id)
    manage = escalation.resolved_at is None and can_manage_escalation(request.user, escalation)
    step_up = manage and is_process_director_of(request.user, escalation.case.house_id)
    upcoming = next_rung(escalation.reason, escalation.step)
    version = {"version": escalation.version}
    context = {
        "escalation": escalation,
        "case": escalation.case,
        "stages": list(escalation.stages.select_related("entered_by", "answered_by").order_by("started_at", "pk")),
        "ladder": ladder(escalation.reason),
        "parties": list(escalation.parties.order_by("name")),
        "next_rung": upcoming,
        "needs_public_administration": upcoming is not None and upcoming.step == EscalationStep.DIRECTORATE,
        "can_see_case": Case.objects.visible_to(request.user).filter(pk=escalation.case_id).exists(),
        "step_up_form": forms.get("step_up_form")
        or (StepUpForm(prefix="step", initial=version) if step_up and upcoming else None),
        "answer_form": forms.get("answer_form") or (AnswerForm(prefix="answer", initial=version) if manage else None),
        "resolve_form": forms.get("resolve_form")
        or (ResolveForm(prefix="resolve", initial=version) if manage else None),
    }
    return render(request, "escalations/escalation.html", context)


def _detail(escalation: Escalation) -> str:
    return reverse("escalations:detail", args=[escalation.pk])


@require_http_methods(["GET"])
@login_required
def escalation_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render(request, get_escalation_for_user(request.user, pk))


@require_POST
@login_required
def step_up_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    escalation = get_escalation_for_user(request.user, pk)
    if not is_process_director_of(request.user, escalation.case.house_id):
        raise PermissionDenied
    form = StepUpForm(request.POST, prefix="step")
    if form.is_valid():
        data = form.cleaned_data
        try:
            escalation_step_up(
                actor=Actor.from_request(request),
                escalation=escalation,
                question=data["question"],
                deadline=data["deadline"],
                public_administration_informed=data["public_administration_informed"],
                expected_version=data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De escalatie is een stap hoger gekomen."))
            return redirect(_detail(escalation))
    return _render(request, escalation, step_up_form=form)


@require_POST
@login_required
def answer_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    escalation = get_escalation_for_user(request.user, pk)
    if not can_manage_escalation(request.user, escalation):
        raise PermissionDenied
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        try:
            escalation_answer(
                actor=Actor.from_request(request),
                escalation=escalation,
                answer=form.cleaned_data["answer"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het antwoord is vastgelegd."))
            return redirect(_detail(escalation))
    return _render(request, escalation, answer_form=form)


@require_POST
@login_required
def resolve_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    escalation = get_escalation_for_user(request.user, pk)
    if not can_manage_escalation(request.user, escalation):
        raise PermissionDenied
    form = ResolveForm(request.POST, prefix="resolve")
    if form.is_valid():
        try:
            escalation_resolve(
                actor=Actor.from_request(request),
                escalation=escalation,
                outcome=form.cleaned_data["outcome"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De escalatie is afgehandeld."))
            return redirect(_detail(escalation))
    return _render(request, escalation, resolve_form=form)
