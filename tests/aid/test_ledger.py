"""The ledger's invariants: conservation, no negative stock, append-only, corrections by reversal."""

import pytest
from django.db import IntegrityError, connection, transaction

from hamdeli.aid import services
from hamdeli.aid.ledger import Entry, post
from hamdeli.aid.models import Balance, Movement, Pledge
from hamdeli.aid.verify import verify
from hamdeli.core.errors import Conflict
from tests.aid.conftest import inbound_pledge


def test_receipt_moves_units_and_conserves(aid):
    pledge, consignment = inbound_pledge(aid)
    assert pledge.state == "shipped"
    assert services.stock_total(org=aid.org, location=aid.in_transit, item=aid.mask) == 200
    for box in consignment.boxes.all():
        services.receive_box(org=aid.org, actor=aid.actor, box=box, location=aid.store)
    pledge = Pledge.objects.get(pk=pledge.pk)
    assert pledge.state == "received"
    assert services.stock_total(org=aid.org, location=aid.store, item=aid.mask) == 200
    assert services.stock_total(org=aid.org, location=aid.donor, item=aid.mask) == -200
    assert verify() == []


def test_real_location_cannot_go_negative_even_bypassing_services(aid):
    pledge, _c = inbound_pledge(aid, boxes=1)
    lot = pledge.lots.get()
    with pytest.raises(Conflict) as refused, transaction.atomic():
        post(
            org=aid.org, actor=aid.actor, reason="handover", entries=[Entry(aid.mask, lot, aid.store, aid.uni_store, 1)]
        )
    assert refused.value.status == 409 and refused.value.code == "not_enough_stock"
    assert str(aid.store) in refused.value.message
    assert not Balance.objects.filter(lot=lot, location__in=[aid.store, aid.uni_store]).exists()  # nothing left
    with pytest.raises(IntegrityError), transaction.atomic():  # the database itself refuses
        Balance.objects.create(org=aid.org, location=aid.store, item=aid.mask, lot=lot, virtual=False, quantity=-1)
    assert verify() == []


def test_distribution_beyond_stock_is_refused_and_nothing_is_written(aid):
    pledge, consignment = inbound_pledge(aid, boxes=1)
    services.receive_box(org=aid.org, actor=aid.actor, box=consignment.boxes.get(), location=aid.store)
    before = Movement.objects.count()
    with pytest.raises(Conflict):
        services.distribute(
            org=aid.org,
            actor=aid.actor,
            source=aid.store,
            recipient=aid.hospital,
            recipient_group="ICU",
            lines=[{"item": aid.mask, "quantity": 101}],
        )
    assert Movement.objects.count() == before
    assert services.stock_total(org=aid.org, location=aid.store, item=aid.mask) == 100


@pytest.mark.parametrize("sql", ["UPDATE aid_movement SET quantity = 999", "DELETE FROM aid_movement"])
def test_triggers_refuse_raw_update_and_delete(aid, sql):
    inbound_pledge(aid, boxes=1)
    assert Movement.objects.exists()
    with pytest.raises(Exception, match="append-only"), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql)
    assert Movement.objects.get().quantity == 100


def test_orm_update_and_delete_are_refused_too(aid):
    inbound_pledge(aid, boxes=1)
    with pytest.raises(Exception, match="append-only"), transaction.atomic():
        Movement.objects.update(quantity=5)


def test_correction_is_a_reversing_movement(aid):
    pledge, consignment = inbound_pledge(aid, boxes=1)
    services.receive_box(org=aid.org, actor=aid.actor, box=consignment.boxes.get(), location=aid.store)
    moved = services.handover(
        org=aid.org,
        actor=aid.actor,
        source=aid.store,
        target=aid.uni_store,
        signed_by="Dr. Example",
        lines=[{"item": aid.mask, "quantity": 60}],
    )
    services.reverse_movement(org=aid.org, actor=aid.actor, movement=moved[0], note="wrong store")
    assert services.stock_total(org=aid.org, location=aid.store, item=aid.mask) == 100
    assert Movement.objects.filter(reverses=moved[0]).count() == 1
    with pytest.raises(Conflict):
        services.reverse_movement(org=aid.org, actor=aid.actor, movement=moved[0], note="again")
    assert verify() == []


def test_verify_names_a_tampered_balance(aid):
    inbound_pledge(aid, boxes=1)
    Balance.objects.filter(location=aid.in_transit).update(quantity=7)
    faults = verify()
    assert any("balance mismatch" in f for f in faults)


def test_cli_verify_exit_codes(aid, capsys):
    from hamdeli.cli import main

    inbound_pledge(aid, boxes=1)
    assert main(["ledger", "verify"]) == 0
    Balance.objects.filter(location=aid.in_transit).update(quantity=1)
    assert main(["ledger", "verify"]) == 1
    assert "balance mismatch" in capsys.readouterr().err


def test_consignment_references_are_unique_and_sequential(aid):
    refs = [inbound_pledge(aid, boxes=1)[1].reference for _ in range(3)]
    assert len(set(refs)) == 3
    assert [int(r.rsplit("-", 1)[1]) for r in refs] == [1, 2, 3]


def test_fefo_takes_earliest_expiry_first(aid):
    import datetime as dt

    for number, expiry in (("LATE", dt.date(2099, 1, 1)), ("SOON", dt.date(2098, 9, 1))):
        services.intake(
            org=aid.org,
            actor=aid.actor,
            location=aid.store,
            item=aid.mask,
            quantity=50,
            lot_number=number,
            expires_on=expiry,
        )
    plan = services.fefo(org=aid.org, location=aid.store, item=aid.mask, quantity=70)
    assert [(lot.number, q) for lot, q in plan] == [("SOON", 50), ("LATE", 20)]


def test_records_of_the_past_keep_the_time_they_happened(aid):
    """Paper records entered later (and the demo) post movements dated when they happened."""
    import datetime as dt

    from django.db import transaction
    from django.utils import timezone

    from hamdeli.aid import ledger, services
    from hamdeli.aid.models import Movement

    moment = timezone.make_aware(dt.datetime(2020, 3, 5, 10, 0))
    with transaction.atomic(), ledger.happened_at(moment):
        services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.mask, quantity=10, donor=aid.xian)
    services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.mask, quantity=5, donor=aid.xian)
    first, second = Movement.objects.filter(org=aid.org).order_by("pk")[:2]
    assert first.at == moment
    assert second.at > moment


def test_expired_lots_are_told_apart_from_lots_nearing_expiry(aid):
    import datetime as dt

    from hamdeli.aid import selectors, services

    for number, expires_on in (("OLD", dt.date(2021, 6, 30)), ("SOON", dt.date(2020, 4, 10))):
        services.intake(org=aid.org, actor=aid.actor, location=aid.store, item=aid.mask, quantity=3,
                        donor=aid.xian, lot_number=number, expires_on=expires_on)
    rows = {b.lot.number: b.expired for b in selectors.expiring(org=aid.org, as_of=dt.date(2020, 3, 20))}
    assert rows == {"SOON": False}  # the 2021 lot is not yet within the warning window
    rows = {b.lot.number: b.expired for b in selectors.expiring(org=aid.org, as_of=dt.date(2021, 6, 20))}
    assert rows == {"SOON": True, "OLD": False}


def test_a_posting_changes_every_balance_row_in_one_statement(aid):
    """One upsert per posting (issue 17), whatever the number of lines: rows that exist and rows that are new."""
    from django.test.utils import CaptureQueriesContext

    pledge, _c = inbound_pledge(aid, boxes=2)  # 200 masks in transit
    lot = pledge.lots.get()
    entries = [Entry(aid.mask, lot, aid.in_transit, aid.store, 10),
               Entry(aid.mask, lot, aid.store, aid.uni_store, 4),
               Entry(aid.mask, lot, aid.in_transit, aid.uni_store, 5),
               Entry(aid.mask, lot, aid.uni_store, aid.store, 1)]
    with CaptureQueriesContext(connection) as captured, transaction.atomic():
        assert post(org=aid.org, actor=aid.actor, reason="handover", entries=entries, returning=False) == 4
    assert len([q for q in captured.captured_queries if "aid_balance" in q["sql"]]) == 1
    assert len([q for q in captured.captured_queries if "aid_movement" in q["sql"]]) == 1  # one executemany
    assert [services.stock_total(org=aid.org, location=where, item=aid.mask)
            for where in (aid.in_transit, aid.store, aid.uni_store)] == [185, 7, 8]
    assert verify() == []
