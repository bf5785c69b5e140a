"""In a real browser: a design file that is really HTML or a scripted SVG cannot be uploaded, and one
that got stored before the check (planted here as it would have been) runs no script when a viewer
opens it; the pages themselves run under the Content-Security-Policy without a single violation."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile

from hamdeli.campaigns.models import DesignFile
from hamdeli.campaigns.services import awareness
from hamdeli.partners import services as partners
from tests.web.test_browser import browser_page, sign_in  # noqa: F401 - the shared Playwright fixture

pytestmark = pytest.mark.browser

SCRIPT = b"<script>fetch('/api/v1/me?stolen=1').then(() => { document.title = 'pwned'; })</script>"
FILES = {
    "poster.html": b"GIF89a" + SCRIPT,
    "poster.svg": b'<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("/api/v1/me?stolen=1")</script></svg>',
}


def _violations(page):
    found = []
    page.on("console", lambda message: found.append(message.text)
            if "Content Security Policy" in message.text else None)
    return found


@pytest.mark.django_db(transaction=True)
def test_scripted_design_files_are_refused_and_a_stored_one_runs_nothing(
        browser_page, live_server, org, officer, viewer, cities, tmp_path):  # noqa: F811
    page = browser_page
    violations = _violations(page)
    campaign = awareness.create_campaign(org=org, actor=officer, name={"en": "Stay home"},
                                         starts_on=dt.date(2020, 2, 20), ends_on=dt.date(2020, 4, 19))
    design_set = awareness.add_design_set(org=org, actor=officer, campaign=campaign, title={"en": "Set 1"},
                                          formats=["billboard"], ready_on=dt.date(2020, 2, 25))
    sign_in(page, live_server)
    page.wait_for_url("**/dashboard/")
    for name, body in FILES.items():
        (tmp_path / name).write_bytes(body)
        page.goto(f"{live_server.url}/campaigns/{campaign.public_id}/")
        page.click("summary")
        form = page.locator(f"form[action$='/design-sets/{design_set.public_id}/files/']")
        form.locator("input[type=file]").set_input_files(str(tmp_path / name))
        form.locator("button").click()
        page.wait_for_load_state("load")
        assert page.locator(".errorlist, .error").count() > 0, name
    assert not DesignFile.objects.exists()

    # Files as they could have been stored before the content check: a viewer opens each one.
    planted = []
    for name, body, content_type in [("poster.html", FILES["poster.html"], "image/gif"),
                                     ("poster.svg", FILES["poster.svg"], "image/svg+xml")]:
        f = DesignFile(org=org, design_set=design_set, kind=name[-3:], content_type=content_type,
                       size=len(body), original_name=name)
        f.file.save(name, ContentFile(body), save=False)
        f.save()
        planted.append(f"/campaigns/files/{f.public_id}/")
    partnership = partners.create_partnership(org=org, actor=officer, city=cities["barcelona"])
    partnership.agreement_scan.save("agreement.html", ContentFile(b"<!doctype html>" + SCRIPT))
    planted.append(f"/partners/{partnership.public_id}/agreement/")

    context = page.context.browser.new_context(accept_downloads=True)
    viewer_page = context.new_page()
    stolen = []
    context.on("request", lambda request: stolen.append(request.url) if "stolen" in request.url else None)
    sign_in(viewer_page, live_server, username="viewer")
    viewer_page.wait_for_url("**/dashboard/")
    for url in planted:
        try:
            with viewer_page.expect_download(timeout=3000):
                viewer_page.goto(live_server.url + url)
        except Exception:  # shown inline (a GIF is shown as an image, never as a page)  # noqa: S110
            pass
        viewer_page.wait_for_timeout(300)
        assert viewer_page.title() != "pwned"
    assert stolen == [], "a stored file ran script in the viewer's session"
    context.close()

    for url in ("/dashboard/", "/campaigns/", f"/campaigns/{campaign.public_id}/", "/partners/new/"):
        page.goto(live_server.url + url)
        page.wait_for_load_state("networkidle")
    assert violations == [], violations
