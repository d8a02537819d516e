"""Reads on persons: matching on name, date of birth and BSN; the check op bekendheid; the
administrator's list of possible duplicates. Person details are only ever shown in the
context of a referral the user can see (see `get_party_for_user`) or to an administrator of
the person's house for merging."""

from __future__ import annotations

import datetime as dt
import unicodedata
from dataclasses import dataclass, field

from django.db.models import Count, Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Lower
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from casustafel.accounts.models import User
from casustafel.accounts.types import AnyUser
from casustafel.cases.models import (
    OPEN_REFERRAL_STATUSES,
    Case,
    CaseParty,
    Person,
    Referral,
    ReferralStatus,
)
from casustafel.cases.selectors.referrals import referral_page_queryset
from casustafel.lib.bsn import bsn_digest, decrypt_bsn, mask_bsn, normalise_bsn
from casustafel.organisations.models import Organisation, SafetyHouse, administered_houses
from casustafel.privacy.subject_access.restrictions import is_restricted, restricted_person_ids

MATCH_LIMIT = 10
# Persons born on one day in one house are few; this bound only guards against bad data.
MATCH_SCAN_LIMIT = 200


def normalise_name(value: str) -> str:
    """Lower case, accents and punctuation removed, single spaces: 'Ëlif  van-Dijk' -> 'elif van dijk'."""
    decomposed = unicodedata.normalize("NFKD", value)
    letters = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    cleaned = "".join(ch if ch.isalnum() else " " for ch in letters.casefold())
    return " ".join(cleaned.split())


def surname_key(surname_prefix: str, surname: str) -> str:
    """'van den' + 'Berg', '' + 'Van den Berg' and 'vandenberg' all give 'vandenberg'."""
    return normalise_name(f"{surname_prefix} {surname}").replace(" ", "")


def first_name_key(given_names: str) -> str:
    parts = normalise_name(given_names).split()
    return parts[0] if parts else ""


@dataclass(frozen=True)
class PersonMatch:
    """A proposed existing person and why they were proposed.

    Args:
        person: the existing registration.
        by_bsn: the BSN digest is equal (the strongest match).
        by_name: first given name and surname are equal after normalising, and the date of
            birth too when both have one.
    """

    person: Person
    by_bsn: bool = False
    by_name: bool = False

    @property
    def strong(self) -> bool:
        return self.by_bsn or self.by_name


def person_match(
    *,
    house: SafetyHouse,
    given_names: str,
    surname_prefix: str = "",
    surname: str,
    date_of_birth: dt.date | None,
    bsn: str = "",
) -> list[PersonMatch]:
    """Existing persons of the house who may be the person being entered.

    Matches on the BSN digest (when a BSN is given), and on normalised surname with the same
    date of birth (or, without a date of birth, on normalised surname and first given name).
    Merged-away duplicates are never proposed.

    Args:
        house: only persons of this house are searched.
        given_names, surname_prefix, surname: as typed.
        date_of_birth: as typed, if known.
        bsn: as typed (normalised here); empty when unknown.

    Returns:
        At most `MATCH_LIMIT` matches, BSN matches first, then name matches, then persons with
        only the same surname and date of birth.
    """
    base = Person.objects.filter(house=house, merged_into__isnull=True).select_related("created_by_organisation")
    found: dict[int, PersonMatch] = {}
    normalised_bsn = normalise_bsn(bsn) if bsn else ""
    if normalised_bsn:
        for person in base.filter(bsn_digest=bsn_digest(normalised_bsn))[:MATCH_LIMIT]:
            found[person.pk] = PersonMatch(person=person, by_bsn=True)
    wanted_surname = surname_key(surname_prefix, surname)
    wanted_first = first_name_key(given_names)
    if date_of_birth is not None:
        candidates = base.filter(date_of_birth=date_of_birth)
    else:
        # Without a birth date only an exact (case-insensitive) surname narrows the scan.
        candidates = base.filter(surname__iexact=surname.strip())
    for person in candidates[:MATCH_SCAN_LIMIT]:
        if surname_key(person.surname_prefix, person.surname) != wanted_surname:
            continue
        same_first = first_name_key(person.given_names) == wanted_first
        if date_of_birth is None and not same_first:
            continue
        previous = found.get(person.pk)
        found[person.pk] = PersonMatch(person=person, by_bsn=bool(previous and previous.by_bsn), by_name=same_first)
    ordered = sorted(found.values(), key=lambda m: (not m.by_bsn, not m.by_name, m.person.pk))
    return ordered[:MATCH_LIMIT]


@dataclass(frozen=True)
class PartyProposal:
    """What adding a person to a draft referral may answer before anything is saved.

    Args:
        person: the registration the referrer may choose ("use this registered person"), or
            None. Only ever shown as "a person with these details is already registered":
            never its name, birth date, BSN or registering organisation beyond what was typed.
        by_bsn: proposed on the BSN (the typed name agrees with the registration's).
        contact_only: the typed BSN or name and birth date belong to a registration that must
            not be proposed (a restricted person, a person known only from another
            organisation's draft, or a BSN registered with another name). The answer is then
            the house office's contact and nothing else, as the known check gives.
    """

    person: Person | None = None
    by_bsn: bool = False
    contact_only: bool = False
    contact: str = ""


def _known_to(organisation_id: int) -> Q:
    """Persons the house may propose to a referrer of `organisation_id`: party to a referral the
    house has received (submitted, not destroyed), or to one of the organisation's own, or
    registered by the organisation itself. Never persons known only from another
    organisation's unsubmitted draft."""
    received = CaseParty.objects.filter(person=OuterRef("pk"), referral__destroyed_at__isnull=True).filter(
        ~Q(referral__status=ReferralStatus.DRAFT) | Q(referral__referring_organisation=organisation_id)
    )
    return Q(created_by_organisation=organisation_id) | Q(Exists(received))


def party_proposal(
    *,
    house: SafetyHouse,
    organisation_id: int,
    given_names: str,
    surname_prefix: str = "",
    surname: str,
    date_of_birth: dt.date | None,
    bsn: str = "",
) -> PartyProposal:
    """The registration (if any) to propose when a referrer types a person into a draft.

    Proposed only on the BSN (with the typed surname and first given name agreeing, and the
    birth date when both have one), or on first given name, surname and birth date all typed and
    equal. Never on a surname alone, never a person known only from another organisation's
    draft (`_known_to`), never a person under a processing restriction.

    Args:
        house: only persons of this house.
        organisation_id: the referring organisation (its own drafts count as known).
        given_names, surname_prefix, surname, date_of_birth, bsn: as typed (bsn normalised).
    """
    base = Person.objects.filter(house=house, merged_into__isnull=True)
    wanted_surname = surname_key(surname_prefix, surname)
    wanted_first = first_name_key(given_names)

    def same_name(person: Person) -> bool:
        dates_agree = date_of_birth is None or person.date_of_birth in (None, date_of_birth)
        return (
            surname_key(person.surname_prefix, person.surname) == wanted_surname
            and first_name_key(person.given_names) == wanted_first
            and dates_agree
        )

    candidates: list[tuple[Person, bool]] = []
    if bsn:
        holder = base.filter(bsn_digest=bsn_digest(bsn)).order_by("pk").first()
        if holder is not None:
            if not same_name(holder):
                return PartyProposal(contact_only=True, contact=house_office_contact(house))
            candidates.append((holder, True))
    if date_of_birth is not None:
        for person in base.filter(date_of_birth=date_of_birth).order_by("pk")[:MATCH_SCAN_LIMIT]:
            # A registration with another BSN than the one typed is another person.
            other_bsn = bool(bsn and person.bsn_digest and person.bsn_digest != bsn_digest(bsn))
            if same_name(person) and not other_bsn and all(p.pk != person.pk for p, _ in candidates):
                candidates.append((person, False))
    if not candidates:
        return PartyProposal()
    known = set(
        base.filter(pk__in=[p.pk for p, _ in candidates])
        .filter(_known_to(organisation_id))
        .values_list("pk", flat=True)
    )
    restricted = restricted_person_ids(p.pk for p, _ in candidates)
    for person, by_bsn in candidates:
        if person.pk in restricted or (by_bsn and person.pk not in known):
            # The BSN cannot be registered twice, and a restricted person gets nothing new: the
            # referrer is sent to the house office, as the known check would.
            return PartyProposal(contact_only=True, contact=house_office_contact(house))
        if person.pk in known:
            return PartyProposal(person=person, by_bsn=by_bsn)
    # Same name and birth date, but known only from another organisation's draft: nothing is
    # said, and the referrer registers the person anew (the administrator merges duplicates).
    return PartyProposal()


def persons_editable_in(referral: Referral) -> set[int]:
    """The persons of `referral` whose details it may change (one query): registered by its
    own organisation and party to no other referral. A registration the house already knew
    is shared; correcting it here would change what other referrals and cases say."""
    elsewhere = CaseParty.objects.filter(person=OuterRef("person")).exclude(referral=referral.pk)
    return set(
        CaseParty.objects.filter(
            referral=referral.pk, person__created_by_organisation=referral.referring_organisation_id
        )
        .exclude(Exists(elsewhere))
        .values_list("person_id", flat=True)
    )


def party_details_editable(party: CaseParty) -> bool:
    return party.person_id in persons_editable_in(party.referral)


def person_bsn_masked(person: Person) -> str:
    """The BSN with all but the last three digits hidden, or '' when none is stored."""
    return mask_bsn(decrypt_bsn(person.bsn_encrypted))


def get_party_for_user(user: AnyUser, referral_pk: int, party_pk: int) -> CaseParty:
    """A party (person in a referral) of a referral the user can see; 404 otherwise. This is
    the only way a person's details reach a referral page user."""
    referral = get_object_or_404(referral_page_queryset(user), pk=referral_pk)
    party = get_object_or_404(referral.parties.all(), pk=party_pk)
    # Reuse the loaded referral (with its prefetches) instead of a second query.
    party.referral = referral
    return party


@dataclass
class KnownCheckResult:
    """The whole answer of a check op bekendheid: yes/no and whom to contact. Deliberately
    nothing about the other case: no id, no content, no role."""

    known: bool
    contacts: list[str] = field(default_factory=list)

    @property
    def contact_text(self) -> str:
        return "; ".join(self.contacts)[:300]


def _user_contact(user: User) -> str:
    parts = [f"{user.full_name} ({_('procesregisseur')})", user.email, getattr(user, "phone", "")]
    return ", ".join(part for part in parts if part)


def house_office_contact(house: SafetyHouse) -> str:
    office = Organisation.objects.filter(house=house, is_house_office=True, is_active=True).order_by("pk").first()
    name = office.name if office else house.name
    email = (office.contact_email if office else "") or house.contact_email
    phone = (office.contact_phone if office else "") or house.contact_phone
    return ", ".join(part for part in (name, email, phone) if part)


def known_elsewhere(person: Person, *, referral: Referral) -> KnownCheckResult:
    """Whether `person` is party to another active case or another open referral of the house.

    Args:
        person: the person checked.
        referral: the referral the check is made from; it (and its own case) does not count.
    """
    other_referrals = CaseParty.objects.filter(person=person).exclude(referral=referral).values("referral")
    directors = (
        User.objects.filter(
            pk__in=Case.objects.active()
            .filter(house=person.house_id, referral__in=other_referrals)
            .values("process_director")
        )
        .order_by("full_name")
        .distinct()
    )
    contacts = [_user_contact(director) for director in directors[:3]]
    open_without_case = Referral.objects.filter(
        pk__in=other_referrals, house=person.house_id, status__in=OPEN_REFERRAL_STATUSES, case__isnull=True
    ).exists()
    if open_without_case:
        contacts.append(house_office_contact(person.house))
    if contacts and is_restricted(person.pk):
        # Under a processing restriction even the case's process director is not named: the
        # house office decides what may be shared.
        contacts = [house_office_contact(person.house)]
    return KnownCheckResult(known=bool(contacts), contacts=contacts)


def persons_administered_by(user: AnyUser) -> QuerySet[Person]:
    """Persons of the houses the user administers (for merging duplicates only)."""
    if not user.is_authenticated:
        return Person.objects.none()
    return Person.objects.filter(house__in=administered_houses(user), merged_into__isnull=True)


def get_person_for_administrator(user: AnyUser, pk: int) -> Person:
    return get_object_or_404(
        persons_administered_by(user).annotate(referral_count=Count("parties", distinct=True)),
        pk=pk,
    )


def possible_duplicates(user: AnyUser, *, limit: int = 50) -> list[Person]:
    """Persons an administrator may merge: those sharing surname and date of birth with
    another registration of the house.

    Args:
        user: the administrator.
        limit: the most persons returned (the page stays bounded).
    """
    persons = persons_administered_by(user).annotate(surname_lower=Lower("surname"))
    groups = list(
        persons.exclude(date_of_birth__isnull=True)
        .values("house", "surname_lower", "date_of_birth")
        .annotate(count=Count("pk"))
        .filter(count__gt=1)
        .order_by("surname_lower", "date_of_birth")[:limit]
    )
    if not groups:
        return []
    condition = Q()
    for group in groups:
        condition |= Q(house=group["house"], surname_lower=group["surname_lower"], date_of_birth=group["date_of_birth"])
    return list(
        persons.filter(condition)
        .annotate(referral_count=Count("parties", distinct=True))
        .order_by("surname_lower", "date_of_birth", "given_names", "pk")[:limit]
    )


def persons_for_merging(
    user: AnyUser,
    *,
    bsn: str = "",
    given_names: str = "",
    surname_prefix: str = "",
    surname: str = "",
    date_of_birth: dt.date | None = None,
) -> list[Person]:
    """The administrator's search for a duplicate the automatic list misses (issue 7, point 2).

    Only what merging needs: the registrations with exactly this BSN, or with exactly these
    given names, surname and date of birth (after normalising case, accents and spacing).
    Never a part of a name: an administrator has no need-to-know for the people in the cases,
    only for the registrations of someone whose details they already have.
    """
    persons: QuerySet[Person] = persons_administered_by(user).annotate(referral_count=Count("parties", distinct=True))
    if bsn:
        return list(persons.filter(bsn_digest=bsn_digest(normalise_bsn(bsn))).order_by("pk")[:MATCH_LIMIT])
    wanted = (normalise_name(given_names), surname_key(surname_prefix, surname))
    candidates = persons.filter(date_of_birth=date_of_birth).order_by("pk")[:MATCH_SCAN_LIMIT]
    return [
        person
        for person in candidates
        if (normalise_name(person.given_names), surname_key(person.surname_prefix, person.surname)) == wanted
    ][:MATCH_LIMIT]


def may_merge(keep: Person, duplicate: Person) -> bool:
    """Whether two registrations can be the same person as far as merging goes: the same BSN,
    or the same surname (normalised). Keeps the comparison page from opening any two
    registrations by number."""
    if keep.bsn_digest and keep.bsn_digest == duplicate.bsn_digest:
        return True
    return surname_key(keep.surname_prefix, keep.surname) == surname_key(duplicate.surname_prefix, duplicate.surname)
