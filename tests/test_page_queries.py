"""The list pages (letters, partners, practices) cost the same number of queries for one row as for a full
page of fifty and more: no query per row, whatever the sort and filters (issue 13; the API's lists are
held to the same in tests/test_api_queries.py).

Each case adds one row of its list per call; the page is read with one row, then with 55 (a full first
page, and a second one), and the queries counted by CaptureQueriesContext are compared."""

from types import SimpleNamespace

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from hamdeli.partners import services as partners
from tests.conftest import client_for
from tests.list_pages import row_links
from tests.test_api_queries import D, _letter, _partnership, _practice


def _contact(w, i):
    p = _partnership(w, i)
    partners.record_interaction(org=w.org, actor=w.actor, partnership=p, occurred_on=D, kind="call",
                                summary=f"Call {i}")


def _public_practice(w, i):
    _practice(w, i, visibility="public", started_on=D)


# name: (url, add one row, the prefix of a row's link, read as a visitor)
CASES = {
    "letters": ("/letters/", _letter, "/letters/", False),
    "letters_sorted_filtered": ("/letters/?sort=state&direction=out&q=letter", _letter, "/letters/", False),
    "letters_htmx_results": ("/letters/?sort=-due&hx=1", _letter, "/letters/", False),
    "partners": ("/partners/", _partnership, "/partners/", False),
    "partners_by_contact": ("/partners/?sort=-contact&country=ZZ&state=proposed", _contact, "/partners/", False),
    "practices": ("/practices/", _practice, "/practices/", False),
    "practices_by_title": ("/practices/?sort=title&topic=health_supplies", _practice, "/practices/", False),
    "exchange": ("/exchange/?sort=city", _public_practice, "/exchange/", True),
}


def _read(client, url, prefix) -> tuple[int, int]:
    headers = {"HTTP_HX_REQUEST": "true"} if "hx=1" in url else {}
    client.get(url, **headers)  # warm: the first request fills per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, **headers)
    assert response.status_code == 200, response.content[:300]
    return len(captured), len(row_links(response.content.decode(), prefix))


@pytest.mark.parametrize("case", CASES)
def test_a_list_page_costs_the_same_queries_for_1_and_55_rows(case, db, org, owner, cities):
    url, add, prefix, visitor = CASES[case]
    w = SimpleNamespace(org=org, actor=owner)
    client = Client() if visitor else client_for(owner)
    client.cookies["hamdeli_language"] = "fa"
    add(w, 0)
    one, rows_one = _read(client, url, prefix)
    for i in range(1, 55):
        add(w, i)
    full, rows_full = _read(client, url, prefix)
    second, rows_second = _read(client, url + ("&" if "?" in url else "?") + "page=2", prefix)
    assert (rows_one, rows_full, rows_second) == (1, 50, 5)
    assert full == one == second, f"{case}: {one} queries for 1 row, {full} for 50, {second} for page 2"


# The dashboard's queries with its panels (issue 17): the member's office (with its city) is read once per
# request, not by every panel and template; the counts by state and kind, the map and the dimmed list share
# one read of the partnerships; the aid panel's totals are one query. Was 29 here (40 on the demo); held flat
# in the number of partners and letters.
DASHBOARD_QUERIES = 19


def test_the_dashboard_costs_the_same_queries_for_1_and_55_partners(db, org, owner, cities):
    w = SimpleNamespace(org=org, actor=owner)
    client = client_for(owner)
    client.cookies["hamdeli_language"] = "fa"
    _contact(w, 0)
    _letter(w, 0)
    one, _rows = _read(client, "/dashboard/", "/partners/")
    for i in range(1, 55):
        _contact(w, i)
        _letter(w, i)
    full, _rows = _read(client, "/dashboard/", "/partners/")
    assert full == one <= DASHBOARD_QUERIES, f"{one} queries with 1 partner, {full} with 55"
