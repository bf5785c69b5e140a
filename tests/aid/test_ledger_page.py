"""The ledger page pages through any number of movements, filters them (the filters stay in the URL) and
offers Reverse only where a correction may be made."""

import datetime as dt
import re

from django.db import transaction
from django.utils import timezone

from hamdeli.aid import ledger, services
from hamdeli.aid.models import Movement
from tests.aid.conftest import form, inbound_pledge


def _reverse_buttons(html: str) -> set[str]:
    return set(re.findall(r"/aid/movements/([0-9a-f-]{36})/reverse/", html))


def test_the_ledger_pages_through_every_movement(aid, officer_client):
    with transaction.atomic():
        for _ in range(230):
            services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.gown, quantity=1)
    first = officer_client.get("/aid/movements/")
    assert len(first.context["movements"]) == 100 and first.context["page"].paginator.num_pages == 3
    last = officer_client.get("/aid/movements/?page=3")
    assert len(last.context["movements"]) == 30
    seen = {m.pk for n in (1, 2, 3) for m in officer_client.get(f"/aid/movements/?page={n}").context["movements"]}
    assert seen == set(Movement.objects.filter(org=aid.org).values_list("pk", flat=True))


def test_filters_narrow_the_ledger_and_stay_in_the_paging_links(aid, officer_client):
    p, consignment = inbound_pledge(aid, boxes=1)
    services.receive_box(org=aid.org, actor=aid.actor, box=consignment.boxes.get(), location=aid.store)
    with transaction.atomic(), ledger.happened_at(timezone.make_aware(dt.datetime(2020, 3, 1, 10))):
        for _ in range(120):
            services.intake(org=aid.org, actor=aid.actor, location=aid.uni_store, item=aid.gown, quantity=1,
                            lot_number="G1")
    services.handover(org=aid.org, actor=aid.actor, source=aid.store, target=aid.uni_store, signed_by="MUI",
                      lines=[{"item": aid.mask, "quantity": 10}])

    def rows(query):
        page = officer_client.get(f"/aid/movements/?{query}")
        assert page.status_code == 200
        return page

    assert {m.reason for m in rows("kind=handover").context["movements"]} == {"handover"}
    assert {m.item_id for m in rows(f"item={aid.mask.public_id}").context["movements"]} == {aid.mask.pk}
    by_pledge = rows(f"pledge={p.public_id}").context["movements"]
    assert {m.reason for m in by_pledge} == {"shipment", "receipt", "handover"}
    assert rows("lot=G1").context["page"].paginator.count == 120
    assert rows(f"location={aid.uni_store.public_id}&date_to=2020-03-31").context["page"].paginator.count == 120
    assert rows("date_from=2020-04-01&kind=intake").context["page"].paginator.count == 0
    html = rows("lot=G1").content.decode()
    assert "lot=G1&amp;page=2" in html or "page=2&amp;lot=G1" in html  # the filter travels with the page


def test_reverse_is_offered_only_where_a_correction_is_allowed(aid, officer_client):
    p, consignment = inbound_pledge(aid, boxes=1)
    services.receive_box(org=aid.org, actor=aid.actor, box=consignment.boxes.get(), location=aid.store)
    onward = services.handover(org=aid.org, actor=aid.actor, source=aid.store, target=aid.uni_store,
                               signed_by="MUI", lines=[{"item": aid.mask, "quantity": 40}])[0]
    services.distribute(org=aid.org, actor=aid.actor, source=aid.uni_store, recipient=aid.hospital,
                        recipient_group="ICU", lines=[{"item": aid.mask, "quantity": 30}])  # 10 left there
    kept = services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.gown, quantity=5)[0]
    wrong = services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.gown, quantity=2)[0]
    page = officer_client.post(f"/aid/movements/{wrong.public_id}/reverse/", form(aid.org, {"note": "twice"}))
    assert page.status_code == 302
    offered = _reverse_buttons(officer_client.get("/aid/movements/").content.decode())
    shipment = Movement.objects.get(reason="shipment")
    distribution = Movement.objects.get(reason="distribution")
    assert str(kept.public_id) in offered and str(distribution.public_id) in offered
    assert str(onward.public_id) not in offered  # 30 of its 40 units went on to the hospital
    assert str(shipment.public_id) not in offered  # cancel the pledge instead
    assert str(wrong.public_id) not in offered and str(wrong.reversed_by.public_id) not in offered
    refused = officer_client.post(f"/aid/movements/{shipment.public_id}/reverse/", form(aid.org, {"note": "x"}))
    assert refused.status_code == 409


def test_the_ledger_is_a_core_listing_sorted_by_its_headings_with_the_filters_kept(aid, officer_client):
    from tests.list_pages import heading

    with transaction.atomic():
        for quantity in (3, 120, 7):
            services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.gown, quantity=quantity,
                            lot_number="S1")
        services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.mask, quantity=999)
    page = officer_client.get("/aid/movements/?lot=S1")
    html = page.content.decode()
    assert heading(html, "زمان")["aria_sort"] == "descending" and heading(html, "قلم")["url"] is None
    by_quantity = heading(html, "مقدار")["url"]
    assert "lot=S1" in by_quantity and "sort=-quantity" in by_quantity
    largest = officer_client.get(by_quantity)
    assert [m.quantity for m in largest.context["movements"]] == [120, 7, 3]
    assert 'name="sort" value="-quantity"' in largest.content.decode()  # the filter form keeps the sort
    # the count line offers to clear the filters, keeping the sort
    assert 'href="/aid/movements/?sort=-quantity"' in largest.content.decode()


def test_the_ledger_redrawn_after_a_refused_reversal_pages_from_the_ledger(aid, officer_client):
    with transaction.atomic():
        for _ in range(101):
            services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.gown, quantity=1)
    moved = Movement.objects.filter(org=aid.org).first()
    page = officer_client.post(f"/aid/movements/{moved.public_id}/reverse/", form(aid.org, {"note": ""}))
    html = page.content.decode()
    assert page.status_code == 422 and 'href="/aid/movements/?page=2"' in html and "/reverse/?page=" not in html
