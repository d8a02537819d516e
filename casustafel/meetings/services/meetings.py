"""Planning a meeting and its agenda (the secretary's and process director's work).

Each service checks that the actor is a process director or secretary of the house, validates,
saves and records its audit event in one transaction. The agenda never runs longer than the
meeting, and a case is never on two meetings that overlap in time.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Q, Sum
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases.models import Case, CaseInvolvement, CaseParty, CaseStatus, PartyRole
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.meeting_types.models import MeetingType
from casustafel.meetings.models import (
    AgendaItem,
    AgendaItemKind,
    AgendaItemPart,
    ClientParticipation,
    Invitation,
    Meeting,
    MeetingStatus,
)
from casustafel.notifications.models import NotificationKind
from casustafel.organisations.models import CASE_STAFF_ROLES, Membership, Organisation, Role, SafetyHouse
from casustafel.privacy.subject_access.restrictions import restricted_person_ids, restriction_exempt

MEETING_FIELDS = ("meeting_type", "starts_at", "ends_at", "location", "online_link", "chair", "minute_taker")
ITEM_FIELDS = ("meeting", "case", "kind", "position", "planned_minutes")
# Notify invitees when one of these changes after the invitations went out.
NOTIFIED_FIELDS = frozenset({"starts_at", "ends_at", "location", "online_link"})
# Clients invited by default ("ja, tenzij"): the household's adults; children are invited by choice.
DEFAULT_CLIENT_ROLES = (PartyRole.SUBJECT, PartyRole.VICTIM, PartyRole.PERPETRATOR, PartyRole.SYSTEM_MEMBER)
# Stored, so in Dutch; shown as written (like every reason a user types).
RESTRICTED_REASON = "De verwerking is beperkt (AVG art. 18): niet standaard uitgenodigd."


def is_house_staff(user: User | None, house_id: int) -> bool:
    """Process directors and secretaries of the house plan meetings and agendas."""
    if user is None:
        return False
    return (
        Membership.objects.active().filter(user=user, role__in=CASE_STAFF_ROLES, organisation__house=house_id).exists()
    )


def require_house_staff(actor: Actor, house_id: int) -> None:
    if not is_house_staff(actor.user, house_id):
        raise PermissionDenied


def require_open(meeting: Meeting) -> None:
    """Agendas and invitations change only while the meeting is still planned."""
    if meeting.status != MeetingStatus.PLANNED:
        raise ServiceError(_("Dit overleg is al begonnen, gehouden of geannuleerd; de planning ligt vast."))


def _when(moment: dt.datetime) -> str:
    return formats.date_format(timezone.localtime(moment), "j F Y H:i")


# --- The meeting ----------------------------------------------------------------------------


def _meeting_errors(meeting: Meeting, *, check_past: bool) -> dict[str, str]:
    errors: dict[str, str] = {}
    if meeting.meeting_type.house_id != meeting.house_id:
        errors["meeting_type"] = _("Kies een overlegtype van dit huis.")
    elif not meeting.meeting_type.is_active and meeting._state.adding:
        errors["meeting_type"] = _("Dit overlegtype is niet actief.")
    if check_past and meeting.starts_at < timezone.now():
        errors["starts_at"] = _("Een overleg kan niet in het verleden worden gepland. Kies een moment vanaf nu.")
    if meeting.ends_at <= meeting.starts_at:
        errors["ends_at"] = _("Het overleg moet eindigen na het begin.")
    elif meeting.ends_at - meeting.starts_at > dt.timedelta(hours=12):
        errors["ends_at"] = _("Een overleg duurt hoogstens twaalf uur.")
    if not meeting.location.strip() and not meeting.online_link.strip():
        errors["location"] = _("Vul een plaats in, een link voor online deelname, of allebei.")
    staff = Membership.objects.active(timezone.localdate(meeting.starts_at)).filter(
        organisation__house=meeting.house_id
    )
    if not staff.filter(user=meeting.chair_id, role=Role.PROCESS_DIRECTOR).exists():
        errors["chair"] = _("De voorzitter is een procesregisseur van dit huis.")
    if meeting.minute_taker_id and not staff.filter(user=meeting.minute_taker_id, role__in=CASE_STAFF_ROLES).exists():
        errors["minute_taker"] = _("De notulist is een secretaris of procesregisseur van dit huis.")
    return errors


@transaction.atomic
def meeting_plan(
    *,
    actor: Actor,
    house: SafetyHouse,
    meeting_type: MeetingType,
    starts_at: dt.datetime,
    ends_at: dt.datetime | None = None,
    location: str = "",
    online_link: str = "",
    chair: User,
    minute_taker: User | None = None,
) -> Meeting:
    """Plan a meeting. Without an end, it lasts the meeting type's default duration.

    Raises:
        PermissionDenied: the actor is no process director or secretary of the house.
        ValidationError: a moment in the past, an end before the start, no place and no link,
            a chair who is no process director or a minute-taker who is no house staff.
    """
    require_house_staff(actor, house.pk)
    meeting = Meeting(
        house=house,
        meeting_type=meeting_type,
        starts_at=starts_at,
        ends_at=ends_at or starts_at + dt.timedelta(minutes=meeting_type.default_duration_minutes),
        location=location.strip(),
        online_link=online_link.strip(),
        chair=chair,
        minute_taker=minute_taker,
        created_by=actor.user,
    )
    errors = _meeting_errors(meeting, check_past=True)
    if errors:
        raise ValidationError(errors)
    meeting.full_clean()
    meeting.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=meeting,
        changes=diff({}, snapshot(meeting, ("house", *MEETING_FIELDS))),
    )
    return meeting


def _agenda_minutes(meeting: Meeting, *, excluding: AgendaItem | None = None) -> int:
    items = meeting.items.all()
    if excluding is not None:
        items = items.exclude(pk=excluding.pk)
    return items.aggregate(total=Sum("planned_minutes"))["total"] or 0


def _too_long_message(meeting: Meeting, minutes: int) -> str:
    return _(
        "De agenda duurt dan %(minutes)s minuten, langer dan het overleg (%(duration)s minuten). "
        "Plan minder minuten, verleng het overleg of zet de casus op een ander overleg."
    ) % {"minutes": minutes, "duration": meeting.duration_minutes}


def _overlapping_meetings(meeting: Meeting) -> Q:
    return Q(starts_at__lt=meeting.ends_at, ends_at__gt=meeting.starts_at) & ~Q(status=MeetingStatus.CANCELLED)


def _case_clash(meeting: Meeting, case_ids: list[int]) -> AgendaItem | None:
    """An item on another meeting that overlaps this one in time, for one of the cases."""
    return (
        AgendaItem.objects.filter(case__in=case_ids, meeting__in=Meeting.objects.filter(_overlapping_meetings(meeting)))
        .exclude(meeting=meeting)
        .select_related("meeting")
        .first()
    )


def _clash_message(clash: AgendaItem) -> str:
    return _(
        "Casus %(case)s staat al op de agenda van een overleg dat tegelijk plaatsvindt (%(when)s). "
        "Haal de casus daar eerst af, of kies een ander moment."
    ) % {"case": clash.case_id, "when": _when(clash.meeting.starts_at)}


@transaction.atomic
def meeting_update(*, actor: Actor, meeting: Meeting, expected_version: int | None, **values: object) -> Meeting:
    """Change when, where or with whom a meeting is held. Invitees who were already invited get
    a notice when the moment or the place changes.

    Raises:
        PermissionDenied: the actor is no process director or secretary of the house.
        ConflictError: someone else saved the meeting in the meantime.
        ServiceError: the meeting has started, was held or was cancelled.
        ValidationError: as `meeting_plan`; a new moment in the past; an agenda longer than the
            new duration; a case that is then on another meeting at the same time.
    """
    unknown = set(values) - set(MEETING_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    require_house_staff(actor, meeting.house_id)
    locked = lock_for_update(meeting, expected_version=expected_version)
    require_open(locked)
    before = snapshot(locked, MEETING_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    changes = diff(before, snapshot(locked, MEETING_FIELDS))
    if not changes:
        return locked
    errors = _meeting_errors(locked, check_past="starts_at" in changes)
    minutes = _agenda_minutes(locked)
    if "ends_at" not in errors and minutes > locked.duration_minutes:
        errors["ends_at"] = _too_long_message(locked, minutes)
    if errors:
        raise ValidationError(errors)
    clash = _case_clash(locked, list(locked.items.values_list("case", flat=True)))
    if clash is not None:
        raise ValidationError({"starts_at": _clash_message(clash)})
    locked.full_clean()
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes=changes)
    if NOTIFIED_FIELDS & set(changes) and locked.invitations_sent_at is not None:
        _notify_invitees(actor, locked, NotificationKind.MEETING_CHANGED)
    return locked


@transaction.atomic
def meeting_cancel(*, actor: Actor, meeting: Meeting, expected_version: int | None) -> Meeting:
    """Cancel a planned meeting; its cases are free for another meeting and invitees get a notice.

    Raises:
        PermissionDenied, ConflictError, ServiceError: as `meeting_update`.
    """
    require_house_staff(actor, meeting.house_id)
    locked = lock_for_update(meeting, expected_version=expected_version)
    require_open(locked)
    locked.status = MeetingStatus.CANCELLED
    bump_version(locked)
    locked.save(update_fields=["status", "version", "updated_at"])
    audit_record(
        actor=actor, action=AuditAction.UPDATE, obj=locked, changes={"status": [MeetingStatus.PLANNED, locked.status]}
    )
    if locked.invitations_sent_at is not None:
        _notify_invitees(actor, locked, NotificationKind.MEETING_CANCELLED)
    return locked


# How early a meeting may be opened (the chair sets up the room and the screen).
START_MARGIN = dt.timedelta(minutes=30)


def _status_move(actor: Actor, meeting: Meeting, expected_version: int | None, source: str, target: str) -> Meeting:
    require_house_staff(actor, meeting.house_id)
    locked = lock_for_update(meeting, expected_version=expected_version)
    if locked.status != source:
        raise ServiceError(
            _("Dit overleg is %(status)s; dat kan nu niet.") % {"status": locked.get_status_display().lower()}
        )
    locked.status = target
    bump_version(locked)
    locked.save(update_fields=["status", "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, changes={"status": [source, target]})
    return locked


@transaction.atomic
def meeting_start(*, actor: Actor, meeting: Meeting, expected_version: int | None = None) -> Meeting:
    """Open a planned meeting (from half an hour before its start): the agenda and the
    invitations are fixed from now on.

    Raises:
        PermissionDenied: the actor is no process director or secretary of the house.
        ConflictError: someone else saved the meeting in the meantime.
        ServiceError: the meeting is not planned, or starts more than half an hour from now.
    """
    if meeting.starts_at - START_MARGIN > timezone.now():
        raise ServiceError(_("Een overleg gaat pas open vanaf een half uur voor het begin."))
    return _status_move(actor, meeting, expected_version, MeetingStatus.PLANNED, MeetingStatus.IN_PROGRESS)


@transaction.atomic
def meeting_finish(*, actor: Actor, meeting: Meeting, expected_version: int | None = None) -> Meeting:
    """Close a meeting in progress: it has been held.

    Raises:
        PermissionDenied, ConflictError: as `meeting_start`.
        ServiceError: the meeting is not in progress.
    """
    return _status_move(actor, meeting, expected_version, MeetingStatus.IN_PROGRESS, MeetingStatus.HELD)


def _notify_invitees(actor: Actor, meeting: Meeting, kind: NotificationKind) -> None:
    from casustafel.meetings.services.invitations import invitation_recipients, notify

    for invitation in Invitation.objects.filter(item__meeting=meeting, notified_at__isnull=False).select_related(
        "item", "organisation"
    ):
        for recipient in invitation_recipients(invitation):
            notify(actor, recipient, kind, invitation)


# --- The agenda -----------------------------------------------------------------------------


def _locked_meeting(actor: Actor, meeting: Meeting) -> Meeting:
    """Lock the meeting: agenda writes are serialised per meeting, so two secretaries adding at
    once cannot together make the agenda longer than the meeting."""
    require_house_staff(actor, meeting.house_id)
    locked = Meeting.objects.select_for_update().select_related("meeting_type").get(pk=meeting.pk)
    require_open(locked)
    return locked


def _item_errors(meeting: Meeting, case: Case, planned_minutes: int) -> dict[str, str]:
    errors: dict[str, str] = {}
    if case.house_id != meeting.house_id or case.status != CaseStatus.ACTIVE:
        errors["case"] = _("Kies een actieve casus van dit huis.")
    elif meeting.items.filter(case=case).exists():
        errors["case"] = _("Deze casus staat al op de agenda van dit overleg.")
    else:
        clash = _case_clash(meeting, [case.pk])
        if clash is not None:
            errors["case"] = _clash_message(clash)
    if not 5 <= planned_minutes <= 240:
        errors["planned_minutes"] = _("Plan tussen 5 en 240 minuten voor een casus.")
    else:
        total = _agenda_minutes(meeting) + planned_minutes
        if total > meeting.duration_minutes:
            errors["planned_minutes"] = _too_long_message(meeting, total)
    return errors


def _default_invitations(item: AgendaItem, meeting_type: MeetingType) -> list[Invitation]:
    """Who is invited unless the secretary changes it: the organisations involved in the case
    now (with their contact person) and the meeting type's crucial and default partners. They
    stay drafts until the invitations are sent; only then does an invitation involve anyone."""
    crucial = set(meeting_type.crucial_organisations.values_list("pk", flat=True))
    invitees: dict[int, User | None] = {}
    for involvement in CaseInvolvement.objects.current().filter(case=item.case).select_related("contact"):
        invitees[involvement.organisation_id] = involvement.contact
    for organisation_id in crucial | set(meeting_type.default_organisations.values_list("pk", flat=True)):
        invitees.setdefault(organisation_id, None)
    allowed = set(
        Organisation.objects.filter(
            pk__in=invitees, house=item.meeting.house_id, is_active=True, is_house_office=False
        ).values_list("pk", flat=True)
    )
    return [
        Invitation(item=item, organisation_id=pk, invitee=invitee, is_crucial=pk in crucial)
        for pk, invitee in invitees.items()
        if pk in allowed
    ]


@restriction_exempt("puts a case on an agenda; nothing new about a person")
@transaction.atomic
def agenda_item_add(
    *,
    actor: Actor,
    meeting: Meeting,
    case: Case,
    kind: str = AgendaItemKind.FOLLOW_UP,
    planned_minutes: int | None = None,
) -> AgendaItem:
    """Put a case on the agenda, at the end, with the type's minutes per case unless given. The
    item gets one part with every invitee and its client participation ("ja, tenzij": the
    household's adults are invited when the type invites clients by default).

    Raises:
        PermissionDenied: the actor is no process director or secretary of the house.
        ServiceError: the meeting has started, was held or was cancelled.
        ValidationError: a case of another house or no longer active, a case already on this
            agenda or on another meeting at the same time, or an agenda longer than the meeting.
    """
    locked = _locked_meeting(actor, meeting)
    minutes = planned_minutes if planned_minutes is not None else locked.meeting_type.minutes_per_case
    errors = _item_errors(locked, case, minutes)
    if errors:
        raise ValidationError(errors)
    position = (locked.items.aggregate(last=Max("position"))["last"] or 0) + 1
    item = AgendaItem(meeting=locked, case=case, kind=kind, position=position, planned_minutes=minutes)
    item.full_clean()
    item.save()
    audit_record(
        actor=actor, action=AuditAction.CREATE, obj=item, case_id=case.pk, changes=diff({}, snapshot(item, ITEM_FIELDS))
    )
    invitations = Invitation.objects.bulk_create(_default_invitations(item, locked.meeting_type))
    household = list(CaseParty.objects.filter(referral__case=case, role__in=DEFAULT_CLIENT_ROLES))
    # A client whose processing is restricted is not invited by default: recording them would
    # be new information about them (client_participation_update refuses it), so the first save
    # of the defaults would fail until the user unticked them.
    restricted = restricted_person_ids(party.person_id for party in household)
    clients = [party for party in household if party.person_id not in restricted]
    invited_clients = locked.meeting_type.clients_invited_by_default and (bool(clients) or not household)
    participation = ClientParticipation.objects.create(
        item=item,
        clients_invited=invited_clients,
        not_invited_reason=RESTRICTED_REASON if restricted and not invited_clients else "",
    )
    if invited_clients:
        participation.invited_parties.set(clients)
    part = AgendaItemPart.objects.create(item=item, position=1, title=_("Bespreking"), planned_minutes=minutes)
    part.invitations.set(invitations)
    if invited_clients and not _separation_needed(item, clients):
        part.clients.set(clients)
    for invitation in invitations:
        audit_record(
            actor=actor,
            action=AuditAction.CREATE,
            obj=invitation,
            case_id=case.pk,
            changes=diff({}, snapshot(invitation, ("item", "organisation", "invitee", "is_crucial"))),
        )
    return item


def _separation_needed(item: AgendaItem, clients: list[CaseParty]) -> bool:
    """Whether perpetrator and victim are both among `clients` while the type or the case flags
    stalking or intimate terror (then they may not share a part)."""
    from casustafel.meetings.services.parts import both_sides, separation_applies

    return separation_applies(item) and both_sides(clients)


@restriction_exempt("why and how long a case is on the agenda")
@transaction.atomic
def agenda_item_update(
    *, actor: Actor, item: AgendaItem, expected_version: int | None, kind: str, planned_minutes: int
) -> AgendaItem:
    """Change why a case is on the agenda and how long it takes. An item with one part keeps
    that part as long as the item.

    Raises:
        PermissionDenied, ServiceError: as `agenda_item_add`.
        ConflictError: someone else saved the item in the meantime.
        ValidationError: minutes out of range, an agenda longer than the meeting, or fewer
            minutes than the item's parts take together.
    """
    meeting = _locked_meeting(actor, item.meeting)
    locked = lock_for_update(item, expected_version=expected_version)
    before = snapshot(locked, ("kind", "planned_minutes"))
    parts = list(locked.parts.all())
    errors: dict[str, str] = {}
    if not 5 <= planned_minutes <= 240:
        errors["planned_minutes"] = _("Plan tussen 5 en 240 minuten voor een casus.")
    else:
        total = _agenda_minutes(meeting, excluding=locked) + planned_minutes
        if total > meeting.duration_minutes:
            errors["planned_minutes"] = _too_long_message(meeting, total)
        elif len(parts) > 1 and sum(part.planned_minutes for part in parts) > planned_minutes:
            errors["planned_minutes"] = _("De delen van dit agendapunt duren samen langer; maak eerst de delen korter.")
    if errors:
        raise ValidationError(errors)
    locked.kind, locked.planned_minutes = kind, planned_minutes
    locked.full_clean()
    changes = diff(before, snapshot(locked, ("kind", "planned_minutes")))
    if not changes:
        return locked
    bump_version(locked)
    locked.save()
    if len(parts) == 1:  # an unsplit item's one part is the whole item
        parts[0].planned_minutes = planned_minutes
        parts[0].save(update_fields=["planned_minutes", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, case_id=locked.case_id, changes=changes)
    return locked


@restriction_exempt("the order of the agenda")
@transaction.atomic
def agenda_item_move(*, actor: Actor, item: AgendaItem, up: bool) -> AgendaItem:
    """Move an item one place up or down the agenda (no-op at either end)."""
    meeting = _locked_meeting(actor, item.meeting)
    items = list(meeting.items.order_by("position", "pk"))
    index = next(i for i, candidate in enumerate(items) if candidate.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(items):
        return items[index]
    items[index], items[other] = items[other], items[index]
    for position, candidate in enumerate(items, start=1):
        if candidate.position != position:
            before = candidate.position
            candidate.position = position
            candidate.save(update_fields=["position", "updated_at"])
            audit_record(
                actor=actor,
                action=AuditAction.UPDATE,
                obj=candidate,
                case_id=candidate.case_id,
                changes={"position": [before, position]},
            )
    return items[other]


@restriction_exempt("takes a case off the agenda")
@transaction.atomic
def agenda_item_remove(*, actor: Actor, item: AgendaItem) -> None:
    """Take a case off the agenda, with its invitations and parts. Organisations that were
    already involved through an invitation stay involved: ending that is a separate decision.

    Raises:
        PermissionDenied, ServiceError: as `agenda_item_add`.
    """
    meeting = _locked_meeting(actor, item.meeting)
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=item,
        case_id=item.case_id,
        changes=diff(snapshot(item, ITEM_FIELDS), {}),
    )
    item.delete()
    # Close the gap, so the numbers people see stay 1, 2, 3...
    for position, remaining in enumerate(meeting.items.order_by("position", "pk"), start=1):
        if remaining.position != position:
            remaining.position = position
            remaining.save(update_fields=["position", "updated_at"])


@dataclass
class AgendaProposal:
    """What `agenda_propose` put on the agenda, and the cases that did not fit in the time."""

    added: list[AgendaItem] = field(default_factory=list)
    left_out: list[Case] = field(default_factory=list)


def proposal_candidates(meeting: Meeting) -> list[tuple[Case, AgendaItemKind]]:
    """Cases to propose, in order: open cases of the meeting's type waiting for a first
    discussion, cases whose review date falls before the meeting, and cases proposed for
    closure. Cases already on this agenda or on a meeting at the same time are left out."""
    cases = Case.objects.filter(house=meeting.house_id, meeting_type=meeting.meeting_type_id, status=CaseStatus.ACTIVE)
    on_agenda = AgendaItem.objects.filter(
        Q(meeting=meeting) | Q(meeting__in=Meeting.objects.filter(_overlapping_meetings(meeting)))
    ).values("case")
    discussed = AgendaItem.objects.exclude(meeting__status=MeetingStatus.CANCELLED).values("case")
    cases = cases.exclude(pk__in=on_agenda)
    day = timezone.localdate(meeting.starts_at)
    new = list(cases.exclude(pk__in=discussed).order_by("opened_at", "pk"))
    seen = {case.pk for case in new}
    review = [case for case in cases.filter(review_date__lte=day).order_by("review_date", "pk") if case.pk not in seen]
    seen |= {case.pk for case in review}
    closure = [
        case
        for case in cases.filter(closure_proposed_on__isnull=False).order_by("closure_proposed_on", "pk")
        if case.pk not in seen
    ]
    return (
        [(case, AgendaItemKind.NEW) for case in new]
        + [(case, AgendaItemKind.REVIEW) for case in review]
        + [(case, AgendaItemKind.CLOSURE) for case in closure]
    )


@restriction_exempt("puts cases on an agenda; nothing new about a person")
@transaction.atomic
def agenda_propose(*, actor: Actor, meeting: Meeting) -> AgendaProposal:
    """Fill the agenda with the proposal (`proposal_candidates`), each case with the type's
    minutes per case, as far as the meeting's time allows; the rest is reported, not added.

    Raises:
        PermissionDenied, ServiceError: as `agenda_item_add`.
    """
    locked = _locked_meeting(actor, meeting)
    proposal = AgendaProposal()
    room = locked.duration_minutes - _agenda_minutes(locked)
    minutes = locked.meeting_type.minutes_per_case
    for case, kind in proposal_candidates(locked):
        if minutes > room:
            proposal.left_out.append(case)
            continue
        proposal.added.append(agenda_item_add(actor=actor, meeting=locked, case=case, kind=kind))
        room -= minutes
    return proposal
