import datetime as dt
import json

import pytest

from hamdeli.core.dates import today
from hamdeli.core.models import AuditEntry
from hamdeli.partners.models import Interaction, NetworkMembership, Partnership


def _json(response):
    return json.loads(response.content)


def test_create_and_read_a_partnership_over_the_api(officer_api, cities):
    created = officer_api.post("/api/v1/partners/partnerships", {"city_geonameid": cities["hyderabad"].pk,
                                                                "kind": "sister_city"},
                               content_type="application/json")
    assert created.status_code == 201
    body = _json(created)
    assert (body["city_name_en"], body["state"], body["ordinal"], body["ordinal_is_provisional"]) == (
        "Hyderabad", "proposed", 1, True)
    moved = officer_api.post(f"/api/v1/partners/partnerships/{body['id']}/transitions",
                             {"action": "submit_bill", "on": "2020-05-05", "council_bill_number": "1399/0187"},
                             content_type="application/json")
    assert moved.status_code == 200
    assert (_json(moved)["state"], _json(moved)["council_bill_number"]) == ("bill_submitted", "1399/0187")
    entry = AuditEntry.objects.filter(action="partnership.submit_bill").get()
    assert entry.before["state"] == "proposed" and entry.after["state"] == "bill_submitted"
    assert entry.actor.username == "officer"


BAD_WRITES = [
    ("post", "/api/v1/partners/partnerships", {}, "city_geonameid"),
    ("post", "/api/v1/partners/partnerships", {"city_geonameid": "Isfahan"}, "city_geonameid"),
    ("post", "/api/v1/partners/partnerships", {"city_geonameid": 999999999}, "city_geonameid"),
    ("post", "/api/v1/partners/partnerships", {"city_geonameid": 1269843, "kind": "lover"}, "kind"),
    ("post", "/api/v1/partners/partnerships", {"city_geonameid": 1269843, "proposed_on": "1398/12/01"},
     "proposed_on"),
    ("post", "/api/v1/partners/partnerships", {"city_geonameid": 1269843, "notes": "x" * 10001}, "notes"),
    ("patch", "/api/v1/partners/partnerships/{p}", {"kind": 5}, "kind"),
    ("post", "/api/v1/partners/partnerships/{p}/transitions", {"action": "sign", "on": "2020-01-01"}, "action"),
    ("post", "/api/v1/partners/partnerships/{p}/transitions", {"action": "fly", "on": "2020-01-01"}, "action"),
    ("post", "/api/v1/partners/partnerships/{p}/transitions", {"action": "submit_bill"}, "on"),
    ("post", "/api/v1/partners/partnerships/{p}/interactions", {"occurred_on": "2020-01-01", "kind": "letter",
                                                                "summary": ""}, "summary"),
    ("post", "/api/v1/partners/partnerships/{p}/interactions", {"occurred_on": "soon", "kind": "letter",
                                                                "summary": "hi"}, "occurred_on"),
    # A contact in the future would keep the relation "healthy" until then; a number is not a date.
    ("post", "/api/v1/partners/partnerships/{p}/interactions",
     {"occurred_on": (today() + dt.timedelta(days=1)).isoformat(), "kind": "letter", "summary": "hi"}, "occurred_on"),
    ("post", "/api/v1/partners/partnerships/{p}/interactions", {"occurred_on": 0, "kind": "letter",
                                                                "summary": "hi"}, "occurred_on"),
    ("post", "/api/v1/partners/partnerships/{p}/interactions", {"occurred_on": "1577836800", "kind": "letter",
                                                                "summary": "hi"}, "occurred_on"),
    ("patch", "/api/v1/partners/partnerships/{p}", {"notes": None}, "notes"),
    ("patch", "/api/v1/partners/partnerships/{p}", {"partner_head": {"xx": "Mayor"}}, "partner_head"),
    ("patch", "/api/v1/partners/partnerships/{p}", {"partner_head": {"zh": "长" * 301}}, "partner_head"),
    ("patch", "/api/v1/partners/partnerships/{p}", {"partner_head": "Mayor"}, "partner_head"),
    ("post", "/api/v1/partners/partnerships", {"city_geonameid": 1269843, "partner_head": {"en": 5}},
     "partner_head.en"),
    ("post", "/api/v1/partners/network-memberships", {"network": "nope"}, "network"),
    ("post", "/api/v1/partners/network-memberships", {}, "network"),
    ("post", "/api/v1/partners/network-memberships/{m}/transitions", {"action": "admit", "on": "2020-01-01"},
     "action"),
    ("patch", "/api/v1/partners/network-memberships/{m}", {"renewal_due_on": "next year"}, "renewal_due_on"),
]


@pytest.mark.parametrize(("method", "path", "payload", "field"), BAD_WRITES)
def test_bad_input_gets_a_translated_4xx_naming_the_field_and_writes_nothing(
        method, path, payload, field, officer_api, org, officer, cities):
    from hamdeli.partners import services
    from hamdeli.partners.models import Network

    p = services.create_partnership(org=org, actor=officer, city=cities["barcelona"])
    m = services.create_network_membership(org=org, actor=officer, network=Network.objects.get(slug="inta"))
    counts = (Partnership.objects.count(), Interaction.objects.count(), NetworkMembership.objects.count(),
              AuditEntry.objects.count())
    response = getattr(officer_api, method)(path.format(p=p.public_id, m=m.public_id), payload,
                                            content_type="application/json", HTTP_ACCEPT_LANGUAGE="fa")
    assert 400 <= response.status_code < 500
    body = _json(response)
    assert set(body) == {"error", "message", "fields", "request_id"}
    assert field in body["fields"], body
    assert any("\u0600" <= ch <= "\u06ff" for ch in body["message"]), "message should be in Persian"
    assert counts == (Partnership.objects.count(), Interaction.objects.count(),
                      NetworkMembership.objects.count(), AuditEntry.objects.count())


def test_malformed_json_is_a_4xx_not_a_500(officer_api):
    response = officer_api.post("/api/v1/partners/partnerships", "{not json", content_type="application/json")
    assert response.status_code in (400, 422)
    assert set(_json(response)) == {"error", "message", "fields", "request_id"}


def test_a_revoked_token_no_longer_works(officer, org):
    from django.test import Client

    from hamdeli.core import services

    token, secret = services.create_api_token(membership=officer.memberships.get(org=org), name="ci")
    client = Client(HTTP_AUTHORIZATION=f"Bearer {secret}")
    assert client.get("/api/v1/me").status_code == 200
    services.revoke_api_token(token=token)
    assert client.get("/api/v1/me").status_code == 401


def test_list_search_is_persian_normalised(officer_api, org, officer, cities):
    from hamdeli.partners import services

    services.create_partnership(org=org, actor=officer, city=cities["kuala_lumpur"], notes="همكاري فرهنگي ۱۳۹۹")
    for query in ("همکاری", "همكاري", "1399", "١٣٩٩", "کوالالامپور", "kuala"):
        found = _json(officer_api.get("/api/v1/partners/partnerships", {"q": query}))["items"]
        assert [p["city_name_en"] for p in found] == ["Kuala Lumpur"], query


def test_the_partners_head_is_written_and_read_in_every_language_over_the_api(officer_api, cities):
    head = {"zh": "西安市市长 王建华", "en": "Mayor of Xi'an Wang Jianhua", "fa": " "}
    created = officer_api.post("/api/v1/partners/partnerships", {"city_geonameid": cities["xian"].pk,
                                                                "partner_head": head},
                               content_type="application/json")
    assert created.status_code == 201
    body = _json(created)
    assert body["partner_head"] == {"zh": "西安市市长 王建华", "en": "Mayor of Xi'an Wang Jianhua"}  # blanks dropped
    patched = officer_api.patch(f"/api/v1/partners/partnerships/{body['id']}",
                                {"partner_head": {"fa": "جناب آقای وانگ جیان‌هوا، شهردار شی‌آن"}},
                                content_type="application/json")
    assert patched.status_code == 200 and _json(patched)["partner_head"] == {
        "fa": "جناب آقای وانگ جیان‌هوا، شهردار شی‌آن"}
    entry = AuditEntry.objects.filter(action="partnership.updated").get()
    assert entry.after["partner_head"] == {"fa": "جناب آقای وانگ جیان‌هوا، شهردار شی‌آن"}
    listed = _json(officer_api.get("/api/v1/partners/partnerships"))["items"]
    assert listed[0]["partner_head"] == {"fa": "جناب آقای وانگ جیان‌هوا، شهردار شی‌آن"}
    assert Partnership.objects.filter(search_key__contains="وانگ").exists()  # found by the head's name
