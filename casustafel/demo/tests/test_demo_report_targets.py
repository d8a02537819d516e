"""The demo's report shows the house's norms against its values and figures from outside
(demo/learning.py): targets with an owner on the main process indicators, and the police's
domestic-violence incidents per municipality with their source named."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse
from django.utils import timezone

import pytest

from casustafel.demo.builder import DemoRegion
from casustafel.demo.learning import POLICE_INDICATOR, POLICE_SOURCE, TARGETS
from casustafel.organisations.models import Role
from casustafel.reporting.grid import Grain, GridPeriod
from casustafel.reporting.models import ExternalFigure, FigureStatus, Indicator, IndicatorSource
from casustafel.reporting.selectors import build_dashboard, catalogue
from casustafel.testing.personas import login_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def region(demo_region: DemoRegion) -> DemoRegion:
    """The run's one demo build (casustafel/demo/tests/conftest.py)."""
    return demo_region


def _client(region: DemoRegion, role: Role) -> Client:
    client = Client()
    login_verified(client, region.staff(role).user)
    return client


def _last_year() -> GridPeriod:
    return GridPeriod(timezone.localdate().year - 1, Grain.YEAR)


class TestDemoReportTargets:
    def test_main_process_indicators_have_a_target_and_an_owner_in_a_new_version(self, region: DemoRegion) -> None:
        entries = {item.key: item for item in catalogue(region.house)}
        for key, direction, target, owner in TARGETS:
            version = entries[key].version
            assert (version.target, version.target_direction, version.owner) == (target, direction, owner)
            assert version.number == 2
            assert version.created_by == region.staff(Role.HOUSE_MANAGER).user
            assert "bestuurscommissie" in version.reason

    def test_dashboard_shows_targets_against_values(self, region: DemoRegion) -> None:
        built = build_dashboard(region.house, _last_year())
        judged = [built.panel(key).target for key, *_rest in TARGETS]
        # Every norm is shown; on a year of the demo most values are visible and judged (first
        # contact stays hidden: fewer than the threshold were late, so "within" would give it away).
        assert all(target.label for target in judged)
        assert sum(target.verdict != "" for target in judged) >= 3
        assert {target.verdict for target in judged} >= {"streefwaarde gehaald", "streefwaarde niet gehaald"}

        query = {"period": _last_year().key, "scope": "h"}
        page = _client(region, Role.BOARD).get(reverse("reporting:report"), query).content.decode()
        assert "minimaal 80%" in page
        assert "maximaal 14 dagen" in page
        assert "streefwaarde gehaald" in page
        assert "streefwaarde niet gehaald" in page

    def test_police_incidents_per_municipality_with_their_source(self, region: DemoRegion) -> None:
        indicator = Indicator.objects.get(house=region.house, key=POLICE_INDICATOR)
        version = indicator.versions.get()
        assert version.source == IndicatorSource.EXTERNAL
        assert version.source_name == POLICE_SOURCE
        figures = ExternalFigure.objects.filter(indicator=indicator)
        this_year = timezone.localdate().year
        # Nine municipalities and the whole house, for each of the last two completed years.
        assert figures.filter(period=str(this_year - 2), status=FigureStatus.DEFINITIVE).count() == 10
        assert figures.filter(period=str(this_year - 1), status=FigureStatus.PROVISIONAL).count() == 10
        house = figures.get(period=str(this_year - 1), municipality=None)
        by_municipality = figures.filter(period=str(this_year - 1), municipality__isnull=False)
        assert house.value == sum(figure.value for figure in by_municipality)
        assert 800 < house.value < 1200  # about a thousand a year, as the screeningsoverleg saw

    def test_dashboard_shows_the_outside_figures_with_their_source(self, region: DemoRegion) -> None:
        client = _client(region, Role.PROCESS_DIRECTOR)
        period = _last_year()
        page = client.get(reverse("reporting:report"), {"period": period.key, "scope": "h"}).content.decode()
        assert "Incidenten huiselijk geweld volgens de politie" in page
        assert f"bron: {POLICE_SOURCE}, jaaroverzicht {period.year}" in page
        assert "Gemeente Hilversum" in page

        hilversum = region.organisations["gemeente_hilversum"]
        scoped = client.get(reverse("reporting:report"), {"period": period.key, "scope": f"g:{hilversum.pk}"})
        figure = ExternalFigure.objects.get(indicator__key=POLICE_INDICATOR, period=period.key, municipality=hilversum)
        assert f"<strong>{int(figure.value)}</strong>" in scoped.content.decode()
