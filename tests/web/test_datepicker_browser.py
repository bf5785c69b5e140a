"""The Jalali date picker (Persian pages): opened on a box already holding a date in Persian digits it shows
that date; Escape closes it; on a phone its bottom sheet's buttons are on the screen."""

import pytest

from tests.web.test_browser import SCREENSHOTS, browser_page, sign_in  # noqa: F401 (the fixture)

pytestmark = pytest.mark.browser


def _open_on(page, value):
    page.eval_on_selector("#id_registered_on", "(box, v) => { box.value = v; }", value)
    page.click("#id_registered_on")
    page.wait_for_selector("jdp-container .jdp-day", state="visible")
    page.wait_for_timeout(400)  # the sheet's opening animation


@pytest.mark.django_db(transaction=True)
def test_the_picker_opens_on_the_boxs_persian_date_and_escape_closes_it(browser_page, live_server, org, officer):  # noqa: F811
    page = browser_page
    sign_in(page, live_server)
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/letters/new/?direction=out")
    _open_on(page, "۱۴۰۵/۰۹/۱۱")
    page.screenshot(path=str(SCREENSHOTS / "datepicker-prefilled-fa-desk.png"))
    assert page.eval_on_selector("jdp-container .jdp-month select", "s => s.value") == "9"  # Azar
    year = page.eval_on_selector("jdp-container .jdp-year input, jdp-container .jdp-year select", "s => s.value")
    assert year == "1405"
    assert page.inner_text("jdp-container .jdp-day.selected").strip() == "۱۱"
    page.keyboard.press("Escape")
    page.wait_for_selector("jdp-container", state="hidden")
    page.click("h1")
    assert page.input_value("#id_registered_on") == "۱۴۰۵/۰۹/۱۱"  # Persian digits again, once left


@pytest.mark.django_db(transaction=True)
def test_on_a_phone_the_pickers_buttons_are_on_the_screen(browser_page, live_server, org, officer):  # noqa: F811
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    sign_in(page, live_server)
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/letters/new/?direction=out")
    _open_on(page, "")
    page.screenshot(path=str(SCREENSHOTS / "datepicker-fa-phone.png"))
    for button in ("jdp-container .jdp-btn-today", "jdp-container .jdp-btn-empty"):
        box = page.locator(button).bounding_box()
        assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= 390, button
        assert box["y"] >= 0 and box["y"] + box["height"] <= 844, button
