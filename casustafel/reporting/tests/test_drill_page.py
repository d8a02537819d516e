"""The drill-down page names what it drills from: the indicator (the house's own name and
definition), the period and the dashboard's filter, with a way back to the dashboard as it was.
The list still goes through `Case.objects.visible_to`, every shown case is in the read event, and
the board never drills down."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal

from django.urls import reverse

import pytest
import time_machine

from casustafel.audit.context import Actor
from casustafel.audit.models import AuditAction, AuditEvent
from casustafel.meeting_types.models import MeetingType
from casustafel.reporting.models import Indicator
from casustafel.reporting.services import indicator_catalogue_install, indicator_revise
from casustafel.testing.indicators import episode
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import meeting_type_of, moment, municipalities

pytestmark = pytest.mark.django_db

TODAY = moment(2026, 1, 15)


@pytest.fixture(autouse=True)
def _today() -> Iterator[object]:
    with time_machine.travel(TODAY, tick=False) as traveller:
        yield traveller


@pytest.fixture
def aland(personas: Personas) -> object:
    """Six cases opened in 2025 in Aland and five in Bland, all in one meeting type; the house
    renamed the indicator, so the page must show the house's words."""
    aland, bland = municipalities(personas, "Gemeente Aland", "Gemeente Bland")
    mt = meeting_type_of(personas, "Casus-op-Maat")
    for _ in range(6):
        episode(personas, meeting_type=mt, opened=moment(2025, 2, 1), municipality=aland)
    for _ in range(5):
        episode(personas, meeting_type=mt, opened=moment(2025, 3, 1), municipality=bland)
    actor = Actor(user=personas.house_manager, membership=personas.memberships["house_manager"])
    indicator_catalogue_install(actor=actor, house=personas.house)
    indicator = Indicator.objects.get(house=personas.house, key="cases_opened")
    indicator_revise(
        actor=actor,
        indicator=indicator,
        expected_version=indicator.version,
        reason="Eigen woorden",
        name="Nieuwe casussen van het huis",
        counts="Elke casus die het huis in de periode opende.",
        target=Decimal(10),
        target_direction="at_least",
    )
    return aland


def _drill(personas: Personas, **params: str) -> str:
    response = personas.client("process_director").get(reverse("reporting:drill"), params)
    assert response.status_code == 200
    return response.content.decode()


def test_drill_page_names_the_indicator_its_definition_period_and_filter(personas: Personas, aland: object) -> None:
    html = _drill(personas, source="cases_opened", cell=f"g:{aland.pk}|*", period="2025", scope=f"g:{aland.pk}")  # type: ignore[attr-defined]

    assert '<h1 class="utrecht-heading-1">Casussen achter een cijfer: Nieuwe casussen van het huis</h1>' in html
    assert "Elke casus die het huis in de periode opende." in html
    assert "(versie 2)" in html
    assert "<dd>2025</dd>" in html
    assert "<dt>Filter van de rapportage</dt><dd>Gemeente Aland</dd>" in html
    assert len(re.findall(r'href="/casussen/\d+/"', html)) == 6
    back = f'href="/rapportage/?period=2025&amp;scope=g%3A{aland.pk}#panel-cases_opened"'  # type: ignore[attr-defined]
    assert back in html
    assert reverse("reporting:indicator", kwargs={"key": "cases_opened"}) in html


def test_a_row_of_a_house_table_keeps_the_house_filter_and_names_the_row(personas: Personas, aland: object) -> None:
    html = _drill(personas, source="cases_opened", cell=f"g:{aland.pk}|*", period="2025", scope="h")  # type: ignore[attr-defined]

    assert "<dt>Filter van de rapportage</dt><dd>Zorg- en Veiligheidshuis Testregio</dd>" in html
    assert "<dt>Rij van de tabel</dt><dd>Gemeente Aland</dd>" in html
    assert 'href="/rapportage/?period=2025&amp;scope=h#panel-cases_opened"' in html


def test_a_filter_the_count_does_not_lie_within_is_refused(personas: Personas, aland: object) -> None:
    meeting_type = MeetingType.objects.get(house=personas.house, name="Casus-op-Maat")
    response = personas.client("process_director").get(
        reverse("reporting:drill"),
        {"source": "cases_opened", "cell": "h|*", "period": "2025", "scope": f"m:{meeting_type.pk}"},
    )
    assert response.status_code == 404


def test_dashboard_drill_links_carry_the_dashboard_filter(personas: Personas, aland: object) -> None:
    client = personas.client("process_director")
    house = client.get(reverse("reporting:report"), {"period": "2025", "scope": "h"}).content.decode()
    assert "?source=cases_opened&amp;cell=h%7C%2A&amp;period=2025&amp;scope=h" in house
    scope = f"g%3A{aland.pk}"  # type: ignore[attr-defined]
    own = client.get(reverse("reporting:report"), {"period": "2025", "scope": f"g:{aland.pk}"}).content.decode()  # type: ignore[attr-defined]
    assert f"?source=cases_opened&amp;cell={scope}%7C%2A&amp;period=2025&amp;scope={scope}" in own


def test_every_shown_case_is_in_the_read_event_with_the_filter(personas: Personas, aland: object) -> None:
    last = AuditEvent.objects.order_by("-sequence").first()
    _drill(personas, source="cases_opened", cell="h|*", period="2025", scope="h")
    event = AuditEvent.objects.filter(sequence__gt=last.sequence if last else 0, action=AuditAction.READ).get()
    assert len(event.changes["case_ids"][1]) == 11
    assert event.changes["report"][1]["scope"] == "h"


def test_the_board_never_drills_down(personas: Personas, aland: object) -> None:
    for name in ("board_member", "house_manager"):
        response = personas.client(name).get(
            reverse("reporting:drill"), {"source": "cases_opened", "cell": "h|*", "period": "2025", "scope": "h"}
        )
        assert response.status_code == 404
    dashboard = personas.client("board_member").get(reverse("reporting:report"), {"period": "2025"})
    assert reverse("reporting:drill") not in dashboard.content.decode()
