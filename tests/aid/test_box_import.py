"""A box list by CSV, as the page form does it: the upload shows exactly what will be created (rows, items,
quantities, labels, and every row's error with its line, translated), the confirm creates it in one
transaction and only once; the template downloads in the user's language and imports back."""

import datetime as dt
import re

from django.conf import settings
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile

from hamdeli.aid import services
from hamdeli.aid.models import Box, Consignment, Movement
from hamdeli.core.digits import to_ascii_digits
from tests.aid.conftest import form, inbound_pledge


def _upload(client, pledge, text: str, **extra):
    upload = SimpleUploadedFile("boxes.csv", text.encode("utf-8-sig"), content_type="text/csv")
    return client.post(f"/aid/pledges/{pledge.public_id}/import/", form(pledge.org, {"file": upload, **extra}))


def _confirm_fields(preview) -> dict:
    """The hidden fields of the preview's confirm form, as the browser would post them back."""
    page = preview.content.decode()
    confirm = page[page.index('name="confirm"') - 2000:]
    fields = dict(re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', page))
    assert 'name="confirm"' in confirm
    return {name: value.replace("&amp;", "&") for name, value in fields.items() if name != "csrfmiddlewaretoken"}


def test_the_upload_previews_every_row_and_creates_nothing(aid, officer_client):
    pledge, _c = inbound_pledge(aid, ship=False)
    text = "box,item,quantity,lot,expires_on\nA-1,mask,50,GZ-7,2030-01-31\nA-1,gown,10,,\n\nA-2,mask,50,GZ-7,\n"
    preview = _upload(officer_client, pledge, text, carrier="China Southern")
    assert preview.status_code == 200 and not Consignment.objects.exists() and not Movement.objects.exists()
    plan = preview.context["plan"]
    assert [(r["line"], r["box"], r["item"].code, r["quantity"], r["lot"]) for r in plan.rows] == [
        (2, "A-1", "mask", 50, "GZ-7"), (3, "A-1", "gown", 10, ""), (5, "A-2", "mask", 50, "GZ-7")]
    assert [(t["item"].code, t["boxes"], t["units"]) for t in plan.totals] == [("mask", 2, 100), ("gown", 1, 10)]
    page = preview.content.decode()
    assert "۲ جعبه ساخته می‌شود" in page or "۲ جعبه" in page
    assert "A-1" in page and "A-2" in page and "GZ-7" in page and "China Southern" in page
    assert "ماسک" in page and "۱۰۰" in page and 'name="confirm"' in page


def test_confirming_creates_exactly_the_preview_once(aid, officer_client):
    pledge, _c = inbound_pledge(aid, ship=False)
    text = "box,item,quantity,lot,expires_on\nA-1,mask,50,GZ-7,2030-01-31\nA-1,gown,10,,\nA-2,mask,50,GZ-7,\n"
    preview = _upload(officer_client, pledge, text, tracking_ref="CZ-6012")
    fields = _confirm_fields(preview)
    url = f"/aid/pledges/{pledge.public_id}/import/"
    done = officer_client.post(url, fields)
    assert done.status_code == 302
    said = [to_ascii_digits(str(m)) for m in get_messages(done.wsgi_request)]
    consignment = Consignment.objects.get(pledge=pledge)
    assert consignment.tracking_ref == "CZ-6012" and any(consignment.reference in s and "2" in s for s in said)
    boxes = {b.label: sorted((ln.item.code, ln.quantity, ln.lot.number) for ln in b.lines.all())
             for b in Box.objects.filter(consignment=consignment)}
    assert boxes == {"A-1": [("gown", 10, ""), ("mask", 50, "GZ-7")], "A-2": [("mask", 50, "GZ-7")]}
    again = officer_client.post(url, fields)  # a double click, or the back button and confirm again
    assert again.status_code == 302 and again["Location"] == done["Location"]
    assert Consignment.objects.filter(pledge=pledge).count() == 1 and Box.objects.count() == 2


def test_every_bad_row_is_listed_with_its_line_translated_and_nothing_can_be_confirmed(aid, officer_client):
    pledge, _c = inbound_pledge(aid, ship=False)
    text = "box,item,quantity,lot,expires_on\n1,mask,10,,\n\n2,ghost,5,,\n3,mask,zero,,\n,mask,5,,1400/13/01\n"
    preview = _upload(officer_client, pledge, text)
    page = preview.content.decode()
    assert preview.status_code == 422 and 'name="confirm"' not in page
    assert set(preview.context["plan"].errors) == {"row 4", "row 5", "row 6"}
    assert "سطر ۴" in page and "سطر ۵" in page and "سطر ۶" in page and "ghost" in page
    assert "کد قلم «ghost» ناشناخته است" in page and "مقدار باید" in page and "جعبه مشخص نشده" in page
    assert not Consignment.objects.exists()
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = _upload(officer_client, pledge, text)
    assert "Line 5" in english.content.decode() and "unknown item code" in english.content.decode()


def test_a_lot_recorded_with_another_expiry_is_an_error_on_its_row(aid, officer_client):
    pledge, _c = inbound_pledge(aid, boxes=1, lot="L1", expires_on=dt.date(2099, 6, 1))
    text = "box,item,quantity,lot,expires_on\n1,mask,5,L1,2099-06-01\n2,mask,5,L1,2098-01-01\n3,gown,1,N,2030-01-01\n" \
           "4,gown,1,N,2031-01-01\n"
    preview = _upload(officer_client, pledge, text)
    assert preview.status_code == 422
    assert set(preview.context["plan"].errors) == {"row 3", "row 5"}


def test_a_change_between_preview_and_confirm_is_shown_again_not_created(aid, officer_client):
    pledge, _c = inbound_pledge(aid, ship=False)
    preview = _upload(officer_client, pledge, "box,item,quantity,lot,expires_on\n1,mask,5,L9,2030-01-01\n")
    fields = _confirm_fields(preview)
    services.create_consignment(org=aid.org, actor=aid.actor, pledge=pledge, boxes=[  # meanwhile, elsewhere
        {"lines": [{"item": aid.mask, "quantity": 1, "lot": "L9", "expires_on": dt.date(2031, 1, 1)}]}])
    stale = officer_client.post(f"/aid/pledges/{pledge.public_id}/import/", fields)
    page = stale.content.decode()
    assert stale.status_code == 409 and "پیش‌نمایش تازه" in page and "سطر ۲" in page
    assert 'name="confirm"' not in page
    assert Consignment.objects.filter(pledge=pledge).count() == 1  # only the one made meanwhile


def test_a_refused_confirm_writes_nothing_at_all(aid, officer_client):
    pledge, _c = inbound_pledge(aid, ship=False)
    preview = _upload(officer_client, pledge, "box,item,quantity\n1,mask,5\n2,mask,5\n")
    fields = _confirm_fields(preview)
    services.transition_pledge(org=aid.org, actor=aid.actor, pledge=pledge, action="cancel", reason="test")
    refused = officer_client.post(f"/aid/pledges/{pledge.public_id}/import/", fields)
    assert refused.status_code == 409 and not Consignment.objects.exists() and not Box.objects.exists()
    tampered = officer_client.post(f"/aid/pledges/{pledge.public_id}/import/", {**fields, "csv": "not base64!"})
    assert tampered.status_code == 422 and not Consignment.objects.exists()


def test_the_template_in_either_language_imports_back_through_the_preview(aid, officer_client):
    pledge, _c = inbound_pledge(aid, ship=False)
    for lang, box in (("fa", "جعبه"), ("en", "box")):
        officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = lang
        text = officer_client.get(f"/aid/pledges/{pledge.public_id}/boxes.csv").content.decode("utf-8-sig")
        assert text.splitlines()[0].split(",")[0] == box
        preview = _upload(officer_client, pledge, text)
        assert preview.status_code == 200, preview.context["plan"].errors
        done = officer_client.post(f"/aid/pledges/{pledge.public_id}/import/", _confirm_fields(preview))
        assert done.status_code == 302
    assert Consignment.objects.filter(pledge=pledge).count() == 2


def test_a_box_list_too_large_to_post_back_is_refused_at_the_preview(aid, officer_client, settings):
    pledge, _c = inbound_pledge(aid, ship=False)
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 70 * 1024
    rows = "".join(f"{n},mask,1,,\n" for n in range(1, 1500))
    preview = _upload(officer_client, pledge, "box,item,quantity,lot,expires_on\n" + rows)
    assert preview.status_code == 413 and 'name="confirm"' not in preview.content.decode()
    assert "API" in preview.content.decode() and not Consignment.objects.exists()
