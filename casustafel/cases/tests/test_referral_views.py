"""Referral pages: the permission matrix for every view and method, filling in section by
section without losing input, conflicts, matching, known check, audit reads, query bounds."""

from __future__ import annotations

import datetime as dt
import itertools
from collections.abc import Callable
from typing import Any

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import CaseParty, PartyRole, Person, Referral, ReferralStatus, Routing
from casustafel.testing.cases import (
    CaseFactory,
    CasePartyFactory,
    InformationRequestFactory,
    LifeDomainProblemFactory,
    PersonFactory,
    PriorActionFactory,
    TriageFactory,
)
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import ANONYMOUS, Personas
from casustafel.testing.referrals import ReferralSetting, referral_of, referral_setting

pytestmark = pytest.mark.django_db

WRITERS = ("professional_a", "ambassador_a")
HOUSE_READERS = ("process_director", "secretary")
REFERRERS = ("professional_a", "ambassador_a", "professional_b", "process_director", "secretary", "house_manager")
_names = itertools.count(1)


def expect(personas: Personas, default: int, **overrides: int) -> dict[str, int]:
    """Every persona gets `default`, anonymous is sent to the login page, then the overrides."""
    expected = dict.fromkeys(personas.names, default)
    expected[ANONYMOUS] = 302
    expected.update(overrides)
    return expected


@pytest.fixture
def setting(personas: Personas) -> ReferralSetting:
    return referral_setting(personas)


@pytest.fixture
def draft(personas: Personas, setting: ReferralSetting) -> Referral:
    referral = referral_of(personas, setting)
    CasePartyFactory(referral=referral, role=PartyRole.SUBJECT, person__house=personas.house)
    return referral


@pytest.fixture
def submitted(personas: Personas, setting: ReferralSetting) -> Referral:
    referral = referral_of(personas, setting, submitted=True)
    CasePartyFactory(referral=referral, role=PartyRole.SUBJECT, person__house=personas.house)
    return referral


def url(name: str, *args: int) -> str:
    return reverse(f"cases:{name}", args=args)


def _version(referral: Referral) -> int:
    return Referral.objects.values_list("version", flat=True).get(pk=referral.pk)


# The permission matrix: GET pages


def test_matrix_list_page(personas: Personas) -> None:
    assert_matrix(personas, "get", url("referral_list"), expect(personas, 200))


def test_matrix_start_page(personas: Personas) -> None:
    allowed = dict.fromkeys(REFERRERS, 200)
    assert_matrix(personas, "get", url("referral_create"), expect(personas, 403, **allowed))


def test_matrix_draft_is_seen_by_referrer_and_ambassador_only(personas: Personas, draft: Referral) -> None:
    assert_matrix(
        personas, "get", url("referral_detail", draft.pk), expect(personas, 404, **dict.fromkeys(WRITERS, 200))
    )


def test_matrix_submitted_is_seen_by_process_directors_and_secretaries_too(
    personas: Personas, submitted: Referral
) -> None:
    readers = dict.fromkeys((*WRITERS, *HOUSE_READERS), 200)
    assert_matrix(personas, "get", url("referral_detail", submitted.pk), expect(personas, 404, **readers))


def test_matrix_person_in_referral(personas: Personas, draft: Referral, submitted: Referral) -> None:
    draft_party = draft.parties.get()
    assert_matrix(
        personas,
        "get",
        url("party_detail", draft.pk, draft_party.pk),
        expect(personas, 404, **dict.fromkeys(WRITERS, 200)),
    )
    party = submitted.parties.get()
    readers = dict.fromkeys((*WRITERS, *HOUSE_READERS), 200)
    assert_matrix(personas, "get", url("party_detail", submitted.pk, party.pk), expect(personas, 404, **readers))


def test_person_of_another_referral_is_not_reachable_through_mine(
    personas: Personas, setting: ReferralSetting, draft: Referral
) -> None:
    foreign = CasePartyFactory(referral=referral_of(personas, setting, referrer="professional_b"))
    response = personas.client("professional_a").get(url("party_detail", draft.pk, foreign.pk))
    assert response.status_code == 404


# The permission matrix: POST actions


def test_matrix_start_a_referral(personas: Personas) -> None:
    allowed = dict.fromkeys(REFERRERS, 302)
    assert_matrix(
        personas, "post", url("referral_create"), expect(personas, 403, **allowed), data={"entry_route": "field"}
    )
    assert Referral.objects.count() == len(REFERRERS)


SECTION_DATA: dict[str, Callable[[Referral], dict[str, Any]]] = {
    "referral_general_edit": lambda r: {"general-entry_route": "top_x", "general-version": _version(r)},
    "referral_concern_edit": lambda r: {
        "concern-concern": f"Zorg {next(_names)}",
        "concern-concern_source": "Eigen waarneming",
        "concern-version": _version(r),
    },
    "referral_term_edit": lambda r: {
        "term-desired_response_days": "7",
        "term-consent": "informed",
        "term-version": _version(r),
    },
    "party_add": lambda r: {
        "party-given_names": f"Kind{next(_names)}",
        "party-surname": "Jansen",
        "party-role": "child",
    },
    "problem_add": lambda r: {
        "problem-domain": "housing",
        "problem-description": "Huurachterstand van vier maanden",
        "problem-source": "Woningcorporatie",
    },
    "prior_action_add": lambda r: {
        "action-description": "Lokaal zorgoverleg",
        "action-by_whom": "Sociaal wijkteam",
        "action-source": "Verslag",
    },
}


@pytest.mark.parametrize("view", list(SECTION_DATA))
def test_matrix_sections_of_a_draft_are_written_by_referrer_and_ambassador(
    personas: Personas, draft: Referral, view: str
) -> None:
    assert_matrix(
        personas,
        "post",
        url(view, draft.pk),
        expect(personas, 404, **dict.fromkeys(WRITERS, 302)),
        data=lambda: SECTION_DATA[view](draft),
    )


@pytest.mark.parametrize("view", list(SECTION_DATA))
def test_matrix_sections_of_a_submitted_referral_are_read_only(
    personas: Personas, submitted: Referral, view: str
) -> None:
    visible = dict.fromkeys((*WRITERS, *HOUSE_READERS), 403)
    assert_matrix(
        personas,
        "post",
        url(view, submitted.pk),
        expect(personas, 404, **visible),
        data=lambda: SECTION_DATA[view](submitted),
    )
    assert Referral.objects.get(pk=submitted.pk).version == submitted.version


def test_matrix_remove_buttons_on_a_draft(personas: Personas, draft: Referral) -> None:
    created: dict[str, Any] = {}

    def fresh() -> None:
        created["party"] = CasePartyFactory(referral=draft, role=PartyRole.CHILD, person__house=personas.house)
        created["problem"] = LifeDomainProblemFactory(referral=draft)
        created["action"] = PriorActionFactory(referral=draft)

    expected = expect(personas, 404, **dict.fromkeys(WRITERS, 302))
    for view, key in (("party_remove", "party"), ("problem_remove", "problem"), ("prior_action_remove", "action")):
        assert_matrix(personas, "post", lambda v=view, k=key: url(v, draft.pk, created[k].pk), expected, setup=fresh)


def test_matrix_submit(personas: Personas, setting: ReferralSetting) -> None:
    current: dict[str, Referral] = {}

    def fresh() -> None:
        current["referral"] = referral_of(personas, setting)
        CasePartyFactory(referral=current["referral"], role=PartyRole.SUBJECT, person__house=personas.house)

    assert_matrix(
        personas,
        "post",
        lambda: url("referral_submit", current["referral"].pk),
        expect(personas, 404, **dict.fromkeys(WRITERS, 302)),
        data=lambda: {"submit-version": _version(current["referral"])},
        setup=fresh,
    )


def test_matrix_answer_a_question(personas: Personas, submitted: Referral) -> None:
    current: dict[str, Any] = {}

    def fresh() -> None:
        current["question"] = InformationRequestFactory(referral=submitted, asked_by=personas.process_director)

    expected = expect(personas, 404, **dict.fromkeys(WRITERS, 302), **dict.fromkeys(HOUSE_READERS, 403))
    assert_matrix(
        personas,
        "post",
        lambda: url("information_answer", submitted.pk, current["question"].pk),
        expected,
        data=lambda: {f"q{current['question'].pk}-answer": "De school is betrokken."},
        setup=fresh,
    )


def test_matrix_known_check(personas: Personas, draft: Referral, submitted: Referral) -> None:
    party = draft.parties.get()
    assert_matrix(
        personas,
        "post",
        url("party_check_known", draft.pk, party.pk),
        expect(personas, 404, **dict.fromkeys(WRITERS, 302)),
    )
    party = submitted.parties.get()
    assert_matrix(
        personas,
        "post",
        url("party_check_known", submitted.pk, party.pk),
        expect(personas, 404, **dict.fromkeys(WRITERS, 302), **dict.fromkeys(HOUSE_READERS, 403)),
    )


# Filling in: input kept, Dutch messages next to the field, other sections stay saved


def test_missing_required_fields_keep_the_typed_text(personas: Personas, draft: Referral) -> None:
    before = draft.concern
    response = personas.client("professional_a").post(
        url("referral_concern_edit", draft.pk),
        {"concern-concern": "Vader drinkt en is agressief.", "concern-concern_source": "", "concern-version": 1},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_concern-concern_source_error"' in page and "Dit veld is verplicht." in page
    assert "Vader drinkt en is agressief." in page
    assert Referral.objects.get(pk=draft.pk).concern == before


def test_consent_not_asked_without_note_shows_the_message_at_the_note(personas: Personas, draft: Referral) -> None:
    response = personas.client("professional_a").post(
        url("referral_term_edit", draft.pk),
        {"term-desired_response_days": "7", "term-consent": "not_asked", "term-consent_note": "", "term-version": 1},
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert 'id="id_term-consent_note_error"' in page and "Licht toe waarom niet is gevraagd" in page
    assert Referral.objects.get(pk=draft.pk).consent == ""


def test_saving_one_section_leaves_the_others_as_they_were(personas: Personas, draft: Referral) -> None:
    client = personas.client("professional_a")
    client.post(
        url("referral_term_edit", draft.pk),
        {"term-desired_response_days": "2", "term-consent": "consent", "term-version": 1},
    )
    response = client.post(url("referral_concern_edit", draft.pk), {"concern-concern": "", "concern-version": 2})
    assert response.status_code == 200
    saved = Referral.objects.get(pk=draft.pk)
    assert saved.desired_response_days == 2 and saved.consent == "consent" and saved.concern == draft.concern


def test_second_save_on_a_stale_version_gets_the_conflict_and_overwrites_nothing(
    personas: Personas, draft: Referral
) -> None:
    referrer, ambassador = personas.client("professional_a"), personas.client("ambassador_a")
    loaded = draft.version
    first = referrer.post(
        url("referral_concern_edit", draft.pk),
        {"concern-concern": "Versie van de aanmelder", "concern-concern_source": "Gesprek", "concern-version": loaded},
    )
    assert first.status_code == 302
    second = ambassador.post(
        url("referral_concern_edit", draft.pk),
        {
            "concern-concern": "Versie van de ambassadeur",
            "concern-concern_source": "Dossier",
            "concern-version": loaded,
        },
    )
    page = second.content.decode()
    assert second.status_code == 200
    assert "Iemand anders heeft dit intussen gewijzigd" in page
    assert "Versie van de ambassadeur" in page  # what they typed is kept
    assert "Versie van de aanmelder" in page  # and shown against what is saved now
    assert f'name="concern-version" value="{loaded + 1}"' in page
    assert Referral.objects.get(pk=draft.pk).concern == "Versie van de aanmelder"


def test_htmx_save_swaps_only_its_section_and_moves_the_other_forms_version_out_of_band(
    personas: Personas, draft: Referral
) -> None:
    client = personas.client("professional_a")
    headers = {"HTTP_HX_REQUEST": "true"}
    bad = client.post(url("referral_concern_edit", draft.pk), {"concern-version": 1}, **headers)
    assert bad.status_code == 200
    assert bad.content.decode().lstrip().startswith('<section id="section-concern"')
    good = client.post(
        url("referral_concern_edit", draft.pk),
        {"concern-concern": "Nieuw", "concern-concern_source": "Eigen waarneming", "concern-version": 1},
        **headers,
    )
    page = good.content.decode()
    assert good.status_code == 200
    # No reload (which would throw away what is typed in the other sections): the saved section,
    # and out of band the version the other sections carry, the status and the submit section.
    assert "HX-Redirect" not in good
    assert page.lstrip().startswith('<section id="section-concern"')
    assert "De omschrijving van de zorg is opgeslagen." in page
    for section in ("general", "term"):
        assert f'name="{section}-version" value="2" id="id_{section}-version" hx-swap-oob="true"' in page
    assert 'name="concern-version" value="2"' in page  # the swapped section itself
    assert (
        '<section id="section-status" class="ct-section" aria-labelledby="heading-status" hx-swap-oob="true">' in page
    )
    assert (
        '<section id="section-submit" class="ct-section" aria-labelledby="heading-submit" hx-swap-oob="true">' in page
    )
    assert 'name="submit-version" value="2"' in page


def test_general_section_offers_only_the_house_choices(
    personas: Personas, draft: Referral, setting: ReferralSetting
) -> None:
    response = personas.client("professional_a").post(
        url("referral_general_edit", draft.pk),
        {"general-entry_route": "top_x", "general-municipality": setting.municipality.pk, "general-version": 1},
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=draft.pk).municipality == setting.municipality
    response = personas.client("professional_a").post(
        url("referral_general_edit", draft.pk),
        {"general-entry_route": "top_x", "general-municipality": personas.org_b.pk, "general-version": 2},
    )
    assert response.status_code == 200 and 'id="id_general-municipality_error"' in response.content.decode()


# Persons on the referral page


def _add_person(client: Client, referral: Referral, **extra: str) -> Any:
    data = {
        "party-given_names": "Noah",
        "party-surname": "Jansen",
        "party-date_of_birth": "2014-05-01",
        "party-role": "child",
    }
    data.update(extra)
    return client.post(url("party_add", referral.pk), data)


def _known_to_the_house(personas: Personas, **person: Any) -> Person:
    """A person the house knows: party to a submitted referral of another organisation."""
    party = CasePartyFactory(
        referral__referring_organisation=personas.org_b,
        referral__submitted=True,
        person__house=personas.house,
        **{f"person__{key}": value for key, value in person.items()},
    )
    return party.person


def test_adding_a_known_person_proposes_them_and_the_professional_confirms(personas: Personas, draft: Referral) -> None:
    existing = _known_to_the_house(personas, given_names="Noah", surname="Jansen", date_of_birth=dt.date(2014, 5, 1))
    client = personas.client("professional_a")
    proposal = _add_person(client, draft)
    page = proposal.content.decode()
    assert proposal.status_code == 200
    assert "Nog niet toegevoegd." in page
    assert "Er is al een persoon met deze naam en geboortedatum geregistreerd bij het huis." in page
    assert f'name="party-choice" value="{existing.pk}"' in page and "Deze geregistreerde persoon gebruiken" in page
    assert 'name="party-choice" value="new"' in page and "als nieuwe persoon registreren" in page
    assert not draft.parties.filter(person=existing).exists()
    confirmed = _add_person(client, draft, **{"party-choice": str(existing.pk)})
    assert confirmed.status_code == 302
    assert draft.parties.filter(person=existing, role=PartyRole.CHILD).exists()


def test_adding_by_bsn_proposes_the_registration_with_that_bsn(personas: Personas, draft: Referral) -> None:
    existing = _known_to_the_house(
        personas, given_names="Noah", surname="Jansen", date_of_birth=dt.date(2014, 5, 1), with_bsn="111222333"
    )
    page = _add_person(personas.client("professional_a"), draft, **{"party-bsn": "111222333"}).content.decode()
    assert "Er is al een persoon met dit BSN en deze naam geregistreerd" in page
    assert f'value="{existing.pk}"' in page


def test_new_person_can_be_registered_despite_a_proposal(personas: Personas, draft: Referral) -> None:
    _known_to_the_house(personas, given_names="Noah", surname="Jansen", date_of_birth=dt.date(2014, 5, 1))
    response = _add_person(personas.client("professional_a"), draft, **{"party-choice": "new"})
    assert response.status_code == 302
    assert Person.objects.filter(given_names="Noah").count() == 2


def test_adding_without_choosing_says_nothing_was_added_and_keeps_the_input(
    personas: Personas, draft: Referral
) -> None:
    _known_to_the_house(personas, given_names="Noah", surname="Jansen", date_of_birth=dt.date(2014, 5, 1))
    client = personas.client("professional_a")
    _add_person(client, draft)
    again = _add_person(client, draft, **{"party-note": "Zoon van de hoofdpersoon"})
    page = again.content.decode()
    assert again.status_code == 200
    assert "Nog niet toegevoegd." in page and 'value="Zoon van de hoofdpersoon"' in page
    assert draft.parties.count() == 1


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"party-date_of_birth": "2999-01-01"}, "date_of_birth", "De geboortedatum ligt in de toekomst"),
        ({"party-bsn": "123456789"}, "bsn", "de elfproef klopt niet"),
        ({"party-given_names": ""}, "given_names", "Dit veld is verplicht."),
        ({"party-date_of_birth": "31-02-2010"}, "date_of_birth", "Vul een geldige datum in"),
    ],
)
def test_bad_person_input_is_shown_at_the_field_and_kept(
    personas: Personas, draft: Referral, extra: dict[str, str], field: str, message: str
) -> None:
    response = _add_person(personas.client("professional_a"), draft, **extra)
    page = response.content.decode()
    assert response.status_code == 200
    assert f'id="id_party-{field}_error"' in page and message in page
    assert 'value="Jansen"' in page
    assert draft.parties.count() == 1


def test_a_person_added_twice_gets_a_clear_message(personas: Personas, draft: Referral) -> None:
    client = personas.client("professional_a")
    assert _add_person(client, draft).status_code == 302
    again = _add_person(client, draft, **{"party-role": "victim"})
    assert again.status_code == 200
    assert "Noah Jansen staat al in deze aanmelding (als kind)" in again.content.decode()
    assert draft.parties.count() == 2


def test_known_check_on_adding_reveals_only_yes_and_whom_to_call(
    personas: Personas, draft: Referral, setting: ReferralSetting
) -> None:
    person = PersonFactory(
        house=personas.house, given_names="Noah", surname="Jansen", date_of_birth=dt.date(2014, 5, 1)
    )
    case = CaseFactory(
        referral__referring_organisation=personas.org_b,
        referral__concern="Inhoud die de aanmelder nooit mag zien",
        meeting_type=setting.meeting_type,
        process_director=personas.process_director,
    )
    CasePartyFactory(referral=case.referral, person=person)
    client = personas.client("professional_a")
    _add_person(client, draft, **{"party-choice": str(person.pk)})
    party = draft.parties.get(person=person)
    page = client.get(url("referral_detail", draft.pk)).content.decode()
    assert "Bekend" in page and "Process Director (procesregisseur)" in page
    assert "Inhoud die de aanmelder nooit mag zien" not in page
    assert f"/aanmeldingen/{case.referral.pk}/" not in page
    event = AuditEvent.objects.get(action=AuditAction.KNOWN_CHECK)
    assert event.person_id == person.pk and event.object_id == str(party.pk)


def test_known_check_button_runs_the_check_again_and_logs_it(personas: Personas, draft: Referral) -> None:
    party = draft.parties.get()
    client = personas.client("ambassador_a")
    response = client.post(url("party_check_known", draft.pk, party.pk), follow=True)
    assert "niet bekend in een andere actieve casus" in response.content.decode()
    assert AuditEvent.objects.filter(action=AuditAction.KNOWN_CHECK, person_id=party.person_id).count() == 1


def test_removing_a_person_with_a_problem_explains_why_not(personas: Personas, draft: Referral) -> None:
    party = draft.parties.get()
    LifeDomainProblemFactory(referral=draft, person=party.person)
    response = personas.client("professional_a").post(url("party_remove", draft.pk, party.pk))
    assert response.status_code == 200
    assert "Verwijder eerst dat probleem" in response.content.decode()
    assert CaseParty.objects.filter(pk=party.pk).exists()


def test_bsn_is_shown_masked_on_the_referral_and_person_pages(personas: Personas, draft: Referral) -> None:
    party = CasePartyFactory(
        referral=draft,
        role=PartyRole.VICTIM,
        person__house=personas.house,
        person__with_bsn="111222333",
        bsn_given=True,
    )
    client = personas.client("professional_a")
    for page_url in (url("referral_detail", draft.pk), url("party_detail", draft.pk, party.pk)):
        page = client.get(page_url).content.decode()
        assert "******333" in page and "111222333" not in page


# Submitting, questions and the outcome


def test_submit_without_the_minimum_lists_what_is_needed(personas: Personas, setting: ReferralSetting) -> None:
    referral = referral_of(personas, setting, concern="", desired_response_days=None)
    response = personas.client("professional_a").post(url("referral_submit", referral.pk), {"submit-version": 1})
    page = response.content.decode()
    assert response.status_code == 200
    assert "De aanmelding is nog niet ingediend." in page and "Voeg de hoofdpersoon toe." in page
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.DRAFT


def test_submitted_referral_shows_deadlines_and_no_forms(personas: Personas, draft: Referral) -> None:
    client = personas.client("professional_a")
    response = client.post(url("referral_submit", draft.pk), {"submit-version": draft.version}, follow=True)
    page = response.content.decode()
    assert "Uw aanmelding is ingediend" in page and "Eerste contact uiterlijk" in page
    assert '<form method="post" action="' + url("referral_concern_edit", draft.pk) not in page
    assert Referral.objects.get(pk=draft.pk).status == ReferralStatus.SUBMITTED


def test_process_director_sees_the_checklist_but_no_edit_forms(personas: Personas, submitted: Referral) -> None:
    page = personas.client("process_director").get(url("referral_detail", submitted.pk)).content.decode()
    assert "Volledigheid" in page and "Vóór triage" in page and "Ontbreekt" in page
    assert url("referral_concern_edit", submitted.pk) not in page
    assert url("party_check_known", submitted.pk, submitted.parties.get().pk) not in page


def test_referrer_answers_and_question_and_answer_stay_on_the_referral(personas: Personas, submitted: Referral) -> None:
    question = InformationRequestFactory(referral=submitted, asked_by=personas.process_director)
    client = personas.client("professional_a")
    empty = client.post(url("information_answer", submitted.pk, question.pk), {f"q{question.pk}-answer": ""})
    assert empty.status_code == 200 and f'id="id_q{question.pk}-answer_error"' in empty.content.decode()
    client.post(url("information_answer", submitted.pk, question.pk), {f"q{question.pk}-answer": "Huisarts Smit."})
    page = personas.client("process_director").get(url("referral_detail", submitted.pk)).content.decode()
    assert question.question in page and "Huisarts Smit." in page


def test_referrer_sees_the_outcome_and_the_reason(personas: Personas, submitted: Referral) -> None:
    TriageFactory(
        referral=submitted,
        decided=True,
        outcome=Routing.REJECT,
        outcome_reason="Geen verbinding tussen zorg en straf nodig; de GGZ pakt dit op.",
    )
    submitted.status = ReferralStatus.REJECTED
    submitted.outcome_at = timezone.now()
    submitted.save()
    page = personas.client("professional_a").get(url("referral_detail", submitted.pk)).content.decode()
    assert "Besluit van het huis" in page and "Niet aannemen" in page
    assert "Geen verbinding tussen zorg en straf nodig" in page


# Audit and query bounds


def test_reading_the_referral_page_writes_exactly_one_read_event(personas: Personas, draft: Referral) -> None:
    personas.client("ambassador_a").get(url("referral_detail", draft.pk))
    [event] = AuditEvent.objects.filter(action=AuditAction.READ)
    assert event.object_type == "cases.referral" and event.object_id == str(draft.pk)
    assert event.actor == personas.ambassador_a and event.case_id is None


def test_read_of_an_accepted_referral_carries_the_case_id(personas: Personas, setting: ReferralSetting) -> None:
    case = CaseFactory(
        referral__referrer=personas.professional_a,
        referral__referring_organisation=personas.org_a,
        meeting_type=setting.meeting_type,
    )
    personas.client("professional_a").get(url("referral_detail", case.referral.pk))
    assert AuditEvent.objects.get(action=AuditAction.READ).case_id == case.pk


def test_person_page_writes_one_read_event_with_the_person(personas: Personas, draft: Referral) -> None:
    party = draft.parties.get()
    personas.client("professional_a").get(url("party_detail", draft.pk, party.pk))
    [event] = AuditEvent.objects.filter(action=AuditAction.READ)
    assert event.person_id == party.person_id and event.object_type == "cases.person"


def test_refused_reads_write_no_read_event(personas: Personas, draft: Referral) -> None:
    personas.client("professional_b").get(url("referral_detail", draft.pk))
    assert not AuditEvent.objects.filter(action=AuditAction.READ).exists()


def _fill(referral: Referral, personas: Personas, count: int) -> None:
    for _ in range(count):
        party = CasePartyFactory(referral=referral, role=PartyRole.CHILD, person__house=personas.house)
        LifeDomainProblemFactory(referral=referral, person=party.person)
        PriorActionFactory(referral=referral)
        InformationRequestFactory(referral=referral, asked_by=personas.process_director)


@pytest.mark.parametrize("size", [1, 12])
def test_referral_page_queries_do_not_grow_with_its_size(
    personas: Personas, submitted: Referral, size: int, django_assert_max_num_queries: Any
) -> None:
    _fill(submitted, personas, size)
    TriageFactory(referral=submitted, decided=True)
    client = personas.client("professional_a")
    client.get(url("referral_detail", submitted.pk))  # warm the session
    with django_assert_max_num_queries(20):
        assert client.get(url("referral_detail", submitted.pk)).status_code == 200


@pytest.mark.parametrize("size", [1, 30])
def test_list_queries_do_not_grow_with_the_number_of_referrals(
    personas: Personas, setting: ReferralSetting, size: int, django_assert_max_num_queries: Any
) -> None:
    for _ in range(size):
        referral = referral_of(personas, setting, submitted=True)
        # Main persons: the list names them and links each in its READ event.
        CasePartyFactory(referral=referral, role=PartyRole.SUBJECT, person__house=personas.house)
    client = personas.client("process_director")
    client.get(url("referral_list"))
    with django_assert_max_num_queries(10):
        assert client.get(url("referral_list")).status_code == 200


# The list


def test_list_shows_each_persona_what_they_may_see_and_filters_by_status(
    personas: Personas, setting: ReferralSetting
) -> None:
    own_draft = referral_of(personas, setting)
    own_submitted = referral_of(personas, setting, submitted=True)
    colleague_draft = referral_of(personas, setting, referrer="ambassador_a")
    police_draft = referral_of(personas, setting, referrer="professional_b")

    def listed(name: str, query: str = "") -> set[int]:
        response = personas.client(name).get(url("referral_list") + query)
        return {r.pk for r in response.context["page"].object_list}

    assert listed("professional_a") == {own_draft.pk, own_submitted.pk}
    assert listed("ambassador_a") == {own_draft.pk, own_submitted.pk, colleague_draft.pk}
    assert listed("process_director") == {own_submitted.pk}
    assert listed("professional_b") == {police_draft.pk}
    assert listed("board_member") == set()
    assert listed("professional_a", "?status=draft") == {own_draft.pk}
    assert listed("professional_a", "?status=onzin") == {own_draft.pk, own_submitted.pk}


def test_start_page_flow_creates_a_draft_with_the_house_choices(personas: Personas, setting: ReferralSetting) -> None:
    client = personas.client("professional_a")
    page = client.get(url("referral_create")).content.decode()
    assert "Casus-op-Maat" in page and "Gemeente Teststad" in page
    response = client.post(
        url("referral_create"),
        {
            "entry_route": "domestic_violence",
            "meeting_type": setting.meeting_type.pk,
            "municipality": setting.municipality.pk,
        },
    )
    referral = Referral.objects.get()
    assert response["Location"] == url("referral_detail", referral.pk)
    assert referral.municipality == setting.municipality
    missing = client.post(url("referral_create"), {})
    assert missing.status_code == 200 and 'id="id_entry_route_error"' in missing.content.decode()


def test_pages_have_no_inline_scripts_or_styles(personas: Personas, draft: Referral) -> None:
    client = personas.client("professional_a")
    for page_url in (url("referral_list"), url("referral_create"), url("referral_detail", draft.pk)):
        page = client.get(page_url).content.decode()
        assert "<script>" not in page and "style=" not in page


def test_process_director_gets_a_link_to_the_triage_and_the_referrer_does_not(
    personas: Personas, submitted: Referral
) -> None:
    triage_url = reverse("cases:triage_detail", args=[submitted.pk])
    assert triage_url in personas.client("process_director").get(url("referral_detail", submitted.pk)).content.decode()
    assert (
        triage_url not in personas.client("professional_a").get(url("referral_detail", submitted.pk)).content.decode()
    )


def test_submit_section_says_missing_checklist_items_do_not_block(personas: Personas, draft: Referral) -> None:
    page = personas.client("professional_a").get(url("referral_detail", draft.pk)).content.decode()
    # The draft has concern, subject and term, but problems on only 0 of 2 life domains.
    assert "ontbreekt nog 1 punt voor de triage. U kunt toch indienen" in page


def test_the_list_is_sorted_by_date_newest_first(personas: Personas, setting: ReferralSetting) -> None:
    now = timezone.now()
    old = referral_of(personas, setting, submitted=True)
    new = referral_of(personas, setting, submitted=True)
    middle = referral_of(personas, setting, submitted=True)
    for referral, days in ((old, 30), (new, 1), (middle, 10)):
        Referral.objects.filter(pk=referral.pk).update(submitted_at=now - dt.timedelta(days=days))
    # Changing an old one does not move it up: the list is by date, not by last change.
    Referral.objects.filter(pk=old.pk).update(updated_at=now)
    draft = referral_of(personas, setting)
    Referral.objects.filter(pk=draft.pk).update(created_at=now - dt.timedelta(days=5))
    page = personas.client("professional_a").get(url("referral_list")).context["page"]
    assert [r.pk for r in page.object_list] == [new.pk, draft.pk, middle.pk, old.pk]
