"""Demo step: spring 1399 awareness campaigns (20 design sets), the "No to sanctions" statement with
INTA's endorsement, and master Motie's Nurses' Day watercolour with its copies and recipients.

The story gives the events; campaign names, dates, places, counts, reach, people and hospitals here
are illustrative, and say so in their notes.
"""

import datetime as dt
import struct
import zlib

from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction

from hamdeli.campaigns.models import AdvocacyCampaign, Campaign, Endorsement, Recipient, RecognitionItem
from hamdeli.campaigns.services import advocacy, awareness, recognition
from hamdeli.core.digits import to_persian_digits
from hamdeli.partners.models import Network

ILLUSTRATIVE = "Illustrative demo data (not from the story) / داده نمایشی، برگرفته از خبر نیست."

# (key, fa, en, start, end, colour, number of design sets)
CAMPAIGNS = [
    ("stay_home", "در خانه بمانیم", "Stay home", dt.date(2020, 2, 20), dt.date(2020, 4, 19), (46, 134, 193), 7),
    ("hands", "دست‌ها را بشوییم", "Wash your hands", dt.date(2020, 2, 22), dt.date(2020, 4, 10), (39, 174, 96), 5),
    ("thanks", "سپاس از کادر درمان", "Thank you, medical staff", dt.date(2020, 3, 1), dt.date(2020, 4, 19),
     (192, 57, 43), 5),
    ("nowruz", "نوروز در خانه", "Nowruz at home", dt.date(2020, 3, 8), dt.date(2020, 4, 2), (243, 156, 18), 3),
]
FORMAT_CYCLE = [["billboard", "bus_shelter"], ["urban_screen", "social_media"], ["print", "social_media"],
                ["billboard", "tv"], ["bus_shelter", "urban_screen", "social_media"]]
# (where, count, reach) per format; illustrative
PLACES = {
    "billboard": ("Chaharbagh and the ring road / چهارباغ و کمربندی", 40, None),
    "urban_screen": ("Urban screens at main squares / تلویزیون‌های شهری میدان‌ها", 12, None),
    "bus_shelter": ("Bus shelters across the city / ایستگاه‌های اتوبوس", 150, None),
    "social_media": ("Municipality's Instagram and Telegram / شبکه‌های اجتماعی شهرداری", 1, 180000),
    "print": ("Posters in pharmacies and clinics / پوستر در داروخانه‌ها", 5000, None),
    "tv": ("Isfahan provincial TV / شبکه استانی اصفهان", 3, 400000),
}
HOSPITALS = [
    ("بیمارستان الزهرا", "Al-Zahra Hospital"), ("بیمارستان خورشید", "Khorshid Hospital"),
    ("بیمارستان امین", "Amin Hospital"), ("بیمارستان عیسی بن مریم", "Isa ibn Maryam Hospital"),
    ("بیمارستان سینا", "Sina Hospital"),
]


def placeholder_png(colour: tuple[int, int, int], width: int = 96, height: int = 64) -> bytes:
    """A small valid PNG: a coloured card with a light band, made in code (no image library)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    light = bytes(min(255, c + 90) for c in colour)
    rows = b"".join(b"\x00" + (light if height // 3 <= y < height // 2 else bytes(colour)) * width
                    for y in range(height))
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")


@transaction.atomic
def load(ctx) -> None:
    org, actor = ctx.orgs["isfahan"], ctx.users["isfahan_officer"]
    _awareness(org, actor, ctx.users.get("isfahan_owner"))
    _advocacy(ctx, org, actor)
    _recognition(ctx, org, actor)
    ctx.say("campaigns: %d awareness campaigns, %d advocacy statements, %d recognition items" % (
        Campaign.objects.filter(org=org).count(), AdvocacyCampaign.objects.filter(org=org).count(),
        RecognitionItem.objects.filter(org=org).count()))


def _awareness(org, actor, owner) -> None:
    n = 0
    for key, fa, en, start, end, colour, sets in CAMPAIGNS:
        if Campaign.objects.filter(org=org, name__en=en).exists():
            n += sets
            continue
        campaign = awareness.create_campaign(
            org=org, actor=actor, name={"fa": fa, "en": en}, starts_on=start, ends_on=end, owner=owner,
            message={"fa": f"{fa} — با هم از کرونا می‌گذریم", "en": f"{en} — together we get through COVID-19"},
            goal="Slow the spread of COVID-19 in Isfahan and keep people informed.",
            audience="Citizens of Isfahan", notes=ILLUSTRATIVE)
        span = (end - start).days
        for i in range(sets):
            n += 1
            formats = FORMAT_CYCLE[(n - 1) % len(FORMAT_CYCLE)]
            ready = start + dt.timedelta(days=(span * i) // max(sets, 1) // 2 + 1)
            design_set = awareness.add_design_set(
                org=org, actor=actor, campaign=campaign, formats=formats, ready_on=ready, notes=ILLUSTRATIVE,
                title={"fa": f"مجموعه طرح {to_persian_digits(n)}: {fa}", "en": f"Design set {n}: {en}"})
            awareness.add_design_file(org=org, actor=actor, design_set=design_set, upload=SimpleUploadedFile(
                f"{key}-{n}.png", placeholder_png(colour), content_type="image/png"))
            for value in formats:
                where, count, reach = PLACES[value]
                awareness.add_placement(org=org, actor=actor, design_set=design_set, format=value, location=where,
                                        starts_on=ready + dt.timedelta(days=2), count=count, reach=reach,
                                        ends_on=min(end, ready + dt.timedelta(days=30)), notes=ILLUSTRATIVE)
        awareness.start_campaign(org=org, actor=actor, campaign=campaign)
        awareness.finish_campaign(org=org, actor=actor, campaign=campaign)


def _advocacy(ctx, org, actor) -> None:
    if AdvocacyCampaign.objects.filter(org=org, title__en="No to sanctions during COVID-19").exists():
        return
    statement = advocacy.create_advocacy(
        org=org, actor=actor, title={"fa": "نه به تحریم در شرایط کرونا", "en": "No to sanctions during COVID-19"},
        statement={
            "fa": "شهرها در برابر همه‌گیری کرونا کنار هم‌اند. تحریم‌ها رسیدن دارو و تجهیزات پزشکی را به مردم "
                  "دشوار می‌کند؛ از شهرها و شبکه‌های شهری می‌خواهیم صدای «نه به تحریم در شرایط کرونا» باشند.",
            "en": "Cities stand together against the COVID-19 pandemic. Sanctions keep medicine and medical "
                  "equipment from people; we ask cities and city networks to join the call: no to sanctions "
                  "during COVID-19.",
        },
        issued_on=dt.date(2020, 3, 22), target_date=dt.date(2020, 4, 30),
        notes="The national campaign is from the story; the wording, dates and most endorsers are illustrative.")
    advocacy.update_advocacy(org=org, actor=actor, campaign=statement, published=True)
    inta = Network.objects.get(slug="inta")
    rows = [
        # (name, title, capacity, party, when, channel, quote, verification, published)
        ("Mayor of Isfahan", "Mayor", "Signing for the city", {"on_behalf_of": "city", "city": ctx.cities["isfahan"]},
         dt.date(2020, 3, 22), "public_post", "Isfahan joins the call. (illustrative wording)", "verified", True),
        ("President of INTA", "President, International Urban Development Association", "On behalf of INTA",
         {"on_behalf_of": "network", "network": inta}, dt.date(2020, 4, 5), "letter",
         "We stand with Iran despite the sanctions.", "verified", True),
        ("Mayor of Florence (illustrative)", "Mayor", "Sister city", {"on_behalf_of": "city",
                                                                      "city": ctx.cities["florence"]},
         dt.date(2020, 4, 8), "email", ILLUSTRATIVE, "verified", False),
        ("Secretariat of Metropolis (illustrative)", "Secretary General's office", "Network secretariat",
         {"on_behalf_of": "network", "network": Network.objects.get(slug="metropolis")}, dt.date(2020, 4, 12),
         "email", ILLUSTRATIVE, "unverified", False),
    ]
    for name, title, capacity, party, when, channel, quote, verification, published in rows:
        e = advocacy.add_endorsement(org=org, actor=actor, campaign=statement, endorser_name=name,
                                     endorser_title=title, capacity=capacity, endorsed_on=when, channel=channel,
                                     quote=quote, **party)
        if verification != Endorsement._meta.get_field("verification").default:
            advocacy.set_verification(org=org, actor=actor, endorsement=e, verification=verification,
                                      published=published)


def _recipient(org, actor, fa, en, city) -> Recipient:
    found = Recipient.objects.filter(org=org, name__en=en).first()
    return found or recognition.create_recipient(org=org, actor=actor, name={"fa": fa, "en": en}, city=city,
                                                 notes=ILLUSTRATIVE if en != "Ministry of Health" else "")


def _recognition(ctx, org, actor) -> None:
    hospitals = [_recipient(org, actor, fa, en, ctx.cities["isfahan"]) for fa, en in HOSPITALS]
    ministry = _recipient(org, actor, "وزارت بهداشت، درمان و آموزش پزشکی", "Ministry of Health", ctx.cities["tehran"])
    if RecognitionItem.objects.filter(org=org, maker="Master Motie / استاد مطیع").exists():
        return
    item = recognition.create_item(
        org=org, actor=actor, kind="artwork", maker="Master Motie / استاد مطیع",
        title={"fa": "آبرنگ روز جهانی پرستار", "en": "International Nurses' Day watercolour"},
        occasion="International Nurses' Day 2020",
        description="A watercolour in thanks to nurses: a copy for every hospital treating COVID-19 patients, the "
                    "original for the Ministry of Health during the Minister's visit. Hospitals, dates and "
                    "receivers are illustrative.")
    recognition.add_copies(org=org, actor=actor, item=item, recipients=[ministry], original=True)
    for copy in recognition.add_copies(org=org, actor=actor, item=item, recipients=hospitals):
        recognition.record_handover(org=org, actor=actor, copy=copy, handed_over_on=dt.date(2020, 5, 12),
                                    received_by="Head of nursing (illustrative)")
    # The original stays pending: it goes to the Ministry during the Minister's visit.
