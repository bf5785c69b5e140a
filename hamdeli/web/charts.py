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


def campaign_totals(request) -> dict | None:
    """Placements and units per design format, over every awareness campaign."""
    if not has_perm(request, "campaigns.view"):
        return None
    from hamdeli.campaigns import selectors as campaigns

    totals = [t for t in campaigns.format_totals(org=request.org) if t.placements or t.design_sets]
    if not totals:
        return None
    return {
        "kind": "bars",
        "horizontal": True,  # the formats' names read on one line beside their bars, on a phone too
        "categories": [t.label for t in totals],
        "series": [{"name": str(_("Design sets")), "data": [t.design_sets for t in totals]},
                   {"name": str(_("Placements")), "data": [t.placements for t in totals]}],
    }


def partners_by_state(by_state) -> dict:
    return {
        "kind": "bars",
        "horizontal": True,
        "categories": [str(label) for _key, label, _n in by_state],
        "series": [{"name": str(_("Partners")), "data": [n for _key, _label, n in by_state]}],
    }


def figure(chart_id: str, title: str, chart: dict | None) -> dict | None:
    """What web/chart.html needs: the data for the script, and the same numbers as table rows."""
    if chart is None:
        return None
    rows = [[category, *(series["data"][i] for series in chart["series"])]
            for i, category in enumerate(chart["categories"])]
    return {"id": chart_id, "title": title, "data": chart, "rows": rows,
            "columns": [series["name"] for series in chart["series"]]}


def partners_map(org) -> dict | None:
    """Partner cities on a world map, one series per state; dimmed relations are named as such."""
    from hamdeli.partners import selectors as partners

    by_state: dict[str, list] = {}
    rows = []
    for p in partners.partnerships(org=org):
        city = p.city
        if city.latitude is None or city.longitude is None:
            continue
        dimmed = partners.health(p).status == "dimmed"
        state = str(p.get_state_display())
        by_state.setdefault(state, []).append(
            {"name": str(city), "value": [float(city.longitude), float(city.latitude)], "dimmed": dimmed})
        rows.append([str(city), str(city.country), state, str(_("Dimmed")) if dimmed else ""])
    if not rows:
        return None
    return {"kind": "map", "series": [{"name": state, "data": points} for state, points in by_state.items()],
            "dimmed": str(_("Dimmed")), "rows": rows,
            "columns": [str(_("Country")), str(_("State")), str(_("Health"))]}


def map_figure(chart_id: str, title: str, chart: dict | None) -> dict | None:
    """What web/chart.html needs for a map: its points, and the same cities as table rows."""
    if chart is None:
        return None
    rows, columns = chart.pop("rows"), chart.pop("columns")
    return {"id": chart_id, "title": title, "data": chart, "rows": rows, "columns": columns, "map": True,
            "first_column": _("City")}


def partners_map_figure(org) -> dict | None:
    """The partner cities' map as the dashboard and the partners page show it."""
    return map_figure("chart-map", _("Partner cities on the map"), partners_map(org))
