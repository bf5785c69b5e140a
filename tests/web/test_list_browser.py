"""A list page in a real browser, in Persian: HTMX swaps only the results, the address bar follows every
sort, filter and page (so the page can be bookmarked and the back button works), the sort survives a
new filter, and on a phone the rows are cards with nothing wider than the screen."""

import datetime as dt

import pytest

from hamdeli.correspondence import services
from tests.web.test_browser import SCREENSHOTS, browser_page, sign_in  # noqa: F401 - the shared fixture

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_the_letters_register_sorts_filters_and_pages_in_place(browser_page, live_server, org, officer,  # noqa: F811
                                                               cities):
    for i in range(60):
        services.register_letter(org=org, actor=officer, direction="out" if i % 4 else "in", subject=f"Letter {i:02d}",
                                 recipient_city=cities["xian"], sender_city=cities["xian"],
                                 registered_on=dt.date(2020, 3, 1) + dt.timedelta(i))
    page = browser_page
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, live_server)
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/letters/")
    page.evaluate("window.notReloaded = true")  # gone if the whole page is loaded again

    page.click("#letter-results th >> text=تاریخ ثبت")
    page.wait_for_url("**/letters/?sort=-registered")
    assert page.get_attribute("#letter-results th[aria-sort]", "aria-sort") == "descending"
    assert page.inner_text("#letter-results tbody tr:first-child td[data-label='موضوع']") == "Letter 59"

    page.select_option("#id_direction", "in")  # the sort chosen by the heading is kept
    page.wait_for_url("**/letters/?*direction=in*")
    assert "sort=-registered" in page.url
    page.wait_for_selector("#letter-results .list-count:has-text('۱–۱۵ از ۱۵')")
    assert page.inner_text("#letter-results tbody tr:first-child td[data-label='موضوع']") == "Letter 56"

    page.select_option("#id_direction", "")
    page.wait_for_selector("#letter-results .list-count:has-text('۱–۵۰ از ۶۰')")
    page.click("#page-next")
    page.wait_for_url("**page=2*")
    assert "sort=-registered" in page.url
    page.wait_for_selector("#letter-results .list-count:has-text('۵۱–۶۰ از ۶۰')")
    page.go_back()
    page.wait_for_selector("#letter-results .list-count:has-text('۱–۵۰ از ۶۰')")
    assert page.evaluate("window.notReloaded === true")

    page.fill("#id_q", "Letter 05")  # typing searches as soon as the typist pauses
    page.wait_for_selector("#letter-results .list-count:has-text('۱–۱ از ۱')")
    assert page.inner_text("#list-status") == "۱–۱ از ۱"  # said by screen readers (a live region)
    assert page.url.endswith("/letters/?q=Letter%2005&sort=-registered")  # no empty filters in the address

    page.set_viewport_size({"width": 390, "height": 900})
    page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
    assert page.evaluate("document.documentElement.scrollWidth - window.innerWidth") <= 0
    assert page.evaluate("getComputedStyle(document.querySelector('#letter-results tbody tr')).display") == "block"
    page.fill("#id_q", "")
    page.wait_for_selector("#letter-results .list-count:has-text('۱–۵۰ از ۶۰')")
    page.screenshot(path=str(SCREENSHOTS / "letters-list-fa-390.png"), full_page=True)
    assert not problems, problems
