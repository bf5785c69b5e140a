"""The API's refusals a script meets before any operation runs: a write with a bad or missing token is
told about its token (401), never about a browser's CSRF check; a signed-in browser's write without its
CSRF token is refused (403, translated); a body that is not JSON gets a translated 400 with a stable code;
each answer carries the request id."""

import pytest
from django.test import Client

from tests.conftest import client_for

WRITE = "/api/v1/partners/partnerships"


@pytest.mark.parametrize("headers", [{}, {"HTTP_AUTHORIZATION": "Bearer hmd_bogus"},
                                     {"HTTP_AUTHORIZATION": "Basic eDp5"}])
@pytest.mark.parametrize("method,path", [("post", WRITE),
                                         ("patch", WRITE + "/00000000-0000-0000-0000-000000000000")])
def test_a_write_without_a_valid_token_is_unauthenticated(db, headers, method, path):
    response = getattr(Client(**headers), method)(path, data="{}", content_type="application/json")
    assert response.status_code == 401
    body = response.json()
    assert body["error"] == "unauthenticated"
    assert body["request_id"]


def test_a_signed_in_write_without_its_csrf_token_is_refused_in_the_callers_language(org, officer):
    client = client_for(officer)
    client.handler.enforce_csrf_checks = True
    response = client.post(WRITE, data="{}", content_type="application/json", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 403
    body = response.json()
    assert body["error"] == "csrf_failed"
    assert "صفحه" in body["message"]  # translated, not django-ninja's English "CSRF check Failed"


@pytest.mark.parametrize("language,word", [("en", "JSON"), ("fa", "JSON")])
def test_a_body_that_is_not_json_gets_a_translated_400(officer_api, language, word):
    response = officer_api.post(WRITE, data="{not json", content_type="application/json",
                                HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 400
    body = response.json()
    assert body["error"] == "unreadable"
    assert word in body["message"] and "Cannot parse" not in body["message"]
    assert body["request_id"]


def test_an_unknown_api_address_answers_in_the_api_shape(officer_api):
    response = officer_api.get("/api/v1/no/such/thing", HTTP_ACCEPT_LANGUAGE="fa")
    assert response.status_code == 404
    body = response.json()
    assert body["error"] == "not_found" and body["request_id"]
    assert body["message"] != "Not found."  # in Persian


def test_a_method_the_address_does_not_take_is_405_in_the_api_shape(officer_api):
    response = officer_api.delete("/api/v1/partners/partnerships")
    assert response.status_code == 405
    assert response.json()["error"] == "method_not_allowed"
    assert "GET" in response["Allow"] and "POST" in response["Allow"]
