"""Demo step: the two consignments from Xi'an and Guangzhou, their receipt, custody down to hospital
staff, and Isfahan's cancelled shipment to Xi'an; plus Xi'an's own outbound side of its gift.

The events are from the story; box counts, quantities, hospital wards, dates and people are
illustrative (every pledge carries the demo's illustrative note).
"""

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils import timezone

from hamdeli.aid import ledger, services, sharing
from hamdeli.aid.models import Item, Pledge
from hamdeli.core import services as core
from hamdeli.core.localized import localized_str

SLOGAN = {"fa": "رفاقت در روزهای مشقت", "en": "Friendship in days of hardship", "zh": "患难见真情"}
CANCEL_REASON = ("به دلایل فنی و چون این تجهیزات در خود کشور مورد نیاز بود، ارسال لغو شد. — Called off for "
                 "technical reasons and because the equipment was needed at home.")
ITEMS = {
    "mask": ({"fa": "ماسک", "en": "Face mask", "zh": "口罩"}, [50], "0.50"),
    "gown": ({"fa": "لباس ایزوله", "en": "Isolation gown", "zh": "隔离衣"}, [20], "4.00"),
    "goggles": ({"fa": "عینک محافظ", "en": "Goggles", "zh": "护目镜"}, [10], "3.00"),
}
# (item, boxes, units per box) per consignment: 60 + 50 = 110 boxes (illustrative split).
XIAN_BOXES = [("mask", 36, 500), ("gown", 14, 40), ("goggles", 10, 40)]
GUANGZHOU_BOXES = [("mask", 30, 500), ("gown", 12, 40), ("goggles", 8, 40)]
HOSPITALS = [
    ({"fa": "بیمارستان الزهرا (س)", "en": "Al-Zahra Hospital"}, "پرستاران بخش مراقبت‌های ویژه", 40),
    ({"fa": "بیمارستان خورشید", "en": "Khorshid Hospital"}, "تیم اورژانس", 30),
    ({"fa": "بیمارستان امین", "en": "Amin Hospital"}, "کادر بخش کووید-۱۹", 25),
    ({"fa": "بیمارستان عیسی بن مریم", "en": "Isa ibn Maryam Hospital"}, "بخش بیماری‌های عفونی", 20),
]


def _note(ctx):
    from hamdeli.demo.loader import ILLUSTRATIVE_NOTE

    return f"{ILLUSTRATIVE_NOTE['fa']}\n{ILLUSTRATIVE_NOTE['en']}"


def load(ctx) -> None:
    from hamdeli.demo.loader import DEMO_PASSWORD

    isfahan = ctx.orgs["isfahan"]
    membership = core.ensure_member(org=isfahan, username="mui_store", role="institution", password=DEMO_PASSWORD)
    ctx.users["mui_store"] = membership.user
    ctx.logins.append((localized_str(isfahan.name, "en"), "mui_store", "institution"))
    with transaction.atomic():
        if not Item.objects.filter(org=isfahan, code="mask").exists():
            received = _isfahan(ctx, isfahan, membership)
            given = _xian(ctx, ctx.orgs["xian"])
            # Two offices, one shipment: Xi'an's outbound pledge is Isfahan's inbound one, under one reference.
            link = sharing.offer_link(org=ctx.orgs["xian"], actor=ctx.users["xian_officer"], pledge=given,
                                      recipient_org=isfahan)
            sharing.accept_link(org=isfahan, actor=ctx.users["isfahan_logistics"], link=link, pledge=received)
            ctx.say("aid: Xi'an and Guangzhou consignments received, handed over and distributed")


def _items(org, actor):
    return {code: services.create_item(org=org, actor=actor, code=code, name=name, pack_sizes=packs,
                                       unit_value=Decimal(value), currency="CNY")
            for code, (name, packs, value) in ITEMS.items()}


def _consignment(org, actor, pledge, plan, lot_prefix, carrier):
    boxes = [{"label": f"{code}-{n + 1}", "lines": [{"item": items_by_code(org)[code], "quantity": per_box,
                                                      "lot": f"{lot_prefix}-{code.upper()}",
                                                      "expires_on": dt.date(2022, 12, 31) if code == "mask" else None}]}
             for code, count, per_box in plan for n in range(count)]
    return services.create_consignment(org=org, actor=actor, pledge=pledge, boxes=boxes, carrier=carrier,
                                       shipped_on=pledge.offered_on + dt.timedelta(days=5))


def items_by_code(org):
    return {i.code: i for i in Item.objects.filter(org=org)}


def _isfahan(ctx, org, membership):
    actor = ctx.users["isfahan_logistics"]
    items = _items(org, actor)
    note = _note(ctx)
    xian = services.create_party(org=org, actor=actor, name={"fa": "شهرداری شیان", "en": "Xi'an Municipality",
                                                             "zh": "西安市"}, kind="city", city=ctx.cities["xian"])
    guangzhou = services.create_party(org=org, actor=actor, name={"fa": "شهرداری گوانگجو", "en": "Guangzhou",
                                                                  "zh": "广州市"}, kind="city",
                                      city=ctx.cities["guangzhou"])
    city = services.create_party(org=org, actor=actor, name={"fa": "شهرداری اصفهان", "en": "Isfahan Municipality"},
                                 kind="city", city=ctx.cities["isfahan"])
    mui = services.create_party(org=org, actor=actor, name={"fa": "دانشگاه علوم پزشکی اصفهان",
                                                            "en": "Isfahan University of Medical Sciences"},
                                kind="institution", city=ctx.cities["isfahan"])
    store = services.create_location(org=org, actor=actor, party=city,
                                     name={"fa": "انبار مدیریت بحران شهرداری", "en": "Municipal crisis store"})
    mui_store = services.create_location(org=org, actor=actor, party=mui,
                                         name={"fa": "انبار مرکزی دانشگاه علوم پزشکی", "en": "MUI central store"})
    services.grant_location(org=org, actor=actor, membership=membership, location=mui_store)
    for sender, plan, prefix, day, label in ((xian, XIAN_BOXES, "XA2020", dt.date(2020, 2, 24), SLOGAN),
                                             (guangzhou, GUANGZHOU_BOXES, "GZ2020", dt.date(2020, 3, 2), {})):
        totals: dict[str, int] = {}
        for code, count, per_box in plan:
            totals[code] = totals.get(code, 0) + count * per_box
        pledge = services.create_pledge(org=org, actor=actor, direction="inbound", donor=sender, recipient=city,
                                        label=label, offered_on=day, note=note,
                                        lines=[(items[c], q) for c, q in totals.items()])
        if sender == xian:
            from_xian = pledge
        services.accept_pledge(org=org, actor=actor, pledge=pledge)
        with ledger.happened_at(_moment(day)):
            consignment = _consignment(org, actor, pledge, plan, prefix,
                                       "China Southern Airlines cargo (illustrative)")
        with ledger.happened_at(_moment(day + dt.timedelta(days=4))):
            _receive(org, actor, consignment, sender, xian, guangzhou, store)
    signed = timezone.make_aware(dt.datetime(2020, 3, 8, 10, 30))
    with ledger.happened_at(signed):
        services.handover(org=org, actor=actor, source=store, target=mui_store, signed_at=signed,
                          signed_by="انباردار دانشگاه علوم پزشکی (نمایشی)", note=note,
                          lines=[{"item": items["mask"], "quantity": 30000}, {"item": items["gown"], "quantity": 900},
                                 {"item": items["goggles"], "quantity": 640}])
    mui_actor = membership.user
    for number, (name, team, staff) in enumerate(HOSPITALS):
        hospital = services.create_party(org=org, actor=actor, name=name, kind="hospital",
                                         city=ctx.cities["isfahan"])
        with ledger.happened_at(_moment(dt.date(2020, 3, 10) + dt.timedelta(days=number))):
            services.distribute(org=org, actor=mui_actor, source=mui_store, recipient=hospital, recipient_group=team,
                                people_count=staff, note=note,
                                lines=[{"item": items["mask"], "quantity": staff * 100},
                                       {"item": items["gown"], "quantity": staff * 5},
                                       {"item": items["goggles"], "quantity": staff * 2}])
    _outbound(ctx, org, actor, items, store, city, xian, note)
    return from_xian


def _moment(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime(day.year, day.month, day.day, 10, 0))


def _receive(org, actor, consignment, sender, xian, guangzhou, store):
    for box in consignment.boxes.prefetch_related("lines"):
        line = box.lines.all()[0]
        if sender == xian and box.label == "gown-3":  # one box arrives short
            services.receive_box(org=org, actor=actor, box=box, location=store, reason="۵ لباس کم بود (نمایشی)",
                                 lines=[{"line": line.public_id, "received": line.quantity - 5}])
        elif sender == guangzhou and box.label == "goggles-2":  # one box arrives crushed
            services.receive_box(org=org, actor=actor, box=box, location=store, reason="جعبه له شده بود (نمایشی)",
                                 lines=[{"line": line.public_id, "received": line.quantity - 8, "damaged": 8}])
        else:
            services.receive_box(org=org, actor=actor, box=box, location=store)


def _outbound(ctx, org, actor, items, store, city, xian, note):
    """Isfahan's own shipment for Xi'an: prepared in February 2020, then called off (story, item 4)."""
    with ledger.happened_at(_moment(dt.date(2020, 2, 5))):
        for code, quantity in (("mask", 2000), ("gown", 100)):  # the city's own stock, prepared for Xi'an
            services.intake(org=org, actor=actor, location=store, item=items[code], quantity=quantity, donor=city,
                            lot_number=f"ISF2020-{code.upper()}", expires_on=dt.date(2021, 6, 30), note=note)
        outbound = services.create_pledge(
            org=org, actor=actor, direction="outbound", donor=city, recipient=xian, offered_on=dt.date(2020, 2, 5),
            label={"fa": "همدلی اصفهان با شیان", "en": "Isfahan stands with Xi'an"}, note=note,
            lines=[(items["mask"], 2000), (items["gown"], 100)])
        services.accept_pledge(org=org, actor=actor, pledge=outbound, source=store)
    with ledger.happened_at(_moment(dt.date(2020, 2, 22))):
        services.cancel_pledge(org=org, actor=actor, pledge=outbound, reason=CANCEL_REASON)


def _xian(ctx, org):
    actor = ctx.users["xian_officer"]
    items = _items(org, actor)
    xian = services.create_party(org=org, actor=actor, name={"fa": "شهرداری شیان", "en": "Xi'an Municipality",
                                                             "zh": "西安市"}, kind="city", city=ctx.cities["xian"])
    isfahan = services.create_party(org=org, actor=actor, name={"fa": "شهرداری اصفهان", "en": "Isfahan",
                                                                "zh": "伊斯法罕"}, kind="city",
                                    city=ctx.cities["isfahan"])
    store = services.create_location(org=org, actor=actor, party=xian,
                                     name={"fa": "انبار کمک‌های شیان", "en": "Xi'an donations store",
                                           "zh": "西安捐赠仓库"})
    lines = []
    with ledger.happened_at(_moment(dt.date(2020, 2, 20))):
        for code, count, per_box in XIAN_BOXES:
            services.intake(org=org, actor=actor, location=store, item=items[code], quantity=count * per_box,
                            donor=xian, lot_number=f"XA2020-{code.upper()}", note=_note(ctx))
            lines.append((items[code], count * per_box))
    pledge = services.create_pledge(org=org, actor=actor, direction="outbound", donor=xian, recipient=isfahan,
                                    label=SLOGAN, offered_on=dt.date(2020, 2, 24), note=_note(ctx), lines=lines)
    steps: tuple[Callable[..., Pledge], ...] = (partial(services.accept_pledge, source=store), services.ship_pledge,
                                               services.deliver_pledge)
    for days, step in enumerate(steps):
        with ledger.happened_at(_moment(dt.date(2020, 2, 24) + dt.timedelta(days=2 * days))):
            step(org=org, actor=actor, pledge=pledge)
    return pledge
