"""Demo step: the two offices, their people, Isfahan's sister cities, Guangzhou, Hyderabad, networks."""

import datetime as dt
from typing import Any

from django.db import transaction

from hamdeli.core import services as core
from hamdeli.core.dates import add_months, today
from hamdeli.core.localized import localized_str
from hamdeli.partners import services
from hamdeli.partners.models import Network, NetworkMembership, Partnership
from hamdeli.places.services import ensure_cities, load_countries

CITY_IDS = {
    "isfahan": 418863, "xian": 1790630, "guangzhou": 1809858, "barcelona": 3128760, "hyderabad": 1269843,
    "florence": 3176959, "freiburg": 2925177, "iasi": 675810, "kuala_lumpur": 1735161, "lahore": 1172451,
    "st_petersburg": 498817, "havana": 3553478, "yerevan": 616052, "cusco": 3941584, "kuwait": 285787,
    "baghdad": 98182, "wuhan": 1791247, "milan": 3173435, "seoul": 1835848, "tehran": 112931,
}

# Isfahan's thirteen signed sister cities, in signing order. Signing dates are illustrative.
SISTER_CITIES = [
    ("kuala_lumpur", dt.date(1997, 5, 12)), ("florence", dt.date(1998, 6, 4)), ("freiburg", dt.date(2000, 5, 15)),
    ("iasi", dt.date(2001, 10, 10)), ("lahore", dt.date(2002, 11, 20)), ("havana", dt.date(2004, 3, 8)),
    ("st_petersburg", dt.date(2004, 9, 17)), ("yerevan", dt.date(2005, 7, 2)), ("baghdad", dt.date(2006, 4, 19)),
    ("barcelona", dt.date(2008, 11, 6)), ("xian", dt.date(2009, 3, 25)), ("kuwait", dt.date(2011, 1, 18)),
    ("cusco", dt.date(2014, 9, 10)),
]
# Xi'an's mayor as Isfahan's letters name him: an illustrative name, not from the news report.
XIAN_MAYOR = {"zh": "西安市市长 王建华", "en": "Mayor of Xi'an Wang Jianhua",
              "fa": "جناب آقای وانگ جیان‌هوا، شهردار شی‌آن"}
# Partners still in touch lately (relative to the day the demo is loaded, so they stay "healthy").
RECENTLY_IN_TOUCH = {"xian", "barcelona", "florence", "freiburg", "kuala_lumpur", "st_petersburg"}



@transaction.atomic
def load(ctx) -> None:
    load_countries()
    cities = dict(zip(CITY_IDS, ensure_cities(CITY_IDS.values()), strict=True))
    ctx.cities.update(cities)
    isfahan = core.ensure_organization(
        slug="isfahan", city=cities["isfahan"],
        name={"fa": "اداره کل ارتباطات و امور بین‌الملل شهرداری اصفهان",
              "en": "Isfahan Municipality — Directorate-General of Communications and International Affairs"})
    xian = core.ensure_organization(
        slug="xian", city=cities["xian"],
        name={"fa": "دفتر امور خارجی شهرداری شیان", "en": "Xi'an Municipal Foreign Affairs Office",
              "zh": "西安市人民政府外事办公室"})
    ctx.orgs.update({"isfahan": isfahan, "xian": xian})
    from hamdeli.demo.loader import DEMO_PASSWORD

    for org, username, role in [
        (isfahan, "isfahan_owner", "owner"), (isfahan, "isfahan_officer", "officer"),
        (isfahan, "isfahan_logistics", "logistics"), (isfahan, "isfahan_viewer", "viewer"),
        (xian, "xian_officer", "officer"),
    ]:
        membership = core.ensure_member(org=org, username=username, role=role, password=DEMO_PASSWORD)
        ctx.users[username] = membership.user
        ctx.logins.append((localized_str(org.name, "en"), username, role))
    _isfahan_partners(ctx, isfahan)
    _xian_partners(ctx, xian)
    _isfahan_networks(ctx, isfahan)
    ctx.say("partners: 2 organizations, %d Isfahan partnerships" % Partnership.objects.filter(org=isfahan).count())


def _partnership(ctx, org, key, *, kind="sister_city", steps=(), **fields) -> Partnership:
    """Create the partnership once and walk it through its dated steps (skipped when already there)."""
    existing = Partnership.objects.filter(org=org, city=ctx.cities[key]).first()
    if existing is not None:
        return existing
    actor = ctx.users.get("isfahan_officer") if org.slug == "isfahan" else ctx.users.get("xian_officer")
    p = services.create_partnership(org=org, actor=actor, city=ctx.cities[key], kind=kind, **fields)
    for action, on, extra in steps:
        p = services.transition_partnership(org=org, actor=actor, partnership=p, action=action, on=on, **extra)
    return p


def _signed_steps(signed_on: dt.date, bill: str, resolution: str):
    return [
        ("submit_bill", add_months(signed_on, -8), {"council_bill_number": bill}),
        ("approve", add_months(signed_on, -5), {"council_resolution_number": resolution}),
        ("sign", signed_on, {}),
        ("activate", signed_on + dt.timedelta(days=30), {}),
    ]


def _contact(org, actor, partnership, on, kind, summary):
    services.record_interaction(org=org, actor=actor, partnership=partnership, occurred_on=on, kind=kind,
                                summary=summary, source="demo", source_ref=f"{partnership.public_id}:{on}:{kind}")


def _isfahan_partners(ctx, org) -> None:
    actor = ctx.users["isfahan_officer"]
    for number, (key, signed_on) in enumerate(SISTER_CITIES, start=1):
        p = _partnership(ctx, org, key, proposed_on=add_months(signed_on, -14),
                         steps=_signed_steps(signed_on, f"{signed_on.year - 621}/{100 + number}",
                                             f"{signed_on.year - 621}/{200 + number}"),
                         our_focal_person="دفتر روابط بین‌الملل" if number % 2 else "International relations desk")
        ctx.partnerships[key] = p
        _contact(org, actor, p, signed_on, "visit", "سفر امضای تفاهم‌نامه (نمایشی)")
    barcelona = ctx.partnerships["barcelona"]
    # Barcelona: contact lapsed after 2014 (dimmed), revived by the spring 2020 letters (story, item 6),
    # which the correspondence demo step registers and sends: the letters themselves count as contact.
    _contact(org, actor, barcelona, dt.date(2014, 6, 3), "meeting", "کارگاه میراث شهری (نمایشی)")
    _contact(org, actor, barcelona, dt.date(2020, 5, 12), "call", "تماس تصویری: بازگشت روابط به روال عادی")
    xian = ctx.partnerships["xian"]
    _contact(org, actor, xian, dt.date(2020, 3, 5), "aid", "دریافت اقلام بهداشتی از شی‌آن")
    if not xian.partner_head:  # the mayor's name is illustrative (the report does not give it)
        xian = ctx.partnerships["xian"] = services.update_partnership(
            org=org, actor=actor, partnership=xian, partner_head=XIAN_MAYOR)
    recent = add_months(today(), -2).replace(day=1)
    for key in sorted(RECENTLY_IN_TOUCH):
        _contact(org, actor, ctx.partnerships[key], recent, "meeting", "نشست هماهنگی برخط (نمایشی)")
    guangzhou = _partnership(
        ctx, org, "guangzhou", kind="friendship_city", proposed_on=dt.date(2016, 4, 1),
        steps=_signed_steps(dt.date(2017, 5, 20), "1395/310", "1396/120"))
    ctx.partnerships["guangzhou"] = guangzhou
    _contact(org, actor, guangzhou, dt.date(2020, 3, 10), "aid", "دریافت اقلام بهداشتی از گوانگجو")
    _contact(org, actor, guangzhou, recent, "call", "تماس پیگیری (نمایشی)")
    # Hyderabad: the bill for Isfahan's 14th sister city is before the council (story, item 10).
    hyderabad = _partnership(ctx, org, "hyderabad", proposed_on=dt.date(2019, 12, 2),
                             steps=[("submit_bill", dt.date(2020, 5, 5), {"council_bill_number": "1399/0187"})],
                             notes="لایحهٔ چهاردهمین شهر خواهرخوانده به شورای شهر فرستاده شد.")
    ctx.partnerships["hyderabad"] = hyderabad


def _xian_partners(ctx, org) -> None:
    actor = ctx.users["xian_officer"]
    p = _partnership(ctx, org, "isfahan", steps=_signed_steps(dt.date(2009, 3, 25), "2008/11", "2008/19"))
    _contact(org, actor, p, dt.date(2020, 3, 1), "aid", "Donation shipped: friendship in days of hardship")


def _isfahan_networks(ctx, org) -> None:
    actor = ctx.users["isfahan_officer"]
    plan: list[tuple[str, list[tuple[str, dt.date]], dict[str, Any]]] = [
        ("metropolis", [("apply", dt.date(2015, 9, 1)), ("admit", dt.date(2016, 1, 20))],
         {"renewal_due_on": dt.date(today().year + 1, 1, 20),
          "focal_point": "Director-General, international affairs"}),
        ("inta", [("apply", dt.date(2017, 3, 1)), ("admit", dt.date(2017, 6, 15))],
         {"renewal_due_on": today() + dt.timedelta(days=45), "focal_point": "International relations desk"}),
        ("wego", [("apply", dt.date(2020, 5, 10))], {"joining_steps": "Smart cities network: application sent."}),
        ("iclei", [], {"joining_steps": "Sustainable urban development network: council approval needed."}),
        ("unesco-gnlc", [("apply", dt.date(2020, 5, 18))], {"joining_steps": "Learning cities: dossier submitted."}),
    ]
    for slug, steps, fields in plan:
        network = Network.objects.get(slug=slug)
        if NetworkMembership.objects.filter(org=org, network=network).exists():
            continue
        m = services.create_network_membership(org=org, actor=actor, network=network, **fields)
        for action, on in steps:
            m = services.transition_network_membership(org=org, actor=actor, membership=m, action=action, on=on)
