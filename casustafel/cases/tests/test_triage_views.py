"""Triage pages: who sees and does what, one READ audit event per page view, the live
evaluation, the decision through the page, conflicts, versions and bounded queries."""

from __future__ import annotations

import datetime as dt

from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import Case, InformationRequest, Referral, ReferralStatus, Triage
from casustafel.cases.services.criteria import (
    criteria_version_draft,
    criteria_version_publish,
    criteria_version_update,
    criterion_update,
)
from casustafel.testing.cases import CasePartyFactory
from casustafel.testing.factories import OrganisationFactory
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.referrals import actor_for, referral_of
from casustafel.testing.triage import decide, post_data, triage_setting

pytestmark = pytest.mark.django_db

STAFF_ONLY = {
    "anonymous": 302,
    "process_director": 200,
    "secretary": 200,
    "house_manager": 404,
    "administrator": 404,
    "privacy_officer": 404,
    "board_member": 404,
    "professional_a": 404,
    "ambassador_a": 404,
    "professional_b": 404,
    "outsider_house": 404,
}


def directors_only(success: int) -> dict[str, int]:
    return {**STAFF_ONLY, "process_director": success, "secretary": 403}


@pytest.fixture
def setting(personas):
    return triage_setting(personas)


def url(name: str, *args: int) -> str:
    return reverse(f"cases:{name}", args=args)


def reads(referral: Referral) -> int:
    return AuditEvent.objects.filter(
        action=AuditAction.READ, object_type="cases.referral", object_id=str(referral.pk)
    ).count()


# --- Permission matrix ---------------------------------------------------------------------


def test_matrix_triage_list(personas, setting):
    assert_matrix(personas, "get", url("triage_list"), STAFF_ONLY)


def test_matrix_triage_page_is_for_the_houses_process_directors_and_secretaries(personas, setting):
    assert_matrix(personas, "get", url("triage_detail", setting.referral.pk), STAFF_ONLY)


def test_matrix_saving_a_triage(personas, setting):
    referral = setting.referral
    assert_matrix(
        personas,
        "post",
        url("triage_detail", referral.pk),
        directors_only(302),
        data=post_data(setting.version, referral, action="save"),
    )
    assert Triage.objects.filter(referral=referral, decided_at__isnull=True).count() == 1


def test_matrix_deciding_a_triage(personas, setting):
    referral = setting.referral
    assert_matrix(
        personas,
        "post",
        url("triage_detail", referral.pk),
        directors_only(302),
        data=post_data(setting.version, referral, action="decide", outcome="reject", outcome_reason="Niet nodig."),
    )
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.REJECTED


def test_matrix_live_evaluation(personas, setting):
    assert_matrix(
        personas,
        "post",
        url("triage_evaluate", setting.referral.pk),
        directors_only(200),
        data=post_data(setting.version, setting.referral),
    )


def test_matrix_recording_first_contact(personas, setting):
    referral = setting.referral

    def reset() -> None:
        Referral.objects.filter(pk=referral.pk).update(first_contact_at=None)

    assert_matrix(
        personas,
        "post",
        url("triage_first_contact", referral.pk),
        directors_only(302),
        data=lambda: {"version": Referral.objects.get(pk=referral.pk).version},
        setup=reset,
    )


def test_matrix_past_triage(personas, setting):
    triage = decide(personas, setting, outcome="need_more_information")
    assert_matrix(personas, "get", url("triage_record", setting.referral.pk, triage.pk), STAFF_ONLY)


def test_draft_referrals_have_no_triage_page(personas, setting):
    draft = referral_of(personas, setting)  # a draft by professional_a
    response = personas.client("process_director").get(url("triage_detail", draft.pk))
    assert response.status_code == 404


def test_a_process_director_of_another_house_gets_404(personas, setting):
    elsewhere = OrganisationFactory(house_office=True)
    personas.add("director_elsewhere", organisation=elsewhere, role="process_director")
    client = personas.client("director_elsewhere")
    assert client.get(url("triage_detail", setting.referral.pk)).status_code == 404
    data = post_data(setting.version, setting.referral, action="decide", outcome="reject", outcome_reason="x")
    assert client.post(url("triage_detail", setting.referral.pk), data).status_code == 404
    assert client.get(url("triage_list")).status_code == 200
    assert f"Aanmelding {setting.referral.pk}" not in client.get(url("triage_list")).content.decode()


# --- Audit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["process_director", "secretary"])
def test_every_triage_page_view_writes_exactly_one_read(personas, setting, name):
    before = reads(setting.referral)
    personas.client(name).get(url("triage_detail", setting.referral.pk))
    assert reads(setting.referral) == before + 1


def test_a_refused_decision_re_renders_with_exactly_one_read(personas, setting):
    before = reads(setting.referral)
    data = post_data(setting.version, setting.referral, action="decide", outcome="reject", outcome_reason="")
    response = personas.client("process_director").post(url("triage_detail", setting.referral.pk), data)
    assert response.status_code == 200
    assert reads(setting.referral) == before + 1


def test_a_past_triage_view_writes_exactly_one_read(personas, setting):
    triage = decide(personas, setting, outcome="reject")
    before = reads(setting.referral)
    personas.client("secretary").get(url("triage_record", setting.referral.pk, triage.pk))
    assert reads(setting.referral) == before + 1


def test_the_live_evaluation_shows_no_personal_data_and_writes_no_read(personas, setting):
    before = reads(setting.referral)
    response = personas.client("process_director").post(
        url("triage_evaluate", setting.referral.pk), post_data(setting.version, setting.referral)
    )
    assert reads(setting.referral) == before
    assert "Jansen" not in response.content.decode()


# --- The page ------------------------------------------------------------------------------


def test_triage_page_shows_facts_checklist_and_every_criterion(personas, setting):
    html = personas.client("process_director").get(url("triage_detail", setting.referral.pk)).content.decode()
    assert "Vader is meerdere keren aangehouden" in html
    assert "Problemen beschreven op 1 leefgebied; nodig: minimaal 2." in html
    for code in setting.leaf_codes:
        criterion = setting.criterion(code)
        assert f'name="verdict_{criterion.pk}"' in html
        assert f'name="reason_{criterion.pk}"' in html
    assert "Criteria voor behandeling in het veiligheidshuis, versie 1" in html


def test_secretary_reads_the_triage_without_a_form(personas, setting):
    html = personas.client("secretary").get(url("triage_detail", setting.referral.pk)).content.decode()
    assert 'id="triage-form"' not in html
    assert "De weging is nog niet begonnen." in html


def test_live_evaluation_shows_which_part_of_the_multiproblem_definition_is_unmet(personas, setting):
    version, referral = setting.version, setting.referral
    a2, a4 = setting.criterion("a2").pk, setting.criterion("a4").pk
    data = post_data(version, referral, **{f"verdict_{a2}": "does_not_meet", f"verdict_{a4}": "does_not_meet"})
    response = personas.client("process_director").post(
        url("triage_evaluate", referral.pk), data, HTTP_HX_REQUEST="true"
    )
    html = response.content.decode()
    assert 'id="triage-evaluation"' in html
    assert "Niet voldaan door: a1-a3, a4" in html
    assert "Niet voldaan door: a2" in html
    assert "<html" not in html


def test_a_triage_without_reasons_is_refused_on_the_page_with_a_message_per_criterion(personas, setting):
    version, referral = setting.version, setting.referral
    data = post_data(version, referral, action="decide", outcome="reject", outcome_reason="Niet nodig.")
    for key in list(data):
        if key.startswith("reason_"):
            data[key] = ""
    response = personas.client("process_director").post(url("triage_detail", referral.pk), data)
    assert response.status_code == 200
    html = response.content.decode()
    for code in setting.leaf_codes:
        assert f"Geef bij criterium {code} in een paar woorden aan waarom (ook bij onbekend)." in html
    assert "Niet nodig." in html, "what was typed stays"
    assert not Triage.objects.exists()


def test_accepting_through_the_page_opens_the_case_and_tells_the_referrer(personas, setting):
    referral = setting.referral
    first_meeting = timezone.localdate() + dt.timedelta(days=5)
    data = post_data(
        setting.version,
        referral,
        action="decide",
        outcome="accept",
        outcome_reason="Zorg en straf moeten samen; Casus-op-Maat volgende week.",
        meeting_type=setting.meeting_type.pk,
        process_director=personas.process_director.pk,
        first_meeting_date=first_meeting.isoformat(),
        team_members=[personas.professional_b.pk],
    )
    response = personas.client("process_director").post(url("triage_detail", referral.pk), data)
    assert response.status_code == 302
    case = Case.objects.get(referral=referral)
    assert case.first_meeting_date == first_meeting
    assert list(Triage.objects.get().team_members.all()) == [personas.professional_b]
    referral_page = personas.client("professional_a").get(reverse("cases:referral_detail", args=[referral.pk]))
    html = referral_page.content.decode()
    assert "Aannemen in het huis" in html
    assert "Zorg en straf moeten samen; Casus-op-Maat volgende week." in html
    decided = personas.client("secretary").get(url("triage_detail", referral.pk)).content.decode()
    assert "Besluit" in decided and f"Casus {case.pk}" in decided


def test_accepting_with_unmet_criteria_on_the_page_asks_for_the_urgency_override(personas, setting):
    referral = setting.referral
    b = setting.criterion("b").pk
    data = post_data(
        setting.version,
        referral,
        action="decide",
        outcome="accept",
        outcome_reason="Toch aannemen.",
        meeting_type=setting.meeting_type.pk,
        process_director=personas.process_director.pk,
        first_meeting_date=timezone.localdate().isoformat(),
        **{f"verdict_{b}": "does_not_meet"},
    )
    response = personas.client("process_director").post(url("triage_detail", referral.pk), data)
    assert response.status_code == 200
    assert "Aannemen kan alleen als urgentie-uitzondering, met een onderbouwing." in response.content.decode()
    data.update(urgency_override="on", urgency_justification="Acuut gevaar voor de kinderen.")
    response = personas.client("process_director").post(url("triage_detail", referral.pk), data)
    assert response.status_code == 302
    assert Triage.objects.get().urgency_override is True


def test_asking_for_more_information_through_the_page(personas, setting):
    referral = setting.referral
    data = post_data(
        setting.version,
        referral,
        action="decide",
        outcome="need_more_information",
        outcome_reason="We missen informatie over de kinderen.",
        question="Welke school bezoeken de kinderen?",
    )
    personas.client("process_director").post(url("triage_detail", referral.pk), data)
    assert InformationRequest.objects.get(referral=referral).question == "Welke school bezoeken de kinderen?"
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.INFORMATION_REQUESTED


def test_the_second_director_gets_a_conflict_message_and_keeps_their_input(personas, setting):
    personas.add("process_director_2", organisation=personas.office, role="process_director")
    referral = setting.referral
    stale = post_data(setting.version, referral, action="decide", outcome="reject", outcome_reason="Mijn eigen reden.")
    first = post_data(setting.version, referral, action="decide", outcome="step_down_local", outcome_reason="Lokaal.")
    assert personas.client("process_director").post(url("triage_detail", referral.pk), first).status_code == 302
    response = personas.client("process_director_2").post(url("triage_detail", referral.pk), stale)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Een andere procesregisseur heeft intussen over deze aanmelding besloten." in html
    assert Referral.objects.get(pk=referral.pk).status == ReferralStatus.STEPPED_DOWN
    assert Triage.objects.get().outcome_reason == "Lokaal."


def test_a_conflict_on_a_draft_keeps_input_and_shows_what_is_stored(personas, setting):
    personas.add("process_director_2", organisation=personas.office, role="process_director")
    referral = setting.referral
    mine = post_data(setting.version, referral, action="save", outcome_reason="Mijn concepttekst.")
    theirs = post_data(setting.version, referral, action="save")
    assert personas.client("process_director").post(url("triage_detail", referral.pk), theirs).status_code == 302
    response = personas.client("process_director_2").post(url("triage_detail", referral.pk), mine)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Een andere procesregisseur heeft deze aanmelding intussen gewogen of besloten" in html
    assert "Zoals nu opgeslagen" in html
    assert "Mijn concepttekst." in html
    triage = Triage.objects.get()
    assert f'name="triage" value="{triage.pk}"' in html, "saving again knowingly overwrites the stored draft"


def test_a_triage_done_on_version_1_still_shows_version_1(personas, setting):
    triage = decide(personas, setting, outcome="reject")
    admin = actor_for(personas, "administrator")
    draft = criteria_version_draft(actor=admin, criteria_set=setting.version.criteria_set)
    criterion_update(actor=admin, criterion=draft.criteria.get(code="c"), label="Is er sprake van urgentie?")
    criteria_version_update(actor=admin, version=draft, combinator="all", source="", change_note="c wordt urgentie.")
    criteria_version_publish(actor=admin, version=draft)
    html = (
        personas.client("process_director").get(url("triage_record", setting.referral.pk, triage.pk)).content.decode()
    )
    assert "versie 1" in html
    assert "Is er actualiteit?" in html
    assert "Is er sprake van urgentie?" not in html


def test_a_new_triage_uses_the_current_version(personas, setting):
    admin = actor_for(personas, "administrator")
    draft = criteria_version_draft(actor=admin, criteria_set=setting.version.criteria_set)
    criterion_update(actor=admin, criterion=draft.criteria.get(code="c"), label="Is er sprake van urgentie?")
    criteria_version_update(actor=admin, version=draft, combinator="all", source="", change_note="c wordt urgentie.")
    criteria_version_publish(actor=admin, version=draft)
    html = personas.client("process_director").get(url("triage_detail", setting.referral.pk)).content.decode()
    assert "versie 2" in html and "Is er sprake van urgentie?" in html


def test_the_page_shows_late_deadlines_and_the_caseload_cap(personas, setting):
    from casustafel.cases.services.triage import caseload_cap_set

    Referral.objects.filter(pk=setting.referral.pk).update(first_contact_due_at=timezone.now() - dt.timedelta(hours=1))
    caseload_cap_set(actor=actor_for(personas, "administrator"), municipality=setting.municipality, max_active_cases=0)
    html = personas.client("process_director").get(url("triage_detail", setting.referral.pk)).content.decode()
    assert "te laat" in html
    assert "0 actieve casussen van maximaal 0." in html
    assert "Het caseloadplafond van het huis voor deze gemeente is bereikt." in html


def test_recording_first_contact_through_the_page(personas, setting):
    referral = setting.referral
    response = personas.client("process_director").post(
        url("triage_first_contact", referral.pk), {"version": referral.version}
    )
    assert response.status_code == 302
    assert Referral.objects.get(pk=referral.pk).first_contact_at is not None


def test_without_criteria_the_page_offers_to_pick_a_meeting_type(personas, setting):
    setting.meeting_type.criteria_set = None
    setting.meeting_type.save()
    html = personas.client("process_director").get(url("triage_detail", setting.referral.pk)).content.decode()
    assert "Er zijn geen criteria om op te wegen" in html
    assert 'name="overlegtype"' in html


# --- List ----------------------------------------------------------------------------------


def test_triage_list_shows_open_referrals_and_decided_ones_separately(personas, setting):
    client = personas.client("secretary")
    assert f"Aanmelding {setting.referral.pk}" in client.get(url("triage_list")).content.decode()
    decide(personas, setting, outcome="reject")
    assert f"Aanmelding {setting.referral.pk}" not in client.get(url("triage_list")).content.decode()
    assert f"Aanmelding {setting.referral.pk}" in client.get(url("triage_list") + "?toon=decided").content.decode()


def test_triage_list_query_count_does_not_grow_with_the_number_of_referrals(
    personas, setting, django_assert_max_num_queries
):
    client = personas.client("process_director")
    client.get(url("triage_list"))  # warm up session and caches
    with django_assert_max_num_queries(12) as few:
        client.get(url("triage_list"))
    for _ in range(15):
        referral = referral_of(personas, setting, submitted=True, municipality=setting.municipality)
        CasePartyFactory(referral=referral)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url("triage_list"))
    assert response.content.decode().count("utrecht-table__row") >= 16


def test_a_conflict_after_the_criteria_changed_shows_the_stored_weighing(personas, setting):
    personas.add("process_director_2", organisation=personas.office, role="process_director")
    referral = setting.referral
    stale = post_data(setting.version, referral, action="save")  # loaded while version 1 was current
    admin = actor_for(personas, "administrator")
    draft = criteria_version_draft(actor=admin, criteria_set=setting.version.criteria_set)
    criteria_version_update(actor=admin, version=draft, combinator="all", source="", change_note="Versie 2.")
    criteria_version_publish(actor=admin, version=draft)
    fresh_page = post_data(draft, referral, action="save")
    assert personas.client("process_director").post(url("triage_detail", referral.pk), fresh_page).status_code == 302
    response = personas.client("process_director_2").post(url("triage_detail", referral.pk), stale)
    assert response.status_code == 200
    assert "Intussen is een weging begonnen op andere criteria" in response.content.decode()
    assert Triage.objects.get().criteria_version == draft
