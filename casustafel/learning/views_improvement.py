"""The learning cycle's start page, improvement plans and their actions. Every member of the
house reads plans and actions; managers write them; the owner (or their organisation) reports;
every member rates an action's value for the organisation they act for."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.learning.forms import (
    ActionForm,
    ActionReportForm,
    DropForm,
    PlanForm,
    ValueRatingForm,
    action_initial,
)
from casustafel.learning.models import ImprovementAction, ImprovementPlan, PlanStatus
from casustafel.learning.roles import acting_house, can_report_action, is_manager, is_reader, manager_house
from casustafel.learning.selectors import (
    assessments_for,
    existing_rating,
    get_action_for,
    get_plan_for,
    invitations_of,
    open_actions_of,
    plans_for,
)
from casustafel.learning.services_improvement import (
    improvement_action_create,
    improvement_action_drop,
    improvement_action_report,
    improvement_action_update,
    improvement_plan_close,
    improvement_plan_create,
    improvement_plan_update,
    value_rating_record,
)
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors

RECENT_ROUNDS = 12


@require_GET
@login_required
def home(request: AuthenticatedHttpRequest) -> HttpResponse:
    """ "Leren en verbeteren": my questionnaires and actions, the plans, and for managers and the
    board the rounds of the house."""
    house = acting_house(request.acting)
    context = {
        "house": house,
        "reader": is_reader(request.acting),
        "manager": is_manager(request.acting),
        "invitations": list(invitations_of(request.user)[:RECENT_ROUNDS]),
        "my_actions": list(open_actions_of(request.user, request.acting)),
        "plans": list(plans_for(request.acting)),
        "assessments": list(assessments_for(request.acting)[:RECENT_ROUNDS]),
    }
    return render(request, "learning/home.html", context)


def plan_url(plan: ImprovementPlan) -> str:
    return reverse("learning:plan", args=[plan.pk])


def action_url(action: ImprovementAction) -> str:
    return reverse("learning:action", args=[action.pk])


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = manager_house(request.acting)
    form = PlanForm(request.POST or None, house=house, new=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = improvement_plan_create(
                actor=Actor.from_request(request),
                house=house,
                title=data["title"],
                aim=data["aim"],
                meeting_type=data["meeting_type"],
                assessment=data["assessment"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het verbeterplan is aangemaakt. Voeg nu de verbeteracties toe."))
            return redirect(plan_url(plan))
    return render(request, "learning/plan_form.html", {"form": form})


@require_http_methods(["GET", "POST"])
@login_required
def plan_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The plan and its actions; managers change its title and aim here (POST)."""
    plan = get_plan_for(request.acting, pk)
    manager = is_manager(request.acting) and plan.status == PlanStatus.ACTIVE
    form = None
    if request.method == "POST":
        if not manager:
            raise PermissionDenied
        form = PlanForm(request.POST)
        if form.is_valid():
            try:
                improvement_plan_update(
                    actor=Actor.from_request(request),
                    plan=plan,
                    title=form.cleaned_data["title"],
                    aim=form.cleaned_data["aim"],
                    expected_version=form.cleaned_data.get("version"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("Het verbeterplan is bijgewerkt."))
                return redirect(plan_url(plan))
    elif manager:
        form = PlanForm(initial={"title": plan.title, "aim": plan.aim, "version": plan.version})
    actions = (
        plan.actions.select_related("organisation", "owner")
        .prefetch_related("indicators")
        .order_by("ended_at", "due_date", "pk")
    )
    context = {"plan": plan, "actions": actions, "form": form, "manager": manager, "today": timezone.localdate()}
    return render(request, "learning/plan.html", context)


@require_POST
@login_required
def plan_close(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request.acting, pk)
    if not is_manager(request.acting):
        raise PermissionDenied
    try:
        improvement_plan_close(actor=Actor.from_request(request), plan=plan, expected_version=plan.version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Het verbeterplan is afgerond."))
    return redirect(plan_url(plan))


@require_http_methods(["GET", "POST"])
@login_required
def action_create(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for(request.acting, pk)
    if not is_manager(request.acting):
        raise PermissionDenied
    form = ActionForm(request.POST or None, house=plan.house, new=True)
    if request.method == "POST" and form.is_valid():
        organisation, owner = form.who_values()
        data = form.cleaned_data
        try:
            action = improvement_action_create(
                actor=Actor.from_request(request),
                plan=plan,
                title=data["title"],
                description=data["description"],
                organisation=organisation,
                owner=owner,
                due_date=data["due_date"],
                indicators=data["indicators"],
            )
        except ValidationError as exc:
            add_service_errors(form, _who_errors(exc))
        else:
            messages.success(request, _("De verbeteractie is vastgelegd; de eigenaar krijgt bericht."))
            if action.due_date < timezone.localdate():
                messages.warning(request, _("Let op: de datum van deze actie ligt in het verleden."))
            return redirect(plan_url(plan))
    return render(request, "learning/action_form.html", {"plan": plan, "form": form, "action": None})


def _who_errors(exc: ValidationError) -> ValidationError:
    """The services speak of organisation and owner; the form has one field for both."""
    if hasattr(exc, "error_dict"):
        for name in ("organisation", "owner"):
            if name in exc.error_dict:
                exc.error_dict.setdefault("who", []).extend(exc.error_dict.pop(name))
    return exc


def _render_action(request: AuthenticatedHttpRequest, action: ImprovementAction, **forms: object) -> HttpResponse:
    reporter = can_report_action(request.user, request.acting, action)
    manager = is_manager(request.acting) and action.ended_at is None
    initial = {"version": action.version}
    context = {
        "action": action,
        "plan": action.plan,
        "updates": list(action.updates.select_related("reported_by").order_by("reported_at", "pk")),
        "indicators": list(action.indicators.all()),
        "ratings": list(
            action.value_ratings.select_related("organisation").order_by("-year", "organisation__name", "aspect")
        ),
        "effort": list(action.effort_entries.select_related("organisation").order_by("-month", "organisation__name")),
        "manager": manager,
        "report_form": forms.get("report_form")
        or (ActionReportForm(initial=initial, prefix="report") if reporter else None),
        "drop_form": forms.get("drop_form") or (DropForm(initial=initial, prefix="drop") if manager else None),
        "rating_form": forms.get("rating_form") or ValueRatingForm(prefix="rating"),
        "acting": request.acting,
        "today": timezone.localdate(),
        "overdue": action.ended_at is None and action.due_date < timezone.localdate(),
    }
    return render(request, "learning/action.html", context)


@require_GET
@login_required
def action_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_action(request, get_action_for(request.acting, pk))


@require_POST
@login_required
def action_report(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for(request.acting, pk)
    if not can_report_action(request.user, request.acting, action):
        raise PermissionDenied
    form = ActionReportForm(request.POST, prefix="report")
    if form.is_valid():
        try:
            improvement_action_report(
                actor=Actor.from_request(request),
                action=action,
                progress=form.cleaned_data["progress"],
                result=form.cleaned_data["result"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Uw terugkoppeling is vastgelegd."))
            return redirect(action_url(action))
    return _render_action(request, action, report_form=form)


@require_http_methods(["GET", "POST"])
@login_required
def action_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for(request.acting, pk)
    if not is_manager(request.acting) or action.ended_at is not None:
        raise PermissionDenied
    form = ActionForm(request.POST or None, house=action.plan.house, initial=action_initial(action))
    if request.method == "POST" and form.is_valid():
        organisation, owner = form.who_values()
        data = form.cleaned_data
        try:
            improvement_action_update(
                actor=Actor.from_request(request),
                action=action,
                title=data["title"],
                description=data["description"],
                organisation=organisation,
                owner=owner,
                due_date=data["due_date"],
                indicators=data["indicators"],
                expected_version=data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, _who_errors(exc))
        else:
            messages.success(request, _("De verbeteractie is bijgewerkt."))
            return redirect(action_url(action))
    return render(request, "learning/action_form.html", {"plan": action.plan, "form": form, "action": action})


@require_POST
@login_required
def action_drop(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    action = get_action_for(request.acting, pk)
    if not is_manager(request.acting):
        raise PermissionDenied
    form = DropForm(request.POST, prefix="drop")
    if form.is_valid():
        try:
            improvement_action_drop(
                actor=Actor.from_request(request),
                action=action,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De verbeteractie is vervallen."))
            return redirect(action_url(action))
    return _render_action(request, action, drop_form=form)


@require_POST
@login_required
def action_rate(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The value of the action for the organisation the user acts for, in one year."""
    action = get_action_for(request.acting, pk)
    form = ValueRatingForm(request.POST, prefix="rating")
    if form.is_valid():
        data = form.cleaned_data
        try:
            value_rating_record(
                actor=Actor.from_request(request),
                action=action,
                year=data["year"],
                aspect=data["aspect"],
                rating=data["rating"],
                narrative=data["narrative"],
                expected_version=data.get("version"),
            )
        except ConflictError as exc:
            # Show the rating there is, and carry its version so saving again replaces it.
            existing = existing_rating(action, request.acting, data["year"], data["aspect"])
            bound = request.POST.copy()
            bound["rating-version"] = str(existing.version) if existing else ""
            form = ValueRatingForm(bound, prefix="rating")
            form.is_valid()
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De waardering is vastgelegd."))
            return redirect(action_url(action) + "#section-value")
    return _render_action(request, action, rating_form=form)
