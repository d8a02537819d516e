"""A start page shows what needs attention first: a section whose rows also stand in a full
list shows 10 of them and links to that list; other sections show up to 20 (issue 9, target 1)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.cases.models import CaseStatus
from casustafel.testing.cases import CaseFactory
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import submitted_referral

pytestmark = pytest.mark.django_db


def test_awaiting_triage_shows_ten_and_links_to_the_triage_list(personas: Personas) -> None:
    for _ in range(12):
        submitted_referral(personas, at=timezone.now())
    html = personas.client("process_director").get(reverse("dashboards:start")).content.decode()
    assert "10 van 12 getoond." in html
    assert (
        f'href="{reverse("cases:triage_list")}">Toon alle<span class="rhc-visually-hidden">: Wachten op triage' in html
    )


def test_a_process_directors_cases_link_to_the_case_list_of_their_own(personas: Personas) -> None:
    for _ in range(11):
        CaseFactory(referral__house=personas.house, process_director=personas.process_director)
    CaseFactory(referral__house=personas.house)  # another director's: not theirs
    client = personas.client("process_director")
    html = client.get(reverse("dashboards:start")).content.decode()
    assert "10 van 11 getoond." in html
    own = f"{reverse('cases:case_list')}?status={CaseStatus.ACTIVE}&regie=mij"
    assert f'href="{own.replace("&", "&amp;")}">Toon alle' in html
    response = client.get(own)
    assert response.context["page"].paginator.count == 11
    everything = client.get(f"{reverse('cases:case_list')}?status={CaseStatus.ACTIVE}")
    assert everything.context["page"].paginator.count == 12


def test_only_a_process_director_narrows_the_case_list_to_their_own(personas: Personas) -> None:
    CaseFactory(referral__house=personas.house, process_director=personas.process_director)
    CaseFactory(referral__house=personas.house)
    response = personas.client("secretary").get(f"{reverse('cases:case_list')}?regie=mij")
    assert response.context["page"].paginator.count == 2  # the secretary sees the house's cases
    assert 'name="regie"' not in response.content.decode()
