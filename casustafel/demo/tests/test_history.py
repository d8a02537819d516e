"""`demo_region --history`: the tables of seed 003 chapter 3 come back out of the generated data.

The whole plan (611 episodes) is checked without a database: every cell of Tabel 1, Tabel 2
("Besproken") and Tabel 3 (caseload 2013), the re-entries and the Top-X pilot. The build through
the services is checked on two small municipalities (Naarden and Wijdemeren: every consultation,
the partial first year, a person discussed in two years, a re-entry); the whole build is the
manual step of docs/demo.md ("History").
"""

from __future__ import annotations

import datetime as dt
import io
from collections import defaultdict
from collections.abc import Iterator
from unittest import mock

from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

import pytest

from casustafel.audit.selectors import audit_chain_verify
from casustafel.cases.models import Case, CaseStatus, EntryRoute, PartyRole, Referral
from casustafel.demo import history
from casustafel.demo import history_tables as tables
from casustafel.demo.builder import DemoRegion
from casustafel.meeting_types.models import MeetingType
from casustafel.meetings.models import AgendaItem, Attendance, MeetingStatus
from casustafel.notifications.models import Notification
from casustafel.plans.models import Agreement, AgreementProgress, GoalStatus
from casustafel.plans.models_plan import Goal

pytestmark = pytest.mark.django_db

SMALL = ("naarden", "wijdemeren")


# --- The tables themselves (as the notes reproduce them) ---------------------------------------


def test_the_tables_add_up_to_the_printed_totals() -> None:
    # Totals printed under the tables in the source (notes §3.1, §3.2, §3.4), typed here by hand.
    assert [sum(row[year] for row in tables.TABEL_1.values()) for year in range(3)] == [27, 87, 68]
    assert [sum(row[year] for row in tables.TABEL_2_DISCUSSED.values()) for year in range(3)] == [25, 61, 64]
    assert sum(tables.TABEL_3_CASELOAD_2013.values()) == 325
    assert sum(tables.TOP_X_PERSONS.values()) == 21
    # ~12% of the caseload detained more than once: 39 of 325.
    assert sum(tables.NAZORG_RE_ENTRIES.values()) == 39
    # The "Bekend" column does not add up to its printed totals; kept as printed and noted.
    known = [sum(row[year] or 0 for row in tables.TABEL_2_KNOWN.values()) for year in range(2)]
    assert known == [145, 114]
    assert tables.TABEL_2_KNOWN_PRINTED_TOTALS[:2] == (147, 131)


# --- The whole plan, without a database ----------------------------------------------------------


def persons_discussed(plan: history.HistoryPlan, consultation: str) -> dict[tuple[str, int], set[int]]:
    found: dict[tuple[str, int], set[int]] = defaultdict(set)
    for episode in plan.episodes:
        if episode.consultation == consultation:
            for day in episode.discussed:
                found[(episode.municipality, day.year)].add(episode.person)
    return found


@pytest.mark.parametrize(
    ("consultation", "table", "years"),
    [
        (tables.YOUTH, tables.TABEL_1, tables.TABEL_1_YEARS),
        (tables.REPEAT_OFFENDERS, tables.TABEL_2_DISCUSSED, tables.TABEL_2_YEARS),
    ],
)
def test_the_whole_plan_discusses_the_persons_of_every_cell(
    consultation: str, table: dict[str, tuple[int, int, int]], years: tuple[int, ...]
) -> None:
    plan = history.plan_history(2014)
    found = persons_discussed(plan, consultation)

    for key, row in table.items():
        for number, year in enumerate(years):
            assert len(found[(key, year)]) == row[number], (consultation, key, year)


def test_the_whole_plan_has_the_nazorg_caseload_with_its_re_entries_and_the_top_x_pilot() -> None:
    plan = history.plan_history(2014)
    nazorg = [e for e in plan.episodes if e.consultation == tables.NAZORG]
    top_x = [e for e in plan.episodes if e.consultation == tables.TOP_X]

    for key, caseload in tables.TABEL_3_CASELOAD_2013.items():
        episodes = [e for e in nazorg if e.municipality == key]
        assert len(episodes) == caseload, key
        assert len({e.person for e in episodes}) == caseload - tables.NAZORG_RE_ENTRIES.get(key, 0), key
    assert all(e.opened.year == 2013 and e.discussed[0].year == 2013 for e in nazorg)
    for episode in nazorg:
        if episode.previous is not None:
            earlier = plan.episodes[episode.previous]
            assert earlier.person == episode.person
            assert earlier.closed < episode.opened
    assert {key: len({e.person for e in top_x if e.municipality == key}) for key in ("huizen", "wijdemeren")} == {
        "huizen": 13,
        "wijdemeren": 8,
    }
    assert all(dt.date(2013, 7, 1) <= day <= dt.date(2013, 12, 31) for e in top_x for day in e.discussed)


def test_the_youth_consultation_starts_in_october_2011_and_every_case_closes_after_its_last_discussion() -> None:
    plan = history.plan_history(2014)

    youth_2011 = [
        day for e in plan.episodes if e.consultation == tables.YOUTH for day in e.discussed if day.year == 2011
    ]
    assert youth_2011
    assert min(youth_2011) >= dt.date(2011, 10, 1)
    assert all(e.opened <= e.discussed[0] and e.discussed[-1] < e.closed for e in plan.episodes)


def test_the_plan_follows_the_seed() -> None:
    def shape(plan: history.HistoryPlan) -> list[tuple[str, str, dt.date, dt.date]]:
        return [(e.consultation, e.municipality, e.opened, e.closed) for e in plan.episodes]

    assert shape(history.plan_history(2014)) == shape(history.plan_history(2014))
    assert shape(history.plan_history(2014)) != shape(history.plan_history(7))


# --- The build through the services, on two small municipalities ----------------------------------


@pytest.fixture(scope="class")
def built(demo_region: DemoRegion, django_db_blocker: pytest.FixtureRequest) -> Iterator[tuple[DemoRegion, str]]:
    """`demo_region --history` on the run's demo build (casustafel/demo/tests/conftest.py), its
    tables cut down to SMALL; rolled back afterwards, so the other demo tests never see it."""
    real = history.plan_history

    def small(seed: int, municipalities: object = None) -> history.HistoryPlan:
        return real(seed, SMALL)

    out = io.StringIO()
    with (
        django_db_blocker.unblock(),  # type: ignore[attr-defined]
        override_settings(PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"]),
        transaction.atomic(),
        mock.patch.object(history, "plan_history", small),
    ):
        call_command("demo_region", "--history", stdout=out)
        yield demo_region, out.getvalue()
        transaction.set_rollback(True)


def history_cases(region: DemoRegion) -> list[Case]:
    return list(
        Case.objects.filter(house=region.house, opened_at__year__lt=2014)
        .select_related("meeting_type", "municipality", "referral")
        .order_by("pk")
    )


def subject(case: Case) -> int:
    return case.referral.parties.get(role=PartyRole.SUBJECT).person_id


class TestHistoryBuild:
    def test_the_command_reports_the_history(self, built: tuple[DemoRegion, str]) -> None:
        _region, output = built
        assert "history 2011-2013: 47 cases (2 re-entries)" in output

    def test_persons_discussed_per_consultation_municipality_and_year_are_the_tables(
        self, built: tuple[DemoRegion, str]
    ) -> None:
        region, _output = built
        found: dict[tuple[str, str, int], set[int]] = defaultdict(set)
        items = AgendaItem.objects.filter(meeting__house=region.house, meeting__starts_at__year__lt=2014)
        for item in items.select_related("meeting__meeting_type", "case__municipality", "case__referral"):
            assert item.meeting.status == MeetingStatus.HELD
            key = (item.meeting.meeting_type.name, item.case.municipality.name, item.meeting.starts_at.year)
            found[key].add(subject(item.case))
        counts = {key: len(persons) for key, persons in found.items()}

        # Tabel 1 and Tabel 2 ("Besproken"), the rows of Naarden and Wijdemeren; zero cells absent.
        naarden, wijdemeren = "Gemeente Naarden", "Gemeente Wijdemeren"
        expected = {
            (tables.YOUTH, naarden, 2011): 1,
            (tables.YOUTH, naarden, 2012): 5,
            (tables.YOUTH, naarden, 2013): 3,
            (tables.YOUTH, wijdemeren, 2012): 5,
            (tables.REPEAT_OFFENDERS, naarden, 2011): 2,
            (tables.REPEAT_OFFENDERS, naarden, 2013): 1,
            (tables.REPEAT_OFFENDERS, wijdemeren, 2011): 1,
            (tables.REPEAT_OFFENDERS, wijdemeren, 2012): 2,
            (tables.REPEAT_OFFENDERS, wijdemeren, 2013): 1,
            (tables.NAZORG, naarden, 2013): 10,  # 11 episodes, one a re-entry of the same person
            (tables.NAZORG, wijdemeren, 2013): 9,  # 10 episodes, idem
            (tables.TOP_X, wijdemeren, 2013): 8,
        }
        assert counts == expected

    def test_persons_and_episodes_apart(self, built: tuple[DemoRegion, str]) -> None:
        region, _output = built
        cases = history_cases(region)
        nazorg = [c for c in cases if c.meeting_type.name == tables.NAZORG]

        assert len(cases) == 47
        assert len(nazorg) == 21  # Tabel 3 caseload: Naarden 11, Wijdemeren 10
        assert len({subject(c) for c in nazorg}) == 19
        re_entries = Referral.objects.filter(case__in=nazorg, previous_case__isnull=False).select_related(
            "previous_case__referral"
        )
        assert len(re_entries) == 2
        for referral in re_entries:
            earlier = referral.previous_case
            assert earlier is not None and earlier.closed_at is not None
            assert subject(earlier) == subject(referral.case)
            assert earlier.closed_at < referral.case.opened_at

    def test_a_person_discussed_in_two_years_is_one_case(self, built: tuple[DemoRegion, str]) -> None:
        region, _output = built
        years_per_case: dict[int, set[int]] = defaultdict(set)
        for case_id, starts in AgendaItem.objects.filter(
            case__in=history_cases(region), meeting__meeting_type__name=tables.REPEAT_OFFENDERS
        ).values_list("case_id", "meeting__starts_at"):
            years_per_case[case_id].add(starts.year)
        # Wijdemeren's repeat offenders: one carried 2011 -> 2012 and one 2012 -> 2013 (the demo's choice).
        assert sorted(len(years) for years in years_per_case.values() if len(years) > 1) == [2, 2]

    def test_dates_lie_in_the_tables_years_and_the_first_youth_year_starts_in_october(
        self, built: tuple[DemoRegion, str]
    ) -> None:
        region, _output = built
        youth = AgendaItem.objects.filter(meeting__house=region.house, meeting__meeting_type__name=tables.YOUTH)
        first = youth.order_by("meeting__starts_at").values_list("meeting__starts_at", flat=True).first()
        assert first is not None and timezone.localdate(first) >= dt.date(2011, 10, 1)
        top_x = Case.objects.filter(house=region.house, meeting_type__name=tables.TOP_X, opened_at__year=2013)
        assert top_x.count() == 8
        assert set(top_x.values_list("referral__entry_route", flat=True)) == {EntryRoute.TOP_X}
        assert all(c.opened_at.date() >= dt.date(2013, 6, 1) for c in top_x)

    def test_every_case_went_the_whole_way(self, built: tuple[DemoRegion, str]) -> None:
        region, _output = built
        cases = history_cases(region)

        assert {c.status for c in cases} == {CaseStatus.CLOSED}
        assert all(c.closed_at is not None and c.closed_at.year <= 2014 for c in cases)
        assert not Goal.objects.filter(plan__case__in=cases).exclude(
            status__in=(GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED)
        )
        agreements = Agreement.objects.filter(case__in=cases)
        assert agreements.count() == len(cases)
        assert set(agreements.values_list("progress", flat=True)) == {AgreementProgress.DONE}
        assert all(a.ended_at is not None and a.ended_at.year < 2015 for a in agreements)
        items = AgendaItem.objects.filter(case__in=cases)
        assert Attendance.objects.filter(invitation__item__in=items).count() >= items.count()

    def test_notices_of_the_history_are_old_and_read(self, built: tuple[DemoRegion, str]) -> None:
        region, _output = built
        notices = Notification.objects.filter(case_id__in=[c.pk for c in history_cases(region)])
        assert notices.exists()
        assert not notices.filter(read_at__isnull=True)
        assert not notices.filter(created_at__year__gte=2015)

    def test_the_old_consultations_are_closed_to_new_referrals(self, built: tuple[DemoRegion, str]) -> None:
        region, _output = built
        old = MeetingType.objects.filter(house=region.house, name__in=(tables.YOUTH, tables.REPEAT_OFFENDERS))
        assert sorted(old.values_list("name", "is_active")) == [
            (tables.YOUTH, False),
            (tables.REPEAT_OFFENDERS, False),
        ]

    def test_running_it_again_changes_nothing_and_the_audit_chain_holds(self, built: tuple[DemoRegion, str]) -> None:
        region, _output = built
        before = Case.objects.count()
        out = io.StringIO()

        call_command("demo_region", "--history", stdout=out)

        assert Case.objects.count() == before
        assert "nothing changed" in out.getvalue()
        assert history.build_demo_history(region).created is False
        assert audit_chain_verify() == []
