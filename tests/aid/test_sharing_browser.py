"""In a real browser: Xi'an's office offers its pledge to Isfahan's on the pledge page, Isfahan accepts it in
the offers panel of its aid home, and Xi'an reads Isfahan's receipt and custody on the shared shipment's
page. Each of these pages fits a 390 px phone in Persian and English, with no console error (the strict
CSP refuses any inline script or style) and no serious accessibility violation."""

import pytest

from hamdeli.aid import services
from hamdeli.aid.models import PledgeLink
from tests.aid.test_sharing_pages import _received_and_distributed
from tests.web.test_browser import browser_page, sign_in  # noqa: F401 - the shared Playwright fixture
from tests.web.test_every_page import LAPTOP, PHONE, Walk

pytestmark = pytest.mark.browser


def _check(walk, url, failures):
    for lang in ("fa", "en"):
        walk.language(lang)
        walk.open(url)
        for width in (PHONE, LAPTOP):
            wider = walk.overflow(width)
            if wider > 0:
                failures.append(f"{lang} {url} at {width}px: {wider}px wider than the screen")
        failures += [f"{lang} {url}: axe {v}" for v in walk.axe()]
        failures += [f"{lang} {url}: {p}" for p in walk.problems]


@pytest.mark.django_db(transaction=True)
def test_offer_accept_and_the_shared_view_in_a_browser(browser_page, live_server, aid, xian,  # noqa: F811
                                                        flushable_ledger):
    page, walk, failures = browser_page, Walk(browser_page, live_server.url), []
    services.create_pledge(org=aid.org, actor=aid.actor, direction="inbound", donor=aid.xian, recipient=aid.city,
                           lines=[(aid.gown, 5)], label={"en": "an earlier pledge"})

    walk.sign_in("outsider")  # Xi'an's officer
    pledge_url = f"/aid/pledges/{xian.pledge.public_id}/"
    _check(walk, pledge_url, failures)
    page.select_option("form[action$='/offer/'] select[name=office]", "isfahan")
    page.click("form[action$='/offer/'] button[type=submit]")
    page.wait_for_selector("div.messages")
    link = PledgeLink.objects.get()
    assert page.url.endswith(f"/aid/links/{link.public_id}/")

    walk.sign_in("officer")  # Isfahan's
    walk.language("en")
    walk.open("/aid/")
    page.click(f"details:has(form[action$='/{link.public_id}/accept/']) summary")
    _check(walk, "/aid/", failures)  # the offers panel, its forms open
    walk.open("/aid/")
    accept = f"form[action$='/{link.public_id}/accept/']"
    page.click(f"details:has({accept}) summary")
    page.select_option(f"{accept} select[name=recipient]", str(aid.city.public_id))  # the donor is guessed
    page.click(f"{accept} button[type=submit]")
    page.wait_for_selector("div.messages")
    link.refresh_from_db()
    assert link.state == "accepted" and link.recipient_pledge.org == aid.org
    _received_and_distributed(aid, link)
    _check(walk, f"/aid/links/{link.public_id}/", failures)
    _check(walk, "/aid/links/", failures)

    walk.sign_in("outsider")
    _check(walk, f"/aid/links/{link.public_id}/", failures)
    walk.open(f"/aid/links/{link.public_id}/")
    text = page.inner_text("main")
    assert "Alzahra" in text and "ICU" in text and "crushed" in text and "an earlier pledge" not in text
    assert not failures, "\n".join(failures)
