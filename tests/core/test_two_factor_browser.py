"""In a real browser, under the strict CSP, in Persian and English, on a phone (390 px) and a laptop
(1366 px): a member sets up two-factor sign-in from the QR code's page (the code computed from the secret
shown for typing), gets their recovery codes, and signs in again with the password and then a code (a
wrong one first: a translated refusal). Screenshots go to var/screenshots/two-factor-*.png."""

import base64
import time

import pytest
from django_otp.oath import TOTP

from tests.web.test_browser import SCREENSHOTS, browser_page, sign_in  # noqa: F401 - the Playwright fixture

pytestmark = pytest.mark.browser

WORDS = {
    "fa": {"menu": "ورود دومرحله‌ای", "on": "ورود دومرحله‌ای روشن است", "wrong": "این کد درست نیست",
           "code_page": "کد ورود دومرحله‌ای", "dir": "rtl"},
    "en": {"menu": "Two-factor sign-in", "on": "Two-factor sign-in is on", "wrong": "That code is not right",
           "code_page": "Two-factor code", "dir": "ltr"},
}


def _code(secret_text: str, step_offset: int = 0) -> str:
    secret = secret_text.replace(" ", "").upper()
    key = base64.b32decode(secret + "=" * (-len(secret) % 8))
    totp = TOTP(key)
    totp.time = time.time() + 30 * step_offset
    return f"{totp.token():06d}"


def _no_overflow(page):
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1"), "wider than the screen"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("lang,width", [("fa", 390), ("en", 1366), ("fa", 1366), ("en", 390)])
def test_enrol_then_sign_in_with_a_code(browser_page, live_server, org, officer, lang, width):  # noqa: F811
    page = browser_page
    words = WORDS[lang]
    problems = []
    # (the wrong code's page answers 422, which the console reports; anything else is a problem)
    page.on("console", lambda m: m.type == "error" and "422" not in m.text and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "hamdeli_language", "value": lang, "url": live_server.url}])
    sign_in(page, live_server)
    page.wait_for_url("**/dashboard/")
    if width >= 1200:  # from the user menu
        page.click("#topnav .account button.dropdown-toggle")
        page.click(f"#topnav .account .dropdown-menu >> text={words['menu']}")
    else:
        page.goto(f"{live_server.url}/account/two-factor/")
    page.wait_for_url("**/account/two-factor/")
    assert page.get_attribute("html", "dir") == words["dir"]
    qr = page.locator("img.qr")
    assert qr.evaluate("img => img.complete && img.naturalWidth > 0"), "the QR code is not drawn"
    secret = page.locator("main ol li:nth-child(2) bdi[dir=ltr]").inner_text()
    _no_overflow(page)
    page.screenshot(path=str(SCREENSHOTS / f"two-factor-enrol-{lang}-{width}.png"), full_page=True)

    page.fill("#enrol-code", _code(secret))
    page.click("main form button[type=submit]")
    page.wait_for_load_state()
    assert words["on"] in page.inner_text("main")
    assert page.locator("ul.recovery-codes li").count() == 10
    _no_overflow(page)
    page.screenshot(path=str(SCREENSHOTS / f"two-factor-codes-{lang}-{width}.png"), full_page=True)

    page.context.clear_cookies()  # signed out
    page.context.add_cookies([{"name": "hamdeli_language", "value": lang, "url": live_server.url}])
    sign_in(page, live_server)
    page.wait_for_url("**/login/code/")
    assert words["code_page"] in page.inner_text("main")
    right = _code(secret, step_offset=1)  # the enrolment used this step's code; the next one is accepted
    page.fill("input[name=code]", "000000" if right != "000000" else "111111")
    page.click("main button[type=submit]")
    page.wait_for_load_state()
    assert words["wrong"] in page.inner_text("main")
    _no_overflow(page)
    page.screenshot(path=str(SCREENSHOTS / f"two-factor-wrong-{lang}-{width}.png"), full_page=True)

    time.sleep(1.2)  # django-otp waits a second after a wrong code
    page.fill("input[name=code]", right)
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard/")
    assert page.get_attribute("html", "dir") == words["dir"]
    assert not problems, problems
