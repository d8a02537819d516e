"""Agenda item pages: the item with its invitations, parts and client participation; changing
and reordering it; inviting; answering an invitation; splitting it into parts; the client
invitation letter.

Items come from `get_item_for_user` (404 outside scope, also for another case on the same
meeting). Planning actions are for the house's process directors and secretaries (403 for an
invitee); an invitation is answered by the invited organisation's people (403 for others who
see the item); client participation is recorded by house staff and the invitees.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from casustafel.accounts.types import AuthenticatedHttpRequest
from casustafel.audit.context import Actor
from casustafel.audit.services import audit_read
from casustafel.cases.services.cases import case_separation_set
from casustafel.cases.views.cases import case_actor
from casustafel.lib.errors import ConflictError
from casustafel.lib.forms import add_service_errors
from casustafel.meetings.forms.meetings import (
    AgendaItemForm,
    CaseSeparationForm,
    ClientParticipationForm,
    InvitationAddForm,
    InvitationResponseForm,
    PartForm,
    SplitForm,
)
from casustafel.meetings.letter import client_letter_response
from casustafel.meetings.models import AgendaItem, AgendaItemPart, Invitation, MeetingStatus
from casustafel.meetings.selectors.meetings import (
    case_parties,
    get_item_for_user,
    invitable_members,
    is_staff_of,
    item_helpers,
    item_slot,
)
from casustafel.meetings.services.invitations import can_answer, invitation_add, invitation_remove, invitation_respond
from casustafel.meetings.services.meetings import (
    DEFAULT_CLIENT_ROLES,
    agenda_item_move,
    agenda_item_remove,
    agenda_item_update,
)
from casustafel.meetings.services.parts import (
    agenda_item_split,
    both_sides,
    can_edit_participation,
    client_participation_update,
    part_add,
    part_remove,
    part_update,
    separation_applies,
)
from casustafel.meetings.views.meetings import meeting_url
from casustafel.organisations.models import Organisation
from casustafel.privacy.subject_access.restrictions import restricted_person_ids


def item_url(item: AgendaItem, anchor: str = "") -> str:
    url = reverse("meetings:agenda_item_detail", args=[item.meeting_id, item.pk])
    return f"{url}#{anchor}" if anchor else url


def _staff_item(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> AgendaItem:
    """An item the user may change: 404 outside scope, 403 for an invitee."""
    item = get_item_for_user(request.user, meeting_pk, item_pk)
    if not is_staff_of(request.user, item.meeting):
        raise PermissionDenied
    return item


def _invitation_form(item: AgendaItem, data: Any = None) -> InvitationAddForm:
    organisations = Organisation.objects.filter(house=item.meeting.house_id, is_active=True, is_house_office=False)
    organisations = organisations.exclude(pk__in=item.invitations.values("organisation")).order_by("name")
    members = invitable_members(list(organisations.values_list("pk", flat=True)))
    return InvitationAddForm(data, organisations=organisations, members=members)


def _part_choices(item: AgendaItem) -> dict[str, Any]:
    return {
        "invitations": item.invitations.select_related("organisation").order_by("organisation__name"),
        "clients": item.client_participation.invited_parties.select_related("person").order_by("pk"),
    }


def render_item_page(request: AuthenticatedHttpRequest, item: AgendaItem, **forms: Any) -> HttpResponse:
    """The item page with one READ audit event for its case (on behalf of the absent colleague
    when the user sees the case as a substitute)."""
    actor = case_actor(request, item.case)
    audit_read(actor=actor, obj=item, case_id=item.case_id)
    staff = is_staff_of(request.user, item.meeting)
    open_ = item.meeting.status == MeetingStatus.PLANNED
    starts_at, ends_at = item_slot(item)
    participation = item.client_participation
    invited = list(participation.invited_parties.all())
    parts = list(item.parts.all())
    household = [party for party in case_parties(item) if party.role in DEFAULT_CLIENT_ROLES]
    restricted = restricted_person_ids(party.person_id for party in household)
    context: dict[str, Any] = {
        "item": item,
        "meeting": item.meeting,
        "starts_at": starts_at,
        "ends_at": ends_at,
        "parts": parts,
        "participation": participation,
        "invited_parties": invited,
        "restricted_parties": [p for p in household if p.person_id in restricted and p not in invited],
        "is_staff": staff,
        "is_open": open_,
        "on_behalf_of": actor.on_behalf_of,
        "can_edit_participation": can_edit_participation(request.user, item),
        "answerable": [inv for inv in item.invitations.all() if can_answer(request.user, inv)] if open_ else [],
        "separation": separation_applies(item),
        "must_split": separation_applies(item) and both_sides(invited) and len(parts) == 1,
    }
    if staff and open_:
        context.update(
            {
                "item_form": forms.get("item_form")
                or AgendaItemForm(
                    initial={"kind": item.kind, "planned_minutes": item.planned_minutes, "version": item.version}
                ),
                "invitation_form": forms.get("invitation_form") or _invitation_form(item),
                "separation_form": CaseSeparationForm(initial={"separate": item.case.separate_perpetrator_and_victim}),
            }
        )
    return render(request, "meetings/item_detail.html", context)


@require_GET
@login_required
def agenda_item_detail(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    return render_item_page(request, get_item_for_user(request.user, meeting_pk, item_pk))


def _refused(request: AuthenticatedHttpRequest, item: AgendaItem, exc: ValidationError) -> HttpResponse:
    for message in exc.messages:
        messages.error(request, message)
    return HttpResponseRedirect(item_url(item))


@require_POST
@login_required
def agenda_item_edit(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item = _staff_item(request, meeting_pk, item_pk)
    form = AgendaItemForm(request.POST)
    if form.is_valid():
        try:
            agenda_item_update(
                actor=Actor.from_request(request),
                item=item,
                expected_version=form.cleaned_data["version"],
                kind=form.cleaned_data["kind"],
                planned_minutes=form.cleaned_data["planned_minutes"],
            )
        except ConflictError as exc:
            item = get_item_for_user(request.user, meeting_pk, item_pk)
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het agendapunt is opgeslagen."))
            return HttpResponseRedirect(item_url(item))
    return render_item_page(request, item, item_form=form)


@require_POST
@login_required
def agenda_item_move_view(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item = _staff_item(request, meeting_pk, item_pk)
    try:
        agenda_item_move(actor=Actor.from_request(request), item=item, up=request.POST.get("richting") != "omlaag")
    except ValidationError as exc:
        return _refused(request, item, exc)
    return HttpResponseRedirect(meeting_url(item.meeting, f"item-{item.pk}"))


@require_POST
@login_required
def agenda_item_remove_view(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item = _staff_item(request, meeting_pk, item_pk)
    try:
        agenda_item_remove(actor=Actor.from_request(request), item=item)
    except ValidationError as exc:
        return _refused(request, item, exc)
    messages.success(request, _("De casus is van de agenda gehaald."))
    return HttpResponseRedirect(meeting_url(item.meeting, "section-agenda"))


@require_POST
@login_required
def case_separation(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item = _staff_item(request, meeting_pk, item_pk)
    form = CaseSeparationForm(request.POST)
    form.is_valid()
    try:
        case_separation_set(
            actor=case_actor(request, item.case), case=item.case, separate=form.cleaned_data["separate"]
        )
    except ValidationError as exc:
        return _refused(request, item, exc)
    messages.success(request, _("Vastgelegd voor de casus."))
    return HttpResponseRedirect(item_url(item, "section-parts"))


# --- Invitations ------------------------------------------------------------------------------


@require_POST
@login_required
def invitation_add_view(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item = _staff_item(request, meeting_pk, item_pk)
    form = _invitation_form(item, request.POST)
    if form.is_valid():
        try:
            invitation_add(
                actor=Actor.from_request(request),
                item=item,
                organisation=form.cleaned_data["organisation"],
                invitee=form.invitee_user(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Uitgenodigd. De uitnodiging gaat mee met 'Uitnodigingen versturen'."))
            return HttpResponseRedirect(item_url(item, "section-invitations"))
    return render_item_page(request, item, invitation_form=form)


def _invitation_of(item: AgendaItem, invitation_pk: int) -> Invitation:
    return get_object_or_404(item.invitations.select_related("organisation", "invitee"), pk=invitation_pk)


@require_POST
@login_required
def invitation_remove_view(
    request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int, invitation_pk: int
) -> HttpResponse:
    item = _staff_item(request, meeting_pk, item_pk)
    invitation = _invitation_of(item, invitation_pk)
    try:
        invitation_remove(actor=Actor.from_request(request), invitation=invitation)
    except ValidationError as exc:
        return _refused(request, item, exc)
    messages.success(request, _("De uitnodiging van %(name)s is ingetrokken.") % {"name": invitation.organisation.name})
    return HttpResponseRedirect(item_url(item, "section-invitations"))


@login_required
def invitation_respond_view(
    request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int, invitation_pk: int
) -> HttpResponse:
    item = get_item_for_user(request.user, meeting_pk, item_pk)
    invitation = _invitation_of(item, invitation_pk)
    if not can_answer(request.user, invitation):
        raise PermissionDenied
    actor = case_actor(request, item.case)
    colleagues = invitable_members([invitation.organisation_id]).exclude(user=invitation.invitee_id)
    data = request.POST if request.method == "POST" else None
    initial = {"status": invitation.status, "decline_reason": invitation.decline_reason, "version": invitation.version}
    form = InvitationResponseForm(data, initial=initial, colleagues=colleagues)
    if request.method == "POST" and form.is_valid():
        try:
            invitation_respond(
                actor=actor, invitation=invitation, expected_version=form.cleaned_data["version"], **form.values()
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Uw antwoord is doorgegeven aan het secretariaat."))
            return HttpResponseRedirect(item_url(item))
    audit_read(actor=actor, obj=invitation, case_id=item.case_id)
    starts_at, ends_at = item_slot(item)
    context = {"item": item, "invitation": invitation, "form": form, "starts_at": starts_at, "ends_at": ends_at}
    return render(request, "meetings/invitation_respond.html", context)


# --- Parts ------------------------------------------------------------------------------------


@login_required
def agenda_item_split_view(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item = _staff_item(request, meeting_pk, item_pk)
    half = max(5, item.planned_minutes // 2)
    initial = {
        "first_title": _("Deel 1: professionals"),
        "first_planned_minutes": half,
        "second_title": _("Deel 2: met de cliënten"),
        "second_planned_minutes": max(5, item.planned_minutes - half),
    }
    form = SplitForm(request.POST if request.method == "POST" else None, initial=initial, **_part_choices(item))
    if request.method == "POST" and form.is_valid():
        first, second = form.specs()
        try:
            agenda_item_split(actor=Actor.from_request(request), item=item, first=first, second=second)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het agendapunt is in twee delen gesplitst."))
            return HttpResponseRedirect(item_url(item, "section-parts"))
    audit_read(actor=Actor.from_request(request), obj=item, case_id=item.case_id)
    return render(request, "meetings/part_form.html", {"item": item, "form": form, "split": True})


@login_required
def part_add_view(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item = _staff_item(request, meeting_pk, item_pk)
    number = item.parts.count() + 1
    data = request.POST if request.method == "POST" else None
    form = PartForm(data, initial={"planned_minutes": 15}, new=True, number=number, **_part_choices(item))
    if request.method == "POST" and form.is_valid():
        try:
            part_add(actor=Actor.from_request(request), item=item, spec=form.spec())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het deel is toegevoegd."))
            return HttpResponseRedirect(item_url(item, "section-parts"))
    audit_read(actor=Actor.from_request(request), obj=item, case_id=item.case_id)
    return render(request, "meetings/part_form.html", {"item": item, "form": form, "part": None})


def _part_of(item: AgendaItem, part_pk: int) -> AgendaItemPart:
    return get_object_or_404(item.parts.all(), pk=part_pk)


@login_required
def part_edit(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int, part_pk: int) -> HttpResponse:
    item = _staff_item(request, meeting_pk, item_pk)
    part = _part_of(item, part_pk)
    data = request.POST if request.method == "POST" else None
    form = PartForm(data, initial=PartForm.initial_for(part), number=part.position, **_part_choices(item))
    if request.method == "POST" and form.is_valid():
        try:
            part_update(
                actor=Actor.from_request(request),
                part=part,
                expected_version=form.cleaned_data["version"],
                spec=form.spec(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Het deel is opgeslagen."))
            return HttpResponseRedirect(item_url(item, "section-parts"))
    audit_read(actor=Actor.from_request(request), obj=item, case_id=item.case_id)
    return render(request, "meetings/part_form.html", {"item": item, "form": form, "part": part})


@require_POST
@login_required
def part_remove_view(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int, part_pk: int) -> HttpResponse:
    item = _staff_item(request, meeting_pk, item_pk)
    part = _part_of(item, part_pk)
    try:
        part_remove(actor=Actor.from_request(request), part=part)
    except ValidationError as exc:
        return _refused(request, item, exc)
    messages.success(request, _("Het deel is verwijderd."))
    return HttpResponseRedirect(item_url(item, "section-parts"))


# --- Client participation and the letter ------------------------------------------------------------


@login_required
def client_participation_edit(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, meeting_pk, item_pk)
    if not can_edit_participation(request.user, item):
        raise PermissionDenied
    actor = case_actor(request, item.case)
    participation = item.client_participation
    helpers = item_helpers(item)
    data = request.POST if request.method == "POST" else None
    parties = case_parties(item)
    form = ClientParticipationForm(
        data,
        initial=ClientParticipationForm.initial_for(participation, helpers),
        parties=parties,
        helpers=helpers,
        restricted=restricted_person_ids(party.person_id for party in parties),
    )
    conflict = False
    if request.method == "POST" and form.is_valid():
        values = form.values()
        try:
            client_participation_update(
                actor=actor,
                participation=participation,
                expected_version=form.cleaned_data["version"],
                invited_parties=values.pop("invited_parties"),
                **values,
            )
        except ConflictError as exc:
            conflict = True
            add_service_errors(form, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("De cliëntparticipatie is opgeslagen."))
            return HttpResponseRedirect(item_url(item, "section-clients"))
    audit_read(actor=actor, obj=participation, case_id=item.case_id)
    context = {"item": item, "form": form, "conflict": conflict}
    return render(request, "meetings/participation_form.html", context)


@require_GET
@login_required
def client_letter(request: AuthenticatedHttpRequest, meeting_pk: int, item_pk: int) -> HttpResponse:
    item = get_item_for_user(request.user, meeting_pk, item_pk)
    if not can_edit_participation(request.user, item):
        raise PermissionDenied
    return client_letter_response(request, item, case_actor(request, item.case))
