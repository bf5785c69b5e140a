"""The OpenAPI document says what the API really does: every operation lists the refusals it can give
(with the one error shape of core.api_setup), the writes that honour `Idempotency-Key` declare the
header, and each operation's summary is the first line of its docstring.

Which refusals apply is read from what the operation declares, so a new operation is documented
without a list to keep up to date: a signed-in operation can answer 401 (no valid token or session),
403 (the role lacks the permission) and 404 (missing, or another office's); one with parameters or a
body 422 (a field is not valid); a write 409 (the record's state does not allow it) and 400 (a
request that cannot be read); a public one 429 (core.ratelimit).
"""

from typing import Any

from ninja import NinjaAPI, Schema
from ninja.openapi.schema import OpenAPISchema
from pydantic import Field

from hamdeli.core.idempotency import HEADER
from hamdeli.core.permissions import PUBLIC

WRITES = {"post", "put", "patch", "delete"}
ERROR_SCHEMA = "Error"
DESCRIPTIONS = {
    400: "The request could not be read.",
    401: "No valid API token or signed-in session (`unauthenticated`), or the token has expired (`token_expired`).",
    403: "Your role does not allow this.",
    404: "Not found, or not your organization's.",
    409: "The record's current state does not allow this (or it already exists).",
    422: "Some fields are not valid (`fields` names each), or the Idempotency-Key was used for another request.",
    429: "Too many requests from your address (public operations); Retry-After says how many seconds to wait.",
}


class ErrorOut(Schema):
    error: str = Field(..., description="a stable code: validation, not_found, forbidden, conflict, …")
    message: str = Field(..., description="translated for the caller (Accept-Language)")
    fields: dict[str, str] = Field(..., description="field name → translated message")
    request_id: str = Field("", description="this request's id, also in the server's logs: quote it for help")


class HamdeliAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None,
                           ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        complete(schema, views_by_operation_id(self))
        return schema


def views_by_operation_id(api: NinjaAPI) -> dict[str, Any]:
    views: dict[str, Any] = {}
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                views[operation.operation_id or api.get_openapi_operation_id(operation)] = operation.view_func
    return views


def complete(schema: dict[str, Any], views: dict[str, Any]) -> None:
    components = schema.setdefault("components", {}).setdefault("schemas", {})
    components[ERROR_SCHEMA] = ErrorOut.model_json_schema(ref_template="#/components/schemas/{model}")
    for methods in schema["paths"].values():
        for method, operation in methods.items():
            view = views.get(operation.get("operationId"))
            _summarise(operation)
            public = getattr(view, "hamdeli_permission", None) == PUBLIC
            for status in _refusals(method, operation) + ([429] if public else []):
                operation["responses"].setdefault(status, {
                    "description": DESCRIPTIONS[status],
                    "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{ERROR_SCHEMA}"}}},
                })
            if public:
                operation["responses"][429]["headers"] = {"Retry-After": {
                    "description": "seconds until the limit's window ends", "schema": {"type": "integer"}}}
            if getattr(view, "hamdeli_idempotent", False):
                _document_idempotency(operation)


def _refusals(method: str, operation: dict[str, Any]) -> list[int]:
    statuses = []
    if operation.get("security"):
        statuses += [401, 403, 404]
    if operation.get("parameters") or operation.get("requestBody"):
        statuses.append(422)
    if method in WRITES:
        statuses += [400, 409, 422]
    return sorted(set(statuses))


def _summarise(operation: dict[str, Any]) -> None:
    description = (operation.get("description") or "").strip()
    if description:
        first, _newline, rest = description.partition("\n")
        operation["summary"] = first.strip().rstrip(".")
        if rest.strip():
            operation["description"] = rest.strip()
        else:
            operation.pop("description")


def _document_idempotency(operation: dict[str, Any]) -> None:
    operation.setdefault("parameters", []).append({
        "in": "header", "name": HEADER, "required": False,
        "schema": {"type": "string", "maxLength": 200},
        "description": "Send the same key again to replay the first answer without writing twice "
                       "(kept 7 days; the same key with another body is a 422).",
    })
    for status, response in operation["responses"].items():
        if 200 <= int(status) < 300:
            response.setdefault("headers", {})["Idempotent-Replayed"] = {
                "description": '"true" when this is the stored answer to an earlier request with the same key',
                "schema": {"type": "string"},
            }
