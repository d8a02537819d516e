"""Closing a case (the process director: reason, goal outcomes, what happens to each open
agreement, the closure plan, the last safety score), proposing it for closure at the next
meeting, and answering the follow-up questions after closure."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_read
from casustafel.cases.models import CaseStatus
from casustafel.cases.selectors.cases import can_manage_involvements, get_case_for_user
from casustafel.cases.selectors.triage import is_process_director_of
from casustafel.cases.services.cases import case_closure_propose
from casustafel.cases.timeline import case_timeline
from casustafel.cases.views.cases import case_actor
from casustafel.lib.dates import add_years
from casustafel.lib.forms import add_service_errors
from casustafel.plans.forms import ClosureForm, FollowUpForm
from casustafel.plans.models import FollowUp
from casustafel.plans.services_closure import (
    AgreementSettlement,
    GoalOutcome,
    case_closure,
    follow_up_answer,
    open_agreements,
    open_goals,
)
from casustafel.plans.views import plan_url
from casustafel.privacy.provenance.access import case_viewer
from casustafel.privacy.retention.selectors import retention_term_for

# The scores of the last discussions shown next to the closing's own score.
RECENT_SCORES = 6


@require_http_methods(["GET", "POST"])
@login_required
def case_close_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    if not is_process_director_of(request.user, case.house_id):
        raise PermissionDenied
    actor = case_actor(request, case)
    today = timezone.localdate()
    goals, agreements = open_goals(case), open_agreements(case)
    form = ClosureForm(
        request.POST if request.method == "POST" else None,
        initial={"closed_on": today, "version": case.version},
        goals=goals,
        agreements=agreements,
    )
    if request.method == "POST" and case.status == CaseStatus.ACTIVE and form.is_valid():
        data = form.cleaned_data
        try:
            closed = case_closure(
                actor=actor,
                case=case,
                reason_kind=data["reason_kind"],
                reason=data["reason"],
                closed_on=data["closed_on"],
                goal_outcomes={
                    goal.pk: GoalOutcome(data[f"goal_{goal.pk}"], data[f"goal_{goal.pk}_evidence"]) for goal in goals
                },
                settlements={
                    a.pk: AgreementSettlement(data[f"agreement_{a.pk}"], data[f"agreement_{a.pk}_continues_with"])
                    for a in agreements
                },
                continues=data["continues"],
                if_it_goes_wrong=data["if_it_goes_wrong"],
                last_safety_score=data["last_safety_score"],
                last_safety_justification=data["last_safety_justification"],
                expected_version=data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            assert closed.retention_until is not None
            messages.success(
                request,
                _("Casus %(pk)s is afgesloten. De gegevens worden bewaard tot en met %(date)s.")
                % {"pk": closed.pk, "date": formats.date_format(closed.retention_until, "j F Y")},
            )
            return redirect("cases:case_detail", pk=closed.pk)
    return _render_close(request, case, actor, form)


def _render_close(request: AuthenticatedHttpRequest, case: Any, actor: Actor, form: ClosureForm) -> HttpResponse:
    audit_read(actor=actor, obj=case, case_id=case.pk)
    today = timezone.localdate()
    term = retention_term_for(case.house_id, case.meeting_type, on=today)
    viewer = case_viewer(request.user, case, acting=request.acting)
    scores = case_timeline(case, viewer, request.user, kinds=["score"])[-RECENT_SCORES:] if viewer else []
    context = {
        "case": case,
        "form": form,
        "term": term,
        "retention_until": add_years(today, term.years),
        "scores": scores,
        "follow_up_months": case.meeting_type.follow_up_month_list,
    }
    return render(request, "plans/case_close.html", context)


@require_POST
@login_required
def closure_propose_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Put the case on the next meeting's agenda as a proposal to close (or withdraw that)."""
    case = get_case_for_user(request.user, pk)
    if not can_manage_involvements(request.user, case):
        raise PermissionDenied
    proposed = request.POST.get("proposed") != "0"
    try:
        case_closure_propose(actor=case_actor(request, case), case=case, proposed=proposed)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("De casus staat voorgesteld om af te sluiten; het volgende overleg bespreekt het.")
            if proposed
            else _("Het voorstel om af te sluiten is ingetrokken."),
        )
    return redirect(plan_url(case, "section-closing"))


@require_http_methods(["GET", "POST"])
@login_required
def follow_up_view(request: AuthenticatedHttpRequest, pk: int, follow_up_pk: int) -> HttpResponse:
    case = get_case_for_user(request.user, pk)
    follow_up = get_object_or_404(FollowUp, pk=follow_up_pk, case=case)
    if not is_process_director_of(request.user, case.house_id):
        raise PermissionDenied
    actor = case_actor(request, case)
    initial = {
        "new_incidents": follow_up.new_incidents,
        "re_referral": follow_up.re_referral or ("yes" if case.re_referrals.exists() else ""),
        "still_safe": follow_up.still_safe,
        "note": follow_up.note,
        "version": follow_up.version,
    }
    form = FollowUpForm(request.POST if request.method == "POST" else None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            follow_up_answer(
                actor=actor,
                follow_up=follow_up,
                new_incidents=data["new_incidents"],
                re_referral=data["re_referral"],
                still_safe=data["still_safe"],
                note=data["note"],
                expected_version=data["version"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De nazorgvraag is beantwoord."))
            return redirect("cases:case_timeline", pk=case.pk)
    audit_read(actor=actor, obj=case, case_id=case.pk)
    others = FollowUp.objects.filter(case=case).order_by("due_on")
    return render(
        request, "plans/follow_up.html", {"case": case, "follow_up": follow_up, "form": form, "follow_ups": others}
    )
