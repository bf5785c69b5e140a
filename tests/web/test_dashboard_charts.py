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


@pytest.mark.django_db
def test_the_partners_page_shows_the_same_map_as_the_dashboard(org, officer, cities):
    xian = cities["xian"]
    xian.latitude, xian.longitude = 34.25833, 108.92861
    xian.save()
    partners.create_partnership(org=org, actor=officer, city=xian, kind="sister_city")
    client = client_for(officer)
    page = client.get("/partners/").content.decode()
    assert _chart(page, "chart-map") == _chart(client.get("/dashboard/").content.decode(), "chart-map")
    assert "vendor/echarts/echarts.min.js" in page and "vendor/topojson-client" in page
    assert "<table" in page.split('id="chart-map"')[1]  # the cities as a table beside the map
    fragment = client.get("/partners/?kind=sister_city", headers={"HX-Request": "true"}).content.decode()
    assert 'id="chart-map"' not in fragment  # filtering redraws the list, not the map


@pytest.mark.django_db
def test_the_campaigns_page_charts_the_totals_per_format(org, officer):
    import datetime as dt

    from hamdeli.campaigns.services import awareness

    campaign = awareness.create_campaign(org=org, actor=officer, name={"fa": "در خانه بمانیم"},
                                         starts_on=dt.date(2020, 2, 20), ends_on=dt.date(2020, 4, 19))
    awareness.add_design_set(org=org, actor=officer, campaign=campaign, title={"fa": "طرح"},
                             formats=["billboard"], ready_on=dt.date(2020, 3, 1))
    page = client_for(officer).get("/campaigns/").content.decode()
    totals = _chart(page, "chart-campaigns")
    assert totals["horizontal"] and "بیلبورد" in totals["categories"]
    assert totals["series"][0]["data"][totals["categories"].index("بیلبورد")] == 1
