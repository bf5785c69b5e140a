"""Random sequences of ledger operations keep every invariant (hypothesis)."""

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamdeli.aid import services
from hamdeli.aid.models import Balance, Box, Movement, Pledge
from hamdeli.aid.verify import verify
from hamdeli.core.errors import ServiceError

STORES = ["store", "uni_store", "hospital_store"]
operation = st.one_of(
    st.tuples(st.just("intake"), st.sampled_from(STORES), st.integers(1, 50)),
    st.tuples(st.just("handover"), st.sampled_from(STORES), st.sampled_from(STORES), st.integers(1, 60)),
    st.tuples(st.just("distribute"), st.sampled_from(STORES), st.integers(1, 60)),
    st.tuples(st.just("reverse"), st.integers(0, 1000)),
    st.tuples(st.just("gift"), st.integers(1, 3), st.integers(1, 40)),
    st.tuples(st.just("receive"), st.integers(0, 1000), st.integers(0, 50), st.integers(0, 10)),
    st.tuples(st.just("cancel"), st.integers(0, 1000)),
)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(operation, min_size=1, max_size=12))
def test_random_operations_keep_the_ledger_sound(aid, ops):
    savepoint = transaction.savepoint()
    try:
        expected_in_stores = 0
        for op in ops:
            before = Movement.objects.count()
            try:
                _apply(aid, op)
            except ServiceError as refused:
                assert refused.status in (404, 409, 422)
                assert Movement.objects.count() == before  # a refusal writes nothing
            assert not Balance.objects.filter(virtual=False, quantity__lt=0).exists()
        assert verify() == []
        expected_in_stores = sum(services.stock_total(org=aid.org, location=getattr(aid, s), item=aid.mask)
                                 for s in STORES)
        elsewhere = sum(services.stock_total(org=aid.org, location=getattr(aid, k), item=aid.mask)
                        for k in ("distributed", "in_transit", "lost_damaged", "found", "reserved"))
        taken_in = -services.stock_total(org=aid.org, location=aid.donor, item=aid.mask)
        assert taken_in == expected_in_stores + elsewhere  # every unit given is somewhere
        assert not Box.objects.filter(org=aid.org, state="in_transit", consignment__pledge__state="cancelled").exists()
    finally:
        transaction.savepoint_rollback(savepoint)


def _apply(aid, op):
    kind = op[0]
    if kind == "intake":
        services.intake(org=aid.org, actor=aid.actor, location=getattr(aid, op[1]), item=aid.mask, quantity=op[2])
    elif kind == "handover":
        services.handover(org=aid.org, actor=aid.actor, source=getattr(aid, op[1]), target=getattr(aid, op[2]),
                          signed_by="x", lines=[{"item": aid.mask, "quantity": op[3]}])
    elif kind == "distribute":
        services.distribute(org=aid.org, actor=aid.actor, source=getattr(aid, op[1]), recipient=aid.hospital,
                            recipient_group="ward", lines=[{"item": aid.mask, "quantity": op[2]}])
    elif kind == "gift":  # an inbound pledge arrives in transit, in a few boxes
        pledge = services.create_pledge(org=aid.org, actor=aid.actor, direction="inbound", donor=aid.xian,
                                        recipient=aid.city, lines=[(aid.mask, op[1] * op[2])])
        services.transition_pledge(org=aid.org, actor=aid.actor, pledge=pledge, action="accept")
        services.create_consignment(org=aid.org, actor=aid.actor, pledge=pledge, boxes=[
            {"lines": [{"item": aid.mask, "quantity": op[2], "lot": "G"}]} for _ in range(op[1])])
    elif kind == "receive":  # with a random shortfall, excess or damage
        boxes = list(Box.objects.filter(org=aid.org, state="in_transit").order_by("pk"))
        if boxes:
            box = boxes[op[1] % len(boxes)]
            line = box.lines.get()
            services.receive_box(org=aid.org, actor=aid.actor, box=box, location=aid.store, reason="counted",
                                 lines=[{"line": line.public_id, "received": op[2], "damaged": op[3]}])
    elif kind == "cancel":
        pledges = list(Pledge.objects.filter(org=aid.org).order_by("pk"))
        if pledges:
            services.transition_pledge(org=aid.org, actor=aid.actor, pledge=pledges[op[1] % len(pledges)],
                                       action="cancel", reason="called off")
    else:
        movements = list(Movement.objects.filter(org=aid.org).order_by("pk"))
        if movements:
            services.reverse_movement(org=aid.org, actor=aid.actor, movement=movements[op[1] % len(movements)],
                                      note="correction")
