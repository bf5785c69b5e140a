"""Aid pages: forms re-render with field errors (422), labels carry a QR code, pictures render."""

from hamdeli.aid import services
from hamdeli.aid.models import Box
from tests.aid.conftest import form, inbound_pledge


def test_receiving_a_short_box_without_reason_rerenders_with_the_error(aid, officer_client):
    pledge, consignment = inbound_pledge(aid, boxes=1)
    box = consignment.boxes.get()
    url = f"/aid/boxes/{box.public_id}/receive/"
    response = officer_client.post(url, form(aid.org, {"location": aid.store.public_id, "line1_received": 90}))
    assert response.status_code == 422
    assert "reason" in response.content.decode().lower() or "دلیل" in response.content.decode()
    assert Box.objects.get(pk=box.pk).state == "in_transit"
    response = officer_client.post(url, form(aid.org, {"location": aid.store.public_id, "line1_received": 90,
                                                          "reason": "torn box"}))
    assert response.status_code == 302
    assert services.stock_total(org=aid.org, location=aid.lost_damaged, item=aid.mask) == 10


def test_cancel_without_reason_is_refused_on_the_page(aid, officer_client):
    pledge, _c = inbound_pledge(aid, ship=False)
    response = officer_client.post(f"/aid/pledges/{pledge.public_id}/transition/", form(aid.org, {"action": "cancel"}))
    assert response.status_code == 422
    response = officer_client.post(f"/aid/pledges/{pledge.public_id}/transition/",
                                   form(aid.org, {"action": "cancel", "reason": "needed at home"}))
    assert response.status_code == 302


def test_distribution_beyond_stock_shows_a_clear_message(aid, officer_client):
    response = officer_client.post("/aid/distribute/", form(aid.org, {
        "source": aid.store.public_id, "item": aid.mask.public_id, "quantity": 5,
        "recipient": aid.hospital.public_id, "recipient_group": "ICU"}))
    assert response.status_code == 409
    assert "موجودی" in response.content.decode()


def test_box_label_has_a_qr_code_of_the_box_id(aid, officer_client):
    _p, consignment = inbound_pledge(aid, boxes=1)
    box = consignment.boxes.get()
    page = officer_client.get(f"/aid/boxes/{box.public_id}/label/").content.decode()
    assert "<svg" in page and str(box.public_id) in page and consignment.reference in page


def test_flow_picture_links_donor_to_recipients(aid, officer_client):
    _p, consignment = inbound_pledge(aid, boxes=1)
    services.receive_box(org=aid.org, actor=aid.actor, box=consignment.boxes.get(), location=aid.store)
    services.distribute(org=aid.org, actor=aid.actor, source=aid.store, recipient=aid.hospital,
                        recipient_group="ICU", lines=[{"item": aid.mask, "quantity": 40}])
    page = officer_client.get("/aid/flow/").content.decode()
    assert 'data-chart="chart-flow"' in page and '"kind": "sankey"' in page
    table = page[page.index("<table"):page.index("</table>")]
    assert "شیان" in table and "بیمارستان الزهرا" in table and "۴۰" in table


def test_dashboard_shows_the_aid_panel(aid, officer_client):
    _p, consignment = inbound_pledge(aid, boxes=1)
    services.receive_box(org=aid.org, actor=aid.actor, box=consignment.boxes.get(), location=aid.store)
    page = officer_client.get("/dashboard/").content.decode()
    assert "/aid/" in page and "۱۰۰" in page


def test_box_list_import_page_lists_every_bad_row(aid, officer_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    pledge, _c = inbound_pledge(aid, ship=False)
    bad = b"box,item,quantity\n1,mask,10\n2,ghost,5\n3,mask,zero\n"
    response = officer_client.post(f"/aid/pledges/{pledge.public_id}/import/",
                                   form(aid.org, {"file": SimpleUploadedFile("b.csv", bad)}))
    page = response.content.decode()
    assert response.status_code == 422 and "سطر ۳" in page and "سطر ۴" in page and "ghost" in page
    assert not pledge.consignments.exists()


def test_signing_in_lands_each_role_on_a_page_it_may_open(client, institution_user, officer):
    response = client.post("/login/", {"username": "mui_store", "password": "pw-for-tests-only-123"}, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/aid/"  # a store, not a 403
    client.logout()
    response = client.post("/login/", {"username": "officer", "password": "pw-for-tests-only-123"}, follow=True)
    assert response.status_code == 200 and response.redirect_chain[-1][0] == "/dashboard/"
