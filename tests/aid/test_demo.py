"""The aid part of the Isfahan 2020 demo tells the story and keeps the ledger sound."""

from hamdeli.aid import selectors
from hamdeli.aid.models import Box, Pledge
from hamdeli.aid.verify import verify
from hamdeli.demo.loader import load_demo


def test_demo_aid_story(db):
    logins = load_demo()
    assert ("mui_store" in {username for _org, username, _role in logins["users"]})
    inbound = Pledge.objects.filter(org__slug="isfahan", direction="inbound")
    assert inbound.count() == 2 and set(inbound.values_list("state", flat=True)) == {"received"}
    assert Box.objects.filter(org__slug="isfahan").count() > 100
    xian = inbound.get(label__en="Friendship in days of hardship")
    assert xian.label["fa"] == "رفاقت در روزهای مشقت" and xian.label["zh"] == "患难见真情"
    report = selectors.report(org=xian.org, pledge=xian)
    assert report["reconciles"] and len({r["recipient__public_id"] for r in report["recipients"]}) == 4
    assert any(loc.kind == "lost_damaged" for row in report["items"] for loc, _q in row["places"])
    cancelled = Pledge.objects.get(org__slug="isfahan", direction="outbound")
    assert cancelled.state == "cancelled" and "technical reasons" in cancelled.cancel_reason
    assert Pledge.objects.get(org__slug="xian", direction="outbound").state == "received"
    assert verify() == []


def test_demo_links_xians_outbound_pledge_to_isfahans_inbound_one(db):
    from hamdeli.aid import sharing
    from hamdeli.core.models import Organization

    load_demo()
    xian_office = Organization.objects.get(slug="xian")
    (link,) = sharing.links(org=xian_office)
    assert link.state == "accepted" and link.recipient_pledge.label["zh"] == "患难见真情"
    view = sharing.shared_view(org=xian_office, link=link)
    assert view["report"]["reconciles"] and len(view["report"]["recipients"]) >= 4
    assert [m.reason for m in view["discrepancies"]] == ["short"]  # the gown box that arrived 5 short
    # and the pages show it: Xi'an's pledge names the shared shipment, whose page shows Isfahan's receipt
    from django.conf import settings
    from django.contrib.auth import get_user_model

    from tests.conftest import client_for

    users = get_user_model().objects
    xian_pages, isfahan_pages = client_for(users.get(username="xian_officer")), client_for(
        users.get(username="isfahan_logistics"))
    for client in (xian_pages, isfahan_pages):
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    pledge = xian_pages.get(f"/aid/pledges/{link.donor_pledge.public_id}/").content.decode()
    assert link.reference in pledge and f"/aid/links/{link.public_id}/" in pledge
    shared = xian_pages.get(f"/aid/links/{link.public_id}/").content.decode()
    assert "Isfahan" in shared and "Accepted" in shared and "Al-Zahra Hospital" in shared
    assert "Short" in shared and "Received" in shared  # the gown box that arrived 5 short, the boxes received
    assert link.reference in xian_pages.get("/aid/links/").content.decode()
    mine = isfahan_pages.get(f"/aid/pledges/{link.recipient_pledge.public_id}/").content.decode()
    assert link.reference in mine and "Xi&#x27;an Municipal Foreign Affairs Office" in mine
    assert link.reference in isfahan_pages.get("/aid/links/").content.decode()
