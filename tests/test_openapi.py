"""The OpenAPI document describes the API a client can follow: one schema per name, every refusal
documented with the error shape, the Idempotency-Key where it is honoured, a written summary, and
every list paged."""

import typing

import pytest
from pydantic import BaseModel

from hamdeli.api import api

SCHEMA = api.get_openapi_schema()
OPERATIONS = [(path, method, op) for path, methods in SCHEMA["paths"].items() for method, op in methods.items()]
ERROR_REF = {"$ref": "#/components/schemas/Error"}


def _ninja_operations():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            yield from path_view.operations


def _models_in(annotation, found: set) -> None:
    """Every pydantic model an annotation reaches (through lists, unions, dicts and model fields)."""
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation in found:
            return
        wrapper = annotation.__name__ in {"NinjaResponseSchema", "BodyParams", "FileParams", "FormParams"}
        if not wrapper:
            found.add(annotation)
        for field in annotation.model_fields.values():
            _models_in(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models_in(argument, found)


def _documented_models() -> set:
    """The models that become components: request bodies and responses (query and path parameters
    are spelled out inline)."""
    found: set = set()
    for operation in _ninja_operations():
        for params in operation.models:
            if params.__name__ in {"BodyParams", "FileParams", "FormParams"}:
                _models_in(params, found)
        for response in operation.response_models.values():
            if isinstance(response, type):
                _models_in(response, found)
    return found


def test_every_schema_name_belongs_to_one_model():
    models = _documented_models()
    by_name: dict[str, set] = {}
    for model in models:
        by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(owners) for name, owners in by_name.items() if len(owners) > 1}
    assert not shared, f"one schema name, several models (the document keeps only one): {shared}"
    missing = set(by_name) - set(SCHEMA["components"]["schemas"])
    assert not missing, f"models missing from the components: {sorted(missing)}"


def test_the_duplicate_check_can_fail():
    """Two apps' models of one name are seen as a clash (the bug this test guards against)."""
    from hamdeli.aid.api import PledgeTransitionIn
    from hamdeli.correspondence.api import LetterTransitionIn

    clash = type("TransitionIn", (PledgeTransitionIn,), {}), type("TransitionIn", (LetterTransitionIn,), {})
    found: set = set()
    for model in clash:
        _models_in(model, found)
    assert len({m.__name__ for m in found}) < len(found)


@pytest.mark.parametrize(("path", "method", "op"), OPERATIONS, ids=[op["operationId"] for _p, _m, op in OPERATIONS])
def test_every_operation_documents_its_refusals_and_has_a_summary(path, method, op):
    responses = {int(status): body for status, body in op["responses"].items()}
    expected = set()
    if op.get("security"):
        expected |= {401, 403, 404}
    if op.get("parameters") or op.get("requestBody"):
        expected.add(422)
    if method != "get":
        expected |= {400, 409, 422}
    assert expected <= set(responses), f"undocumented refusals: {sorted(expected - set(responses))}"
    for status in expected:
        assert responses[status]["content"]["application/json"]["schema"] == ERROR_REF
    assert any(200 <= status < 300 for status in responses)
    words = op["summary"].split()
    assert op["summary"][0].isupper() and len(words) >= 2, op["summary"]
    default = " ".join(w.capitalize() for w in op["operationId"].split("_"))
    assert op["summary"] != default


def test_idempotent_writes_declare_the_header():
    declared = {op["operationId"] for _path, _method, op in OPERATIONS
                if any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in op.get("parameters", []))}
    honoured = {operation.operation_id for operation in _ninja_operations()
                if getattr(operation.view_func, "hamdeli_idempotent", False)}
    assert honoured and declared == honoured
    assert {"aid_pledges_create", "aid_distributions_create", "aid_movements_reverse"} <= declared


# A first-expiry-first-out plan is the lots that together make the quantity asked for: a page of it
# would be a wrong plan.
NOT_PAGED = {"aid_fefo"}


def test_every_list_is_paged_with_a_maximum():
    for _path, method, op in OPERATIONS:
        if op["operationId"] in NOT_PAGED:
            continue
        content = op["responses"].get(200, op["responses"].get("200", {})).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if method == "get" and schema.get("type") == "array":
            raise AssertionError(f"{op['operationId']} answers a bare list; page it (core.pagination.paged)")
        names = {p["name"]: p for p in op.get("parameters", [])}
        if "$ref" in schema and schema["$ref"].split("/")[-1].startswith("Paged"):
            assert names["limit"]["schema"]["maximum"] == 200 and "offset" in names
            paged = SCHEMA["components"]["schemas"][schema["$ref"].split("/")[-1]]
            assert set(paged["properties"]) == {"items", "count", "next"}
