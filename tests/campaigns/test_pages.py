"""Every campaigns page renders in both interface languages, with the demo-like data in place."""

import pytest
from django.conf import settings
from django.urls import reverse

from tests.campaigns import matrix_rows
from tests.conftest import client_for

PAGES = [row for row in matrix_rows.ROWS if ":" in row.key and row.method == "get"]


@pytest.fixture
def world(db, cities, org, officer, other_org):
    from types import SimpleNamespace

    w = SimpleNamespace(cities=cities, org=org, officer=officer, other_org=other_org)
    matrix_rows.build(w)
    return w


@pytest.mark.parametrize("lang", ["fa", "en"])
def test_every_page_renders(world, lang):
    client = client_for(world.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
    for row in PAGES:
        response = client.get(reverse(row.key, kwargs=row.params(world)))
        assert response.status_code == 200, row.key
        if response.get("Content-Type", "").startswith("text/html"):
            assert f'lang="{lang}"' in response.content.decode()[:200], row.key


def test_english_timeline_uses_gregorian_months(world):
    client = client_for(world.officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    ticks = client.get(reverse("campaigns:overview")).context["timeline"]["ticks"]
    assert [t["on"].day for t in ticks[1:]] == [1] * (len(ticks) - 1)
    assert [t["on"].isoformat() for t in ticks] == ["2020-02-20", "2020-03-01", "2020-04-01"]
