"""The pledges page pages through any number of pledges, sorts by its columns and filters, all kept in
the URL (issue 13: pledges, ledger, letters, partners, practices)."""

import datetime as dt
import re

from hamdeli.aid.models import Pledge
from tests.conftest import client_for


def _pledges(aid, count):
    w = aid
    rows = [Pledge(org=w.org, direction="inbound" if n % 3 else "outbound", donor=w.xian if n % 3 else w.city,
                   recipient=w.city if n % 3 else w.xian, offered_on=dt.date(2020, 1, 1) + dt.timedelta(days=n))
            for n in range(count)]
    Pledge.objects.bulk_create(rows)


def _titles(html):
    return re.findall(r'<a href="/aid/pledges/([0-9a-f-]{36})/">', html)


def test_the_pledges_page_pages_sorts_and_keeps_its_filters(aid, officer):
    _pledges(aid, 90)
    browser = client_for(officer)
    first = browser.get("/aid/pledges/").content.decode()
    assert len(_titles(first)) == 50 and 'rel="next"' in first
    second = browser.get("/aid/pledges/?page=2").content.decode()
    assert len(_titles(second)) == 40 and not set(_titles(first)) & set(_titles(second))
    newest = Pledge.objects.order_by("-offered_on").first()
    assert _titles(first)[0] == str(newest.public_id)  # newest offer first by default
    oldest = browser.get("/aid/pledges/?sort=offered").content.decode()
    assert _titles(oldest)[0] == str(Pledge.objects.order_by("offered_on").first().public_id)

    outbound = browser.get("/aid/pledges/?direction=outbound").content.decode()
    assert len(_titles(outbound)) == 30
    by_party = browser.get(f"/aid/pledges/?party={aid.xian.public_id}&date_from=2020-01-01&date_to=2020-01-10")
    assert len(_titles(by_party.content.decode())) == 10  # Xi'an gives or receives every pledge
    paged = browser.get("/aid/pledges/?direction=inbound").content.decode()
    assert re.search(r'href="[^"]*direction=inbound[^"]*page=2', paged)  # the pager keeps the filter


def test_a_mistyped_filter_is_shown_and_the_others_still_apply(aid, officer):
    _pledges(aid, 6)
    html = client_for(officer).get("/aid/pledges/?direction=outbound&date_from=not-a-date").content.decode()
    assert len(_titles(html)) == 2 and "invalid-feedback" in html and "has-error" in html
