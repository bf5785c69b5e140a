"""Prepared downloads (core.downloads): an export asked for on a page or through the API is built by the
background worker into a stored file equal to the inline export's for the same filters; its page shows it
being prepared (htmx, or a refresh without JavaScript) and then its link; only the member who asked and the
office's owners see it (anyone else: 404); a failed build is retried and listed among the failed jobs; a
killed worker loses nothing; expired files are deleted by a job."""

import datetime as dt
import io
import json
import tarfile

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from hamdeli.core import downloads, jobs
from hamdeli.core.models import AuditEntry, PreparedDownload
from hamdeli.correspondence import services as letters
from hamdeli.partners import services as partners
from hamdeli.practices import services as practices
from tests.aid.conftest import build_aid, inbound_pledge
from tests.conftest import _member, api_client_for, client_for

pytestmark = pytest.mark.django_db(transaction=True)
BUILD = "hamdeli.core.downloads.build_download"


def _ask(client, url):
    """Post a page's export button; returns the download it started (the page sends the member to it)."""
    response = client.post(url)
    assert response.status_code == 302, response.content[:300]
    found = PreparedDownload.objects.latest("created_at")
    assert response["Location"] == f"/downloads/{found.public_id}/"
    return found


def _file(client, found):
    response = client.get(f"/downloads/{found.public_id}/file/")
    assert response.status_code == 200, response.status_code
    return b"".join(response.streaming_content), response


def _letters(org, officer, cities):
    letters.register_letter(org=org, actor=officer, direction="out", subject="=HYPERLINK(\"http://x\")",
                            recipient_city=cities["xian"], recipient_name="西安市市长")
    letters.register_letter(org=org, actor=officer, direction="in", subject="From Barcelona",
                            sender_city=cities["barcelona"])


def test_a_prepared_letters_csv_is_the_inline_export_for_the_same_filters(org, officer, cities):
    _letters(org, officer, cities)
    browser = client_for(officer)
    found = _ask(browser, "/letters/export.csv?direction=out")
    assert found.status == "preparing" and found.params == {"direction": ["out"]}

    page = browser.get(f"/downloads/{found.public_id}/").content.decode()
    assert "در حال آماده‌سازی…" in page and 'hx-trigger="every 2s"' in page
    assert '<noscript><meta http-equiv="refresh" content="3"></noscript>' in page  # without JavaScript
    fragment = browser.get(f"/downloads/{found.public_id}/", headers={"HX-Request": "true"}).content.decode()
    assert "<html" not in fragment and 'id="download-status"' in fragment

    assert browser.get(f"/downloads/{found.public_id}/file/").status_code == 404  # not ready yet
    jobs.run_worker(once=True)
    ready = browser.get(f"/downloads/{found.public_id}/", headers={"HX-Request": "true"}).content.decode()
    assert "hx-trigger" not in ready and f"/downloads/{found.public_id}/file/" in ready  # polling stops
    assert "<noscript>" not in browser.get(f"/downloads/{found.public_id}/").content.decode()

    body, response = _file(browser, found)
    inline = browser.get("/letters/export.csv?direction=out")
    assert body == inline.content and b"From Barcelona" not in body and "西安市市长".encode() in body
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="letters.csv"'
    assert AuditEntry.objects.filter(org=org, action="file.downloaded", object_id=str(found.public_id)).exists()

    listing = browser.get("/downloads/").content.decode()
    assert "دفتر ثبت نامه‌ها (CSV)" in listing and f"/downloads/{found.public_id}/file/" in listing


def test_every_page_export_prepared_equals_its_inline_answer(org, owner, officer, cities):
    _letters(org, officer, cities)
    partners.create_partnership(org=org, actor=officer, city=cities["barcelona"], kind="sister_city")
    practices.create_practice(org=org, actor=officer, embed=False, title={"en": "Night buses"},
                              topics=["education"])
    w = build_aid(org, officer, cities)
    pledge, _consignment = inbound_pledge(w)
    own = client_for(owner)
    for url in ["/audit/export.csv?person=officer", "/partners/export/?format=csv",
                "/practices/export/?format=csv", "/practices/export/?format=json", "/aid/exports/movements/"]:
        found = _ask(own, url)
        jobs.run_worker(once=True)
        body, _response = _file(own, found)
        inline = own.get(url).content
        assert body == inline, (url, body.decode()[-700:], inline.decode()[-700:])
    found = _ask(own, f"/aid/pledges/{pledge.public_id}/report.pdf?lang=en")
    jobs.run_worker(once=True)
    body, response = _file(own, found)
    inline = own.get(f"/aid/pledges/{pledge.public_id}/report.pdf?lang=en")
    from hamdeli.core.pdf import pdf_text

    assert body.startswith(b"%PDF") and pdf_text(body) == pdf_text(inline.content)  # (the PDF's timestamp differs)
    assert response["Content-Disposition"] == inline["Content-Disposition"]


def test_the_offices_record_is_prepared_as_its_archive(org, owner):
    own = client_for(owner)
    found = _ask(own, "/office/export/")
    jobs.run_worker(once=True)
    body, response = _file(own, found)
    with tarfile.open(fileobj=io.BytesIO(body)) as archive:
        manifest = json.load(archive.extractfile("manifest.json"))
    assert manifest["organization"]["public_id"] == str(org.public_id)
    assert response["Content-Type"] == "application/gzip"
    page = own.get("/office/").content.decode()
    assert 'action="/office/export/"' in page


def test_only_the_member_who_asked_and_the_owners_see_a_download(org, other_org, owner, officer, viewer):
    found = _ask(client_for(officer), "/letters/export.csv")
    jobs.run_worker(once=True)
    other_owner = _member(other_org, "other_owner", "owner").user
    for stranger in (viewer, other_owner):
        client = client_for(stranger)
        for url in (f"/downloads/{found.public_id}/", f"/downloads/{found.public_id}/file/"):
            assert client.get(url).status_code == 404, (stranger, url)
        assert str(found.public_id) not in client.get("/downloads/").content.decode()
        api = api_client_for(stranger, other_org if stranger == other_owner else org)
        assert api.get(f"/api/v1/downloads/{found.public_id}").status_code == 404
        assert api.get(f"/api/v1/downloads/{found.public_id}/file").status_code == 404
    body, _response = _file(client_for(owner), found)
    assert body.startswith(b"number,direction")
    assert str(found.public_id) in client_for(owner).get("/downloads/").content.decode()


def test_an_export_the_member_may_not_have_is_refused_before_anything_is_queued(org, viewer, officer):
    assert client_for(viewer).post("/office/export/").status_code == 403
    assert client_for(officer).post("/audit/export.csv").status_code == 403
    api = api_client_for(viewer, org)
    refused = api.post("/api/v1/downloads", {"kind": "core.office"}, content_type="application/json")
    assert refused.status_code == 403
    unknown = api.post("/api/v1/downloads", {"kind": "nothing"}, content_type="application/json")
    assert unknown.status_code == 422 and "kind" in unknown.json()["fields"]
    missing = api_client_for(officer, org).post("/api/v1/downloads", {"kind": "aid.report", "filters": {
        "pledge": "00000000-0000-0000-0000-000000000000"}}, content_type="application/json")
    assert missing.status_code == 404
    assert not PreparedDownload.objects.exists() and not DBTaskResult.objects.exists()


def test_the_api_prepares_a_download_and_hands_out_its_file(org, officer, cities):
    _letters(org, officer, cities)
    api = api_client_for(officer, org)
    asked = api.post("/api/v1/downloads", {"kind": "correspondence.letters", "filters": {"direction": "in"}},
                     content_type="application/json")
    assert asked.status_code == 202 and asked.json()["status"] == "preparing"
    public_id = asked.json()["id"]
    assert api.get(f"/api/v1/downloads/{public_id}/file").status_code == 404
    jobs.run_worker(once=True)
    state = api.get(f"/api/v1/downloads/{public_id}").json()
    assert state["status"] == "ready" and state["filename"] == "letters.csv" and state["size"] > 0
    response = api.get(f"/api/v1/downloads/{public_id}/file")
    assert b"".join(response.streaming_content) == client_for(officer).get("/letters/export.csv?direction=in").content


def test_a_failing_build_is_retried_then_shown_failed_and_listed_for_the_owners(org, owner, officer, monkeypatch):
    kind = downloads.kind_of("correspondence.letters")

    def broken(asked):
        raise RuntimeError("the disk is full")

    monkeypatch.setitem(downloads._KINDS, kind.name, downloads.Kind(kind.name, kind.label, kind.permission, broken))
    browser = client_for(officer)
    found = _ask(browser, "/letters/export.csv")
    for attempt in range(1, downloads.RETRIES + 2):
        DBTaskResult.objects.filter(status="READY", task_path=BUILD).update(run_after=timezone.now())
        jobs.run_worker(once=True)
        found.refresh_from_db()
        assert found.attempts == attempt
        assert found.status == ("failed" if attempt > downloads.RETRIES else "preparing")
    assert DBTaskResult.objects.filter(status="FAILED", task_path=BUILD).count() == downloads.RETRIES + 1
    assert not DBTaskResult.objects.filter(status="READY", task_path=BUILD).exists()  # its tries used up
    page = browser.get(f"/downloads/{found.public_id}/").content.decode()
    assert "ناموفق" in page and "hx-trigger" not in page
    failed = client_for(owner).get("/office/jobs/failed/").content.decode()
    assert "build download" in failed and "RuntimeError: the disk is full" in failed


def test_a_download_whose_worker_was_killed_is_built_by_the_next_worker(org, officer):
    found = _ask(client_for(officer), "/letters/export.csv")
    # Claimed, then the worker died: nothing written after the claim.
    DBTaskResult.objects.get(task_path=BUILD).claim("killed-worker")
    jobs.run_worker(once=True, now=timezone.now() + jobs.stale_after() + dt.timedelta(seconds=1))
    found.refresh_from_db()
    assert found.status == "ready" and found.file.storage.exists(found.file.name)


def test_an_expired_download_is_deleted_by_its_job(org, officer):
    browser = client_for(officer)
    found = _ask(browser, "/letters/export.csv")
    jobs.run_worker(once=True)
    found.refresh_from_db()
    cleaner = DBTaskResult.objects.get(task_path="hamdeli.core.downloads.remove_expired_downloads")
    assert cleaner.status == "READY" and cleaner.run_after == found.expires_at  # held until the file expires
    assert found.expires_at - found.created_at == dt.timedelta(days=7)
    storage, name = found.file.storage, found.file.name
    PreparedDownload.objects.filter(pk=found.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    assert browser.get(f"/downloads/{found.public_id}/").status_code == 404  # expired: gone from the page
    DBTaskResult.objects.filter(pk=cleaner.pk).update(run_after=timezone.now())
    jobs.run_worker(once=True)
    assert not PreparedDownload.objects.exists() and not storage.exists(name)


def test_the_downloads_page_in_english_with_nothing_prepared(org, officer):
    client = client_for(officer)
    client.post("/language/", {"language": "en", "next": "/"})
    html = client.get("/downloads/").content.decode()
    assert "You have no prepared downloads." in html and "hx-trigger" not in html


def test_a_member_who_lost_the_exports_permission_before_it_was_built_does_not_get_it(org, officer):
    found = _ask(client_for(officer), "/letters/export.csv")
    officer.memberships.filter(org=org).update(role="institution")  # a store's member reads no letters
    jobs.run_worker(once=True)
    found.refresh_from_db()
    assert found.status == "failed" and not found.file


def test_a_file_that_cannot_be_made_fails_at_once_with_the_reason(org, officer, monkeypatch):
    from hamdeli.core.pdf import Unprintable

    kind = downloads.kind_of("correspondence.letters")

    def unprintable(asked):
        raise Unprintable("No font here prints these characters.")

    monkeypatch.setitem(downloads._KINDS, kind.name, downloads.Kind(kind.name, kind.label, kind.permission,
                                                                     unprintable))
    browser = client_for(officer)
    found = _ask(browser, "/letters/export.csv")
    jobs.run_worker(once=True)
    found.refresh_from_db()
    assert found.status == "failed" and found.attempts == 0  # not tried again: it would fail the same way
    assert "No font here prints these characters." in browser.get(f"/downloads/{found.public_id}/").content.decode()


def test_the_api_names_every_export_it_prepares():
    from hamdeli.core.api import DownloadIn

    described = DownloadIn.model_fields["kind"].description
    assert all(name in described for name in downloads.kinds()), described
    assert set(downloads.kinds()) == {"core.audit", "core.office", "correspondence.letters", "partners.partnerships",
                                      "practices.practices", "aid.movements", "aid.report"}
