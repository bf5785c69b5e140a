"""Recognition recipients listed from the aid's custody records: the hospitals and institutions the
masks reached are the ones to thank (campaigns reads them through core.links, not aid's tables)."""

import pytest

from hamdeli.aid import services as aid
from hamdeli.campaigns import selectors
from hamdeli.campaigns.models import Recipient
from hamdeli.campaigns.services import recognition
from hamdeli.core.models import AuditEntry
from tests.aid.conftest import build_aid
from tests.conftest import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def reached(org, officer, cities):
    """500 masks taken in; 300 handed to the university, 100 on to Alzahra, 50 given to Khorshid."""
    w = build_aid(org, officer, cities)
    w.khorshid = aid.create_party(org=org, actor=officer, name={"fa": "بیمارستان خورشید", "en": "Khorshid"},
                                  kind="hospital", city=cities["isfahan"])
    aid.intake(org=org, actor=officer, location=w.store, item=w.mask, quantity=500)
    aid.handover(org=org, actor=officer, source=w.store, target=w.uni_store,
                 lines=[{"item": w.mask, "quantity": 300}], signed_by="Store keeper")
    aid.handover(org=org, actor=officer, source=w.uni_store, target=w.hospital_store,
                 lines=[{"item": w.mask, "quantity": 100}], signed_by="Head nurse")
    aid.distribute(org=org, actor=officer, source=w.hospital_store, recipient=w.khorshid,
                   recipient_group="ICU staff", lines=[{"item": w.mask, "quantity": 50}])
    return w


def test_the_institutions_the_aid_reached_are_offered_once(org, officer, reached, cities):
    offered = selectors.unlisted_aid_recipients(org=org)
    assert {i.name["en"] for i in offered} == {"MUI", "Alzahra", "Khorshid"}  # not the donor, not our own store
    made = recognition.list_aid_recipients(org=org, actor=officer)
    assert {r.name["en"] for r in made} == {"MUI", "Alzahra", "Khorshid"}
    khorshid = next(r for r in made if r.name["en"] == "Khorshid")
    assert khorshid.city == cities["isfahan"] and khorshid.source == f"aid-party:{reached.khorshid.public_id}"
    assert AuditEntry.objects.filter(action="recipient.created").count() == 3
    assert recognition.list_aid_recipients(org=org, actor=officer) == []  # listed once
    assert selectors.unlisted_aid_recipients(org=org) == []
    assert Recipient.objects.filter(org=org).count() == 3


def test_another_offices_aid_is_not_offered(other_org, outsider, reached):
    assert selectors.unlisted_aid_recipients(org=other_org) == []
    assert recognition.list_aid_recipients(org=other_org, actor=outsider) == []


def test_recipients_page_offers_them_and_the_api_lists_them(officer_client, officer_api, viewer, reached,
                                                             settings):
    officer_client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    page = officer_client.get("/recognition/recipients/").content.decode()
    assert "Alzahra" in page and "received 100 units of aid" in page and "List all 3 as recipients" in page
    assert client_for(viewer).post("/recognition/recipients/from-aid/").status_code == 403
    response = officer_client.post("/recognition/recipients/from-aid/", follow=True)
    assert response.status_code == 200 and "3 recipients listed from the aid records." in response.content.decode()
    assert "List all" not in response.content.decode()
    listed = officer_api.get("/api/v1/campaigns/recipients").json()["items"]
    assert sorted(r["listed_from"].split(":")[0] for r in listed) == ["aid-party"] * 3
    assert officer_api.post("/api/v1/campaigns/recipients/from-aid").json() == []


def test_a_recipient_typed_in_by_hand_under_the_same_name_is_not_offered_again(org, officer, reached):
    recognition.create_recipient(org=org, actor=officer, name={"fa": "بيمارستان الزهرا", "en": "Al-Zahra"})
    offered = {i.name["en"] for i in selectors.unlisted_aid_recipients(org=org)}
    assert offered == {"MUI", "Khorshid"}  # the Persian name matches, Arabic yeh and all
