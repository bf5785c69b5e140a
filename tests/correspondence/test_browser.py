"""In a real browser, in Persian: register an incoming letter with a Jalali date and see its number."""

import pytest

from tests.web.test_browser import SCREENSHOTS, browser_page  # noqa: F401 - the shared Playwright fixture

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_officer_registers_an_incoming_letter_in_persian(browser_page, live_server, org, officer,  # noqa: F811
                                                         cities, xian_partner):
    page = browser_page
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "pw-for-tests-only-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.click("#topnav >> text=نامه‌ها")
    page.click("#topnav a[href='/letters/']")
    page.click("text=ثبت نامهٔ وارده")
    page.fill("#id_registered_on", "۱۳۹۸/۱۱/۲۱")
    page.fill("#id_subject", "پاسخ شهردار شیان")
    page.select_option("#id_sender_city", str(cities["xian"].pk))
    page.fill("#id_body", "شیان با مشکلات بسیاری روبه‌رو است.")
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('۱۳۹۸/۱')")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "۲۱ بهمن ۱۳۹۸" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / "letter-incoming-fa.png"), full_page=True)
