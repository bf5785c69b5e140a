"""Two offices, one shipment, through the pages and the API: Xi'an's office offers its outbound pledge,
Isfahan's accepts it, and Xi'an reads Isfahan's receipt and custody of that one pledge, read-only. The
boundary: nothing else of Isfahan's reaches Xi'an, a third office finds the link nowhere, and a cancelled
link shows the donor nothing more."""

import pytest
from django.conf import settings
from django.contrib.messages import get_messages

from hamdeli.aid import services, sharing
from hamdeli.aid.models import Pledge, PledgeLink
from hamdeli.aid.verify import verify
from hamdeli.core import services as core
from tests.aid.conftest import form, inbound_pledge
from tests.conftest import api_client_for, client_for

API = "/api/v1/aid"


def _said(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _words(body: str) -> set[str]:
    """The texts in a page or an answer that a secret could be: every run of letters, digits and hyphens."""
    import re

    return set(re.findall(r"[\w-]+", body))


def _english(client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture
def xian_client(outsider):
    return _english(client_for(outsider))


@pytest.fixture
def isfahan_client(officer):
    return _english(client_for(officer))


def _accepted(aid, xian):
    link = sharing.offer_link(org=xian.org, actor=xian.actor, pledge=xian.pledge, recipient_org=aid.org)
    return sharing.accept_link(org=aid.org, actor=aid.actor, link=link, donor=aid.xian, recipient=aid.city)


def _shipped(aid, link):
    return services.create_consignment(org=aid.org, actor=aid.actor, pledge=link.recipient_pledge, boxes=[
        {"lines": [{"item": aid.mask, "quantity": 150}]}, {"lines": [{"item": aid.mask, "quantity": 150}]}])


def _received_and_distributed(aid, link, consignment=None):
    """Isfahan's side of the shipment: two boxes, one arrives crushed; 120 masks reach the hospital's ICU."""
    theirs = link.recipient_pledge
    consignment = consignment or _shipped(aid, link)
    first, second = consignment.boxes.all()
    services.receive_box(org=aid.org, actor=aid.actor, box=first, location=aid.store)
    services.receive_box(org=aid.org, actor=aid.actor, box=second, location=aid.store, reason="crushed",
                         lines=[{"line": second.lines.get().public_id, "received": 140, "damaged": 10}])
    services.handover(org=aid.org, actor=aid.actor, source=aid.store, target=aid.uni_store, signed_by="MUI",
                      lines=[{"item": aid.mask, "quantity": 200, "pledge": theirs}])
    services.distribute(org=aid.org, actor=aid.actor, source=aid.uni_store, recipient=aid.hospital,
                        recipient_group="ICU", lines=[{"item": aid.mask, "quantity": 120, "pledge": theirs}])
    return consignment


def test_the_api_offers_accepts_and_shows_the_donor_the_receipt(aid, xian, officer_api, outsider_api, xian_client):
    assert [o["slug"] for o in outsider_api.get(f"{API}/links/offices").json()["items"]] == ["isfahan"]
    body = {"pledge": str(xian.pledge.public_id), "office": "isfahan"}
    offered = outsider_api.post(f"{API}/links", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="o-1")
    again = outsider_api.post(f"{API}/links", body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="o-1")
    assert offered.status_code == again.status_code == 201, offered.content
    assert again.json() == offered.json() and again["Idempotent-Replayed"] == "true"
    assert PledgeLink.objects.count() == 1
    link = offered.json()
    assert link["side"] == "donor" and link["state"] == "offered" and link["pledge"] == str(xian.pledge.public_id)
    waiting = officer_api.get(f"{API}/links", {"side": "offered_to_us", "state": "offered"}).json()
    assert waiting["count"] == 1 and waiting["items"][0]["reference"] == link["reference"]
    assert waiting["items"][0]["side"] == "recipient" and waiting["items"][0]["pledge"] is None
    assert [(ln["item"], ln["quantity"]) for ln in waiting["items"][0]["lines"]] == [("mask", 300)]
    assert officer_api.get(f"{API}/links", {"side": "offered_by_us"}).json()["count"] == 0
    assert outsider_api.get(f"{API}/links/{link['id']}/shared").status_code == 404  # nothing accepted yet

    missing = officer_api.post(f"{API}/links/{link['id']}/accept", {}, content_type="application/json")
    assert missing.status_code == 422 and set(missing.json()["fields"]) == {"donor", "recipient"}
    accepted = officer_api.post(f"{API}/links/{link['id']}/accept",
                                {"donor": str(aid.xian.public_id), "recipient": str(aid.city.public_id)},
                                content_type="application/json")
    assert accepted.status_code == 200 and accepted.json()["state"] == "accepted"
    theirs = Pledge.objects.get(public_id=accepted.json()["pledge"])
    assert theirs.org == aid.org and theirs.direction == "inbound" and theirs.note == link["reference"]

    linked = PledgeLink.objects.get()
    consignment = _shipped(aid, linked)
    in_transit = outsider_api.get(f"{API}/links/{link['id']}/shared").json()  # Xi'an's "shipped": Isfahan's boxes
    assert [b["state"] for c in in_transit["consignments"] for b in c["boxes"]] == ["in_transit", "in_transit"]
    assert "In transit: 2" in xian_client.get(f"/aid/pledges/{xian.pledge.public_id}/").content.decode()
    _received_and_distributed(aid, linked, consignment)
    shared = outsider_api.get(f"{API}/links/{link['id']}/shared")
    view = shared.json()
    assert shared.status_code == 200 and view["reference"] == link["reference"] and view["reconciles"]
    assert [b["state"] for c in view["consignments"] for b in c["boxes"]] == ["received", "received"]
    assert [(d["reason"], d["quantity"], d["note"]) for c in view["consignments"] for b in c["boxes"]
            for d in b["discrepancies"]] == [("damaged", 10, "crushed")]
    assert [(r["recipient"]["en"], r["group"], r["quantity"]) for r in view["recipients"]] == [("Alzahra", "ICU", 120)]
    # The donor reads names and numbers, never the recipient's own ids.
    for private in (theirs.public_id, aid.store.public_id, aid.hospital.public_id, aid.xian.public_id):
        assert str(private) not in shared.content.decode()
    assert verify(aid.org) == [] and verify(xian.org) == []  # each ledger verifies alone


def test_an_office_that_is_not_a_partner_both_ways_cannot_be_offered(aid, xian, outsider_api, cities, xian_client):
    """An office known only from its slug (Barcelona's, which recorded Xi'an but not the other way round) is
    refused exactly like one that does not exist, and the page does not list it."""
    from hamdeli.partners import services as partners

    barcelona = core.ensure_organization(slug="barcelona", city=cities["barcelona"],
                                         name={"fa": "بارسلون", "en": "Barcelona City Council"})
    partners.create_partnership(org=barcelona, actor=None, city=xian.org.city)
    answers = [outsider_api.post(f"{API}/links", {"pledge": str(xian.pledge.public_id), "office": slug},
                                 content_type="application/json") for slug in ("barcelona", "no-such-office")]
    assert [a.status_code for a in answers] == [422, 422]
    assert answers[0].json()["message"] == answers[1].json()["message"] and "office" in answers[0].json()["fields"]
    page = xian_client.get(f"/aid/pledges/{xian.pledge.public_id}/").content.decode()
    assert "Offer to another office" in page and 'value="isfahan"' in page
    assert 'value="barcelona"' not in page and "Barcelona City Council" not in page
    refused = xian_client.post(f"/aid/pledges/{xian.pledge.public_id}/offer/", form(xian.org, {"office": "barcelona"}))
    assert refused.status_code == 422 and not PledgeLink.objects.exists()


def test_offer_accept_and_decline_on_the_pages(aid, xian, xian_client, isfahan_client):
    offered = xian_client.post(f"/aid/pledges/{xian.pledge.public_id}/offer/", form(xian.org, {"office": "isfahan"}))
    link = PledgeLink.objects.get()
    assert offered.status_code == 302 and offered["Location"] == f"/aid/links/{link.public_id}/"
    assert any(link.reference in text and "Isfahan" in text for text in _said(offered))
    for url in ("/aid/", "/aid/pledges/", "/aid/links/"):
        page = isfahan_client.get(url).content.decode()
        assert "Offers from other offices" in page and link.reference in page, url
        assert f"/aid/links/{link.public_id}/accept/" in page and f"/aid/links/{link.public_id}/cancel/" in page
    mine, _c = inbound_pledge(aid, ship=False)
    accepted = isfahan_client.post(f"/aid/links/{link.public_id}/accept/", form(aid.org, {"pledge": mine.public_id}))
    assert accepted.status_code == 302 and any(link.reference in text for text in _said(accepted))
    link.refresh_from_db()
    assert link.state == "accepted" and link.recipient_pledge == mine
    assert "Offers from other offices" not in isfahan_client.get("/aid/").content.decode()
    ours = xian_client.get(f"/aid/pledges/{xian.pledge.public_id}/").content.decode()
    assert link.reference in ours and "Offer to another office" not in ours
    assert link.reference in isfahan_client.get(f"/aid/pledges/{mine.public_id}/").content.decode()

    sharing.cancel_link(org=aid.org, actor=aid.actor, link=link, reason="a mistake")
    again = xian_client.post(f"/aid/pledges/{xian.pledge.public_id}/offer/", form(xian.org, {"office": "isfahan"}))
    link = PledgeLink.objects.get()
    assert again.status_code == 302 and link.state == "offered"
    empty = isfahan_client.post(f"/aid/links/{link.public_id}/cancel/", form(aid.org, {"reason": " "}))
    assert empty.status_code == 422 and PledgeLink.objects.get().state == "offered"
    declined = isfahan_client.post(f"/aid/links/{link.public_id}/cancel/", form(aid.org, {"reason": "not needed"}))
    assert declined.status_code == 302 and any("declined" in text for text in _said(declined))
    assert PledgeLink.objects.get().state == "cancelled"
    assert "Offer to another office" in xian_client.get(f"/aid/pledges/{xian.pledge.public_id}/").content.decode()


def test_the_donor_office_sees_nothing_else_of_the_recipient(aid, xian, xian_client, outsider_api):
    link = _accepted(aid, xian)
    consignment = _received_and_distributed(aid, link)
    theirs = link.recipient_pledge
    private = services.create_pledge(org=aid.org, actor=aid.actor, direction="inbound", donor=aid.xian,
                                     recipient=aid.city, lines=[(aid.gown, 5)], label={"en": "private-pledge"})
    hidden = services.create_location(org=aid.org, actor=aid.actor, party=aid.city,
                                      name={"fa": "انبار پنهان", "en": "private-store"})
    services.intake(org=aid.org, actor=aid.actor, location=hidden, item=aid.gown, quantity=7)

    page = xian_client.get(f"/aid/links/{link.public_id}/")
    html = page.content.decode()
    assert page.status_code == 200 and link.reference in html
    assert "Alzahra" in html and "ICU" in html and "crushed" in html  # the receipt and custody of this pledge
    for secret in ("private-pledge", "private-store", str(theirs.public_id), str(consignment.public_id),
                   str(aid.store.public_id), str(private.public_id)):
        assert secret not in html, secret
    for url in (f"/aid/pledges/{theirs.public_id}/", f"/aid/pledges/{private.public_id}/",
                f"/aid/pledges/{theirs.public_id}/report/", f"/aid/trace/{theirs.public_id}/",
                f"/aid/locations/{aid.store.public_id}/", f"/aid/locations/{hidden.public_id}/",
                f"/aid/consignments/{consignment.public_id}/labels/"):
        assert xian_client.get(url).status_code == 404, url
    for url in ("/aid/", "/aid/movements/", "/aid/pledges/", "/aid/setup/", "/aid/exports/movements/"):
        body = xian_client.get(url).content.decode()
        assert not {"private-store", "private-pledge", str(aid.store.public_id), str(theirs.public_id)} & _words(body)
    for url in (f"{API}/pledges/{theirs.public_id}", f"{API}/pledges/{private.public_id}",
                f"{API}/pledges/{theirs.public_id}/report", f"{API}/trace/forward/{theirs.public_id}",
                f"{API}/consignments/{consignment.public_id}", f"{API}/trace/backward/{aid.store.public_id}"):
        assert outsider_api.get(url).status_code == 404, url
    for url in (f"{API}/locations", f"{API}/movements", f"{API}/stock", f"{API}/pledges"):
        body = outsider_api.get(url).content.decode()
        assert not {"private-store", "private-pledge", str(aid.store.public_id), str(theirs.public_id)} & _words(body)
    # Xi'an cannot answer Isfahan's side of the link, nor move its ledger through it.
    assert outsider_api.post(f"{API}/links/{link.public_id}/accept", {"pledge": str(private.public_id)},
                             content_type="application/json").status_code == 404
    box = consignment.boxes.first()
    assert outsider_api.post(f"{API}/boxes/{box.public_id}/receive", {"location": str(aid.store.public_id)},
                             content_type="application/json").status_code == 404
    # The recipient reads the offer, never a shared view of the donor's side.
    assert api_client_for(aid.actor, aid.org).get(f"{API}/links/{link.public_id}/shared").status_code == 404


def test_a_third_office_finds_the_link_nowhere(aid, xian, cities):
    link = _accepted(aid, xian)
    third = core.ensure_organization(slug="barcelona", city=cities["barcelona"], name={"en": "Barcelona"})
    stranger = core.ensure_member(org=third, username="bcn", role="owner", password="pw-for-tests-only-123").user
    pages, api = client_for(stranger), api_client_for(stranger, third)
    assert pages.get(f"/aid/links/{link.public_id}/").status_code == 404
    assert link.reference not in pages.get("/aid/links/").content.decode()
    for action, data in (("accept", {"donor": aid.xian.public_id, "recipient": aid.city.public_id}),
                         ("cancel", {"reason": "mine now"})):
        assert pages.post(f"/aid/links/{link.public_id}/{action}/", form(third, data)).status_code == 404
        assert api.post(f"{API}/links/{link.public_id}/{action}", {k: str(v) for k, v in data.items()},
                        content_type="application/json").status_code == 404
    for tail in ("", "/shared"):
        assert api.get(f"{API}/links/{link.public_id}{tail}").status_code == 404
    assert api.get(f"{API}/links").json()["count"] == 0
    assert api.get(f"{API}/links/offices").json()["count"] == 0
    link.refresh_from_db()
    assert link.state == "accepted"


def test_a_cancelled_link_hides_the_shared_view(aid, xian, xian_client, isfahan_client, outsider_api):
    link = _accepted(aid, xian)
    _received_and_distributed(aid, link)
    before = xian_client.get(f"/aid/links/{link.public_id}/").content.decode()
    assert "Alzahra" in before and "Boxes as" in before
    assert "Received: 2" in xian_client.get(f"/aid/pledges/{xian.pledge.public_id}/").content.decode()
    ended = isfahan_client.post(f"/aid/links/{link.public_id}/cancel/", form(aid.org, {"reason": "sent twice"}))
    assert ended.status_code == 302 and any(link.reference in text for text in _said(ended))
    assert outsider_api.get(f"{API}/links/{link.public_id}/shared").status_code == 404
    after = xian_client.get(f"/aid/links/{link.public_id}/")
    html = after.content.decode()
    assert after.status_code == 200 and "sent twice" in html and "Cancelled" in html
    assert "Alzahra" not in html and "ICU" not in html and "Boxes as" not in html and "crushed" not in html
    assert outsider_api.get(f"{API}/links/{link.public_id}").json()["state"] == "cancelled"
    ours = xian_client.get(f"/aid/pledges/{xian.pledge.public_id}/").content.decode()
    assert "Received: 2" not in ours and "Offer to another office" in ours
    theirs = Pledge.objects.get(pk=link.recipient_pledge_id)  # Isfahan keeps its own pledge and report
    assert theirs.state == "received" and theirs.org == aid.org
    assert isfahan_client.get(f"/aid/pledges/{theirs.public_id}/report/").status_code == 200
    twice = outsider_api.post(f"{API}/links/{link.public_id}/cancel", {"reason": "again"},
                              content_type="application/json")
    assert twice.status_code == 409


def test_the_shared_shipments_list_is_a_core_listing_sorted_by_its_headings(aid, xian, isfahan_client, xian_client):
    from tests.list_pages import heading

    link = _accepted(aid, xian)
    for client in (isfahan_client, xian_client):
        html = client.get("/aid/links/").content.decode()
        assert link.reference in html and heading(html, "Offered on")["aria_sort"] == "descending"
        assert heading(html, "Other office")["url"] is None
        by_state = client.get(heading(html, "State")["url"])
        assert by_state.status_code == 200 and link.reference in by_state.content.decode()
        assert heading(by_state.content.decode(), "State")["aria_sort"] == "ascending"


def test_the_links_list_shows_the_offers_own_date_as_its_page_does(aid, xian, xian_client):
    import datetime as dt

    Pledge.objects.filter(pk=xian.pledge.pk).update(offered_on=dt.date(2020, 2, 24))  # an old gift, linked today
    link = sharing.offer_link(org=xian.org, actor=xian.actor, pledge=xian.pledge, recipient_org=aid.org)
    listed = xian_client.get("/aid/links/").content.decode()
    shown = xian_client.get(f"/aid/links/{link.public_id}/").content.decode()
    assert "24 Feb 2020" in shown and "24 Feb 2020" in listed


def test_an_offer_names_its_items_without_their_codes(aid, xian, isfahan_client):
    link = sharing.offer_link(org=xian.org, actor=xian.actor, pledge=xian.pledge, recipient_org=aid.org)
    code = xian.pledge.lines.first().item.code
    for url in ("/aid/links/", f"/aid/links/{link.public_id}/"):
        assert f"({code})" not in isfahan_client.get(url).content.decode(), url


def test_codes_and_names_in_a_message_are_isolated_from_the_sentence(aid, xian, xian_client):
    """«محمولهٔ ISFAHAN-2026-00003: ۱۰ جعبه دریافت شد.» read as «…۱۰ :ISFAHAN-2026-00003…»: each value the
    sentence interpolates is isolated (FSI … PDI), so its Latin punctuation stays its own."""
    offered = xian_client.post(f"/aid/pledges/{xian.pledge.public_id}/offer/", form(xian.org, {"office": "isfahan"}))
    link = PledgeLink.objects.get()
    said = " ".join(_said(offered))
    assert f"\u2068{link.reference}\u2069" in said
