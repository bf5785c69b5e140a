"""A long partner list is recorded by the background worker: the API answers 202 with the import to poll, the
page polls it (htmx) and reloads when it is recorded; all or nothing, retried safely, listed as failed."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django_tasks_db.models import DBTaskResult

from hamdeli.core import jobs
from hamdeli.core.errors import ValidationFailed
from hamdeli.partners import services
from hamdeli.partners.models import PartnerImport, Partnership
from hamdeli.partners.tasks import record_partner_import
from tests.conftest import client_for
from tests.partners.test_import import SAMPLE, geonames  # noqa: F401 (the fixture)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def long_lists(settings):
    settings.PARTNERS_IMPORT_INLINE = 5  # the sample's 11 ready rows make a long list here


def _upload(api):
    response = api.post("/api/v1/partners/imports", {"file": SimpleUploadedFile("pairs.csv", SAMPLE)})
    assert response.status_code == 201 and response.json()["status"] == "preview"
    return response.json()


def test_the_api_answers_202_and_the_import_reports_its_status_until_recorded(geonames, long_lists, org,  # noqa: F811
                                                                              officer_api):
    body = _upload(officer_api)
    applied = officer_api.post(f"/api/v1/partners/imports/{body['id']}/apply")
    assert applied.status_code == 202
    status_url = applied.json()["status_url"]
    assert applied["Location"] == status_url == f"/api/v1/partners/imports/{body['id']}"
    assert applied.json()["status"] == "queued" and not Partnership.objects.filter(org=org).exists()
    # asked again while it waits: still one job
    assert officer_api.post(f"/api/v1/partners/imports/{body['id']}/apply").status_code == 202
    assert DBTaskResult.objects.count() == 1
    assert officer_api.get(status_url).json()["status"] == "queued"

    jobs.run_worker(once=True)
    done = officer_api.get(status_url).json()
    assert done["status"] == "recorded" and done["recorded"] == 11 and done["applied"]
    assert Partnership.objects.filter(org=org).count() == 11
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert officer_api.post(f"/api/v1/partners/imports/{body['id']}/apply").status_code == 409


def test_a_short_list_is_recorded_in_the_request(geonames, org, officer_api):  # noqa: F811
    body = _upload(officer_api)
    applied = officer_api.post(f"/api/v1/partners/imports/{body['id']}/apply")
    assert applied.status_code == 200 and applied.json()["status"] == "recorded"
    assert not DBTaskResult.objects.exists()


def test_the_page_polls_the_import_and_reloads_once_recorded(geonames, long_lists, org, officer):  # noqa: F811
    client = client_for(officer)
    response = client.post("/partners/import/", {"file": SimpleUploadedFile("pairs.csv", SAMPLE, "text/csv"),
                                                 "kind": "sister_city", "state": "active"})
    preview = response["Location"]
    assert client.post(preview + "record/")["Location"] == preview
    page = client.get(preview).content.decode()
    assert f'hx-get="{preview}status/"' in page and 'hx-trigger="every 2s"' in page
    assert "در پس‌زمینه ثبت می‌شود" in page and "<button" not in page.split("import-status", 1)[1].split("<h2>")[0]
    waiting = client.get(preview + "status/", headers={"HX-Request": "true"})
    assert "HX-Refresh" not in waiting and "every 2s" in waiting.content.decode()

    jobs.run_worker(once=True)
    done = client.get(preview + "status/", headers={"HX-Request": "true"})
    assert done["HX-Refresh"] == "true" and "every 2s" not in done.content.decode()
    assert Partnership.objects.filter(org=org).count() == 11


def test_a_failed_recording_writes_nothing_is_listed_and_its_retry_records_it_once(geonames, long_lists,  # noqa: F811
                                                                                    org, officer, owner,
                                                                                    monkeypatch):
    batch = services.start_import(org=org, actor=officer, filename="pairs.csv", content=SAMPLE)
    original = services.record_agreement
    calls = []

    def fails_on_the_fifth(**kwargs):
        calls.append(1)
        if len(calls) == 5:
            raise ValidationFailed("the partner's city was merged meanwhile")
        return original(**kwargs)

    monkeypatch.setattr(services, "record_agreement", fails_on_the_fifth)
    assert services.record_import(org=org, actor=officer, batch=batch) is False
    jobs.run_worker(once=True)
    failed, retry = DBTaskResult.objects.order_by("enqueued_at")
    assert failed.status == "FAILED" and retry.status == "READY"
    assert not Partnership.objects.filter(org=org).exists()  # all or nothing
    batch.refresh_from_db()
    assert "merged meanwhile" in batch.error and batch.applied_at is None
    html = client_for(owner).get("/office/jobs/failed/").content.decode()
    assert "record partner import" in html and "merged meanwhile" in html

    monkeypatch.setattr(services, "record_agreement", original)
    DBTaskResult.objects.filter(pk=retry.pk).update(run_after=failed.finished_at)
    jobs.run_worker(once=True)
    assert DBTaskResult.objects.get(pk=retry.pk).status == "SUCCESSFUL"
    batch.refresh_from_db()
    assert batch.recorded == 11 and batch.error == "" and Partnership.objects.filter(org=org).count() == 11

    # The same job run once more (a second worker, a re-run after a kill): nothing is recorded twice.
    jobs.enqueue_on_commit(record_partner_import, office=org, batch=str(batch.public_id), actor=officer.pk)
    jobs.run_worker(once=True)
    assert DBTaskResult.objects.order_by("-enqueued_at").first().status == "SUCCESSFUL"
    assert Partnership.objects.filter(org=org).count() == 11
    assert PartnerImport.objects.get(pk=batch.pk).recorded == 11
