import datetime as dt
from types import SimpleNamespace

from django.core.files.uploadedfile import SimpleUploadedFile

from hamdeli.aid import services, sharing
from hamdeli.aid.models import Movement
from hamdeli.core import formtokens
from hamdeli.core import services as core
from tests.matrix import OFFICE, OWN_STORES, Row


def build(world):
    org, actor = world.org, world.officer
    a = world.aid = type("AidWorld", (), {})()
    a.item = services.create_item(
        org=org, actor=actor, code="matrix-item", name={"fa": "ماسک", "en": "Mask"}, unit_value=1, currency="CNY"
    )
    a.spare_item = services.create_item(org=org, actor=actor, code="matrix-spare", name={"en": "Spare"})
    a.archived_item = services.archive_item(org=org, actor=actor, item=services.create_item(
        org=org, actor=actor, code="matrix-archived", name={"en": "Archived"}))
    a.donor = services.create_party(
        org=org, actor=actor, name={"fa": "matrix-donor", "en": "matrix-donor"}, kind="city"
    )
    a.city = services.create_party(org=org, actor=actor, name={"fa": "اصفهان", "en": "Isfahan"}, kind="city")
    a.hospital = services.create_party(
        org=org, actor=actor, name={"fa": "بیمارستان", "en": "Hospital"}, kind="hospital"
    )
    a.store = services.create_location(
        org=org, actor=actor, name={"fa": "matrix-aid-store", "en": "matrix-aid-store"}, party=a.city
    )
    a.other_store = services.create_location(
        org=org, actor=actor, name={"fa": "انبار ۲", "en": "Store 2"}, party=a.hospital
    )
    a.offered = services.create_pledge(
        org=org,
        actor=actor,
        direction="inbound",
        donor=a.donor,
        recipient=a.city,
        label={"fa": "matrix-pledge", "en": "matrix-pledge"},
        lines=[(a.item, 100)],
    )
    accepted = services.create_pledge(
        org=org, actor=actor, direction="inbound", donor=a.donor, recipient=a.city, lines=[(a.item, 100)]
    )
    a.accepted = services.transition_pledge(org=org, actor=actor, pledge=accepted, action="accept")
    shipped = services.transition_pledge(
        org=org,
        actor=actor,
        action="accept",
        pledge=services.create_pledge(
            org=org, actor=actor, direction="inbound", donor=a.donor, recipient=a.city, lines=[(a.item, 30)]
        ),
    )
    a.consignment = services.create_consignment(
        org=org,
        actor=actor,
        pledge=shipped,
        boxes=[
            {"lines": [{"item": a.item, "quantity": 10, "lot": "M1", "expires_on": dt.date(2099, 1, 1)}]}
            for _ in range(3)
        ],
    )
    boxes = list(a.consignment.boxes.all())
    services.receive_box(org=org, actor=actor, box=boxes[0], location=a.store)
    services.receive_box(org=org, actor=actor, box=boxes[1], location=a.store)
    a.box = boxes[2]
    a.shipped = shipped
    a.lot = shipped.lots.get()
    core.ensure_member(org=org, username="matrix_inst", role="institution", password="pw-for-tests-only-123")
    a.movement = Movement.objects.filter(org=org, to_location=a.store).first()
    _stores(world, a)


def _stores(world, a):
    """A member of an institution's store granted store A (a.store) only, and store B with rows of its own:
    lot M1 of store A also reached B, which gave some to a ward; B took in a lot A never held."""
    org, actor = world.org, world.officer
    clerk = core.ensure_member(org=org, username="matrix_clerk", role="institution", password="pw-for-tests-only-123")
    world.store_clerk = clerk.user
    services.grant_location(org=org, actor=actor, membership=clerk, location=a.store)
    far_party = services.create_party(org=org, actor=actor, name={"en": "matrix-far-party"}, kind="hospital")
    far_store = services.create_location(org=org, actor=actor, name={"en": "matrix-far-store"}, party=far_party)
    services.handover(org=org, actor=actor, source=a.store, target=far_store, signed_by="B's clerk",
                      lines=[{"item": a.item, "quantity": 5}])
    services.distribute(org=org, actor=actor, source=far_store, recipient=a.hospital, recipient_group="matrix-far-ward",
                        note="matrix-far-note", lines=[{"item": a.item, "quantity": 2}])
    (far_intake,) = services.intake(org=org, actor=actor, location=far_store, item=a.item, quantity=9,
                                    lot_number="matrix-far-lot", note="matrix-far-note")
    far = {"store": far_store, "lot": far_intake.lot, "movement": far_intake}
    world.elsewhere = lambda w: SimpleNamespace(**{**vars(w), "aid": SimpleNamespace(**{**vars(w.aid), **far})})
    world.elsewhere_markers = ("matrix-far-ward", "matrix-far-note", "matrix-far-lot")


def _w(w):
    return w.aid


def links_world(w):
    """Built on first use, by the rows of shared shipments only: a third office (Kuala Lumpur's) with a
    partnership recorded on both sides, its offer waiting for us, our pledge it accepted, and an outbound
    pledge of ours not offered yet. The outsider's office (Xi'an) takes no part in any of them."""
    if getattr(w, "links", None) is not None:
        return w.links
    from hamdeli.partners import services as partners

    org, actor, a = w.org, w.officer, w.aid
    k = w.links = SimpleNamespace()
    kl = core.ensure_organization(slug="matrix-kl", city=w.cities["kuala_lumpur"],
                                  name={"fa": "دفتر کوالالامپور", "en": "matrix-kl-office"})
    kl_actor = core.ensure_member(org=kl, username="matrix_kl", role="officer", password="pw-for-tests-only-123").user
    partners.create_partnership(org=org, actor=actor, city=w.cities["kuala_lumpur"])
    partners.create_partnership(org=kl, actor=kl_actor, city=w.cities["isfahan"])
    item = services.create_item(org=kl, actor=kl_actor, code="matrix-item", name={"en": "Mask"})
    kl_city = services.create_party(org=kl, actor=kl_actor, name={"en": "Kuala Lumpur"}, kind="city")
    kl_isfahan = services.create_party(org=kl, actor=kl_actor, name={"en": "Isfahan"}, kind="city")
    theirs = services.create_pledge(org=kl, actor=kl_actor, direction="outbound", donor=kl_city,
                                    recipient=kl_isfahan, lines=[(item, 10)])
    k.link_in = sharing.offer_link(org=kl, actor=kl_actor, pledge=theirs, recipient_org=org)
    ours = services.create_pledge(org=org, actor=actor, direction="outbound", donor=a.city, recipient=a.donor,
                                  lines=[(a.item, 10)])
    offered = sharing.offer_link(org=org, actor=actor, pledge=ours, recipient_org=kl)
    k.link_out = sharing.accept_link(org=kl, actor=kl_actor, link=offered, donor=kl_isfahan, recipient=kl_city)
    k.outbound = services.create_pledge(org=org, actor=actor, direction="outbound", donor=a.city, recipient=a.donor,
                                        lines=[(a.item, 5)])
    return k


def link_pid(attr):
    return lambda w: {"public_id": getattr(links_world(w), attr).public_id}


def with_links(w):
    """No URL parameter, but the shared shipments exist before the first call (so the outsider's answer is
    checked against them)."""
    links_world(w)
    return {}


def _csv(w):
    return SimpleUploadedFile(
        "boxes.csv", b"box,item,quantity,lot,expires_on\n1,matrix-item,5,X1,2021-05-01\n", content_type="text/csv"
    )


def _confirmed_csv(w):
    """The confirm step of a box-list import: the previewed text and the digest of what it creates."""
    from hamdeli.aid import imports
    from hamdeli.aid.forms import ImportConfirmForm

    text = "box,item,quantity,lot,expires_on\n1,matrix-item,5,X1,2021-05-01\n"
    digest = imports.plan(org=w.aid.accepted.org, text=text, pledge=w.aid.accepted).fingerprint()
    return {"confirm": "1", **ImportConfirmForm.initial_for(text, digest, "", "")}


def page_form(body):
    """A page form's body with the one-time token its page renders (a fresh one for every post)."""
    return lambda w: {**body(w), formtokens.FIELD: formtokens.issue(w.org)}


def pid(attr):
    return lambda w: {"public_id": getattr(w.aid, attr).public_id}


def move_body(w, **extra):
    return {
        "source": str(w.aid.store.public_id),
        "lines": [{"item": str(w.aid.item.public_id), "quantity": 1}],
        **extra,
    }


ROWS = [
    Row("aid:home", marker=lambda w: "matrix-aid-store", stores=OWN_STORES),
    Row("aid:setup", marker=lambda w: "matrix-item", stores=OWN_STORES),
    Row(
        "aid:item_create",
        method="post",
        write=True,
        ok=(302,),
        body=page_form(lambda w: {"code": "gown", "name_fa": "گان", "name_en": "Gown", "base_unit": "piece"}),
    ),
    Row("aid:item_archive", method="post", write=True, ok=(302,), params=pid("spare_item"),
        body=page_form(lambda w: {})),
    Row("aid:item_restore", method="post", write=True, ok=(302,), params=pid("archived_item"), role="owner",
        body=page_form(lambda w: {})),
    Row(
        "aid:party_create",
        method="post",
        write=True,
        ok=(302,),
        body=page_form(lambda w: {"name_fa": "وزارت", "name_en": "Ministry", "kind": "ministry"}),
    ),
    Row(
        "aid:location_create",
        method="post",
        write=True,
        ok=(302,),
        body=page_form(lambda w: {"name_fa": "انبار", "name_en": "Store", "party": w.aid.hospital.public_id}),
    ),
    Row("aid:pledges", marker=lambda w: "matrix-pledge", stores=OFFICE),
    Row("aid:pledge_create"),
    Row(
        "aid:pledge_create",
        method="post",
        write=True,
        ok=(302,),
        body=page_form(lambda w: {
            "direction": "inbound",
            "donor": w.aid.donor.public_id,
            "recipient": w.aid.city.public_id,
            "item": w.aid.item.public_id,
            "quantity": 10,
        }),
    ),
    Row("aid:pledge", params=pid("offered"), stores=OFFICE),
    Row(
        "aid:pledge_transition",
        method="post",
        write=True,
        params=pid("offered"),
        ok=(302,),
        body=page_form(lambda w: {"action": "accept"}),
        stores=OFFICE,
    ),
    Row(
        "aid:consignment_import",
        method="post",
        write=True,
        params=pid("accepted"),
        ok=(302,),
        body=page_form(_confirmed_csv),
        stores=OFFICE,
    ),
    Row("aid:boxes_template", params=pid("shipped"), stores=OFFICE),
    Row(
        "aid:consignment_boxes",
        method="post",
        write=True,
        params=pid("accepted"),
        ok=(302,),
        body=page_form(lambda w: {"item_1": w.aid.item.public_id, "boxes_1": 2, "per_box_1": 5, "confirm": "1"}),
        stores=OFFICE,
    ),
    Row("aid:report", params=pid("shipped"), stores=OFFICE),
    Row("aid:report_pdf", params=pid("shipped"), stores=OFFICE),
    Row("aid:report_pdf", method="post", params=pid("shipped"), ok=(302,), stores=OFFICE),  # prepared (core.downloads)
    Row(
        "aid:box_receive",
        method="post",
        write=True,
        params=pid("box"),
        ok=(302,),
        body=page_form(lambda w: {"location": w.aid.store.public_id}),
        stores=OFFICE,
    ),
    Row(
        "aid:consignment_receive_all",
        method="post",
        write=True,
        params=pid("consignment"),
        ok=(302,),
        body=page_form(lambda w: {"location": w.aid.store.public_id}),
        stores=OFFICE,
    ),
    Row("aid:box_label", params=pid("box"), stores=OFFICE),
    Row("aid:consignment_labels", params=pid("consignment"), stores=OFFICE),
    Row("aid:intake", stores=OWN_STORES),
    Row(
        "aid:intake",
        method="post",
        write=True,
        ok=(302,),
        body=page_form(lambda w: {"location": w.aid.store.public_id, "item": w.aid.item.public_id, "quantity": 7,
                        "donor": w.aid.donor.public_id, "lot_number": "GIFT-1", "expires_on": "1400/04/09"}),
        stores=OWN_STORES,
    ),
    Row("aid:handover", stores=OWN_STORES),
    Row(
        "aid:handover",
        method="post",
        write=True,
        ok=(302,),
        body=page_form(lambda w: {
            "source": w.aid.store.public_id,
            "target": w.aid.other_store.public_id,
            "item": w.aid.item.public_id,
            "quantity": 1,
            "signed_by": "Dr. A",
        }),
        stores=OWN_STORES,
    ),
    Row("aid:dispose", stores=OWN_STORES),
    Row(
        "aid:dispose",
        method="post",
        write=True,
        ok=(302,),
        body=page_form(lambda w: {
            "source": w.aid.store.public_id,
            "item": w.aid.item.public_id,
            "quantity": 1,
            "reason": "expired",
        }),
        stores=OWN_STORES,
    ),
    Row("aid:distribute", stores=OWN_STORES),
    Row(
        "aid:distribute",
        method="post",
        write=True,
        ok=(302,),
        body=page_form(lambda w: {
            "source": w.aid.store.public_id,
            "recipient": w.aid.hospital.public_id,
            "recipient_group": "ICU",
            "item": w.aid.item.public_id,
            "quantity": 1,
        }),
        stores=OWN_STORES,
    ),
    Row("aid:trace", params=pid("shipped"), stores=OFFICE),
    Row("aid:location", params=pid("store"), stores=OWN_STORES),
    Row("aid:lot", params=pid("lot"), stores=OWN_STORES),
    Row(
        "aid:location_grant",
        method="post",
        write=True,
        params=pid("store"),
        ok=(302,),
        body=page_form(lambda w: {"membership": w.org.memberships.get(user__username="matrix_inst").pk}),
    ),
    Row("aid:movements", marker=lambda w: "matrix-aid-store", stores=OWN_STORES),
    Row(
        "aid:movement_reverse",
        method="post",
        write=True,
        params=pid("movement"),
        ok=(302,),
        body=page_form(lambda w: {"note": "entered twice"}),
    ),
    Row("aid:flow", marker=lambda w: "matrix-donor", stores=OFFICE),
    Row("aid:export_movements", marker=lambda w: "matrix-aid-store", stores=OWN_STORES),
    Row("aid:export_movements", method="post", ok=(302,), stores=OWN_STORES),  # prepared (core.downloads)
    Row("aid:export_iati", marker=lambda w: "matrix-pledge", stores=OFFICE),
    Row("aid:export_hxl", marker=lambda w: "matrix-donor", stores=OFFICE),
    Row("aid:links", params=with_links, marker=lambda w: w.links.link_out.reference, stores=OFFICE),
    Row("aid:link", params=link_pid("link_out"), stores=OFFICE),
    Row("aid:link_offer", method="post", write=True, params=link_pid("outbound"), ok=(302,),
        body=page_form(lambda w: {"office": "matrix-kl"})),
    Row("aid:link_accept", method="post", write=True, params=link_pid("link_in"), ok=(302,),
        body=page_form(lambda w: {"donor": w.aid.donor.public_id, "recipient": w.aid.city.public_id})),
    Row("aid:link_cancel", method="post", write=True, params=link_pid("link_out"), ok=(302,),
        body=page_form(lambda w: {"reason": "sent through another channel"})),
    # API
    Row("aid_items_list", marker=lambda w: "matrix-item", stores=OWN_STORES),
    Row("aid_items_create", method="post", write=True, ok=(201,), body=lambda w: {"code": "gown", "name": {"en": "G"}}),
    Row("aid_items_archive", method="post", write=True, params=pid("spare_item")),
    Row("aid_items_restore", method="post", write=True, params=pid("archived_item"), role="owner"),
    Row("aid_parties_list", marker=lambda w: "matrix-donor", stores=OWN_STORES),
    Row(
        "aid_parties_create",
        method="post",
        write=True,
        ok=(201,),
        body=lambda w: {"name": {"en": "Ministry"}, "kind": "ministry"},
    ),
    Row("aid_locations_list", marker=lambda w: "matrix-aid-store", stores=OWN_STORES),
    Row(
        "aid_locations_create",
        method="post",
        write=True,
        ok=(201,),
        body=lambda w: {"name": {"en": "Ward store"}, "party": str(w.aid.hospital.public_id)},
    ),
    Row("aid_locations_grant", method="post", write=True, params=pid("other_store"), ok=(201,),
        body=lambda w: {"username": "matrix_inst"}),
    Row("aid_stock", marker=lambda w: "matrix-aid-store", stores=OWN_STORES),
    Row(
        "aid_fefo",
        body=lambda w: {"location": str(w.aid.store.public_id), "item": str(w.aid.item.public_id), "quantity": 1},
        stores=OWN_STORES,
    ),
    Row("aid_pledges_list", marker=lambda w: "matrix-pledge", stores=OFFICE),
    Row(
        "aid_pledges_create",
        method="post",
        write=True,
        ok=(201,),
        body=lambda w: {
            "direction": "inbound",
            "donor": str(w.aid.donor.public_id),
            "recipient": str(w.aid.city.public_id),
            "lines": [{"item": str(w.aid.item.public_id), "quantity": 5}],
        },
    ),
    Row("aid_pledges_get", params=pid("offered"), stores=OFFICE),
    Row(
        "aid_pledges_transition", method="post", write=True, params=pid("offered"), body=lambda w: {"action": "accept"},
        stores=OFFICE,
    ),
    Row(
        "aid_consignments_create",
        method="post",
        write=True,
        params=pid("accepted"),
        ok=(201,),
        body=lambda w: {"boxes": [{"lines": [{"item": str(w.aid.item.public_id), "quantity": 5}]}]},
        stores=OFFICE,
    ),
    Row(
        "aid_consignments_import",
        method="post",
        write=True,
        params=pid("accepted"),
        ok=(201,),
        multipart=True,
        body=lambda w: {"file": _csv(w)},
        stores=OFFICE,
    ),
    Row("aid_consignments_get", params=pid("consignment"), stores=OFFICE),
    Row(
        "aid_consignments_receive_all",
        method="post",
        write=True,
        params=pid("consignment"),
        body=lambda w: {"location": str(w.aid.store.public_id)},
        stores=OFFICE,
    ),
    Row(
        "aid_boxes_receive",
        method="post",
        write=True,
        params=pid("box"),
        body=lambda w: {"location": str(w.aid.store.public_id)},
        stores=OFFICE,
    ),
    Row(
        "aid_intakes_create",
        method="post",
        write=True,
        ok=(201,),
        body=lambda w: {"location": str(w.aid.store.public_id), "item": str(w.aid.item.public_id), "quantity": 3},
        stores=OWN_STORES,
    ),
    Row(
        "aid_handovers_create",
        method="post",
        write=True,
        ok=(201,),
        body=lambda w: move_body(w, target=str(w.aid.other_store.public_id), signed_by="Dr. A"),
        stores=OWN_STORES,
    ),
    Row(
        "aid_distributions_create",
        method="post",
        write=True,
        ok=(201,),
        body=lambda w: move_body(w, recipient=str(w.aid.hospital.public_id), recipient_group="ICU"),
        stores=OWN_STORES,
    ),
    Row(
        "aid_disposals_create",
        method="post",
        write=True,
        ok=(201,),
        body=lambda w: move_body(w, reason="spoilt by water"),
        stores=OWN_STORES,
    ),
    Row(
        "aid_movements_reverse",
        method="post",
        write=True,
        params=pid("movement"),
        ok=(201,),
        body=lambda w: {"note": "entered twice"},
        stores=OFFICE,
    ),
    Row("aid_movements_list", marker=lambda w: "matrix-aid-store", stores=OWN_STORES),
    Row("aid_trace_forward", params=pid("shipped"), stores=OFFICE),
    Row("aid_trace_backward", params=pid("store"), stores=OWN_STORES),
    Row("aid_lots_recall", params=pid("lot"), stores=OWN_STORES),
    Row("aid_pledges_report", params=pid("shipped"), stores=OFFICE),
    Row("aid_export_iati", marker=lambda w: "matrix-pledge", stores=OFFICE),
    Row("aid_export_hxl", marker=lambda w: "matrix-donor", stores=OFFICE),
    Row("aid_export_movements", marker=lambda w: "matrix-aid-store", stores=OWN_STORES),
    Row("aid_links_list", params=with_links, marker=lambda w: w.links.link_out.reference, stores=OFFICE),
    Row("aid_links_offices", params=with_links, marker=lambda w: "matrix-kl", stores=OFFICE),
    Row("aid_links_offer", method="post", write=True, params=with_links, ok=(201,),
        body=lambda w: {"pledge": str(w.links.outbound.public_id), "office": "matrix-kl"}),
    Row("aid_links_get", params=link_pid("link_out"), stores=OFFICE),
    Row("aid_links_accept", method="post", write=True, params=link_pid("link_in"),
        body=lambda w: {"donor": str(w.aid.donor.public_id), "recipient": str(w.aid.city.public_id)}),
    Row("aid_links_cancel", method="post", write=True, params=link_pid("link_out"),
        body=lambda w: {"reason": "sent through another channel"}),
    Row("aid_links_shared", params=link_pid("link_out"), stores=OFFICE),

]
