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


@pytest.mark.django_db(transaction=True)
def test_new_letter_form_narrows_the_templates_to_the_recipients_language_on_a_phone(
        browser_page, live_server, org, officer, cities, xian_partner):  # noqa: F811
    from playwright.sync_api import expect

    from hamdeli.correspondence import services

    services.save_template(org=org, actor=officer, name="تبریک عمومی", occasion="greeting",
                           subject={"fa": "تبریک به {city}"}, body={"fa": "به مردم {city} درود می‌فرستیم."})
    spring = services.save_template(
        org=org, actor=officer, name="Spring Festival greeting", occasion="greeting",
        subject={"zh": "致{city}的春节贺信"}, body={"zh": "尊敬的{official}：\n谨向{city}人民致以新春的问候。"})
    page = browser_page
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", "officer")
    page.fill("input[name=password]", "pw-for-tests-only-123")
    page.click("button[type=submit]")
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/letters/new/?direction=out")
    assert page.get_attribute("html", "dir") == "rtl"
    page.select_option("#id_occasion", "greeting")
    expect(page.locator("#id_template")).not_to_have_value("")  # the Persian greeting, preselected
    page.fill("#id_recipient_name", "李明远")
    page.select_option("#id_recipient_city", str(cities["xian"].pk))
    expect(page.locator("#id_template")).to_have_value(str(spring.pk))
    assert page.input_value("#id_language") == "zh"
    assert page.eval_on_selector_all("#id_template option", "os => os.map(o => o.value)") == ["", str(spring.pk)]
    assert page.input_value("#id_body").startswith("尊敬的李明远：\n谨向西安人民")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SCREENSHOTS / "letter-new-template-fa-390.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('/')")
    assert "谨向西安人民" in page.inner_text("main")


@pytest.mark.django_db(transaction=True)
def test_the_letter_and_template_forms_fit_and_pass_axe_in_both_languages(  # noqa: F811
        browser_page, live_server, org, officer, cities, xian_partner):  # noqa: F811
    """The pages this work changed, as the every-page walk checks them: no overflow, no console error or
    failed request (the HTMX redraw included), no serious or critical axe-core violation."""
    from hamdeli.correspondence import services
    from tests.web.test_every_page import Walk

    template = services.save_template(
        org=org, actor=officer, name="Spring Festival greeting", occasion="greeting",
        subject={"zh": "春节贺信", "fa": "تبریک"}, body={"zh": "尊敬的{official}：", "fa": "درود"})
    walk = Walk(browser_page, live_server.url)
    walk.sign_in("officer")
    failures = []
    for lang in ("fa", "en"):
        walk.language(lang)
        for url in ("/letters/new/?direction=out", f"/letters/templates/{template.public_id}/",
                    "/letters/templates/new/"):
            walk.open(url)
            if url.startswith("/letters/new/"):
                walk.page.select_option("#id_recipient_city", str(cities["xian"].pk))
                walk.page.wait_for_load_state("networkidle")
            for width in (1366, 390):
                if walk.overflow(width) > 0:
                    failures.append(f"{lang} {url} at {width}px: wider than the screen")
            failures += [f"{lang} {url}: axe {v}" for v in walk.axe()]
            failures += [f"{lang} {url}: {p}" for p in walk.problems]
    assert not failures, "\n".join(failures)
