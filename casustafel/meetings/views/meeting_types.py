"""Administration of meeting types and their input requirements (administrators only).

Anyone who does not administer the house gets a 404: the pages do not exist for them.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors
from casustafel.meeting_types.models import InputRequirementCheck, RequirementStage
from casustafel.meeting_types.selectors import admin_house
from casustafel.meetings.forms.meeting_types import InputRequirementForm, MeetingTypeForm
from casustafel.meetings.selectors.meeting_types import (
    get_input_requirement_for_admin,
    get_meeting_type_for_admin,
    meeting_types_for_admin,
)
from casustafel.meetings.services.meeting_types import (
    input_requirement_add,
    input_requirement_remove,
    meeting_type_create,
    meeting_type_update,
    meeting_types_install_default,
)


@require_GET
@login_required
def meeting_type_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = admin_house(request.acting)
    meeting_types = meeting_types_for_admin(request.user).filter(house=house)
    return render(request, "meetings/meeting_type_list.html", {"house": house, "meeting_types": meeting_types})


@login_required
def meeting_type_create_view(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = admin_house(request.acting)
    form = MeetingTypeForm(request.POST if request.method == "POST" else None, house=house, new=True)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_type = meeting_type_create(actor=Actor.from_request(request), house=house, **form.values())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het overlegtype is aangemaakt. Leg nu de inputeisen vast."))
            return redirect("meetings:meeting_type_detail", pk=meeting_type.pk)
    return render(request, "meetings/meeting_type_form.html", {"form": form, "meeting_type": None})


@require_POST
@login_required
def meeting_type_install_default(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = admin_house(request.acting)
    installed = meeting_types_install_default(actor=Actor.from_request(request), house=house)
    messages.success(
        request,
        _("Het standaardoverlegtype %(names)s staat klaar, met de criteria van Bijlage 5.")
        % {"names": ", ".join(meeting_type.name for meeting_type in installed)},
    )
    return redirect("meetings:meeting_type_list")


def _render_detail(
    request: AuthenticatedHttpRequest, pk: int, requirement_form: InputRequirementForm | None = None
) -> HttpResponse:
    meeting_type = get_meeting_type_for_admin(request.user, pk)
    requirements = list(meeting_type.input_requirements.all())
    context = {
        "meeting_type": meeting_type,
        "before_triage": [r for r in requirements if r.stage == RequirementStage.BEFORE_TRIAGE],
        "before_agenda": [r for r in requirements if r.stage == RequirementStage.BEFORE_AGENDA],
        "requirement_form": requirement_form or InputRequirementForm(),
        "life_domains_check": InputRequirementCheck.LIFE_DOMAINS,
    }
    return render(request, "meetings/meeting_type_detail.html", context)


@require_GET
@login_required
def meeting_type_detail(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    return _render_detail(request, pk)


@login_required
def meeting_type_edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting_type = get_meeting_type_for_admin(request.user, pk)
    form = MeetingTypeForm.for_meeting_type(meeting_type, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting_type_update(
                actor=Actor.from_request(request),
                meeting_type=meeting_type,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError as exc:
            # Show what is stored now and let the next save overwrite it knowingly.
            current = get_meeting_type_for_admin(request.user, pk)
            form = MeetingTypeForm.for_meeting_type(current, _with_version(request.POST, current.version))
            form.is_valid()
            add_service_errors(form, exc)
            return render(
                request, "meetings/meeting_type_form.html", {"form": form, "meeting_type": current, "conflict": True}
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het overlegtype is opgeslagen."))
            return redirect("meetings:meeting_type_detail", pk=meeting_type.pk)
    return render(request, "meetings/meeting_type_form.html", {"form": form, "meeting_type": meeting_type})


def _with_version(data: QueryDict, version: int) -> QueryDict:
    copy = data.copy()
    copy["version"] = str(version)
    return copy


@require_POST
@login_required
def input_requirement_add_view(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    meeting_type = get_meeting_type_for_admin(request.user, pk)
    form = InputRequirementForm(request.POST)
    if form.is_valid():
        try:
            input_requirement_add(
                actor=Actor.from_request(request),
                meeting_type=meeting_type,
                requirement=form.cleaned_data["requirement"],
                stage=form.cleaned_data["stage"],
                minimum=form.cleaned_data["minimum"] or 1,
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De inputeis is toegevoegd."))
            return redirect("meetings:meeting_type_detail", pk=meeting_type.pk)
    return _render_detail(request, pk, requirement_form=form)


@require_POST
@login_required
def input_requirement_remove_view(request: AuthenticatedHttpRequest, pk: int, requirement_pk: int) -> HttpResponse:
    meeting_type = get_meeting_type_for_admin(request.user, pk)
    requirement = get_input_requirement_for_admin(request.user, meeting_type, requirement_pk)
    input_requirement_remove(actor=Actor.from_request(request), requirement=requirement)
    messages.success(request, _("De inputeis is verwijderd."))
    return redirect("meetings:meeting_type_detail", pk=meeting_type.pk)
