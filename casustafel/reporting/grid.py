"""The fixed grid on which figures are published: calendar months, quarters and years.

Why a grid (docs/indicators.md, "Periods"): with free start and end dates two reports a few days
apart can be subtracted to learn the counts of those days. On the grid two periods either do not
overlap or one lies inside the other, and the nested ones (a year, its quarters, its months) are
suppressed together (`reporting/linked.py`), so that no subtraction isolates a small count.

Only **completed** periods are published: a period whose last day lies before today. The figures
of a period are dated within it (events) or taken at its end (snapshots), so once a period is
over its figures no longer move; a year-to-date figure, which grows every day, would give away
the events of each day to whoever looks twice.
"""

from __future__ import annotations

import datetime as dt
import enum
import re
from dataclasses import dataclass

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

# How many years back the period choice goes (older years remain reachable by address).
CHOICE_YEARS = 10


class Grain(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"
    YEAR = "year"

    @property
    def label(self) -> str:
        return str(GRAIN_LABELS[self])


GRAIN_LABELS = {Grain.MONTH: _lazy("Maand"), Grain.QUARTER: _lazy("Kwartaal"), Grain.YEAR: _lazy("Jaar")}
_KEY = re.compile(r"^(?P<year>\d{4})(?:-(?:Q(?P<quarter>[1-4])|(?P<month>0[1-9]|1[0-2])))?$")


def month_start(year: int, month: int) -> dt.date:
    return dt.date(year, month, 1)


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after (or before) `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@dataclass(frozen=True, order=True)
class GridPeriod:
    """A calendar year, quarter (1-4) or month (1-12) of `year`."""

    year: int
    grain: Grain
    index: int = 1  # the quarter or month; 1 for a year

    @classmethod
    def of_year(cls, year: int) -> GridPeriod:
        return cls(year=year, grain=Grain.YEAR, index=1)

    @classmethod
    def of_quarter(cls, year: int, quarter: int) -> GridPeriod:
        return cls(year=year, grain=Grain.QUARTER, index=quarter)

    @classmethod
    def of_month(cls, year: int, month: int) -> GridPeriod:
        return cls(year=year, grain=Grain.MONTH, index=month)

    @classmethod
    def parse(cls, key: str) -> GridPeriod:
        """ "2025", "2025-Q3" or "2025-07"; ValueError for anything else."""
        found = _KEY.match(key.strip())
        if not found:
            raise ValueError(f"not a grid period: {key!r}")
        year = int(found["year"])
        if found["quarter"]:
            return cls.of_quarter(year, int(found["quarter"]))
        if found["month"]:
            return cls.of_month(year, int(found["month"]))
        return cls.of_year(year)

    @property
    def key(self) -> str:
        if self.grain is Grain.YEAR:
            return f"{self.year}"
        if self.grain is Grain.QUARTER:
            return f"{self.year}-Q{self.index}"
        return f"{self.year}-{self.index:02d}"

    @property
    def first_month(self) -> int:
        if self.grain is Grain.YEAR:
            return 1
        if self.grain is Grain.QUARTER:
            return 3 * (self.index - 1) + 1
        return self.index

    @property
    def month_count(self) -> int:
        return {Grain.YEAR: 12, Grain.QUARTER: 3, Grain.MONTH: 1}[self.grain]

    @property
    def start(self) -> dt.date:
        return month_start(self.year, self.first_month)

    @property
    def end(self) -> dt.date:
        """The last day of the period."""
        return add_months(self.start, self.month_count) - dt.timedelta(days=1)

    @property
    def starts_at(self) -> dt.datetime:
        return timezone.make_aware(dt.datetime.combine(self.start, dt.time.min))

    @property
    def ends_at(self) -> dt.datetime:
        """The first moment after the period (the moment snapshots are taken)."""
        return timezone.make_aware(dt.datetime.combine(self.end + dt.timedelta(days=1), dt.time.min))

    def months(self) -> list[GridPeriod]:
        return [GridPeriod.of_month(self.year, self.first_month + n) for n in range(self.month_count)]

    def quarters(self) -> list[GridPeriod]:
        if self.grain is not Grain.YEAR:
            return []
        return [GridPeriod.of_quarter(self.year, q) for q in range(1, 5)]

    def is_complete(self, today: dt.date | None = None) -> bool:
        return self.end < (today or timezone.localdate())

    def shifted(self, months: int) -> tuple[dt.datetime, dt.datetime]:
        """The period moved `months` calendar months back (negative) or forward, as moments:
        the cohort of a follow-up horizon (cases whose 3-month mark falls in this period closed
        three months earlier)."""
        start = add_months(self.start, months)
        end = add_months(self.start, months + self.month_count)
        return (
            timezone.make_aware(dt.datetime.combine(start, dt.time.min)),
            timezone.make_aware(dt.datetime.combine(end, dt.time.min)),
        )

    @property
    def label(self) -> str:
        if self.grain is Grain.YEAR:
            return str(self.year)
        if self.grain is Grain.QUARTER:
            return _("%(quarter)se kwartaal %(year)s") % {"quarter": self.index, "year": self.year}
        return formats.date_format(self.start, "F Y")

    @property
    def short_label(self) -> str:
        if self.grain is Grain.QUARTER:
            return f"K{self.index} {self.year}"
        return self.label

    def __str__(self) -> str:
        return self.key


def last_complete(grain: Grain, today: dt.date | None = None) -> GridPeriod:
    """The latest period of `grain` that has ended before today."""
    day = today or timezone.localdate()
    previous_month = add_months(day, -1)
    if grain is Grain.MONTH:
        return GridPeriod.of_month(previous_month.year, previous_month.month)
    if grain is Grain.QUARTER:
        current = (day.month - 1) // 3 + 1
        return GridPeriod.of_quarter(day.year, current - 1) if current > 1 else GridPeriod.of_quarter(day.year - 1, 4)
    return GridPeriod.of_year(day.year - 1)


def default_period(today: dt.date | None = None) -> GridPeriod:
    """The dashboards open on the last completed quarter."""
    return last_complete(Grain.QUARTER, today)


def period_choices(grain: Grain, today: dt.date | None = None) -> list[GridPeriod]:
    """The completed periods of `grain` of the last CHOICE_YEARS years, newest first."""
    latest = last_complete(grain, today)
    found: list[GridPeriod] = []
    period = latest
    while period.year > latest.year - CHOICE_YEARS:
        found.append(period)
        period = previous(period)
    return found


def previous(period: GridPeriod) -> GridPeriod:
    if period.grain is Grain.YEAR:
        return GridPeriod.of_year(period.year - 1)
    if period.grain is Grain.QUARTER:
        return (
            GridPeriod.of_quarter(period.year, period.index - 1)
            if period.index > 1
            else GridPeriod.of_quarter(period.year - 1, 4)
        )
    return (
        GridPeriod.of_month(period.year, period.index - 1)
        if period.index > 1
        else GridPeriod.of_month(period.year - 1, 12)
    )
