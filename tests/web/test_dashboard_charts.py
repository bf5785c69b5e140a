"""The dashboard's charts: data for ECharts in the page (json_script, no inline script) and the same
numbers as a table, months in the page's calendar."""

import json
import re

import pytest

from hamdeli.partners import services as partners
from tests.conftest import client_for


def _chart(page: str, chart_id: str) -> dict:
    found = re.search(rf'<script id="{chart_id}" type="application/json">(.*?)</script>', page, re.S)
    assert found, f"no data for {chart_id}"
    return json.loads(found.group(1))


@pytest.mark.django_db
def test_partners_by_state_and_on_the_map(org, officer, cities):
    xian = cities["xian"]
    xian.latitude, xian.longitude = 34.25833, 108.92861
    xian.save()
    partners.create_partnership(org=org, actor=officer, city=xian, kind="sister_city")
    partners.create_partnership(org=org, actor=officer, city=cities["barcelona"], kind="sister_city")  # no place
    page = client_for(officer).get("/dashboard/").content.decode()
    states = _chart(page, "chart-states")
    assert sum(states["series"][0]["data"]) == 2
    world = _chart(page, "chart-map")
    assert [p["name"] for s in world["series"] for p in s["data"]] == ["شیان"]
    assert world["series"][0]["data"][0]["value"] == [108.92861, 34.25833]
    assert "<table" in page.split('id="chart-states"')[1]  # the table beside the chart
    assert not re.search(r"<script(?![^>]*(src=|application/json))", page), "an inline script"
    assert " style=" not in page.split("<main>")[1].split("</main>")[0]


@pytest.mark.django_db
def test_no_empty_aid_chart_before_any_movement(org, viewer):
    page = client_for(viewer).get("/dashboard/").content.decode()
    assert 'id="chart-aid"' not in page  # no movements yet: no empty chart either


def test_the_forward_arrow_points_the_reading_way():
    from django.template import Context, Template
    from django.utils import translation

    template = Template("{% forward %}")
    with translation.override("fa"):
        assert template.render(Context()) == "←"
    with translation.override("en"):
        assert template.render(Context()) == "→"
