"""Every shipped indicator on a small data set built by hand; each expected figure is worked out
in the comment above its assertion, not by the code under test.

The year counted is 2025, the clock stands on 1 February 2026 (so 2025 and its quarters are
completed periods). `raw` reads a cube's count before suppression: the definitions are tested
apart from the publication, which test_linked.py and test_publication.py cover.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator

import pytest
import time_machine

from casustafel.cases.models import EntryRoute, ReferralStatus
from casustafel.escalations.models import EscalationLevel, EscalationStep
from casustafel.meeting_types.models_guides import SafetyPhase
from casustafel.meetings.models import AttendanceStatus, MeetingStatus, ParticipationMode
from casustafel.plans.models import AgreementEnd, AgreementResponse, FollowUpAnswer, GoalStatus, PhaseDirection
from casustafel.reporting.cube import HOUSE, TOTAL, municipality_scope
from casustafel.reporting.grid import GridPeriod
from casustafel.reporting.indicators.base import Context, computation, house_scope
from casustafel.reporting.indicators.counts import count_indicator
from casustafel.reporting.indicators.outcome import CLOSED
from casustafel.testing.cases import PersonFactory
from casustafel.testing.indicators import (
    agreement,
    attended,
    clients,
    direction,
    discussed,
    episode,
    escalation,
    follow_up,
    goals,
    held_meeting,
    invited,
    phase,
    scores,
)
from casustafel.testing.personas import Personas
from casustafel.testing.reporting import meeting_type_of, moment, municipalities, submitted_referral

YEAR = GridPeriod.of_year(2025)
Q1, Q2, Q4 = (GridPeriod.of_quarter(2025, q) for q in (1, 2, 4))
NOW = moment(2026, 2, 1)


@pytest.fixture(autouse=True)
def _february_2026() -> Iterator[None]:
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture(autouse=True)
def _threshold(settings: pytest.FixtureRequest) -> None:
    settings.REPORT_MIN_CELL = 3  # type: ignore[attr-defined]


def ctx(personas: Personas, period: GridPeriod = YEAR) -> Context:
    return Context(house=personas.house, period=period, scope=house_scope(personas.house), threshold=3)


def raw(
    personas: Personas, source: str, category: object = TOTAL, period: GridPeriod = YEAR, scope: str = HOUSE
) -> int:
    return count_indicator(source).cube(ctx(personas, period)).raw(category, scope, period)  # type: ignore[arg-type]


def headline(personas: Personas, key: str, period: GridPeriod = YEAR) -> str:
    result = computation(key).compute(ctx(personas, period))
    assert result.headline is not None
    return result.headline.display


# --- output ----------------------------------------------------------------------------------


def test_referrals_per_route_count_submissions_of_the_period_only(personas: Personas) -> None:
    (aland,) = municipalities(personas, "Gemeente Aland")
    for day in (5, 6, 7):
        submitted_referral(personas, at=moment(2025, 1, day), route=EntryRoute.TOP_X, municipality=aland)
    for day in (3, 4):
        submitted_referral(personas, at=moment(2025, 2, day), route=EntryRoute.FIELD)
    submitted_referral(personas, at=moment(2024, 12, 31, 23), route=EntryRoute.DOMESTIC_VIOLENCE)  # the year before
    submitted_referral(personas, at=moment(2025, 3, 1), status=ReferralStatus.DRAFT)  # a draft never counts
    # 2025: Top-X 3 (January), field 2 (February), total 5; Aland 3; the first quarter holds all 5.
    assert raw(personas, "referrals_route", EntryRoute.TOP_X) == 3
    assert raw(personas, "referrals_route", EntryRoute.FIELD) == 2
    assert raw(personas, "referrals_route") == 5
    assert raw(personas, "referrals_route", scope=municipality_scope(aland.pk)) == 3
    assert raw(personas, "referrals_route", period=Q1) == 5
    assert raw(personas, "referrals_route", period=GridPeriod.of_month(2025, 2)) == 2
    assert headline(personas, "referrals_route") == "5"


def test_triage_decisions_count_by_the_moment_of_the_decision(personas: Personas) -> None:
    decided = [
        (moment(2024, 12, 20), 15, ReferralStatus.ACCEPTED),  # decided 4 January 2025: counts
        (moment(2025, 3, 1), 2, ReferralStatus.ACCEPTED),
        (moment(2025, 3, 2), 2, ReferralStatus.ACCEPTED),
        (moment(2025, 5, 1), 3, ReferralStatus.REJECTED),
        (moment(2025, 6, 1), 1, ReferralStatus.STEPPED_DOWN),
        (moment(2025, 6, 2), 1, ReferralStatus.STEPPED_DOWN),
        (moment(2025, 12, 30), 5, ReferralStatus.ACCEPTED),  # decided 4 January 2026: not in 2025
    ]
    for at, days, status in decided:
        submitted_referral(personas, at=at, status=status, decided_after_days=days)
    submitted_referral(personas, at=moment(2025, 7, 1), status=ReferralStatus.INFORMATION_REQUESTED)  # no decision
    # Decisions in 2025: accepted 3, rejected 1, stepped down 2 = 6; accepted share 3/6 = 50%.
    assert raw(personas, "triage_decisions", ReferralStatus.ACCEPTED) == 3
    assert raw(personas, "triage_decisions", ReferralStatus.STEPPED_DOWN) == 2
    assert raw(personas, "triage_decisions") == 6
    assert headline(personas, "triage_decisions") == "50,0%"


def test_a_re_entry_is_a_new_episode_of_the_same_person(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")
    person = PersonFactory(house=personas.house)
    first = episode(personas, meeting_type=mt, opened=moment(2025, 3, 1), closed=moment(2025, 6, 1), person=person)
    episode(personas, meeting_type=mt, opened=moment(2025, 10, 1), person=person, previous=first)
    episode(personas, meeting_type=mt, opened=moment(2025, 11, 1))
    # Opened in 2025: three episodes, of which one is a re-entry.
    assert raw(personas, "cases_opened", "first") == 2
    assert raw(personas, "cases_opened", "re_entry") == 1
    assert raw(personas, "cases_opened") == 3


def test_persons_and_episodes_discussed(personas: Personas) -> None:
    mt = meeting_type_of(personas, "Casus-op-Maat")
    (aland, bedum) = municipalities(personas, "Gemeente Aland", "Gemeente Bedum")
    p = PersonFactory(house=personas.house)
    a = episode(
        personas, meeting_type=mt, opened=moment(2025, 1, 10), closed=moment(2025, 3, 1), person=p, municipality=aland
    )
    b = episode(personas, meeting_type=mt, opened=moment(2025, 9, 1), person=p, previous=a, municipality=bedum)
    c = episode(personas, meeting_type=mt, opened=moment(2025, 1, 20), municipality=aland)
    discussed(personas, a, moment(2025, 2, 3))
    discussed(personas, c, moment(2025, 2, 10))
    discussed(personas, c, moment(2025, 5, 12))  # C twice: one episode
    discussed(personas, b, moment(2025, 11, 4))
    cancelled = held_meeting(personas, mt, moment(2025, 6, 1), status=MeetingStatus.CANCELLED)
    discussed(personas, b, moment(2025, 6, 1), meeting=cancelled)  # not held: not discussed
    # 2025: episodes A, B, C = 3; persons P (at B, her latest) and C's person = 2; A is P's earlier
    # episode. P moved to Bedum: she counts as a person in Bedum, A as an episode in Aland.
    assert raw(personas, "cases_discussed") == 3
    assert raw(personas, "cases_discussed", "person") == 2
    assert raw(personas, "cases_discussed", "earlier") == 1
    assert raw(personas, "cases_discussed", "person", scope=municipality_scope(bedum.pk)) == 1
    assert raw(personas, "cases_discussed", "person", scope=municipality_scope(aland.pk)) == 1
    assert raw(personas, "cases_discussed", scope=municipality_scope(aland.pk)) == 2
    # The first quarter: A and C (February), neither with a later episode in the quarter: 2 persons.
    assert raw(personas, "cases_discussed", "person", period=Q1) == 2
    assert raw(personas, "cases_discussed", period=GridPeriod.of_month(2025, 2)) == 2
    assert raw(personas, "cases_discussed", period=Q4) == 1


def test_cases_closed_caseload_at_the_end_and_during(personas: Personas) -> None:
    mt = meeting_type_of(personas, "Top-X")
    episode(personas, meeting_type=mt, opened=moment(2024, 6, 1), closed=moment(2025, 2, 10))  # spans the years
    episode(personas, meeting_type=mt, opened=moment(2025, 3, 1), closed=moment(2025, 8, 1))
    episode(personas, meeting_type=mt, opened=moment(2025, 5, 1))
    episode(personas, meeting_type=mt, opened=moment(2024, 1, 1), closed=moment(2024, 12, 1))  # gone before 2025
    # Closed in 2025: 2. Active at the end of 2025: 1 (opened May). At the end of Q2: March and May = 2.
    # Active during 2025: 3; during March 2025: the March and ... January-February case closed 10
    # February, so March has 1 (March 1) and April has 1; May has 2.
    assert raw(personas, CLOSED.key) == 2
    assert raw(personas, "caseload_end") == 1
    assert raw(personas, "caseload_end", period=Q2) == 2
    assert raw(personas, "caseload_during") == 3
    assert raw(personas, "caseload_during", period=GridPeriod.of_month(2025, 2)) == 1
    assert raw(personas, "caseload_during", period=GridPeriod.of_month(2025, 5)) == 2
    assert headline(personas, "cases_closed") == "< 3"


# --- process ---------------------------------------------------------------------------------


def test_median_days_to_the_triage_decision(personas: Personas) -> None:
    for day, days in zip((3, 4, 5, 6, 7, 8), (9, 1, 30, 4, 2, 6), strict=True):
        submitted_referral(personas, at=moment(2025, 4, day), status=ReferralStatus.ACCEPTED, decided_after_days=days)
    # Sorted: 1, 2, 4, 6, 9, 30 -> (4 + 6) / 2 = 5.0.
    assert headline(personas, "days_to_triage") == "5,0"


def test_median_days_to_the_first_held_meeting(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")
    for days, first in ((10, moment(2025, 3, 11)), (20, moment(2025, 5, 21)), (30, moment(2025, 9, 30))):
        case = episode(
            personas, meeting_type=mt, opened=first - dt.timedelta(days=5), submitted=first - dt.timedelta(days=days)
        )
        discussed(personas, case, first)
        discussed(personas, case, first + dt.timedelta(days=60))  # a later discussion changes nothing
    early = episode(personas, meeting_type=mt, opened=moment(2024, 11, 1))
    discussed(personas, early, moment(2024, 12, 1))  # first discussed in 2024
    discussed(personas, early, moment(2025, 2, 1))
    # First discussions in 2025 after 10, 20 and 30 days: median 20.0.
    assert headline(personas, "days_to_first_meeting") == "20,0"


def test_median_days_to_closure(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")
    closed = moment(2025, 11, 1)
    for days in (100, 200, 300, 400):
        episode(
            personas,
            meeting_type=mt,
            opened=closed - dt.timedelta(days=days - 7),
            closed=closed,
            submitted=closed - dt.timedelta(days=days),
        )
    # (200 + 300) / 2 = 250.0.
    assert headline(personas, "days_to_closure") == "250,0"


def test_first_contact_within_the_norm_is_judged_at_the_deadline(personas: Personas) -> None:
    for month in (3, 4, 5):  # three rounds
        submitted_referral(personas, at=moment(2025, month, 1), contact_after_hours=30)  # within 48 hours
        submitted_referral(personas, at=moment(2025, month, 2), contact_after_hours=50)  # late
        submitted_referral(personas, at=moment(2025, month, 3))  # never contacted: late
    submitted_referral(personas, at=moment(2025, 12, 31), contact_after_hours=10)  # deadline 2 January 2026
    # Deadlines in 2025: 9; within the norm 3 -> 33.3%.
    assert raw(personas, "first_contact", "within") == 3
    assert raw(personas, "first_contact", "late") == 6
    assert headline(personas, "first_contact") == "33,3%"


def test_agreements_on_time_with_declined_reopened_and_early_ends(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")
    case = episode(personas, meeting_type=mt, opened=moment(2025, 1, 2))
    for day in (10, 17, 24):  # the same eight agreements three times (every count at least 3)
        due = dt.date(2025, 6, day)
        agreement(personas, case, due=due, done_at=moment(2025, 6, day - 1))  # on time
        agreement(personas, case, due=due, done_at=moment(2025, 6, day, 22))  # on time: the due day itself
        agreement(personas, case, due=due, done_at=moment(2025, 6, day + 1))  # late
        agreement(personas, case, due=due)  # still open: late
        agreement(personas, case, due=due, response=AgreementResponse.DECLINED, responded_at=moment(2025, 6, 1))
        # Declined, then accepted after all and done in time: counts by what happened.
        agreement(personas, case, due=due, done_at=moment(2025, 6, day - 2), responded_at=moment(2025, 6, 5))
        agreement(personas, case, due=due, done_at=moment(2025, 6, 2), end=AgreementEnd.CANCELLED)  # case closed first
        agreement(personas, case, due=due, due_time=dt.time(10, 0), done_at=moment(2025, 6, day, 11))  # an hour late
    agreement(personas, case, due=dt.date(2026, 1, 5))  # due next year
    # Per round: on time 3, late 3, declined 1, ended early 1. Three rounds: 9, 9, 3, 3 = 24;
    # rate 9 / (9 + 9) = 50%.
    assert raw(personas, "agreements_on_time", "on_time") == 9
    assert raw(personas, "agreements_on_time", "late") == 9
    assert raw(personas, "agreements_on_time", "declined") == 3
    assert raw(personas, "agreements_on_time", "ended_early") == 3
    assert raw(personas, "agreements_on_time") == 24
    assert headline(personas, "agreements_on_time") == "50,0%"


def test_an_organisation_that_left_keeps_its_agreements_in_the_figures(personas: Personas) -> None:
    from casustafel.testing.factories import OrganisationFactory

    gone = OrganisationFactory(house=personas.house, name="Stichting Vertrokken", is_active=False)
    case = episode(personas, meeting_type=meeting_type_of(personas, "MDA++"), opened=moment(2025, 1, 2))
    for day in (1, 2, 3):
        agreement(personas, case, due=dt.date(2025, 4, day), organisation=gone, done_at=moment(2025, 3, 30))
    # Three agreements of the organisation that left, all on time, under its own name.
    assert raw(personas, "agreements_on_time", ("on_time", str(gone.pk))) == 3
    table = computation("agreements_on_time").compute(ctx(personas)).table("agreements_on_time-organisations")
    assert table.row("Stichting Vertrokken").cells[0].display == "3"


def test_agreements_overdue_at_the_end_of_the_period(personas: Personas) -> None:
    case = episode(personas, meeting_type=meeting_type_of(personas, "MDA++"), opened=moment(2025, 1, 2))
    agreement(personas, case, due=dt.date(2025, 12, 1))  # open, overdue
    agreement(
        personas, case, due=dt.date(2025, 11, 1), done_at=moment(2026, 1, 10)
    )  # done after the year: overdue then
    agreement(personas, case, due=dt.date(2025, 11, 1), done_at=moment(2025, 12, 10))  # done in time for the snapshot
    agreement(personas, case, due=dt.date(2026, 1, 5))  # not due yet
    agreement(
        personas, case, due=dt.date(2025, 10, 1), response=AgreementResponse.DECLINED, responded_at=moment(2025, 9, 1)
    )
    agreement(personas, case, due=dt.date(2025, 12, 1), created=moment(2026, 1, 5))  # made after the year ended
    # Overdue on 1 January 2026: the first two.
    assert raw(personas, "agreements_overdue") == 2


def test_cases_without_a_case_director_at_the_end_of_the_period(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")
    directed = episode(personas, meeting_type=mt, opened=moment(2025, 2, 1))
    direction(personas, directed, accepted=moment(2025, 2, 5))
    episode(personas, meeting_type=mt, opened=moment(2025, 3, 1))  # never had one
    left = episode(personas, meeting_type=mt, opened=moment(2025, 3, 1))
    direction(personas, left, accepted=moment(2025, 3, 5), who="professional_b")
    membership = personas.memberships["professional_b"]
    membership.start_date = dt.date(2024, 1, 1)
    membership.end_date = dt.date(2025, 11, 30)  # the director left the organisation
    membership.save()
    handed_back = episode(personas, meeting_type=mt, opened=moment(2025, 4, 1))
    direction(personas, handed_back, accepted=moment(2025, 4, 5), ended=moment(2025, 10, 1))
    closed = episode(personas, meeting_type=mt, opened=moment(2025, 1, 1), closed=moment(2025, 6, 1))
    del closed
    # At the end of 2025: without a director 3 (never, left, ended); at the end of Q2 only the
    # one that never had one (the others still had theirs; the closed case is no longer active).
    assert raw(personas, "cases_without_director") == 3
    assert raw(personas, "cases_without_director", period=Q2) == 1


def test_escalation_steps_and_their_duration(personas: Personas) -> None:
    case = episode(personas, meeting_type=meeting_type_of(personas, "MDA++"), opened=moment(2025, 1, 2))
    pd, hm = EscalationStep.AT_PROCESS_DIRECTOR, EscalationStep.AT_HOUSE_MANAGER
    pdl, hml = EscalationLevel.PROCESS_DIRECTOR, EscalationLevel.HOUSE_MANAGER
    escalation(case, [(pd, pdl, moment(2025, 3, 1)), (hm, hml, moment(2025, 3, 3))], resolved=moment(2025, 3, 7))
    escalation(case, [(pd, pdl, moment(2025, 5, 1))], resolved=moment(2025, 5, 11))
    escalation(case, [(pd, pdl, moment(2024, 12, 1))])  # started in 2024
    # Steps begun in 2025: at the process director 2, at the house manager 1.
    assert raw(personas, "escalations", pd) == 2
    assert raw(personas, "escalations", hm) == 1
    assert raw(personas, "escalations") == 3
    # Steps that ended in 2025: 2 days (1 -> 3 March), 4 days (3 -> 7 March), 10 days: median 4.0.
    assert headline(personas, "escalation_duration") == "4,0"


def test_attendance_of_crucial_partners(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")
    case = episode(personas, meeting_type=mt, opened=moment(2025, 1, 2))
    for month in (4, 7, 10):  # three rounds of the same four invitations
        item = discussed(personas, case, moment(2025, month, 3))
        attended(personas, invited(item, personas.org_a), AttendanceStatus.PRESENT)
        attended(personas, invited(item, personas.org_b), AttendanceStatus.ABSENT_WITH_NOTICE)
        later = discussed(personas, case, moment(2025, month + 1, 3))
        attended(personas, invited(later, personas.org_b), AttendanceStatus.ABSENT_WITHOUT_NOTICE)
        invited(later, personas.org_a)  # nothing recorded
        attended(personas, invited(later, personas.office, crucial=False), AttendanceStatus.PRESENT)  # not crucial
    planned = held_meeting(personas, mt, moment(2025, 6, 3), status=MeetingStatus.PLANNED)
    invited(discussed(personas, case, moment(2025, 6, 3), meeting=planned), personas.org_a)  # not held
    # Crucial invitations to held meetings: 3 x 4 = 12; present 3 -> 25%.
    assert raw(personas, "crucial_attendance", "present") == 3
    assert raw(personas, "crucial_attendance", "not_recorded") == 3
    assert raw(personas, "crucial_attendance") == 12
    assert raw(personas, "crucial_attendance", ("absent_no_notice", str(personas.org_b.pk))) == 3
    assert headline(personas, "crucial_attendance") == "25,0%"


def test_client_participation(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")
    case = episode(personas, meeting_type=mt, opened=moment(2025, 1, 2))
    for day in (1, 10, 20):  # three rounds of five items
        clients(discussed(personas, case, moment(2025, 2, day)), invited=False)
        clients(discussed(personas, case, moment(2025, 3, day)), invited=True)
        clients(discussed(personas, case, moment(2025, 4, day)), invited=True, mode=ParticipationMode.ONLINE)
        clients(
            discussed(personas, case, moment(2025, 5, day)),
            invited=True,
            mode=ParticipationMode.IN_PERSON,
            debrief_on=dt.date(2025, 5, day + 2),
        )
        discussed(personas, case, moment(2025, 6, day))  # nothing recorded
    # Fifteen items, three of each kind; clients invited on 9 of 15 = 60%.
    for category in ("not_invited", "invited", "took_part", "debriefed", "not_recorded"):
        assert raw(personas, "client_participation", category) == 3
    assert headline(personas, "client_participation") == "60,0%"


# --- outcome ---------------------------------------------------------------------------------


def test_goals_achieved_at_closure(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")
    for month in (7, 8, 9):
        closed = episode(personas, meeting_type=mt, opened=moment(2025, 1, 2), closed=moment(2025, month, 1))
        goals(
            closed, GoalStatus.ACHIEVED, GoalStatus.ACHIEVED, GoalStatus.NOT_ACHIEVED, GoalStatus.ON_TRACK, withdrawn=1
        )
    active = episode(personas, meeting_type=mt, opened=moment(2025, 1, 2))
    goals(active, GoalStatus.ACHIEVED)  # not closed: not counted
    # Per closed case four goals (the withdrawn one left out), two achieved; three cases: 6 of 12
    # achieved -> 50%.
    assert raw(personas, "goals_at_closure", "achieved") == 6
    assert raw(personas, "goals_at_closure", "open") == 3
    assert raw(personas, "goals_at_closure") == 12
    assert headline(personas, "goals_at_closure") == "50,0%"


def test_safety_scores_at_the_first_and_the_last_discussion(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")

    def closed_with(*rounds: list[int]) -> None:
        case = episode(personas, meeting_type=mt, opened=moment(2025, 1, 2), closed=moment(2025, 10, 1))
        for number, values in enumerate(rounds):
            scores(personas, discussed(personas, case, moment(2025, 2 + number, 5)), values)

    closed_with([4, 6], [3], [8])  # 5.0 -> 8.0: safer (the middle discussion does not count)
    closed_with([5], [5])  # 5.0 -> 5.0: as safe
    closed_with([7, 7], [6, 4])  # 7.0 -> 5.0: less safe
    closed_with([9])  # one discussion with scores
    # Means over the three cases with two scored discussions: first (5 + 5 + 7) / 3 = 5.67 -> "5,7";
    # last (8 + 5 + 5) / 3 = 6.0.
    assert headline(personas, "safety_scores") == "5,7 → 6,0"
    for name in ("safer", "same", "less_safe", "once"):
        assert raw(personas, CLOSED.key, f"safety={name}") == 1


def test_phase_at_entry_and_at_closure(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")
    direct, risk, recovery = SafetyPhase.DIRECT_SAFETY, SafetyPhase.RISK_REDUCTION, SafetyPhase.RECOVERY
    closing = moment(2025, 9, 1)
    for _round in range(3):  # three rounds, all closed in September (every count at least 3)
        one = episode(personas, meeting_type=mt, opened=moment(2025, 1, 2), closed=closing)
        phase(personas, one, direct, moment(2025, 1, 10), direction=PhaseDirection.INITIAL)
        phase(personas, one, recovery, moment(2025, 6, 1))
        two = episode(personas, meeting_type=mt, opened=moment(2025, 1, 2), closed=closing)
        phase(personas, two, direct, moment(2025, 1, 10), direction=PhaseDirection.INITIAL)
        phase(personas, two, recovery, moment(2025, 5, 1))
        phase(personas, two, risk, moment(2025, 7, 1), direction=PhaseDirection.BACKWARD)  # a step back
        phase(personas, two, recovery, moment(2025, 12, 1))  # after closing: not the phase at closure
        episode(personas, meeting_type=mt, opened=moment(2025, 1, 2), closed=closing)  # no phase
    # Per round entry: direct 2, none 1; closure: recovery 1, risk reduction 1, none 1. Three rounds:
    # entry direct 6, none 3; closure recovery 3, risk 3, none 3; in recovery 3 of 9 = 33.3%.
    assert raw(personas, CLOSED.key, f"entry={direct}") == 6
    assert raw(personas, CLOSED.key, "entry=none") == 3
    assert raw(personas, CLOSED.key, f"closure={recovery}") == 3
    assert raw(personas, CLOSED.key, f"closure={risk}") == 3
    assert headline(personas, "phase_entry_closure") == "33,3%"


def test_after_closure_answers_and_re_referrals_seen_by_the_system(personas: Personas) -> None:
    mt = meeting_type_of(personas, "MDA++")

    def closed_case(**answers: str) -> object:
        case = episode(personas, meeting_type=mt, opened=moment(2024, 6, 1), closed=moment(2025, 1, 15))
        follow_up(case, 3, dt.date(2025, 4, 15), **answers)
        return case

    for _round in range(3):
        again = closed_case(new_incidents=FollowUpAnswer.YES, still_safe=FollowUpAnswer.NO)
        late = closed_case(new_incidents=FollowUpAnswer.NO, still_safe=FollowUpAnswer.YES)
        closed_case()  # not answered
        submitted_referral(personas, at=moment(2025, 3, 1), previous_case=again)  # within the 3 months
        submitted_referral(personas, at=moment(2025, 6, 1), previous_case=late)  # after the mark
    # Per round three cases with their 3-month mark in 2025, one re-referred before the mark;
    # three rounds: 3 of 9 re-referred (33.3%); new incidents yes 3, no 3, not answered 3.
    assert raw(personas, "after_closure_3", "re_referred=yes") == 3
    assert raw(personas, "after_closure_3", "incidents=yes") == 3
    assert raw(personas, "after_closure_3", "incidents=") == 3
    assert raw(personas, "after_closure_3") == 9
    assert headline(personas, "after_closure_3") == "33,3%"
