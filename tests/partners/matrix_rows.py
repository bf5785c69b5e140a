import datetime as dt

from django.core.files.uploadedfile import SimpleUploadedFile

from hamdeli.partners import services
from hamdeli.partners.models import Network
from tests.matrix import Row


def build(world):
    world.partnership = services.create_partnership(
        org=world.org, actor=world.officer, city=world.cities["barcelona"], notes="matrix-marker-partner")
    world.archived_partnership = services.archive_partnership(
        org=world.org, actor=world.officer, partnership=services.create_partnership(
            org=world.org, actor=world.officer, city=world.cities["guangzhou"]))
    world.partner_import = services.start_import(org=world.org, actor=world.officer, filename="partners.csv",
                                                 content=IMPORT_CSV)
    world.network = Network.objects.get(slug="metropolis")
    world.membership = services.create_network_membership(org=world.org, actor=world.officer,
                                                          network=world.network, focal_point="matrix-marker-net")


IMPORT_CSV = b"city,country\nFlorence,Italy\nmatrix-marker-import,Nowhere\n"


def _upload(w):
    return SimpleUploadedFile("partners.csv", IMPORT_CSV, content_type="text/csv")


def _i(w):
    return {"public_id": w.partner_import.public_id}


def _p(w):
    return {"public_id": w.partnership.public_id}


def _ap(w):
    return {"public_id": w.archived_partnership.public_id}


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
    Row("partners:archive", method="post", write=True, params=_p, ok=(302,)),
    Row("partners:restore", method="post", write=True, params=_ap, ok=(302,), role="owner"),
    Row("partners:agreement", params=_p, ok=(404,)),  # no scan uploaded: 404 even for the officer
    Row("partners:import"),
    Row("partners:import", method="post", write=True, ok=(302,),
        body=lambda w: {"file": _upload(w), "kind": "sister_city", "state": "active"}),
    Row("partners:import_preview", params=_i),
    Row("partners:import_apply", method="post", write=True, params=_i, ok=(302,)),
    Row("partners:import_status", params=_i),
    Row("partners:import_unresolved", params=_i),
    Row("partners:export", marker=lambda w: "matrix-marker-partner"),
    Row("partners:export", method="post", ok=(302,)),  # prepared by a job (core.downloads)
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
    Row("partners_archive", method="post", write=True, params=_p),
    Row("partners_restore", method="post", write=True, params=_ap, role="owner"),
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
    Row("partners_import_start", method="post", write=True, ok=(201,), multipart=True,
        body=lambda w: {"file": _upload(w)}),
    Row("partners_import_get", params=_i),
    Row("partners_import_apply", method="post", write=True, params=_i),
    Row("partners_import_unresolved", params=_i),
    Row("partners_export", marker=lambda w: "matrix-marker-partner"),
]
