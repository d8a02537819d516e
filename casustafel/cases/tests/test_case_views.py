"""Case pages: the permission matrix of every view, one READ audit event per view (on behalf of
the absent colleague for a substitute), involvements through the page with and without htmx,
input kept on errors, bounded queries, the start page and the navigation."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.cases.models import CaseInvolvement, CaseStatus, PartyRole
from casustafel.organisations.models import Role
from casustafel.testing.cases import CaseFactory, CasePartyFactory, ReferralFactory
from casustafel.testing.factories import OrganisationFactory, SubstitutionFactory
from casustafel.testing.involvements import CaseInvolvementFactory, CaseSetting, involve, open_case
from casustafel.testing.matrix import assert_matrix
from casustafel.testing.personas import ANONYMOUS, Personas

pytestmark = pytest.mark.django_db


def expect(personas: Personas, default: int, **overrides: int) -> dict[str, int]:
    expected = dict.fromkeys(personas.names, default)
    expected[ANONYMOUS] = 302
    expected.update(overrides)
    return expected


@pytest.fixture
def setting(personas: Personas) -> CaseSetting:
    return open_case(personas)


def detail_url(setting: CaseSetting) -> str:
    return reverse("cases:case_detail", args=[setting.case.pk])


def add_url(setting: CaseSetting) -> str:
    return reverse("cases:case_involvement_add", args=[setting.case.pk])


def end_url(setting: CaseSetting, involvement: CaseInvolvement) -> str:
    return reverse("cases:case_involvement_end", args=[setting.case.pk, involvement.pk])


def case_reads(setting: CaseSetting) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=AuditAction.READ, object_type="cases.case", object_id=str(setting.case.pk)
        ).order_by("sequence")
    )


def page(response: Any) -> str:
    return response.content.decode()


# --- Permission matrix ---------------------------------------------------------------------


def test_matrix_case_list(personas, setting):
    assert_matrix(
        personas,
        "get",
        reverse("cases:case_list"),
        expect(
            personas,
            404,
            process_director=200,
            secretary=200,
            professional_a=200,
            ambassador_a=200,
            professional_b=200,  # an empty list: the page exists for every case worker
        ),
    )


def test_matrix_case_page(personas, setting):
    assert_matrix(
        personas,
        "get",
        detail_url(setting),
        expect(personas, 404, process_director=200, secretary=200, professional_a=200, ambassador_a=200),
    )


def test_matrix_adding_an_involvement(personas, setting):
    def reset() -> None:
        CaseInvolvement.objects.filter(case=setting.case, organisation=personas.org_b).delete()

    assert_matrix(
        personas,
        "post",
        add_url(setting),
        expect(personas, 404, process_director=302, secretary=302, professional_a=403, ambassador_a=403),
        data={"add-organisation": personas.org_b.pk, "add-reason": "Politie: huiselijk geweld"},
        setup=reset,
    )


def test_matrix_ending_an_involvement(personas, setting):
    involvement = setting.case.involvements.get()

    def reset() -> None:
        CaseInvolvement.objects.filter(pk=involvement.pk).update(ended_at=None, end_reason="")

    assert_matrix(
        personas,
        "post",
        end_url(setting, involvement),
        expect(personas, 404, process_director=302, secretary=302, professional_a=403, ambassador_a=403),
        data={f"end-{involvement.pk}-end_reason": "Overgedragen"},
        setup=reset,
    )


def test_an_involvement_of_another_case_is_404(personas, setting):
    other = CaseInvolvementFactory(case=CaseFactory(referral__referring_organisation=personas.org_a))
    response = personas.client("process_director").post(
        end_url(setting, other), {f"end-{other.pk}-end_reason": "Klaar"}
    )
    assert response.status_code == 404
    assert CaseInvolvement.objects.get(pk=other.pk).ended_at is None


# --- The case page -----------------------------------------------------------------------


def test_case_page_shows_household_referral_director_and_involvements(personas, setting):
    CasePartyFactory(
        referral=setting.referral, role=PartyRole.CHILD, person__given_names="Kim", person__house=personas.house
    )
    involve(personas, setting.case, personas.org_b, reason="Politie: huiselijk geweld")
    response = personas.client("professional_a").get(detail_url(setting))
    html = page(response)
    subject = setting.referral.parties.get(role=PartyRole.SUBJECT).person
    assert subject.full_name in html and "Hoofdpersoon" in html
    assert "Kim Jansen" in html and "Kind" in html
    assert personas.process_director.full_name in html
    assert setting.case.meeting_type.name in html
    assert "Veilig Thuis Testregio" in html and "Aanmelder van de casus" in html
    assert "Politie Testregio" in html and "Politie: huiselijk geweld" in html
    assert reverse("cases:referral_detail", args=[setting.referral.pk]) in html  # the referrer sees it
    assert "Organisatie betrekken" not in html  # no management for partners
    assert reverse("cases:triage_detail", args=[setting.referral.pk]) not in html


def test_an_organisation_added_later_sees_the_case_but_not_the_referral_link(personas, setting):
    involve(personas, setting.case, personas.org_b)
    html = page(personas.client("professional_b").get(detail_url(setting)))
    assert reverse("cases:referral_detail", args=[setting.referral.pk]) not in html
    assert "Aangemeld door" in html  # the summary stays


def test_staff_see_the_management_forms_and_the_triage_link(personas, setting):
    html = page(personas.client("secretary").get(detail_url(setting)))
    assert "Organisatie betrekken" in html and "Betrokkenheid beëindigen" in html
    assert reverse("cases:triage_detail", args=[setting.referral.pk]) in html
    assert 'id="id_add-organisation"' in html and 'for="id_add-reason"' in html


def test_every_view_of_the_case_page_writes_exactly_one_read_event(personas, setting):
    client = personas.client("professional_a")
    client.get(detail_url(setting))
    client.get(detail_url(setting))
    reads = case_reads(setting)
    assert len(reads) == 2
    assert all(event.case_id == setting.case.pk and event.actor == personas.professional_a for event in reads)
    assert all(event.on_behalf_of is None for event in reads)
    assert reads[0].actor_organisation == personas.org_a


def test_a_refused_view_writes_no_read_event(personas, setting):
    assert personas.client("professional_b").get(detail_url(setting)).status_code == 404
    assert case_reads(setting) == []


def test_a_substitute_reads_on_behalf_of_the_absent_colleague(personas, setting):
    org_d = OrganisationFactory(house=personas.house, name="Reclassering Testregio")
    substitute = personas.add("substitute", organisation=org_d, role=Role.PROFESSIONAL)
    SubstitutionFactory(absent_membership=personas.memberships["professional_a"], substitute=substitute)
    response = personas.client("substitute").get(detail_url(setting))
    assert response.status_code == 200
    assert "U ziet deze casus als vervanger van Professional A" in page(response)
    (event,) = case_reads(setting)
    assert event.actor == substitute
    assert event.on_behalf_of == personas.professional_a
    assert event.actor_organisation == org_d


def test_a_substitute_after_the_window_gets_404(personas, setting):
    org_d = OrganisationFactory(house=personas.house)
    substitute = personas.add("substitute", organisation=org_d, role=Role.PROFESSIONAL)
    SubstitutionFactory(absent_membership=personas.memberships["professional_a"], substitute=substitute, expired=True)
    assert personas.client("substitute").get(detail_url(setting)).status_code == 404
    assert case_reads(setting) == []


@pytest.mark.parametrize("extra", [0, 10])
def test_case_page_queries_are_bounded(personas, setting, extra, django_assert_max_num_queries):
    for _ in range(extra):
        CasePartyFactory(referral=setting.referral, role=PartyRole.SYSTEM_MEMBER, person__house=personas.house)
        CaseInvolvementFactory(case=setting.case, organisation__house=personas.house, ended=True)
    client = personas.client("process_director")
    client.get(detail_url(setting))
    with django_assert_max_num_queries(30):
        assert client.get(detail_url(setting)).status_code == 200


# --- Involvements through the page ------------------------------------------------------


def test_adding_through_the_page_redirects_back_to_the_involvements(personas, setting):
    client = personas.client("process_director")
    response = client.post(
        add_url(setting),
        {
            "add-organisation": personas.org_b.pk,
            "add-reason": "Politie: huiselijk geweld",
            "add-contact": personas.professional_b.pk,
            "add-started_at": timezone.localdate().isoformat(),
        },
    )
    assert response.status_code == 302
    assert response["Location"].endswith("#section-involvements")
    involvement = setting.case.involvements.get(organisation=personas.org_b)
    assert involvement.contact == personas.professional_b
    assert abs(involvement.started_at - timezone.now()) < dt.timedelta(minutes=1)  # today means now
    assert "Politie Testregio is betrokken bij de casus." in page(client.get(response["Location"]))


def test_adding_with_htmx_answers_with_a_client_redirect(personas, setting):
    response = personas.client("secretary").post(
        add_url(setting),
        {"add-organisation": personas.org_b.pk, "add-reason": "Nodig"},
        headers={"HX-Request": "true"},
    )
    assert response.status_code == 200
    assert response["HX-Redirect"] == detail_url(setting)


def test_an_error_keeps_the_input_and_names_the_field(personas, setting):
    response = personas.client("process_director").post(
        add_url(setting),
        {
            "add-organisation": personas.org_b.pk,
            "add-reason": "Reclassering op vader",
            "add-contact": personas.professional_a.pk,  # of org_a, not org_b
        },
    )
    assert response.status_code == 200
    html = page(response)
    # The list offers only the chosen organisation's case workers; another is refused at the field.
    assert "Kies een medewerker van de gekozen organisatie." in html
    assert 'value="Reclassering op vader"' in html
    assert response.context["add_form"].errors["contact"]
    assert not setting.case.involvements.filter(organisation=personas.org_b).exists()
    assert len(case_reads(setting)) == 1  # the page shown again is one view


def test_an_error_with_htmx_returns_only_the_involvements_section(personas, setting):
    response = personas.client("process_director").post(
        add_url(setting),
        {"add-organisation": personas.org_a.pk, "add-reason": "Nog eens"},
        headers={"HX-Request": "true"},
    )
    html = page(response)
    assert html.startswith('<section id="section-involvements"')
    assert "Deze organisatie is al betrokken bij de casus." in html
    assert "<html" not in html
    assert len(case_reads(setting)) == 1


def test_ending_with_an_end_before_the_start_shows_the_error_at_the_date(personas, setting):
    involvement = setting.case.involvements.get()
    earlier = (involvement.started_at - dt.timedelta(days=3)).date().isoformat()
    response = personas.client("process_director").post(
        end_url(setting, involvement),
        {f"end-{involvement.pk}-ended_at": earlier, f"end-{involvement.pk}-end_reason": "Overgedragen"},
    )
    assert response.status_code == 200
    form = response.context["involvement_rows"][0].end_form
    assert form.errors["ended_at"][0].startswith("Het einde ligt vóór het begin")
    assert "<details open>" in page(response)
    assert 'value="Overgedragen"' in page(response)
    assert CaseInvolvement.objects.get(pk=involvement.pk).ended_at is None


def test_ending_through_the_page_takes_the_case_from_the_partner(personas, setting):
    involvement = setting.case.involvements.get()
    response = personas.client("process_director").post(
        end_url(setting, involvement), {f"end-{involvement.pk}-end_reason": "Aanpak overgedragen"}
    )
    assert response.status_code == 302
    assert personas.client("professional_a").get(detail_url(setting)).status_code == 404
    html = page(personas.client("process_director").get(detail_url(setting)))
    assert "niet meer betrokken" in html and "Einde: Aanpak overgedragen" in html


# --- The list ------------------------------------------------------------------------------


def _cases_of(personas: Personas, count: int) -> None:
    for _ in range(count):
        referral = ReferralFactory(
            referring_organisation=personas.org_a, referrer=personas.professional_a, submitted=True
        )
        CasePartyFactory(referral=referral, role=PartyRole.SUBJECT, person__house=personas.house)
        CaseInvolvementFactory(case=CaseFactory(referral=referral), organisation=personas.org_a)


@pytest.mark.parametrize("count", [1, 30])
def test_list_queries_do_not_grow_with_the_number_of_cases(personas, count, django_assert_max_num_queries):
    _cases_of(personas, count)
    client = personas.client("professional_a")
    client.get(reverse("cases:case_list"))
    with django_assert_max_num_queries(20):  # the same bound for 1 and for 30 cases
        assert client.get(reverse("cases:case_list")).status_code == 200


def test_list_shows_the_subject_and_logs_who_was_shown(personas, setting):
    subject = setting.referral.parties.get(role=PartyRole.SUBJECT)
    response = personas.client("ambassador_a").get(reverse("cases:case_list"))
    html = page(response)
    assert subject.person.full_name in html
    assert personas.process_director.full_name in html and setting.case.meeting_type.name in html
    event = AuditEvent.objects.filter(action=AuditAction.READ, actor=personas.ambassador_a).get()
    assert set(event.subjects.values_list("kind", "subject_id")) == {
        ("case", setting.case.pk),
        ("person", subject.person_id),
    }


def test_an_empty_list_logs_nothing(personas, setting):
    html = page(personas.client("professional_b").get(reverse("cases:case_list")))
    assert "Er zijn geen casussen die u kunt zien." in html
    assert not AuditEvent.objects.filter(action=AuditAction.READ, actor=personas.professional_b).exists()


def test_list_filters_by_status_and_shows_active_cases_by_default(personas, setting):
    closed = CaseFactory(referral__referring_organisation=personas.org_a, status=CaseStatus.CLOSED)
    client = personas.client("process_director")
    closed_url = reverse("cases:case_detail", args=[closed.pk])
    assert closed_url not in page(client.get(reverse("cases:case_list")))
    assert closed_url in page(client.get(reverse("cases:case_list"), {"status": "closed"}))
    assert closed_url in page(client.get(reverse("cases:case_list"), {"status": ""}))
    assert detail_url(setting) not in page(client.get(reverse("cases:case_list"), {"status": "closed"}))


# --- Start page and navigation --------------------------------------------------------------


def test_start_page_lists_my_cases_with_whom_they_are_about(personas, setting):
    html = page(personas.client("professional_a").get(reverse("dashboards:start")))
    assert "Mijn casussen" in html and detail_url(setting) in html
    subject = setting.referral.parties.get(role=PartyRole.SUBJECT).person
    assert f"Casus {setting.case.pk}: {subject.full_name}" in html


def test_start_page_of_a_process_director_lists_the_cases_they_direct(personas, setting):
    other = CaseFactory(referral__referring_organisation=personas.org_a)  # another director
    html = page(personas.client("process_director").get(reverse("dashboards:start")))
    assert detail_url(setting) in html
    assert reverse("cases:case_detail", args=[other.pk]) not in html


@pytest.mark.parametrize("name", ["board_member", "administrator", "privacy_officer", "house_manager"])
def test_no_case_section_or_link_for_roles_that_see_no_cases(personas, setting, name):
    html = page(personas.client(name).get(reverse("dashboards:start")))
    assert detail_url(setting) not in html
    assert f'href="{reverse("cases:case_list")}"' not in html


def test_navigation_links_to_my_cases_for_case_workers(personas):
    html = page(personas.client("professional_b").get(reverse("dashboards:start")))
    assert f'href="{reverse("cases:case_list")}"' in html
