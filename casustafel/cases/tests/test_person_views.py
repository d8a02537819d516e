"""The administrator's persons pages: possible duplicates, search, and merging."""

from __future__ import annotations

import datetime as dt

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Person
from casustafel.testing.cases import CasePartyFactory, PersonFactory
from casustafel.testing.factories import SafetyHouseFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import ANONYMOUS, Personas

pytestmark = pytest.mark.django_db

BIRTH = dt.date(1979, 11, 5)
DUPLICATES_URL = "/casussen/personen/"
MERGE_URL = "/casussen/personen/samenvoegen/"


def expect(personas: Personas, default: int, **overrides: int) -> dict[str, int]:
    expected = dict.fromkeys(personas.names, default)
    expected[ANONYMOUS] = 302
    expected.update(overrides)
    return expected


@pytest.fixture
def pair(personas: Personas) -> tuple[Person, Person]:
    keep = PersonFactory(house=personas.house, given_names="Fatima", surname="Yilmaz", date_of_birth=BIRTH)
    duplicate = PersonFactory(house=personas.house, given_names="Fatma", surname="yilmaz", date_of_birth=BIRTH)
    return keep, duplicate


def test_matrix_duplicates_page(personas: Personas, pair: tuple[Person, Person]) -> None:
    # The outsider administers another house: the page exists for them, with none of our persons.
    responses = assert_matrix(
        personas, "get", DUPLICATES_URL, expect(personas, 404, administrator=200, outsider_house=200)
    )
    assert "Yilmaz" in responses["administrator"].content.decode()
    assert "Yilmaz" not in responses["outsider_house"].content.decode()


def test_matrix_merge_confirmation_page(personas: Personas, pair: tuple[Person, Person]) -> None:
    keep, duplicate = pair
    assert_matrix(
        personas,
        "get",
        f"{MERGE_URL}?keep={keep.pk}&duplicate={duplicate.pk}",
        expect(personas, 404, administrator=200),
    )


def test_matrix_merge(personas: Personas) -> None:
    current: dict[str, Person] = {}

    def fresh() -> None:
        current["keep"] = PersonFactory(house=personas.house)
        current["duplicate"] = PersonFactory(house=personas.house)

    assert_matrix(
        personas,
        "post",
        MERGE_URL,
        expect(personas, 404, administrator=302),
        data=lambda: {
            "keep": current["keep"].pk,
            "duplicate": current["duplicate"].pk,
            "keep_version": current["keep"].version,
            "duplicate_version": current["duplicate"].version,
        },
        setup=fresh,
    )
    assert Person.objects.filter(merged_into__isnull=False).count() == 1


def test_duplicates_page_lists_same_surname_and_birth_date_and_logs_the_search(
    personas: Personas, pair: tuple[Person, Person]
) -> None:
    PersonFactory(house=personas.house, given_names="Fatima", surname="Yilmaz", date_of_birth=dt.date(2001, 1, 1))
    PersonFactory(house=SafetyHouseFactory(name="Elders"), surname="Yilmaz", date_of_birth=BIRTH)
    response = personas.client("administrator").get(DUPLICATES_URL)
    assert {p.pk for p in response.context["persons"]} == {pair[0].pk, pair[1].pk}
    event = AuditEvent.objects.get(action=AuditAction.SEARCH)
    assert sorted(event.subjects.values_list("subject_id", flat=True)) == sorted(p.pk for p in pair)


def test_there_is_no_free_search_on_part_of_a_name(personas: Personas) -> None:
    """Issue 7, point 2: the administrator has no need-to-know for the people in the cases."""
    PersonFactory(house=personas.house, surname="Kramer", given_names="Anna", date_of_birth=BIRTH)
    client = personas.client("administrator")
    for query in ("q=kram", "surname=kram", "surname=Kramer", "given_names=Anna&surname=Kramer"):
        response = client.get(f"{DUPLICATES_URL}?{query}")
        assert response.status_code == 200
        assert response.context["persons"] == [], query
        assert "Zoekresultaten" not in response.content.decode()  # no results table at all
    assert "Zoek op BSN, of op voornamen, achternaam én geboortedatum." in response.content.decode()
    assert not AuditEvent.objects.filter(action=AuditAction.SEARCH).exists()


def test_search_by_exact_name_and_birth_date_or_by_bsn(personas: Personas) -> None:
    anna = PersonFactory(house=personas.house, surname="Kramer", given_names="Anna Maria", date_of_birth=BIRTH)
    PersonFactory(house=personas.house, surname="Kramer", given_names="Anna", date_of_birth=BIRTH)
    with_bsn = PersonFactory(house=personas.house, surname="Bakker", with_bsn="111222333")
    client = personas.client("administrator")
    found = client.get(DUPLICATES_URL, {"given_names": "anna  maria", "surname": "KRAMER", "date_of_birth": BIRTH})
    assert [p.pk for p in found.context["persons"]] == [anna.pk]
    by_bsn = client.get(DUPLICATES_URL, {"bsn": "1112.22.333"})
    assert [p.pk for p in by_bsn.context["persons"]] == [with_bsn.pk]
    wrong = client.get(DUPLICATES_URL, {"bsn": "111222334"})
    assert "Dit is geen geldig BSN" in wrong.content.decode()
    assert wrong.context["persons"] == []


def test_the_registering_organisation_is_not_shown(personas: Personas, pair: tuple[Person, Person]) -> None:
    keep, duplicate = pair
    client = personas.client("administrator")
    pages = [client.get(DUPLICATES_URL), client.get(f"{MERGE_URL}?keep={keep.pk}&duplicate={duplicate.pk}")]
    for page in pages:
        assert "Geregistreerd door" not in page.content.decode()
        assert keep.created_by_organisation.name not in page.content.decode()


def test_the_comparison_opens_only_for_registrations_that_may_be_one_person(personas: Personas) -> None:
    anna = PersonFactory(house=personas.house, surname="Kramer", given_names="Anna", date_of_birth=BIRTH)
    other = PersonFactory(house=personas.house, surname="de Vries", given_names="Bram", date_of_birth=BIRTH)
    client = personas.client("administrator")
    response = client.get(f"{MERGE_URL}?keep={anna.pk}&duplicate={other.pk}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Alleen registraties met dezelfde achternaam of hetzelfde BSN kunnen worden samengevoegd." in page
    assert "Bram" not in page and "Anna" not in page
    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()
    post = client.post(MERGE_URL, {"keep": anna.pk, "duplicate": other.pk, "keep_version": 1, "duplicate_version": 1})
    assert post.status_code == 200
    other.refresh_from_db()
    assert other.merged_into is None


def test_confirmation_shows_both_and_logs_a_read_per_person(personas: Personas, pair: tuple[Person, Person]) -> None:
    keep, duplicate = pair
    page = personas.client("administrator").get(f"{MERGE_URL}?keep={keep.pk}&duplicate={duplicate.pk}")
    text = page.content.decode()
    assert "Fatima Yilmaz" in text and "Fatma yilmaz" in text
    assert f'name="keep_version" value="{keep.version}"' in text
    reads = AuditEvent.objects.filter(action=AuditAction.READ).order_by("sequence")
    assert [e.person_id for e in reads] == [keep.pk, duplicate.pk]


def test_merging_moves_the_referrals_and_says_so(personas: Personas, pair: tuple[Person, Person]) -> None:
    keep, duplicate = pair
    party = CasePartyFactory(person=duplicate, referral__referring_organisation=personas.org_a)
    response = personas.client("administrator").post(
        MERGE_URL,
        {
            "keep": keep.pk,
            "duplicate": duplicate.pk,
            "keep_version": keep.version,
            "duplicate_version": duplicate.version,
        },
        follow=True,
    )
    assert "De registraties zijn samengevoegd" in response.content.decode()
    party.refresh_from_db()
    duplicate.refresh_from_db()
    assert party.person == keep and duplicate.merged_into == keep


def test_merging_a_person_into_itself_is_refused_in_the_form(personas: Personas, pair: tuple[Person, Person]) -> None:
    keep, _ = pair
    response = personas.client("administrator").get(f"{MERGE_URL}?keep={keep.pk}&duplicate={keep.pk}")
    assert response.status_code == 200
    assert "Kies twee verschillende registraties." in response.content.decode()


def test_stale_confirmation_is_refused_with_the_conflict_message(
    personas: Personas, pair: tuple[Person, Person]
) -> None:
    keep, duplicate = pair
    response = personas.client("administrator").post(
        MERGE_URL,
        {"keep": keep.pk, "duplicate": duplicate.pk, "keep_version": keep.version - 1, "duplicate_version": 1},
    )
    assert response.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in response.content.decode()
    duplicate.refresh_from_db()
    assert duplicate.merged_into is None


def test_merged_away_registration_cannot_be_picked_again(personas: Personas, pair: tuple[Person, Person]) -> None:
    keep, duplicate = pair
    duplicate.merged_into = keep
    duplicate.save()
    response = personas.client("administrator").get(f"{MERGE_URL}?keep={keep.pk}&duplicate={duplicate.pk}")
    assert response.status_code == 404
