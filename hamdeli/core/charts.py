"""A chart as web/chart.html shows it: the data for static/web/charts.js, and the same numbers as table
rows beside it. Each app builds its own charts' data and passes it through these (web draws them)."""

from typing import Any

from django.utils.translation import gettext as _


def figure(chart_id: str, title: str, chart: dict[str, Any] | None) -> dict[str, Any] | None:
    """What web/chart.html needs: the data for the script, and the same numbers as table rows."""
    if chart is None:
        return None
    rows = [[category, *(series["data"][i] for series in chart["series"])]
            for i, category in enumerate(chart["categories"])]
    return {"id": chart_id, "title": title, "data": chart, "rows": rows,
            "columns": [series["name"] for series in chart["series"]]}


def map_figure(chart_id: str, title: str, chart: dict[str, Any] | None) -> dict[str, Any] | None:
    """What web/chart.html needs for a map: its points, and the same cities as table rows."""
    if chart is None:
        return None
    rows, columns = chart.pop("rows"), chart.pop("columns")
    return {"id": chart_id, "title": title, "data": chart, "rows": rows, "columns": columns, "map": True,
            "first_column": _("City")}
