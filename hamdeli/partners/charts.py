"""A partnership's timeline as a chart: its steps, letters, meetings and visits, aid and other contacts,
each on its own lane along the years (drawn by web/static/web/charts.js; the table beside it lists the
same points)."""

from collections.abc import Iterable

from django.utils.translation import gettext as _

from hamdeli.core import dates
from hamdeli.core.charts import map_figure
from hamdeli.partners import selectors as partners
from hamdeli.partners.models import InteractionKind, Partnership


def _lanes() -> dict[str, str]:
    return {
        "step": _("Steps of the agreement"),
        "letter": _("Letters"),
        "meeting": _("Meetings and visits"),
        "aid": _("Aid"),
        "other": _("Other contacts"),
    }


def _lane(item: dict) -> str:
    if item["type"] == "event":
        return "step"
    kind = item["action"]
    if kind == InteractionKind.LETTER:
        return "letter"
    if kind in (InteractionKind.MEETING, InteractionKind.VISIT, InteractionKind.CALL, InteractionKind.EVENT):
        return "meeting"
    if kind == InteractionKind.AID:
        return "aid"
    return "other"


def timeline_chart(chart_id: str, title: str, timeline: list[dict]) -> dict | None:
    """What web/chart.html needs, from partners.selectors.timeline (newest first)."""
    if not timeline:
        return None
    lanes = _lanes()
    used = [key for key in lanes if any(_lane(item) == key for item in timeline)]
    points = [{"lane": used.index(_lane(item)), "on": item["on"].isoformat(), "label": str(item["label"]),
               "note": item.get("note") or ""} for item in reversed(timeline)]
    rows = [[dates.format_date(item["on"]), lanes[_lane(item)], str(item["label"])] for item in timeline]
    return {"id": chart_id, "title": title, "first_column": _("Date"), "columns": [_("Lane"), _("What")],
            "rows": rows, "data": {"kind": "timeline", "lanes": [str(lanes[key]) for key in used],
                                   "points": points}}


def partners_map(org, partnerships: Iterable[Partnership] | None = None) -> dict | None:
    """Partner cities on a world map, one series per state; dimmed relations are named as such.
    `partnerships`: the org's partnerships (`partners.partnerships`) when the caller has read them already."""
    by_state: dict[str, list] = {}
    rows = []
    for p in partners.partnerships(org=org) if partnerships is None else partnerships:
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


def partners_map_figure(org, partnerships: Iterable[Partnership] | None = None) -> dict | None:
    """The partner cities' map as the dashboard and the partners page show it."""
    return map_figure("chart-map", _("Partner cities on the map"), partners_map(org, partnerships))
