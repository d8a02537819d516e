"""Self-assessment pages: the rounds of the house (managers and the board), preparing and opening
a round (managers), the participant's own questionnaire, and the results side by side with
earlier rounds (managers, the board, and participants once the round is closed)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.learning.forms import AnswersForm, AssessmentForm, InviteForm, answers_initial
from casustafel.learning.instruments import instrument
from casustafel.learning.models import AssessmentStatus, SelfAssessment
from casustafel.learning.roles import is_manager, manager_house, reader_house
from casustafel.learning.selectors import (
    get_assessment_for,
    get_invitation_for,
    invite_candidates,
    response_by_organisation,
)
from casustafel.learning.selectors_results import compare_rounds, round_results, series_of
from casustafel.learning.services import learning_view_record
from casustafel.learning.services_assessment import (
    assessment_answers_save,
    assessment_invite,
    self_assessment_close,
    self_assessment_create,
    self_assessment_open,
    self_assessment_update,
)
from casustafel.lib.forms import add_service_errors


def assessment_url(assessment: SelfAssessment) -> str:
    return reverse("learning:assessment", args=[assessment.pk])


@require_http_methods(["GET", "POST"])
@login_required
def assessment_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = manager_house(request.acting)
    form = AssessmentForm(request.POST or None, house=house, new=True)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            assessment = self_assessment_create(
                actor=Actor.from_request(request),
                house=house,
                instrument_key=data["instrument"],
                title=data["title"],
                closes_on=data["closes_on"],
                meeting_type=data["meeting_type"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De zelfevaluatie is aangemaakt. Nodig nu de deelnemers uit en open haar."))
            return redirect(assessment_url(assessment))
    return render(request, "learning/assessment_form.html", {"form": form})


def _render_assessment(request: AuthenticatedHttpRequest, assessment: SelfAssessment, **forms: object) -> HttpResponse:
    manager = is_manager(request.acting) and assessment.status != AssessmentStatus.CLOSED
    initial = {"title": assessment.title, "closes_on": assessment.closes_on, "version": assessment.version}
    context = {
        "assessment": assessment,
        "instrument": instrument(assessment.instrument),
        "responses": response_by_organisation(assessment),
        "invitees": list(
            assessment.invitations.select_related("user", "organisation").order_by(
                "organisation__name", "user__full_name"
            )
        ),
        "manager": manager,
        "edit_form": forms.get("edit_form")
        or (AssessmentForm(house=assessment.house, editing=True, initial=initial, prefix="edit") if manager else None),
        "invite_form": forms.get("invite_form")
        or (InviteForm(members=invite_candidates(assessment), prefix="invite") if manager else None),
    }
    return render(request, "learning/assessment.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def assessment_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The round's page; managers change its title or closing day here (POST)."""
    assessment = get_assessment_for(request.acting, pk)
    if request.method == "GET":
        return _render_assessment(request, assessment)
    if not is_manager(request.acting):
        raise PermissionDenied
    form = AssessmentForm(request.POST, house=assessment.house, editing=True, prefix="edit")
    if form.is_valid():
        try:
            self_assessment_update(
                actor=Actor.from_request(request),
                assessment=assessment,
                title=form.cleaned_data["title"],
                closes_on=form.cleaned_data["closes_on"],
                expected_version=form.cleaned_data.get("version"),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De zelfevaluatie is bijgewerkt."))
            return redirect(assessment_url(assessment))
    return _render_assessment(request, assessment, edit_form=form)


@require_POST
@login_required
def assessment_invite_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    assessment = get_assessment_for(request.acting, pk)
    if not is_manager(request.acting):
        raise PermissionDenied
    form = InviteForm(request.POST, members=invite_candidates(assessment), prefix="invite")
    if form.is_valid():
        try:
            created = assessment_invite(
                actor=Actor.from_request(request), assessment=assessment, memberships=form.chosen()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(count)s deelnemer(s) uitgenodigd.") % {"count": len(created)})
            return redirect(assessment_url(assessment))
    return _render_assessment(request, assessment, invite_form=form)


@require_POST
@login_required
def assessment_status_view(request: AuthenticatedHttpRequest, pk: int, step: str) -> HttpResponse:
    """Open a prepared round (participants are told) or close an open one."""
    assessment = get_assessment_for(request.acting, pk)
    if not is_manager(request.acting):
        raise PermissionDenied
    service = self_assessment_open if step == "open" else self_assessment_close
    try:
        service(actor=Actor.from_request(request), assessment=assessment, expected_version=assessment.version)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(
            request,
            _("De zelfevaluatie is geopend; de deelnemers hebben bericht.")
            if step == "open"
            else _("De zelfevaluatie is gesloten."),
        )
    return redirect(assessment_url(assessment))


@require_http_methods(["GET", "POST"])
@login_required
def assessment_fill(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The participant's own questionnaire: saved as they go, sent in once."""
    invitation = get_invitation_for(request.user, pk)
    assessment = invitation.assessment
    chosen = instrument(assessment.instrument)
    editable = assessment.status == AssessmentStatus.OPEN and invitation.submitted_at is None
    initial = {**answers_initial(list(invitation.answers.all())), "version": invitation.version}
    form = AnswersForm(
        request.POST if request.method == "POST" else None, instrument=chosen, initial=initial, disabled=not editable
    )
    if request.method == "POST":
        if not editable:
            raise PermissionDenied
        submit = "submit" in request.POST
        if form.is_valid():
            try:
                assessment_answers_save(
                    actor=Actor.from_request(request),
                    invitation=invitation,
                    answers=form.answers(),
                    submit=submit,
                    expected_version=form.cleaned_data.get("version"),
                )
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(
                    request,
                    _("Dank u wel: uw antwoorden zijn ingestuurd.")
                    if submit
                    else _("Uw antwoorden zijn bewaard; u kunt later verder."),
                )
                return redirect(reverse("learning:assessment_fill", args=[pk]))
    context = {
        "assessment": assessment,
        "invitation": invitation,
        "instrument": chosen,
        "form": form,
        "editable": editable,
    }
    return render(request, "learning/assessment_fill.html", context)


@require_GET
@login_required
def assessment_results(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Results of the round next to the earlier rounds of the same instrument and subject."""
    try:
        reader_house(request.acting)
        assessment = get_assessment_for(request.acting, pk)
    except Http404:
        # Participants read the results once the round is closed.
        assessment = get_invitation_for(request.user, pk).assessment
        if assessment.status != AssessmentStatus.CLOSED:
            raise
    rounds = [round_results(item) for item in series_of(assessment)]
    learning_view_record(actor=Actor.from_request(request), obj=assessment, page="assessment_results")
    context = {"assessment": assessment, "rounds": rounds, "current": rounds[-1], "comparison": compare_rounds(rounds)}
    return render(request, "learning/assessment_results.html", context)
