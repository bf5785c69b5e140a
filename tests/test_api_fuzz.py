"""Schemathesis over every API operation, from the OpenAPI document: valid and deliberately wrong
requests, sent as the office's owner. Whatever the input: no server error, every status the document
lists, every body of the documented type and shape (response conformance).

Requests go to the WSGI application in-process, inside the test's transaction (Django's own test
client does the same: it keeps the connection open across requests). The seed is fixed, so a run is
repeatable; `make fuzz` runs the same checks longer (HAMDELI_FUZZ_EXAMPLES, every check, the stateful
phase).
"""

import os

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, settings
from schemathesis.specs.openapi import checks as openapi_checks

from hamdeli.wsgi import application

EXAMPLES = int(os.environ.get("HAMDELI_FUZZ_EXAMPLES", "3"))
LONG = os.environ.get("HAMDELI_FUZZ_LONG") == "1"

schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)
CHECKS = [
    schemathesis.checks.not_a_server_error,
    openapi_checks.status_code_conformance,
    openapi_checks.content_type_conformance,
    openapi_checks.response_schema_conformance,
    openapi_checks.response_headers_conformance,
]
if LONG:
    CHECKS += [openapi_checks.negative_data_rejection, openapi_checks.missing_required_header,
               openapi_checks.unsupported_method]


@pytest.fixture
def in_transaction():
    """Keep the test's connection across requests, as django.test.Client does."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def owner_token(db, org, owner, cities):
    from hamdeli.core import services as core

    _token, secret = core.create_api_token(membership=owner.memberships.get(org=org), name="fuzz")
    return secret


@schema.parametrize()
@settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
          phases=[Phase.explicit, Phase.generate],
          suppress_health_check=list(HealthCheck))
def test_every_operation_answers_as_documented(case, owner_token, in_transaction):
    case.call_and_validate(headers={"Authorization": f"Bearer {owner_token}"}, checks=CHECKS)


def chains_of_operations_answer_as_documented(owner_token, in_transaction):
    """The stateful phase: schemathesis chains operations through the links it infers from the
    document (an id a create answered, used by a read, an update or a transition)."""

    class Machine(schema.as_state_machine()):
        def get_call_kwargs(self, case):
            return {"headers": {"Authorization": f"Bearer {owner_token}"}}

        def validate_response(self, response, case, additional_checks=(), **kwargs):
            case.validate_response(response, checks=CHECKS)

    Machine.run(settings=settings(max_examples=EXAMPLES, stateful_step_count=8, deadline=None, derandomize=True,
                                  database=None, suppress_health_check=list(HealthCheck)))


if LONG:  # the stateful phase is `make fuzz`'s alone (defined only there, so `make test` skips nothing)
    test_chains_of_operations_answer_as_documented = chains_of_operations_answer_as_documented
