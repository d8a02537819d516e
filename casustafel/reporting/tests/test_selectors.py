"""The indicators: what each counts, what it leaves out, and that every table is suppressed."""

from __future__ import annotations

import datetime as dt

from django.http import Http404

import pytest
import time_machine

from casustafel.cases.models import CaseParty, EntryRoute, PartyRole, Referral, ReferralStatus
from casustafel.organisations.models import Role
from casustafel.reporting.selectors import (
    Period,
    Report,
    all_cells,
    build_report,
    default_period,
    headline_figures,
    report_house,
)
from casustafel.testing.cases import CasePartyFactory, ReferralFactory
from casustafel.testing.factories import MembershipFactory, OrganisationFactory, SafetyHouseFactory
from casustafel.testing.personas import Personas
from casustafel.testing.referral_retention import run_retention_job
from casustafel.testing.reporting import (
    case_of,
    meeting_type_of,
    moment,
    municipalities,
    submitted_referral,
)

pytestmark = pytest.mark.django_db

FIRST_HALF_2025 = Period(start=dt.date(2025, 1, 1), end=dt.date(2025, 6, 30))
LATER = moment(2026, 1, 15)


def column(report: Report, key: str, index: int = 0) -> list[str]:
    table = report.table(key)
    return [row.cells[index].display for row in table.rows]


def total(report: Report, key: str, index: int = 0) -> str:
    return report.table(key).total.cells[index].display


def test_referrals_per_route_count_the_house_period_and_submitted_only(personas: Personas) -> None:
    for _ in range(12):
        submitted_referral(personas, at=moment(2025, 2, 3), route=EntryRoute.FIELD)
    for _ in range(6):
        submitted_referral(personas, at=moment(2025, 3, 3), route=EntryRoute.DOMESTIC_VIOLENCE)
    for _ in range(2):
        submitted_referral(personas, at=moment(2025, 6, 30, 23), route=EntryRoute.TOP_X)
    # Not counted: a draft, a referral before and one after the period, one of another house.
    ReferralFactory(referrer=personas.professional_a, referring_organisation=personas.org_a)
    submitted_referral(personas, at=moment(2024, 12, 31, 23))
    submitted_referral(personas, at=moment(2025, 7, 1, 0))
    ReferralFactory(submitted=True, referring_organisation=OrganisationFactory())

    report = build_report(personas.house, FIRST_HALF_2025, now=LATER)

    # Top-X (2) is small; domestic violence (6) is hidden with it, or 20 - 12 would give it.
    assert column(report, "entry_route") == ["< 5", "afgeschermd", "12"]
    assert total(report, "entry_route") == "20"
    assert report.figure("referrals").display == "20"


def test_outcomes_partition_the_same_referrals(personas: Personas) -> None:
    statuses = {
        ReferralStatus.ACCEPTED: 7,
        ReferralStatus.STEPPED_DOWN: 5,
        ReferralStatus.REJECTED: 6,
        ReferralStatus.SUBMITTED: 2,
    }
    for status, count in statuses.items():
        for _ in range(count):
            submitted_referral(personas, at=moment(2025, 4, 1), status=status)

    report = build_report(personas.house, FIRST_HALF_2025, now=LATER)

    # accepted, stepped down, RIEC, rejected, more information, no decision yet
    assert column(report, "outcome") == ["7", "afgeschermd", "0", "6", "0", "< 5"]
    assert total(report, "outcome") == "20"
    assert report.figure("accepted").display == "7"


def test_referrals_per_municipality_include_not_filled_in(personas: Personas) -> None:
    aland, beek, _empty = municipalities(personas, "Gemeente Aland", "Gemeente Beek", "Gemeente Cdorp")
    for _ in range(8):
        submitted_referral(personas, at=moment(2025, 5, 1), municipality=aland)
    for _ in range(9):
        submitted_referral(personas, at=moment(2025, 5, 1), municipality=beek)
    for _ in range(3):
        submitted_referral(personas, at=moment(2025, 5, 1))

    report = build_report(personas.house, FIRST_HALF_2025, now=LATER)

    labels = [row.label for row in report.table("municipality").rows]
    assert labels == ["Gemeente Aland", "Gemeente Beek", "Gemeente Cdorp", "Niet ingevuld"]
    assert column(report, "municipality") == ["afgeschermd", "9", "0", "< 5"]
    assert total(report, "municipality") == "20"


def test_first_contact_norm_counts_met_missed_and_running(personas: Personas) -> None:
    now = moment(2025, 6, 30, 12)
    for _ in range(10):
        submitted_referral(personas, at=moment(2025, 3, 1), contact_after_hours=24)
    for _ in range(4):
        submitted_referral(personas, at=moment(2025, 3, 1), contact_after_hours=60)
    for _ in range(2):
        submitted_referral(personas, at=moment(2025, 3, 1))  # norm passed without contact
    submitted_referral(personas, at=moment(2025, 6, 30, 9))  # norm runs until 2 July

    report = build_report(personas.house, FIRST_HALF_2025, now=now)

    assert column(report, "first_contact") == ["10", "afgeschermd", "< 5"]
    # The percentage would give away the hidden counts: it is hidden with them.
    assert report.figure("first_contact_rate").display == "afgeschermd"


def test_first_contact_percentage_when_its_counts_are_visible(personas: Personas) -> None:
    for _ in range(12):
        submitted_referral(personas, at=moment(2025, 3, 1), contact_after_hours=47)
    for _ in range(6):
        submitted_referral(personas, at=moment(2025, 3, 1), contact_after_hours=49)
    submitted_referral(personas, at=moment(2025, 3, 1), first_contact_hours=24, contact_after_hours=30)

    report = build_report(personas.house, FIRST_HALF_2025, now=LATER)

    assert column(report, "first_contact") == ["12", "7", "0"]
    figure = report.figure("first_contact_rate")
    assert figure.display == "63,2%"
    assert figure.export_value == 63.2


def test_median_days_to_decision_needs_enough_decisions(personas: Personas) -> None:
    for days in (1, 2, 3, 4):
        submitted_referral(personas, at=moment(2025, 2, 1), status=ReferralStatus.ACCEPTED, decided_after_days=days)
    assert "niet getoond" in build_report(personas.house, FIRST_HALF_2025, now=LATER).figure("median_days").display

    submitted_referral(personas, at=moment(2025, 2, 1), status=ReferralStatus.ACCEPTED, decided_after_days=10)
    figure = build_report(personas.house, FIRST_HALF_2025, now=LATER).figure("median_days")
    assert (figure.display, figure.export_value) == ("3,0", 3.0)
    assert figure.note == "dagen, over 5 besluiten"


def test_median_of_an_even_number_of_decisions_is_the_mean_of_the_middle_two(personas: Personas) -> None:
    # Sorted by the database: 1, 2, 4, 6, 9, 30 days -> (4 + 6) / 2 = 5.0, worked out by hand.
    for days in (9, 1, 30, 4, 2, 6):
        submitted_referral(personas, at=moment(2025, 2, 1), status=ReferralStatus.ACCEPTED, decided_after_days=days)
    figure = build_report(personas.house, FIRST_HALF_2025, now=LATER).figure("median_days")
    assert (figure.display, figure.export_value) == ("5,0", 5.0)


def test_start_page_headlines_equal_the_reports_figures(personas: Personas) -> None:
    with time_machine.travel(LATER, tick=False):
        for index in range(9):
            submitted_referral(
                personas,
                at=moment(2025, 9 + index % 3, 2),
                status=ReferralStatus.ACCEPTED if index % 2 else ReferralStatus.REJECTED,
                decided_after_days=index + 1,
            )
        report = build_report(personas.house, default_period(), now=LATER)
        headlines = headline_figures(personas.house, now=LATER)
    assert headlines == report.figures
    assert [figure.key for figure in headlines][3] == "median_days"
    assert headlines[3].display == "5,0"


def test_referrals_per_month_follow_the_local_calendar(personas: Personas) -> None:
    submitted_referral(personas, at=moment(2025, 1, 15))
    for _ in range(6):
        submitted_referral(personas, at=moment(2025, 2, 15))
    for _ in range(2):
        submitted_referral(personas, at=moment(2025, 3, 15))
    for _ in range(5):
        submitted_referral(personas, at=moment(2025, 3, 31, 23))
    submitted_referral(personas, at=moment(2025, 4, 1, 1))  # still 31 March in UTC
    for _ in range(8):
        submitted_referral(personas, at=moment(2025, 4, 10))

    report = build_report(personas.house, FIRST_HALF_2025, now=LATER)

    labels = [row.label for row in report.table("month").rows]
    assert labels == ["januari 2025", "februari 2025", "maart 2025", "april 2025", "mei 2025", "juni 2025"]
    assert column(report, "month") == ["< 5", "afgeschermd", "7", "9", "0", "0"]
    assert total(report, "month") == "23"


def test_cases_per_meeting_type_opened_closed_and_active(personas: Personas) -> None:
    com = meeting_type_of(personas, "Casus-op-Maat")
    top_x = meeting_type_of(personas, "Top-X overleg")
    for _ in range(3):
        case_of(personas, meeting_type=com, opened=moment(2025, 2, 1))
    for _ in range(2):
        case_of(personas, meeting_type=com, opened=moment(2025, 2, 1), closed=moment(2025, 5, 1))
    case_of(personas, meeting_type=com, opened=moment(2024, 6, 1))
    case_of(personas, meeting_type=com, opened=moment(2024, 6, 1), closed=moment(2025, 3, 1), destroyed=True)
    case_of(personas, meeting_type=com, opened=moment(2025, 2, 1), closed=moment(2025, 8, 1))  # closed later
    case_of(personas, meeting_type=top_x, opened=moment(2025, 3, 1))
    case_of(personas, meeting_type=top_x, opened=moment(2025, 7, 1))  # after the period

    report = build_report(personas.house, FIRST_HALF_2025, now=LATER)

    assert [row.label for row in report.table("cases").rows] == ["Casus-op-Maat", "Top-X overleg"]
    # Opened: 6 and 1 (total 7): the 1 takes the 6 with it.
    assert column(report, "cases", 0) == ["afgeschermd", "< 5"]
    assert total(report, "cases", 0) == "7"
    # Closed: 3 (the destroyed case counts) and 0: a small total withholds the column.
    assert column(report, "cases", 1) == ["afgeschermd", "afgeschermd"]
    assert total(report, "cases", 1) == "< 5"
    # Active at the end (the case closed in August too): 5 and 1 of 6. Hiding both still
    # leaves "the small one is at most 6 - 5 = 1", so the column is withheld.
    assert column(report, "cases", 2) == ["afgeschermd", "afgeschermd"]
    assert total(report, "cases", 2) == "6"
    assert report.table("cases").withheld
    assert report.figure("active_cases").display == "6"


def test_no_published_cell_is_a_small_count(personas: Personas) -> None:
    mt = meeting_type_of(personas, "Casus-op-Maat")
    (aland,) = municipalities(personas, "Gemeente Aland")
    for index in range(23):
        submitted_referral(
            personas,
            at=moment(2025, 1 + index % 6, 2),
            route=list(EntryRoute.values)[index % 3],
            municipality=aland if index % 4 else None,
            contact_after_hours=index,
        )
        if index % 5 == 0:
            case_of(personas, meeting_type=mt, opened=moment(2025, 1 + index % 6, 3))

    report = build_report(personas.house, FIRST_HALF_2025, now=LATER)

    for cell in all_cells(report):
        assert cell.value is None or not 0 < cell.value < report.threshold


def test_report_queries_do_not_grow_with_the_data(personas: Personas, django_assert_max_num_queries) -> None:
    mt = meeting_type_of(personas, "Casus-op-Maat")
    municipalities(personas, "Gemeente Aland", "Gemeente Beek")
    for index in range(60):
        submitted_referral(personas, at=moment(2025, 1 + index % 6, 2), decided_after_days=index % 9 or None)
        case_of(personas, meeting_type=mt, opened=moment(2025, 1 + index % 6, 3))
    with django_assert_max_num_queries(10):
        build_report(personas.house, FIRST_HALF_2025, now=LATER)


def test_other_houses_are_not_counted(personas: Personas) -> None:
    elsewhere = SafetyHouseFactory(name="Zorg- en Veiligheidshuis Elders")
    for _ in range(9):
        ReferralFactory(
            referring_organisation=OrganisationFactory(house=elsewhere),
            submitted=True,
            submitted_at=moment(2025, 3, 1),
        )
    report = build_report(personas.house, FIRST_HALF_2025, now=LATER)
    assert total(report, "entry_route") == "0"


def test_default_period_is_twelve_calendar_months_up_to_today() -> None:
    period = default_period(dt.date(2026, 3, 18))
    assert (period.start, period.end) == (dt.date(2025, 4, 1), dt.date(2026, 3, 18))
    assert len(period.months()) == 12


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        (Role.BOARD, True),
        (Role.HOUSE_MANAGER, True),
        (Role.PROCESS_DIRECTOR, True),
        (Role.SECRETARY, False),
        (Role.ADMINISTRATOR, False),
        (Role.PRIVACY_OFFICER, False),
        (Role.PROFESSIONAL, False),
    ],
)
def test_report_house_by_role(personas: Personas, role: str, allowed: bool) -> None:
    membership = MembershipFactory(organisation=personas.office, role=role)
    if allowed:
        assert report_house(membership) == personas.house
    else:
        with pytest.raises(Http404):
            report_house(membership)
    with pytest.raises(Http404):
        report_house(None)


def test_destroying_referrals_without_a_case_leaves_the_report_unchanged(personas: Personas) -> None:
    """Retention: the daily job destroys decided referrals (after their term), drafts and
    unanswered referrals (after REFERRAL_STALE_MONTHS); every table and figure stays the same."""
    com = meeting_type_of(personas, "Casus-op-Maat")
    (aland,) = municipalities(personas, "Gemeente Aland")
    statuses = {
        ReferralStatus.REJECTED: 6,
        ReferralStatus.STEPPED_DOWN: 5,
        ReferralStatus.INFORMATION_REQUESTED: 5,
        ReferralStatus.SUBMITTED: 5,
    }
    for status, count in statuses.items():
        decided = status in (ReferralStatus.REJECTED, ReferralStatus.STEPPED_DOWN)
        for index in range(count):
            referral = submitted_referral(
                personas,
                at=moment(2025, 2, 3 + index),
                status=status,
                municipality=aland,
                meeting_type=com,
                contact_after_hours=24 + 10 * index,
                decided_after_days=3 if decided else None,
            )
            CasePartyFactory(referral=referral, role=PartyRole.SUBJECT)
    ReferralFactory(referrer=personas.professional_a, referring_organisation=personas.org_a)  # a draft
    before = build_report(personas.house, FIRST_HALF_2025, now=LATER)
    assert before.figure("referrals").display == "21"

    with time_machine.travel(moment(2031, 1, 1), tick=False):
        run_retention_job()

    assert Referral.objects.filter(destroyed_at__isnull=False).count() == 6 + 5 + 5 + 1
    assert not CaseParty.objects.exclude(referral__status=ReferralStatus.SUBMITTED).exists()
    after = build_report(personas.house, FIRST_HALF_2025, now=LATER)
    assert after.tables == before.tables
    assert after.figures == before.figures
