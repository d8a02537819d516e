"""What the reports read from the learning cycle: plain grouped queries over a house and a span
of days, no access check (the reporting app checks who reads, and suppresses small counts
where it publishes them). Documented for the reporting side in docs/indicators.md, "Effort,
value and the learning cycle". Every function is one or two grouped queries; nothing loads
records into Python.

- `effort_rows`: hours entered per organisation, improvement action, meeting type, activity,
  direction and evidence (measured / estimated / felt are never added together here).
- `observed_attendance`: the time the system sees itself: per organisation, meeting type and
  month, the minutes of every agenda part an organisation was recorded present at (attendance
  x planned minutes of the part) in held meetings, and how many such attendances.
- `effort_next_to_value`: per improvement action and organisation, hours more and less work
  by evidence, next to the value ratings (count, mean, lowest, highest) of the same years.
- `value_rows`: every value rating with its narrative (qualitative indicators of seed 004).
- `actions_for_indicator`: the improvement actions linked to an indicator key, with the
  direction they should move it.
- `assessment_summaries`: per closed round of the span, the instrument, subject, invited and
  sent in, for listing next to the indicators (the results themselves come from
  `selectors_results.round_results`, which suppresses).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Avg, Count, F, Max, Min, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth

from casustafel.learning.models import (
    ActionIndicator,
    AssessmentStatus,
    EffortDirection,
    EffortEntry,
    ImprovementAction,
    SelfAssessment,
    ValueRating,
)
from casustafel.meetings.models import Attendance, AttendanceStatus, MeetingStatus
from casustafel.organisations.models import SafetyHouse


def _months(start: dt.date, end: dt.date) -> Q:
    """Entries whose month lies in [start, end] (a month counts when its first day does)."""
    return Q(month__gte=start.replace(day=1), month__lte=end)


def effort_rows(house: SafetyHouse, start: dt.date, end: dt.date) -> QuerySet[EffortEntry, dict[str, object]]:
    """Rows of organisation_id, action_id, meeting_type_id, activity, direction, evidence,
    hours (a Decimal sum) and entries."""
    return (
        EffortEntry.objects.filter(_months(start, end), house=house)
        .values("organisation_id", "action_id", "meeting_type_id", "activity", "direction", "evidence")
        .annotate(hours=Sum("hours"), entries=Count("pk"))
        .order_by("organisation_id", "action_id", "meeting_type_id", "activity", "direction", "evidence")
    )


def observed_attendance(house: SafetyHouse, start: dt.date, end: dt.date) -> QuerySet[Attendance, dict[str, object]]:
    """Rows of organisation_id, meeting_type_id, month (a date), minutes and attendances, for
    the parts of held meetings of the house starting within [start, end]."""
    return (
        Attendance.objects.filter(
            status=AttendanceStatus.PRESENT,
            part__item__meeting__house=house,
            part__item__meeting__status=MeetingStatus.HELD,
            part__item__meeting__starts_at__date__gte=start,
            part__item__meeting__starts_at__date__lte=end,
        )
        .annotate(
            organisation_id=F("invitation__organisation_id"),
            meeting_type_id=F("part__item__meeting__meeting_type_id"),
            month=TruncMonth("part__item__meeting__starts_at"),
        )
        .values("organisation_id", "meeting_type_id", "month")
        .annotate(minutes=Sum("part__planned_minutes"), attendances=Count("pk"))
        .order_by("organisation_id", "meeting_type_id", "month")
    )


@dataclass
class ActionEffortValue:
    """One improvement action and one organisation: hours by direction and evidence, and the
    value ratings of the same years. Hours of different evidence are kept apart."""

    action_id: int | None
    organisation_id: int
    hours: dict[tuple[str, str], Decimal] = field(default_factory=dict)  # (direction, evidence) -> hours
    ratings: int = 0
    mean_rating: float | None = None
    lowest: int | None = None
    highest: int | None = None

    def total(self, direction: str, evidence: str) -> Decimal:
        return self.hours.get((direction, evidence), Decimal(0))

    @property
    def net_measured(self) -> Decimal:
        """More minus less work, measured hours only (estimated and felt hours are not netted
        against measured ones; the pages show them apart)."""
        return self.total(EffortDirection.MORE, "measured") - self.total(EffortDirection.LESS, "measured")


def effort_next_to_value(house: SafetyHouse, start: dt.date, end: dt.date) -> list[ActionEffortValue]:
    """Per improvement action (None: effort not tied to an action) and organisation, the hours
    entered over [start, end] next to the value ratings of the years the span touches. Two
    grouped queries."""
    rows: dict[tuple[int | None, int], ActionEffortValue] = {}
    for row in (
        EffortEntry.objects.filter(_months(start, end), house=house)
        .values("action_id", "organisation_id", "direction", "evidence")
        .annotate(hours=Sum("hours"))
        .order_by()
    ):
        key = (row["action_id"], row["organisation_id"])
        item = rows.setdefault(key, ActionEffortValue(action_id=key[0], organisation_id=key[1]))
        item.hours[(row["direction"], row["evidence"])] = row["hours"]
    for row in (
        ValueRating.objects.filter(action__plan__house=house, year__gte=start.year, year__lte=end.year)
        .values("action_id", "organisation_id")
        .annotate(n=Count("pk"), mean=Avg("rating"), low=Min("rating"), high=Max("rating"))
        .order_by()
    ):
        key = (row["action_id"], row["organisation_id"])
        item = rows.setdefault(key, ActionEffortValue(action_id=key[0], organisation_id=key[1]))
        item.ratings, item.mean_rating, item.lowest, item.highest = row["n"], row["mean"], row["low"], row["high"]
    return sorted(rows.values(), key=lambda item: (item.action_id is None, item.action_id or 0, item.organisation_id))


def value_rows(house: SafetyHouse, first_year: int, last_year: int) -> QuerySet[ValueRating]:
    """Every value rating of the house's actions in the years, with action and organisation."""
    return (
        ValueRating.objects.filter(action__plan__house=house, year__gte=first_year, year__lte=last_year)
        .select_related("action__plan", "organisation")
        .order_by("action__plan__title", "action__title", "-year", "organisation__name", "aspect", "pk")
    )


def actions_for_indicator(house: SafetyHouse, indicator_key: str) -> QuerySet[ActionIndicator]:
    """The improvement actions that should move an indicator, with their direction."""
    return (
        ActionIndicator.objects.filter(action__plan__house=house, indicator_key=indicator_key)
        .select_related("action__plan", "action__organisation")
        .order_by("action__due_date", "action__pk")
    )


def linked_indicator_keys(house: SafetyHouse) -> QuerySet[ActionIndicator, dict[str, object]]:
    """Every indicator key an action of the house names, with the number of open actions."""
    return (
        ActionIndicator.objects.filter(action__plan__house=house)
        .values("indicator_key")
        .annotate(actions=Count("action"), open_actions=Count("action", filter=Q(action__ended_at__isnull=True)))
        .order_by("indicator_key")
    )


def assessment_summaries(house: SafetyHouse, start: dt.date, end: dt.date) -> QuerySet[SelfAssessment]:
    """Closed rounds whose closing day lies in [start, end], with invited and sent in."""
    return (
        SelfAssessment.objects.filter(
            house=house, status=AssessmentStatus.CLOSED, closes_on__gte=start, closes_on__lte=end
        )
        .select_related("meeting_type")
        .annotate(
            invited=Count("invitations", distinct=True),
            submitted=Count("invitations", filter=Q(invitations__submitted_at__isnull=False), distinct=True),
        )
        .order_by("closes_on", "pk")
    )


def open_actions(house: SafetyHouse) -> QuerySet[ImprovementAction]:
    return ImprovementAction.objects.filter(plan__house=house).open()
