"""Case direction of a case: who directs the content (and which tasks lie elsewhere), the
proposal waiting for an answer, the handover log, and both task checklists.

Seen by everyone who sees the case (who the case director is belongs to the case team); the
process director proposes and ends, the proposed professional answers, each ticks their own tasks.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_read
from casustafel.cases.models import Case, CaseStatus
from casustafel.cases.selectors.cases import get_case_for_user
from casustafel.cases.selectors.triage import is_process_director_of
from casustafel.cases.views.cases import case_actor
from casustafel.lib.forms import add_service_errors
from casustafel.plans.forms import AnswerForm, DirectionProposeForm, ReasonForm, TaskCheckForm
from casustafel.plans.models import (
    CaseDirectorTask,
    DirectionAssignment,
    DirectionRole,
    DirectionStatus,
    ProcessDirectorTask,
)
from casustafel.plans.roles import is_case_director
from casustafel.plans.selectors_pages import task_checks
from casustafel.plans.services_direction import (
    direction_end,
    direction_propose,
    direction_respond,
    direction_task_check,
)


def direction_url(case: Case) -> str:
    return reverse("plans:direction", args=[case.pk])


def _render(request: AuthenticatedHttpRequest, case: Case, actor: Actor, **forms: Any) -> HttpResponse:
    audit_read(actor=actor, obj=case, case_id=case.pk)
    assignments = list(
        DirectionAssignment.objects.filter(case=case)
        .select_related("director", "organisation", "previous__director", "proposed_by")
        .order_by("proposed_at", "pk")
    )
    current = next((a for a in assignments if a.status == DirectionStatus.ACCEPTED), None)
    proposal = next((a for a in assignments if a.status == DirectionStatus.PROPOSED), None)
    active = case.status == CaseStatus.ACTIVE
    is_pd = active and is_process_director_of(request.user, case.house_id)
    checks = task_checks(case)
    excluded = {entry["task"]: entry["assigned_to"] for entry in current.excluded_tasks} if current else {}
    case_tasks = [
        (task, excluded.get(task.value, ""), checks.get((DirectionRole.CASE, task.value))) for task in CaseDirectorTask
    ]
    process_tasks = [(task, checks.get((DirectionRole.PROCESS, task.value))) for task in ProcessDirectorTask]
    end_forms = _end_forms(is_pd, [a for a in (current, proposal) if a is not None], forms.get("end_form"))
    context = {
        "case": case,
        "current": current,
        "proposal": proposal,
        "handovers": [
            a
            for a in assignments
            if a.previous_id and a.status in (DirectionStatus.ACCEPTED, DirectionStatus.ENDED) and a.responded_at
        ],
        "history": assignments,
        "case_tasks": case_tasks,
        "process_tasks": process_tasks,
        "is_process_director": is_pd,
        "is_director": active and current is not None and current.director_id == request.user.pk,
        "propose_form": forms.get("propose_form")
        or (DirectionProposeForm(case=case, prefix="propose") if is_pd and proposal is None else None),
        "answer_form": forms.get("answer_form")
        or (
            AnswerForm(prefix="answer", initial={"version": proposal.version})
            if active and proposal and proposal.director_id == request.user.pk
            else None
        ),
        "current_end_form": end_forms.get(current.pk) if current else None,
        "proposal_end_form": end_forms.get(proposal.pk) if proposal else None,
        "task_error": forms.get("task_error"),
    }
    return render(request, "plans/direction.html", context)


def _end_forms(is_pd: bool, assignments: list[DirectionAssignment], bound: ReasonForm | None) -> dict[int, ReasonForm]:
    """Per current direction or open proposal, the process director's form to end it."""
    if not is_pd:
        return {}
    forms = {}
    for assignment in assignments:
        prefix = f"end-{assignment.pk}"
        forms[assignment.pk] = (
            bound
            if bound is not None and bound.prefix == prefix
            else ReasonForm(prefix=prefix, initial={"version": assignment.version})
        )
    return forms


@require_GET
@login_required
def direction_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return _render(request, case, case_actor(request, case))


@require_POST
@login_required
def direction_propose_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    if not is_process_director_of(request.user, case.house_id):
        raise PermissionDenied
    actor = case_actor(request, case)
    form = DirectionProposeForm(request.POST, case=case, prefix="propose")
    if form.is_valid():
        organisation, director = form.who_values()
        try:
            direction_propose(
                actor=actor,
                case=case,
                director=director,
                organisation=organisation,
                reason=form.cleaned_data["reason"],
                excluded_tasks=form.excluded(),
                period_until=form.cleaned_data["period_until"],
            )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for name in ("organisation", "director"):
                    if name in exc.error_dict:
                        exc.error_dict.setdefault("who", []).extend(exc.error_dict.pop(name))
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het voorstel is verstuurd; de professional accepteert of weigert het zelf."))
            return redirect(direction_url(case))
    return _render(request, case, actor, propose_form=form)


def _assignment_of(case: Case, assignment_pk: int) -> DirectionAssignment:
    return get_object_or_404(
        DirectionAssignment.objects.select_related("case", "previous"), pk=assignment_pk, case=case
    )


@require_POST
@login_required
def direction_answer_view(request: AuthenticatedHttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    assignment = _assignment_of(case, assignment_pk)
    if assignment.director_id != request.user.pk:
        raise PermissionDenied
    actor = case_actor(request, case)
    form = AnswerForm(request.POST, prefix="answer")
    if form.is_valid():
        accept = form.cleaned_data["decision"] == "accept"
        try:
            direction_respond(
                actor=actor,
                assignment=assignment,
                accept=accept,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("U bent nu casusregisseur van deze casus.") if accept else _("U heeft het voorstel geweigerd."),
            )
            return redirect(direction_url(case))
    return _render(request, case, actor, answer_form=form)


@require_POST
@login_required
def direction_end_view(request: AuthenticatedHttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    assignment = _assignment_of(case, assignment_pk)
    if not is_process_director_of(request.user, case.house_id):
        raise PermissionDenied
    actor = case_actor(request, case)
    form = ReasonForm(request.POST, prefix=f"end-{assignment.pk}")
    if form.is_valid():
        try:
            direction_end(
                actor=actor,
                assignment=assignment,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De casusregie is beëindigd."))
            return redirect(direction_url(case))
    return _render(request, case, actor, end_form=form)


@require_POST
@login_required
def direction_task_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    if not (is_process_director_of(request.user, case.house_id) or is_case_director(request.user, case)):
        raise PermissionDenied
    actor = case_actor(request, case)
    form = TaskCheckForm(request.POST)
    if not form.is_valid():
        return _render(request, case, actor, task_error=_("Kies een taak om af te vinken."))
    try:
        direction_task_check(
            actor=actor,
            case=case,
            role=form.cleaned_data["role"],
            task=form.cleaned_data["task"],
            note=form.cleaned_data["note"],
        )
    except ValidationError as exc:
        return _render(request, case, actor, task_error=" ".join(exc.messages))
    messages.success(request, _("De taak is afgevinkt."))
    return redirect(f"{direction_url(case)}#task-{form.cleaned_data['role']}-{form.cleaned_data['task']}")
