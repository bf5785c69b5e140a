"""'Cities ahead of us': practices of cities hit earlier by the same crisis, furthest ahead first."""

import datetime as dt

import pytest

from hamdeli.practices import selectors, services

pytestmark = pytest.mark.django_db


@pytest.fixture
def dated(org, officer, cities, make_practice):
    services.record_impact(org=org, actor=officer, crisis="covid19", hit_on=dt.date(2020, 2, 23))
    for key, day in (("xian", dt.date(2020, 1, 23)), ("barcelona", dt.date(2020, 2, 25)),
                     ("guangzhou", dt.date(2020, 1, 20))):
        services.record_impact(org=org, actor=officer, crisis="covid19", hit_on=day, city=cities[key])
    return {
        "xian": make_practice(title={"en": "Xi'an buses"}, city=cities["xian"], topics=["transport"]),
        "guangzhou": make_practice(title={"en": "Guangzhou masks"}, city=cities["guangzhou"],
                                   topics=["health_supplies"]),
        "barcelona": make_practice(title={"en": "Barcelona calls"}, city=cities["barcelona"],
                                   topics=["social_support"]),
        "ours": make_practice(title={"en": "Isfahan streets"}),
    }


def test_earlier_cities_furthest_ahead_first(org, dated):
    rows = selectors.cities_ahead(org=org, crisis="covid19")
    assert [(p.title["en"], days) for p, days in rows] == [("Guangzhou masks", 34), ("Xi'an buses", 31)]


def test_filtered_by_topic(org, dated):
    rows = selectors.cities_ahead(org=org, crisis="covid19", topic="transport")
    assert [p.title["en"] for p, _days in rows] == ["Xi'an buses"]


def test_nothing_until_we_record_our_own_date(other_org, dated):
    assert selectors.cities_ahead(org=other_org, crisis="covid19") == []


def test_a_citys_own_org_date_wins(org, other_org, outsider, dated):
    services.record_impact(org=other_org, actor=outsider, crisis="covid19", hit_on=dt.date(2020, 2, 1))
    rows = selectors.cities_ahead(org=org, crisis="covid19")
    assert ("Xi'an buses", 22) in [(p.title["en"], d) for p, d in rows]


def test_page_and_api(officer_client, officer_api, dated):
    page = officer_client.get("/practices/ahead/", {"crisis": "covid19"}).content.decode()
    assert page.index("Guangzhou masks") < page.index("Xi&#x27;an buses")
    body = officer_api.get("/api/v1/practices/ahead", {"crisis": "covid19"}).json()
    assert [row["days_ahead"] for row in body["items"]] == [34, 31]


def test_recording_again_updates_not_duplicates(org, officer):
    services.record_impact(org=org, actor=officer, crisis="flood", hit_on=dt.date(2020, 1, 1))
    services.record_impact(org=org, actor=officer, crisis="flood", hit_on=dt.date(2020, 1, 5))
    assert selectors.impacts(org=org).filter(crisis="flood").get().hit_on == dt.date(2020, 1, 5)


def test_dashboard_panel_shows_cities_ahead(officer_client, dated):
    page = officer_client.get("/dashboard/").content.decode()
    assert "practices-panel" in page and "Guangzhou masks" in page
