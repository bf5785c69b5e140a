"""The JSON API under /api/v1: authentication, error shape, and each app's router."""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError
from ninja.security import APIKeyCookie, HttpBearer

from hamdeli.core import services as core_services
from hamdeli.core.errors import ServiceError


class BearerToken(HttpBearer):
    """`Authorization: Bearer hmd_…`: the token's membership decides the org and role."""

    def authenticate(self, request, token):
        found = core_services.authenticate_token(token)
        if found is None:
            return None
        request.user = found.membership.user
        request.membership = found.membership
        request.org = found.membership.org
        return found


class SessionMember(APIKeyCookie):
    """The browser's signed-in session (with CSRF for writes), as set up by the middleware."""

    param_name = "sessionid"

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        return user if user is not None and user.is_authenticated else None


api = NinjaAPI(
    title="Hamdeli API",
    version="1",
    description="The international office's partners, correspondence, aid, campaigns and practices.",
    auth=[BearerToken(), SessionMember(csrf=True)],
    urls_namespace="api",
    docs_url=None,
)

_PYDANTIC_MESSAGES = {
    "missing": lambda: _("This field is required."),
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


def _field_name(loc) -> str:
    parts = [str(p) for p in loc if p not in ("body", "payload", "query", "path", "form", "data")]
    return ".".join(parts) or "__all__"


def _message(error: dict) -> str:
    maker = _PYDANTIC_MESSAGES.get(error.get("type"), lambda: _("This value is not valid."))
    if maker is None:
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return str(maker())


def _error(request, status: int, code: str, message: str, fields=None):
    return api.create_response(request, {"error": code, "message": str(message), "fields": fields or {}},
                               status=status)


@api.exception_handler(ServiceError)
def on_service_error(request, exc: ServiceError):
    return _error(request, exc.status, exc.code, exc.message, exc.fields)


@api.exception_handler(NinjaValidationError)
def on_validation_error(request, exc: NinjaValidationError):
    fields = {}
    for error in exc.errors:
        fields.setdefault(_field_name(error.get("loc", ())), _message(error))
    return _error(request, 422, "validation", _("Some fields are not valid."), fields)


@api.exception_handler(Http404)
def on_not_found(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(ObjectDoesNotExist)
def on_missing(request, exc):
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(PermissionDenied)
def on_forbidden(request, exc):
    return _error(request, 403, "forbidden", _("Your role does not allow this."))


@api.exception_handler(AuthenticationError)
def on_unauthenticated(request, exc):
    return _error(request, 401, "unauthenticated", _("Sign in or send a valid API token."))


@api.exception_handler(HttpError)
def on_http_error(request, exc: HttpError):
    return _error(request, exc.status_code, "http_error", str(exc))


def _register_routers() -> None:
    from hamdeli.core.api import router as core_router
    from hamdeli.partners.api import router as partners_router
    from hamdeli.places.api import router as places_router
    from hamdeli.practices.api import router as practices_router

    api.add_router("/", core_router)
    api.add_router("/places/", places_router)
    api.add_router("/partners/", partners_router)
    api.add_router("/practices/", practices_router)


_register_routers()
