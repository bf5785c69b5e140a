"""The search page's facet panel: each count with its label in the page's language and a link that adds
it to the search; the filters in use, each with a link that takes it away."""

import datetime as dt
from urllib.parse import urlencode

from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from hamdeli.core import dates
from hamdeli.core.localized import language_name
from hamdeli.places import selectors as places
from hamdeli.practices.models import Crisis, Instrument, Phase, Topic

TITLES = {"topic": _("Topic"), "country": _("Country"), "language": _("Language"), "crisis": _("Crisis"),
          "phase": _("Phase"), "instrument": _("Instrument"), "year": _("Year started")}
CHOICES = {"topic": Topic, "crisis": Crisis, "phase": Phase, "instrument": Instrument}


def year_bounds(year: int, calendar: str) -> tuple[dt.date, dt.date]:
    if calendar == "jalali":
        return dates.from_jalali(year, 1, 1), dates.from_jalali(year + 1, 1, 1) - dt.timedelta(days=1)
    return dt.date(year, 1, 1), dt.date(year, 12, 31)


def page_calendar() -> str:
    return "jalali" if (get_language() or "fa").startswith("fa") else "gregorian"


def _labels(name: str, values: list[str]) -> dict[str, str]:
    if name in CHOICES:
        choices = CHOICES[name]
        return {v: str(choices(v).label) if v in choices.values else v for v in values}
    if name == "country":
        names = places.country_names(values)
        return {v: names.get(v, v) for v in values}
    if name == "language":
        return {v: language_name(v) for v in values}
    return {v: v for v in values}


def link(params: dict, **changes) -> str:
    merged = {k: v for k, v in {**params, **changes}.items() if v not in (None, "")}
    return "?" + urlencode(merged)


def panel(facets: dict, params: dict, calendar: str) -> list[dict]:
    """[{name, title, items: [{label, count, url, active}]}] for the facets that have counts."""
    groups = []
    for name, counts in facets.items():
        if not counts:
            continue
        labels = _labels(name, [value for value, _count in counts])
        items = []
        for value, count in counts:
            if name == "year":
                start, end = year_bounds(int(value), calendar)
                changes = {"date_from": start.isoformat(), "date_to": end.isoformat()}
                active = params.get("date_from") == changes["date_from"] and params.get("date_to") == changes["date_to"]
            else:
                changes = {name: value}
                active = params.get(name) == value
            items.append({"label": labels.get(value, value), "count": count, "url": link(params, **changes),
                          "active": active})
        groups.append({"name": name, "title": TITLES[name], "items": items})
    return groups


def active_filters(cleaned: dict, params: dict) -> list[dict]:
    """The filters in use (the search form's cleaned values), with a link to the same search without each."""
    shown = []
    for name in ("topic", "country", "language", "crisis", "phase", "instrument"):
        value = cleaned.get(name)
        if value:
            label = _labels(name, [value]).get(value, value)
            shown.append({"title": TITLES[name], "label": label, "url": link(params, **{name: ""})})
    start, end = cleaned.get("date_from"), cleaned.get("date_to")
    if start or end:
        label = " – ".join(dates.format_date(d, style="short") if d else "…" for d in (start, end))
        shown.append({"title": _("Started"), "label": label, "url": link(params, date_from="", date_to="")})
    return shown
