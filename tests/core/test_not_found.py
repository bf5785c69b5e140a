"""Only the record a request asked for is "not found": a missing letter (or one removed a moment before the
service re-reads it under its lock) is the translated 404, on the page and in the API; any other
DoesNotExist is a bug and answers 500, never hidden as a 404 (issue 16)."""

import datetime as dt

import pytest
from django.test import Client

from hamdeli.core import services as core
from hamdeli.core.models import Organization
from hamdeli.correspondence import selectors
from hamdeli.correspondence.models import Letter

MISSING = "00000000-0000-4000-8000-000000000000"


@pytest.fixture
def letter(org, officer, cities):
    from hamdeli.correspondence import services

    return services.register_letter(org=org, actor=officer, direction="out", subject="Greetings",
                                    recipient_city=cities["xian"], registered_on=dt.date(2020, 1, 26))


def _quiet_page(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def _quiet_api(user, org) -> Client:
    _token, secret = core.create_api_token(membership=user.memberships.get(org=org), name="tests")
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Bearer {secret}")


def _a_bug(**_kwargs):
    raise Organization.DoesNotExist("a lookup the request did not ask for")


def test_a_missing_record_is_the_translated_404_page(officer_client):
    response = officer_client.get(f"/letters/{MISSING}/")
    assert response.status_code == 404
    assert "صفحه پیدا نشد" in response.content.decode()


def test_a_missing_record_is_the_translated_404_in_the_api(officer_api):
    response = officer_api.get(f"/api/v1/correspondence/letters/{MISSING}")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"
    assert response.json()["message"] == "پیدا نشد."
    english = officer_api.get(f"/api/v1/correspondence/letters/{MISSING}", HTTP_ACCEPT_LANGUAGE="en")
    assert english.status_code == 404 and english.json()["message"] == "Not found."


def test_a_record_removed_before_the_service_locks_it_is_a_404(officer_api, letter, monkeypatch):
    gone = Letter(pk=letter.pk + 10_000, org_id=letter.org_id, public_id=letter.public_id)
    monkeypatch.setattr(selectors, "letter", lambda **_kwargs: gone)
    response = officer_api.patch(f"/api/v1/correspondence/letters/{letter.public_id}",
                                 {"subject": "Again"}, content_type="application/json")
    assert response.status_code == 404
    assert response.json()["error"] == "not_found"


def test_another_does_not_exist_is_a_500_on_a_page(officer, letter, monkeypatch):
    monkeypatch.setattr(selectors, "letter", _a_bug)
    response = _quiet_page(officer).get(f"/letters/{letter.public_id}/")
    assert response.status_code == 500


def test_another_does_not_exist_is_a_500_in_the_api(officer, org, letter, monkeypatch):
    monkeypatch.setattr(selectors, "letter", _a_bug)
    response = _quiet_api(officer, org).get(f"/api/v1/correspondence/letters/{letter.public_id}")
    assert response.status_code == 500


def test_another_does_not_exist_in_a_service_is_a_500(officer, org, letter, monkeypatch):
    """A bug inside a write (here: the audit's look-up of something else) is not "not found" either."""
    from hamdeli.core import audit

    client = _quiet_api(officer, org)
    monkeypatch.setattr(audit, "record", lambda **_kwargs: _a_bug())
    response = client.patch(f"/api/v1/correspondence/letters/{letter.public_id}", {"subject": "Again"},
                            content_type="application/json")
    assert response.status_code == 500
    assert Letter.objects.get(pk=letter.pk).subject == "Greetings"
