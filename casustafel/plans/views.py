"""The plan of a case: the plan page (phase, plan, goals, bodemeisen, agreements), editing the plan
and its goals, versions and their comparison, the household letter, phase moves and bodemeis
checks.

Every view reaches the case through `get_case_for_user` (404 outside need-to-know); writing is
for house staff and the case director (`plans.roles.can_write_plan`, 403 for other viewers). A
page that shows case content writes one READ audit event; a successful POST redirects.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_read, audit_record
from casustafel.cases.models import Case
from casustafel.cases.selectors.cases import can_manage_involvements, get_case_for_user
from casustafel.cases.views.cases import case_actor
from casustafel.lib.forms import add_service_errors
from casustafel.plans.forms import (
    GoalForm,
    GoalProgressForm,
    PhaseMoveForm,
    PlanForm,
    ReasonForm,
    RequirementCheckForm,
    goal_initial,
)
from casustafel.plans.letter import plan_letter_response
from casustafel.plans.models import ActionPlan, Goal, MinimumRequirement, PlanVersion
from casustafel.plans.roles import can_check_requirement, can_write_plan
from casustafel.plans.selectors_pages import compare_versions, plan_page, plan_versions
from casustafel.plans.services import phase_move
from casustafel.plans.services_agreements import requirement_check_record
from casustafel.plans.services_plan import goal_create, goal_progress, goal_update, goal_withdraw, plan_save
from casustafel.plans.visibility import hidden_items
from casustafel.privacy.provenance.access import case_viewer


def plan_url(case: Case, anchor: str = "") -> str:
    url = reverse("plans:plan", args=[case.pk])
    return f"{url}#{anchor}" if anchor else url


def _require_writer(request: AuthenticatedHttpRequest, case: Case) -> None:
    if not can_write_plan(request.user, case):
        raise PermissionDenied


def render_plan_page(request: AuthenticatedHttpRequest, case: Case, actor: Actor, **forms: Any) -> HttpResponse:
    """The plan page, with one READ audit event; `forms` are bound forms with errors to show."""
    viewer = case_viewer(request.user, case, acting=request.acting)
    if viewer is None:  # pragma: no cover - get_case_for_user checked the same rule
        raise Http404
    staff = can_manage_involvements(request.user, case)
    audit_read(actor=actor, obj=case, case_id=case.pk)
    page = plan_page(case, request.user, hidden_items(case, viewer, request.user), staff=staff)
    writer = can_write_plan(request.user, case)
    progress, check = forms.get("progress_form"), forms.get("check_form")
    goal_rows = [
        (
            goal,
            warnings,
            progress
            if progress is not None and progress.prefix == progress_prefix(goal)
            else GoalProgressForm(prefix=progress_prefix(goal), initial=_progress_initial(goal)),
        )
        for goal, warnings in page.goals
    ]
    requirement_rows = [
        (
            row,
            check
            if check is not None and check.prefix == check_prefix(row.requirement)
            else RequirementCheckForm(prefix=check_prefix(row.requirement)),
        )
        for row in page.requirements
    ]
    context = {
        "case": case,
        "page": page,
        "goal_rows": goal_rows,
        "requirement_rows": requirement_rows,
        "can_write": writer,
        "is_staff": staff,
        "phase_form": forms.get("phase_form") or (PhaseMoveForm() if writer else None),
        "open_prefix": next((form.prefix for form in (progress, check) if form is not None), ""),
        "on_behalf_of": actor.on_behalf_of,
    }
    return render(request, "plans/plan.html", context)


def progress_prefix(goal: Goal) -> str:
    return f"progress-{goal.pk}"


def check_prefix(requirement: MinimumRequirement) -> str:
    return f"check-{requirement.pk}"


def _progress_initial(goal: Goal) -> dict[str, Any]:
    return {"status": goal.status, "evidence": goal.evidence, "status_on": goal.status_on, "version": goal.version}


@require_GET
@login_required
def plan_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    return render_plan_page(request, case, case_actor(request, case))


@require_http_methods(["GET", "POST"])
@login_required
def plan_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    _require_writer(request, case)
    actor = case_actor(request, case)
    plan = ActionPlan.objects.filter(case=case).first()
    staff = can_manage_involvements(request.user, case)
    initial: dict[str, Any] = {"review_date": case.review_date}
    if plan is not None:
        initial.update(
            approach=plan.approach,
            common_goal=plan.common_goal,
            problem=plan.problem,
            household_summary=plan.household_summary,
            version=plan.version,
        )
    form = PlanForm(request.POST if request.method == "POST" else None, initial=initial, staff=staff, new=plan is None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan_save(
                actor=actor,
                case=case,
                approach=data["approach"],
                common_goal=data["common_goal"],
                problem=data["problem"],
                household_summary=data["household_summary"],
                review_date=data.get("review_date"),
                reason=data["reason"],
                expected_version=data["version"] if plan is not None else None,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het plan van aanpak is opgeslagen als nieuwe versie."))
            return redirect(plan_url(case, "section-plan"))
    audit_read(actor=actor, obj=case, case_id=case.pk)
    return render(request, "plans/plan_form.html", {"case": case, "form": form, "plan": plan})


@require_GET
@login_required
def plan_versions_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The versions of the plan; with ?a=<number>&b=<number> two of them side by side."""
    case = get_case_for_user(request.user, pk)
    plan = get_object_or_404(ActionPlan, case=case)
    versions = list(plan_versions(plan))
    by_number = {version.number: version for version in versions}
    compared = None
    chosen: tuple[PlanVersion, PlanVersion] | None = None
    try:
        a, b = int(request.GET.get("a", "")), int(request.GET.get("b", ""))
    except ValueError:
        a = b = 0
    if a in by_number and b in by_number:
        old, new = sorted((by_number[a], by_number[b]), key=lambda version: version.number)
        compared, chosen = compare_versions(old, new), (old, new)
    audit_read(actor=case_actor(request, case), obj=case, case_id=case.pk)
    return render(
        request,
        "plans/plan_versions.html",
        {"case": case, "plan": plan, "versions": versions, "compared": compared, "chosen": chosen},
    )


@require_GET
@login_required
def plan_letter(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan's summary for the household as a PDF letter (B1 Dutch). An audited print."""
    case = get_case_for_user(request.user, pk)
    plan = get_object_or_404(ActionPlan, case=case)
    if not plan.household_summary:
        raise Http404
    audit_record(actor=case_actor(request, case), action=AuditAction.PRINT, obj=plan, case_id=case.pk)
    return plan_letter_response(plan)


# --- Goals --------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def goal_create_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    _require_writer(request, case)
    actor = case_actor(request, case)
    form = GoalForm(request.POST if request.method == "POST" else None, case=case, new=True)
    if request.method == "POST" and form.is_valid():
        organisation, owner = form.owner_values()
        try:
            goal_create(
                actor=actor,
                case=case,
                title=form.cleaned_data["title"],
                criterion=form.cleaned_data["criterion"],
                owner_organisation=organisation,
                owner=owner,
                target_date=form.cleaned_data["target_date"],
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as exc:
            _goal_errors(form, exc)
        else:
            messages.success(request, _("Het doel is toegevoegd aan het plan."))
            return redirect(plan_url(case, "section-goals"))
    audit_read(actor=actor, obj=case, case_id=case.pk)
    return render(request, "plans/goal_form.html", {"case": case, "form": form, "goal": None})


def _goal_errors(form: GoalForm, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name in ("owner_organisation",):
            if name in exc.error_dict:
                exc.error_dict.setdefault("owner", []).extend(exc.error_dict.pop(name))
    add_service_errors(form, exc)


def _goal_of(case: Case, goal_pk: int) -> Goal:
    return get_object_or_404(Goal.objects.select_related("plan__case"), pk=goal_pk, plan__case=case)


@require_http_methods(["GET", "POST"])
@login_required
def goal_edit_view(request: AuthenticatedHttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    goal = _goal_of(case, goal_pk)
    _require_writer(request, case)
    actor = case_actor(request, case)
    form = GoalForm(request.POST if request.method == "POST" else None, case=case, initial=goal_initial(goal))
    withdraw = ReasonForm(prefix="withdraw", initial={"version": goal.version})
    if request.method == "POST" and form.is_valid():
        organisation, owner = form.owner_values()
        try:
            goal_update(
                actor=actor,
                goal=goal,
                expected_version=form.cleaned_data["version"],
                reason=form.cleaned_data["reason"],
                title=form.cleaned_data["title"],
                criterion=form.cleaned_data["criterion"],
                owner_organisation=organisation,
                owner=owner,
                target_date=form.cleaned_data["target_date"],
            )
        except ValidationError as exc:
            _goal_errors(form, exc)
        else:
            messages.success(request, _("Het doel is gewijzigd."))
            return redirect(plan_url(case, "section-goals"))
    audit_read(actor=actor, obj=case, case_id=case.pk)
    return render(request, "plans/goal_form.html", {"case": case, "form": form, "goal": goal, "withdraw": withdraw})


@require_POST
@login_required
def goal_withdraw_view(request: AuthenticatedHttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    goal = _goal_of(case, goal_pk)
    _require_writer(request, case)
    actor = case_actor(request, case)
    withdraw = ReasonForm(request.POST, prefix="withdraw")
    if withdraw.is_valid():
        try:
            goal_withdraw(
                actor=actor,
                goal=goal,
                expected_version=withdraw.cleaned_data["version"],
                reason=withdraw.cleaned_data["reason"],
            )
        except ValidationError as exc:
            add_service_errors(withdraw, exc)
        else:
            messages.success(request, _("Het doel is van het plan gehaald."))
            return redirect(plan_url(case, "section-goals"))
    form = GoalForm(case=case, initial=goal_initial(goal))
    audit_read(actor=actor, obj=case, case_id=case.pk)
    return render(request, "plans/goal_form.html", {"case": case, "form": form, "goal": goal, "withdraw": withdraw})


@require_POST
@login_required
def goal_progress_view(request: AuthenticatedHttpRequest, pk: int, goal_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    goal = _goal_of(case, goal_pk)
    _require_writer(request, case)
    actor = case_actor(request, case)
    form = GoalProgressForm(request.POST, prefix=progress_prefix(goal))
    if form.is_valid():
        try:
            goal_progress(
                actor=actor,
                goal=goal,
                status=form.cleaned_data["status"],
                evidence=form.cleaned_data["evidence"],
                status_on=form.cleaned_data["status_on"],
                expected_version=form.cleaned_data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De voortgang van het doel is vastgelegd."))
            return redirect(plan_url(case, f"goal-{goal.pk}"))
    return render_plan_page(request, case, actor, progress_form=form)


# --- Phase and bodemeisen -----------------------------------------------------------------


@require_POST
@login_required
def phase_move_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    _require_writer(request, case)
    actor = case_actor(request, case)
    form = PhaseMoveForm(request.POST)
    if form.is_valid():
        try:
            phase_move(
                actor=actor, case=case, to_phase=form.cleaned_data["to_phase"], reason=form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De fase is gewijzigd."))
            return redirect(plan_url(case, "section-phase"))
    return render_plan_page(request, case, actor, phase_form=form)


@require_POST
@login_required
def requirement_check_view(request: AuthenticatedHttpRequest, pk: int, requirement_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    requirement = get_object_or_404(MinimumRequirement.objects.in_force(), pk=requirement_pk, case=case)
    if not can_check_requirement(request.user, requirement):
        raise PermissionDenied
    actor = case_actor(request, case)
    form = RequirementCheckForm(request.POST, prefix=check_prefix(requirement))
    if form.is_valid():
        try:
            check = requirement_check_record(
                actor=actor, requirement=requirement, met=form.cleaned_data["met"], note=form.cleaned_data["note"]
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("Vastgelegd: de bodemeis wordt nagekomen.")
                if check.met
                else _("Vastgelegd: de bodemeis wordt niet nagekomen. Dit wordt opgeschaald naar de procesregisseur."),
            )
            return redirect(plan_url(case, f"requirement-{requirement.pk}"))
    return render_plan_page(request, case, actor, check_form=form)
