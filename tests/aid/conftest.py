"""Aid fixtures: a small catalogue, the parties of the story and their stores."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection

from hamdeli.aid import services, triggers
from hamdeli.aid.models import LocationKind, Pledge
from hamdeli.core import formtokens
from hamdeli.core import services as core


@pytest.fixture
def flushable_ledger(transactional_db):
    """Transactional tests end with a table flush (DELETE on SQLite), which the append-only trigger
    refuses: empty the movements with the trigger briefly lifted, then put the trigger back."""
    yield
    triggers.run(connection, create=False)
    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM aid_movement")
    triggers.run(connection, create=True)


def form(org, data: dict) -> dict:
    """A page form's fields with the one-time token the page renders into it."""
    return {**data, formtokens.FIELD: formtokens.issue(org)}


def build_aid(org, actor, cities=None):
    w = SimpleNamespace(org=org, actor=actor)
    w.mask = services.create_item(
        org=org,
        actor=actor,
        code="mask",
        name={"fa": "ماسک", "en": "Mask"},
        pack_sizes=[50],
        unit_value=2,
        currency="CNY",
    )
    w.gown = services.create_item(org=org, actor=actor, code="gown", name={"fa": "گان", "en": "Isolation gown"})
    w.xian = services.create_party(
        org=org,
        actor=actor,
        name={"fa": "شیان", "en": "Xi'an", "zh": "西安"},
        kind="city",
        city=(cities or {}).get("xian"),
    )
    w.city = services.create_party(org=org, actor=actor, name={"fa": "شهرداری اصفهان", "en": "Isfahan"}, kind="city")
    w.uni = services.create_party(
        org=org, actor=actor, name={"fa": "دانشگاه علوم پزشکی", "en": "MUI"}, kind="institution"
    )
    w.hospital = services.create_party(
        org=org, actor=actor, name={"fa": "بیمارستان الزهرا", "en": "Alzahra"}, kind="hospital"
    )
    w.store = services.create_location(
        org=org, actor=actor, name={"fa": "انبار شهرداری", "en": "City store"}, party=w.city
    )
    w.uni_store = services.create_location(
        org=org, actor=actor, name={"fa": "انبار دانشگاه", "en": "MUI store"}, party=w.uni
    )
    w.hospital_store = services.create_location(
        org=org, actor=actor, name={"fa": "انبار الزهرا", "en": "Alzahra"}, party=w.hospital
    )
    for kind in (
        LocationKind.DONOR,
        LocationKind.IN_TRANSIT,
        LocationKind.LOST_DAMAGED,
        LocationKind.FOUND,
        LocationKind.DISTRIBUTED,
        LocationKind.RESERVED,
    ):
        setattr(w, kind, services.virtual(org, kind))
    return w


def inbound_pledge(w, *, boxes=2, per_box=100, accept=True, ship=True, lot="L1", expires_on=dt.date(2099, 6, 1)):
    pledge = services.create_pledge(
        org=w.org,
        actor=w.actor,
        direction="inbound",
        donor=w.xian,
        recipient=w.city,
        label={"fa": "رفاقت در روزهای مشقت", "en": "Friendship in days of hardship", "zh": "患难见真情"},
        lines=[(w.mask, boxes * per_box)],
    )
    if accept:
        pledge = services.transition_pledge(org=w.org, actor=w.actor, pledge=pledge, action="accept")
    consignment = None
    if accept and ship:
        consignment = services.create_consignment(
            org=w.org,
            actor=w.actor,
            pledge=pledge,
            carrier="China Southern",
            boxes=[
                {"lines": [{"item": w.mask, "quantity": per_box, "lot": lot, "expires_on": expires_on}]}
                for _ in range(boxes)
            ],
        )
        pledge = Pledge.objects.get(pk=pledge.pk)
    return pledge, consignment


@pytest.fixture
def aid(db, org, officer, cities):
    return build_aid(org, officer, cities)


@pytest.fixture
def institution_user(org):
    return core.ensure_member(org=org, username="mui_store", role="institution", password="pw-for-tests-only-123")


def partners_both_ways(org, actor, other, other_actor):
    """A partnership recorded by each office with the other's city: what lets one offer the other a pledge."""
    from hamdeli.partners import services as partners

    partners.create_partnership(org=org, actor=actor, city=other.city)
    partners.create_partnership(org=other, actor=other_actor, city=org.city)


@pytest.fixture
def xian(db, org, officer, other_org, outsider):
    """Xi'an's own office, a partner of Isfahan's both ways: its catalogue (the same item codes), its store,
    its outbound pledge to Isfahan."""
    partners_both_ways(org, officer, other_org, outsider)
    w = build_aid(other_org, outsider)
    services.intake(org=other_org, actor=outsider, location=w.store, item=w.mask, quantity=300, donor=w.xian)
    w.pledge = services.create_pledge(org=other_org, actor=outsider, direction="outbound", donor=w.xian,
                                      recipient=w.city, lines=[(w.mask, 300)], label={"zh": "患难见真情"})
    return w
