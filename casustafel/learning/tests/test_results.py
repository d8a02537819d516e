"""Results of self-assessment rounds: nothing below the threshold of forms sent in, the answers
in four groups with the reports' small-count suppression, medians and open answers only from
the threshold on, unsent forms never counted, and rounds side by side. Expected values are
worked out by hand in each test."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

import pytest

from casustafel.learning.instruments import AGREE, DONT_KNOW
from casustafel.learning.models import AssessmentInvitation
from casustafel.learning.selectors_results import compare_rounds, round_results, series_of
from casustafel.learning.services_assessment import assessment_answers_save, self_assessment_close
from casustafel.reporting.suppression import CellState
from casustafel.testing.learning import answer_all, assessment_round, participants
from casustafel.testing.referrals import actor_for

pytestmark = pytest.mark.django_db


def _round(personas, count, *, title="Ronde", instrument_key="factors", closes_in_days=14):
    return assessment_round(
        personas,
        title=title,
        invite=participants(personas, count) if count else [],
        instrument_key=instrument_key,
        closes_in_days=closes_in_days,
    )


def test_a_round_with_fewer_forms_sent_in_than_the_threshold_shows_nothing(personas, settings):
    settings.REPORT_MIN_CELL = 5
    assessment = _round(personas, 4)
    answer_all(assessment)
    results = round_results(assessment)
    assert (results.invited, results.submitted, results.published) == (4, 4, False)
    assert results.sections == []


def test_nine_forms_hide_the_small_groups_and_the_cell_that_would_give_them_away(personas, settings):
    settings.REPORT_MIN_CELL = 5
    assessment = _round(personas, 9)
    # Participants 0..8 answer, in turn: helemaal mee eens, mee eens, mee eens, neutraal, oneens.
    # By hand: agree = 0,1,2,5,6,7 -> 6; neutral = 3,8 -> 2; disagree = 4 -> 1; weet niet 0.
    # 2 and 1 are small; together 3 (< 5) they follow from the total, so the smallest visible
    # non-zero cell (6) is hidden as well; 0 stays.
    answer_all(assessment)
    results = round_results(assessment)
    chair = results.statement("f_chair_steers")
    assert chair is not None
    assert [cell.state for cell in chair.cells] == [
        CellState.SECONDARY,
        CellState.SMALL,
        CellState.SMALL,
        CellState.VISIBLE,
    ]
    assert [cell.display for cell in chair.cells] == ["afgeschermd", "< 5", "< 5", "0"]
    assert chair.total.display == "9"
    assert chair.agree_share is None


def test_fifteen_forms_publish_the_agreeing_share_of_those_with_an_opinion(personas, settings):
    settings.REPORT_MIN_CELL = 5
    assessment = _round(personas, 15)
    # Three rounds of the five answers: agree 9, neutral 3, disagree 3, weet niet 0. The two 3s
    # are small; together 6, and with 9 visible neither can be pinned down: 9 stays visible.
    answer_all(assessment)
    chair = round_results(assessment).statement("f_chair_steers")
    assert chair is not None
    assert [cell.display for cell in chair.cells] == ["9", "< 5", "< 5", "0"]
    assert chair.agree_share == 60  # 9 of the 15 with an opinion


def test_weet_niet_is_left_out_of_the_share(personas, settings):
    settings.REPORT_MIN_CELL = 5
    assessment = _round(personas, 10)
    # Five agree, five do not know: 5 of the 5 with an opinion agree.
    answer_all(assessment, choices=(AGREE, DONT_KNOW))
    chair = round_results(assessment).statement("f_chair_steers")
    assert chair is not None
    assert [cell.display for cell in chair.cells] == ["5", "0", "0", "5"]
    assert chair.agree_share == 100


def test_forms_saved_but_not_sent_in_never_count(personas, settings):
    settings.REPORT_MIN_CELL = 5
    assessment = _round(personas, 5)
    answer_all(assessment)
    late = participants(personas, 1)[0]
    from casustafel.learning.services_assessment import assessment_invite

    assessment_invite(actor=actor_for(personas, "process_director"), assessment=assessment, memberships=[late])
    invitation = AssessmentInvitation.objects.get(user=late.user)
    from casustafel.audit.context import Actor

    assessment_answers_save(
        actor=Actor(user=late.user, membership=late),
        invitation=invitation,
        answers={"f_chair_steers": "disagree_strongly"},
        submit=False,
        expected_version=None,
    )
    results = round_results(assessment)
    chair = results.statement("f_chair_steers")
    assert (results.invited, results.submitted) == (6, 5)
    assert chair is not None and chair.total.display == "5"


def test_medians_and_open_answers_from_the_threshold_on(personas, settings):
    settings.REPORT_MIN_CELL = 5
    assessment = _round(personas, 5, instrument_key="participants")
    # Numbers 5, 10, 15, 20, 25: median 15. Open answers "Toelichting 0".."Toelichting 4".
    answer_all(assessment)
    results = round_results(assessment)
    effort = next(section for section in results.sections if section.section.key == "effort")
    prep = next(n for n in effort.numbers if n.question.key == "n_prep_minutes")
    assert (prep.answered.display, prep.median) == ("5", 15)
    strength = dict((q.key, texts) for q, texts in effort.texts)["q_strength"]
    assert strength == [f"Toelichting {n}" for n in range(5)]


def test_rounds_of_the_same_instrument_and_subject_stand_side_by_side(personas, settings):
    settings.REPORT_MIN_CELL = 5
    first = _round(personas, 5, title="Voorjaar", closes_in_days=3)
    answer_all(first, choices=(AGREE,))
    first = self_assessment_close(
        actor=actor_for(personas, "process_director"), assessment=first, expected_version=None
    )
    other_instrument = _round(personas, 5, title="Andere lijst", instrument_key="participants", closes_in_days=5)
    answer_all(other_instrument)
    second = _round(personas, 3, title="Najaar", closes_in_days=20)
    answer_all(second)
    assert series_of(second) == [first, second]
    rounds = [round_results(item) for item in series_of(second)]
    table = compare_rounds(rounds)
    section, rows = table[0]
    chair = next(row for row in rows if row.question.key == "f_chair_steers")
    first_result, second_result = chair.per_round
    assert first_result is not None and first_result.agree_share == 100
    assert second_result is None  # three forms: below the threshold
    assert other_instrument not in series_of(second)
    assert timezone.localdate() + dt.timedelta(days=3) == first.closes_on
