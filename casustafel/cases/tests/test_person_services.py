"""Person services: registering once per house, matching, adding to a referral, the check op
bekendheid, and merging duplicates."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import CaseParty, CaseStatus, PartyRole, Person, ReferralStatus
from casustafel.cases.selectors.persons import person_match
from casustafel.cases.services.persons import (
    case_party_add,
    case_party_add_person,
    case_party_check_known,
    case_party_remove,
    person_merge,
    person_register,
)
from casustafel.cases.services.referrals import life_domain_problem_add
from casustafel.lib.bsn import bsn_digest, decrypt_bsn
from casustafel.lib.errors import ConflictError, ServiceError
from casustafel.testing.cases import CaseFactory, CasePartyFactory, LifeDomainProblemFactory, PersonFactory
from casustafel.testing.factories import SafetyHouseFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import ReferralSetting, actor_for, referral_of, referral_setting

pytestmark = pytest.mark.django_db

VALID_BSN = "111222333"
OTHER_VALID_BSN = "123456782"
THIRD_VALID_BSN = "232262536"
BIRTH = dt.date(1984, 6, 2)


@pytest.fixture
def setting(personas: Personas) -> ReferralSetting:
    return referral_setting(personas)


def _known(personas: Personas, **person: object) -> Person:
    """A person the house knows: party to a referral another organisation submitted."""
    party = CasePartyFactory(
        referral__referring_organisation=personas.org_b,
        referral__submitted=True,
        person__house=personas.house,
        **{f"person__{key}": value for key, value in person.items()},
    )
    return party.person


def _register(personas: Personas, **kwargs: object) -> Person:
    values: dict[str, object] = {"given_names": "Sanne", "surname": "de Vries", "date_of_birth": BIRTH}
    values.update(kwargs)
    return person_register(actor=actor_for(personas, "professional_a"), house=personas.house, **values)  # type: ignore[arg-type]


# Registering


def test_register_stores_the_bsn_encrypted_with_a_digest_and_audits_it_redacted(personas: Personas) -> None:
    person = _register(personas, bsn="1112 22 333")
    assert person.bsn_encrypted and VALID_BSN not in person.bsn_encrypted
    assert decrypt_bsn(person.bsn_encrypted) == VALID_BSN
    assert person.bsn_digest == bsn_digest(VALID_BSN)
    assert person.created_by_organisation == personas.org_a
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="cases.person")
    assert event.person_id == person.pk
    assert event.changes["bsn_encrypted"] == [None, "[afgeschermd]"]
    assert VALID_BSN not in str(event.changes)


@pytest.mark.parametrize(
    ("values", "field", "message"),
    [
        ({"given_names": " "}, "given_names", "Vul de voornaam"),
        ({"surname": ""}, "surname", "Vul de achternaam"),
        ({"date_of_birth": dt.date.today() + dt.timedelta(days=1)}, "date_of_birth", "in de toekomst"),
        ({"date_of_birth": dt.date(1899, 12, 31)}, "date_of_birth", "vóór 1900"),
        ({"bsn": "123456789"}, "bsn", "elfproef"),
        ({"bsn": "12345"}, "bsn", "9 cijfers"),
    ],
)
def test_register_refuses_bad_person_data_in_dutch(
    personas: Personas, values: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ValidationError) as exc:
        _register(personas, **values)
    assert message in " ".join(exc.value.error_dict[field][0].messages)
    assert not Person.objects.exists()


def test_birth_date_today_and_unknown_are_accepted(personas: Personas) -> None:
    assert _register(personas, date_of_birth=timezone.localdate()).pk
    assert _register(personas, given_names="Piet", date_of_birth=None).date_of_birth is None


def test_duplicate_bsn_in_the_house_is_refused_without_naming_the_registration(personas: Personas) -> None:
    _register(personas, bsn=VALID_BSN)
    with pytest.raises(ValidationError) as exc:
        _register(personas, given_names="S.", surname="Vries", bsn=VALID_BSN)
    message = exc.value.error_dict["bsn"][0].messages[0]
    assert "Er is al een persoon met dit BSN geregistreerd bij het huis" in message
    assert "Sanne" not in message and "1984" not in message
    assert Person.objects.count() == 1


def test_same_bsn_in_another_house_is_a_separate_registration(personas: Personas) -> None:
    _register(personas, bsn=VALID_BSN)
    elsewhere = SafetyHouseFactory(name="Elders")
    other = person_register(
        actor=actor_for(personas, "professional_a"),
        house=elsewhere,
        given_names="Sanne",
        surname="Vries",
        bsn=VALID_BSN,
    )
    assert other.house == elsewhere


# Matching


def test_match_on_normalised_name_and_birth_date(personas: Personas) -> None:
    existing = PersonFactory(
        house=personas.house, given_names="Éva Maria", surname_prefix="van den", surname="Berg", date_of_birth=BIRTH
    )
    [match] = person_match(house=personas.house, given_names="eva", surname="Van Den Berg", date_of_birth=BIRTH, bsn="")
    assert match.person == existing and match.by_name and not match.by_bsn


def test_match_on_bsn_even_with_another_name(personas: Personas) -> None:
    existing = PersonFactory(house=personas.house, given_names="Mohamed", surname="El Amrani", with_bsn=VALID_BSN)
    [match] = person_match(
        house=personas.house, given_names="Mohammed", surname="Amrani", date_of_birth=None, bsn=VALID_BSN
    )
    assert match.person == existing and match.by_bsn


def test_same_surname_and_birth_date_is_proposed_as_a_weaker_match(personas: Personas) -> None:
    twin = PersonFactory(house=personas.house, given_names="Lotte", surname="Bakker", date_of_birth=BIRTH)
    [match] = person_match(house=personas.house, given_names="Lieke", surname="Bakker", date_of_birth=BIRTH, bsn="")
    assert match.person == twin and not match.strong


def test_no_match_across_houses_other_birth_dates_or_merged_registrations(personas: Personas) -> None:
    keep = PersonFactory(house=personas.house, given_names="Sanne", surname="Vries", date_of_birth=BIRTH)
    PersonFactory(house=personas.house, given_names="Sanne", surname="Vries", date_of_birth=BIRTH, merged_into=keep)
    PersonFactory(house=SafetyHouseFactory(name="Elders"), given_names="Sanne", surname="Vries", date_of_birth=BIRTH)
    PersonFactory(house=personas.house, given_names="Sanne", surname="Vries", date_of_birth=dt.date(1990, 1, 1))
    matches = person_match(house=personas.house, given_names="Sanne", surname="Vries", date_of_birth=BIRTH, bsn="")
    assert [m.person for m in matches] == [keep]


def test_without_birth_date_only_same_first_name_and_surname_match(personas: Personas) -> None:
    jan = PersonFactory(house=personas.house, given_names="Jan Pieter", surname="Smit")
    PersonFactory(house=personas.house, given_names="Kees", surname="Smit")
    matches = person_match(house=personas.house, given_names="Jan", surname="smit", date_of_birth=None, bsn="")
    assert [m.person for m in matches] == [jan]


# Adding to a referral


def test_new_person_without_matches_is_registered_added_and_checked(
    personas: Personas, setting: ReferralSetting
) -> None:
    referral = referral_of(personas, setting)
    outcome = case_party_add_person(
        actor=actor_for(personas, "professional_a"),
        referral=referral,
        given_names="Noah",
        surname="Jansen",
        date_of_birth=dt.date(2015, 5, 1),
        role=PartyRole.CHILD,
        note="Zoon van de hoofdpersoon",
    )
    assert outcome.party is not None and outcome.party.role == PartyRole.CHILD
    assert outcome.party.known_elsewhere is False and outcome.party.known_checked_at is not None
    actions = list(AuditEvent.objects.order_by("sequence").values_list("action", "object_type"))
    assert actions == [
        ("create", "cases.person"),
        ("create", "cases.caseparty"),
        ("known_check", "cases.caseparty"),
    ]


def test_matching_person_is_proposed_and_nothing_saved_until_confirmed(
    personas: Personas, setting: ReferralSetting
) -> None:
    existing = _known(personas, given_names="Noah", surname="Jansen", date_of_birth=BIRTH)
    referral = referral_of(personas, setting)
    actor = actor_for(personas, "professional_a")
    data = {"given_names": "Noah", "surname": "Jansen", "date_of_birth": BIRTH, "role": PartyRole.SUBJECT}
    outcome = case_party_add_person(actor=actor, referral=referral, **data)  # type: ignore[arg-type]
    assert outcome.party is None and outcome.proposal is not None and outcome.proposal.person == existing
    assert not referral.parties.exists()
    search = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert (search.object_type, search.object_id) == ("cases.referral", str(referral.pk))
    assert list(search.subjects.values_list("subject_id", flat=True)) == [existing.pk]
    confirmed = case_party_add_person(actor=actor, referral=referral, chosen_person_id=existing.pk, **data)  # type: ignore[arg-type]
    assert confirmed.party is not None and confirmed.party.person == existing
    assert Person.objects.count() == 1


def test_professional_can_register_a_new_person_despite_proposals(personas: Personas, setting: ReferralSetting) -> None:
    _known(personas, given_names="Noah", surname="Jansen", date_of_birth=BIRTH)
    referral = referral_of(personas, setting)
    outcome = case_party_add_person(
        actor=actor_for(personas, "professional_a"),
        referral=referral,
        given_names="Noah",
        surname="Jansen",
        date_of_birth=BIRTH,
        role=PartyRole.SUBJECT,
        register_new=True,
    )
    assert outcome.party is not None
    assert Person.objects.filter(given_names="Noah").count() == 2


def test_a_person_who_is_not_a_proposal_cannot_be_chosen_by_id(personas: Personas, setting: ReferralSetting) -> None:
    unrelated = PersonFactory(house=personas.house, given_names="Bram", surname="Visser", date_of_birth=BIRTH)
    referral = referral_of(personas, setting)
    with pytest.raises(ValidationError):
        case_party_add_person(
            actor=actor_for(personas, "professional_a"),
            referral=referral,
            given_names="Noah",
            surname="Jansen",
            date_of_birth=BIRTH,
            role=PartyRole.SUBJECT,
            chosen_person_id=unrelated.pk,
        )
    assert not referral.parties.exists()


def test_choosing_a_person_fills_in_a_missing_bsn_but_refuses_a_different_one(
    personas: Personas, setting: ReferralSetting
) -> None:
    without_bsn = _known(personas, given_names="Noah", surname="Jansen", date_of_birth=BIRTH)
    referral = referral_of(personas, setting)
    actor = actor_for(personas, "professional_a")
    data = {"given_names": "Noah", "surname": "Jansen", "date_of_birth": BIRTH, "role": PartyRole.SUBJECT}
    case_party_add_person(actor=actor, referral=referral, bsn=VALID_BSN, chosen_person_id=without_bsn.pk, **data)  # type: ignore[arg-type]
    without_bsn.refresh_from_db()
    assert without_bsn.bsn_digest == bsn_digest(VALID_BSN)
    with_bsn = _known(personas, given_names="Mila", surname="Jansen", date_of_birth=BIRTH, with_bsn=OTHER_VALID_BSN)
    other = referral_of(personas, setting)
    with pytest.raises(ValidationError) as exc:
        case_party_add_person(
            actor=actor,
            referral=other,
            given_names="Mila",
            surname="Jansen",
            date_of_birth=BIRTH,
            bsn=THIRD_VALID_BSN,
            role=PartyRole.SUBJECT,
            chosen_person_id=with_bsn.pk,
        )
    # A registration with another BSN is another person: it is no proposal, so not choosable.
    assert "past niet bij de ingevulde gegevens" in exc.value.messages[0]


def test_the_same_person_twice_in_one_referral_is_refused(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    party = CasePartyFactory(referral=referral, role=PartyRole.VICTIM)
    actor = actor_for(personas, "professional_a")
    with pytest.raises(ValidationError) as exc:
        case_party_add(actor=actor, referral=referral, person=party.person, role=PartyRole.SUBJECT)
    assert "staat al in deze aanmelding (als slachtoffer)" in exc.value.messages[0]
    with pytest.raises(ValidationError):
        case_party_add_person(
            actor=actor,
            referral=referral,
            given_names=party.person.given_names,
            surname=party.person.surname,
            date_of_birth=party.person.date_of_birth,
            role=PartyRole.CHILD,
            register_new=True,
        )
    assert referral.parties.count() == 1


def test_bad_person_data_is_refused_before_any_matching(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    with pytest.raises(ValidationError) as exc:
        case_party_add_person(
            actor=actor_for(personas, "professional_a"),
            referral=referral,
            given_names="Noah",
            surname="Jansen",
            date_of_birth=dt.date.today() + dt.timedelta(days=3),
            bsn="123456789",
            role=PartyRole.SUBJECT,
        )
    assert set(exc.value.error_dict) == {"date_of_birth", "bsn"}
    assert not AuditEvent.objects.exists()


def test_parties_cannot_be_added_or_removed_after_submitting(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting, submitted=True)
    party = CasePartyFactory(referral=referral)
    actor = actor_for(personas, "professional_a")
    with pytest.raises(ServiceError):
        case_party_add(actor=actor, referral=referral, person=PersonFactory(house=personas.house), role="child")
    with pytest.raises(ServiceError):
        case_party_remove(actor=actor, party=party)


def test_remove_party_from_draft_keeps_the_person_and_audits(personas: Personas, setting: ReferralSetting) -> None:
    party = CasePartyFactory(referral=referral_of(personas, setting))
    person = party.person
    case_party_remove(actor=actor_for(personas, "professional_a"), party=party)
    assert not CaseParty.objects.exists()
    assert Person.objects.filter(pk=person.pk).exists()
    assert AuditEvent.objects.get(action=AuditAction.DELETE).person_id == person.pk


def test_party_with_a_problem_on_their_name_is_not_removed(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting)
    party = CasePartyFactory(referral=referral)
    life_domain_problem_add(
        actor=actor_for(personas, "professional_a"),
        referral=referral,
        domain="addiction",
        description="Dagelijks alcoholgebruik",
        source="Huisarts",
        person=party.person,
    )
    with pytest.raises(ValidationError):
        case_party_remove(actor=actor_for(personas, "professional_a"), party=party)
    assert CaseParty.objects.filter(pk=party.pk).exists()


# Check op bekendheid


def test_known_in_an_active_case_names_only_its_process_director(personas: Personas, setting: ReferralSetting) -> None:
    person = PersonFactory(house=personas.house)
    case = CaseFactory(
        referral__referring_organisation=personas.org_b,
        referral__concern="Geheime inhoud van de andere casus",
        meeting_type=setting.meeting_type,
        process_director=personas.process_director,
    )
    CasePartyFactory(referral=case.referral, person=person)
    party = CasePartyFactory(referral=referral_of(personas, setting), person=person)
    result = case_party_check_known(actor=actor_for(personas, "professional_a"), party=party)
    assert result.known
    assert result.contacts == [f"Process Director (procesregisseur), {personas.process_director.email}"]
    party.refresh_from_db()
    assert party.known_elsewhere is True
    assert "Geheime" not in party.known_contact and str(case.pk) not in party.known_contact.split(",")[0]
    event = AuditEvent.objects.get(action=AuditAction.KNOWN_CHECK)
    assert event.person_id == person.pk and event.case_id is None
    assert event.changes == {"known_elsewhere": [None, True]}


def test_known_in_an_open_referral_names_the_house_office(personas: Personas, setting: ReferralSetting) -> None:
    personas.office.contact_email = "bureau@zvh-testregio.nl"
    personas.office.save()
    person = PersonFactory(house=personas.house)
    other = referral_of(personas, setting, referrer="professional_b", submitted=True)
    CasePartyFactory(referral=other, person=person)
    party = CasePartyFactory(referral=referral_of(personas, setting), person=person)
    result = case_party_check_known(actor=actor_for(personas, "professional_a"), party=party)
    assert result.known and result.contacts == [f"{personas.office.name}, bureau@zvh-testregio.nl"]


def test_closed_cases_drafts_and_the_own_referral_do_not_count(personas: Personas, setting: ReferralSetting) -> None:
    person = PersonFactory(house=personas.house)
    closed = CaseFactory(meeting_type=setting.meeting_type, status=CaseStatus.CLOSED)
    CasePartyFactory(referral=closed.referral, person=person)
    CasePartyFactory(referral=referral_of(personas, setting, referrer="professional_b"), person=person)  # a draft
    rejected = referral_of(personas, setting, submitted=True, status=ReferralStatus.REJECTED)
    CasePartyFactory(referral=rejected, person=person)
    party = CasePartyFactory(referral=referral_of(personas, setting), person=person)
    result = case_party_check_known(actor=actor_for(personas, "professional_a"), party=party)
    assert not result.known and result.contacts == []


# Merging


def test_administrator_merges_a_duplicate_into_the_registration_that_stays(
    personas: Personas, setting: ReferralSetting
) -> None:
    keep = PersonFactory(house=personas.house, given_names="Sanne", surname="Vries", date_of_birth=None)
    duplicate = PersonFactory(house=personas.house, given_names="Sanne", surname="Vries", with_bsn=VALID_BSN)
    shared = referral_of(personas, setting)
    kept_party = CasePartyFactory(referral=shared, person=keep, role=PartyRole.SUBJECT)
    CasePartyFactory(referral=shared, person=duplicate, role=PartyRole.VICTIM)
    elsewhere = referral_of(personas, setting, referrer="professional_b")
    moved_party = CasePartyFactory(referral=elsewhere, person=duplicate)
    problem = LifeDomainProblemFactory(referral=elsewhere, person=duplicate)

    merged = person_merge(
        actor=actor_for(personas, "administrator"),
        keep=keep,
        duplicate=duplicate,
        keep_version=keep.version,
        duplicate_version=duplicate.version,
    )

    duplicate.refresh_from_db()
    moved_party.refresh_from_db()
    problem.refresh_from_db()
    assert duplicate.merged_into == merged and duplicate.bsn_digest == ""
    assert merged.date_of_birth == duplicate.date_of_birth and merged.bsn_digest == bsn_digest(VALID_BSN)
    assert list(shared.parties.values_list("pk", flat=True)) == [kept_party.pk]
    assert moved_party.person == keep and problem.person == keep
    merges = AuditEvent.objects.filter(action=AuditAction.MERGE).order_by("sequence")
    assert [e.person_id for e in merges] == [keep.pk, duplicate.pk]
    assert merges[0].changes["merged_from"] == [None, duplicate.pk]
    assert merges[0].changes["parties_moved"] == [None, 1]
    assert merges[0].changes["parties_dropped"] == [None, 1]


@pytest.mark.parametrize("name", ["process_director", "professional_a", "privacy_officer", "outsider_house"])
def test_only_an_administrator_of_the_house_merges(personas: Personas, name: str) -> None:
    keep, duplicate = PersonFactory(house=personas.house), PersonFactory(house=personas.house)
    with pytest.raises(PermissionDenied):
        person_merge(actor=actor_for(personas, name), keep=keep, duplicate=duplicate)
    assert not AuditEvent.objects.filter(action=AuditAction.MERGE).exists()


def test_merge_refuses_two_different_bsns_the_same_person_and_earlier_merges(personas: Personas) -> None:
    actor = actor_for(personas, "administrator")
    first = PersonFactory(house=personas.house, with_bsn=VALID_BSN)
    second = PersonFactory(house=personas.house, with_bsn=OTHER_VALID_BSN)
    with pytest.raises(ValidationError, match="verschillend BSN"):
        person_merge(actor=actor, keep=first, duplicate=second)
    with pytest.raises(ValidationError):
        person_merge(actor=actor, keep=first, duplicate=first)
    third = PersonFactory(house=personas.house)
    person_merge(actor=actor, keep=first, duplicate=third)
    third.refresh_from_db()
    with pytest.raises(ValidationError, match="al samengevoegd"):
        person_merge(actor=actor, keep=second, duplicate=third)


def test_merge_with_a_stale_version_conflicts(personas: Personas) -> None:
    keep, duplicate = PersonFactory(house=personas.house), PersonFactory(house=personas.house)
    with pytest.raises(ConflictError):
        person_merge(
            actor=actor_for(personas, "administrator"),
            keep=keep,
            duplicate=duplicate,
            keep_version=keep.version,
            duplicate_version=duplicate.version - 1,
        )
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None
