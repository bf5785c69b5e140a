import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.urls import reverse

from hamdeli.campaigns.models import Recipient, RecognitionCopy
from hamdeli.campaigns.services import recognition
from hamdeli.core.models import AuditEntry
from tests.conftest import client_for

API = "/api/v1/campaigns"
HOSPITALS = ["Al-Zahra Hospital", "Khorshid Hospital", "Amin Hospital"]


@pytest.fixture
def item(org, officer):
    return recognition.create_item(org=org, actor=officer, title={"en": "Nurses' Day watercolour"}, kind="artwork",
                                   maker="Master Motie")


@pytest.fixture
def hospitals(org, officer):
    return [recognition.create_recipient(org=org, actor=officer, name={"en": name}) for name in HOSPITALS]


@pytest.fixture
def ministry(org, officer):
    return recognition.create_recipient(org=org, actor=officer, name={"en": "Ministry of Health"})


def _post(client, url, body):
    return client.post(url, body, content_type="application/json")


def test_a_numbered_copy_for_each_hospital_and_the_original_for_the_ministry(officer_api, item, hospitals, ministry):
    url = f"{API}/recognition/{item.public_id}/copies"
    copies = _post(officer_api, url, {"recipients": [str(h.public_id) for h in hospitals]}).json()
    assert [(c["number"], c["recipient_name"]) for c in copies] == list(zip([1, 2, 3], HOSPITALS, strict=True))
    original = _post(officer_api, url, {"recipients": [str(ministry.public_id)], "original": True})
    assert original.status_code == 201 and original.json()[0]["is_original"] and original.json()[0]["number"] is None
    data = officer_api.get(f"{API}/recognition/{item.public_id}").json()
    assert len(data["copies"]) == 4 and len(data["waiting"]) == 4


def test_a_recipient_gets_at_most_one_copy(officer_api, item, hospitals):
    url = f"{API}/recognition/{item.public_id}/copies"
    _post(officer_api, url, {"recipients": [str(hospitals[0].public_id)]})
    response = _post(officer_api, url, {"recipients": [str(hospitals[1].public_id), str(hospitals[0].public_id)]})
    assert response.status_code == 409 and "recipients" in response.json()["fields"]
    assert RecognitionCopy.objects.count() == 1  # the batch was refused whole


def test_only_one_original(officer_api, item, hospitals, ministry):
    url = f"{API}/recognition/{item.public_id}/copies"
    _post(officer_api, url, {"recipients": [str(ministry.public_id)], "original": True})
    response = _post(officer_api, url, {"recipients": [str(hospitals[0].public_id)], "original": True})
    assert response.status_code == 409
    two = _post(officer_api, url, {"recipients": [str(h.public_id) for h in hospitals[:2]], "original": True})
    assert two.status_code in (409, 422)
    assert RecognitionCopy.objects.filter(is_original=True).count() == 1


def test_the_database_keeps_each_copy_to_one_recipient(org, item, hospitals):
    RecognitionCopy.objects.create(org=org, item=item, recipient=hospitals[0], number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecognitionCopy.objects.create(org=org, item=item, recipient=hospitals[0], number=2)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecognitionCopy.objects.create(org=org, item=item, recipient=hospitals[1], number=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        RecognitionCopy.objects.create(org=org, item=item, recipient=hospitals[1], is_original=True, number=5)


@pytest.mark.parametrize("recipients", [[], ["00000000-0000-0000-0000-000000000000"], ["not-a-uuid"]])
def test_add_copies_refuses_bad_recipients(officer_api, item, recipients):
    response = _post(officer_api, f"{API}/recognition/{item.public_id}/copies", {"recipients": recipients})
    assert response.status_code == 422 and response.json()["fields"]
    assert not RecognitionCopy.objects.exists()


def test_another_orgs_recipient_cannot_receive_our_copy(officer_api, other_org, outsider, item):
    theirs = recognition.create_recipient(org=other_org, actor=outsider, name={"en": "Their hospital"})
    response = _post(officer_api, f"{API}/recognition/{item.public_id}/copies", {"recipients": [str(theirs.public_id)]})
    assert response.status_code == 422 and not RecognitionCopy.objects.exists()


def test_handover_records_who_received_it_and_refuses_a_second_time(officer_api, org, officer, item, hospitals):
    copy = recognition.add_copies(org=org, actor=officer, item=item, recipients=hospitals[:2])[0]
    url = f"{API}/copies/{copy.public_id}/handover"
    missing = _post(officer_api, url, {"handed_over_on": "2020-05-12", "received_by": ""})
    assert missing.status_code == 422 and "received_by" in missing.json()["fields"]
    done = _post(officer_api, url, {"handed_over_on": "2020-05-12", "received_by": "Head of nursing"})
    assert done.status_code == 200 and done.json()["received_by"] == "Head of nursing"
    again = _post(officer_api, url, {"handed_over_on": "2020-05-13", "received_by": "Someone else"})
    assert again.status_code == 409
    assert RecognitionCopy.objects.get(pk=copy.pk).received_by == "Head of nursing"
    assert officer_api.get(f"{API}/recognition/{item.public_id}").json()["waiting"] == [str(hospitals[1].public_id)]


def test_page_shows_who_is_still_waiting(officer, org, item, hospitals):
    copies = recognition.add_copies(org=org, actor=officer, item=item, recipients=hospitals)
    recognition.record_handover(org=org, actor=officer, copy=copies[0], handed_over_on=dt.date(2020, 5, 12),
                                received_by="Matron")
    response = client_for(officer).get(reverse("campaigns:recognition_detail", args=[item.public_id]))
    waiting = [str(c.recipient) for c in response.context["waiting"]]
    assert waiting == HOSPITALS[1:]
    assert "Matron" in response.content.decode()


def test_handover_form_refuses_a_bad_date_and_writes_nothing(officer, org, item, hospitals):
    copy = recognition.add_copies(org=org, actor=officer, item=item, recipients=hospitals[:1])[0]
    response = client_for(officer).post(reverse("campaigns:copy_handover", args=[copy.public_id]),
                                        {"handed_over_on": "1399/13/40", "received_by": "X"})
    assert response.status_code == 422
    assert RecognitionCopy.objects.get(pk=copy.pk).handed_over_on is None
    assert not AuditEntry.objects.filter(action="recognition_copy.handed_over").exists()


def test_copies_form_assigns_the_chosen_recipients(officer, item, hospitals):
    response = client_for(officer).post(reverse("campaigns:recognition_add_copies", args=[item.public_id]),
                                        {"recipients": [str(h.public_id) for h in hospitals[:2]]})
    assert response.status_code == 302
    assert sorted(RecognitionCopy.objects.values_list("number", flat=True)) == [1, 2]


def test_recipient_and_item_forms_refuse_empty_names(officer):
    assert client_for(officer).post(reverse("campaigns:recipient_create"), {"name_fa": ""}).status_code == 422
    assert client_for(officer).post(reverse("campaigns:recognition_create"),
                                    {"title_fa": "x", "kind": "statue"}).status_code == 422
    assert not Recipient.objects.exists()


def test_recipient_api_refuses_unknown_city(officer_api):
    response = _post(officer_api, f"{API}/recipients", {"name": {"en": "Sina Hospital"}, "city_geonameid": 1})
    assert response.status_code == 422 and "city_geonameid" in response.json()["fields"]
    assert not Recipient.objects.exists()


def test_dashboard_lists_pending_handovers(officer, org, item, hospitals):
    recognition.add_copies(org=org, actor=officer, item=item, recipients=hospitals[:1])
    html = client_for(officer).get(reverse("dashboard")).content.decode()
    assert "Al-Zahra Hospital" in html
