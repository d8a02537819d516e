"""Parts of an agenda item and client participation ("ja, tenzij").

Every item has at least one part. An unsplit item's one part holds every invitee and every
invited client, and follows the item's invitations and minutes. Split, each part has its own
attendees: the public prosecutor without the clients, then the clients without the public
prosecutor; and when the meeting type or the case flags stalking or intimate terror, a
perpetrator and a victim are never in the same part.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases.models import CaseParty, PartyRole, working_for
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.meetings.models import AgendaItem, AgendaItemPart, ClientParticipation, Invitation, Meeting
from casustafel.meetings.services.meetings import is_house_staff, require_house_staff, require_open
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership
from casustafel.privacy.subject_access.restrictions import refuses_restricted, restriction_exempt

PART_FIELDS = ("item", "position", "title", "planned_minutes")
PARTICIPATION_FIELDS = (
    "clients_invited",
    "not_invited_reason",
    "preparer",
    "client_input",
    "trusted_person",
    "mode",
    "debrief_by",
    "debrief_on",
    "debrief_notes",
)


def separation_applies(item: AgendaItem) -> bool:
    """Stalking or intimate terror, flagged on the meeting type or on the case."""
    return bool(item.meeting.meeting_type.separate_perpetrator_and_victim or item.case.separate_perpetrator_and_victim)


def both_sides(clients: Sequence[CaseParty]) -> bool:
    roles = {client.role for client in clients}
    return {PartyRole.PERPETRATOR, PartyRole.VICTIM} <= roles


@dataclass(frozen=True)
class PartSpec:
    """One part as the secretary describes it."""

    title: str
    planned_minutes: int
    invitations: Sequence[Invitation]
    clients: Sequence[CaseParty]


def _part_errors(item: AgendaItem, spec: PartSpec, prefix: str = "") -> dict[str, str]:
    errors: dict[str, str] = {}
    if not spec.title.strip():
        errors[f"{prefix}title"] = _("Geef het deel een titel, bijv. 'Deel 1: professionals met het OM'.")
    if not 5 <= spec.planned_minutes <= 240:
        errors[f"{prefix}planned_minutes"] = _("Plan tussen 5 en 240 minuten voor een deel.")
    if any(invitation.item_id != item.pk for invitation in spec.invitations):
        errors[f"{prefix}invitations"] = _("Kies organisaties die voor dit agendapunt zijn uitgenodigd.")
    invited = set(item.client_participation.invited_parties.values_list("pk", flat=True))
    if any(client.pk not in invited for client in spec.clients):
        errors[f"{prefix}clients"] = _("Alleen uitgenodigde cliënten kunnen aan een deel meedoen.")
    elif separation_applies(item) and both_sides(spec.clients):
        errors[f"{prefix}clients"] = _(
            "Bij stalking of intieme terreur zitten pleger en slachtoffer nooit samen in één deel. "
            "Zet hen in aparte delen."
        )
    if not spec.invitations and not spec.clients:
        errors[f"{prefix}invitations"] = _(
            "Een deel zonder deelnemers kan niet: kies minstens één organisatie of cliënt."
        )
    return errors


def _minutes_error(item: AgendaItem, total: int) -> dict[str, str]:
    if total <= item.planned_minutes:
        return {}
    return {
        "planned_minutes": _(
            "De delen duren samen %(total)s minuten, langer dan het agendapunt (%(item)s minuten). "
            "Maak een deel korter of geef het agendapunt meer tijd."
        )
        % {"total": total, "item": item.planned_minutes}
    }


def _locked_item(actor: Actor, item: AgendaItem) -> AgendaItem:
    require_house_staff(actor, item.meeting.house_id)
    meeting = Meeting.objects.select_for_update().get(pk=item.meeting_id)
    require_open(meeting)
    return AgendaItem.objects.select_related("meeting__meeting_type", "case", "client_participation").get(pk=item.pk)


def _create(actor: Actor, item: AgendaItem, spec: PartSpec, position: int) -> AgendaItemPart:
    part = AgendaItemPart.objects.create(
        item=item, position=position, title=spec.title.strip(), planned_minutes=spec.planned_minutes
    )
    part.invitations.set(spec.invitations)
    part.clients.set(spec.clients)
    _audit_part(actor, AuditAction.CREATE, part, {})
    return part


def _audit_part(actor: Actor, action: AuditAction, part: AgendaItemPart, before: dict[str, Any]) -> None:
    after = {} if action == AuditAction.DELETE else _part_snapshot(part)
    audit_record(actor=actor, action=action, obj=part, case_id=part.item.case_id, changes=diff(before, after))


def _part_snapshot(part: AgendaItemPart) -> dict[str, Any]:
    values = snapshot(part, PART_FIELDS)
    values["invitations"] = sorted(part.invitations.values_list("pk", flat=True))
    values["clients"] = sorted(part.clients.values_list("pk", flat=True))
    return values


@restriction_exempt("who sits at which part of an item; nothing new about a person")
@transaction.atomic
def agenda_item_split(*, actor: Actor, item: AgendaItem, first: PartSpec, second: PartSpec) -> list[AgendaItemPart]:
    """Split an unsplit item into two parts with their own attendees (they replace its one part).

    Raises:
        PermissionDenied: the actor is no process director or secretary of the house.
        ServiceError: the meeting is no longer planned, or the item is split already.
        ValidationError: per part (fields prefixed `first_` and `second_`): no title, minutes
            out of range, no attendees, perpetrator and victim together under the separation
            rule; or parts that together take longer than the item.
    """
    locked = _locked_item(actor, item)
    old_parts = list(locked.parts.all())
    if len(old_parts) != 1:
        raise ServiceError(_("Dit agendapunt is al gesplitst; voeg een deel toe of wijzig een deel."))
    errors = {**_part_errors(locked, first, "first_"), **_part_errors(locked, second, "second_")}
    errors.update(_minutes_error(locked, first.planned_minutes + second.planned_minutes))
    if errors:
        raise ValidationError(errors)
    _audit_part(actor, AuditAction.DELETE, old_parts[0], _part_snapshot(old_parts[0]))
    old_parts[0].delete()
    return [_create(actor, locked, first, 1), _create(actor, locked, second, 2)]


@restriction_exempt("who sits at which part of an item; nothing new about a person")
@transaction.atomic
def part_add(*, actor: Actor, item: AgendaItem, spec: PartSpec) -> AgendaItemPart:
    """Add a further part to a split item.

    Raises:
        ServiceError: the item is not split yet (split it first), or no longer planned.
        PermissionDenied, ValidationError: as `agenda_item_split`.
    """
    locked = _locked_item(actor, item)
    parts = list(locked.parts.all())
    if len(parts) < 2:
        raise ServiceError(_("Splits het agendapunt eerst in twee delen."))
    errors = _part_errors(locked, spec)
    errors.update(_minutes_error(locked, sum(part.planned_minutes for part in parts) + spec.planned_minutes))
    if errors:
        raise ValidationError(errors)
    return _create(actor, locked, spec, max(part.position for part in parts) + 1)


@restriction_exempt("who sits at which part of an item; nothing new about a person")
@transaction.atomic
def part_update(*, actor: Actor, part: AgendaItemPart, expected_version: int | None, spec: PartSpec) -> AgendaItemPart:
    """Change a part of a split item: title, minutes, attendees.

    Raises:
        ConflictError: someone else saved the part in the meantime.
        ServiceError: the item is not split (its one part follows the item), or no longer planned.
        PermissionDenied, ValidationError: as `agenda_item_split`.
    """
    item = _locked_item(actor, part.item)
    locked = lock_for_update(part, expected_version=expected_version)
    others = list(item.parts.exclude(pk=locked.pk))
    if not others:
        raise ServiceError(_("Dit agendapunt is niet gesplitst; het ene deel volgt het agendapunt."))
    errors = _part_errors(item, spec)
    errors.update(_minutes_error(item, sum(other.planned_minutes for other in others) + spec.planned_minutes))
    if errors:
        raise ValidationError(errors)
    before = _part_snapshot(locked)
    locked.title, locked.planned_minutes = spec.title.strip(), spec.planned_minutes
    locked.full_clean()
    bump_version(locked)
    locked.save()
    locked.invitations.set(spec.invitations)
    locked.clients.set(spec.clients)
    _audit_part(actor, AuditAction.UPDATE, locked, before)
    return locked


@restriction_exempt("takes a part of an item away")
@transaction.atomic
def part_remove(*, actor: Actor, part: AgendaItemPart) -> None:
    """Remove a part of a split item. When one part is left, the item is unsplit again: that
    part gets every invitee and invited client and the item's minutes.

    Raises:
        ServiceError: it is the item's only part, or the meeting is no longer planned.
        PermissionDenied: as `agenda_item_split`.
    """
    item = _locked_item(actor, part.item)
    if item.parts.count() < 2:
        raise ServiceError(_("Een agendapunt houdt minstens één deel."))
    _audit_part(actor, AuditAction.DELETE, part, _part_snapshot(part))
    part.delete()
    remaining = list(item.parts.all())
    if len(remaining) == 1:
        before = _part_snapshot(remaining[0])
        remaining[0].planned_minutes = item.planned_minutes
        remaining[0].position = 1
        remaining[0].save()
        remaining[0].invitations.set(item.invitations.all())
        _sync_single_part_clients(item)
        _audit_part(actor, AuditAction.UPDATE, remaining[0], before)


def _sync_single_part_clients(item: AgendaItem) -> None:
    """An unsplit item's part has every invited client, unless perpetrator and victim would
    then sit together under the separation rule: then none, until the item is split (the item
    page says so)."""
    parts = list(item.parts.all())
    invited = list(item.client_participation.invited_parties.all())
    if len(parts) == 1:
        allowed = [] if separation_applies(item) and both_sides(invited) else invited
        parts[0].clients.set(allowed)
        return
    for part in parts:  # split: drop clients no longer invited
        part.clients.remove(*[client for client in part.clients.all() if client not in invited])


# --- Client participation ---------------------------------------------------------------------


def can_edit_participation(user: User | None, item: AgendaItem) -> bool:
    """House staff, and the people of an organisation invited to the item (the case director
    or care worker who prepares the clients and debriefs them afterwards)."""
    if user is None:
        return False
    if is_house_staff(user, item.meeting.house_id):
        return True
    return item.invitations.filter(notified_at__isnull=False).filter(working_for(user, timezone.now())).exists()


def _helper_ok(user: User | None, item: AgendaItem) -> bool:
    if user is None:
        return True
    if is_house_staff(user, item.meeting.house_id):
        return True
    organisations = item.invitations.values("organisation")
    return (
        Membership.objects.active()
        .filter(user=user, organisation__in=organisations, role__in=CASE_WORKER_ROLES)
        .exists()
    )


def _participation_errors(item: AgendaItem, values: dict[str, Any], parties: Sequence[CaseParty]) -> dict[str, str]:
    errors: dict[str, str] = {}
    if values["clients_invited"] and not parties:
        errors["invited_parties"] = _("Kies welke cliënten worden uitgenodigd.")
    if not values["clients_invited"] and not values["not_invited_reason"].strip():
        errors["not_invited_reason"] = _(
            "Cliënten worden uitgenodigd, tenzij er een reden is: schrijf op waarom zij deze keer niet komen."
        )
    case_parties = set(CaseParty.objects.filter(referral__case=item.case_id).values_list("pk", flat=True))
    if any(party.pk not in case_parties for party in parties):
        errors["invited_parties"] = _("Kies betrokkenen uit deze casus.")
    for name in ("preparer", "debrief_by"):
        if not _helper_ok(values[name], item):
            errors[name] = _("Kies iemand van een uitgenodigde organisatie of van het huis.")
    debrief_on: dt.date | None = values["debrief_on"]
    if debrief_on is not None:
        if debrief_on < timezone.localdate(item.meeting.starts_at):
            errors["debrief_on"] = _("De nabespreking is na het overleg.")
        elif debrief_on > timezone.localdate():
            errors["debrief_on"] = _("Leg de nabespreking vast als die geweest is; deze datum ligt in de toekomst.")
    return errors


@refuses_restricted(
    lambda participation, arguments: [
        (person_id, "invited_parties")
        for person_id in participation.invited_parties.values_list("person_id", flat=True)
    ]
)
@transaction.atomic
def client_participation_update(
    *,
    actor: Actor,
    participation: ClientParticipation,
    expected_version: int | None,
    invited_parties: Sequence[CaseParty],
    **values: Any,
) -> ClientParticipation:
    """Record client participation for an item: whether the clients are invited (and if not,
    why), who prepares them, their input, a trusted person, how they take part, and the
    debrief afterwards. The item's parts follow who is invited.

    Raises:
        PermissionDenied: the actor is neither house staff nor works for an invited organisation.
        ConflictError: someone else saved it in the meantime.
        ValidationError: no clients chosen while inviting them, no reason for not inviting,
            parties of another case, a helper from outside the item, a debrief date before the
            meeting or in the future.
    """
    unknown = set(values) - set(PARTICIPATION_FIELDS)
    if unknown:
        raise TypeError(f"not editable: {sorted(unknown)}")
    item = participation.item
    if not can_edit_participation(actor.user, item):
        raise PermissionDenied
    locked = lock_for_update(participation, expected_version=expected_version)
    full = {name: getattr(locked, name) for name in PARTICIPATION_FIELDS} | values
    parties = list(invited_parties) if full["clients_invited"] else []
    errors = _participation_errors(item, full, parties)
    if errors:
        raise ValidationError(errors)
    before = snapshot(locked, PARTICIPATION_FIELDS) | {
        "invited_parties": sorted(locked.invited_parties.values_list("pk", flat=True))
    }
    for name, value in values.items():
        setattr(locked, name, value.strip() if isinstance(value, str) else value)
    if not locked.clients_invited:
        locked.mode = ""
    locked.full_clean()
    bump_version(locked)
    locked.save()
    locked.invited_parties.set(parties)
    _sync_single_part_clients(item)
    after = snapshot(locked, PARTICIPATION_FIELDS) | {"invited_parties": sorted(party.pk for party in parties)}
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, case_id=item.case_id, changes=diff(before, after))
    return locked
