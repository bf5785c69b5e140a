"""Random sequences of ledger operations keep every invariant (hypothesis)."""

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hamdeli.aid import services
from hamdeli.aid.models import Balance, Movement
from hamdeli.aid.verify import verify
from hamdeli.core.errors import ServiceError

STORES = ["store", "uni_store", "hospital_store"]
operation = st.one_of(
    st.tuples(st.just("intake"), st.sampled_from(STORES), st.integers(1, 50)),
    st.tuples(st.just("handover"), st.sampled_from(STORES), st.sampled_from(STORES), st.integers(1, 60)),
    st.tuples(st.just("distribute"), st.sampled_from(STORES), st.integers(1, 60)),
    st.tuples(st.just("reverse"), st.integers(0, 1000)),
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
        handed_out = services.stock_total(org=aid.org, location=aid.distributed, item=aid.mask)
        taken_in = -services.stock_total(org=aid.org, location=aid.donor, item=aid.mask)
        assert taken_in == expected_in_stores + handed_out
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
    else:
        movements = list(Movement.objects.filter(org=aid.org).order_by("pk"))
        if movements:
            services.reverse_movement(org=aid.org, actor=aid.actor, movement=movements[op[1] % len(movements)],
                                      note="correction")
