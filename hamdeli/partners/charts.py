"""A partnership's timeline as a chart: its steps, letters, meetings and visits, aid and other contacts,
each on its own lane along the years (drawn by web/static/web/charts.js; the table beside it lists the
same points)."""

from django.utils.translation import gettext as _

from hamdeli.core import dates
from hamdeli.partners.models import InteractionKind


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
