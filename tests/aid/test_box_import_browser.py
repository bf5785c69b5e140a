"""In a real browser, in Persian: download the box-list template, fill it in, upload it, read the preview
(rows with their lines, the boxes, an error named by its line), correct it, confirm, and confirm again
by going back: the boxes are created once."""

import pytest

from hamdeli.aid.models import Box, Consignment
from tests.aid.conftest import inbound_pledge
from tests.web.test_browser import SCREENSHOTS, browser_page, sign_in  # noqa: F401 - the shared Playwright fixture

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
def test_upload_preview_confirm_in_persian(browser_page, live_server, aid, flushable_ledger,  # noqa: F811
                                           tmp_path):
    pledge, _c = inbound_pledge(aid, ship=False)
    page = browser_page
    sign_in(page, live_server)
    page.wait_for_url("**/dashboard/")
    page.goto(f"{live_server.url}/aid/pledges/{pledge.public_id}/")
    with page.expect_download() as download:
        page.click("a[href$='/boxes.csv']")
    template = download.value.path().read_text(encoding="utf-8-sig")
    assert template.splitlines()[0].startswith("جعبه,کد کالا,")

    bad = tmp_path / "boxes.csv"
    bad.write_text(template + "2,ghost,5,,\n3,mask,50,GZ-1,1409/06/31\n", encoding="utf-8-sig")
    form = "form[action$='/import/']"
    page.set_input_files(f"{form} input[type=file]", str(bad))
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("table.import-rows")
    errors = page.inner_text("section.import-errors")
    assert "سطر ۳" in errors and "ghost" in errors
    assert page.locator("button", has_text="ساختن این جعبه‌ها").count() == 0
    assert not Consignment.objects.exists()

    good = tmp_path / "boxes-fixed.csv"
    good.write_text(template + "3,mask,50,GZ-1,1409/06/31\n", encoding="utf-8-sig")
    page.goto(f"{live_server.url}/aid/pledges/{pledge.public_id}/")
    page.set_input_files(f"{form} input[type=file]", str(good))
    page.fill(f"{form} input[name=carrier]", "China Southern")
    page.click(f"{form} button[type=submit]")
    page.wait_for_selector("table.import-rows")
    rows = page.inner_text("table.import-rows")
    assert "GZ-1" in rows and "۱۴۰۹" in rows and "ماسک" in rows
    assert "۲ جعبه ساخته می‌شود" in page.inner_text("main")
    page.screenshot(path=str(SCREENSHOTS / "aid-box-import-preview-fa.png"), full_page=True)
    assert not Consignment.objects.exists()

    page.click("button:has-text('ساختن این جعبه‌ها')")
    page.wait_for_selector(".alert-success, .messages")
    assert "۲" in page.inner_text("main")
    assert Consignment.objects.filter(pledge=pledge).count() == 1 and Box.objects.count() == 2
    page.go_back()  # the preview again, with the token already spent
    page.wait_for_selector("table.import-rows")
    page.click("button:has-text('ساختن این جعبه‌ها')")
    page.wait_for_load_state()
    assert "دوباره ثبت نشد" in page.inner_text("body")
    assert Consignment.objects.filter(pledge=pledge).count() == 1 and Box.objects.count() == 2
