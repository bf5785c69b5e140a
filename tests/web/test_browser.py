"""A real browser (Debian's chromium through Playwright): Persian RTL dashboard, English switch, adding a
partner through the HTMX city search. Screenshots go to var/screenshots/ to be looked at."""

import os
import shutil
from pathlib import Path

import pytest
from django.db import connections

from hamdeli.partners.models import Partnership

SCREENSHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]

pytestmark = pytest.mark.browser


@pytest.fixture
def browser_page(monkeypatch):
    if CHROMIUM is None:
        if os.environ.get("CI"):
            pytest.fail("chromium is not installed; .ci/run installs Debian's chromium")
        pytest.skip("chromium is not installed (CI installs it)")
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
    from playwright.sync_api import sync_playwright

    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, locale="en-US")
        page.set_default_timeout(15000)
        yield page
        browser.close()
        # The test's own queries ran beside Playwright's event loop, on a connection of their own
        # (Django keeps connections per async context); close it, or PostgreSQL cannot drop the test database.
        connections.close_all()


def sign_in(page, live_server, username="officer"):
    page.goto(f"{live_server.url}/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "pw-for-tests-only-123")
    page.click("button[type=submit]")


@pytest.mark.django_db(transaction=True)
def test_officer_signs_in_sees_the_persian_dashboard_switches_to_english_and_adds_a_partner(
        browser_page, live_server, org, officer, cities):
    page = browser_page
    sign_in(page, live_server)
    page.wait_for_url("**/dashboard/")
    # Persian first, whatever the browser's own language (en-US here).
    assert page.get_attribute("html", "dir") == "rtl"
    assert page.get_attribute("html", "lang") == "fa"
    assert "پیشخوان" in page.title()
    font = page.evaluate("getComputedStyle(document.body).fontFamily")
    assert "Vazirmatn" in font
    page.screenshot(path=str(SCREENSHOTS / "dashboard-fa.png"), full_page=True)

    page.click("button[name=language][value=en]")
    page.wait_for_load_state("networkidle")
    assert page.get_attribute("html", "dir") == "ltr"
    assert "Dashboard" in page.title()
    page.screenshot(path=str(SCREENSHOTS / "dashboard-en.png"), full_page=True)

    page.click("#topnav >> text=Partners")
    page.click("#topnav >> text=Partner cities")
    page.click("text=Add a partner")
    page.fill("#city-search", "Hyder")
    page.wait_for_selector("#id_city option[value='1269843']", state="attached")
    page.select_option("#id_city", "1269843")
    page.fill("#id_council_bill_number", "1399/0187")
    page.fill("#id_proposed_on", "2019-12-02")
    page.screenshot(path=str(SCREENSHOTS / "partner-form-en.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("h1:has-text('Hyderabad')")
    partnership = Partnership.objects.get(org=org, city=cities["hyderabad"])
    assert (partnership.state, partnership.council_bill_number) == ("proposed", "1399/0187")
    assert "would be Sister city no. 1" in page.content()
    page.screenshot(path=str(SCREENSHOTS / "partner-detail-en.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_a_form_error_is_shown_next_to_the_field_in_persian(browser_page, live_server, org, officer, cities):
    page = browser_page
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/partners/new/")
    page.fill("#id_proposed_on", "۱۳۹۸/۱۲/۳۱")  # Esfand 1398 had 29 days
    page.click("button[type=submit]")
    errors = page.locator(".field.has-error .error").all_inner_texts()
    assert any("چنین روزی در آن ماه وجود ندارد" in e for e in errors), errors
    assert any("این فیلد لازم است" in e for e in errors), errors  # the city
    page.screenshot(path=str(SCREENSHOTS / "partner-form-errors-fa.png"), full_page=True)
    assert not Partnership.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_visitor_searches_the_exchange_in_persian_and_narrows_by_a_facet(browser_page, live_server, org, officer):
    from hamdeli.practices.evaluation import load_samples

    samples = load_samples(org=org, actor=officer, visibility="public")
    page = browser_page
    page.goto(f"{live_server.url}/exchange/")  # no login
    assert page.get_attribute("html", "dir") == "rtl"
    page.fill("#id_q", "نقشه موجودی ماسک در داروخانه‌ها")
    page.click("form.filters button")
    page.wait_for_selector("aside.facets")
    titles = page.locator("article.practice h3").all_inner_texts()
    assert any(t in titles[:5] for t in samples["taipei_mask_map"].title.values()), titles  # Chinese/English text
    # right to left: the facet panel stands to the right of the results
    facets_box = page.locator("aside.facets").bounding_box()
    assert facets_box["x"] > page.locator("aside.facets + section").bounding_box()["x"]
    page.screenshot(path=str(SCREENSHOTS / "exchange-search-fa.png"), full_page=True)
    page.locator("aside.facets a", has_text="چین").first.click()
    page.wait_for_selector(".active-filters")
    assert "چین" in page.locator(".active-filters").inner_text()
    chinese = ("ووهان", "شانگهای", "گوانگجو", "شیان", "پکن")
    cities = page.locator("article.practice p.muted").all_inner_texts()
    assert cities and all(any(c in line for c in chinese) for line in cities), cities
    page.screenshot(path=str(SCREENSHOTS / "exchange-facet-fa.png"), full_page=True)


@pytest.mark.django_db(transaction=True)
def test_officer_records_a_practice_in_chinese_from_the_folded_languages(browser_page, live_server, org, officer):
    from hamdeli.practices.models import Practice

    page = browser_page
    sign_in(page, live_server)
    page.goto(f"{live_server.url}/practices/new/")
    assert not page.is_visible("input[name=title_zh]")  # folded until wanted
    page.locator("details.more-languages summary").first.click()
    page.fill("input[name=title_zh]", "社区志愿者送菜上门")
    page.fill("input[name=title_fa]", "رساندن خوراک به خانه‌ها با داوطلبان محله")
    page.check("input[name=topics][value=social_support]")
    page.screenshot(path=str(SCREENSHOTS / "practice-form-fa.png"), full_page=True)
    page.click("form.card button[type=submit]")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SCREENSHOTS / "practice-saved-fa.png"), full_page=True)
    practice = Practice.objects.get(org=org)
    assert practice.title == {"fa": "رساندن خوراک به خانه‌ها با داوطلبان محله", "zh": "社区志愿者送菜上门"}
    assert practice.languages.split() == ["fa", "zh"]
