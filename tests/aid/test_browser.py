"""In a real browser, in Persian, the clerk's story in few page loads: a pledge of masks from Guangzhou,
its boxes typed and received (one damaged), handed over to the medical university, given to a hospital's
ward, then the trace and the donor report. Every page load is counted."""

import pytest

from hamdeli.aid import services
from tests.web.test_browser import browser_page, sign_in  # noqa: F401 - the shared Playwright fixture

pytestmark = pytest.mark.browser
MAX_PAGE_LOADS = 20


@pytest.mark.django_db(transaction=True)
def test_the_clerks_story_takes_at_most_twenty_page_loads(browser_page, live_server, aid,  # noqa: F811
                                                           flushable_ledger):
    guangzhou = services.create_party(org=aid.org, actor=aid.actor, kind="city",
                                      name={"fa": "شهرداری گوانگجو", "en": "Guangzhou", "zh": "广州市"})
    page = browser_page
    loads = []
    page.on("load", lambda p: loads.append(p.url))

    sign_in(page, live_server)
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/aid/pledges/new/")
    page.select_option("select[name=direction]", "inbound")
    page.select_option("select[name=donor]", str(guangzhou.public_id))
    page.select_option("select[name=recipient]", str(aid.city.public_id))
    page.select_option("select[name=item]", str(aid.mask.public_id))
    page.fill("input[name=quantity]", "۱۰۰۰")
    page.click("main form button[type=submit]")
    page.wait_for_selector("text=گوانگجو")
    pledge_url = page.url
    page.select_option("form[action$='/transition/'] select[name=action]", "accept")
    page.click("form[action$='/transition/'] button[type=submit]")
    page.wait_for_load_state()
    boxes = "form[action$='/boxes/']"
    page.select_option(f"{boxes} select[name=item_1]", str(aid.mask.public_id))
    page.fill(f"{boxes} input[name=boxes_1]", "2")
    page.fill(f"{boxes} input[name=per_box_1]", "500")
    page.fill(f"{boxes} input[name=lot_1]", "GZ-1")
    page.click(f"{boxes} button[type=submit]")
    page.click("form input[name=confirm] >> xpath=.. >> button[type=submit]")
    page.wait_for_url(pledge_url)
    receive = "form[action$='/receive-all/']"
    page.click("summary:has-text('دریافت همه همان‌گونه که فرستاده شده')")
    page.select_option(f"{receive} select[name=location]", str(aid.store.public_id))
    page.fill(f"{receive} input[name=box_1]", "2")
    page.fill(f"{receive} input[name=received_1]", "450")
    page.fill(f"{receive} input[name=damaged_1]", "50")
    page.fill(f"{receive} textarea[name=reason]", "جعبه خیس شده بود")
    page.click(f"{receive} button[type=submit]")
    page.wait_for_selector("div.messages")
    pledge_id = pledge_url.rstrip("/").rsplit("/", 1)[1]

    page.goto(f"{live_server.url}/aid/handover/")
    page.select_option("select[name=source]", str(aid.store.public_id))
    page.select_option("select[name=target]", str(aid.uni_store.public_id))
    page.select_option("select[name=item]", str(aid.mask.public_id))
    page.fill("input[name=quantity]", "900")
    page.select_option("select[name=pledge]", pledge_id)
    page.fill("input[name=signed_by]", "انباردار دانشگاه")
    page.click("main form button[type=submit]")
    page.wait_for_selector("div.messages")
    page.goto(f"{live_server.url}/aid/distribute/")
    page.select_option("select[name=source]", str(aid.uni_store.public_id))
    page.select_option("select[name=recipient]", str(aid.hospital.public_id))
    page.fill("input[name=recipient_group]", "بخش مراقبت‌های ویژه")
    page.select_option("select[name=item]", str(aid.mask.public_id))
    page.fill("input[name=quantity]", "400")
    page.select_option("select[name=pledge]", pledge_id)
    page.click("main form button[type=submit]")
    page.wait_for_selector("div.messages")

    page.goto(f"{live_server.url}/aid/trace/{pledge_id}/")
    trace = page.inner_text("main")
    assert "بیمارستان الزهرا" in trace and "۴۰۰" in trace
    page.goto(f"{live_server.url}/aid/pledges/{pledge_id}/report/")
    report = page.inner_text("main")
    assert "انبار دانشگاه" in report and "۵۰۰" in report and "۵۰" in report
    print(f"the clerk's story: {len(loads)} page loads")
    assert len(loads) <= MAX_PAGE_LOADS, loads
