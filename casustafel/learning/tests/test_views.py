"""The learning pages: bad input answered next to the field with the input kept, and the number
of queries of every list and overview the same for a small and a large house."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

import pytest

from casustafel.learning.models import EffortEntry
from casustafel.learning.selectors_results import SERIES_LENGTH
from casustafel.learning.services_effort import effort_entry_record
from casustafel.learning.services_improvement import improvement_action_create, value_rating_record
from casustafel.testing.learning import answer_all, assessment_round, learning_setting, participants
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


def test_an_effort_entry_with_bad_hours_is_answered_next_to_the_field_and_the_note_kept(personas):
    client = personas.client("professional_a")
    response = client.post(
        "/leren/inspanning/",
        {
            "month": f"{timezone.localdate():%Y-%m}",
            "activity": "coordination",
            "direction": "more",
            "hours": "twee",
            "evidence": "felt",
            "note": "Bellen met de wijkagent",
        },
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Vul een aantal uren in, bijv. 2,5." in content
    assert 'value="Bellen met de wijkagent"' in content
    assert not EffortEntry.objects.exists()


def test_a_second_rating_for_the_same_year_shows_the_first_and_then_replaces_it(personas):
    setting = learning_setting(personas)
    year = timezone.localdate().year
    value_rating_record(
        actor=actor_for(personas, "ambassador_a"), action=setting.action, year=year, rating=2, narrative="Matig"
    )
    client = personas.client("professional_a")
    data = {
        "rating-year": year,
        "rating-rating": 4,
        "rating-narrative": "Beter",
        "rating-aspect": "",
        "rating-version": "",
    }
    response = client.post(f"/leren/verbeteracties/{setting.action.pk}/waardering/", data)
    assert response.status_code == 200
    assert "al gewaardeerd (2 - matig)" in response.content.decode()
    assert 'name="rating-version" value="1"' in response.content.decode()
    data["rating-version"] = "1"
    response = client.post(f"/leren/verbeteracties/{setting.action.pk}/waardering/", data)
    assert response.status_code == 302
    assert setting.action.value_ratings.get().rating == 4


def _grow(personas, setting, times):
    """More of everything: actions, ratings, effort, rounds with answers."""
    manager = actor_for(personas, "process_director")
    year = timezone.localdate().year
    for number in range(times):
        action = improvement_action_create(
            actor=manager,
            plan=setting.plan,
            title=f"Actie {number}",
            organisation=personas.org_a,
            owner=personas.professional_a,
            due_date=timezone.localdate() - dt.timedelta(days=number + 1),
            indicators=[(f"indicator_{number}", "up")],
        )
        value_rating_record(
            actor=actor_for(personas, "professional_a"), action=action, year=year, rating=3, narrative="x"
        )
        effort_entry_record(
            actor=actor_for(personas, "professional_a"),
            house=personas.house,
            organisation=personas.org_a,
            month=timezone.localdate(),
            activity="coordination",
            direction="more",
            hours=Decimal("1"),
            evidence="estimated",
            action=action,
        )
        round_ = assessment_round(personas, title=f"Ronde {number}", invite=participants(personas, 5))
        answer_all(round_)


PAGES = [
    ("process_director", lambda s: "/leren/"),
    ("professional_a", lambda s: "/leren/"),
    ("process_director", lambda s: f"/leren/verbeterplannen/{s.plan.pk}/"),
    ("process_director", lambda s: f"/leren/verbeteracties/{s.action.pk}/"),
    ("process_director", lambda s: "/leren/inspanning/"),
    ("board_member", lambda s: "/leren/inspanning/overzicht/"),
    ("board_member", lambda s: f"/leren/zelfevaluaties/{s.open.pk}/resultaten/"),
    ("process_director", lambda s: f"/leren/zelfevaluaties/{s.open.pk}/"),
    ("professional_a", lambda s: f"/leren/zelfevaluaties/{s.open.pk}/invullen/"),
    ("process_director", lambda s: "/"),
    ("professional_b", lambda s: "/"),
]


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


def test_the_learning_pages_cost_the_same_queries_for_a_small_and_a_large_house(personas):
    setting = learning_setting(personas)
    # The results page compares up to SERIES_LENGTH rounds: fill the series before measuring.
    for number in range(SERIES_LENGTH - 1):
        answer_all(assessment_round(personas, title=f"Eerder {number}", invite=participants(personas, 5)))
    effort_entry_record(
        actor=actor_for(personas, "professional_a"),
        house=personas.house,
        organisation=personas.org_a,
        month=timezone.localdate(),
        activity="preparing",
        direction="less",
        hours=Decimal("2"),
        evidence="felt",
        action=setting.action,
    )
    clients = {name: personas.client(name) for name in {name for name, _url in PAGES}}
    for client in clients.values():  # the first request of a session also writes it
        client.get("/")
    small = {index: _queries(clients[name], url(setting)) for index, (name, url) in enumerate(PAGES)}
    _grow(personas, setting, 6)
    large = {index: _queries(clients[name], url(setting)) for index, (name, url) in enumerate(PAGES)}
    grown = {PAGES[i][1](setting): (small[i], large[i]) for i in small if small[i] != large[i]}
    assert not grown, f"query counts grew with the data: {grown}"
    assert max(large.values()) <= 40
