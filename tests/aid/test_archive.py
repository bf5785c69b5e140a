"""Catalogue items are archived, never deleted: out of the catalogue list and every form's picker, kept by
the ledger, traces and reports; refused while units are still held; restored by owners only."""

import pytest

from hamdeli.aid import selectors, services
from hamdeli.aid.models import Item
from hamdeli.core.models import AuditEntry
from tests.aid.conftest import form, inbound_pledge
from tests.conftest import api_client_for, client_for

pytestmark = pytest.mark.django_db


def test_an_item_in_stock_is_not_archived(aid, org, officer):
    inbound_pledge(aid)  # masks reserved, in transit
    api = api_client_for(officer, org)
    refused = api.post(f"/api/v1/aid/items/{aid.mask.public_id}/archive", HTTP_ACCEPT_LANGUAGE="fa")
    assert refused.status_code == 409 and refused.json()["error"] == "still_held"
    assert "هنوز" in refused.json()["message"]
    assert not Item.objects.get(pk=aid.mask.pk).archived


def test_an_archived_item_leaves_the_catalogue_and_the_pickers(aid, org, officer, owner):
    pledge, _c = inbound_pledge(aid, ship=False, accept=False)  # an offer: nothing held yet
    client = client_for(officer)
    setup = client.get("/aid/setup/").content.decode()
    assert f"/aid/items/{aid.gown.public_id}/archive/" in setup and "?archived=1" not in setup
    assert client.post(f"/aid/items/{aid.gown.public_id}/archive/", form(org, {})).status_code == 302
    assert list(selectors.items(org=org)) == [aid.mask]
    setup = client.get("/aid/setup/").content.decode()
    assert f"/aid/items/{aid.gown.public_id}/" not in setup and f"/aid/items/{aid.mask.public_id}/archive/" in setup
    assert str(aid.gown.public_id) not in client.get("/aid/pledges/new/").content.decode()
    listed = api_client_for(officer, org).get("/api/v1/aid/items").json()["items"]
    assert [i["code"] for i in listed] == ["mask"]
    # the owners list the archived items and restore them
    owner_client = client_for(owner)
    archived = owner_client.get("/aid/setup/?archived=1").content.decode()
    assert f"/aid/items/{aid.gown.public_id}/restore/" in archived
    assert f"/aid/items/{aid.mask.public_id}/" not in archived
    assert client.post(f"/aid/items/{aid.gown.public_id}/restore/", form(org, {})).status_code == 403
    assert api_client_for(officer, org).get("/api/v1/aid/items", {"archived": "true"}).status_code == 403
    assert owner_client.post(f"/aid/items/{aid.gown.public_id}/restore/", form(org, {})).status_code == 302
    assert not Item.objects.get(pk=aid.gown.pk).archived
    assert list(AuditEntry.objects.filter(object_id=str(aid.gown.public_id)).order_by("seq").values_list(
        "action", flat=True))[-2:] == ["aid.item.archived", "aid.item.restored"]


def test_the_api_archives_and_owners_restore(aid, org, other_org, officer, owner, outsider):
    api, owner_api = api_client_for(officer, org), api_client_for(owner, org)
    assert api_client_for(outsider, other_org).post(
        f"/api/v1/aid/items/{aid.gown.public_id}/archive").status_code == 404
    done = api.post(f"/api/v1/aid/items/{aid.gown.public_id}/archive")
    assert done.status_code == 200 and done.json()["archived_at"]
    assert api.post(f"/api/v1/aid/items/{aid.gown.public_id}/archive").status_code == 409
    assert [i["code"] for i in owner_api.get("/api/v1/aid/items", {"archived": "true"}).json()["items"]] == ["gown"]
    assert api.post(f"/api/v1/aid/items/{aid.gown.public_id}/restore").status_code == 403
    back = owner_api.post(f"/api/v1/aid/items/{aid.gown.public_id}/restore")
    assert back.status_code == 200 and back.json()["archived_at"] is None
    refused = api.post("/api/v1/aid/items", {"code": "gown", "name": {"en": "G"}}, content_type="application/json")
    assert refused.status_code == 409
    services.archive_item(org=org, actor=officer, item=aid.gown)
    refused = api.post("/api/v1/aid/items", {"code": "gown", "name": {"en": "G"}}, content_type="application/json")
    assert refused.status_code == 409 and "بایگانی" in refused.json()["message"]
