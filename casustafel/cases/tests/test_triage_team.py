"""The triage team is found by a search, never picked from a list of the whole house (issue 8,
point 8; issue 9, target 1), and the triage page keeps the evaluation in view (point 7)."""

from __future__ import annotations

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

import pytest

from casustafel.cases.models import Triage
from casustafel.organisations.models import Role
from casustafel.testing.factories import MembershipFactory, OrganisationFactory, UserFactory
from casustafel.testing.personas import Personas
from casustafel.testing.triage import TriageSetting, post_data, triage_setting

pytestmark = pytest.mark.django_db


@pytest.fixture
def setting(personas: Personas) -> TriageSetting:
    return triage_setting(personas)


def _members(personas: Personas, count: int, organisation_name: str) -> list[int]:
    organisation = OrganisationFactory(house=personas.house, name=organisation_name)
    users = [UserFactory(full_name=f"Teamlid {organisation_name} {n:03d}") for n in range(count)]
    for user in users:
        MembershipFactory(user=user, organisation=organisation, role=Role.PROFESSIONAL)
    return [user.pk for user in users]


def _page(personas: Personas, setting: TriageSetting) -> tuple[str, int]:
    client = personas.client("process_director")
    url = reverse("cases:triage_detail", args=[setting.referral.pk])
    client.get(url)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(url).content.decode()
    return page, len(queries)


def test_the_triage_page_lists_no_house_members_and_its_queries_do_not_grow_with_them(
    personas: Personas, setting: TriageSetting
) -> None:
    _members(personas, 3, "GGZ Klein")
    few_page, few_queries = _page(personas, setting)
    _members(personas, 60, "Politie Groot")
    many_page, many_queries = _page(personas, setting)
    assert "Teamlid" not in few_page and "Teamlid" not in many_page
    assert many_queries == few_queries
    assert len(many_page) - len(few_page) < 500  # no option per member


def test_the_search_finds_members_by_name_or_organisation_grouped_and_leaves_out_the_chosen(
    personas: Personas, setting: TriageSetting
) -> None:
    ggz = _members(personas, 2, "GGZ Centraal")
    _members(personas, 2, "Reclassering")
    client = personas.client("process_director")
    url = reverse("cases:triage_team_search", args=[setting.referral.pk])
    by_organisation = client.get(url, {"team_q": "ggz"}).content.decode()
    assert "<legend" in by_organisation and "GGZ Centraal" in by_organisation
    assert "Teamlid GGZ Centraal 000" in by_organisation and "Reclassering" not in by_organisation
    without_chosen = client.get(url, {"team_q": "ggz", "team_members": [ggz[0]]}).content.decode()
    assert "Teamlid GGZ Centraal 000" not in without_chosen and "Teamlid GGZ Centraal 001" in without_chosen
    by_name = client.get(url, {"team_q": "reclassering 001"}).content.decode()
    assert "Teamlid Reclassering 001" in by_name and "Teamlid Reclassering 000" not in by_name
    assert "Niemand gevonden" in client.get(url, {"team_q": "xyzzy"}).content.decode()


def test_the_search_is_bounded_and_its_queries_do_not_grow(personas: Personas, setting: TriageSetting) -> None:
    client = personas.client("process_director")
    url = reverse("cases:triage_team_search", args=[setting.referral.pk])
    _members(personas, 5, "Jeugdzorg")
    client.get(url, {"team_q": "teamlid"})  # the session's first request pays for its log-in
    with CaptureQueriesContext(connection) as few:
        client.get(url, {"team_q": "teamlid"})
    _members(personas, 60, "Jeugdzorg Noord")
    with CaptureQueriesContext(connection) as many:
        page = client.get(url, {"team_q": "teamlid"}).content.decode()
    assert len(many) == len(few)
    assert page.count('type="checkbox"') == 20


def test_secretaries_read_but_do_not_search_the_team(personas: Personas, setting: TriageSetting) -> None:
    url = reverse("cases:triage_team_search", args=[setting.referral.pk])
    assert personas.client("secretary").get(url, {"team_q": "a"}).status_code == 403
    assert personas.client("professional_a").get(url, {"team_q": "a"}).status_code == 404


def test_without_javascript_the_search_is_a_submit_that_saves_nothing_and_keeps_the_input(
    personas: Personas, setting: TriageSetting
) -> None:
    ggz = _members(personas, 2, "GGZ Centraal")
    data = post_data(setting.version, setting.referral)
    reason_field = next(key for key in data if key.startswith("reason_"))
    data.update({"action": "search_team", "team_q": "GGZ", "team_members": [ggz[0]], reason_field: "Mijn onderbouwing"})
    response = personas.client("process_director").post(
        reverse("cases:triage_detail", args=[setting.referral.pk]), data
    )
    page = response.content.decode()
    assert response.status_code == 200
    assert not Triage.objects.exists()
    assert f'value="{ggz[0]}" id="team-member-{ggz[0]}" checked' in page  # chosen stays chosen
    assert "Teamlid GGZ Centraal 001" in page  # found, to tick
    assert "Mijn onderbouwing" in page


def test_the_chosen_team_is_saved(personas: Personas, setting: TriageSetting) -> None:
    ggz = _members(personas, 2, "GGZ Centraal")
    data = post_data(setting.version, setting.referral, action="save", team_members=ggz)
    response = personas.client("process_director").post(
        reverse("cases:triage_detail", args=[setting.referral.pk]), data
    )
    assert response.status_code == 302
    assert sorted(Triage.objects.get().team_members.values_list("pk", flat=True)) == sorted(ggz)


def test_a_sticky_summary_says_which_criteria_are_met_unknown_or_not_met(
    personas: Personas, setting: TriageSetting
) -> None:
    client = personas.client("process_director")
    data = post_data(setting.version, setting.referral)
    data[f"verdict_{setting.criterion('a2').pk}"] = "does_not_meet"
    data[f"verdict_{setting.criterion('e').pk}"] = "unknown"
    response = client.post(reverse("cases:triage_evaluate", args=[setting.referral.pk]), data)
    page = response.content.decode()
    assert 'id="triage-summary" class="ct-triage-summary" aria-labelledby="heading-summary" hx-swap-oob="true"' in page
    summary = page[page.index('id="triage-summary"') :]
    assert "<dt>Voldoet niet</dt><dd>a2</dd>" in summary and "<dt>Onbekend</dt><dd>e</dd>" in summary
    assert "<dt>Voldoet</dt><dd>a1, a3, a4, b, c, d</dd>" in summary


def test_answered_criteria_fold_away_and_open_ones_stay_open(personas: Personas, setting: TriageSetting) -> None:
    data = post_data(setting.version, setting.referral, action="save")
    first_leaf = setting.criterion("a1").pk
    data[f"reason_{first_leaf}"] = ""
    data[f"verdict_{first_leaf}"] = ""
    saved = personas.client("process_director").post(reverse("cases:triage_detail", args=[setting.referral.pk]), data)
    assert saved.status_code == 302, saved.content.decode()[-3000:]
    page = personas.client("process_director").get(reverse("cases:triage_detail", args=[setting.referral.pk]))
    html = page.content.decode()
    a1 = html[html.index(f'id="criterion-{first_leaf}"') :]
    b = html[html.index(f'id="criterion-{setting.criterion("b").pk}"') :]
    assert a1.split(">", 2)[1].strip().startswith('<details class="ct-criterion__leaf" open')
    assert b.split(">", 2)[1].strip() == '<details class="ct-criterion__leaf"'
