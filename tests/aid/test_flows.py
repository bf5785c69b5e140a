"""Pledge lifecycle, cancellation at every state, discrepancies, custody, institution scope, idempotency."""

import json

import pytest

from hamdeli.aid import selectors, services
from hamdeli.aid.models import Box, Movement, Pledge
from hamdeli.aid.verify import verify
from hamdeli.core.errors import Conflict, ValidationFailed
from tests.aid.conftest import form, inbound_pledge
from tests.conftest import api_client_for


def _stock(aid, location):
    return services.stock_total(org=aid.org, location=location, item=aid.mask)


def _outbound(aid, state):
    services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.mask, quantity=100)
    p = services.create_pledge(
        org=aid.org, actor=aid.actor, direction="outbound", donor=aid.city, recipient=aid.xian, lines=[(aid.mask, 40)]
    )
    steps = {"offered": [], "accepted": ["accept"], "shipped": ["accept", "ship"]}[state]
    for step in steps:
        p = services.transition_pledge(org=aid.org, actor=aid.actor, pledge=p, action=step, source=aid.store)
    return p


@pytest.mark.parametrize("state", ["offered", "accepted", "shipped"])
def test_cancelling_an_outbound_pledge_returns_every_unit(aid, state):
    p = _outbound(aid, state)
    if state != "offered":
        assert _stock(aid, aid.store) == 60
    p = services.transition_pledge(
        org=aid.org, actor=aid.actor, pledge=p, action="cancel", reason="called off for technical reasons"
    )
    assert p.state == "cancelled" and p.cancel_reason
    assert _stock(aid, aid.store) == 100
    assert _stock(aid, aid.reserved) == 0 and _stock(aid, aid.in_transit) == 0
    assert verify() == []


@pytest.mark.parametrize("state", ["offered", "accepted", "shipped"])
def test_cancelling_an_inbound_pledge_leaves_nothing_in_transit(aid, state):
    p, _c = inbound_pledge(aid, accept=state != "offered", ship=state == "shipped")
    assert p.state == state
    services.transition_pledge(org=aid.org, actor=aid.actor, pledge=p, action="cancel", reason="not needed")
    assert _stock(aid, aid.in_transit) == 0 and _stock(aid, aid.donor) == 0
    assert not Box.objects.filter(consignment__pledge=p, state="in_transit").exists()
    assert verify() == []


def test_cancel_needs_a_reason_and_is_refused_after_receipt(aid):
    p, c = inbound_pledge(aid, boxes=2)
    with pytest.raises(ValidationFailed):
        services.transition_pledge(org=aid.org, actor=aid.actor, pledge=p, action="cancel", reason=" ")
    services.receive_box(org=aid.org, actor=aid.actor, box=c.boxes.first(), location=aid.store)
    with pytest.raises(Conflict):
        services.transition_pledge(org=aid.org, actor=aid.actor, pledge=p, action="cancel", reason="late")
    assert Pledge.objects.get(pk=p.pk).state == "partially_received"


def test_discrepancies_reconcile_the_donor_total(aid):
    p, c = inbound_pledge(aid, boxes=3, per_box=100)
    short, damaged, over = c.boxes.all()
    with pytest.raises(ValidationFailed) as missing_reason:
        services.receive_box(
            org=aid.org,
            actor=aid.actor,
            box=short,
            location=aid.store,
            lines=[{"line": short.lines.get().public_id, "received": 90}],
        )
    assert "reason" in missing_reason.value.fields
    services.receive_box(
        org=aid.org,
        actor=aid.actor,
        box=short,
        location=aid.store,
        reason="10 missing",
        lines=[{"line": short.lines.get().public_id, "received": 90}],
    )
    services.receive_box(
        org=aid.org,
        actor=aid.actor,
        box=damaged,
        location=aid.store,
        reason="crushed",
        lines=[{"line": damaged.lines.get().public_id, "received": 80, "damaged": 20}],
    )
    services.receive_box(
        org=aid.org,
        actor=aid.actor,
        box=over,
        location=aid.store,
        reason="5 extra",
        lines=[{"line": over.lines.get().public_id, "received": 105}],
    )
    assert _stock(aid, aid.store) == 90 + 80 + 105
    assert _stock(aid, aid.lost_damaged) == 10 + 20
    assert _stock(aid, aid.found) == -5
    reasons = {b.number: sorted(Movement.objects.filter(box=b).values_list("reason", flat=True))
               for b in (damaged, over)}
    assert reasons == {damaged.number: ["damaged", "receipt", "shipment"], over.number: ["over", "receipt", "shipment"]}
    report = selectors.report(org=aid.org, pledge=p)
    assert report["reconciles"] and report["items"][0]["sent"] == 300
    assert Pledge.objects.get(pk=p.pk).state == "received"
    assert verify() == []


def test_custody_chain_and_traces(aid):
    p, c = inbound_pledge(aid, boxes=2)
    for box in c.boxes.all():
        services.receive_box(org=aid.org, actor=aid.actor, box=box, location=aid.store)
    services.handover(
        org=aid.org,
        actor=aid.actor,
        source=aid.store,
        target=aid.uni_store,
        signed_by="Store keeper",
        lines=[{"item": aid.mask, "quantity": 150}],
    )
    services.handover(
        org=aid.org,
        actor=aid.actor,
        source=aid.uni_store,
        target=aid.hospital_store,
        signed_by="Head nurse",
        lines=[{"item": aid.mask, "quantity": 100}],
    )
    services.distribute(
        org=aid.org,
        actor=aid.actor,
        source=aid.hospital_store,
        recipient=aid.hospital,
        recipient_group="ICU team",
        people_count=12,
        lines=[{"item": aid.mask, "quantity": 60}],
    )
    trace = selectors.trace_forward(p)
    assert [(r["recipient_group"], r["quantity"], r["people"]) for r in trace["recipients"]] == [("ICU team", 60, 12)]
    held = {h["location__kind"] + ":" + h["location__name"]["en"]: h["quantity"] for h in trace["holdings"]}
    assert held["real:City store"] == 50 and held["real:MUI store"] == 50 and held["real:Alzahra"] == 40
    back = selectors.trace_backward(org=aid.org, location=aid.hospital_store)
    assert back == [
        {
            "pledge": p.public_id,
            "label": "رفاقت در روزهای مشقت",
            "donor": "شیان",
            "item": "mask",
            "item_name": "ماسک",
            "quantity": 100,
        }
    ]
    recall = selectors.recall(org=aid.org, lot=p.lots.get())
    assert recall["recipients"][0]["quantity"] == 60
    assert verify() == []


def test_institution_user_acts_only_on_granted_locations(aid, institution_user):
    p, c = inbound_pledge(aid, boxes=1)
    services.receive_box(org=aid.org, actor=aid.actor, box=c.boxes.get(), location=aid.store)
    services.handover(
        org=aid.org,
        actor=aid.actor,
        source=aid.store,
        target=aid.uni_store,
        signed_by="x",
        lines=[{"item": aid.mask, "quantity": 50}],
    )
    services.grant_location(org=aid.org, actor=aid.actor, membership=institution_user, location=aid.uni_store)
    api = api_client_for(institution_user.user, aid.org)
    stock = api.get("/api/v1/aid/stock").json()["items"]
    assert {row["location_name"] for row in stock} == {"انبار دانشگاه"}
    assert api.get("/api/v1/aid/pledges").status_code == 403
    body = {
        "source": str(aid.store.public_id),
        "target": str(aid.hospital_store.public_id),
        "signed_by": "x",
        "lines": [{"item": str(aid.mask.public_id), "quantity": 1}],
    }
    assert api.post("/api/v1/aid/handovers", body, content_type="application/json").status_code == 404
    body["source"] = str(aid.uni_store.public_id)
    assert api.post("/api/v1/aid/handovers", body, content_type="application/json").status_code == 201


def test_idempotency_key_replays_the_first_answer_and_posts_nothing_more(aid, officer_api):
    p, c = inbound_pledge(aid, boxes=1)
    services.receive_box(org=aid.org, actor=aid.actor, box=c.boxes.get(), location=aid.store)
    body = {
        "source": str(aid.store.public_id),
        "recipient": str(aid.hospital.public_id),
        "recipient_group": "ER",
        "lines": [{"item": str(aid.mask.public_id), "quantity": 10}],
    }
    first = officer_api.post(
        "/api/v1/aid/distributions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    count = Movement.objects.count()
    again = officer_api.post(
        "/api/v1/aid/distributions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert first.status_code == again.status_code == 201
    assert first.json() == again.json() and again["Idempotent-Replayed"] == "true"
    assert Movement.objects.count() == count and _stock(aid, aid.store) == 90
    body["lines"][0]["quantity"] = 11
    other = officer_api.post(
        "/api/v1/aid/distributions", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="k-1"
    )
    assert other.status_code == 422 and other.json()["error"] == "idempotency_mismatch"


def test_refused_write_is_a_clear_409_json(aid, officer_api):
    body = {
        "source": str(aid.store.public_id),
        "recipient": str(aid.hospital.public_id),
        "recipient_group": "ER",
        "lines": [{"item": str(aid.mask.public_id), "quantity": 10}],
    }
    response = officer_api.post("/api/v1/aid/distributions", body, content_type="application/json")
    assert response.status_code == 409
    assert response.json()["error"] == "not_enough_stock" and response.json()["message"]


def test_box_list_import_is_all_or_nothing_with_a_row_report(aid, officer_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p, _c = inbound_pledge(aid, ship=False)
    bad = b"box,item,quantity,lot,expires_on\n1,mask,50,L1,2021-01-01\n2,nope,5,,\n3,mask,-1,,\n"
    url = f"/api/v1/aid/pledges/{p.public_id}/consignments/import"
    response = officer_api.post(url, {"file": SimpleUploadedFile("b.csv", bad)})
    assert response.status_code == 422
    assert set(response.json()["fields"]) == {"row 3", "row 4"}
    assert not p.consignments.exists() and not Movement.objects.exists()
    good = b"box,item,quantity,lot,expires_on\n1,mask,50,L1,2021-01-01\n1,gown,10,,\n2,mask,50,L1,2021-01-01\n"
    response = officer_api.post(url, {"file": SimpleUploadedFile("b.csv", good)})
    assert response.status_code == 201
    assert [len(b["lines"]) for b in response.json()["boxes"]] == [2, 1]


def test_movements_export_json_and_csv(aid, officer_api):
    inbound_pledge(aid, boxes=1)
    rows = officer_api.get("/api/v1/aid/movements").json()["items"]
    assert rows[0]["quantity"] == 100 and rows[0]["from_kind"] == "donor" and rows[0]["from"]
    text = officer_api.get("/api/v1/aid/exports/movements").content.decode()
    assert text.splitlines()[0].startswith("id,operation,at,reason")
    assert json.loads(json.dumps(rows))


def test_institution_pages_show_only_their_own_store(aid, institution_user):
    from tests.conftest import client_for

    p, c = inbound_pledge(aid, boxes=1)
    services.receive_box(org=aid.org, actor=aid.actor, box=c.boxes.get(), location=aid.store)
    services.handover(org=aid.org, actor=aid.actor, source=aid.store, target=aid.uni_store, signed_by="x",
                      lines=[{"item": aid.mask, "quantity": 30}])
    services.grant_location(org=aid.org, actor=aid.actor, membership=institution_user, location=aid.uni_store)
    client = client_for(institution_user.user)
    home = client.get("/aid/").content.decode()
    assert "انبار دانشگاه" in home and "انبار شهرداری" not in home
    assert client.get(f"/aid/locations/{aid.store.public_id}/").status_code == 404
    assert client.get(f"/aid/pledges/{p.public_id}/").status_code == 403
    assert client.get("/aid/flow/").status_code == 403


def test_idempotent_box_list_upload(aid, officer_api):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p, _c = inbound_pledge(aid, ship=False)
    url = f"/api/v1/aid/pledges/{p.public_id}/consignments/import"
    csv = b"box,item,quantity\n1,mask,50\n2,mask,50\n"
    first = officer_api.post(url, {"file": SimpleUploadedFile("b.csv", csv)}, HTTP_IDEMPOTENCY_KEY="upload-1")
    again = officer_api.post(url, {"file": SimpleUploadedFile("b.csv", csv)}, HTTP_IDEMPOTENCY_KEY="upload-1")
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    assert p.consignments.count() == 1
    other = officer_api.post(url, {"file": SimpleUploadedFile("b.csv", csv + b"3,mask,1\n")},
                             HTTP_IDEMPOTENCY_KEY="upload-1")
    assert other.status_code == 422


def test_inbound_pledge_is_not_shipped_by_a_bare_step(aid, officer_api):
    p, _c = inbound_pledge(aid, ship=False)
    response = officer_api.post(f"/api/v1/aid/pledges/{p.public_id}/transition", {"action": "ship"},
                                content_type="application/json")
    assert response.status_code == 409 and response.json()["error"] == "illegal_transition"


def test_office_grants_a_store_to_an_institution_member_only(aid, institution_user, org):
    from tests.conftest import _member

    owner = _member(org, "boss", "owner").user
    api = api_client_for(owner, org)
    url = f"/api/v1/aid/locations/{aid.uni_store.public_id}/grants"
    assert api.post(url, {"username": "mui_store"}, content_type="application/json").status_code == 201
    refused = api.post(url, {"username": "boss"}, content_type="application/json")
    assert refused.status_code == 422 and "username" in refused.json()["fields"]
    viewer = api_client_for(_member(org, "watcher", "viewer").user, org)
    assert viewer.post(url, {"username": "mui_store"}, content_type="application/json").status_code == 403


def test_stock_taken_in_on_the_page_lands_in_the_ledger_with_its_lot(aid, officer):
    import datetime as dt

    from hamdeli.aid import selectors
    from tests.conftest import client_for

    client = client_for(officer)
    page = client.post("/aid/intake/", form(aid.org, {
        "location": aid.store.public_id, "item": aid.mask.public_id, "quantity": 40, "donor": aid.xian.public_id,
        "lot_number": "GIFT-7", "expires_on": "۱۴۰۰/۰۴/۰۹"}))
    assert page.status_code == 302
    (balance,) = selectors.stock(org=aid.org, location=aid.store)
    assert (balance.quantity, balance.lot.number, balance.lot.expires_on) == (40, "GIFT-7", dt.date(2021, 6, 30))
    refused = client.post("/aid/intake/", form(aid.org, {"location": aid.store.public_id,
                                                      "item": aid.mask.public_id, "quantity": 0}))
    assert refused.status_code == 422 and "quantity" in refused.context["form"].errors


def test_a_mistake_is_corrected_on_the_page_by_a_reversing_movement(aid, officer, viewer):
    from hamdeli.aid import selectors
    from hamdeli.aid.models import Movement
    from tests.conftest import client_for

    client = client_for(officer)
    client.post("/aid/intake/", form(aid.org, {"location": aid.store.public_id, "item": aid.mask.public_id,
                                             "quantity": 40, "donor": aid.xian.public_id}))
    wrong = Movement.objects.get(org=aid.org, quantity=40)
    assert client.post(f"/aid/movements/{wrong.public_id}/reverse/", form(aid.org, {"note": ""})).status_code == 422
    assert client_for(viewer).post(f"/aid/movements/{wrong.public_id}/reverse/",
                                   {"note": "typed twice"}).status_code == 403
    reversed_ = client.post(f"/aid/movements/{wrong.public_id}/reverse/", form(aid.org, {"note": "typed twice"}))
    assert reversed_.status_code == 302
    assert not selectors.stock(org=aid.org, location=aid.store).exists()
    assert Movement.objects.filter(org=aid.org).count() == 2  # the original stays; its reverse is added
    again = client.post(f"/aid/movements/{wrong.public_id}/reverse/", form(aid.org, {"note": "again"}))
    assert again.status_code == 409
    assert "typed twice" in client.get("/aid/movements/").content.decode()


def test_the_office_lets_an_institution_member_work_on_a_store_from_its_page(aid, officer):
    from hamdeli.aid.models import InstitutionAccess
    from hamdeli.core import services as core
    from tests.conftest import client_for

    member = core.ensure_member(org=aid.org, username="mui_store", role="institution")
    client = client_for(officer)
    assert client.post(f"/aid/locations/{aid.uni_store.public_id}/grants/",
                       form(aid.org, {"membership": member.pk})).status_code == 302
    assert InstitutionAccess.objects.filter(membership=member, location=aid.uni_store).exists()
    officer_membership = officer.memberships.get(org=aid.org)
    refused = client.post(f"/aid/locations/{aid.uni_store.public_id}/grants/",
                          form(aid.org, {"membership": officer_membership.pk}))
    assert refused.status_code == 422  # only institution-store members can be granted a store
    assert "mui_store" in client.get(f"/aid/locations/{aid.uni_store.public_id}/").content.decode()
