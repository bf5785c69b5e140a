"""In a real browser, under the strict CSP: the password change page is reached from the user menu, refuses
an all-digit password with a Persian message, and changes the password, in Persian and in English."""

import pytest

from tests.web.test_browser import SCREENSHOTS, browser_page, sign_in  # noqa: F401 - the Playwright fixture

pytestmark = pytest.mark.browser


def _change_from_the_menu(page, menu_label, old, new):
    page.click("#topnav .account button.dropdown-toggle")
    page.click(f"#topnav .account .dropdown-menu >> text={menu_label}")
    page.wait_for_url("**/account/password/")
    page.fill("input[name=old_password]", old)
    page.fill("input[name=new_password1]", new)
    page.fill("input[name=new_password2]", new)
    page.click("main button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_a_member_changes_the_password_from_the_user_menu_in_persian_and_english(
        browser_page, live_server, org, officer):  # noqa: F811
    page = browser_page
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    sign_in(page, live_server)
    page.wait_for_url("**/dashboard/")

    _change_from_the_menu(page, "تغییر گذرواژه", "pw-for-tests-only-123", "83749261")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "فقط از رقم ساخته شده" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / "password-change-refused-fa.png"), full_page=True)

    page.fill("input[name=old_password]", "pw-for-tests-only-123")
    page.fill("input[name=new_password1]", "a-fresh-and-long-one-42")
    page.fill("input[name=new_password2]", "a-fresh-and-long-one-42")
    page.click("main button[type=submit]")
    page.wait_for_url("**/dashboard/")
    assert "گذرواژه‌تان تغییر کرد" in page.inner_text("main")

    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    _change_from_the_menu(page, "Change password", "a-fresh-and-long-one-42", "another-long-one-77")
    page.wait_for_url("**/dashboard/")
    assert "Your password was changed" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / "password-changed-en.png"), full_page=True)
    officer.refresh_from_db()
    assert officer.check_password("another-long-one-77")
    assert not problems, problems
