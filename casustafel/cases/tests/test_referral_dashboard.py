"""The referrer's start page: 'Mijn aanmeldingen' with drafts, open questions and outcomes."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import ReferralStatus, Routing
from casustafel.dashboards.selectors import attention_for
from casustafel.testing.cases import InformationRequestFactory, TriageFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referrals import ReferralSetting, referral_of, referral_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas: Personas) -> ReferralSetting:
    return referral_setting(personas)


def _sections(personas: Personas, name: str) -> dict[str, list[object]]:
    return {s.key: s.items for s in attention_for(personas.users[name], personas.memberships[name])}


def test_referrer_sees_drafts_questions_and_recent_outcomes(personas: Personas, setting: ReferralSetting) -> None:
    draft = referral_of(personas, setting)
    asked = referral_of(personas, setting, submitted=True, status=ReferralStatus.INFORMATION_REQUESTED)
    question = InformationRequestFactory(referral=asked, asked_by=personas.process_director)
    decided = referral_of(personas, setting, submitted=True, status=ReferralStatus.STEPPED_DOWN)
    decided.outcome_at = timezone.now()
    decided.save()
    TriageFactory(referral=decided, decided=True, outcome=Routing.STEP_DOWN_LOCAL)
    old = referral_of(personas, setting, submitted=True, status=ReferralStatus.REJECTED)
    TriageFactory(referral=old, decided=True, decided_at=timezone.now() - dt.timedelta(days=40))

    sections = _sections(personas, "professional_a")
    assert sections["referral_drafts"] == [draft]
    assert sections["referral_questions"] == [question]
    assert [r.pk for r in sections["referral_outcomes"]] == [decided.pk]
    # The reason is free text about people: it stays on the referral page, which audits the read.
    assert not hasattr(sections["referral_outcomes"][0], "decision_reason")


def test_start_page_shows_the_outcome_and_leaves_its_reason_to_the_audited_referral_page(
    personas: Personas, setting: ReferralSetting
) -> None:
    decided = referral_of(personas, setting, submitted=True, status=ReferralStatus.ACCEPTED)
    TriageFactory(
        referral=decided, decided=True, outcome=Routing.ACCEPT, outcome_reason="Alle criteria a-e zijn vervuld."
    )
    client = personas.client("professional_a")
    reads = AuditEvent.objects.filter(action=AuditAction.READ, object_type="cases.referral", object_id=str(decided.pk))

    page = client.get("/").content.decode()

    assert "Mijn aanmeldingen: besluiten (30 dagen)" in page
    assert f"Aanmelding {decided.pk}" in page and "Aangenomen" in page
    assert "Alle criteria a-e zijn vervuld." not in page
    assert reverse("cases:referral_detail", args=[decided.pk]) in page
    assert not reads.exists()
    detail = client.get(reverse("cases:referral_detail", args=[decided.pk])).content.decode()
    assert "Alle criteria a-e zijn vervuld." in detail
    assert reads.count() == 1


def test_ambassador_answers_questions_for_their_organisation(personas: Personas, setting: ReferralSetting) -> None:
    asked = referral_of(personas, setting, submitted=True, status=ReferralStatus.INFORMATION_REQUESTED)
    question = InformationRequestFactory(referral=asked, asked_by=personas.process_director)
    assert _sections(personas, "ambassador_a")["referral_questions"] == [question]
    assert _sections(personas, "professional_b")["referral_questions"] == []


def test_house_staff_see_the_sections_only_when_not_empty(personas: Personas, setting: ReferralSetting) -> None:
    assert not {"referral_drafts", "referral_questions", "referral_outcomes"} & set(
        _sections(personas, "process_director")
    )
    referral_of(personas, setting, referrer="process_director")
    assert "referral_drafts" in _sections(personas, "process_director")


@pytest.mark.parametrize("name", ["administrator", "privacy_officer", "board_member"])
def test_roles_that_do_not_refer_get_no_referral_sections(personas: Personas, name: str) -> None:
    assert not any(key.startswith("referral_") for key in _sections(personas, name))


def test_navigation_offers_referrals_to_those_who_refer(personas: Personas) -> None:
    assert "/casussen/aanmeldingen/" in personas.client("professional_a").get("/").content.decode()
    assert "/casussen/aanmeldingen/" not in personas.client("board_member").get("/").content.decode()
    assert "/casussen/personen/" in personas.client("administrator").get("/").content.decode()


def _with_subject(referral: object, name: str) -> None:
    from casustafel.testing.cases import CasePartyFactory

    given, surname = name.split(" ", 1)
    CasePartyFactory(
        referral=referral,
        role="subject",
        person__house=referral.house,
        person__given_names=given,
        person__surname=surname,
    )


def test_start_pages_name_whom_each_referral_and_case_is_about_and_audit_it(
    personas: Personas, setting: ReferralSetting
) -> None:
    from casustafel.testing.cases import CaseFactory

    draft = referral_of(personas, setting)
    _with_subject(draft, "Lotte Visser")
    asked = referral_of(personas, setting, submitted=True, status=ReferralStatus.INFORMATION_REQUESTED)
    _with_subject(asked, "Ruben Smit")
    InformationRequestFactory(referral=asked, asked_by=personas.process_director)
    waiting = referral_of(personas, setting, submitted=True)
    _with_subject(waiting, "Sanne de Jong")
    case = CaseFactory(referral__referring_organisation=personas.org_a, process_director=personas.process_director)
    _with_subject(case.referral, "Fatima Yilmaz")
    from casustafel.testing.involvements import involve

    involve(personas, case, personas.org_a)

    page = personas.client("professional_a").get(reverse("dashboards:start")).content.decode()
    assert f"Aanmelding {draft.pk}: Lotte Visser" in page
    assert f"Aanmelding {asked.pk}: Ruben Smit" in page
    assert f"Casus {case.pk}: Fatima Yilmaz" in page
    # The read is linked to every person and case named, as the subject-access overview finds it.
    from casustafel.audit.selectors import events_about

    for party in (draft.parties.get(), asked.parties.get(), case.referral.parties.get()):
        found = events_about(person_ids=[party.person_id]).filter(
            action=AuditAction.READ, actor=personas.professional_a, object_type=""
        )
        assert found.exists(), party.person
    assert events_about(case_ids=[case.pk]).filter(actor=personas.professional_a, object_type="").exists()

    director = personas.client("process_director").get(reverse("dashboards:start")).content.decode()
    assert f"Aanmelding {waiting.pk}: Sanne de Jong" in director
    # A referral's draft stays with its referrer: the house never sees its person's name.
    assert "Lotte Visser" not in director


def test_start_page_queries_do_not_grow_with_the_number_of_named_referrals(
    personas: Personas, setting: ReferralSetting, django_assert_max_num_queries: object
) -> None:
    client = personas.client("process_director")

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("dashboards:start")).status_code == 200
        return len(queries)

    for n in range(2):
        _with_subject(referral_of(personas, setting, submitted=True), f"Eerste{n} Persoon")
    count()  # the first request of a session does one-off work (session and notice bookkeeping)
    few = count()
    for n in range(8):
        _with_subject(referral_of(personas, setting, submitted=True), f"Later{n} Persoon")
    assert count() == few
