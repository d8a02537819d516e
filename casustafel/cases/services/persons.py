"""Writes on persons and their place in referrals: register a person once per house, add
them to a referral after matching, the check op bekendheid, and merging duplicates.

A BSN is validated with the elfproef, stored encrypted and matched through its keyed digest;
audit events record it as '[afgeschermd]'.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction
from casustafel.audit.services import audit_list, audit_record, diff, snapshot
from casustafel.cases.models import CaseParty, LifeDomainProblem, PartyRole, Person, Referral
from casustafel.cases.selectors.persons import (
    KnownCheckResult,
    PartyProposal,
    known_elsewhere,
    may_merge,
    party_details_editable,
    party_proposal,
)
from casustafel.cases.services.referrals import lock_draft, referral_touch, removed
from casustafel.lib.bsn import bsn_digest, encrypt_bsn, validate_bsn
from casustafel.lib.concurrency import bump_version, lock_for_update
from casustafel.lib.errors import ServiceError
from casustafel.organisations.models import Membership, Role, SafetyHouse
from casustafel.privacy.subject_access.restrictions import refuses_restricted, restriction_exempt

EARLIEST_BIRTH_DATE = dt.date(1900, 1, 1)
PERSON_FIELDS = (
    "house",
    "given_names",
    "surname_prefix",
    "surname",
    "date_of_birth",
    "bsn_encrypted",
    "bsn_digest",
    "created_by_organisation",
)
PARTY_FIELDS = ("referral", "person", "role", "note")


def person_validate(*, given_names: str, surname: str, date_of_birth: dt.date | None, bsn: str) -> str:
    """Check the identifying data of a person as typed.

    Returns:
        The normalised BSN ('' when none was given).

    Raises:
        ValidationError: per field, in Dutch: names missing, a birth date in the future or
            before 1900, a BSN that fails the elfproef.
    """
    errors: dict[str, list[str]] = {}
    if not given_names.strip():
        errors["given_names"] = [_("Vul de voornaam of voornamen in.")]
    if not surname.strip():
        errors["surname"] = [_("Vul de achternaam in.")]
    if date_of_birth is not None:
        if date_of_birth > timezone.localdate():
            errors["date_of_birth"] = [_("De geboortedatum ligt in de toekomst. Controleer de datum.")]
        elif date_of_birth < EARLIEST_BIRTH_DATE:
            errors["date_of_birth"] = [_("De geboortedatum ligt vóór 1900. Controleer het jaartal.")]
    normalised = ""
    if bsn.strip():
        try:
            normalised = validate_bsn(bsn)
        except ValidationError as exc:
            errors["bsn"] = exc.messages
    if errors:
        raise ValidationError(errors)
    return normalised


def _refuse_duplicate_bsn(house: SafetyHouse, digest: str, *, exclude_pk: int | None = None) -> None:
    existing = Person.objects.filter(house=house, bsn_digest=digest, merged_into__isnull=True)
    if exclude_pk is not None:
        existing = existing.exclude(pk=exclude_pk)
    if existing.exists():
        # Never which registration: it may be known only to another organisation.
        raise ValidationError(
            {
                "bsn": _(
                    "Er is al een persoon met dit BSN geregistreerd bij het huis. Controleer het BSN; klopt het, "
                    "neem dan contact op met het bureau van het huis."
                )
            }
        )


@restriction_exempt("registers someone new: no mark can exist for them yet")
@transaction.atomic
def person_register(
    *,
    actor: Actor,
    house: SafetyHouse,
    given_names: str,
    surname: str,
    surname_prefix: str = "",
    date_of_birth: dt.date | None = None,
    bsn: str = "",
) -> Person:
    """Register a person in the house, once.

    Args:
        actor: who registers; the person is recorded as registered by their organisation.
        house: the house the person becomes known in.
        given_names, surname_prefix, surname: the name.
        date_of_birth: optional; not in the future, not before 1900.
        bsn: optional; must pass the elfproef and must not be registered in the house already.

    Raises:
        ValidationError: per field, with a Dutch message (a duplicate BSN names the existing
            registration so the user can pick it).
    """
    normalised = person_validate(given_names=given_names, surname=surname, date_of_birth=date_of_birth, bsn=bsn)
    if actor.membership is None:
        raise ServiceError(_("U werkt (nog) niet namens een organisatie en kunt niemand registreren."))
    person = Person(
        house=house,
        given_names=given_names.strip(),
        surname_prefix=surname_prefix.strip(),
        surname=surname.strip(),
        date_of_birth=date_of_birth,
        created_by_organisation=actor.membership.organisation,
    )
    if normalised:
        digest = bsn_digest(normalised)
        _refuse_duplicate_bsn(house, digest)
        person.bsn_digest = digest
        person.bsn_encrypted = encrypt_bsn(normalised)
    person.full_clean()
    person.save()
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=person,
        person_id=person.pk,
        changes=diff({}, snapshot(person, PERSON_FIELDS)),
    )
    return person


@restriction_exempt("stores only whether the person is known elsewhere and whom to call")
@transaction.atomic
def case_party_check_known(*, actor: Actor, party: CaseParty) -> KnownCheckResult:
    """Check op bekendheid: is this person in another active case or open referral of the
    house, and whom should the referrer contact? Stores the answer on the party and logs the
    check. Never reveals which case, nor anything of its content."""
    result = known_elsewhere(party.person, referral=party.referral)
    party.known_checked_at = timezone.now()
    party.known_elsewhere = result.known
    party.known_contact = result.contact_text
    party.save(update_fields=["known_checked_at", "known_elsewhere", "known_contact", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditAction.KNOWN_CHECK,
        obj=party,
        person_id=party.person_id,
        changes={"known_elsewhere": [None, result.known]},
    )
    return result


def _already_in_referral(referral: Referral, person: Person) -> CaseParty | None:
    return CaseParty.objects.filter(referral=referral, person=person).first()


def _refuse_twice(party: CaseParty) -> None:
    raise ValidationError(
        _("%(person)s staat al in deze aanmelding (als %(role)s). Een persoon kan maar één keer worden toegevoegd.")
        % {"person": party.person.full_name, "role": party.get_role_display().lower()}
    )


@refuses_restricted(lambda party, arguments: [(party.person_id, None)])
@transaction.atomic
def case_party_add(
    *,
    actor: Actor,
    referral: Referral,
    person: Person,
    role: PartyRole | str,
    note: str = "",
    bsn_given: bool = False,
) -> CaseParty:
    """Add a registered person to a draft referral in a role, then run the check op bekendheid.

    `bsn_given`: the referrer typed the person's BSN (only then does the referral show it).

    Raises:
        ServiceError: the referral is no longer a draft.
        ValidationError: the person is in the referral already, is of another house, or was
            merged into another registration.
    """
    locked = lock_draft(referral)
    if person.house_id != locked.house_id or person.merged_into_id is not None:
        raise ValidationError(_("Deze persoon kan niet aan deze aanmelding worden toegevoegd."))
    existing = _already_in_referral(locked, person)
    if existing is not None:
        _refuse_twice(existing)
    party = CaseParty(referral=locked, person=person, role=role, note=note.strip(), bsn_given=bsn_given)
    party.full_clean()
    party.save()
    referral_touch(locked)
    audit_record(
        actor=actor,
        action=AuditAction.CREATE,
        obj=party,
        person_id=person.pk,
        changes=diff({}, snapshot(party, PARTY_FIELDS)),
    )
    case_party_check_known(actor=actor, party=party)
    return party


@restriction_exempt("takes a person out of a draft")
@transaction.atomic
def case_party_remove(*, actor: Actor, party: CaseParty) -> None:
    """Remove a person from a draft referral (the person's registration stays).

    Raises:
        ValidationError: a problem per life domain still concerns this person.
    """
    locked = lock_draft(party.referral)
    if LifeDomainProblem.objects.filter(referral=party.referral_id, person=party.person_id).exists():
        raise ValidationError(
            _(
                "Er staat nog een probleem per leefgebied op naam van deze persoon. Verwijder eerst dat probleem, "
                "of voeg het opnieuw toe zonder deze persoon."
            )
        )
    audit_record(
        actor=actor,
        action=AuditAction.DELETE,
        obj=party,
        person_id=party.person_id,
        changes=removed(snapshot(party, PARTY_FIELDS)),
    )
    party.delete()
    referral_touch(locked)


@dataclass
class PartyAddOutcome:
    """The result of adding a person as typed: either the new party, or the registration the
    referrer must decide about first ("use this registered person" or "register as new"),
    with nothing saved."""

    party: CaseParty | None = None
    proposal: PartyProposal | None = None


def _complete_person(actor: Actor, person: Person, *, date_of_birth: dt.date | None, bsn: str) -> None:
    """Fill in what the chosen existing registration lacks; refuse a contradicting BSN."""
    updates: dict[str, object] = {}
    if bsn:
        digest = bsn_digest(bsn)
        if person.bsn_digest and person.bsn_digest != digest:
            raise ValidationError(
                {
                    "bsn": _(
                        "De gekozen persoon heeft een ander BSN dan u invulde. Controleer het BSN, of registreer "
                        "een nieuwe persoon."
                    )
                }
            )
        if not person.bsn_digest:
            _refuse_duplicate_bsn(person.house, digest, exclude_pk=person.pk)
            updates.update(bsn_digest=digest, bsn_encrypted=encrypt_bsn(bsn))
    if date_of_birth and not person.date_of_birth:
        updates["date_of_birth"] = date_of_birth
    if not updates:
        return
    locked = lock_for_update(person, expected_version=None)
    before = snapshot(locked, PERSON_FIELDS)
    for name, value in updates.items():
        setattr(locked, name, value)
    locked.full_clean()
    bump_version(locked)
    locked.save()
    audit_record(
        actor=actor,
        action=AuditAction.UPDATE,
        obj=locked,
        person_id=locked.pk,
        changes=diff(before, snapshot(locked, PERSON_FIELDS)),
    )


@refuses_restricted(lambda outcome, arguments: [(outcome.party.person_id if outcome.party else None, None)])
@transaction.atomic
def case_party_add_person(
    *,
    actor: Actor,
    referral: Referral,
    given_names: str,
    surname: str,
    role: PartyRole | str,
    surname_prefix: str = "",
    date_of_birth: dt.date | None = None,
    bsn: str = "",
    note: str = "",
    chosen_person_id: int | None = None,
    register_new: bool = False,
) -> PartyAddOutcome:
    """Add a person as typed by the professional, matching against the house's registrations
    (`party_proposal`: on the BSN, or on first given name, surname and birth date all equal).

    Without a choice, a registration that matches is proposed and nothing is saved. With
    `chosen_person_id` (the proposal for this very input) that person is added; with
    `register_new` a new person is registered and added.

    Raises:
        ValidationError: invalid person data; the person is in this referral already; the
            chosen person is not the proposal for what was typed; or the typed details belong
            to a registration that is not proposed (then only the house office's contact).
    """
    normalised_bsn = person_validate(given_names=given_names, surname=surname, date_of_birth=date_of_birth, bsn=bsn)
    lock_draft(referral)
    proposal = party_proposal(
        house=referral.house,
        organisation_id=referral.referring_organisation_id,
        given_names=given_names,
        surname_prefix=surname_prefix,
        surname=surname,
        date_of_birth=date_of_birth,
        bsn=normalised_bsn,
    )
    if proposal.contact_only:
        message = _(
            "Deze persoon kan niet zonder overleg met het huis worden toegevoegd. Neem contact op met: %(contact)s"
        ) % {"contact": proposal.contact}
        raise ValidationError({"bsn": message} if normalised_bsn else message)
    proposed = proposal.person
    if proposed is not None:
        existing = _already_in_referral(referral, proposed)
        if existing is not None:
            _refuse_twice(existing)
    if chosen_person_id is not None:
        if proposed is None or proposed.pk != chosen_person_id:
            # Only the proposal for this very input may be picked: never any person by id.
            raise ValidationError(_("De gekozen persoon past niet bij de ingevulde gegevens. Kies opnieuw."))
        _complete_person(actor, proposed, date_of_birth=date_of_birth, bsn=normalised_bsn)
        party = case_party_add(
            actor=actor, referral=referral, person=proposed, role=role, note=note, bsn_given=bool(normalised_bsn)
        )
        return PartyAddOutcome(party=party)
    if proposed is not None and not register_new:
        # One search event on the referral linking every proposed person (AuditSubject), so the
        # person's subject-access overview shows who was shown their registration.
        audit_list(
            actor=actor,
            action=AuditAction.SEARCH,
            obj=referral,
            person_ids=[proposed.pk],
            changes={"criteria": [None, "bsn" if proposal.by_bsn else "name_and_date_of_birth"]},
        )
        return PartyAddOutcome(proposal=proposal)
    person = person_register(
        actor=actor,
        house=referral.house,
        given_names=given_names,
        surname_prefix=surname_prefix,
        surname=surname,
        date_of_birth=date_of_birth,
        bsn=normalised_bsn,
    )
    party = case_party_add(
        actor=actor, referral=referral, person=person, role=role, note=note, bsn_given=bool(normalised_bsn)
    )
    return PartyAddOutcome(party=party)


@dataclass(frozen=True)
class PersonDetails:
    """A person's identifying details as typed in the edit form. An empty `bsn` keeps the one
    stored (the form never shows it in full)."""

    given_names: str
    surname: str
    surname_prefix: str = ""
    date_of_birth: dt.date | None = None
    bsn: str = ""


@refuses_restricted(lambda party, arguments: [(party.person_id, None)])
@transaction.atomic
def case_party_update(
    *,
    actor: Actor,
    party: CaseParty,
    expected_version: int | None,
    role: PartyRole | str,
    note: str = "",
    details: PersonDetails | None = None,
) -> CaseParty:
    """Change a person's role and note in a draft referral, and (for a registration only this
    referral uses, see `party_details_editable`) their details. The problems on their name stay.

    Raises:
        ConflictError: someone saved this person in the referral after the form was loaded.
        ServiceError: the referral is no longer a draft, or the person's processing is restricted.
        ValidationError: invalid details (per field, in Dutch), or details of a shared registration.
    """
    locked_referral = lock_draft(party.referral)
    locked = lock_for_update(party, expected_version=expected_version)
    before = snapshot(locked, PARTY_FIELDS)
    locked.role = role
    locked.note = note.strip()
    locked.full_clean()
    if details is not None:
        locked.person = party.person
        locked.referral = party.referral
        _person_details_update(actor, locked, details)
    changes = diff(before, snapshot(locked, PARTY_FIELDS))
    if changes or details is not None:
        bump_version(locked)
        locked.save()
        referral_touch(locked_referral)
    if changes:
        audit_record(actor=actor, action=AuditAction.UPDATE, obj=locked, person_id=locked.person_id, changes=changes)
    return locked


def _person_details_update(actor: Actor, party: CaseParty, details: PersonDetails) -> None:
    normalised = person_validate(
        given_names=details.given_names,
        surname=details.surname,
        date_of_birth=details.date_of_birth,
        bsn=details.bsn,
    )
    if not party_details_editable(party):
        raise ValidationError(
            _(
                "Deze persoon was al bij het huis geregistreerd; naam, geboortedatum en BSN wijzigt u hier niet. "
                "Rol en toelichting kunt u wel wijzigen."
            )
        )
    person = lock_for_update(party.person, expected_version=None)
    before = snapshot(person, PERSON_FIELDS)
    person.given_names = details.given_names.strip()
    person.surname_prefix = details.surname_prefix.strip()
    person.surname = details.surname.strip()
    person.date_of_birth = details.date_of_birth
    if normalised:
        digest = bsn_digest(normalised)
        if digest != person.bsn_digest:
            _refuse_duplicate_bsn(person.house, digest, exclude_pk=person.pk)
            person.bsn_digest, person.bsn_encrypted = digest, encrypt_bsn(normalised)
        party.bsn_given = True
    person.full_clean()
    changes = diff(before, snapshot(person, PERSON_FIELDS))
    if not changes:
        return
    bump_version(person)
    person.save()
    audit_record(actor=actor, action=AuditAction.UPDATE, obj=person, person_id=person.pk, changes=changes)


def not_the_same_person_message() -> str:
    return _(
        "Alleen registraties met dezelfde achternaam of hetzelfde BSN kunnen worden samengevoegd. Zoek de "
        "dubbele registratie op BSN, of op voornamen, achternaam en geboortedatum."
    )


def _is_administrator_of(actor: Actor, house_id: int) -> bool:
    if actor.user is None:
        return False
    return (
        Membership.objects.active()
        .filter(user=actor.user, role=Role.ADMINISTRATOR, organisation__house=house_id)
        .exists()
    )


@refuses_restricted(lambda keep, arguments: [(keep.pk, None), (arguments["duplicate"].pk, None)])
@transaction.atomic
def person_merge(
    *,
    actor: Actor,
    keep: Person,
    duplicate: Person,
    keep_version: int | None = None,
    duplicate_version: int | None = None,
) -> Person:
    """Merge a duplicate registration into the one that stays.

    The duplicate's places in referrals and its problems move to `keep` (where both were in
    one referral, `keep`'s place stays); what `keep` lacks (birth date, BSN) is taken over;
    the duplicate keeps existing, pointing to `keep` through `merged_into`, so old audit
    events still resolve. Both persons get a MERGE audit event.

    Raises:
        PermissionDenied: the actor is no administrator of the persons' house.
        ConflictError: either person changed since the confirmation page was loaded.
        ValidationError: the same person twice, different houses, an earlier merge, or two
            different BSNs (then they are two people).
    """
    if keep.pk == duplicate.pk:
        raise ValidationError(_("Kies twee verschillende registraties."))
    if keep.house_id != duplicate.house_id:
        raise ValidationError(
            _("Alleen registraties in hetzelfde Zorg- en Veiligheidshuis kunnen worden samengevoegd.")
        )
    if not _is_administrator_of(actor, keep.house_id):
        raise PermissionDenied
    keep = lock_for_update(keep, expected_version=keep_version)
    duplicate = lock_for_update(duplicate, expected_version=duplicate_version)
    if keep.merged_into_id is not None or duplicate.merged_into_id is not None:
        raise ValidationError(_("Een van deze registraties is al samengevoegd met een andere."))
    if keep.bsn_digest and duplicate.bsn_digest and keep.bsn_digest != duplicate.bsn_digest:
        raise ValidationError(
            _("Deze registraties hebben een verschillend BSN: het zijn twee verschillende mensen. Niet samengevoegd.")
        )
    if not may_merge(keep, duplicate):
        raise ValidationError(not_the_same_person_message())
    keep_referrals = set(CaseParty.objects.filter(person=keep).values_list("referral_id", flat=True))
    moved, dropped = 0, 0
    for party in CaseParty.objects.filter(person=duplicate).select_related("referral"):
        if party.referral_id in keep_referrals:
            audit_record(
                actor=actor,
                action=AuditAction.DELETE,
                obj=party,
                person_id=duplicate.pk,
                changes=removed(snapshot(party, PARTY_FIELDS)),
            )
            party.delete()
            dropped += 1
        else:
            party.person = keep
            party.save(update_fields=["person", "updated_at"])
            moved += 1
    problems = 0
    for problem in LifeDomainProblem.objects.filter(person=duplicate):
        problem.person = keep
        problem.save(update_fields=["person", "updated_at"])
        problems += 1
    before_keep = snapshot(keep, PERSON_FIELDS)
    if keep.date_of_birth is None and duplicate.date_of_birth is not None:
        keep.date_of_birth = duplicate.date_of_birth
    if not keep.bsn_digest and duplicate.bsn_digest:
        keep.bsn_digest, keep.bsn_encrypted = duplicate.bsn_digest, duplicate.bsn_encrypted
    # The duplicate gives up its BSN: one number belongs to one registration in the house.
    duplicate.bsn_digest, duplicate.bsn_encrypted = "", ""
    duplicate.merged_into = keep
    bump_version(duplicate)
    duplicate.save()
    keep.full_clean()
    bump_version(keep)
    keep.save()
    audit_record(
        actor=actor,
        action=AuditAction.MERGE,
        obj=keep,
        person_id=keep.pk,
        changes={
            **diff(before_keep, snapshot(keep, PERSON_FIELDS)),
            "merged_from": [None, duplicate.pk],
            "parties_moved": [None, moved],
            "parties_dropped": [None, dropped],
            "problems_moved": [None, problems],
        },
    )
    audit_record(
        actor=actor,
        action=AuditAction.MERGE,
        obj=duplicate,
        person_id=duplicate.pk,
        changes={"merged_into": [None, keep.pk]},
    )
    return keep
