"""The dashboard's figures and panels are kept per office until the office records a change (core.office_cache):
a change shows on the next load, an unchanged office is read once, and one person's copy is not another's."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamdeli.partners import services as partners
from tests.conftest import client_for


def _partners_by_state(page: str) -> int:
    found = re.search(r'<script id="chart-states" type="application/json">(.*?)</script>', page, re.S)
    return sum(json.loads(found.group(1))["series"][0]["data"]) if found else 0


def _main(page: str) -> str:
    return page.split("<main", 1)[1].split("</main>", 1)[0]


@pytest.mark.django_db
def test_a_recorded_change_shows_on_the_next_load(org, officer, cities):
    client = client_for(officer)
    partners.create_partnership(org=org, actor=officer, city=cities["xian"], kind="sister_city")
    assert _partners_by_state(client.get("/dashboard/").content.decode()) == 1
    partners.create_partnership(org=org, actor=officer, city=cities["barcelona"], kind="sister_city")
    assert _partners_by_state(client.get("/dashboard/").content.decode()) == 2


@pytest.mark.django_db
def test_an_unchanged_office_is_read_once(org, officer, cities):
    partners.create_partnership(org=org, actor=officer, city=cities["xian"], kind="sister_city")
    client = client_for(officer)
    with CaptureQueriesContext(connection) as first:
        page = client.get("/dashboard/").content.decode()
    with CaptureQueriesContext(connection) as again:
        again_page = client.get("/dashboard/").content.decode()
    assert _main(again_page) == _main(page)  # the same content (the page's CSRF token is masked afresh)
    assert len(again) < len(first)
    assert not any("partners_partnership" in q["sql"] for q in again.captured_queries)


@pytest.mark.django_db
def test_each_person_and_language_has_their_own_copy(org, officer, viewer, cities):
    partners.create_partnership(org=org, actor=officer, city=cities["xian"], kind="sister_city")
    officer_client, viewer_client = client_for(officer), client_for(viewer)
    officer_client.get("/dashboard/")
    with CaptureQueriesContext(connection) as viewers:
        viewer_client.get("/dashboard/")
    assert any("partners_partnership" in q["sql"] for q in viewers.captured_queries)  # computed for the viewer
    officer_client.cookies["hamdeli_language"] = "en"
    with CaptureQueriesContext(connection) as english:
        officer_client.get("/dashboard/")
    assert any("partners_partnership" in q["sql"] for q in english.captured_queries)
