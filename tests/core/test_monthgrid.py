"""Month grids: Jalali months from Saturday with Persian digits in Persian, Gregorian from Monday in English."""

import datetime as dt
from types import SimpleNamespace

from django.utils import translation

from hamdeli.core.monthgrid import month_grids


def _events(*days):
    return [SimpleNamespace(on=day) for day in days]


def test_persian_grids_are_jalali_months_starting_on_saturday():
    # 1 Farvardin 1399 was Friday 20 March 2020; 24 March 2020 was 5 Farvardin.
    with translation.override("fa"):
        weekdays, months = month_grids(_events(dt.date(2020, 3, 24), dt.date(2020, 3, 24), dt.date(2020, 4, 25)))
    assert [full for _short, full in weekdays][0] == "شنبه"
    assert [m.name for m in months] == ["فروردین ۱۳۹۹", "اردیبهشت ۱۳۹۹"]
    first_week = months[0].weeks[0]
    assert first_week[:6] == [None] * 6 and first_week[6].number == "۱"  # Friday is the last column
    fifth = next(d for week in months[0].weeks for d in week if d and d.on == dt.date(2020, 3, 24))
    assert fifth.number == "۵" and len(fifth.events) == 2
    assert sum(1 for week in months[0].weeks for d in week if d) == 31
    assert all(len(week) == 7 for m in months for week in m.weeks)


def test_english_grids_are_gregorian_months_starting_on_monday():
    with translation.override("en"):
        weekdays, months = month_grids(_events(dt.date(2020, 2, 29)))
    assert weekdays[0][1] == "Monday"
    assert [m.name for m in months] == ["Feb 2020"]
    assert months[0].weeks[0][:5] == [None] * 5 and months[0].weeks[0][5].number == "1"  # Saturday 1 Feb
    assert sum(1 for week in months[0].weeks for d in week if d) == 29
