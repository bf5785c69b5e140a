"""Stock that may go out: expired lots stay in the store (except to be disposed of), the user may choose the
lot or the pledge units come from, and lots nearing expiry are flagged."""

import datetime as dt

import pytest
from django.test import override_settings
from django.utils import timezone

from hamdeli.aid import selectors, services
from hamdeli.aid.models import Movement
from hamdeli.core.errors import Conflict, ValidationFailed
from tests.aid.conftest import form, inbound_pledge

TODAY = timezone.localdate()


def _received(aid, *, lot, expires_on, per_box=100):
    pledge, consignment = inbound_pledge(aid, boxes=1, per_box=per_box, lot=lot, expires_on=expires_on)
    for box in consignment.boxes.all():
        services.receive_box(org=aid.org, actor=aid.actor, box=box, location=aid.store)
    return pledge


def _held(aid, location):
    return {(b.lot.number, b.quantity) for b in selectors.stock(org=aid.org, location=location)}


def test_expired_lots_never_go_out_first_or_at_all(aid, officer_api):
    _received(aid, lot="OLD", expires_on=dt.date(2021, 6, 30))  # expired: FEFO would once take it first
    _received(aid, lot="NEW", expires_on=TODAY + dt.timedelta(days=400))
    services.handover(org=aid.org, actor=aid.actor, source=aid.store, target=aid.uni_store, signed_by="MUI",
                      lines=[{"item": aid.mask, "quantity": 60}])
    assert _held(aid, aid.uni_store) == {("NEW", 60)}
    with pytest.raises(Conflict) as refused:  # 40 good units left; 100 more are expired
        services.distribute(org=aid.org, actor=aid.actor, source=aid.store, recipient=aid.hospital,
                            recipient_group="ICU", lines=[{"item": aid.mask, "quantity": 50}])
    assert refused.value.code == "not_enough_stock" and "۱۰۰" in refused.value.message  # fa: Persian digits
    old = selectors.stock(org=aid.org, location=aid.store).get(lot__number="OLD").lot
    with pytest.raises(Conflict) as named:
        services.distribute(org=aid.org, actor=aid.actor, source=aid.store, recipient=aid.hospital,
                            recipient_group="ICU", lines=[{"item": aid.mask, "quantity": 5, "lot": old}])
    assert named.value.code == "expired_lot"
    body = {"source": str(aid.store.public_id), "target": str(aid.uni_store.public_id), "signed_by": "MUI",
            "lines": [{"item": str(aid.mask.public_id), "quantity": 5, "lot": str(old.public_id)}]}
    api = officer_api.post("/api/v1/aid/handovers", body, content_type="application/json")
    assert api.status_code == 409 and api.json()["error"] == "expired_lot"
    plan = officer_api.get(f"/api/v1/aid/fefo?location={aid.store.public_id}&item={aid.mask.public_id}&quantity=40")
    assert [row["lot"] for row in plan.json()] == ["NEW"]
    flags = {row["lot"]: row["expired"] for row in officer_api.get("/api/v1/aid/stock").json()["items"]}
    assert flags == {"OLD": True, "NEW": False}
    assert _held(aid, aid.store) == {("OLD", 100), ("NEW", 40)}  # nothing half-written


def test_an_outbound_reservation_skips_expired_lots(aid):
    _received(aid, lot="OLD", expires_on=dt.date(2021, 6, 30))
    outbound = services.create_pledge(org=aid.org, actor=aid.actor, direction="outbound", donor=aid.city,
                                      recipient=aid.xian, lines=[(aid.mask, 10)])
    with pytest.raises(Conflict):
        services.transition_pledge(org=aid.org, actor=aid.actor, pledge=outbound, action="accept", source=aid.store)
    assert _held(aid, aid.store) == {("OLD", 100)}


def test_expired_units_leave_only_as_disposed_of_with_a_reason(aid, officer_api):
    _received(aid, lot="OLD", expires_on=dt.date(2021, 6, 30))
    _received(aid, lot="NEW", expires_on=None)
    with pytest.raises(ValidationFailed):
        services.dispose(org=aid.org, actor=aid.actor, source=aid.store, reason=" ",
                         lines=[{"item": aid.mask, "quantity": 10}])
    body = {"source": str(aid.store.public_id), "reason": "expired in June 2021",
            "lines": [{"item": str(aid.mask.public_id), "quantity": 100}]}
    made = officer_api.post("/api/v1/aid/disposals", body, content_type="application/json")
    assert made.status_code == 201
    assert [(m["lot"], m["quantity"], m["to_kind"], m["reason"]) for m in made.json()] == [
        ("OLD", 100, "lost_damaged", "disposal")]
    assert Movement.objects.get(reason="disposal").note == "expired in June 2021"
    assert _held(aid, aid.store) == {("NEW", 100)}


def test_handover_and_distribution_take_the_chosen_pledge_and_its_report_follows(aid, officer_client):
    first = _received(aid, lot="A", expires_on=TODAY + dt.timedelta(days=100))
    second = _received(aid, lot="B", expires_on=TODAY + dt.timedelta(days=300))
    page = officer_client.post("/aid/handover/", form(aid.org, {
        "source": aid.store.public_id, "target": aid.uni_store.public_id, "item": aid.mask.public_id,
        "quantity": 70, "pledge": second.public_id, "signed_by": "MUI"}))
    assert page.status_code == 302
    assert _held(aid, aid.uni_store) == {("B", 70)}  # not A, although A expires first
    services.distribute(org=aid.org, actor=aid.actor, source=aid.uni_store, recipient=aid.hospital,
                        recipient_group="ICU", lines=[{"item": aid.mask, "quantity": 20, "pledge": second}])
    report = selectors.report(org=aid.org, pledge=second)
    places = {str(loc): q for row in report["items"] for loc, q in row["places"]}
    assert places[str(aid.uni_store)] == 50 and places[str(aid.store)] == 30
    assert [r["quantity"] for r in report["recipients"]] == [20] and report["reconciles"]
    assert selectors.report(org=aid.org, pledge=first)["recipients"] == []
    lot_a = selectors.stock(org=aid.org, location=aid.store).get(lot__number="A").lot
    page = officer_client.post("/aid/distribute/", form(aid.org, {
        "source": aid.store.public_id, "recipient": aid.hospital.public_id, "recipient_group": "ER",
        "item": aid.mask.public_id, "quantity": 5, "lot": lot_a.public_id}))
    assert page.status_code == 302 and _held(aid, aid.store) == {("A", 95), ("B", 30)}
    mismatch = officer_client.post("/aid/distribute/", form(aid.org, {
        "source": aid.store.public_id, "recipient": aid.hospital.public_id, "recipient_group": "ER",
        "item": aid.mask.public_id, "quantity": 5, "lot": lot_a.public_id, "pledge": second.public_id}))
    assert mismatch.status_code == 422


@override_settings(EXPIRY_WARNING_DAYS=30)
def test_lots_nearing_expiry_are_flagged_on_the_store_page_and_dashboard(aid, officer_client):
    _received(aid, lot="SOON", expires_on=TODAY + dt.timedelta(days=20))
    _received(aid, lot="LATER", expires_on=TODAY + dt.timedelta(days=45))
    _received(aid, lot="GONE", expires_on=TODAY - dt.timedelta(days=1))
    page = officer_client.get(f"/aid/locations/{aid.store.public_id}/")
    rows = {b.lot.number: b.flag for b in page.context["stock"]}
    assert rows == {"SOON": "expiring", "LATER": None, "GONE": "expired"}
    text = page.content.decode()
    assert text.count('class="warning"') == 1 and text.count('class="error"') >= 1
    with override_settings(LANGUAGE_CODE="en"):
        dashboard = officer_client.get("/dashboard/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "1 lot has expired" in dashboard and "1 lot nearing expiry" in dashboard
    handover_choices = officer_client.get("/aid/handover/").context["form"].fields["lot"].queryset
    assert {lot.number for lot in handover_choices} == {"SOON", "LATER"}


def test_every_page_and_api_path_that_takes_stock_out_skips_expired_lots(aid, officer_client, officer_api):
    """FEFO on each way units leave a store — the handover and distribution pages, the handover and
    distribution operations, an outbound pledge's reservation on its page and over the API — takes the
    unexpired lot, though the expired one expires first; naming the expired lot is refused everywhere."""
    _received(aid, lot="OLD", expires_on=dt.date(2021, 6, 30))
    _received(aid, lot="NEW", expires_on=TODAY + dt.timedelta(days=400), per_box=1000)
    old = selectors.stock(org=aid.org, location=aid.store).get(lot__number="OLD").lot
    store, mask = str(aid.store.public_id), str(aid.mask.public_id)
    page = officer_client.post("/aid/handover/", form(aid.org, {
        "source": store, "target": aid.uni_store.public_id, "item": mask, "quantity": 10, "signed_by": "MUI"}))
    assert page.status_code == 302
    page = officer_client.post("/aid/distribute/", form(aid.org, {
        "source": store, "recipient": aid.hospital.public_id, "recipient_group": "ICU", "item": mask,
        "quantity": 10}))
    assert page.status_code == 302
    named = officer_client.post("/aid/distribute/", form(aid.org, {
        "source": store, "recipient": aid.hospital.public_id, "recipient_group": "ICU", "item": mask,
        "quantity": 1, "lot": old.public_id}))
    assert named.status_code in (409, 422)
    line = [{"item": mask, "quantity": 10}]
    api = officer_api.post("/api/v1/aid/handovers", {"source": store, "target": str(aid.uni_store.public_id),
                                                     "signed_by": "MUI", "lines": line},
                           content_type="application/json")
    assert api.status_code == 201
    api = officer_api.post("/api/v1/aid/distributions", {"source": store, "recipient": str(aid.hospital.public_id),
                                                         "recipient_group": "ICU", "lines": line},
                           content_type="application/json")
    assert api.status_code == 201
    api = officer_api.post("/api/v1/aid/distributions", {
        "source": store, "recipient": str(aid.hospital.public_id), "recipient_group": "ICU",
        "lines": [{"item": mask, "quantity": 1, "lot": str(old.public_id)}]}, content_type="application/json")
    assert api.status_code == 409 and api.json()["error"] == "expired_lot"
    for via in ("page", "api"):
        outbound = services.create_pledge(org=aid.org, actor=aid.actor, direction="outbound", donor=aid.city,
                                          recipient=aid.xian, lines=[(aid.mask, 10)])
        if via == "page":
            done = officer_client.post(f"/aid/pledges/{outbound.public_id}/transition/", form(aid.org, {
                "action": "accept", "source": store}))
            assert done.status_code == 302
        else:
            done = officer_api.post(f"/api/v1/aid/pledges/{outbound.public_id}/transition",
                                    {"action": "accept", "source": store}, content_type="application/json")
            assert done.status_code == 200
    out_of_store = Movement.objects.filter(org=aid.org, from_location=aid.store)
    assert out_of_store.filter(lot=old).count() == 0 and out_of_store.count() == 6
    assert _held(aid, aid.store) == {("OLD", 100), ("NEW", 1000 - 60)}
