"""Only a draft letter is deleted; any other is archived: out of the register's list, its search, the
follow-ups and the pickers, readable by its link with its number and history, restored by owners only."""

import datetime as dt

import pytest

from hamdeli.core.models import AuditEntry
from hamdeli.correspondence import selectors, services
from hamdeli.correspondence.models import Letter
from tests.conftest import api_client_for, client_for
from tests.correspondence.conftest import walk

pytestmark = pytest.mark.django_db


@pytest.fixture
def sent(org, officer, outgoing):
    letter = outgoing(subject="Thanks for the masks", answer_due_on=dt.date(2020, 2, 20))
    return walk(letter, org, officer, [("submit", dt.date(2020, 1, 27)), ("sign", dt.date(2020, 1, 28)),
                                       ("send", dt.date(2020, 1, 29))])


def test_a_draft_is_deleted_for_real_with_its_files(org, officer, outgoing, django_capture_on_commit_callbacks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.sample_files import pdf_bytes

    draft = outgoing(subject="A draft")
    stored = services.add_attachment(org=org, actor=officer, letter=draft,
                                     upload=SimpleUploadedFile("scan.pdf", pdf_bytes(b"x"))).file
    page = client_for(officer).get(f"/letters/{draft.public_id}/").content.decode()
    assert f"/letters/{draft.public_id}/delete/" in page and f"/letters/{draft.public_id}/archive/" not in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(officer).post(f"/letters/{draft.public_id}/delete/")
    assert response.status_code == 302 and not Letter.objects.filter(pk=draft.pk).exists()
    assert not stored.storage.exists(stored.name)
    entry = AuditEntry.objects.get(action="letter.deleted", object_id=str(draft.public_id))
    assert entry.before["registry_number"] == draft.registry_number and entry.before["subject"] == "A draft"


def test_a_letter_past_the_draft_is_not_deleted_but_archived(org, officer, owner, sent):
    api = api_client_for(officer, org)
    refused = api.delete(f"/api/v1/correspondence/letters/{sent.public_id}", HTTP_ACCEPT_LANGUAGE="fa")
    assert refused.status_code == 409 and refused.json()["error"] == "archive_instead"
    assert "پیش‌نویس" in refused.json()["message"]
    client = client_for(officer)
    client.cookies["django_language"] = "fa"
    page = client.post(f"/letters/{sent.public_id}/delete/")
    assert page.status_code == 409 and "فقط پیش‌نویس حذف می‌شود" in page.content.decode()
    assert selectors.overdue(org=org, as_of=dt.date(2020, 3, 1)).filter(pk=sent.pk).exists()
    assert client.post(f"/letters/{sent.public_id}/archive/").status_code == 302
    assert Letter.objects.filter(pk=sent.pk).exists()
    # out of the list, its search, the follow-ups and the reply picker
    listing = client.get("/letters/").content.decode()
    assert str(sent.public_id) not in listing
    assert str(sent.public_id) not in client.get("/letters/?q=masks").content.decode()
    assert not selectors.overdue(org=org, as_of=dt.date(2020, 3, 1)).filter(pk=sent.pk).exists()
    assert f'value="{sent.pk}"' not in client.get("/letters/new/").content.decode()
    assert [x["id"] for x in api.get("/api/v1/correspondence/letters").json()["items"]] == []
    # still readable by its link, with a badge; the owners' filter lists it and they restore it
    detail = client.get(f"/letters/{sent.public_id}/").content.decode()
    assert "state-archived" in detail and f"/letters/{sent.public_id}/restore/" not in detail
    assert client.post(f"/letters/{sent.public_id}/restore/").status_code == 403
    assert api.get("/api/v1/correspondence/letters", {"archived": "true"}).status_code == 403
    owner = client_for(owner)
    assert str(sent.public_id) in owner.get("/letters/?archived=on").content.decode()
    assert owner.post(f"/letters/{sent.public_id}/restore/").status_code == 302
    assert str(sent.public_id) in owner.get("/letters/").content.decode()
    assert list(AuditEntry.objects.filter(object_id=str(sent.public_id)).order_by("seq").values_list(
        "action", flat=True))[-2:] == ["letter.archived", "letter.restored"]


def test_the_api_archives_restores_and_deletes_drafts(org, other_org, officer, owner, outsider, outgoing, sent):
    api, owner_api = api_client_for(officer, org), api_client_for(owner, org)
    draft = outgoing(subject="Draft")
    assert api_client_for(outsider, other_org).delete(
        f"/api/v1/correspondence/letters/{draft.public_id}").status_code == 404
    assert api.delete(f"/api/v1/correspondence/letters/{draft.public_id}").status_code == 204
    assert api.get(f"/api/v1/correspondence/letters/{draft.public_id}").status_code == 404
    done = api.post(f"/api/v1/correspondence/letters/{sent.public_id}/archive")
    assert done.status_code == 200 and done.json()["archived_at"]
    assert api.get(f"/api/v1/correspondence/letters/{sent.public_id}").json()["archived_at"]
    assert [x["id"] for x in owner_api.get("/api/v1/correspondence/letters", {"archived": "true"}).json()[
        "items"]] == [str(sent.public_id)]
    assert api.post(f"/api/v1/correspondence/letters/{sent.public_id}/restore").status_code == 403
    back = owner_api.post(f"/api/v1/correspondence/letters/{sent.public_id}/restore")
    assert back.status_code == 200 and back.json()["archived_at"] is None
