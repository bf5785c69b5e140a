"""A member of an institution's store (the medical university's) sees only their stores, on every page and
endpoint: the rows touching their stores, the lots that have been there, and nothing of the other stores."""

import pytest

from hamdeli.aid import services
from hamdeli.aid.models import BoxState, Movement
from tests.aid.conftest import form, inbound_pledge
from tests.conftest import api_client_for, client_for


@pytest.fixture
def scene(aid, institution_user):
    """Lot L1 reaches the city store, then the university's store (granted) and the hospital's store (not),
    and each gives some out; the hospital's store also takes in a lot of its own."""
    org, actor = aid.org, aid.actor
    pledge, consignment = inbound_pledge(aid, boxes=2)
    first, waiting = consignment.boxes.order_by("number")
    services.receive_box(org=org, actor=actor, box=first, location=aid.store)
    services.handover(org=org, actor=actor, source=aid.store, target=aid.uni_store, signed_by="x", note="to-us-note",
                      lines=[{"item": aid.mask, "quantity": 40}])
    services.handover(org=org, actor=actor, source=aid.store, target=aid.hospital_store, signed_by="y",
                      note="to-them-note", lines=[{"item": aid.mask, "quantity": 30}])
    services.distribute(org=org, actor=actor, source=aid.uni_store, recipient=aid.hospital, recipient_group="ER-ours",
                        note="ours-note", lines=[{"item": aid.mask, "quantity": 10}])
    services.distribute(org=org, actor=actor, source=aid.hospital_store, recipient=aid.hospital,
                        recipient_group="ICU-theirs", note="theirs-note", lines=[{"item": aid.mask, "quantity": 5}])
    (theirs,) = services.intake(org=org, actor=actor, location=aid.hospital_store, item=aid.gown, quantity=3,
                                lot_number="H-ONLY", note="theirs-note")
    services.grant_location(org=org, actor=actor, membership=institution_user, location=aid.uni_store)
    lot = first.lines.get().lot
    return {"pledge": pledge, "lot": lot, "their_lot": theirs.lot, "waiting": waiting,
            "page": client_for(institution_user.user), "api": api_client_for(institution_user.user, org)}


def test_a_lots_recall_shows_a_store_only_its_own_shelves_and_recipients(aid, scene, officer_client):
    lot = scene["lot"]
    page = scene["page"].get(f"/aid/lots/{lot.public_id}/")
    assert page.status_code == 200
    trace = page.context["trace"]
    assert [(h["location__public_id"], h["quantity"]) for h in trace["holdings"]] == [(aid.uni_store.public_id, 30)]
    assert [(r["recipient_group"], r["quantity"]) for r in trace["recipients"]] == [("ER-ours", 10)]
    text = page.content.decode()
    assert "ICU-theirs" not in text and "انبار الزهرا" not in text and "انبار شهرداری" not in text
    assert "فقط سهم انبارهای شما از این سری ساخت نشان داده شده است" in text

    recall = scene["api"].get(f"/api/v1/aid/lots/{lot.public_id}/recall")
    assert recall.status_code == 200
    assert recall.json()["recipients"][0]["recipient_group"] == "ER-ours" and len(recall.json()["recipients"]) == 1
    assert [h["location__public_id"] for h in recall.json()["holdings"]] == [str(aid.uni_store.public_id)]

    # The office sees the whole lot: every store and every recipient.
    whole = officer_client.get(f"/aid/lots/{lot.public_id}/").context["trace"]
    assert {r["recipient_group"] for r in whole["recipients"]} == {"ER-ours", "ICU-theirs"}
    assert {h["location__public_id"] for h in whole["holdings"]} >= {aid.store.public_id, aid.hospital_store.public_id}

    # A lot that was never in their stores does not exist for them.
    their_lot = scene["their_lot"].public_id
    assert scene["page"].get(f"/aid/lots/{their_lot}/").status_code == 404
    assert scene["api"].get(f"/api/v1/aid/lots/{their_lot}/recall").status_code == 404
    body = {"source": str(aid.uni_store.public_id), "recipient": str(aid.hospital.public_id), "recipient_group": "x",
            "lines": [{"item": str(aid.gown.public_id), "quantity": 1, "lot": str(their_lot)}]}
    assert scene["api"].post("/api/v1/aid/distributions", body, content_type="application/json").status_code == 404


def test_receiving_a_box_is_the_offices_not_a_stores(aid, scene):
    box = scene["waiting"]
    moved = Movement.objects.count()
    url = f"/aid/boxes/{box.public_id}/receive/"
    page = scene["page"].post(url, form(aid.org, {"location": aid.uni_store.public_id}))
    assert page.status_code == 403 and "ICU-theirs" not in page.content.decode()
    invalid = scene["page"].post(url, form(aid.org, {"location": ""}))
    assert invalid.status_code == 403  # not the pledge's page with its errors
    api = scene["api"].post(f"/api/v1/aid/boxes/{box.public_id}/receive", {"location": str(aid.uni_store.public_id)},
                            content_type="application/json")
    assert api.status_code == 403
    box.refresh_from_db()
    assert box.state == BoxState.IN_TRANSIT and Movement.objects.count() == moved


def test_a_stores_pages_list_only_its_stores_and_offer_no_office_page(aid, scene, officer_client):
    client = scene["page"]
    setup = client.get("/aid/setup/").content.decode()
    assert "انبار دانشگاه" in setup and "انبار شهرداری" not in setup and "انبار الزهرا" not in setup
    assert "انبار الزهرا" in officer_client.get("/aid/setup/").content.decode()

    where = client.get(f"/aid/locations/{aid.uni_store.public_id}/").content.decode()
    assert "رفاقت در روزهای مشقت" in where  # who supplied their store: the pledge's name, but no link to its trace
    assert "/aid/trace/" not in where and "/aid/pledges/" not in where and "/aid/flow/" not in where
    assert "/aid/exports/iati.xml" not in where and "/aid/exports/hxl.csv" not in where
    office = officer_client.get(f"/aid/locations/{aid.uni_store.public_id}/").content.decode()
    assert "/aid/trace/" in office and "/aid/pledges/" in office
    assert client.get(f"/aid/locations/{aid.hospital_store.public_id}/").status_code == 404
    assert scene["api"].get(f"/api/v1/aid/trace/backward/{aid.hospital_store.public_id}").status_code == 404

    # Their ledger, on the page, as CSV and through the API: the movements into or out of their store only.
    ledger = client.get("/aid/movements/").content.decode()
    exported = client.get("/aid/exports/movements/").content.decode()
    listed = str(scene["api"].get("/api/v1/aid/movements").json())
    for answer in (ledger, exported, listed):
        assert "to-us-note" in answer and "ours-note" in answer
        assert "to-them-note" not in answer and "theirs-note" not in answer and "H-ONLY" not in answer

