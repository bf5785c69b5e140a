import datetime as dt

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from hamdeli.core import dates
from hamdeli.core.digits import format_number, to_ascii_digits, to_persian_digits
from hamdeli.core.forms import LocalDateField


def test_the_story_dates_pin_the_jalali_calendar():
    assert dates.from_jalali(1398, 12, 1) == dt.date(2020, 2, 20)  # 1 Esfand 1398
    assert dates.from_jalali(1399, 1, 31) == dt.date(2020, 4, 19)  # 31 Farvardin 1399
    assert dates.from_jalali(1399, 1, 1) == dt.date(2020, 3, 20)  # Nowruz 1399


def test_persian_display_uses_jalali_and_persian_digits():
    assert dates.format_date(dt.date(2020, 2, 20), "fa") == "۱ اسفند ۱۳۹۸"
    assert dates.format_date(dt.date(2020, 4, 19), "fa", style="short") == "۱۳۹۹/۰۱/۳۱"


def test_english_display_is_gregorian():
    assert dates.format_date(dt.date(2020, 2, 20), "en") == "20 Feb 2020"
    assert dates.format_date(dt.date(2020, 2, 20), "en", style="short") == "2020-02-20"


@pytest.mark.parametrize("typed", ["۱۳۹۸/۱۲/۰۱", "1398/12/01", "١٣٩٨-١٢-٠١", " 1398.12.1 ", "2020-02-20"])
def test_typed_dates_in_any_digits_are_read(typed):
    assert dates.parse_date(typed, "fa") == dt.date(2020, 2, 20)


@pytest.mark.parametrize("typed", ["", "yesterday", "1398/13/01", "1398/12/31", "0999/01/01", "2020-02-30"])
def test_impossible_dates_are_refused_with_a_message(typed):
    with pytest.raises(dates.DateParseError) as error:
        dates.parse_date(typed, "fa")
    assert str(error.value)


def test_refusal_message_is_translated():
    with translation.override("fa"), pytest.raises(dates.DateParseError) as error:
        dates.parse_date("1398/12/31")
    assert "ماه" in str(error.value)


@given(st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2100, 12, 31)))
def test_display_and_input_round_trip_in_both_languages(day):
    for lang in ("fa", "en"):
        assert dates.parse_date(dates.format_date(day, lang, style="short"), lang) == day


def test_the_one_widget_shows_and_reads_jalali_in_persian():
    field = LocalDateField()
    with translation.override("fa"):
        assert field.widget.format_value(dt.date(2020, 3, 20)) == "۱۳۹۹/۰۱/۰۱"
        assert field.clean("۱۳۹۹/۰۱/۰۱") == dt.date(2020, 3, 20)
    with translation.override("en"):
        assert field.widget.format_value(dt.date(2020, 3, 20)) == "2020-03-20"


def test_digits_convert_both_ways():
    assert to_persian_digits("1399/123") == "۱۳۹۹/۱۲۳"
    assert to_ascii_digits("۱۳۹۹/١٢٣") == "1399/123"
    assert format_number(12345, "fa") == "۱۲٬۳۴۵"
    assert format_number(12345, "en") == "12,345"


def test_add_months_clamps_to_the_end_of_the_month():
    assert dates.add_months(dt.date(2020, 1, 31), 1) == dt.date(2020, 2, 29)
    assert dates.add_months(dt.date(2020, 3, 15), -12) == dt.date(2019, 3, 15)


@pytest.mark.parametrize("typed,lang,expected", [("2020-13-45", "en", "no month 13"), ("1398/13/01", "fa", "۱۳"),
                                                  ("2020-02-30", "en", "no such day")])
def test_the_refusal_names_what_is_wrong_month_or_day(typed, lang, expected):
    with translation.override(lang), pytest.raises(dates.DateParseError) as error:
        dates.parse_date(typed, lang)
    assert expected in str(error.value)
