"""Writes on a case.

Involvements (need-to-know, WGS): which partner organisations take part in a case and for
which period. Only the process directors and secretaries of the case's house add and end them;
the people of an involved organisation see the case from `started_at` until `ended_at`. Ending
an involvement deletes nothing: the organisation simply loses sight of the case.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_record, diff, snapshot
from casustafel.cases.models import Case, CaseInvolvement, CaseStatus
from casustafel.cases.selectors.cases import can_manage_involvements
from casustafel.cases.services.triage import INVOLVEMENT_FIELDS
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.organisations.models import CASE_WORKER_ROLES, Membership, Organisation
from casustafel.privacy.subject_access.restrictions import restriction_exempt

# --- Involvements ---------------------------------------------------------------------------


def _require_involvement_manager(actor: Actor, case: Case) -> None:
    if actor.user is None or not can_manage_involvements(actor.user, case):
        raise PermissionDenied


def _named_people_errors(organisation: Organisation, people: Iterable[User], day: dt.date) -> dict[str, str]:
    """Everyone named must be an active case worker of the involved organisation."""
    wanted = {person.pk for person in people}
    members = set(
        Membership.objects.active(day)
        .filter(user__in=wanted, organisation=organisation, role__in=CASE_WORKER_ROLES)
        .values_list("user_id", flat=True)
    )
    if wanted - members:
        return {"named_people": _("Noem alleen actieve medewerkers van deze organisatie.")}
    return {}


def _named_ids(involvement: CaseInvolvement) -> list[int]:
    return sorted(involvement.named_people.values_list("pk", flat=True))


def _involvement_add_errors(
    case: Case, organisation: Organisation, contact: User | None, reason: str, started_at: dt.datetime
) -> dict[str, str]:
    errors: dict[str, str] = {}
    if organisation.house_id != case.house_id:
        errors["organisation"] = _("Deze organisatie hoort niet bij het Zorg- en Veiligheidshuis van de casus.")
    elif organisation.is_house_office:
        errors["organisation"] = _("Het bureau van het huis ziet de casus al; kies een partnerorganisatie.")
    elif not organisation.is_active:
        errors["organisation"] = _("Deze organisatie neemt niet meer deel aan het huis.")
    elif (
        CaseInvolvement.objects.filter(case=case, organisation=organisation)
        .filter(Q(ended_at__isnull=True) | Q(ended_at__gt=started_at))
        .exists()
    ):
        errors["organisation"] = _("Deze organisatie is al betrokken bij de casus.")
    if contact is not None and not (
        Membership.objects.active(timezone.localdate(started_at))
        .filter(user=contact, organisation=organisation, role__in=CASE_WORKER_ROLES)
        .exists()
    ):
        errors["contact"] = _("De contactpersoon moet een actieve medewerker van deze organisatie zijn.")
    if not reason.strip():
        errors["reason"] = _("Schrijf op waarom deze organisatie bij de casus betrokken moet zijn.")
    if timezone.localdate(started_at) < timezone.localdate(case.opened_at):
        errors["started_at"] = _("De betrokkenheid kan niet beginnen vóór de casus is geopend (%(date)s).") % {
            "date": formats.date_format(timezone.localtime(case.opened_at), "j F Y")
        }
    return errors


@restriction_exempt("who of an organisation sees the case; nothing about a person")
@transaction.atomic
def case_involvement_add(
    *,
    actor: Actor,
    case: Case,
    organisation: Organisation,
    reason: str,
    contact: User | None = None,
    named_people: Iterable[User] = (),
    started_at: dt.datetime | None = None,
) -> CaseInvolvement:
    """Involve an organisation of the house in the case: from `started_at` (default now) its
    case workers (and their substitutes) see the case; when the organisation limits its cases
    to the people named (`CaseVisibility.NAMED`), only `named_people` (the contact is always
    one of them), its ambassador and their substitutes do.

    Raises:
        PermissionDenied: the actor is no process director or secretary of the case's house.
        ServiceError: the case is no longer active.
        ValidationError: another house's organisation, one already involved, a contact who is
            not a member of it, no reason, or a start before the case was opened.
    """
    _require_involvement_manager(actor, case)
    locked = Case.objects.select_for_update().get(pk=case.pk)  # serialises two additions
    if locked.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is niet meer actief; er kunnen geen organisaties meer bij."))
    start = started_at or timezone.now()
    named = {person.pk: person for person in named_people}
    errors = {
        **_named_people_errors(organisation, named.values(), timezone.localdate(start)),
        **_involvement_add_errors(locked, organisation, contact, reason, start),
    }
    if errors:
        raise ValidationError(errors)
    if contact is not None:
        named[contact.pk] = contact
    involvement = CaseInvolvement(
        case=locked,
        organisation=organisation,
        contact=contact,
        reason=reason.strip(),
        started_at=max(start, locked.opened_at),
        added_by=actor.user,
    )
    involvement.full_clean()
    involvement.save()
    involvement.named_people.set(named.values())
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=involvement,
        case_id=locked.pk,
        changes={**diff({}, snapshot(involvement, INVOLVEMENT_FIELDS)), "named_people": [None, sorted(named)]},
    )
    return involvement


@restriction_exempt("who of an organisation sees the case; nothing about a person")
@transaction.atomic
def case_involvement_name_people(
    *, actor: Actor, involvement: CaseInvolvement, named_people: Iterable[User]
) -> CaseInvolvement:
    """Change who of the involved organisation is named on the case. For an organisation that
    limits its cases to the people named, this is who sees it (with the ambassador and their
    substitutes): someone taken off loses sight at once. The contact stays named.

    Raises:
        PermissionDenied: the actor is no process director or secretary of the case's house.
        ServiceError: the involvement has ended, or the case is no longer active.
        ValidationError: someone who is not an active case worker of the organisation.
    """
    _require_involvement_manager(actor, involvement.case)
    locked = CaseInvolvement.objects.select_for_update().select_related("case", "organisation").get(pk=involvement.pk)
    if locked.ended_at is not None or locked.case.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze betrokkenheid is beëindigd; er kunnen geen medewerkers meer worden genoemd."))
    named = {person.pk: person for person in named_people}
    if locked.contact is not None:
        named[locked.contact.pk] = locked.contact
    errors = _named_people_errors(locked.organisation, named.values(), timezone.localdate())
    if errors:
        raise ValidationError(errors)
    before = _named_ids(locked)
    if before == sorted(named):
        return locked
    locked.named_people.set(named.values())
    locked.save(update_fields=["updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.case_id,
        changes={"named_people": [before, sorted(named)]},
    )
    return locked


@restriction_exempt("ends an organisation's sight of the case")
@transaction.atomic
def case_involvement_end(
    *, actor: Actor, involvement: CaseInvolvement, end_reason: str, ended_at: dt.datetime | None = None
) -> CaseInvolvement:
    """End an organisation's involvement at `ended_at` (default now). From then on its people
    no longer see the case (unless another path, such as house staff, applies).

    Raises:
        PermissionDenied: the actor is no process director or secretary of the case's house.
        ServiceError: the involvement has already ended, or the case was destroyed.
        ValidationError: no reason, or an end before the start.
    """
    _require_involvement_manager(actor, involvement.case)
    locked = CaseInvolvement.objects.select_for_update().select_related("case").get(pk=involvement.pk)
    if locked.case.status == CaseStatus.DESTROYED:
        raise ServiceError(_("Deze casus is vernietigd."))
    if locked.ended_at is not None:
        raise ServiceError(_("Deze betrokkenheid is al beëindigd."))
    end = ended_at or timezone.now()
    errors: dict[str, str] = {}
    if not end_reason.strip():
        errors["end_reason"] = _("Schrijf op waarom de betrokkenheid van deze organisatie eindigt.")
    if end < locked.started_at:
        errors["ended_at"] = _("Het einde ligt vóór het begin van de betrokkenheid (%(date)s).") % {
            "date": formats.date_format(timezone.localtime(locked.started_at), "j F Y")
        }
    if errors:
        raise ValidationError(errors)
    before = snapshot(locked, ("ended_at", "end_reason"))
    locked.ended_at = end
    locked.end_reason = end_reason.strip()
    locked.full_clean()
    locked.save(update_fields=["ended_at", "end_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        case_id=locked.case_id,
        changes=diff(before, snapshot(locked, ("ended_at", "end_reason"))),
    )
    return locked


# --- What puts a case on an agenda ------------------------------------------------------------
# Minimal for the meetings issue (the agenda proposal reads them); the plans issue manages the
# review date and closure proposals properly.

AGENDA_FIELDS = ("review_date", "closure_proposed_on", "separate_perpetrator_and_victim")


def _case_agenda_set(*, actor: Actor, case: Case, expected_version: int | None, **values: object) -> Case:
    _require_involvement_manager(actor, case)
    locked = lock_for_update(case, expected_version=expected_version)
    if locked.status != CaseStatus.ACTIVE:
        raise ServiceError(_("Deze casus is niet meer actief."))
    before = snapshot(locked, AGENDA_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value)
    changes = diff(before, snapshot(locked, AGENDA_FIELDS))
    if not changes:
        return locked
    bump_version(locked)
    locked.save(update_fields=[*values, "version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, case_id=locked.pk, changes=changes)
    return locked


@transaction.atomic
def case_review_date_set(
    *, actor: Actor, case: Case, review_date: dt.date | None, expected_version: int | None = None
) -> Case:
    """Set when the case comes back on an agenda (rappeldatum); None clears it.

    Raises:
        PermissionDenied: the actor is no process director or secretary of the case's house.
        ConflictError: someone else saved the case in the meantime.
        ServiceError: the case is no longer active.
    """
    return _case_agenda_set(actor=actor, case=case, expected_version=expected_version, review_date=review_date)


@transaction.atomic
def case_closure_propose(
    *, actor: Actor, case: Case, proposed: bool = True, expected_version: int | None = None
) -> Case:
    """Propose the case for closure at the next meeting (or withdraw the proposal).

    Raises: as `case_review_date_set`.
    """
    on = timezone.localdate() if proposed else None
    return _case_agenda_set(actor=actor, case=case, expected_version=expected_version, closure_proposed_on=on)


@transaction.atomic
def case_separation_set(*, actor: Actor, case: Case, separate: bool, expected_version: int | None = None) -> Case:
    """Mark stalking or intimate terror: perpetrator and victim never sit together in a part of
    a meeting about this case.

    Raises: as `case_review_date_set`.
    """
    return _case_agenda_set(
        actor=actor, case=case, expected_version=expected_version, separate_perpetrator_and_victim=separate
    )
