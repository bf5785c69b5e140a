"""Two offices, one shipment: Xi'an's outbound pledge linked to Isfahan's inbound pledge on one instance."""

import pytest
from django.http import Http404

from hamdeli.aid import selectors, services, sharing
from hamdeli.aid.models import Pledge
from hamdeli.aid.verify import verify
from hamdeli.core import services as core
from hamdeli.core.errors import Conflict, ValidationFailed


def _linked(aid, xian, org, other_org):
    link = sharing.offer_link(org=other_org, actor=xian.actor, pledge=xian.pledge, recipient_org=org)
    assert [x.reference for x in sharing.links(org=org, actor=aid.actor)] == [link.reference]  # the offer shows
    return sharing.accept_link(org=org, actor=aid.actor, link=link, donor=aid.xian, recipient=aid.city)


def test_the_donor_office_reads_the_recipients_receipt_and_custody(aid, xian, org, other_org):
    link = _linked(aid, xian, org, other_org)
    theirs = link.recipient_pledge
    assert theirs.org_id == org.pk and theirs.state == "accepted" and theirs.note == link.reference
    assert [(ln.item.code, ln.quantity) for ln in theirs.lines.all()] == [("mask", 300)]
    consignment = services.create_consignment(org=org, actor=aid.actor, pledge=theirs, boxes=[
        {"lines": [{"item": aid.mask, "quantity": 150}]}, {"lines": [{"item": aid.mask, "quantity": 150}]}])
    shipped = sharing.shared_view(org=other_org, link=link)
    assert [b.state for _c, boxes in shipped["boxes"] for b in boxes] == ["in_transit", "in_transit"]
    first, second = consignment.boxes.all()
    services.receive_box(org=org, actor=aid.actor, box=first, location=aid.store)
    line = second.lines.get()
    services.receive_box(org=org, actor=aid.actor, box=second, location=aid.store, reason="crushed",
                         lines=[{"line": line.public_id, "received": 140, "damaged": 10}])
    services.handover(org=org, actor=aid.actor, source=aid.store, target=aid.uni_store, signed_by="MUI",
                      lines=[{"item": aid.mask, "quantity": 200, "pledge": theirs}])
    services.distribute(org=org, actor=aid.actor, source=aid.uni_store, recipient=aid.hospital,
                        recipient_group="ICU", lines=[{"item": aid.mask, "quantity": 120, "pledge": theirs}])
    view = sharing.shared_view(org=other_org, link=link)
    assert view["donor_side"] and view["report"]["reconciles"]
    assert [r["quantity"] for r in view["report"]["recipients"]] == [120]
    assert [(m.reason, m.quantity) for m in view["discrepancies"]] == [("damaged", 10)]
    assert sharing.link(org=other_org, actor=xian.actor, public_id=link.public_id).reference == link.reference
    assert verify(org) == [] and verify(other_org) == []  # each ledger verifies alone


def test_nothing_else_crosses_the_boundary(aid, xian, org, other_org, cities):
    link = _linked(aid, xian, org, other_org)
    private = services.create_pledge(org=org, actor=aid.actor, direction="inbound", donor=aid.xian,
                                     recipient=aid.city, lines=[(aid.gown, 5)])
    view = sharing.shared_view(org=other_org, link=link)
    assert view["report"]["pledge"].pk == link.recipient_pledge_id
    with pytest.raises(Http404):
        selectors.pledge(org=other_org, actor=xian.actor, public_id=private.public_id)
    with pytest.raises(Http404):
        selectors.pledge(org=other_org, actor=xian.actor, public_id=link.recipient_pledge.public_id)
    with pytest.raises(Http404):  # Xi'an cannot move Isfahan's pledge, nor Isfahan Xi'an's
        services.transition_pledge(org=other_org, actor=xian.actor, pledge=link.recipient_pledge, action="close")
    with pytest.raises(Http404):
        services.transition_pledge(org=org, actor=aid.actor, pledge=xian.pledge, action="cancel", reason="x")
    third = core.ensure_organization(slug="barcelona", city=cities["barcelona"], name={"en": "Barcelona"})
    stranger = core.ensure_member(org=third, username="bcn", role="officer", password="pw-for-tests-only-123")
    assert list(sharing.links(org=third, actor=stranger.user)) == []
    with pytest.raises(Http404):
        sharing.link(org=third, actor=stranger.user, public_id=link.public_id)
    assert "report" not in sharing.shared_view(org=org, link=link)  # the recipient reads only the offer


def test_a_cancelled_link_shows_the_donor_nothing_more(aid, xian, org, other_org):
    link = _linked(aid, xian, org, other_org)
    with pytest.raises(ValidationFailed):
        sharing.cancel_link(org=org, actor=aid.actor, link=link, reason=" ")
    sharing.cancel_link(org=org, actor=aid.actor, link=link, reason="sent through another channel")
    link.refresh_from_db()
    view = sharing.shared_view(org=other_org, link=link)
    assert link.state == "cancelled" and "report" not in view and "boxes" not in view
    with pytest.raises(Conflict):
        sharing.accept_link(org=org, actor=aid.actor, link=link, donor=aid.xian, recipient=aid.city)
    assert Pledge.objects.get(pk=link.recipient_pledge_id).state == "accepted"  # its own pledge stays its own
    again = sharing.offer_link(org=other_org, actor=xian.actor, pledge=xian.pledge, recipient_org=org)
    assert again.state == "offered" and again.reference == link.reference


def test_a_pledge_is_offered_only_to_an_office_partnered_both_ways(aid, org, officer, other_org, outsider, cities):
    """No list of every organization on the instance: an office is offered (and listed) only when each side
    recorded a partnership with the other's city."""
    from hamdeli.partners import services as partners
    from tests.aid.conftest import build_aid

    w = build_aid(other_org, outsider)
    pledge = services.create_pledge(org=other_org, actor=outsider, direction="outbound", donor=w.xian,
                                    recipient=w.city, lines=[(w.mask, 10)])
    assert list(sharing.partner_offices(other_org)) == []
    partners.create_partnership(org=other_org, actor=outsider, city=org.city)  # Xi'an's side only
    assert list(sharing.partner_offices(other_org)) == []
    with pytest.raises(ValidationFailed) as refused:
        sharing.offer_link(org=other_org, actor=outsider, pledge=pledge, recipient_org=org)
    assert "recipient_org" in refused.value.fields and not sharing.links(org=org, actor=officer).exists()
    partners.create_partnership(org=org, actor=officer, city=other_org.city)  # and Isfahan's
    assert list(sharing.partner_offices(other_org)) == [org] and list(sharing.partner_offices(org)) == [other_org]
    third = core.ensure_organization(slug="barcelona", city=cities["barcelona"], name={"en": "Barcelona"})
    partners.create_partnership(org=third, actor=None, city=other_org.city)  # Barcelona knows Xi'an, not back
    assert sharing.partner_office(other_org, "barcelona") is None
    assert sharing.offer_link(org=other_org, actor=outsider, pledge=pledge, recipient_org=org).state == "offered"
