import datetime as dt

import pytest
from django.utils import translation

from hamdeli.core.errors import Conflict, ValidationFailed
from hamdeli.core.models import AuditEntry
from hamdeli.partners import selectors, services
from hamdeli.partners.models import Partnership, PartnershipEvent

D = dt.date


def _new(org, officer, city, **fields):
    return services.create_partnership(org=org, actor=officer, city=city, **fields)


def _step(org, officer, p, action, on, **extra):
    return services.transition_partnership(org=org, actor=officer, partnership=p, action=action, on=on, **extra)


FULL_PATH = [("submit_bill", "bill_submitted"), ("approve", "council_approved"), ("sign", "signed"),
             ("activate", "active"), ("make_dormant", "dormant"), ("reactivate", "active"), ("end", "ended")]


def test_a_partnership_walks_its_whole_lifecycle_with_dated_audited_steps(org, officer, cities):
    p = _new(org, officer, cities["hyderabad"], proposed_on=D(2019, 12, 2))
    assert p.state == "proposed"
    for day, (action, state) in enumerate(FULL_PATH, start=1):
        p = _step(org, officer, p, action, D(2020, 1, day))
        assert p.state == state
    assert (p.bill_submitted_on, p.council_approved_on, p.signed_on, p.ended_on) == (
        D(2020, 1, 1), D(2020, 1, 2), D(2020, 1, 3), D(2020, 1, 7))
    events = list(PartnershipEvent.objects.filter(partnership=p).order_by("on"))
    assert [(e.action, e.from_state, e.to_state) for e in events][:2] == [
        ("submit_bill", "proposed", "bill_submitted"), ("approve", "bill_submitted", "council_approved")]
    assert all(e.actor == officer for e in events)
    audited = AuditEntry.objects.filter(object_id=str(p.public_id)).values_list("action", flat=True)
    assert {"partnership.created", "partnership.sign", "partnership.end"} <= set(audited)


@pytest.mark.parametrize(
    ("walk", "illegal"),
    [
        ([], "sign"),  # proposed cannot be signed before the council
        ([], "approve"),
        (["submit_bill"], "activate"),
        (["submit_bill", "approve", "sign"], "reactivate"),
        (["submit_bill", "approve", "sign", "activate"], "submit_bill"),
        (["end"], "reactivate"),  # an ended partnership stays ended
    ],
)
def test_illegal_steps_are_refused_and_change_nothing(org, officer, cities, walk, illegal):
    p = _new(org, officer, cities["hyderabad"])
    for action in walk:
        p = _step(org, officer, p, action, D(2020, 1, 1))
    before_state, before_events = p.state, PartnershipEvent.objects.count()
    with translation.override("en"), pytest.raises(Conflict) as refused:
        _step(org, officer, p, illegal, D(2020, 2, 1))
    assert refused.value.status == 409
    assert "cannot take the step" in refused.value.message
    assert Partnership.objects.get(pk=p.pk).state == before_state  # protected field: re-read, not refresh
    assert PartnershipEvent.objects.count() == before_events


def test_a_step_cannot_be_dated_before_the_previous_one(org, officer, cities):
    p = _step(org, officer, _new(org, officer, cities["hyderabad"]), "submit_bill", D(2020, 5, 5))
    with pytest.raises(ValidationFailed) as refused:
        _step(org, officer, p, "approve", D(2020, 5, 1))
    assert "on" in refused.value.fields


def test_one_open_partnership_per_city(org, officer, cities):
    first = _new(org, officer, cities["barcelona"])
    with pytest.raises(Conflict) as refused:
        _new(org, officer, cities["barcelona"])
    assert "city" in refused.value.fields
    _step(org, officer, first, "end", D(2020, 1, 1))
    assert _new(org, officer, cities["barcelona"]).state == "proposed"  # a fresh start after the end


def test_a_city_cannot_partner_with_itself(org, officer, cities):
    with pytest.raises(ValidationFailed):
        _new(org, officer, cities["isfahan"])


def _signed(org, officer, city, on, kind="sister_city"):
    p = _new(org, officer, city, kind=kind)
    for action in ("submit_bill", "approve", "sign"):
        p = _step(org, officer, p, action, on)
    return p


def test_the_ordinal_is_computed_from_signing_order(org, officer, cities):
    later = _signed(org, officer, cities["barcelona"], D(2008, 11, 6))
    earlier = _signed(org, officer, cities["florence"], D(1998, 6, 4))
    middle = _signed(org, officer, cities["kuala_lumpur"], D(2000, 1, 1))
    friendship = _signed(org, officer, cities["guangzhou"], D(2017, 5, 20), kind="friendship_city")
    assert selectors.ordinal(earlier) == (1, True)
    assert selectors.ordinal(middle) == (2, True)
    assert selectors.ordinal(later) == (3, True)
    assert selectors.ordinal(friendship) == (1, True)  # counted among its own kind
    hyderabad = _step(org, officer, _new(org, officer, cities["hyderabad"]), "submit_bill", D(2020, 5, 5))
    assert selectors.ordinal(hyderabad) == (4, False)  # would be the 4th if signed next
    _step(org, officer, hyderabad, "approve", D(2020, 6, 1))
    hyderabad = _step(org, officer, hyderabad, "sign", D(2020, 7, 1))
    assert selectors.ordinal(hyderabad) == (4, True)


def test_ending_a_signed_partnership_keeps_the_ordinals_of_the_others(org, officer, cities):
    first = _signed(org, officer, cities["florence"], D(1998, 6, 4))
    second = _signed(org, officer, cities["barcelona"], D(2008, 11, 6))
    _step(org, officer, first, "end", D(2019, 1, 1))
    assert selectors.ordinal(second) == (2, True)  # history does not renumber
