"""Schemathesis generates requests (valid and deliberately wrong) for every API operation from the
OpenAPI schema: whatever the input, the answer is never a 500, and every refusal has the documented
error shape. Requests go through Django's test client, inside the test's transaction."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, settings

from hamdeli.wsgi import application
from tests.conftest import api_client_for

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@pytest.fixture
def officer_api_client(db, org, officer, cities):
    return api_client_for(officer, org)


def _send(client, case):
    path = case.formatted_path
    query = case.query or {}
    if case.method.upper() == "GET":
        return client.get(path, query)
    body = case.body if not isinstance(case.body, schemathesis.core.NotSet) else None
    if query:
        path += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    data = body if isinstance(body, bytes | str) else json.dumps(body)
    return client.generic(case.method.upper(), path, data, content_type="application/json")


@schema.parametrize()
@settings(max_examples=15, deadline=None, derandomize=True,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_no_input_makes_the_api_fail(case, officer_api_client):
    response = _send(officer_api_client, case)
    assert response.status_code < 500, response.content[:500]
    if response.status_code >= 400 and response.status_code != 405:  # 405: a method the route lacks
        body = json.loads(response.content)
        assert set(body) == {"error", "message", "fields", "request_id"}, body
