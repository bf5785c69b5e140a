"""Receiving a box line by line on the pledge page, and the pages' protection against posting twice."""

import re

import pytest

from hamdeli.aid import services
from hamdeli.aid.models import Box, Movement, Pledge
from hamdeli.aid.verify import verify
from hamdeli.core import formtokens
from hamdeli.core.models import IdempotencyRecord
from tests.aid.conftest import form
from tests.conftest import client_for


@pytest.fixture
def clerk(org):
    """A logistics clerk: handles aid, not the office's other records."""
    from hamdeli.core import services as core

    return core.ensure_member(org=org, username="clerk", role="logistics", password="pw-for-tests-only-123").user


@pytest.fixture
def mixed_box(aid):
    """One box of 200 masks and 50 gowns on its way."""
    pledge = services.create_pledge(org=aid.org, actor=aid.actor, direction="inbound", donor=aid.xian,
                                    recipient=aid.city, lines=[(aid.mask, 200), (aid.gown, 50)])
    pledge = services.transition_pledge(org=aid.org, actor=aid.actor, pledge=pledge, action="accept")
    consignment = services.create_consignment(org=aid.org, actor=aid.actor, pledge=pledge, boxes=[{"lines": [
        {"item": aid.mask, "quantity": 200, "lot": "M-1"},
        {"item": aid.gown, "quantity": 50, "lot": "G-1"},
    ]}])
    return consignment.boxes.get()


def _url(box):
    return f"/aid/boxes/{box.public_id}/receive/"


def _stock(aid, location, item):
    return services.stock_total(org=aid.org, location=location, item=item)


def _token_in(page: str, action: str | None = None) -> str:
    """The one-time token the page rendered into the form that posts to `action` (or into its first form)."""
    form_html = page[page.index(f'action="{action}"'):] if action else page
    return re.search(r'name="form_token" value="([^"]+)"', form_html).group(1)


def test_a_mixed_box_is_received_line_by_line_with_persian_digits(aid, clerk, mixed_box):
    client = client_for(clerk)
    pledge_url = f"/aid/pledges/{mixed_box.consignment.pledge.public_id}/"
    page = client.get(pledge_url).content.decode()
    assert 'name="line1_received"' in page and 'name="line2_damaged"' in page and "دریافت جعبهٔ ۱" in page
    response = client.post(_url(mixed_box), {
        "location": aid.store.public_id,
        "line1_received": "۱۷۰", "line1_damaged": "۱۰",  # 200 masks sent: 170 good, 10 torn, 20 missing
        "line2_received": "", "line2_damaged": "",  # the gowns arrived as sent
        "reason": "کارتن پاره بود",
        "form_token": _token_in(page, _url(mixed_box)),
    })
    assert response.status_code == 302 and response["Location"] == pledge_url
    assert (_stock(aid, aid.store, aid.mask), _stock(aid, aid.store, aid.gown)) == (170, 50)
    assert (_stock(aid, aid.lost_damaged, aid.mask), _stock(aid, aid.lost_damaged, aid.gown)) == (30, 0)
    assert _stock(aid, aid.in_transit, aid.mask) == _stock(aid, aid.in_transit, aid.gown) == 0
    found = {(m.reason, m.item.code, m.lot.number, m.quantity, m.note)
             for m in Movement.objects.filter(box=mixed_box, reason__in=["short", "damaged", "over"])}
    assert found == {("short", "mask", "M-1", 20, "کارتن پاره بود"), ("damaged", "mask", "M-1", 10, "کارتن پاره بود")}
    assert Box.objects.get(pk=mixed_box.pk).state == "received"
    assert Pledge.objects.get(pk=mixed_box.consignment.pledge.pk).state == "received"
    assert verify(aid.org) == []
    shown = _visible(client.get(pledge_url).content.decode())
    assert "کسری هنگام دریافت: ۲۰ × ماسک" in shown and "آسیب‌دیده هنگام دریافت: ۱۰ × ماسک" in shown


def test_the_receipt_form_speaks_english_too(aid, clerk, mixed_box):
    client = client_for(clerk)
    client.cookies["hamdeli_language"] = "en"
    pledge_url = f"/aid/pledges/{mixed_box.consignment.pledge.public_id}/"
    page = client.get(pledge_url).content.decode()
    assert "Receive box 1" in page and "Received in good order" in page and 'placeholder="200"' in page
    response = client.post(_url(mixed_box), form(aid.org, {
        "location": aid.store.public_id, "line1_received": "180", "line2_received": "50", "reason": "20 missing"}))
    assert response.status_code == 302
    assert _stock(aid, aid.lost_damaged, aid.mask) == 20
    assert "Short on receipt: 20 × Mask" in _visible(client.get(pledge_url).content.decode())


@pytest.mark.parametrize(("fields", "field", "message"), [
    ({"line1_received": "۲۰۱"}, "line1_received", "بیش از مقدار ارسال‌شده"),  # more than the 200 sent
    ({"line1_received": "150", "line1_damaged": "60"}, "line1_received", "بیش از مقدار ارسال‌شده"),
    ({"line2_damaged": "51"}, "line2_damaged", "ارسال شده"),
    ({"line1_received": "-5"}, "line1_received", "بزرگتر"),
    ({"line1_received": "ده"}, "line1_received", "عدد"),
    ({"line2_received": "1.5"}, "line2_received", "عدد"),
    ({"line1_received": "180"}, "reason", "دلیل"),  # a shortfall without a reason: refused by the service
])
def test_bad_counts_are_refused_on_the_form_and_write_nothing(aid, clerk, mixed_box, fields, field, message):
    client = client_for(clerk)
    before = Movement.objects.count()
    token = formtokens.issue(aid.org)
    body = {"location": aid.store.public_id, "reason": "", "form_token": token, **fields}
    if field != "reason":
        body["reason"] = "checked"
    response = client.post(_url(mixed_box), body)
    assert response.status_code == 422
    form_shown = next(b.receive_form for c in response.context["consignments"] for b in c.boxes.all()
                      if b.pk == mixed_box.pk)
    errors = " ".join(form_shown.errors.get(field, []) + list(form_shown.non_field_errors()))
    assert message in errors, errors
    assert 'details open' in response.content.decode()
    assert Movement.objects.count() == before
    assert Box.objects.get(pk=mixed_box.pk).state == "in_transit"
    assert not IdempotencyRecord.objects.exists()  # the token is not spent: the corrected form goes through
    fixed = client.post(_url(mixed_box), {"location": aid.store.public_id, "form_token": token})
    assert fixed.status_code == 302 and _stock(aid, aid.store, aid.mask) == 200


def test_an_over_delivery_is_recorded_only_when_ticked(aid, clerk, mixed_box):
    client = client_for(clerk)
    body = {"location": aid.store.public_id, "line2_received": "۵۵", "reason": "پنج گان اضافه"}
    assert client.post(_url(mixed_box), form(aid.org, body)).status_code == 422
    assert client.post(_url(mixed_box), form(aid.org, {**body, "over": "on"})).status_code == 302
    assert _stock(aid, aid.store, aid.gown) == 55 and _stock(aid, aid.found, aid.gown) == -5
    assert Movement.objects.filter(box=mixed_box, reason="over", quantity=5).exists()


def test_a_receipt_posted_twice_is_recorded_once(aid, clerk, mixed_box):
    client = client_for(clerk)
    body = form(aid.org, {"location": aid.store.public_id, "line1_received": "180", "reason": "20 missing"})
    first = client.post(_url(mixed_box), body)
    moved = Movement.objects.count()
    again = client.post(_url(mixed_box), body, follow=True)
    assert first.status_code == 302 and again.redirect_chain[0] == (first["Location"], 302)
    assert Movement.objects.count() == moved
    assert _stock(aid, aid.store, aid.mask) == 180 and _stock(aid, aid.lost_damaged, aid.mask) == 20
    assert "ثبت شده بود" in again.content.decode()  # "it had already been recorded"
    assert verify(aid.org) == []


def test_a_handover_posted_twice_moves_the_stock_once(aid, clerk):
    services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.mask, quantity=100)
    client = client_for(clerk)
    page = client.get("/aid/handover/").content.decode()
    body = {"source": aid.store.public_id, "target": aid.uni_store.public_id, "item": aid.mask.public_id,
            "quantity": "۴۰", "signed_by": "دکتر الف", "form_token": _token_in(page)}
    responses = [client.post("/aid/handover/", body) for _ in range(3)]
    assert [r.status_code for r in responses] == [302, 302, 302]
    assert Movement.objects.filter(reason="handover").count() == 1
    assert (_stock(aid, aid.store, aid.mask), _stock(aid, aid.uni_store, aid.mask)) == (60, 40)


def test_a_spent_token_with_changed_entries_is_refused_and_offered_afresh(aid, clerk):
    services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.mask, quantity=100)
    client = client_for(clerk)
    body = form(aid.org, {"source": aid.store.public_id, "target": aid.uni_store.public_id,
                          "item": aid.mask.public_id, "quantity": "40", "signed_by": "A"})
    assert client.post("/aid/handover/", body).status_code == 302
    changed = client.post("/aid/handover/", {**body, "quantity": "30"})  # the back button, then an edit
    assert changed.status_code == 409 and "ثبت شده" in changed.content.decode()
    assert Movement.objects.filter(reason="handover").count() == 1
    fresh = _token_in(changed.content.decode())
    assert fresh != body["form_token"]
    assert client.post("/aid/handover/", {**body, "quantity": "30", "form_token": fresh}).status_code == 302
    assert _stock(aid, aid.uni_store, aid.mask) == 70


@pytest.mark.parametrize("token", ["", "not-a-token", "forged:abc"])
def test_a_form_without_a_valid_token_writes_nothing(aid, clerk, token):
    client = client_for(clerk)
    response = client.post("/aid/intake/", {"location": aid.store.public_id, "item": aid.mask.public_id,
                                            "quantity": "5", "form_token": token})
    assert response.status_code == 422 and "منقضی" in response.content.decode()
    assert not Movement.objects.exists()


def test_a_token_of_another_organization_is_not_accepted(aid, clerk, other_org):
    response = client_for(clerk).post("/aid/intake/", {"location": aid.store.public_id,
                                                       "item": aid.mask.public_id, "quantity": "5",
                                                       "form_token": formtokens.issue(other_org)})
    assert response.status_code == 422 and not Movement.objects.exists()


def test_a_pledge_step_posted_twice_is_taken_once(aid, officer):
    pledge = services.create_pledge(org=aid.org, actor=aid.actor, direction="outbound", donor=aid.city,
                                    recipient=aid.xian, lines=[(aid.mask, 10)])
    services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.mask, quantity=30)
    client = client_for(officer)
    body = form(aid.org, {"action": "accept", "source": aid.store.public_id})
    url = f"/aid/pledges/{pledge.public_id}/transition/"
    assert client.post(url, body).status_code == 302
    assert client.post(url, body).status_code == 302
    assert _stock(aid, aid.store, aid.mask) == 20 and _stock(aid, aid.reserved, aid.mask) == 10


def test_a_form_left_open_longer_than_keys_are_kept_is_refused(aid, clerk, monkeypatch):
    import time

    from django.core import signing

    from hamdeli.core import idempotency

    body = form(aid.org, {"location": aid.store.public_id, "item": aid.mask.public_id, "quantity": "5"})
    later = time.time() + idempotency.RETENTION.total_seconds() + 60
    monkeypatch.setattr(signing.time, "time", lambda: later)  # its spent record could be pruned by now
    response = client_for(clerk).post("/aid/intake/", body)
    assert response.status_code == 422 and not Movement.objects.exists()
    assert _token_in(response.content.decode()) != body["form_token"]  # a fresh one to post on purpose


def test_prune_forgets_keys_older_than_the_retention(aid, org, capsys):
    import datetime as dt

    from django.utils import timezone

    from hamdeli.cli import main
    from hamdeli.core import idempotency

    now = timezone.now()
    old = IdempotencyRecord.objects.create(org=org, key="old", endpoint="POST /x", request_hash="h", status=201,
                                           body={}, created_at=now - idempotency.RETENTION - dt.timedelta(hours=1))
    recent = IdempotencyRecord.objects.create(org=org, key="new", endpoint="POST /x", request_hash="h", status=201,
                                              body={}, created_at=now - idempotency.RETENTION + dt.timedelta(hours=1))
    assert main(["idempotency", "prune"]) == 0
    assert "1 key(s) older than 7 days forgotten" in capsys.readouterr().out
    assert not IdempotencyRecord.objects.filter(pk=old.pk).exists()
    assert IdempotencyRecord.objects.filter(pk=recent.pk).exists()


def _visible(html: str) -> str:
    """The page's text as read: without the invisible isolate marks around interpolated values."""
    return html.replace("\u2068", "").replace("\u2069", "")
