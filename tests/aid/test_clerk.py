"""The clerk's work in few steps: a pledge of several items on one form, a whole consignment received in one
step with its exceptions, labels of every box, and a confirmation naming what each write recorded."""

from django.contrib.messages import get_messages

from hamdeli.aid import selectors, services
from hamdeli.aid.models import Box, Movement, Pledge
from hamdeli.core.digits import to_ascii_digits
from tests.aid.conftest import form, inbound_pledge


def _said(response) -> list[str]:
    return [to_ascii_digits(str(m)) for m in get_messages(response.wsgi_request)]


def test_a_pledge_of_several_items_on_its_page_form(aid, officer_client):
    response = officer_client.post("/aid/pledges/new/", form(aid.org, {
        "direction": "inbound", "donor": aid.xian.public_id, "recipient": aid.city.public_id,
        "item": aid.mask.public_id, "quantity": "۲٬۰۰۰", "item_2": aid.gown.public_id, "quantity_2": 300}))
    assert response.status_code == 302
    pledge = Pledge.objects.get(org=aid.org)
    assert sorted((ln.item.code, ln.quantity) for ln in pledge.lines.all()) == [("gown", 300), ("mask", 2000)]
    assert any("شیان" in text and "2" in text for text in _said(response))
    half = officer_client.post("/aid/pledges/new/", form(aid.org, {
        "direction": "inbound", "donor": aid.xian.public_id, "recipient": aid.city.public_id,
        "item": aid.mask.public_id, "quantity": 5, "item_3": aid.gown.public_id}))
    assert half.status_code == 422 and "quantity_3" in half.context["form"].errors
    assert Pledge.objects.filter(org=aid.org).count() == 1


def test_receive_all_as_sent_with_one_damaged_box(aid, officer_client):
    p, consignment = inbound_pledge(aid, boxes=5, per_box=100)
    url = f"/aid/consignments/{consignment.public_id}/receive-all/"
    no_reason = officer_client.post(url, form(aid.org, {
        "location": aid.store.public_id, "box_1": 3, "received_1": 90, "damaged_1": 10}))
    assert no_reason.status_code == 422 and not Movement.objects.filter(reason="receipt").exists()
    done = officer_client.post(url, form(aid.org, {
        "location": aid.store.public_id, "box_1": 3, "received_1": 90, "damaged_1": 10, "reason": "wet"}))
    assert done.status_code == 302
    assert set(Box.objects.filter(consignment=consignment).values_list("state", flat=True)) == {"received"}
    assert selectors.stock(org=aid.org, location=aid.store).get().quantity == 490
    assert Movement.objects.get(reason="damaged").quantity == 10
    assert Pledge.objects.get(pk=p.pk).state == "received"
    assert any(consignment.reference in text for text in _said(done))


def test_receive_all_through_the_api_names_a_wrong_box(aid, officer_api):
    _p, consignment = inbound_pledge(aid, boxes=2, per_box=100)
    url = f"/api/v1/aid/consignments/{consignment.public_id}/receive-all"
    bad = officer_api.post(url, {"location": str(aid.store.public_id), "reason": "x",
                                 "exceptions": [{"box": 9, "received": 1}]}, content_type="application/json")
    assert bad.status_code == 422 and "exceptions.0" in bad.json()["fields"]
    ok = officer_api.post(url, {"location": str(aid.store.public_id), "reason": "short",
                                "exceptions": [{"box": 2, "received": 95}]}, content_type="application/json")
    assert ok.status_code == 200
    assert Movement.objects.get(reason="short").quantity == 5


def test_labels_of_a_consignment_carry_a_qr_code_to_each_box(aid, officer_client):
    _p, consignment = inbound_pledge(aid, boxes=3)
    page = officer_client.get(f"/aid/consignments/{consignment.public_id}/labels/")
    html = page.content.decode()
    assert page.status_code == 200 and html.count("<svg") == 3
    assert consignment.reference in html and "style=" not in html and "<script" not in html


def test_every_write_says_what_it_recorded(aid, officer_client):
    p, consignment = inbound_pledge(aid, boxes=1)
    services.receive_box(org=aid.org, actor=aid.actor, box=consignment.boxes.get(), location=aid.store)
    handed = officer_client.post("/aid/handover/", form(aid.org, {
        "source": aid.store.public_id, "target": aid.uni_store.public_id, "item": aid.mask.public_id,
        "quantity": 40, "signed_by": "MUI"}))
    assert handed.status_code == 302 and any("40" in t and "L1" in t for t in _said(handed))
    given = officer_client.post("/aid/distribute/", form(aid.org, {
        "source": aid.uni_store.public_id, "recipient": aid.hospital.public_id, "recipient_group": "ICU",
        "item": aid.mask.public_id, "quantity": 15}))
    assert any("15" in t for t in _said(given))
    step = officer_client.post(f"/aid/pledges/{p.public_id}/transition/", form(aid.org, {"action": "close"}))
    assert step.status_code == 302 and _said(step)


def test_boxes_typed_on_the_page_are_previewed_then_created(aid, officer_client):
    p, _c = inbound_pledge(aid, ship=False)
    fields = {"item_1": aid.mask.public_id, "boxes_1": 30, "per_box_1": "۵۰۰", "label_1": "mask", "lot_1": "GZ-1",
              "item_2": aid.gown.public_id, "boxes_2": 2, "per_box_2": 40}
    preview = officer_client.post(f"/aid/pledges/{p.public_id}/boxes/", fields)
    assert preview.status_code == 200 and not Box.objects.exists()
    assert [(r["boxes"], r["total"]) for r in preview.context["summary"]] == [(30, 15000), (2, 80)]
    assert 'name="confirm"' in preview.content.decode()
    created = officer_client.post(f"/aid/pledges/{p.public_id}/boxes/", form(aid.org, {**fields, "confirm": "1"}))
    assert created.status_code == 302
    boxes = Box.objects.filter(consignment__pledge=p)
    assert boxes.count() == 32 and {b.label for b in boxes} >= {"mask-1", "mask-30", "gown-2"}
    assert sum(ln.quantity for b in boxes for ln in b.lines.all()) == 15080
    assert any("32" in t for t in _said(created))


def test_the_box_list_template_is_in_the_users_language_and_imports_as_is(aid, officer_client):
    p, _c = inbound_pledge(aid, ship=False)
    text = officer_client.get(f"/aid/pledges/{p.public_id}/boxes.csv").content.decode("utf-8-sig")
    header, first = text.splitlines()[:2]
    assert header.startswith("جعبه,") and first.startswith("1,mask,50")
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("boxes.csv", text.encode("utf-8-sig"), content_type="text/csv")
    preview = officer_client.post(f"/aid/pledges/{p.public_id}/import/", form(aid.org, {"file": upload}))
    assert preview.status_code == 200 and not Box.objects.filter(consignment__pledge=p).exists()
    from tests.aid.test_box_import import _confirm_fields

    done = officer_client.post(f"/aid/pledges/{p.public_id}/import/", _confirm_fields(preview))
    assert done.status_code == 302 and Box.objects.filter(consignment__pledge=p).count() == 1
