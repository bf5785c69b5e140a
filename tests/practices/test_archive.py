"""Practices are archived, never deleted: out of every list and search (both keyword engines, the meaning
half, the API, exports, the public exchange, other offices), readable by their link at home, restored by
owners only."""

import pytest

from hamdeli.core.models import AuditEntry
from hamdeli.practices import services
from hamdeli.practices.search.engine import Filters, search
from tests.conftest import api_client_for, client_for

pytestmark = pytest.mark.django_db

TITLE = {"en": "Tram depot disinfection every night", "fa": "ضدعفونی شبانهٔ پایانهٔ تراموا"}


@pytest.fixture
def pair(make_practice):
    """An archived public practice and a kept one, both about trams."""
    kept = make_practice(title={"en": "Tram stops cleaned by volunteers"}, visibility="public")
    gone = make_practice(title=TITLE, visibility="public")
    return kept, gone


def _titles(org, query, mode, **filters):
    return [h.practice.title for h in search(org=org, query=query, mode=mode, limit=10,
                                             filters=Filters(**filters)).hits]


@pytest.mark.parametrize("mode", ["keyword", "semantic", "hybrid"])
def test_an_archived_practice_leaves_every_search(org, other_org, officer, pair, mode):
    kept, gone = pair
    assert TITLE in _titles(org, "tram depot", mode)
    services.archive_practice(org=org, actor=officer, practice=gone)
    for reader in (org, other_org, None):  # ours, another office's (it was public), a visitor's
        found = _titles(reader, "tram depot", mode)
        assert TITLE not in found
    assert TITLE not in _titles(org, "ضدعفونی تراموا", mode)
    # the owners' "archived only" search finds it, and only it
    assert _titles(org, "tram depot", mode, archived=True) == [TITLE]


def test_an_archived_practice_leaves_the_lists_exports_and_the_exchange(org, officer, owner, outsider, pair,
                                                                      client):
    kept, gone = pair
    services.archive_practice(org=org, actor=officer, practice=gone)
    officer_page = client_for(officer).get("/practices/").content.decode()
    assert str(kept.public_id) in officer_page and str(gone.public_id) not in officer_page
    export = client_for(officer).get("/practices/export/?format=json").content.decode()
    assert str(kept.public_id) in export and str(gone.public_id) not in export
    assert client.get(f"/exchange/{gone.public_id}/").status_code == 404
    assert str(gone.public_id) not in client.get("/exchange/feed.json").content.decode()
    assert client_for(outsider).get(f"/practices/{gone.public_id}/").status_code == 404
    # the owner's list filter shows the archived ones instead
    archived = client_for(owner).get("/practices/?archived=on").content.decode()
    assert str(gone.public_id) in archived and str(kept.public_id) not in archived
    # the officer is not offered the filter, and asking for it changes nothing
    officer_archived = client_for(officer).get("/practices/?archived=on").content.decode()
    assert 'name="archived"' not in officer_archived and str(gone.public_id) not in officer_archived
    assert 'name="archived"' in client_for(owner).get("/practices/").content.decode()


def test_the_archived_practice_page_says_so_and_offers_restore_to_owners(org, officer, owner, pair, settings):
    _kept, gone = pair
    client_for(officer).post(f"/practices/{gone.public_id}/archive/")
    gone.refresh_from_db()
    assert gone.archived and gone.archived_by == officer
    page = client_for(officer).get(f"/practices/{gone.public_id}/")
    assert page.status_code == 200 and "state-archived" in page.content.decode()
    assert f"/practices/{gone.public_id}/restore/" not in page.content.decode()
    assert client_for(officer).post(f"/practices/{gone.public_id}/restore/").status_code == 403
    owner_page = client_for(owner).get(f"/practices/{gone.public_id}/").content.decode()
    assert f"/practices/{gone.public_id}/restore/" in owner_page
    assert client_for(owner).post(f"/practices/{gone.public_id}/restore/").status_code == 302
    gone.refresh_from_db()
    assert not gone.archived and gone.archived_by is None
    actions = list(AuditEntry.objects.filter(object_id=str(gone.public_id)).order_by("seq").values_list(
        "action", flat=True))
    assert actions[-2:] == ["practice.archived", "practice.restored"]
    entry = AuditEntry.objects.get(object_id=str(gone.public_id), action="practice.archived")
    assert entry.before == {"archived_at": None, "archived_by": None}
    assert entry.after["archived_by"] == officer.username


def test_archiving_twice_is_a_translated_409(org, officer, pair):
    _kept, gone = pair
    services.archive_practice(org=org, actor=officer, practice=gone)
    client = client_for(officer)
    client.cookies["django_language"] = "fa"
    again = client.post(f"/practices/{gone.public_id}/archive/")
    assert again.status_code == 409 and "پیش‌تر بایگانی شده" in again.content.decode()


def test_the_api_archives_restores_and_refuses_to_delete(org, officer, owner, viewer, outsider, other_org, pair):
    _kept, gone = pair
    api = api_client_for(officer, org)
    refused = api.delete(f"/api/v1/practices/practices/{gone.public_id}", HTTP_ACCEPT_LANGUAGE="fa")
    assert refused.status_code == 409 and refused.json()["error"] == "archive_instead"
    assert "بایگانی" in refused.json()["message"]
    done = api.post(f"/api/v1/practices/practices/{gone.public_id}/archive")
    assert done.status_code == 200 and done.json()["archived_at"]
    assert api.get(f"/api/v1/practices/practices/{gone.public_id}").json()["archived_at"]
    listed = api.get("/api/v1/practices/practices", {"q": "tram depot", "mode": "keyword"}).json()
    assert str(gone.public_id) not in [h["practice"]["id"] for h in listed["hits"]]
    assert api.get("/api/v1/practices/practices", {"archived": "true"}).status_code == 403
    owner_api = api_client_for(owner, org)
    archived = owner_api.get("/api/v1/practices/practices", {"archived": "true"}).json()
    assert [h["practice"]["id"] for h in archived["hits"]] == [str(gone.public_id)]
    assert api.post(f"/api/v1/practices/practices/{gone.public_id}/restore").status_code == 403
    assert api_client_for(outsider, other_org).post(
        f"/api/v1/practices/practices/{gone.public_id}/archive").status_code == 404
    back = owner_api.post(f"/api/v1/practices/practices/{gone.public_id}/restore")
    assert back.status_code == 200 and back.json()["archived_at"] is None
    assert owner_api.post(f"/api/v1/practices/practices/{gone.public_id}/restore").status_code == 409
