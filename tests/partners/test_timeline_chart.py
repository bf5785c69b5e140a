"""A partnership's page draws its timeline: steps, letters, meetings on lanes along the years, with the
same points as a table for readers without the picture."""

import datetime as dt
import json
import re

from hamdeli.partners import services
from tests.conftest import client_for


def test_the_partner_page_charts_steps_letters_and_meetings(org, officer, cities):
    p = services.create_partnership(org=org, actor=officer, city=cities["xian"], proposed_on=dt.date(2019, 5, 1))
    services.record_interaction(org=org, actor=officer, partnership=p, occurred_on=dt.date(2020, 2, 20),
                             kind="letter", summary="Mayor's letter of solidarity")
    services.record_interaction(org=org, actor=officer, partnership=p, occurred_on=dt.date(2021, 6, 1),
                             kind="visit", summary="Delegation visit")
    page = client_for(officer).get(f"/partners/{p.public_id}/").content.decode()
    data = json.loads(re.search(r'<script id="chart-timeline" type="application/json">(.*?)</script>', page,
                                re.S).group(1))
    assert data["kind"] == "timeline"
    lanes = {data["lanes"][point["lane"]]: point for point in data["points"]}
    assert len(lanes) == 3  # a step, a letter, a visit: three lanes
    assert [point["on"] for point in data["points"]] == ["2019-05-01", "2020-02-20", "2021-06-01"]
    table = page[page.index('<details class="chart-table">'):]
    assert "۱۳۹۸" in table and "۱۴۰۰" in table  # the table's dates are Jalali on a Persian page
