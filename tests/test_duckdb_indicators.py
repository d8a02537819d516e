"""The DuckDB reference of the dashboard benchmark (`bench/duckdb_indicators.py`) and the app's
own indicators give the same numbers, on a tiny data set with the cases the definitions turn on:
re-entries, discussions spanning periods, agreements done on the due day, an hour late, declined,
made after the year, attendance and client participation of every kind, withdrawn goals. So the
benchmark's comparison cannot silently drift from the app (issue 12, performance)."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Iterator
from pathlib import Path

import pytest
import time_machine

from bench import duckdb_indicators as duck
from casustafel.cases.models import EntryRoute, ReferralStatus
from casustafel.meetings.models import AttendanceStatus, MeetingStatus, ParticipationMode
from casustafel.plans.models import AgreementEnd, AgreementResponse, GoalStatus
from casustafel.testing.cases import PersonFactory
from casustafel.testing.indicators import agreement, attended, clients, discussed, episode, goals, held_meeting, invited
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import meeting_type_of, moment, municipalities, submitted_referral

NOW = moment(2026, 2, 1)


@pytest.fixture(autouse=True)
def _february_2026() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


def _data(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")
    (aland, bedum) = municipalities(personas, "Gemeente Aland", "Gemeente Bedum")
    for day, route, status in ((3, EntryRoute.TOP_X, ReferralStatus.ACCEPTED), (20, EntryRoute.FIELD, "rejected"),
                               (31, EntryRoute.FIELD, ReferralStatus.SUBMITTED)):  # fmt: skip
        submitted_referral(personas, at=moment(2025, 3, day, 23), route=route, status=status, municipality=aland,
                           contact_after_hours=30 if day != 20 else 50, decided_after_days=3.5)  # fmt: skip
    submitted_referral(personas, at=moment(2024, 12, 31, 23), municipality=bedum)  # due in the next year
    person = PersonFactory(house=personas.house)
    first = episode(personas, meeting_type=mt, opened=moment(2025, 1, 10), closed=moment(2025, 3, 1), person=person,
                    municipality=aland)  # fmt: skip
    again = episode(personas, meeting_type=mt, opened=moment(2025, 3, 20), person=person, previous=first,
                    municipality=bedum)  # fmt: skip
    other = episode(personas, meeting_type=mt, opened=moment(2024, 11, 2), closed=moment(2025, 12, 31, 23))
    discussed(personas, first, moment(2025, 2, 3))
    discussed(personas, again, moment(2025, 3, 25))
    discussed(personas, other, moment(2025, 2, 10))
    discussed(personas, other, moment(2025, 5, 12))
    cancelled = held_meeting(personas, mt, moment(2025, 6, 1), status=MeetingStatus.CANCELLED)
    discussed(personas, again, moment(2025, 6, 1), meeting=cancelled)
    for month in (4, 7):
        item = discussed(personas, again, moment(2025, month, 3))
        attended(personas, invited(item, personas.org_a), AttendanceStatus.PRESENT)
        attended(personas, invited(item, personas.org_b), AttendanceStatus.ABSENT_WITH_NOTICE)
        attended(personas, invited(item, personas.office, crucial=False), AttendanceStatus.PRESENT)
        clients(item, invited=True, mode=ParticipationMode.ONLINE, debrief_on=dt.date(2025, month, 9))
        later = discussed(personas, other, moment(2025, month, 28))
        attended(personas, invited(later, personas.org_b), AttendanceStatus.ABSENT_WITHOUT_NOTICE)
        invited(later, personas.org_a)
        clients(later, invited=False)
    for day in (10, 24):
        due = dt.date(2025, 6, day)
        agreement(personas, again, due=due, done_at=moment(2025, 6, day - 1))
        agreement(personas, again, due=due, done_at=moment(2025, 6, day, 22), organisation=personas.org_b)
        agreement(personas, again, due=due, done_at=moment(2025, 6, day + 1))
        agreement(personas, again, due=due)
        agreement(personas, again, due=due, response=AgreementResponse.DECLINED, responded_at=moment(2025, 6, 1))
        agreement(personas, again, due=due, done_at=moment(2025, 6, 2), end=AgreementEnd.CANCELLED)
        agreement(personas, again, due=due, due_time=dt.time(10, 0), done_at=moment(2025, 6, day, 11))
    agreement(personas, other, due=dt.date(2025, 11, 1), done_at=moment(2026, 1, 10))
    agreement(personas, other, due=dt.date(2025, 12, 1), created=moment(2026, 1, 5))
    goals(first, GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.ON_TRACK, withdrawn=1)
    goals(other, GoalStatus.ACHIEVED, GoalStatus.NOT_STARTED)
    goals(again, GoalStatus.ACHIEVED)


def test_duckdb_and_the_app_give_the_same_numbers(personas: Personas, tmp_path: Path) -> None:
    _data(personas)
    written = duck.export_parquet(tmp_path)
    assert written["agreement"] == 16 and written["item"] == 9
    connection = duck.connect(tmp_path)
    duck.prepare(connection)
    for key in [key for group in duck.GROUPS.values() for key in group]:
        for year in (2024, 2025):
            app = duck.app_result(key, year=year, houses=[personas.house])
            other = duck.duck_result(connection, key, year=year, house=personas.house.pk)
            assert duck.differences(app, other) == [], (key, year)
            if year == 2025:
                assert app, f"{key}: nothing to compare in 2025"
    # The comparison itself notices a difference.
    counted = duck.app_result("agreements_on_time", year=2025, houses=[personas.house])
    assert isinstance(counted, Counter)
    changed = Counter(counted)
    changed[next(iter(changed))] += 1
    assert duck.differences(counted, changed)
