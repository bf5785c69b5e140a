"""The charts of the dashboard, the partners and the campaigns pages as plain data: categories and
series, drawn by static/web/charts.js with ECharts and shown as a table beside it (the table is also
what a screen reader and a printer get).

Months are Jalali with Persian digits in Persian, Gregorian in English; numbers stay numbers here and
are written in the page's digits by the browser (Intl.NumberFormat)."""

import datetime as dt

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from hamdeli.core import dates
from hamdeli.core.charts import figure, map_figure  # noqa: F401 (the dashboard's and the pages' one shape)
from hamdeli.core.digits import to_persian_digits, uses_persian_digits
from hamdeli.core.permissions import has_perm


def _month_key(day: dt.date, jalali: bool) -> tuple[int, int]:
    if jalali:
        j = dates.to_jalali(day)
        return j.year, j.month
    return day.year, day.month


def _months_between(first: tuple[int, int], last: tuple[int, int]):
    year, month = first
    while (year, month) <= last:
        yield year, month
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _month_label(key: tuple[int, int], jalali: bool) -> str:
    year, month = key
    if jalali:
        return to_persian_digits(f"{dates.JALALI_MONTHS[month - 1]} {year}")
    return f"{dates.GREGORIAN_MONTHS_EN[month - 1]} {year}"


def aid_over_time(request) -> dict | None:
    """Units received, handed over and distributed, month by month."""
    if not has_perm(request, "aid.view"):
        return None
    from hamdeli.aid import selectors as aid

    steps = {"receipt": _("Received"), "handover": _("Handed over"), "distribution": _("Distributed")}
    jalali = uses_persian_digits((get_language() or "fa").split("-")[0])
    rows = (aid.movements(org=request.org, actor=request.user).filter(reason__in=steps).order_by()
            .annotate(day=TruncDate("at")).values("day", "reason").annotate(units=Sum("quantity")))
    totals: dict[tuple[int, int], dict[str, int]] = {}
    for row in rows:
        month = totals.setdefault(_month_key(row["day"], jalali), dict.fromkeys(steps, 0))
        month[row["reason"]] += row["units"]
    if not totals:
        return None
    months = list(_months_between(min(totals), max(totals)))
    return {
        "kind": "bars",
        "categories": [_month_label(m, jalali) for m in months],
        "series": [{"name": str(label), "data": [totals.get(m, {}).get(step, 0) for m in months]}
                   for step, label in steps.items()],
    }




def partners_by_state(by_state) -> dict:
    return {
        "kind": "bars",
        "horizontal": True,
        "categories": [str(label) for _key, label, _n in by_state],
        "series": [{"name": str(_("Partners")), "data": [n for _key, _label, n in by_state]}],
    }
