"""Dates: stored ISO/Gregorian, shown and typed in Jalali with Persian digits in fa, Gregorian in en."""

import datetime as dt
import re

import jdatetime
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hamdeli.core.digits import localize_digits, to_ascii_digits, to_persian_digits, uses_persian_digits

JALALI_MONTHS = [
    "فروردین",
    "اردیبهشت",
    "خرداد",
    "تیر",
    "مرداد",
    "شهریور",
    "مهر",
    "آبان",
    "آذر",
    "دی",
    "بهمن",
    "اسفند",
]
GREGORIAN_MONTHS_EN = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
_DATE_PATTERN = re.compile(r"^\s*(\d{3,4})\s*[-/.]\s*(\d{1,2})\s*[-/.]\s*(\d{1,2})\s*$")


class DateParseError(ValueError):
    """Raised with a translated message when text is not a date in the expected calendar."""


def _lang(lang: str | None) -> str:
    return (lang or get_language() or "fa").split("-")[0]


def to_jalali(value: dt.date) -> jdatetime.date:
    return jdatetime.date.fromgregorian(date=value)


def from_jalali(year: int, month: int, day: int) -> dt.date:
    gregorian: dt.date = jdatetime.date(year, month, day).togregorian()
    return gregorian


def _as_date(value: dt.date | dt.datetime) -> dt.date:
    if isinstance(value, dt.datetime):
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return value.date()
    return value


def format_date(value: dt.date | dt.datetime | None, lang: str | None = None, style: str = "long") -> str:
    """'1 Esfand 1398' as «۱ اسفند ۱۳۹۸» in fa, '20 Feb 2020' in en; style 'short' gives ۱۳۹۸/۱۲/۰۱."""
    if value is None:
        return ""
    day = _as_date(value)
    if uses_persian_digits(_lang(lang)):
        j = to_jalali(day)
        text = f"{j.year}/{j.month:02d}/{j.day:02d}" if style == "short" else (
            f"{j.day} {JALALI_MONTHS[j.month - 1]} {j.year}"
        )
        return to_persian_digits(text)
    if style == "short":
        return day.isoformat()
    return f"{day.day} {GREGORIAN_MONTHS_EN[day.month - 1]} {day.year}"


def format_datetime(value: dt.datetime | None, lang: str | None = None) -> str:
    if value is None:
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    clock = f"{local.hour:02d}:{local.minute:02d}"
    if uses_persian_digits(_lang(lang)):
        clock = to_persian_digits(clock)
    return f"{format_date(local, lang)}، {clock}" if _lang(lang) == "fa" else f"{format_date(local, lang)} {clock}"


def parse_date(text: str, lang: str | None = None) -> dt.date:
    """Read a date typed by a person: Jalali (Persian or Latin digits) in fa, ISO in en.

    A four-digit year above 1700 is taken as Gregorian in any language, so ISO dates pasted into the
    Persian form still work; years 1200–1500 are Jalali.
    """
    match = _DATE_PATTERN.match(to_ascii_digits(text or ""))
    if not match:
        raise DateParseError(_("Enter a date as year/month/day, for example %(example)s.") % {
            "example": format_date(dt.date(2020, 2, 20), lang, style="short")
        })
    year, month, day = (int(part) for part in match.groups())
    if not (year > 1700 or 1200 <= year <= 1500):
        raise DateParseError(_("%(year)s is not a year Hamdeli can read.") % {"year": localize_digits(year, lang)})
    if not 1 <= month <= 12:
        raise DateParseError(_("There is no month %(month)s: a month is 1 to 12.") % {
            "month": localize_digits(month, lang)})
    try:
        return dt.date(year, month, day) if year > 1700 else from_jalali(year, month, day)
    except ValueError:
        raise DateParseError(_("There is no such day in that month.")) from None


def add_months(value: dt.date, months: int) -> dt.date:
    month_index = value.month - 1 + months
    year, month = value.year + month_index // 12, month_index % 12 + 1
    for day in (value.day, 30, 29, 28):
        try:
            return dt.date(year, month, day)
        except ValueError:
            continue
    raise AssertionError("unreachable: every month has a 28th")


def today() -> dt.date:
    return timezone.localdate()
