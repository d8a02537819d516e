"""Calendar arithmetic for terms (retention, statutory answer periods, working-day terms)."""

from __future__ import annotations

import calendar
import datetime as dt
import functools


def add_years(day: dt.date, years: int) -> dt.date:
    """`day` plus whole years; 29 February becomes 28 February in a year without it."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: dt.date, months: int) -> dt.date:
    """`day` plus (or minus) calendar months; the 31st becomes the last day of a shorter month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def easter_sunday(year: int) -> dt.date:
    """Easter Sunday of a Gregorian year (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    ell = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * ell) // 451
    month, day = divmod(h + ell - 7 * m + 114, 31)
    return dt.date(year, month, day + 1)


@functools.cache
def dutch_public_holidays(year: int) -> frozenset[dt.date]:
    """The national public holidays of the Netherlands that fall on a weekday off: New Year,
    Easter Monday, King's Day (the 26th when the 27th is a Sunday), Liberation Day in lustrum
    years (the day off most collective agreements give), Ascension Day, Whit Monday and
    Christmas. Good Friday is left out: most partners work that day."""
    easter = easter_sunday(year)
    kings_day = dt.date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = dt.date(year, 4, 26)
    days = {
        dt.date(year, 1, 1),
        easter + dt.timedelta(days=1),
        kings_day,
        easter + dt.timedelta(days=39),
        easter + dt.timedelta(days=50),
        dt.date(year, 12, 25),
        dt.date(year, 12, 26),
    }
    if year % 5 == 0:
        days.add(dt.date(year, 5, 5))
    return frozenset(days)


def is_working_day(day: dt.date) -> bool:
    return day.weekday() < 5 and day not in dutch_public_holidays(day.year)


def add_working_days(day: dt.date, count: int) -> dt.date:
    """The working day `count` working days after `day` (before it when negative). Terms such as
    "within 10 working days" of the escalation model count this way; `day` itself never counts."""
    step = 1 if count >= 0 else -1
    remaining = abs(count)
    current = day
    while remaining:
        current += dt.timedelta(days=step)
        if is_working_day(current):
            remaining -= 1
    return current
