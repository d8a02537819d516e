"""The leak table of the retention pages and of closing a case (see casustafel/testing/leak.py).
Imported by casustafel/privacy/leak_cases.py, which the leak test collects."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from casustafel.cases.models import Case
from casustafel.privacy.models import RetentionExtension
from casustafel.testing.cases import MeetingTypeFactory
from casustafel.testing.leak import (
    CASE_VIEWERS,
    OUTSIDER_PROCESS_DIRECTOR,
    LeakCase,
    LeakScenario,
    register,
)
from casustafel.testing.retention import close, rich_case

RETENTION_READERS = frozenset({"privacy_officer", "process_director"})


def closed_case(scenario: LeakScenario) -> Case:
    """A second case of the house, closed 360 days ago with a one-year term: due for
    destruction within the month; org_a is involved in it, as in the scenario's case.

    Made on first use rather than as a `scenario_step`: the scenario's exact visible sets
    (tests/test_leak.py) count one case per house, and only these leak cases need a second.
    """
    if "closed_case" not in scenario.extra:
        meeting_type = MeetingTypeFactory(house=scenario.house, name="Nazorg (bewaartermijn)", retention_years=1)
        case = rich_case(scenario.personas, meeting_type=meeting_type, with_information=False)
        Case.objects.filter(pk=case.pk).update(opened_at=timezone.now() - dt.timedelta(days=400))
        scenario.extra["closed_case"] = close(
            scenario.personas, case, closed_on=timezone.localdate() - dt.timedelta(days=360)
        )
    return scenario.extra["closed_case"]


def _closed(s: LeakScenario) -> dict[str, int]:
    return {"pk": closed_case(s).pk}


def _extension(s: LeakScenario) -> dict[str, object]:
    case = Case.objects.get(pk=closed_case(s).pk)
    assert case.retention_until is not None
    new_date = case.retention_until + dt.timedelta(days=10 + RetentionExtension.objects.filter(case=case).count())
    return {"new_date": new_date.isoformat(), "reason": "Lopende klachtprocedure", "version": case.version}


def _close(s: LeakScenario) -> dict[str, object]:
    case = Case.objects.get(pk=s.case.pk)
    return {"closed_on": timezone.localdate().isoformat(), "reason": "Doelen bereikt", "version": case.version}


register(
    # Each house's privacy officer and process directors see their own house's overview; only
    # this house's see the closed case on it.
    LeakCase(
        "privacy:retention_overview",
        sees=RETENTION_READERS | {OUTSIDER_PROCESS_DIRECTOR},
        shows=lambda s: f"/privacy/bewaartermijnen/casussen/{closed_case(s).pk}/",
        shown_to=RETENTION_READERS,
        reads=0,
    ),
    LeakCase("privacy:retention_case", sees=RETENTION_READERS, kwargs=_closed, reads=1),
    LeakCase(
        "privacy:retention_case",
        method="post",
        ok=302,
        sees=frozenset({"privacy_officer"}),
        forbidden=frozenset({"process_director"}),
        kwargs=_closed,
        data=_extension,
        label="extend",
    ),
    # The active case of the scenario: its viewers may open the closing page only when they
    # are a process director of the house.
    LeakCase(
        "cases:case_close",
        sees=frozenset({"process_director"}),
        forbidden=CASE_VIEWERS - {"process_director"},
        kwargs=lambda s: {"pk": s.case.pk},
        reads=0,
    ),
    LeakCase(
        "cases:case_close",
        method="post",
        ok=302,
        sees=frozenset({"process_director"}),
        forbidden=CASE_VIEWERS - {"process_director"},
        kwargs=lambda s: {"pk": s.case.pk},
        data=_close,
        label="close",
    ),
)
