"""Meeting pages: the list, planning and changing a meeting, the agenda (proposed, added to,
reordered), sending the invitations, and the attendance record.

Meetings come from `get_meeting_for_user` (404 outside scope). Invitees see the meeting with
only their own items; the planning actions are for the house's process directors and
secretaries, and answer 403 to an invitee (who may see the meeting, but not change it).
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_list
from casustafel.cases.models import Case, CaseStatus
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors
from casustafel.meetings.forms.meetings import (
    MEETING_ERROR_FIELDS,
    AgendaItemAddForm,
    AttendanceForm,
    MeetingForm,
)
from casustafel.meetings.models import Meeting, MeetingStatus
from casustafel.meetings.selectors.meetings import (
    agenda_for,
    get_meeting_for_user,
    is_staff_of,
    meeting_list_for,
)
from casustafel.meetings.services.attendance import attendance_record, suggested_status
from casustafel.meetings.services.invitations import invitations_send
from casustafel.meetings.services.meetings import (
    agenda_item_add,
    agenda_propose,
    meeting_cancel,
    meeting_plan,
    meeting_update,
)
from casustafel.organisations.models import CASE_STAFF_ROLES, Membership, SafetyHouse


def meeting_url(meeting: Meeting, anchor: str = "") -> str:
    url = reverse("meetings:meeting_detail", args=[meeting.pk])
    return f"{url}#{anchor}" if anchor else url


def remap_errors(exc: ValidationError, names: dict[str, str]) -> ValidationError:
    """A service's errors under the form's field names (a moment is a date and a time there)."""
    if not hasattr(exc, "error_dict"):
        return exc
    return ValidationError({names.get(name, name): errors for name, errors in exc.error_dict.items()})


def staff_meeting(request: AuthenticatedHttpRequest, meeting_pk: int) -> Meeting:
    """A meeting the user may change: 404 outside scope, 403 for an invitee."""
    meeting = get_meeting_for_user(request.user, meeting_pk)
    if not is_staff_of(request.user, meeting):
        raise PermissionDenied
    return meeting


def _planning_house(request: AuthenticatedHttpRequest) -> SafetyHouse:
    """The house the user plans meetings for: the one of the staff membership they act for."""
    acting = request.acting
    if acting is None or acting.role not in CASE_STAFF_ROLES:
        raise Http404
    return acting.organisation.house


def _meeting_form(house: SafetyHouse, data: Any = None, initial: dict[str, Any] | None = None) -> MeetingForm:
    staff = Membership.objects.active().filter(organisation__house=house, role__in=CASE_STAFF_ROLES)
    return MeetingForm(
        data,
        initial=initial,
        new=initial is None,
        meeting_types=house.meeting_types.filter(is_active=True).order_by("name"),
        staff=staff,
    )


@require_GET
@login_required
def meeting_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    past = request.GET.get("periode") == "voorbij"
    meetings = list(meeting_list_for(request.user, past=past)[:100])
    can_plan = request.acting is not None and request.acting.role in CASE_STAFF_ROLES
    return render(request, "meetings/meeting_list.html", {"meetings": meetings, "past": past, "can_plan": can_plan})


@login_required
def meeting_create(request: AuthenticatedHttpRequest) -> HttpResponse:
    house = _planning_house(request)
    form = _meeting_form(house, request.POST if request.method == "POST" else None)
    if request.method == "POST" and form.is_valid():
        try:
            meeting = meeting_plan(actor=Actor.from_request(request), house=house, **form.values())
        except ValidationError as exc:
            add_service_errors(form, remap_errors(exc, MEETING_ERROR_FIELDS))
        else:
            messages.success(request, _("Het overleg is gepland. Stel nu de agenda op."))
            return HttpResponseRedirect(meeting_url(meeting))
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": None})


@login_required
def meeting_edit(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = staff_meeting(request, meeting_pk)
    data = request.POST if request.method == "POST" else None
    form = _meeting_form(meeting.house, data, initial=MeetingForm.initial_for(meeting))
    conflict = False
    if request.method == "POST" and form.is_valid():
        try:
            meeting_update(
                actor=Actor.from_request(request),
                meeting=meeting,
                expected_version=form.cleaned_data["version"],
                **form.values(),
            )
        except ConflictError as exc:
            meeting = get_meeting_for_user(request.user, meeting_pk)
            conflict = True
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, remap_errors(exc, MEETING_ERROR_FIELDS))
        else:
            messages.success(request, _("Het overleg is opgeslagen."))
            return HttpResponseRedirect(meeting_url(meeting))
    return render(request, "meetings/meeting_form.html", {"form": form, "meeting": meeting, "conflict": conflict})


def _audit_agenda(request: AuthenticatedHttpRequest, meeting: Meeting, items: list[Any]) -> None:
    """The agenda shows the cases (and their main persons) the viewer may see: one READ event
    naming every case and person shown, as the case list does."""
    audit_list(
        actor=Actor.from_request(request),
        obj=meeting,
        case_ids=[item.case_id for item in items],
        person_ids=[party.person_id for item in items for party in item.case.referral.subject_parties],
    )


def _addable_cases(meeting: Meeting) -> Any:
    return (
        Case.objects.filter(house=meeting.house_id, status=CaseStatus.ACTIVE)
        .exclude(pk__in=meeting.items.values("case"))
        .select_related("meeting_type")
        .order_by("-opened_at", "-pk")
    )


def render_meeting_page(
    request: AuthenticatedHttpRequest, meeting: Meeting, *, add_form: AgendaItemAddForm | None = None
) -> HttpResponse:
    agenda = agenda_for(request.user, meeting)
    _audit_agenda(request, meeting, agenda.visible_items)
    staff = is_staff_of(request.user, meeting)
    context = {
        "meeting": meeting,
        "agenda": agenda,
        "is_staff": staff,
        "is_open": meeting.status == MeetingStatus.PLANNED,
        "add_form": (add_form or AgendaItemAddForm(cases=_addable_cases(meeting))) if staff else None,
    }
    return render(request, "meetings/meeting_detail.html", context)


@require_GET
@login_required
def meeting_detail(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    return render_meeting_page(request, get_meeting_for_user(request.user, meeting_pk))


def _refused(request: AuthenticatedHttpRequest, meeting: Meeting, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return HttpResponseRedirect(meeting_url(meeting, "section-agenda"))


@require_POST
@login_required
def meeting_cancel_view(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = staff_meeting(request, meeting_pk)
    try:
        meeting_cancel(actor=Actor.from_request(request), meeting=meeting, expected_version=None)
    except ValidationError as exc:
        return _refused(request, meeting, exc)
    messages.success(request, _("Het overleg is geannuleerd; de genodigden hebben bericht gekregen."))
    return HttpResponseRedirect(meeting_url(meeting))


@require_POST
@login_required
def agenda_propose_view(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = staff_meeting(request, meeting_pk)
    try:
        proposal = agenda_propose(actor=Actor.from_request(request), meeting=meeting)
    except ValidationError as exc:
        return _refused(request, meeting, exc)
    added = len(proposal.added)
    messages.success(
        request,
        ngettext(
            "%(count)s casus voorgesteld en op de agenda gezet.",
            "%(count)s casussen voorgesteld en op de agenda gezet.",
            added,
        )
        % {"count": added}
        if added
        else _("Er zijn geen casussen die op een bespreking wachten."),
    )
    if proposal.left_out:
        messages.warning(
            request,
            ngettext(
                "%(count)s casus past niet meer binnen de tijd van dit overleg; plan die op een volgend overleg.",
                "%(count)s casussen passen niet meer binnen de tijd van dit overleg; plan die op een volgend overleg.",
                len(proposal.left_out),
            )
            % {"count": len(proposal.left_out)},
        )
    return HttpResponseRedirect(meeting_url(meeting, "section-agenda"))


@require_POST
@login_required
def agenda_item_add_view(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = staff_meeting(request, meeting_pk)
    form = AgendaItemAddForm(request.POST, cases=_addable_cases(meeting))
    if form.is_valid():
        try:
            agenda_item_add(actor=Actor.from_request(request), meeting=meeting, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De casus staat op de agenda."))
            return HttpResponseRedirect(meeting_url(meeting, "section-agenda"))
    return render_meeting_page(request, meeting, add_form=form)


@require_POST
@login_required
def invitations_send_view(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = staff_meeting(request, meeting_pk)
    try:
        sent = invitations_send(actor=Actor.from_request(request), meeting=meeting)
    except ValidationError as exc:
        return _refused(request, meeting, exc)
    messages.success(
        request,
        ngettext("%(count)s uitnodiging verstuurd.", "%(count)s uitnodigingen verstuurd.", sent) % {"count": sent},
    )
    return HttpResponseRedirect(meeting_url(meeting, "section-agenda"))


def _attendance_rows(meeting: Meeting) -> list[tuple[Any, Any, str]]:
    rows = []
    for item in meeting.items.order_by("position", "pk").prefetch_related(
        "parts__invitations__organisation", "parts__attendances"
    ):
        item.meeting = meeting  # the page shows each item's number and case, not the meeting again
        for part in item.parts.all():
            recorded = {attendance.invitation_id: attendance.status for attendance in part.attendances.all()}
            for invitation in part.invitations.all():
                rows.append((part, invitation, recorded.get(invitation.pk) or suggested_status(invitation)))
    return rows


@login_required
def attendance_edit(request: AuthenticatedHttpRequest, meeting_pk: int) -> HttpResponse:
    meeting = staff_meeting(request, meeting_pk)
    rows = _attendance_rows(meeting)
    form = AttendanceForm(request.POST if request.method == "POST" else None, rows=rows)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                for part, invitation, _initial in rows:
                    status = form.cleaned_data[AttendanceForm.key(part, invitation)]
                    attendance_record(
                        actor=Actor.from_request(request), part=part, invitation=invitation, status=status
                    )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De aanwezigheid is vastgelegd."))
            return HttpResponseRedirect(meeting_url(meeting))
    audit_list(
        actor=Actor.from_request(request), obj=meeting, case_ids=sorted({part.item.case_id for part, _i, _s in rows})
    )
    return render(request, "meetings/attendance.html", {"meeting": meeting, "form": form})
