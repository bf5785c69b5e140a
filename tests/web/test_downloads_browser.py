"""A prepared download in a real browser, in Persian on a phone (390 px): the letters register's button asks for
the CSV and lands on its page, which shows it being prepared; once the worker has built it, htmx swaps the
link in without reloading the page; the Downloads page lists it as a card that fits the phone, with no
serious accessibility problem. Screenshots go to var/screenshots/downloads/."""

from pathlib import Path

import pytest

from hamdeli.core import jobs
from hamdeli.core import services as core
from hamdeli.correspondence import services as letters
from tests.web.test_browser import browser_page  # noqa: F401 - the shared Playwright fixture
from tests.web.test_every_page import PASSWORD, PHONE, ROOT, Walk

pytestmark = pytest.mark.browser

SCREENSHOTS = ROOT / "var" / "screenshots" / "downloads"


@pytest.mark.django_db(transaction=True)
def test_a_download_is_prepared_and_linked_without_a_reload_on_a_phone(browser_page, live_server, cities,  # noqa: F811
                                                                        org):
    member = core.ensure_member(org=org, username="phone-officer", role="officer", password=PASSWORD).user
    letters.register_letter(org=org, actor=member, direction="out", subject="Night buses",
                            recipient_city=cities["xian"])
    walk = Walk(browser_page, live_server.url)
    walk.language("fa")
    walk.sign_in("phone-officer")
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    walk.page.set_viewport_size({"width": PHONE, "height": 900})
    walk.open("/letters/")
    with walk.page.expect_navigation():
        walk.page.click("#letters-csv")
    assert "/downloads/" in walk.page.url
    walk.page.wait_for_selector("#download-status .spinner-border")
    assert "در حال آماده‌سازی…" in walk.page.inner_text("#download-status")
    walk.page.evaluate("window.hamdeliSamePage = true")  # gone if the page reloads
    walk.page.screenshot(path=str(SCREENSHOTS / "preparing-fa.png"), full_page=True)

    jobs.run_worker(once=True)
    link = walk.page.wait_for_selector("#download-status a[href$='/file/']", timeout=15000)
    assert walk.page.evaluate("window.hamdeliSamePage === true"), "the page reloaded instead of swapping"
    assert "letters.csv" in walk.page.inner_text("#download-status")
    with walk.page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "letters.csv"
    assert "Night buses" in Path(download.value.path()).read_text(encoding="utf-8")

    walk.open("/downloads/")
    assert walk.overflow(PHONE) <= 0, "the Downloads page is wider than the phone"
    row = walk.page.evaluate("""(() => { const tr = document.querySelector('main table.stack tbody tr');
        return tr && {display: getComputedStyle(tr).display,
                      labelled: [...tr.cells].every(td => td.dataset.label)}; })()""")
    assert row == {"display": "block", "labelled": True}, row
    assert "دفتر ثبت نامه‌ها (CSV)" in walk.page.inner_text("main")
    assert not walk.axe(), walk.axe()
    walk.page.screenshot(path=str(SCREENSHOTS / "downloads-fa.png"), full_page=True)
    assert not walk.problems, walk.problems
