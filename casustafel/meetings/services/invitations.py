"""Tailored invitations per agenda item: only the organisations (and named people) needed for
that case. An invitation is a draft until the secretary sends the meeting's invitations; sending
involves the organisation in the case (need-to-know follows the invitation) and notifies its
people. Invitees answer from their own account: coming, coming with a named substitute from
their own organisation, or not coming.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases.models import CaseInvolvement, working_for
from casustafel.cases.services.cases import case_involvement_add
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.meetings.models import AgendaItem, Invitation, InvitationStatus, Meeting, MeetingStatus
from casustafel.meetings.services.meetings import require_house_staff, require_open
from casustafel.notifications.models import NotificationKind
from casustafel.notifications.services import notification_send
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership, Organisation
from casustafel.privacy.subject_access.restrictions import restriction_exempt

INVITATION_FIELDS = ("item", "organisation", "invitee", "is_crucial")
RESPONSE_FIELDS = ("status", "substitute", "decline_reason")


def _case_workers(organisation_id: int) -> QuerySet[Membership]:
    return Membership.objects.active().filter(organisation=organisation_id, role__in=CASE_WORKER_ROLES)


def invitation_recipients(invitation: Invitation) -> list[User]:
    """Who is told about an invitation: the named invitee (or their named substitute);
    otherwise the organisation's ambassadors, who decide who comes; otherwise all its case
    workers."""
    named = invitation.substitute or invitation.invitee
    if named is not None:
        return [named]
    members = _case_workers(invitation.organisation_id).select_related("user").order_by("pk")
    ambassadors = [m.user for m in members if m.is_ambassador]
    return ambassadors or list(dict.fromkeys(m.user for m in members))


def notify(actor: Actor, recipient: User, kind: NotificationKind, invitation: Invitation) -> None:
    url = reverse("meetings:agenda_item_detail", args=[invitation.item.meeting_id, invitation.item_id])
    notification_send(actor=actor, recipient=recipient, kind=kind, url=url, case_id=invitation.item.case_id)


def _invitee_errors(item: AgendaItem, organisation: Organisation, invitee: User | None) -> dict[str, str]:
    errors: dict[str, str] = {}
    if organisation.house_id != item.meeting.house_id:
        errors["organisation"] = _(
            "Deze organisatie hoort niet bij dit Zorg- en Veiligheidshuis en kan niet worden uitgenodigd."
        )
    elif not organisation.is_active or organisation.is_house_office:
        errors["organisation"] = _(
            "Nodig een actieve partnerorganisatie uit; het bureau van het huis is er altijd bij."
        )
    elif item.invitations.filter(organisation=organisation).exists():
        errors["organisation"] = _("Deze organisatie is al uitgenodigd voor dit agendapunt.")
    if invitee is not None and not _case_workers(organisation.pk).filter(user=invitee).exists():
        errors["invitee"] = _("Kies iemand die bij deze organisatie werkt.")
    return errors


@restriction_exempt("invites an organisation; nothing about a person")
@transaction.atomic
def invitation_add(
    *, actor: Actor, item: AgendaItem, organisation: Organisation, invitee: User | None = None
) -> Invitation:
    """Invite an organisation (and optionally a named person of it) to one agenda item. The
    invitation is sent with the meeting's next `invitations_send`. An item with one part gets
    the new invitee in that part.

    Raises:
        PermissionDenied: the actor is no process director or secretary of the house.
        ServiceError: the meeting has started, was held or was cancelled.
        ValidationError: an organisation outside the house, inactive or the house's own office,
            one already invited, or an invitee who does not work there.
    """
    require_house_staff(actor, item.meeting.house_id)
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    require_open(meeting)
    errors = _invitee_errors(item, organisation, invitee)
    if errors:
        raise ValidationError(errors)
    invitation = Invitation(
        item=item,
        organisation=organisation,
        invitee=invitee,
        is_crucial=item.meeting.meeting_type.crucial_organisations.filter(pk=organisation.pk).exists(),
    )
    invitation.full_clean()
    invitation.save()
    parts = list(item.parts.all())
    if len(parts) == 1:
        parts[0].invitations.add(invitation)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=invitation,
        case_id=item.case_id,
        changes=diff({}, snapshot(invitation, INVITATION_FIELDS)),
    )
    return invitation


@restriction_exempt("withdraws an invitation")
@transaction.atomic
def invitation_remove(*, actor: Actor, invitation: Invitation) -> None:
    """Withdraw an invitation (and take the organisation out of the item's parts). When it was
    already sent, its recipients are told the meeting changed. An involvement it started stays.

    Raises:
        PermissionDenied, ServiceError: as `invitation_add`.
        ServiceError: it is the only invitation of a part, which would be left without attendees.
    """
    require_house_staff(actor, invitation.item.meeting.house_id)
    meeting = Meeting.objects.select_for_update().get(pk=invitation.item.meeting_id)
    require_open(meeting)
    for part in invitation.parts.all():
        if part.item.parts.count() > 1 and not part.clients.exists() and part.invitations.count() == 1:
            raise ServiceError(
                _("Dit is de enige genodigde in '%(part)s'. Verwijder eerst dat deel of voeg iemand toe.")
                % {"part": part.title}
            )
    if invitation.notified_at is not None:
        for recipient in invitation_recipients(invitation):
            notify(actor, recipient, NotificationKind.MEETING_CHANGED, invitation)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=invitation,
        case_id=invitation.item.case_id,
        changes=diff(snapshot(invitation, INVITATION_FIELDS), {}),
    )
    invitation.delete()


@restriction_exempt("invites and involves organisations; nothing about a person")
@transaction.atomic
def invitations_send(*, actor: Actor, meeting: Meeting) -> int:
    """Send every invitation of the meeting that was not sent yet: involve the organisation in
    the case when it is not involved now (the invitation is the reason), and notify its people.
    Returns how many were sent.

    Raises:
        PermissionDenied, ServiceError: as `invitation_add`.
        ServiceError: the meeting has no invitees at all, or everything was sent already.
    """
    require_house_staff(actor, meeting.house_id)
    locked = Meeting.objects.select_for_update().get(pk=meeting.pk)
    require_open(locked)
    if locked.starts_at < timezone.now():
        raise ServiceError(_("Dit overleg is al begonnen; uitnodigingen versturen kan niet meer."))
    invitations = Invitation.objects.filter(item__meeting=locked).select_related("item__case", "organisation")
    if not invitations.exists():
        raise ServiceError(
            _("Dit overleg heeft nog geen genodigden. Nodig per agendapunt de organisaties uit die nodig zijn.")
        )
    unsent = [invitation for invitation in invitations if invitation.notified_at is None]
    if not unsent:
        raise ServiceError(_("Alle uitnodigingen zijn al verstuurd."))
    now = timezone.now()
    reason = _("Uitgenodigd voor het casusoverleg van %(date)s") % {
        "date": formats.date_format(timezone.localtime(locked.starts_at), "j F Y")
    }
    for invitation in unsent:
        case = invitation.item.case
        if not CaseInvolvement.objects.current().filter(case=case, organisation=invitation.organisation).exists():
            case_involvement_add(
                actor=actor, case=case, organisation=invitation.organisation, reason=reason, contact=invitation.invitee
            )
        invitation.notified_at = now
        invitation.save(update_fields=["notified_at", "updated_at"])
        audit_record(
            actor=actor,
            action=AuditAction.UPDATE,
            obj=invitation,
            case_id=case.pk,
            changes={"notified_at": [None, now]},
        )
        for recipient in invitation_recipients(invitation):
            notify(actor, recipient, NotificationKind.INVITED, invitation)
    locked.invitations_sent_at = now
    locked.save(update_fields=["invitations_sent_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes={"invitations_sent_at": [None, now]})
    return len(unsent)


def can_answer(user: User | None, invitation: Invitation) -> bool:
    """The people of the invited organisation (and their substitutes) answer an invitation."""
    if user is None or invitation.notified_at is None:
        return False
    return (
        Organisation.objects.filter(pk=invitation.organisation_id)
        .filter(working_for(user, timezone.now(), "pk"))
        .exists()
    )


@restriction_exempt("an organisation's answer to an invitation")
@transaction.atomic
def invitation_respond(
    *,
    actor: Actor,
    invitation: Invitation,
    expected_version: int | None,
    status: str,
    substitute: User | None = None,
    decline_reason: str = "",
) -> Invitation:
    """Answer an invitation for the invited organisation: coming, coming with a named
    substitute from the same organisation, or not coming (with an optional reason). The
    meeting's planner is told an answer came in.

    Raises:
        PermissionDenied: the actor does not work for the invited organisation.
        ConflictError: someone else answered in the meantime.
        ServiceError: the meeting has started, was held or was cancelled.
        ValidationError: an unknown answer, a substitute missing or from another organisation,
            or a substitute who is the invitee themselves.
    """
    current = Invitation.objects.get(pk=invitation.pk)
    if not can_answer(actor.user, current):
        raise PermissionDenied
    locked = lock_for_update(current, expected_version=expected_version)
    meeting = Meeting.objects.get(pk=locked.item.meeting_id)
    if meeting.status != MeetingStatus.PLANNED or meeting.starts_at < timezone.now():
        raise ServiceError(_("Dit overleg is al begonnen of voorbij; antwoorden kan niet meer."))
    errors: dict[str, str] = {}
    if status not in (InvitationStatus.CONFIRMED, InvitationStatus.SUBSTITUTE, InvitationStatus.DECLINED):
        errors["status"] = _("Kies of u komt, een vervanger stuurt of niet komt.")
    if status == InvitationStatus.SUBSTITUTE:
        if substitute is None:
            errors["substitute"] = _("Kies wie u vervangt.")
        elif not _case_workers(locked.organisation_id).filter(user=substitute).exists():
            errors["substitute"] = _("Een vervanger werkt bij dezelfde organisatie.")
        elif locked.invitee_id == substitute.pk:
            errors["substitute"] = _("Kies een collega: de genodigde kan zichzelf niet vervangen.")
    if errors:
        raise ValidationError(errors)
    before = snapshot(locked, RESPONSE_FIELDS)
    locked.status = status
    locked.substitute = substitute if status == InvitationStatus.SUBSTITUTE else None
    locked.decline_reason = decline_reason.strip() if status == InvitationStatus.DECLINED else ""
    locked.responded_at = timezone.now()
    locked.responded_by = actor.user
    locked.full_clean()
    bump_version(locked)
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.item.case_id,
        changes=diff(before, snapshot(locked, RESPONSE_FIELDS)),
    )
    notify(actor, meeting.created_by, NotificationKind.INVITATION_ANSWERED, locked)
    return locked
