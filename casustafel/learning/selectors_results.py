"""The added-up results of self-assessment rounds, side by side over time, with the reports'
small-count suppression (`reporting/suppression.py`, the same threshold `REPORT_MIN_CELL`).

What is published per round (only forms sent in count; saved but unsent forms never do):

- nothing at all below the threshold of forms sent in: the page says the round has too few;
- per statement, the answers in four groups: (helemaal) mee eens, neutraal, (helemaal) oneens,
  weet niet, with their total, as one suppression group (`suppress_group`); the share that
  agrees among those with an opinion only when the agreeing and "weet niet" cells are both
  published (then it follows from published numbers and reveals nothing more);
- per number question (minutes, percentages) how many answered (`suppress_count`) and the
  median, only when at least the threshold answered;
- open answers without name, per question in alphabetical order (never in the order they came
  in, so answers to two questions cannot be paired to one person).

Each round is computed from two grouped queries and one list of open answers; a comparison of
up to `SERIES_LENGTH` rounds costs at most that many times as much, whatever the number of
participants.
"""

from __future__ import annotations

import statistics
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.db.models import Count
from django.utils.translation import gettext_lazy as _

from django_stubs_ext import StrOrPromise

from casustafel.learning.instruments import (
    AGREEING,
    DISAGREEING,
    DONT_KNOW,
    NEUTRAL,
    Favourable,
    Instrument,
    Question,
    QuestionKind,
    Section,
    instrument,
)
from casustafel.learning.models import AssessmentAnswer, AssessmentInvitation, AssessmentStatus, SelfAssessment
from casustafel.reporting.suppression import Cell, suppress_count, suppress_group

SERIES_LENGTH = 4
GROUPS: tuple[tuple[str, StrOrPromise], ...] = (
    ("agree", _("(Helemaal) mee eens")),
    ("neutral", _("Neutraal")),
    ("disagree", _("(Helemaal) oneens")),
    ("dont_know", _("Weet niet")),
)


def _group_of(choice: str) -> str:
    if choice in AGREEING:
        return "agree"
    if choice in DISAGREEING:
        return "disagree"
    if choice == NEUTRAL:
        return "neutral"
    return "dont_know" if choice == DONT_KNOW else ""


@dataclass
class StatementResult:
    question: Question
    cells: list[Cell]  # in the order of GROUPS
    total: Cell
    agree_share: int | None  # percent of those with an opinion; None when not publishable

    @property
    def favourable_label(self) -> StrOrPromise:
        return {
            Favourable.AGREE: _("mee eens"),
            Favourable.DISAGREE: _("oneens"),
        }.get(self.question.favourable_when, "–")


@dataclass
class NumberResult:
    question: Question
    answered: Cell
    median: float | None


@dataclass
class SectionResult:
    section: Section
    statements: list[StatementResult] = field(default_factory=list)
    numbers: list[NumberResult] = field(default_factory=list)
    texts: list[tuple[Question, list[str]]] = field(default_factory=list)


@dataclass
class RoundResults:
    assessment: SelfAssessment
    instrument: Instrument
    threshold: int
    invited: int
    submitted: int
    sections: list[SectionResult]

    @property
    def published(self) -> bool:
        return self.submitted >= self.threshold

    def statement(self, key: str) -> StatementResult | None:
        for section in self.sections:
            for result in section.statements:
                if result.question.key == key:
                    return result
        return None


def _agree_share(values: dict[str, int], cells: list[Cell], total: Cell) -> int | None:
    agree, dont_know = cells[0], cells[3]
    if not (agree.visible and dont_know.visible and total.visible):
        return None
    opinions = sum(values.values()) - values["dont_know"]
    if not opinions:
        return None
    return round(100 * values["agree"] / opinions)


def round_results(assessment: SelfAssessment, *, threshold: int | None = None) -> RoundResults:
    """The published results of one round (see the module's docstring for what is shown)."""
    threshold = threshold or int(settings.REPORT_MIN_CELL)
    chosen = instrument(assessment.instrument)
    counts = AssessmentInvitation.objects.filter(assessment=assessment).aggregate(
        invited=Count("pk"), submitted=Count("submitted_at")
    )
    results = RoundResults(
        assessment=assessment,
        instrument=chosen,
        threshold=threshold,
        invited=counts["invited"],
        submitted=counts["submitted"],
        sections=[],
    )
    if not results.published:
        return results
    answers = AssessmentAnswer.objects.filter(invitation__assessment=assessment, invitation__submitted_at__isnull=False)
    by_choice: dict[str, dict[str, int]] = defaultdict(lambda: {key: 0 for key, _label in GROUPS})
    for row in answers.exclude(choice="").values("question", "choice").annotate(n=Count("pk")):
        bucket = _group_of(row["choice"])
        if bucket:
            by_choice[row["question"]][bucket] += row["n"]
    by_number: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for row in answers.filter(number__isnull=False).values("question", "number").annotate(n=Count("pk")):
        by_number[row["question"]].append((row["number"], row["n"]))
    texts: dict[str, list[str]] = defaultdict(list)
    for key, text in answers.exclude(text="").order_by("question", "text").values_list("question", "text"):
        texts[key].append(text)
    for section in chosen.sections:
        result = SectionResult(section=section)
        for question in section.questions:
            if question.kind == QuestionKind.SCALE:
                values = by_choice[question.key]
                group = suppress_group([values[key] for key, _label in GROUPS], threshold=threshold)
                result.statements.append(
                    StatementResult(
                        question=question,
                        cells=group.members,
                        total=group.total,
                        agree_share=_agree_share(values, group.members, group.total),
                    )
                )
            elif question.kind == QuestionKind.NUMBER:
                pairs = by_number[question.key]
                answered = sum(n for _value, n in pairs)
                median = (
                    statistics.median([value for value, n in pairs for _ in range(n)])
                    if answered >= threshold
                    else None
                )
                result.numbers.append(
                    NumberResult(
                        question=question, answered=suppress_count(answered, threshold=threshold), median=median
                    )
                )
            else:
                result.texts.append((question, texts.get(question.key, [])))
        results.sections.append(result)
    return results


def series_of(assessment: SelfAssessment) -> list[SelfAssessment]:
    """The rounds this one is compared with: the same house, instrument and subject (meeting
    type or the whole house), opened, oldest first, this one last, at most SERIES_LENGTH."""
    rounds = (
        SelfAssessment.objects.filter(
            house_id=assessment.house_id,
            instrument=assessment.instrument,
            meeting_type_id=assessment.meeting_type_id,
            closes_on__lte=assessment.closes_on,
        )
        .exclude(status=AssessmentStatus.DRAFT)
        .exclude(pk=assessment.pk)
        .order_by("-closes_on", "-pk")[: SERIES_LENGTH - 1]
    )
    return [*reversed(list(rounds)), assessment]


@dataclass
class ComparisonRow:
    question: Question
    per_round: list[StatementResult | None]


def compare_rounds(rounds: list[RoundResults]) -> list[tuple[Section, list[ComparisonRow]]]:
    """Statements side by side over the rounds (a round that is not published has None)."""
    if not rounds:
        return []
    latest = rounds[-1].instrument
    table = []
    for section in latest.sections:
        rows = [
            ComparisonRow(question=q, per_round=[r.statement(q.key) if r.published else None for r in rounds])
            for q in section.questions
            if q.kind == QuestionKind.SCALE
        ]
        if rows:
            table.append((section, rows))
    return table
