"""A refused stock movement says how much is on hand and how much was asked, in the caller's language and
digits; a receipt cannot be signed at a time that has not come yet."""

import datetime as dt

from django.utils import timezone

from hamdeli.aid import services
from hamdeli.aid.models import Movement
from tests.aid.conftest import inbound_pledge


def _body(aid, quantity, **extra):
    return {"source": str(aid.store.public_id), "target": str(aid.uni_store.public_id), "signed_by": "MUI",
            "lines": [{"item": str(aid.mask.public_id), "quantity": quantity}], **extra}


def _stocked(aid):
    _pledge, consignment = inbound_pledge(aid, boxes=1, per_box=100)
    services.receive_box(org=aid.org, actor=aid.actor, box=consignment.boxes.get(), location=aid.store)


def test_not_enough_stock_names_what_is_on_hand_and_what_was_asked(aid, officer_api):
    _stocked(aid)
    english = officer_api.post("/api/v1/aid/handovers", _body(aid, 150), content_type="application/json",
                               HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 409
    assert "100 on hand" in english.json()["message"] and "150 asked" in english.json()["message"]
    persian = officer_api.post("/api/v1/aid/handovers", _body(aid, 150), content_type="application/json",
                               HTTP_ACCEPT_LANGUAGE="fa")
    assert "۱۰۰" in persian.json()["message"] and "۱۵۰" in persian.json()["message"]


def test_a_receipt_signed_in_the_future_is_refused_and_nothing_moves(aid, officer_api):
    _stocked(aid)
    before = Movement.objects.count()
    future = (timezone.now() + dt.timedelta(days=2)).isoformat()
    response = officer_api.post("/api/v1/aid/handovers", _body(aid, 10, signed_at=future),
                                content_type="application/json")
    assert response.status_code == 422 and "signed_at" in response.json()["fields"]
    assert Movement.objects.count() == before
    past = (timezone.now() - dt.timedelta(days=2)).isoformat()
    assert officer_api.post("/api/v1/aid/handovers", _body(aid, 10, signed_at=past),
                            content_type="application/json").status_code == 201
