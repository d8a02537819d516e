"""Writes on data-subject requests (issue 4, point 7): finding the person, registering and
deciding a subject access request, its term and extension, the legal exceptions that withhold
information, rectification notes and restriction marks.

Only the privacy officer of the house does any of this (the system actor may, for demo data and
commands). Every write is audited in the same transaction with the person's id; searches are
audited too, per person found.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import REDACTED, audit_record, diff, snapshot
from casustafel.cases.models import Person
from casustafel.cases.selectors.persons import PersonMatch
from casustafel.cases.services.persons import PERSON_FIELDS, person_validate
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.dates import add_months
from casustafel.lib.errors import ServiceError
from casustafel.organisations.models import Membership, Organisation, Role, SafetyHouse
from casustafel.privacy.subject_access.models import (
    SAR_DECIDED_STATUSES,
    ExceptionGround,
    IdentityCheck,
    RectificationDecision,
    RectificationNote,
    Requester,
    RestrictionGround,
    RestrictionMark,
    SarStatus,
    SubjectAccessException,
    SubjectAccessRequest,
)
from casustafel.privacy.subject_access.restrictions import restriction_exempt
from casustafel.privacy.subject_access.selectors import sar_person_candidates

SAR_FIELDS = (
    "house",
    "person",
    "received_on",
    "requester",
    "representative_description",
    "identity_check",
    "handled_by",
    "status",
    "due_on",
    "extended_due_on",
    "extension_reason",
    "decision_note",
    "decided_by",
)
EXCEPTION_FIELDS = ("request", "ground", "note", "disclosed", "review_on")
RECTIFICATION_FIELDS = ("person", "request", "disputed", "decision", "explanation", "statement")
RESTRICTION_FIELDS = ("person", "request", "ground", "note", "starts_on", "ends_on")
# What a rectification may correct on the person's registration directly. Everything else
# (a concern, a problem, a fact) is corrected by the organisation that contributed it.
CORRECTABLE_PERSON_FIELDS = ("given_names", "surname_prefix", "surname", "date_of_birth")
# AVG art. 12 lid 3: one month, extendable by two further months.
TERM_MONTHS = 1
MAX_EXTENSION_MONTHS = 2


def _date_text(day: dt.date) -> str:
    return formats.date_format(day, "j F Y")


def privacy_officers_of(house: SafetyHouse | int) -> list[User]:
    """Users with an active privacy-officer membership in the house (who may handle a request)."""
    user_ids = Membership.objects.active().filter(role=Role.PRIVACY_OFFICER, organisation__house=house).values("user")
    return list(User.objects.filter(pk__in=user_ids).order_by("full_name", "pk"))


def _require_privacy_officer(actor: Actor, house_id: int) -> None:
    """Only the privacy officer of the house, acting as such; the system actor may too."""
    if actor.user is None:
        return
    membership = actor.membership
    if (
        membership is None
        or membership.user_id != actor.user.pk
        or membership.role != Role.PRIVACY_OFFICER
        or membership.organisation.house_id != house_id
    ):
        raise PermissionDenied


def _refuse_closed(request: SubjectAccessRequest) -> None:
    if request.is_closed:
        raise ServiceError(
            _("Dit verzoek is afgehandeld (%(status)s) en kan niet meer worden gewijzigd.")
            % {"status": str(request.get_status_display()).lower()}
        )


# --- Finding the person ------------------------------------------------------------------------


@restriction_exempt("the privacy officer handling the person's own rights (AVG art. 15-18)")
@transaction.atomic
def sar_person_search(
    *,
    actor: Actor,
    house: SafetyHouse,
    surname: str = "",
    surname_prefix: str = "",
    given_names: str = "",
    date_of_birth: dt.date | None = None,
    bsn: str = "",
) -> list[PersonMatch]:
    """Find the person a request is about: by BSN, or by surname and date of birth (never by a
    name alone: there is no free person search). Only the privacy officer of the house may.

    Every search is audited: one `search` event per person found (with their id), or one
    without a person when nobody matched. The typed name and BSN are never recorded.

    Raises:
        PermissionDenied: the actor is not the house's privacy officer.
        ValidationError: per field, in Dutch: neither a BSN nor surname plus date of birth, or
            a BSN that fails the elfproef.
    """
    _require_privacy_officer(actor, house.pk)
    matches, criteria = sar_person_candidates(
        house,
        surname=surname,
        surname_prefix=surname_prefix,
        given_names=given_names,
        date_of_birth=date_of_birth,
        bsn=bsn,
    )
    changes = {"criteria": [None, criteria], "found": [None, len(matches)]}
    if not matches:
        audit_record(actor=actor, action=AuditAction.SEARCH, obj=house, changes=changes)
    for match in matches:
        audit_record(actor=actor, action=AuditAction.SEARCH, obj=house, person_id=match.person.pk, changes=changes)
    return matches


# --- The request -----------------------------------------------------------------------------


def _validate_request_fields(
    *,
    received_on: dt.date | None,
    requester: str,
    representative_description: str,
    identity_check: str,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if received_on is None:
        errors["received_on"] = [_("Vul de datum van ontvangst in.")]
    elif received_on > timezone.localdate():
        errors["received_on"] = [_("De datum van ontvangst ligt in de toekomst. Controleer de datum.")]
    if requester not in Requester.values:
        errors["requester"] = [_("Kies wie het verzoek indiende.")]
    elif requester != Requester.PERSON and not representative_description.strip():
        errors["representative_description"] = [
            _("Beschrijf in een paar woorden wie de vertegenwoordiger is, bijv. 'moeder met gezag'.")
        ]
    elif requester == Requester.PERSON and representative_description.strip():
        errors["representative_description"] = [_("Laat dit leeg als de betrokkene het verzoek zelf indiende.")]
    if identity_check not in IdentityCheck.values:
        errors["identity_check"] = [_("Kies hoe de identiteit is vastgesteld.")]
    return errors


def _validate_handler(house_id: int, handled_by: User | None) -> dict[str, list[str]]:
    if handled_by is not None and handled_by.pk not in {user.pk for user in privacy_officers_of(house_id)}:
        return {"handled_by": [_("Kies een privacyfunctionaris van het huis.")]}
    return {}


@restriction_exempt("the privacy officer handling the person's own rights (AVG art. 15-18)")
@transaction.atomic
def subject_access_request_create(
    *,
    actor: Actor,
    house: SafetyHouse,
    person: Person,
    received_on: dt.date | None,
    requester: Requester | str,
    representative_description: str = "",
    identity_check: IdentityCheck | str = IdentityCheck.NOT_YET,
    handled_by: User | None = None,
) -> SubjectAccessRequest:
    """Register a subject access request for a person of the house. The answer is due one month
    after receipt (AVG art. 12 lid 3).

    Args:
        actor: the privacy officer registering it.
        house: the house the request is made to.
        person: the person, as found with `sar_person_search`.
        received_on: the day the house received it (not in the future).
        requester: the person themselves or a representative.
        representative_description: a few words on who represents them; only for a representative.
        identity_check: how the identity was established, if it was already.
        handled_by: the privacy officer handling it (the actor by default).

    Raises:
        PermissionDenied: the actor is not the house's privacy officer.
        ValidationError: per field, in Dutch.
    """
    _require_privacy_officer(actor, house.pk)
    if person.house_id != house.pk or person.merged_into_id is not None:
        raise ValidationError({"person": [_("Kies de betrokkene uit de zoekresultaten.")]})
    handler = handled_by or actor.user
    errors = _validate_request_fields(
        received_on=received_on,
        requester=str(requester),
        representative_description=representative_description,
        identity_check=str(identity_check),
    )
    errors.update(_validate_handler(house.pk, handler))
    if errors:
        raise ValidationError(errors)
    assert received_on is not None
    request = SubjectAccessRequest(
        house=house,
        person=person,
        received_on=received_on,
        requester=requester,
        representative_description=representative_description.strip(),
        identity_check=identity_check,
        handled_by=handler,
        due_on=add_months(received_on, TERM_MONTHS),
    )
    request.full_clean()
    request.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=request,
        person_id=person.pk,
        changes=diff({}, snapshot(request, SAR_FIELDS)),
    )
    return request


def _validate_decision(request: SubjectAccessRequest, status: str, decision_note: str) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if status not in SarStatus.values:
        return {"status": [_("Kies een status.")]}
    active_exceptions = request.exceptions.active().exists()
    if status == SarStatus.PROVIDED:
        if request.identity_check == IdentityCheck.NOT_YET:
            errors["identity_check"] = [
                _("Stel eerst de identiteit van de verzoeker vast voordat u het overzicht verstrekt.")
            ]
        if active_exceptions:
            errors["status"] = [
                _("Er geldt nog een uitzondering: kies 'gedeeltelijk uitgesteld', of beëindig eerst de uitzondering.")
            ]
    if status in (SarStatus.DEFERRED, SarStatus.PARTLY_DEFERRED):
        if not active_exceptions:
            errors["status"] = [_("Leg eerst de wettelijke uitzondering vast waarop het uitstel berust.")]
        if not decision_note.strip():
            errors["decision_note"] = [_("Schrijf de reden van het uitstel op, zoals de betrokkene die hoort.")]
    if status == SarStatus.PARTLY_DEFERRED and request.identity_check == IdentityCheck.NOT_YET:
        errors["identity_check"] = [
            _("Stel eerst de identiteit van de verzoeker vast voordat u het overzicht verstrekt.")
        ]
    if status == SarStatus.REJECTED and not decision_note.strip():
        errors["decision_note"] = [
            _(
                "Schrijf de reden van de afwijzing op; de betrokkene moet die horen, met de mogelijkheid om "
                "een klacht in te dienen bij de Autoriteit Persoonsgegevens (AVG art. 12 lid 4)."
            )
        ]
    return errors


@restriction_exempt("the privacy officer handling the person's own rights (AVG art. 15-18)")
@transaction.atomic
def subject_access_request_update(
    *,
    actor: Actor,
    request: SubjectAccessRequest,
    expected_version: int | None,
    status: SarStatus | str,
    identity_check: IdentityCheck | str,
    handled_by: User | None,
    decision_note: str = "",
) -> SubjectAccessRequest:
    """Record the handling of a request: who handles it, the identity check, the status and the
    decision note.

    Providing the overview needs an identity check and no active exception; deferring needs an
    active exception and a reason; rejecting needs a reason. A decided status records who
    decided and when.

    Raises:
        PermissionDenied: the actor is not the house's privacy officer.
        ConflictError: someone saved the request after the form was loaded.
        ServiceError: the request was provided or rejected already.
        ValidationError: per field, in Dutch.
    """
    _require_privacy_officer(actor, request.house_id)
    locked = lock_for_update(request, expected_version=expected_version)
    _refuse_closed(locked)
    before = snapshot(locked, SAR_FIELDS)
    locked.identity_check = str(identity_check)
    errors: dict[str, list[str]] = {}
    if locked.identity_check not in IdentityCheck.values:
        errors["identity_check"] = [_("Kies hoe de identiteit is vastgesteld.")]
    errors.update(_validate_handler(locked.house_id, handled_by))
    errors.update(_validate_decision(locked, str(status), decision_note))
    if errors:
        raise ValidationError(errors)
    locked.status = str(status)
    locked.handled_by = handled_by
    locked.decision_note = decision_note.strip()
    if locked.status in SAR_DECIDED_STATUSES:
        if before["status"] != locked.status:
            locked.decided_at, locked.decided_by = timezone.now(), actor.user
    else:
        locked.decided_at, locked.decided_by = None, None
    locked.full_clean()
    bump_version(locked)
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        person_id=locked.person_id,
        changes=diff(before, snapshot(locked, SAR_FIELDS)),
    )
    return locked


@restriction_exempt("the privacy officer handling the person's own rights (AVG art. 15-18)")
@transaction.atomic
def subject_access_request_extend(
    *,
    actor: Actor,
    request: SubjectAccessRequest,
    expected_version: int | None,
    extended_due_on: dt.date | None,
    extension_reason: str,
) -> SubjectAccessRequest:
    """Extend the term by at most two months, with a reason (AVG art. 12 lid 3). The person must
    hear of it within the first month, so the extension is refused once that month has passed.

    Raises:
        PermissionDenied: the actor is not the house's privacy officer.
        ConflictError: someone saved the request after the form was loaded.
        ServiceError: the request was decided already.
        ValidationError: per field, in Dutch.
    """
    _require_privacy_officer(actor, request.house_id)
    locked = lock_for_update(request, expected_version=expected_version)
    if locked.is_decided:
        raise ServiceError(_("Over dit verzoek is al besloten; de termijn kan niet meer worden verlengd."))
    errors: dict[str, list[str]] = {}
    latest = add_months(locked.due_on, MAX_EXTENSION_MONTHS)
    if extended_due_on is None:
        errors["extended_due_on"] = [_("Vul de nieuwe uiterste datum in.")]
    elif extended_due_on <= locked.due_on:
        errors["extended_due_on"] = [
            _("De nieuwe datum moet na de huidige uiterste datum (%(date)s) liggen.")
            % {"date": _date_text(locked.due_on)}
        ]
    elif extended_due_on > latest:
        errors["extended_due_on"] = [
            _("Verlengen kan met ten hoogste twee maanden: uiterlijk tot %(date)s.") % {"date": _date_text(latest)}
        ]
    if not extension_reason.strip():
        errors["extension_reason"] = [
            _(
                "Geef de reden van de verlenging. De betrokkene moet binnen een maand na ontvangst horen waarom "
                "het langer duurt (AVG art. 12 lid 3)."
            )
        ]
    if timezone.localdate() > locked.due_on:
        errors.setdefault("extended_due_on", []).append(
            _(
                "De eerste termijn is op %(date)s verstreken. Verlengen kon alleen binnen een maand na ontvangst; "
                "beantwoord het verzoek zo snel mogelijk."
            )
            % {"date": _date_text(locked.due_on)}
        )
    if errors:
        raise ValidationError(errors)
    before = snapshot(locked, SAR_FIELDS)
    locked.extended_due_on = extended_due_on
    locked.extension_reason = extension_reason.strip()
    locked.full_clean()
    bump_version(locked)
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        person_id=locked.person_id,
        changes=diff(before, snapshot(locked, SAR_FIELDS)),
    )
    return locked


# --- Legal exceptions ------------------------------------------------------------------------


@restriction_exempt("the privacy officer handling the person's own rights (AVG art. 15-18)")
@transaction.atomic
def sar_exception_add(
    *,
    actor: Actor,
    request: SubjectAccessRequest,
    ground: ExceptionGround | str,
    organisations: Iterable[Organisation],
    note: str = "",
    disclosed: bool = True,
    review_on: dt.date | None = None,
) -> SubjectAccessException:
    """Record a legal exception: the information of `organisations` is withheld from the
    overview on `ground`.

    Args:
        disclosed: whether the overview says that (and why) this information is withheld; off
            only when even saying so would harm the investigation or someone's safety.
        review_on: when to look at it again (say, when the investigation is expected to end).

    Raises:
        PermissionDenied: the actor is not the house's privacy officer.
        ServiceError: the request was provided or rejected already.
        ValidationError: per field, in Dutch: no ground, no organisation, an organisation of
            another house, 'other' without a note, a review date in the past.
    """
    _require_privacy_officer(actor, request.house_id)
    locked = lock_for_update(request, expected_version=None)
    _refuse_closed(locked)
    chosen = list(organisations)
    errors: dict[str, list[str]] = {}
    if str(ground) not in ExceptionGround.values:
        errors["ground"] = [_("Kies de wettelijke grond.")]
    elif ground == ExceptionGround.OTHER and not note.strip():
        errors["note"] = [_("Noem de wettelijke grond en waarom die hier geldt.")]
    if not chosen:
        errors["organisations"] = [_("Kies de organisatie(s) waarvan informatie wordt achtergehouden.")]
    elif any(organisation.house_id != locked.house_id for organisation in chosen):
        errors["organisations"] = [_("Kies alleen organisaties van dit huis.")]
    if review_on is not None and review_on < timezone.localdate():
        errors["review_on"] = [_("De datum om opnieuw te beoordelen ligt in het verleden.")]
    if errors:
        raise ValidationError(errors)
    exception = SubjectAccessException(
        request=locked,
        ground=ground,
        note=note.strip(),
        disclosed=disclosed,
        review_on=review_on,
        created_by=actor.user,
    )
    exception.full_clean()
    exception.save()
    exception.organisations.set(chosen)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=exception,
        person_id=locked.person_id,
        changes={
            **diff({}, snapshot(exception, EXCEPTION_FIELDS)),
            "organisations": [None, sorted(organisation.pk for organisation in chosen)],
        },
    )
    return exception


@restriction_exempt("the privacy officer handling the person's own rights (AVG art. 15-18)")
@transaction.atomic
def sar_exception_lift(*, actor: Actor, exception: SubjectAccessException, lift_note: str) -> SubjectAccessException:
    """End an exception (the investigation closed, the danger passed); the withheld information
    then appears in the overview. The record stays.

    Raises:
        PermissionDenied: the actor is not the house's privacy officer.
        ServiceError: the request was closed, or the exception ended already.
        ValidationError: no reason given.
    """
    request = exception.request
    _require_privacy_officer(actor, request.house_id)
    lock_for_update(request, expected_version=None)
    _refuse_closed(request)
    locked = lock_for_update(exception, expected_version=None)
    if locked.lifted_at is not None:
        raise ServiceError(_("Deze uitzondering is al beëindigd."))
    if not lift_note.strip():
        raise ValidationError({"lift_note": [_("Geef de reden waarom de uitzondering niet meer geldt.")]})
    locked.lifted_at, locked.lifted_by, locked.lift_note = timezone.now(), actor.user, lift_note.strip()
    locked.save(update_fields=["lifted_at", "lifted_by", "lift_note", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        person_id=request.person_id,
        changes={"lifted_at": [None, locked.lifted_at.isoformat()], "lift_note": [None, REDACTED]},
    )
    return locked


# --- Rectification (AVG art. 16) -------------------------------------------------------------


def _apply_corrections(actor: Actor, person: Person, corrections: Mapping[str, Any]) -> dict[str, list[Any]]:
    """Correct the person's registration (names, date of birth) and audit it; returns the diff."""
    unknown = set(corrections) - set(CORRECTABLE_PERSON_FIELDS)
    if unknown:
        raise ValueError(f"not correctable: {sorted(unknown)}")
    locked = lock_for_update(person, expected_version=None)
    values = {name: getattr(locked, name) for name in CORRECTABLE_PERSON_FIELDS}
    values.update({name: value.strip() if isinstance(value, str) else value for name, value in corrections.items()})
    person_validate(
        given_names=values["given_names"], surname=values["surname"], date_of_birth=values["date_of_birth"], bsn=""
    )
    before = snapshot(locked, PERSON_FIELDS)
    for name, value in values.items():
        setattr(locked, name, value)
    changes = diff(before, snapshot(locked, PERSON_FIELDS))
    if not changes:
        return {}
    locked.full_clean()
    bump_version(locked)
    locked.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, person_id=locked.pk, changes=changes)
    return changes


@restriction_exempt("the privacy officer handling the person's own rights (AVG art. 15-18)")
@transaction.atomic
def rectification_note_record(
    *,
    actor: Actor,
    person: Person,
    disputed: str,
    decision: RectificationDecision | str,
    explanation: str = "",
    statement: str = "",
    request: SubjectAccessRequest | None = None,
    corrections: Mapping[str, Any] | None = None,
) -> RectificationNote:
    """Record what the person disputes and what was decided (AVG art. 16).

    Args:
        disputed: what the person says is wrong or incomplete.
        decision: corrected, not corrected, or the person's statement added.
        explanation: what was corrected (by whom), or why not; required for those two.
        statement: the person's supplementary statement; required for 'note added'. It is shown
            wherever the person is shown.
        corrections: for 'corrected' only, new values of the registration's names or date of
            birth, applied here (and audited as a change of the person). Other information is
            corrected by the organisation that contributed it.

    Raises:
        PermissionDenied: the actor is not the house's privacy officer.
        ValidationError: per field, in Dutch.
    """
    _require_privacy_officer(actor, person.house_id)
    if request is not None and request.person_id != person.pk:
        raise ValidationError(_("Dit verzoek gaat over een andere persoon."))
    corrections = {name: value for name, value in (corrections or {}).items() if value not in (None, "")}
    errors: dict[str, list[str]] = {}
    if not disputed.strip():
        errors["disputed"] = [_("Beschrijf wat de betrokkene betwist.")]
    if decision not in RectificationDecision.values:
        errors["decision"] = [_("Kies een besluit.")]
    elif decision == RectificationDecision.CORRECTED and not explanation.strip():
        errors["explanation"] = [_("Beschrijf wat is gecorrigeerd, en door welke organisatie.")]
    elif decision == RectificationDecision.NOT_CORRECTED and not explanation.strip():
        errors["explanation"] = [_("Geef de reden waarom de gegevens niet worden gecorrigeerd.")]
    elif decision == RectificationDecision.NOTE_ADDED and not statement.strip():
        errors["statement"] = [_("Neem de verklaring van de betrokkene op.")]
    if corrections and decision != RectificationDecision.CORRECTED:
        errors.setdefault("decision", []).append(
            _("Nieuwe naam of geboortedatum kan alleen bij het besluit 'gecorrigeerd'.")
        )
    if errors:
        raise ValidationError(errors)
    corrected = _apply_corrections(actor, person, corrections) if corrections else {}
    note = RectificationNote(
        person=person,
        request=request,
        disputed=disputed.strip(),
        decision=decision,
        explanation=explanation.strip(),
        statement=statement.strip() if decision == RectificationDecision.NOTE_ADDED else "",
        recorded_by=actor.user,
        recorded_by_organisation=actor.membership.organisation if actor.membership else None,
    )
    note.full_clean()
    note.save()
    changes = diff({}, snapshot(note, RECTIFICATION_FIELDS))
    if corrected:
        changes["corrected_fields"] = [None, sorted(corrected)]
    audit_record(actor=actor, action=AuditAction.CREATE, obj=note, person_id=person.pk, changes=changes)
    return note


# --- Restriction (AVG art. 18) ---------------------------------------------------------------


@restriction_exempt("the privacy officer handling the person's own rights (AVG art. 15-18)")
@transaction.atomic
def restriction_mark_add(
    *,
    actor: Actor,
    person: Person,
    ground: RestrictionGround | str,
    starts_on: dt.date | None,
    ends_on: dt.date | None = None,
    note: str = "",
    request: SubjectAccessRequest | None = None,
) -> RestrictionMark:
    """Restrict the processing of a person's data (AVG art. 18). While active the person carries
    a 'Verwerking beperkt' mark and the person services refuse new information about them.

    Raises:
        PermissionDenied: the actor is not the house's privacy officer.
        ValidationError: per field, in Dutch: no ground, a start in the past, an end before the
            start, an overlapping active restriction.
    """
    _require_privacy_officer(actor, person.house_id)
    if request is not None and request.person_id != person.pk:
        raise ValidationError(_("Dit verzoek gaat over een andere persoon."))
    lock_for_update(person, expected_version=None)
    errors: dict[str, list[str]] = {}
    today = timezone.localdate()
    if ground not in RestrictionGround.values:
        errors["ground"] = [_("Kies de grond van de beperking.")]
    if starts_on is None:
        errors["starts_on"] = [_("Vul in vanaf wanneer de verwerking beperkt is.")]
    elif starts_on < today:
        errors["starts_on"] = [_("Een beperking kan niet met terugwerkende kracht ingaan; kies vandaag of later.")]
    elif ends_on is not None and ends_on < starts_on:
        errors["ends_on"] = [_("De einddatum ligt vóór de begindatum.")]
    if starts_on is not None and not errors:
        overlapping = RestrictionMark.objects.filter(person=person, lifted_at__isnull=True).exclude(
            ends_on__lt=starts_on
        )
        if ends_on is not None:
            overlapping = overlapping.filter(starts_on__lte=ends_on)
        if overlapping.exists():
            errors["starts_on"] = [
                _(
                    "Er geldt in deze periode al een beperking voor deze persoon. Hef die eerst op of kies een andere periode."
                )
            ]
    if errors:
        raise ValidationError(errors)
    assert starts_on is not None
    mark = RestrictionMark(
        person=person,
        request=request,
        ground=ground,
        note=note.strip(),
        starts_on=starts_on,
        ends_on=ends_on,
        created_by=actor.user,
    )
    mark.full_clean()
    mark.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=mark,
        person_id=person.pk,
        changes=diff({}, snapshot(mark, RESTRICTION_FIELDS)),
    )
    return mark


@restriction_exempt("the privacy officer handling the person's own rights (AVG art. 15-18)")
@transaction.atomic
def restriction_mark_lift(
    *, actor: Actor, mark: RestrictionMark, reason: str, person_informed: bool
) -> RestrictionMark:
    """Lift a restriction before its end date. The person must be told before it is lifted
    (AVG art. 18 lid 3).

    Raises:
        PermissionDenied: the actor is not the house's privacy officer.
        ServiceError: the restriction was lifted already.
        ValidationError: no reason, or the person was not informed.
    """
    _require_privacy_officer(actor, mark.person.house_id)
    locked = lock_for_update(mark, expected_version=None)
    if locked.lifted_at is not None:
        raise ServiceError(_("Deze beperking is al opgeheven."))
    errors: dict[str, list[str]] = {}
    if not reason.strip():
        errors["reason"] = [_("Geef de reden van het opheffen.")]
    if not person_informed:
        errors["person_informed"] = [
            _("Informeer de betrokkene voordat de beperking wordt opgeheven (AVG art. 18 lid 3).")
        ]
    if errors:
        raise ValidationError(errors)
    locked.lifted_at, locked.lifted_by, locked.lift_reason = timezone.now(), actor.user, reason.strip()
    locked.save(update_fields=["lifted_at", "lifted_by", "lift_reason", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        person_id=locked.person_id,
        changes={"lifted_at": [None, locked.lifted_at.isoformat()], "lift_reason": [None, REDACTED]},
    )
    return locked
