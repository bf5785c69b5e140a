"""Every API list costs the same number of queries for 1 row as for 50: no query per row (issue 17).

Each case adds one row of its list per call (`add(world, i)`); the test reads the list with one row,
then with fifty, and compares the queries counted by CaptureQueriesContext.
"""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from hamdeli.aid import services as aid
from hamdeli.campaigns.services import advocacy, awareness, recognition
from hamdeli.core import audit
from hamdeli.core.dates import today
from hamdeli.correspondence import services as letters
from hamdeli.partners import services as partners
from hamdeli.partners.models import Network
from hamdeli.places.models import City, Country
from hamdeli.practices import services as practices
from hamdeli.practices.models import CityQuestion
from tests.conftest import api_client_for
from tests.sample_files import PDF  # a real one: uploads are parsed in full

D = dt.date(2020, 3, 1)


def _city(i):
    Country.objects.get_or_create(code="ZZ", defaults={"name_en": "Testland", "name_fa": "آزمون"})
    return City.objects.create(geonameid=9_000_000 + i, name_en=f"Town {i}", name_fa=f"شهر {i}", country_id="ZZ",
                               population=1000 + i, search_key=f"town {i}")


def _country_code(i):
    """Two lower-case letters, unique per i (the fixtures' real codes are upper-case)."""
    return chr(97 + i % 26) + chr(97 + i // 26)


def _aid_base(w):
    if not hasattr(w, "donor"):
        w.donor = aid.create_party(org=w.org, actor=w.actor, name={"fa": "اهداکننده", "en": "Donor"}, kind="city")
        w.city = aid.create_party(org=w.org, actor=w.actor, name={"fa": "اصفهان", "en": "Isfahan"}, kind="city")
        w.store = aid.create_location(org=w.org, actor=w.actor, name={"fa": "انبار", "en": "Store"}, party=w.city)
    return w


def _item(w, i):
    return aid.create_item(org=w.org, actor=w.actor, code=f"item-{i}", name={"fa": f"قلم {i}", "en": f"Item {i}"})


def _pledge(w, i):
    _aid_base(w)
    item = _item(w, i)
    p = aid.create_pledge(org=w.org, actor=w.actor, direction="inbound", donor=w.donor, recipient=w.city,
                          lines=[(item, 10)])
    p = aid.transition_pledge(org=w.org, actor=w.actor, pledge=p, action="accept")
    c = aid.create_consignment(org=w.org, actor=w.actor, pledge=p, boxes=[
        {"lines": [{"item": item, "quantity": 10, "lot": f"L{i}", "expires_on": dt.date(2021, 1, 1)}]}])
    return p, c


def _received(w, i):
    _p, c = _pledge(w, i)
    aid.receive_box(org=w.org, actor=w.actor, box=c.boxes.get(), location=w.store)


def _partnership(w, i):
    return partners.create_partnership(org=w.org, actor=w.actor, city=_city(i))


def _network(i):
    return Network.objects.create(slug=f"net-{i}", acronym=f"N{i}", name={"en": f"Network {i}"})


def _letter(w, i):
    reply_to = getattr(w, "last_letter", None)
    w.last_letter = letters.register_letter(org=w.org, actor=w.actor, direction="out", subject=f"Letter {i}",
                                            recipient_org="UN", reply_to=reply_to,
                                            partnership=getattr(w, "partnership", None) or _first_partnership(w))
    return w.last_letter


def _first_partnership(w):
    w.partnership = _partnership(w, 10_000)
    return w.partnership


def _the(w, name, make):
    if not hasattr(w, name):
        setattr(w, name, make())
    return getattr(w, name)


def _statement(w):
    return _the(w, "statement", lambda: advocacy.create_advocacy(
        org=w.org, actor=w.actor, title={"en": "No to sanctions"}, statement={"en": "Text"}, issued_on=D))


def _practice(w, i, **extra):
    return practices.create_practice(org=w.org, actor=w.actor, embed=False, title={"en": f"Practice {i}"},
                                     summary={"en": "masks for buses"}, topics=["health_supplies"], **extra)


def _advocacy_row(w, i):
    s = advocacy.create_advocacy(org=w.org, actor=w.actor, title={"en": f"Statement {i}"},
                                 statement={"en": "Text"}, issued_on=D)
    advocacy.add_endorsement(org=w.org, actor=w.actor, campaign=s, endorser_name=f"Mayor {i}",
                             on_behalf_of="network", endorsed_on=D, channel="letter", network=_network(i))


def _recognition_row(w, i):
    item = recognition.create_item(org=w.org, actor=w.actor, title={"en": f"Plaque {i}"}, kind="plaque")
    who = recognition.create_recipient(org=w.org, actor=w.actor, name={"en": f"Hospital {i}"}, city=_city(i))
    recognition.add_copies(org=w.org, actor=w.actor, item=item, recipients=[who])


def _ahead_row(w, i):
    _the(w, "impact", lambda: practices.record_impact(org=w.org, actor=w.actor, crisis="covid19", hit_on=D))
    city = _city(i)
    practices.record_impact(org=w.org, actor=w.actor, crisis="covid19", hit_on=D - dt.timedelta(days=i + 1),
                            city=city)
    _practice(w, i, city=city, network=_the(w, "network", lambda: _network(99_999)))


CASES = {
    "core_audit": ("/api/v1/audit", lambda w, i: audit.record(org=w.org, actor=w.actor, action="test.done",
                                                              obj=w.org)),
    "places_countries": ("/api/v1/places/countries",
                         lambda w, i: Country.objects.create(code=_country_code(i), name_en=f"C{i}", name_fa="ک")),
    "places_cities": ("/api/v1/places/cities", lambda w, i: _city(i)),
    "partners_list": ("/api/v1/partners/partnerships", _partnership),
    "partners_timeline": (lambda w: f"/api/v1/partners/partnerships/{_first_partnership_once(w).public_id}/timeline",
                          lambda w, i: partners.record_interaction(
                              org=w.org, actor=w.actor, partnership=_first_partnership_once(w),
                              occurred_on=D, kind="letter", summary=f"Contact {i}")),
    "networks_list": ("/api/v1/partners/networks", lambda w, i: _network(i)),
    "memberships_list": ("/api/v1/partners/network-memberships",
                         lambda w, i: partners.create_network_membership(org=w.org, actor=w.actor,
                                                                         network=_network(i))),
    "letters_list": ("/api/v1/correspondence/letters", _letter),
    "letters_events": (lambda w: f"/api/v1/correspondence/letters/{_the(w, 'one', lambda: _letter(w, 0)).public_id}"
                                 "/events",
                       lambda w, i: letters.transition_letter(
                           org=w.org, actor=w.actor, letter=_the(w, "one", lambda: _letter(w, 0)),
                           action="submit" if i % 2 == 0 else "return_to_draft", on=today())),
    "letters_attachments": (
        lambda w: f"/api/v1/correspondence/letters/{_the(w, 'one', lambda: _letter(w, 0)).public_id}/attachments",
        lambda w, i: letters.add_attachment(org=w.org, actor=w.actor, letter=_the(w, "one", lambda: _letter(w, 0)),
                                            upload=SimpleUploadedFile(f"a{i}.pdf", PDF, "application/pdf"))),
    "letter_templates_list": ("/api/v1/correspondence/templates",
                              lambda w, i: letters.save_template(org=w.org, actor=w.actor, name=f"T{i}",
                                                                 occasion="other", subject={"en": "Hi"},
                                                                 body={"en": "Dear {city}"})),
    "aid_items_list": ("/api/v1/aid/items", _item),
    "aid_parties_list": ("/api/v1/aid/parties",
                         lambda w, i: aid.create_party(org=w.org, actor=w.actor, name={"en": f"P{i}"}, kind="city")),
    "aid_locations_list": ("/api/v1/aid/locations",
                           lambda w, i: aid.create_location(org=w.org, actor=w.actor, name={"en": f"S{i}"},
                                                            party=_aid_base(w).city)),
    "aid_stock": ("/api/v1/aid/stock", _received),
    "aid_pledges_list": ("/api/v1/aid/pledges", _pledge),
    "aid_movements_list": ("/api/v1/aid/movements", _pledge),
    "aid_trace_backward": (lambda w: f"/api/v1/aid/trace/backward/{_aid_base(w).store.public_id}", _received),
    "campaigns_list": ("/api/v1/campaigns/awareness",
                       lambda w, i: awareness.create_campaign(org=w.org, actor=w.actor, name={"en": f"C{i}"},
                                                              starts_on=D, ends_on=D, owner=w.actor)),
    "advocacy_list": ("/api/v1/campaigns/advocacy", _advocacy_row),
    "advocacy_endorsements": (
        lambda w: f"/api/v1/campaigns/advocacy/{_statement(w).public_id}/endorsements",
        lambda w, i: advocacy.add_endorsement(org=w.org, actor=w.actor, campaign=_statement(w),
                                              endorser_name=f"Mayor {i}", on_behalf_of="city", endorsed_on=D,
                                              channel="letter", city=_city(i))),
    "recognition_recipients": ("/api/v1/campaigns/recipients",
                               lambda w, i: recognition.create_recipient(org=w.org, actor=w.actor,
                                                                         name={"en": f"R{i}"}, city=_city(i))),
    "recognition_list": ("/api/v1/campaigns/recognition", _recognition_row),
    "practices_search": ("/api/v1/practices/practices?mode=list",
                         lambda w, i: _practice(w, i, network=_the(w, "network", lambda: _network(99_999)))),
    "practices_attachments": (
        lambda w: f"/api/v1/practices/practices/{_the(w, 'practice', lambda: _practice(w, 0)).public_id}/attachments",
        lambda w, i: practices.add_attachment(org=w.org, actor=w.actor,
                                              practice=_the(w, "practice", lambda: _practice(w, 0)),
                                              upload=SimpleUploadedFile(f"a{i}.pdf", PDF, "application/pdf"))),
    "practices_impacts": ("/api/v1/practices/impacts",
                          lambda w, i: practices.record_impact(org=w.org, actor=w.actor, crisis="covid19",
                                                               hit_on=D, city=_city(i))),
    "practices_ahead": ("/api/v1/practices/ahead", _ahead_row),
    "practices_questions": ("/api/v1/practices/questions",
                            lambda w, i: CityQuestion.objects.create(
                                org=w.org, practice=_the(w, "practice", lambda: _practice(w, 0)), name=f"Q{i}",
                                email="q@example.org", message="How?")),
}


def _first_partnership_once(w):
    return _the(w, "partnership", lambda: _partnership(w, 10_000))


def _queries(client, url) -> tuple[int, int]:
    client.get(url, {"limit": 200})  # warm: the first request fills per-process caches
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, {"limit": 200})
    assert response.status_code == 200, response.content[:300]
    return len(captured), response.json()["count"] if "count" in response.json() else response.json()["found"]


@pytest.mark.parametrize("case", CASES)
def test_a_list_costs_the_same_queries_for_1_and_50_rows(case, db, org, owner, cities, settings):
    settings.LANGUAGE_CODE = "en"
    path, add = CASES[case]
    w = SimpleNamespace(org=org, actor=owner)
    client = api_client_for(owner, org)
    add(w, 0)
    url = path(w) if callable(path) else path
    one, rows_one = _queries(client, url)
    for i in range(1, 50):
        add(w, i)
    fifty, rows_fifty = _queries(client, url)
    assert rows_fifty >= rows_one + 49, (rows_one, rows_fifty)
    assert fifty == one, f"{case}: {one} queries for {rows_one} rows, {fifty} for {rows_fifty}"
