"""Month grids for a calendar page: Jalali months starting on Saturday with Persian digits in Persian,
Gregorian months starting on Monday in English."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import get_language

from hamdeli.core import dates
from hamdeli.core.digits import to_persian_digits, uses_persian_digits

# (short, full) weekday names of each calendar, from the week's first day
WEEKDAYS = {True: list(zip("شیدسچپج", ["شنبه", "یکشنبه", "دوشنبه", "سه‌شنبه", "چهارشنبه", "پنجشنبه", "جمعه"],
                           strict=True)),
            False: list(zip(["M", "T", "W", "T", "F", "S", "S"],
                            ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"],
                            strict=True))}


@dataclass
class Day:
    on: dt.date
    number: str
    today: bool
    events: list[Any] = field(default_factory=list)


@dataclass
class Month:
    name: str
    weeks: list[list[Day | None]]  # lists of seven Day or None


def _month_of(day: dt.date, jalali: bool) -> tuple[int, int]:
    if jalali:
        j = dates.to_jalali(day)
        return j.year, j.month
    return day.year, day.month


def _days_of(year: int, month: int, jalali: bool) -> list[dt.date]:
    first = dates.from_jalali(year, month, 1) if jalali else dt.date(year, month, 1)
    days = []
    day = first
    while _month_of(day, jalali) == (year, month):
        days.append(day)
        day += dt.timedelta(days=1)
    return days


def month_grids(events: Iterable[Any], *, on: Callable[[Any], dt.date] = lambda e: e.on,
                ) -> tuple[list[tuple[str, str]], list[Month]]:
    """The weekday names and one grid per month holding at least one of the events."""
    jalali = uses_persian_digits((get_language() or "fa").split("-")[0])
    first_weekday = 5 if jalali else 0  # Saturday / Monday, as date.weekday() counts
    by_day: dict[dt.date, list[Any]] = {}
    for event in events:
        by_day.setdefault(on(event), []).append(event)
    today = dates.today()
    months = []
    for year, month in sorted({_month_of(day, jalali) for day in by_day}):
        days = _days_of(year, month, jalali)
        cells: list[Day | None] = [None] * ((days[0].weekday() - first_weekday) % 7)
        for day in days:
            number = to_persian_digits(str(_day_number(day, jalali))) if jalali else str(day.day)
            cells.append(Day(day, number, day == today, by_day.get(day, [])))
        cells += [None] * (-len(cells) % 7)
        name = (to_persian_digits(f"{dates.JALALI_MONTHS[month - 1]} {year}") if jalali
                else f"{dates.GREGORIAN_MONTHS_EN[month - 1]} {year}")
        months.append(Month(name, [cells[i:i + 7] for i in range(0, len(cells), 7)]))
    return WEEKDAYS[jalali], months


def _day_number(day: dt.date, jalali: bool) -> int:
    return dates.to_jalali(day).day if jalali else day.day
