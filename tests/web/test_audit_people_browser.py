"""In a real browser, under the strict CSP, in Persian and English, on a phone (390 px) and a desktop (1366 px):
the owner filters the audit by person, kind of action and days, reads a change as before/after and downloads
the filtered CSV; and manages the office's people (invite, change the role, deactivate, reactivate).
Screenshots go to var/screenshots/ (audit-*.png, people-*.png)."""

import datetime as dt

import pytest
from django.utils import timezone

from hamdeli.core import dates
from hamdeli.core.digits import localize_digits
from hamdeli.core.models import Membership
from hamdeli.partners import services as partners
from tests.web.test_browser import SCREENSHOTS, browser_page, sign_in  # noqa: F401 - the Playwright fixture

pytestmark = pytest.mark.browser

WIDTHS = (390, 1366)


def _watch(page) -> list:
    problems = []
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.on("pageerror", lambda e: problems.append(str(e)))
    return problems


def _fits(page, name: str) -> None:
    """Nothing wider than the window at either width (a table or a long identifier scrolls inside its own
    box, not the page), and a screenshot of each to look at."""
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        page.wait_for_timeout(100)
        overflow = page.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 1, f"{name} at {width} px is {overflow} px wider than the window"
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{width}.png"), full_page=True)


def _shown_actions(page) -> set[str]:
    return set(page.locator("article.audit-entry h2 code").all_inner_texts())


def _filter_audit(page, *, action: str, day: str) -> None:
    page.select_option("select[name=person]", "officer")
    page.select_option("select[name=action]", action)
    page.fill("input[name=date_from]", day)
    page.fill("input[name=date_to]", day)
    page.click("main form.filters button:not([type=button])")
    page.wait_for_url("**/audit/?*person=officer*")


@pytest.mark.django_db(transaction=True)
def test_the_owner_filters_the_audit_reads_a_change_and_downloads_it(
        browser_page, live_server, org, owner, officer, cities):  # noqa: F811
    made = partners.create_partnership(org=org, actor=officer, city=cities["xian"], notes="first notes")
    partners.update_partnership(org=org, actor=officer, partnership=made, notes="second notes")
    page = browser_page
    problems = _watch(page)
    sign_in(page, live_server, "owner")
    page.wait_for_url("**/dashboard/")
    today = timezone.localdate()

    page.goto(f"{live_server.url}/audit/")
    assert page.get_attribute("html", "dir") == "rtl"
    assert "auth.login" in _shown_actions(page)  # the owner's own sign-in, before any filter
    jalali = dates.to_jalali(today)
    _filter_audit(page, action="partnership.updated",
                  day=localize_digits(f"{jalali.year}/{jalali.month:02d}/{jalali.day:02d}"))
    assert _shown_actions(page) == {"partnership.updated"}
    change = page.locator("article.audit-entry table.audit-changes").inner_text()
    assert "first notes" in change and "second notes" in change and "notes" in change
    assert page.locator("article.audit-entry del").first.inner_text() == "first notes"
    assert page.locator("article.audit-entry ins").first.inner_text() == "second notes"
    assert "officer" in page.locator("article.audit-entry h2").first.inner_text()
    # the filtered trail is prepared as a CSV by the worker (a form); the same address answers a script at once
    href = page.locator("form[action*='/audit/export.csv']").get_attribute("action")
    assert "person=officer" in href and "action=partnership.updated" in href
    csv_text = page.request.get(f"{live_server.url}{href}").text()
    assert "partnership.updated" in csv_text and "auth.login" not in csv_text and "second notes" in csv_text
    _fits(page, "audit-fa")

    # A kind of record (every action on partnerships), in English, with ISO dates.
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "dir") == "ltr"
    _filter_audit(page, action="partnership.", day=today.isoformat())
    assert _shown_actions(page) == {"partnership.created", "partnership.updated"}
    assert "Before" in page.inner_text("main") and "After" in page.inner_text("main")
    tomorrow = (today + dt.timedelta(days=1)).isoformat()
    page.fill("input[name=date_from]", tomorrow)
    page.fill("input[name=date_to]", tomorrow)
    page.click("main form.filters button:not([type=button])")
    page.wait_for_load_state()
    assert _shown_actions(page) == set() and "No entries match." in page.inner_text("main")
    page.fill("input[name=date_from]", today.isoformat())
    page.fill("input[name=date_to]", today.isoformat())
    page.click("main form.filters button:not([type=button])")
    page.wait_for_load_state()
    _fits(page, "audit-en")
    assert not problems, problems


def _person(page, username):
    return page.locator("article.person", has=page.locator(f"h2 bdi:text-is('{username}')"))


def _manage(page, *, email: str, role_label: str, invited: str, deactivated: str, lang: str) -> None:
    page.goto(page.url.split("/people/")[0] + "/people/")
    page.fill("input[name=email]", email)
    page.select_option("main form[action$='/people/invite/'] select[name=role]", "officer")
    page.click("main form[action$='/people/invite/'] button")
    page.wait_for_url("**/people/")
    assert invited in page.inner_text(".messages")
    card = _person(page, email)
    assert card.count() == 1
    # change the role to viewer
    card.locator("details summary").click()
    card.locator("select[name$='-role']").select_option("viewer")
    card.locator("details form button").click()
    page.wait_for_url("**/people/")
    card = _person(page, email)
    assert role_label in card.locator("h2 .badge").first.inner_text()
    assert Membership.objects.get(user__username=email).role == "viewer"
    # deactivate, then reactivate
    card.locator("form[action$='/deactivate/'] button").click()
    page.wait_for_url("**/people/")
    card = _person(page, email)
    assert deactivated in card.locator("h2").inner_text()
    assert not Membership.objects.get(user__username=email).user.is_active
    _fits(page, f"people-{lang}")
    card.locator("form[action$='/reactivate/'] button").click()
    page.wait_for_url("**/people/")
    card = _person(page, email)
    assert deactivated not in card.locator("h2").inner_text()
    assert Membership.objects.get(user__username=email).user.is_active


@pytest.mark.django_db(transaction=True)
def test_the_owner_invites_changes_a_role_deactivates_and_reactivates(
        browser_page, live_server, org, owner, officer):  # noqa: F811
    page = browser_page
    problems = _watch(page)
    sign_in(page, live_server, "owner")
    page.wait_for_url("**/dashboard/")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/people/")
    assert page.get_attribute("html", "dir") == "rtl"
    _manage(page, email="nasrin@example.org", role_label="بیننده", invited="nasrin@example.org",
            deactivated="غیرفعال", lang="fa")
    page.set_viewport_size({"width": 1366, "height": 900})
    page.click("button[name=language][value=en]")
    page.wait_for_load_state()
    assert page.get_attribute("html", "dir") == "ltr"
    _manage(page, email="reza@example.org", role_label="Viewer", invited="reza@example.org",
            deactivated="Deactivated", lang="en")
    assert not problems, problems


@pytest.mark.django_db(transaction=True)
def test_the_owner_archives_a_letter_finds_it_under_the_filter_and_restores_it(
        browser_page, live_server, org, owner, officer, cities):  # noqa: F811
    from hamdeli.correspondence import services as letters

    letter = letters.register_letter(org=org, actor=officer, direction="in", subject="Masks from Xi'an",
                                     sender_city=cities["xian"], registered_on=dt.date(2020, 2, 10))
    page = browser_page
    problems = _watch(page)
    sign_in(page, live_server, "owner")
    page.wait_for_url("**/dashboard/")
    page.set_viewport_size({"width": 390, "height": 900})
    page.goto(f"{live_server.url}/letters/{letter.public_id}/")
    page.click("form.archive-form button")
    page.wait_for_url(f"**/letters/{letter.public_id}/")
    assert "بایگانی شد" in page.inner_text(".messages")
    assert page.locator(".archived-note .badge.state-archived").inner_text() == "بایگانی‌شده"
    _fits(page, "letter-archived-fa")
    page.goto(f"{live_server.url}/letters/")
    assert "Masks from Xi'an" not in page.inner_text("main")
    page.goto(f"{live_server.url}/letters/?archived=on")
    assert "Masks from Xi'an" in page.inner_text("main")
    page.click(f"a[href='/letters/{letter.public_id}/']")
    page.click(".archived-note button")
    page.wait_for_url(f"**/letters/{letter.public_id}/")
    assert page.locator(".archived-note").count() == 0 and page.locator("form.archive-form").count() == 1
    assert not problems, problems
