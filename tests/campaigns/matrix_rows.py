import datetime as dt

from hamdeli.campaigns.services import advocacy, awareness, recognition
from hamdeli.partners.models import Network
from tests.campaigns.helpers import pdf, png
from tests.matrix import Row


def build(world):
    org, officer = world.org, world.officer
    world.campaign = awareness.create_campaign(
        org=org, actor=officer, name={"fa": "matrix-marker-campaign", "en": "Stay home"},
        starts_on=dt.date(2020, 2, 20), ends_on=dt.date(2020, 4, 19))
    world.design_set = awareness.add_design_set(org=org, actor=officer, campaign=world.campaign,
                                                title={"en": "Set 1"}, formats=["billboard"],
                                                ready_on=dt.date(2020, 2, 25))
    world.design_file = awareness.add_design_file(org=org, actor=officer, design_set=world.design_set, upload=png())
    world.placement = awareness.add_placement(org=org, actor=officer, design_set=world.design_set, format="billboard",
                                              location="Chaharbagh", starts_on=dt.date(2020, 2, 26), count=40)
    world.spare_set = awareness.add_design_set(org=org, actor=officer, campaign=world.campaign,  # no placements
                                               title={"en": "Set 2"}, formats=["tv"], ready_on=dt.date(2020, 3, 1))
    world.advocacy = advocacy.create_advocacy(org=org, actor=officer, title={"en": "matrix-marker-statement"},
                                              statement={"en": "No to sanctions"}, issued_on=dt.date(2020, 3, 20))
    advocacy.update_advocacy(org=org, actor=officer, campaign=world.advocacy, published=True)
    world.endorsement = advocacy.add_endorsement(
        org=org, actor=officer, campaign=world.advocacy, endorser_name="A. Someone", on_behalf_of="network",
        network=Network.objects.get(slug="inta"), endorsed_on=dt.date(2020, 3, 25), channel="letter",
        letter_file=pdf())
    world.recipient = recognition.create_recipient(org=org, actor=officer, name={"en": "matrix-marker-recipient"})
    world.recipient2 = recognition.create_recipient(org=org, actor=officer, name={"en": "Second hospital"})
    world.item = recognition.create_item(org=org, actor=officer, title={"en": "matrix-marker-item"}, kind="artwork")
    world.copy = recognition.add_copies(org=org, actor=officer, item=world.item, recipients=[world.recipient])[0]


def _c(w):
    return {"public_id": w.campaign.public_id}


def _s(w):
    return {"public_id": w.design_set.public_id}


def _spare(w):
    return {"public_id": w.spare_set.public_id}


def _f(w):
    return {"public_id": w.design_file.public_id}


def _p(w):
    return {"public_id": w.placement.public_id}


def _a(w):
    return {"public_id": w.advocacy.public_id}


def _e(w):
    return {"public_id": w.endorsement.public_id}


def _i(w):
    return {"public_id": w.item.public_id}


def _copy(w):
    return {"public_id": w.copy.public_id}


DAY = "2020-03-01"
CAMPAIGN_FORM = {"name_fa": "کمپین", "name_en": "", "starts_on": "1398/12/01", "ends_on": "1399/01/31"}

ROWS = [
    # pages: awareness
    Row("campaigns:overview", marker=lambda w: "matrix-marker-campaign"),
    Row("campaigns:create"),
    Row("campaigns:create", method="post", write=True, ok=(302,), body=lambda w: CAMPAIGN_FORM),
    Row("campaigns:detail", params=_c),
    Row("campaigns:edit", params=_c),
    Row("campaigns:edit", method="post", write=True, params=_c, ok=(302,), body=lambda w: CAMPAIGN_FORM),
    Row("campaigns:transition", method="post", write=True, params=_c, ok=(302,), body=lambda w: {"action": "start"}),
    Row("campaigns:add_design_set", method="post", write=True, params=_c, ok=(302,),
        body=lambda w: {"title_fa": "طرح", "formats": ["tv"], "ready_on": "1398/12/10"}),
    Row("campaigns:upload_file", method="post", write=True, params=_s, ok=(302,), body=lambda w: {"file": png()}),
    Row("campaigns:add_placement", method="post", write=True, params=_s, ok=(302,),
        body=lambda w: {"format": "billboard", "location": "Chaharbagh", "starts_on": "1398/12/05", "count": "40"}),
    Row("campaigns:design_file", params=lambda w: {"public_id": w.design_file.public_id}),
    Row("campaigns:design_file_thumbnail", params=_f),
    Row("campaigns:edit_design_set", params=_s),
    Row("campaigns:edit_design_set", method="post", write=True, params=_s, ok=(302,),
        body=lambda w: {"title_fa": "طرح", "formats": ["billboard", "tv"], "ready_on": "1398/12/10"}),
    Row("campaigns:remove_design_set", params=_spare),
    Row("campaigns:remove_design_set", method="post", write=True, params=_spare, ok=(302,)),
    Row("campaigns:remove_design_file", params=_f),
    Row("campaigns:remove_design_file", method="post", write=True, params=_f, ok=(302,)),
    Row("campaigns:edit_placement", params=_p),
    Row("campaigns:edit_placement", method="post", write=True, params=_p, ok=(302,),
        body=lambda w: {"format": "billboard", "location": "Ring road", "starts_on": "1398/12/06", "count": "12"}),
    Row("campaigns:remove_placement", params=_p),
    Row("campaigns:remove_placement", method="post", write=True, params=_p, ok=(302,)),
    # pages: advocacy
    Row("campaigns:advocacy_list", marker=lambda w: "matrix-marker-statement"),
    Row("campaigns:advocacy_create"),
    Row("campaigns:advocacy_create", method="post", write=True, ok=(302,),
        body=lambda w: {"title_en": "T", "statement_en": "S", "issued_on": "1399/01/01"}),
    Row("campaigns:advocacy_detail", params=_a),
    Row("campaigns:advocacy_settings", method="post", write=True, params=_a, ok=(302,),
        body=lambda w: {"title_en": "T2", "published": "on"}),
    Row("campaigns:advocacy_add_version", method="post", write=True, params=_a, ok=(302,),
        body=lambda w: {"text_en": "S2", "issued_on": "1399/01/10"}),
    Row("campaigns:advocacy_add_endorsement", method="post", write=True, params=_a, ok=(302,),
        body=lambda w: {"endorser_name": "B", "on_behalf_of": "organisation", "organisation": "X",
                        "endorsed_on": "1399/01/12", "channel": "email"}),
    Row("campaigns:endorsement_verify", method="post", write=True, params=_e, ok=(302,),
        body=lambda w: {"verification": "verified", "published": "on"}),
    Row("campaigns:endorsements_review", method="post", write=True, params=_a, ok=(302,),
        body=lambda w: {"endorsements": [str(w.endorsement.public_id)], "verification": "verified"}),
    Row("campaigns:endorsement_letter", params=_e),
    Row("campaigns:statement_public", public=True, params=_a),
    # pages: recognition
    Row("campaigns:recognition_list", marker=lambda w: "matrix-marker-item"),
    Row("campaigns:recognition_create"),
    Row("campaigns:recognition_create", method="post", write=True, ok=(302,),
        body=lambda w: {"title_fa": "لوح", "kind": "plaque"}),
    Row("campaigns:recipients", marker=lambda w: "matrix-marker-recipient"),
    Row("campaigns:recipient_create", method="post", write=True, ok=(302,), body=lambda w: {"name_fa": "بیمارستان"}),
    Row("campaigns:recipients_from_aid", method="post", write=True, ok=(302,)),
    Row("campaigns:recognition_detail", params=_i),
    Row("campaigns:recognition_add_copies", method="post", write=True, params=_i, ok=(302,),
        body=lambda w: {"recipients": [str(w.recipient2.public_id)]}),
    Row("campaigns:copy_handover", method="post", write=True, params=_copy, ok=(302,),
        body=lambda w: {"handed_over_on": "1399/02/22", "received_by": "Head nurse"}),
    # API
    Row("campaigns_list", marker=lambda w: "matrix-marker-campaign"),
    Row("campaigns_create", method="post", write=True, ok=(201,),
        body=lambda w: {"name": {"fa": "کمپین"}, "starts_on": DAY, "ends_on": "2020-04-01"}),
    Row("campaigns_get", params=_c),
    Row("campaigns_update", method="patch", write=True, params=_c, body=lambda w: {"audience": "everyone"}),
    Row("campaigns_transition", method="post", write=True, params=_c, body=lambda w: {"action": "start"}),
    Row("campaigns_add_design_set", method="post", write=True, params=_c, ok=(201,),
        body=lambda w: {"title": {"fa": "طرح"}, "formats": ["print"], "ready_on": DAY}),
    Row("campaigns_upload_design_file", method="post", write=True, params=_s, ok=(201,), multipart=True,
        body=lambda w: {"file": png()}),
    Row("campaigns_add_placement", method="post", write=True, params=_s, ok=(201,),
        body=lambda w: {"format": "billboard", "location": "Isfahan", "starts_on": DAY, "count": 40}),
    Row("campaigns_design_file_content", params=lambda w: {"public_id": w.design_file.public_id}),
    Row("campaigns_design_file_thumbnail", params=_f),
    Row("campaigns_update_design_set", method="patch", write=True, params=_s,
        body=lambda w: {"title": {"en": "Set 1, revised"}, "formats": ["billboard", "print"]}),
    Row("campaigns_remove_design_set", method="delete", write=True, params=_spare, ok=(204,)),
    Row("campaigns_remove_design_file", method="delete", write=True, params=_f, ok=(204,)),
    Row("campaigns_update_placement", method="patch", write=True, params=_p,
        body=lambda w: {"count": 12, "reach": 900}),
    Row("campaigns_remove_placement", method="delete", write=True, params=_p, ok=(204,)),
    Row("campaigns_overview", marker=lambda w: "matrix-marker-campaign"),
    Row("campaigns_dashboard"),
    Row("advocacy_list", marker=lambda w: "matrix-marker-statement"),
    Row("advocacy_create", method="post", write=True, ok=(201,),
        body=lambda w: {"title": {"en": "T"}, "statement": {"en": "S"}, "issued_on": DAY}),
    Row("advocacy_get", params=_a),
    Row("advocacy_update", method="patch", write=True, params=_a, body=lambda w: {"target_date": DAY}),
    Row("advocacy_add_version", method="post", write=True, params=_a, ok=(201,),
        body=lambda w: {"text": {"en": "S2"}, "issued_on": DAY}),
    Row("advocacy_endorsements", params=_a),
    Row("advocacy_add_endorsement", method="post", write=True, params=_a, ok=(201,),
        body=lambda w: {"endorser_name": "C", "on_behalf_of": "organisation", "organisation": "Y",
                        "endorsed_on": DAY, "channel": "public_post"}),
    Row("advocacy_verify", method="post", write=True, params=_e, body=lambda w: {"verification": "verified"}),
    Row("advocacy_review", method="post", write=True, params=_a,
        body=lambda w: {"endorsements": [str(w.endorsement.public_id)], "verification": "rejected"}),
    Row("advocacy_attach_letter", method="post", write=True, params=_e, multipart=True,
        body=lambda w: {"file": pdf()}),
    Row("recognition_recipients", marker=lambda w: "matrix-marker-recipient"),
    Row("recognition_add_recipient", method="post", write=True, ok=(201,), body=lambda w: {"name": {"fa": "وزارت"}}),
    Row("recognition_recipients_from_aid", method="post", write=True, ok=(201,)),
    Row("recognition_list", marker=lambda w: "matrix-marker-item"),
    Row("recognition_create", method="post", write=True, ok=(201,),
        body=lambda w: {"title": {"en": "Plaque"}, "kind": "plaque"}),
    Row("recognition_get", params=_i),
    Row("recognition_add_copies", method="post", write=True, params=_i, ok=(201,),
        body=lambda w: {"recipients": [str(w.recipient2.public_id)]}),
    Row("recognition_handover", method="post", write=True, params=_copy,
        body=lambda w: {"handed_over_on": DAY, "received_by": "Dr. X"}),
]
