"""What is published, across pages and over time: destroying cases leaves every figure of the
past as it was; one count is shown the same (or hidden the same) wherever it appears; other
houses never count; no published cell of any dashboard is a small count."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from casustafel.audit.context import Actor
from casustafel.cases.models import Case, CaseStatus, EntryRoute
from casustafel.meeting_types.models_guides import SafetyPhase
from casustafel.meetings.models import AttendanceStatus
from casustafel.plans.models import FollowUpAnswer, GoalStatus, PhaseDirection
from casustafel.privacy.retention.services import case_destroy
from casustafel.reporting.grid import GridPeriod
from casustafel.reporting.indicators.base import Scope, house_scope
from casustafel.reporting.selectors import Dashboard, build_dashboard
from casustafel.reporting.services import indicator_catalogue_ensure
from casustafel.reporting.suppression import CellState
from casustafel.testing.factories import SafetyHouseFactory
from casustafel.testing.indicators import (
    agreement,
    attended,
    discussed,
    episode,
    follow_up,
    goals,
    invited,
    phase,
    scores,
)
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import meeting_type_of, moment, municipalities, submitted_referral

pytestmark = pytest.mark.django_db
YEAR = GridPeriod.of_year(2025)


@pytest.fixture(autouse=True)
def _later() -> Iterator[None]:
    with time_machine.travel(moment(2031, 6, 1), tick=False):
        yield


def published(dashboard: Dashboard) -> dict[tuple[str, str, str, str], str]:
    """Every published cell and headline of a dashboard, by panel, table, row and column."""
    found = {}
    for panel in dashboard.panels:
        if panel.result.headline:
            found[(panel.key, "headline", "", "")] = panel.result.headline.display
        for table in panel.result.tables:
            for row in table.all_rows:
                for column, cell in zip(table.columns, row.cells, strict=True):
                    found[(panel.key, table.key, row.label, column)] = cell.display
    return found


def busy_year(personas: Personas) -> list[Case]:
    """A year of everything the indicators count, in two municipalities."""
    aland, bedum = municipalities(personas, "Gemeente Aland", "Gemeente Bedum")
    mt = meeting_type_of(personas, "MDA++")
    cases = []
    for index in range(12):
        where = aland if index % 3 else bedum
        submitted_referral(
            personas, at=moment(2025, 1 + index, 3), route=EntryRoute.FIELD, municipality=where, contact_after_hours=10
        )
        closed = moment(2025, 10, 1 + index) if index < 8 else None
        case = episode(
            personas, meeting_type=mt, opened=moment(2025, 1 + index % 6, 5), closed=closed, municipality=where
        )
        phase(
            personas, case, SafetyPhase.DIRECT_SAFETY, moment(2025, 1 + index % 6, 6), direction=PhaseDirection.INITIAL
        )
        item = discussed(personas, case, moment(2025, 1 + index % 6, 20))
        scores(personas, item, [4 + index % 3, 6])
        later = discussed(personas, case, moment(2025, 8, 1 + index))
        scores(personas, later, [6 + index % 4])
        attended(
            personas,
            invited(item, personas.org_b),
            AttendanceStatus.PRESENT if index % 4 else AttendanceStatus.ABSENT_WITH_NOTICE,
        )
        agreement(personas, case, due=dt.date(2025, 7, 1 + index), done_at=moment(2025, 6, 30) if index % 2 else None)
        goals(case, GoalStatus.ACHIEVED if index % 3 else GoalStatus.NOT_ACHIEVED)
        if closed:
            follow_up(case, 3, dt.date(2026, 1, 1 + index), new_incidents=FollowUpAnswer.NO)
        cases.append(case)
    return cases


def test_destroying_cases_leaves_every_figure_of_the_past_as_it_was(personas: Personas) -> None:
    cases = busy_year(personas)
    indicator_catalogue_ensure(personas.house)
    before = published(build_dashboard(personas.house, YEAR))
    destroyed = 0
    for case in cases:
        if case.closed_at is not None:
            Case.objects.filter(pk=case.pk).update(retention_until=dt.date(2030, 1, 1))
            case_destroy(actor=Actor.system(), case=Case.objects.get(pk=case.pk))
            destroyed += 1
    assert destroyed == 8 and Case.objects.filter(status=CaseStatus.DESTROYED).count() == 8
    after = published(build_dashboard(personas.house, YEAR))
    assert after == before
    assert before[("cases_closed", "headline", "", "")] == "8"


def test_one_count_is_shown_or_hidden_the_same_on_every_page(personas: Personas) -> None:
    busy_year(personas)
    indicator_catalogue_ensure(personas.house)
    aland = next(pk for pk, (name, _a) in _municipalities(personas).items() if name == "Gemeente Aland")
    for period in (YEAR, GridPeriod.of_quarter(2025, 1), GridPeriod.of_month(2025, 3)):
        house = build_dashboard(personas.house, period)
        scoped = build_dashboard(personas.house, period, Scope("municipality", aland, "Gemeente Aland"))
        table = house.panel("referrals_route").result.table("referrals_route-municipalities")
        in_house = table.row("Gemeente Aland").cells[0]
        headline = scoped.panel("referrals_route").result.headline
        assert headline is not None
        assert headline.display == in_house.display, period


def _municipalities(personas: Personas) -> dict[int, tuple[str, bool]]:
    from casustafel.reporting.indicators.base import Context

    return Context(house=personas.house, period=YEAR, scope=house_scope(personas.house), threshold=5).municipalities


def test_other_houses_are_not_counted(personas: Personas) -> None:
    busy_year(personas)
    indicator_catalogue_ensure(personas.house)
    before = published(build_dashboard(personas.house, YEAR))
    other = SafetyHouseFactory(name="Zorg- en Veiligheidshuis Elders 2")
    from casustafel.testing.cases import ReferralFactory

    for day in range(1, 20):
        ReferralFactory(
            house=other, submitted_at=moment(2025, 3, day), status="submitted", entry_route=EntryRoute.FIELD
        )
    assert published(build_dashboard(personas.house, YEAR)) == before


def test_no_published_cell_of_any_dashboard_is_a_small_count(personas: Personas) -> None:
    busy_year(personas)
    indicator_catalogue_ensure(personas.house)
    context = _municipalities(personas)
    scopes = [house_scope(personas.house), *(Scope("municipality", pk, name) for pk, (name, _a) in context.items())]
    periods = [YEAR, *YEAR.quarters(), *YEAR.months()]
    for period in periods:
        for scope in scopes:
            dashboard = build_dashboard(personas.house, period, scope)
            for panel in dashboard.panels:
                for table in panel.result.tables:
                    for row in table.all_rows:
                        for cell in row.cells:
                            if cell.state is CellState.VISIBLE and isinstance(cell.value, int):
                                assert not 0 < cell.value < 5, (period.key, scope.key, table.key, row.label)
