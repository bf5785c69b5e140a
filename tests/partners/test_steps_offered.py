"""A partnership's page offers only the steps possible from its state, dated today."""

import re

import pytest

from hamdeli.core import dates
from hamdeli.partners import services
from tests.conftest import client_for


@pytest.mark.django_db
def test_a_proposed_partnership_offers_only_its_next_steps_dated_today(org, officer, cities):
    partnership = services.create_partnership(org=org, actor=officer, city=cities["xian"], kind="sister_city")
    page = client_for(officer).get(f"/partners/{partnership.public_id}/").content.decode()
    select = page.split('name="action"')[1].split("</select>")[0]
    offered = set(re.findall(r'<option value="([a-z_]+)"', select))
    assert "submit_bill" in offered
    assert not offered & {"approve", "sign", "activate", "make_dormant", "reactivate"}, offered
    today = dates.format_date(dates.today(), style="short")
    assert re.search(rf'name="on"[^>]*value="{today}"', page) or re.search(rf'value="{today}"[^>]*name="on"', page)
