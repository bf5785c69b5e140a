"""On a phone (390 px) the aid and campaign lists are cards, as the letters, partners and practices lists are:
no list table scrolls sideways inside its box, every row is a block with each value under its column's name,
in Persian and in English. Screenshots go to var/screenshots/phone-lists/."""

import pytest
from django.urls import reverse

from hamdeli.core import services as core
from tests.aid.conftest import flushable_ledger  # noqa: F401 - the ledger refuses the end-of-test flush
from tests.web.test_browser import browser_page  # noqa: F401 - the shared Playwright fixture
from tests.web.test_every_page import PASSWORD, PHONE, ROOT, Walk, _world

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "var" / "screenshots" / "phone-lists"
LISTS = ["aid:home", "aid:pledges", "aid:movements", "aid:links", "campaigns:overview", "campaigns:advocacy_list",
         "campaigns:recognition_list"]


@pytest.mark.django_db(transaction=True)
def test_the_aid_and_campaign_lists_are_cards_on_a_phone(browser_page, live_server, flushable_ledger, cities,  # noqa: F811
                                                         org, other_org, owner, officer, logistics, viewer, outsider):
    _world(cities, org, other_org, owner, officer, logistics, viewer, outsider)
    core.ensure_member(org=org, username="phone-owner", role="owner", password=PASSWORD)
    walk = Walk(browser_page, live_server.url)
    walk.sign_in("phone-owner")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    failures = []
    for lang in ("fa", "en"):
        walk.language(lang)
        for name in LISTS:
            walk.open(reverse(name))
            where = f"{lang} {name}"
            if walk.overflow(PHONE) > 0:
                failures.append(f"{where}: the page is wider than the phone")
            tables = walk.page.evaluate("""[...document.querySelectorAll('main table')]
                .filter(t => !t.closest('details.chart-table')).map(t => ({
                stack: t.classList.contains('stack'), rows: t.querySelectorAll('tbody tr').length,
                wider: (t.closest('.table-responsive') || t.parentElement).scrollWidth
                       - (t.closest('.table-responsive') || t.parentElement).clientWidth,
                display: t.querySelector('tbody tr') ? getComputedStyle(t.querySelector('tbody tr')).display : null,
                unlabelled: [...t.querySelectorAll('tbody tr td')].filter(td => !td.dataset.label && !(td.colSpan > 1)
                    && !td.classList.contains('row-actions')
                    && td.textContent.trim() && td.parentElement.cells.length > 1).length}))""")
            if not tables and name != "aid:links":  # no shipment is shared in this world
                failures.append(f"{where}: no list table")
            for i, t in enumerate(tables):
                if not t["stack"] or t["display"] not in ("block", None) or t["wider"] > 0 or t["unlabelled"]:
                    failures.append(f"{where} table {i}: {t}")
            walk.page.screenshot(path=str(SCREENSHOTS / f"{name.replace(':', '-')}-{lang}.png"), full_page=True)
            failures += [f"{where}: {p}" for p in walk.problems]
    assert not failures, "\n".join(failures)
