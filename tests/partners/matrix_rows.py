import datetime as dt

from hamdeli.partners import services
from hamdeli.partners.models import Network
from tests.matrix import Row


def build(world):
    world.partnership = services.create_partnership(
        org=world.org, actor=world.officer, city=world.cities["barcelona"], notes="matrix-marker-partner")
    world.network = Network.objects.get(slug="metropolis")
    world.membership = services.create_network_membership(org=world.org, actor=world.officer,
                                                          network=world.network, focal_point="matrix-marker-net")


def _p(w):
    return {"public_id": w.partnership.public_id}


def _m(w):
    return {"public_id": w.membership.public_id}


DAY = dt.date(2020, 3, 1).isoformat()

ROWS = [
    Row("partners:list", marker=lambda w: w.cities["barcelona"].name_fa),
    Row("partners:create"),
    Row("partners:create", method="post", write=True, ok=(302,),
        body=lambda w: {"city": w.cities["hyderabad"].pk, "kind": "sister_city"}),
    Row("partners:detail", params=_p),
    Row("partners:edit", params=_p),
    Row("partners:edit", method="post", write=True, params=_p, ok=(302,),
        body=lambda w: {"kind": "friendship_city", "notes": "x"}),
    Row("partners:transition", method="post", write=True, params=_p, ok=(302,),
        body=lambda w: {"action": "submit_bill", "on": "1398/12/01"}),
    Row("partners:add_interaction", method="post", write=True, params=_p, ok=(302,),
        body=lambda w: {"occurred_on": "1399/01/05", "kind": "letter", "summary": "hello"}),
    Row("partners:agreement", params=_p, ok=(404,)),  # no scan uploaded: 404 even for the officer
    Row("partners:networks", marker=lambda w: "matrix-marker-net"),
    Row("partners:membership_create"),
    Row("partners:membership_create", method="post", write=True, ok=(302,),
        body=lambda w: {"network": Network.objects.get(slug="inta").pk}),
    Row("partners:membership", params=_m),
    Row("partners:membership_edit", method="post", write=True, params=_m, ok=(302,),
        body=lambda w: {"focal_point": "someone"}),
    Row("partners:membership_transition", method="post", write=True, params=_m, ok=(302,),
        body=lambda w: {"action": "apply", "on": "1399/02/01"}),
    # API
    Row("partners_list", marker=lambda w: "matrix-marker-partner"),
    Row("partners_create", method="post", write=True, ok=(201,),
        body=lambda w: {"city_geonameid": w.cities["hyderabad"].pk}),
    Row("partners_get", params=_p),
    Row("partners_update", method="patch", write=True, params=_p, body=lambda w: {"notes": "changed"}),
    Row("partners_transition", method="post", write=True, params=_p,
        body=lambda w: {"action": "submit_bill", "on": DAY}),
    Row("partners_timeline", params=_p),
    Row("partners_add_interaction", method="post", write=True, params=_p, ok=(201,),
        body=lambda w: {"occurred_on": DAY, "kind": "call", "summary": "call"}),
    Row("networks_list"),
    Row("memberships_list", marker=lambda w: "matrix-marker-net"),
    Row("memberships_create", method="post", write=True, ok=(201,), body=lambda w: {"network": "inta"}),
    Row("memberships_get", params=_m),
    Row("memberships_update", method="patch", write=True, params=_m, body=lambda w: {"focal_point": "x"}),
    Row("memberships_transition", method="post", write=True, params=_m,
        body=lambda w: {"action": "apply", "on": DAY}),
    Row("partners_dashboard"),
]
