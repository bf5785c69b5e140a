"""The API's shared plumbing: authentication (bearer token or signed-in session) and the error shape
`{"error", "message", "fields", "request_id"}` with translated messages for every refusal."""

from collections.abc import Callable, Iterable
from typing import Any, TypeVar, cast

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from hamdeli.core import origin, tenancy, validation
from hamdeli.core import selectors as core_selectors
from hamdeli.core import services as core_services
from hamdeli.core.errors import ServiceError
from hamdeli.core.models import ApiToken
from hamdeli.core.types import OfficeRequest

Handler = Callable[[HttpRequest, Any], HttpResponse]
H = TypeVar("H", bound=Handler)
_api: NinjaAPI | None = None
_handlers: list[tuple[type[Exception], Handler]] = []


def _on(exception_class: type[Exception]) -> Callable[[H], H]:
    def remember(handler: H) -> H:
        _handlers.append((exception_class, handler))
        return handler

    return remember


def install(api: NinjaAPI) -> None:
    """Attach the error handlers to the NinjaAPI instance."""
    global _api
    _api = api
    for exception_class, handler in _handlers:
        api.add_exception_handler(exception_class, handler)


class BearerToken(HttpBearer):
    """`Authorization: Bearer hmd_…`: the token's membership decides the org and role."""

    def authenticate(self, request: HttpRequest, token: str) -> ApiToken | None:
        found = core_services.authenticate_token(token)
        if found is None:
            return None
        request = cast(OfficeRequest, request)  # the token makes it an office's request
        request.user = found.membership.user
        request.membership = found.membership
        request.org = found.membership.org
        core_selectors.bind_request_membership(found.membership)  # read once, not again by the selectors
        tenancy.bind_request_org(request.org)  # the token's office is this request's tenant scope
        origin.current().token_id = str(found.public_id)  # the audit names the token that made a change
        return found


class SessionMember(APIKeyCookie):
    """The browser's signed-in session (with CSRF for writes), as set up by the middleware. A session that
    still owes its two-factor code, or an owner's that must first enrol, is not signed in for the API
    either (core.twofactor); bearer tokens are not affected."""

    param_name = "sessionid"

    def _get_key(self, request: HttpRequest) -> str | None:
        """No signed-in session: nothing to check, so a write with a bad or missing token answers 401, not a
        CSRF refusal. A session's write without its CSRF token: 403 `csrf_failed`, translated."""
        user: User | None = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return None
        if self.csrf and not getattr(request, "_ninja_csrf_exempt", False) and check_csrf(request):
            raise ServiceError(_("The page's security check failed: reload the page and try again."),
                               code="csrf_failed", status=403)
        return request.COOKIES.get(settings.SESSION_COOKIE_NAME)

    def authenticate(self, request: HttpRequest, key: str | None) -> User | None:
        from hamdeli.core import twofactor

        user: User | None = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not twofactor.session_may_use_api(request):
            return None
        return user


_PYDANTIC_MESSAGES = {
    "missing": lambda: _("This field is required."),
    "null": lambda: _("This field cannot be null."),  # core.boundary.Schema: declared without `| None`
    "string_too_long": lambda: _("This text is too long."),
    "string_too_short": lambda: _("This text is too short."),
    "too_short": lambda: _("Give at least one value."),
    "int_parsing": lambda: _("Enter a whole number."),
    "int_type": lambda: _("Enter a whole number."),
    "greater_than": lambda: _("Enter a larger number."),
    "greater_than_equal": lambda: _("Enter a larger number."),
    "less_than_equal": lambda: _("Enter a smaller number."),
    "date_from_datetime_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
    "date_parsing": lambda: _("Enter a date as YYYY-MM-DD."),
    "date_type": lambda: _("Enter a date as YYYY-MM-DD."),
    "uuid_parsing": lambda: _("Enter a valid identifier."),
    "enum": lambda: _("Choose one of the allowed values."),
    "literal_error": lambda: _("Choose one of the allowed values."),
    "json_invalid": lambda: _("The request body is not valid JSON."),
    "model_attributes_type": lambda: _("The request body must be a JSON object."),
    "dict_type": lambda: _("Give an object here."),
    "string_type": lambda: _("Give text here."),
    "bool_parsing": lambda: _("Give true or false."),
    "value_error": None,  # our own validators' messages are already translated
}


def _field_name(loc: Iterable[object]) -> str:
    """("body", "payload", "lines", 0, "quantity") → "lines.0.quantity"; ("query", "state") → "state". Only
    the leading source and the body's parameter name go: a field may itself be called "body"."""
    parts = [str(p) for p in loc]
    if parts and parts[0] in ("body", "query", "path", "form", "file", "header", "cookie"):
        source = parts.pop(0)
        if source in ("body", "form") and parts and parts[0] in ("payload", "data"):
            parts.pop(0)
    return ".".join(parts) or "__all__"


def _message(error: dict[str, Any]) -> str:
    maker = _PYDANTIC_MESSAGES.get(str(error.get("type")), lambda: _("This value is not valid."))
    if maker is None:
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return str(maker())


def _error(request: HttpRequest, status: int, code: str, message: str, fields: dict[str, str] | None = None,
           ) -> HttpResponse:
    body = {"error": code, "message": str(message), "fields": fields or {},
            "request_id": getattr(request, "request_id", "")}  # quote it to the office: it is in the logs
    assert _api is not None  # installed when the API is built
    return _api.create_response(request, body, status=status)


def plain_refusal(request: HttpRequest, status: int) -> HttpResponse:
    """An unknown API address (404) or a method it does not take (405), in the API's error shape."""
    if status == 405:
        return _error(request, 405, "method_not_allowed",
                      _("This address does not take %(method)s requests.") % {"method": request.method})
    return _error(request, 404, "not_found", _("Not found."))


@_on(ServiceError)
def on_service_error(request: HttpRequest, exc: ServiceError) -> HttpResponse:
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@_on(NinjaValidationError)
def on_validation_error(request: HttpRequest, exc: NinjaValidationError) -> HttpResponse:
    fields: dict[str, str] = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), _message(error))
    return _error(request, 422, "validation", validation.summary(), fields)


@_on(Http404)  # the requested record is not there (core.records.RecordNotFound); any other DoesNotExist is a 500
def on_not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 404, "not_found", _("Not found."))


@_on(PermissionDenied)
def on_forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "forbidden", _("Your role does not allow this."))


@_on(AuthenticationError)
def on_unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


# The only HttpErrors django-ninja raises itself: a body it cannot parse (400); its English text is replaced
# by a translated one with a stable code.
_HTTP_ERRORS: dict[int, tuple[str, Callable[[], str]]] = {
    400: ("unreadable", lambda: _("The request body could not be read: send valid JSON.")),
}


@_on(HttpError)
def on_http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    code, message = _HTTP_ERRORS.get(exc.status_code, ("http_error", lambda: str(exc)))
    return _error(request, exc.status_code, code, message())
