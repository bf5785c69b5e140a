"""Request set-up: the request id and origin, the UI language, the organization resolved once per
request; a PDF that cannot be printed says why."""

import re
import uuid
from collections.abc import Callable
from urllib.parse import unquote

from django.conf import settings
from django.db import transaction
from django.http import FileResponse, HttpRequest, HttpResponse
from django.utils import translation

from hamdeli.core import audit, files, origin, tenancy
from hamdeli.core import selectors as core_selectors
from hamdeli.core.clients import client_ip
from hamdeli.core.models import Membership
from hamdeli.core.permissions import PUBLIC
from hamdeli.core.types import OfficeRequest

REQUEST_ID_HEADER = "X-Request-ID"
_GOOD_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{1,64}$")


class RequestOriginMiddleware:
    """Gives every request an id — the proxy's X-Request-ID when it is a sane token, else a new one —
    and records where the request comes from (page or API, the client's address through the trusted
    proxies) for the audit and the logs. The id is sent back in the X-Request-ID header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: OfficeRequest) -> HttpResponse:
        asked = request.headers.get(REQUEST_ID_HEADER, "").strip()
        request.request_id = asked if _GOOD_REQUEST_ID.match(asked) else uuid.uuid4().hex
        here = origin.Origin(channel="api" if request.path.startswith("/api/") else "page",
                             ip=client_ip(request), request_id=request.request_id)
        token = origin.begin(here)
        try:
            response = self.get_response(request)
        finally:
            origin.end(token)
        response.headers[REQUEST_ID_HEADER] = request.request_id
        return response


class LanguageMiddleware:
    """Persian unless the person chose otherwise (cookie); API clients may ask via Accept-Language.

    The browser's Accept-Language is deliberately ignored for pages: the office works in Persian
    first, whatever language the computer's browser was installed in.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request: OfficeRequest) -> HttpResponse:
        lang = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if lang not in self.codes and request.path.startswith("/api/"):
            lang = translation.get_language_from_request(request)
        if lang not in self.codes:
            lang = settings.LANGUAGE_CODE
        translation.activate(lang)
        request.LANGUAGE_CODE = lang
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", lang)
        return response


class ApiShapeMiddleware:
    """Every answer under /api/ has the API's error shape, also those Django gives before an operation is
    reached: an unknown address (404) and a method the address does not take (405, its Allow header kept)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: OfficeRequest) -> HttpResponse:
        response = self.get_response(request)
        if (response.status_code in (404, 405) and request.path.startswith("/api/")
                and not response.get("Content-Type", "").startswith("application/json")):
            from hamdeli.core import api_setup

            allow = response.get("Allow")
            response = api_setup.plain_refusal(request, response.status_code)
            if allow:
                response["Allow"] = allow
        return response


class OrganizationMiddleware:
    """Sets request.org and request.membership for a signed-in member (None otherwise).

    A person in several organizations picks one; the choice is kept in the session.
    API token requests are resolved by the token's own membership (see hamdeli.api).
    """

    SESSION_KEY = "hamdeli_org"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: OfficeRequest) -> HttpResponse:
        request.org = None
        request.membership = None
        if request.user.is_authenticated:
            # All the person's offices in one query: the chosen one, and the others for the office switcher
            # (core.context_processors), which every template rendered for the request would ask again.
            memberships = list(Membership.objects.filter(user=request.user, deactivated_at__isnull=True)
                               .select_related("org", "org__city"))  # the office's city: its calendar, its map
            chosen = request.session.get(self.SESSION_KEY)
            membership = None
            if chosen:
                membership = next((m for m in memberships if str(m.org.public_id) == str(chosen)), None)
            membership = membership or (memberships[0] if memberships else None)
            if membership is not None:
                request.membership = membership
                request.org = membership.org
                request.other_orgs = [m.org for m in memberships if m.org_id != membership.org_id]
        # The tenant scope for the whole request (view, templates, the API's serialisation): the member's
        # office, or none for a visitor (core.tenancy); an API token binds its own office (api_setup).
        with tenancy.request_scope(request.org), core_selectors.request_membership(request.membership):
            return self.get_response(request)


class MissingRecordMiddleware:
    """Turns a refusal raised while a page is drawn into its own answer: a PDF that cannot be printed
    says why in plain words. A record the request asked for that is not there is a `RecordNotFound`
    (an Http404, core.records), answered by Django's translated 404 page; any other `DoesNotExist` is a
    bug and stays a 500, never hidden as "not found"."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: OfficeRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: OfficeRequest, exception: Exception) -> HttpResponse | None:
        from hamdeli.core.pdf import Unprintable

        if isinstance(exception, Unprintable):  # a PDF link: say why there is no PDF, in plain words
            return HttpResponse(exception.message, status=exception.status, content_type="text/plain; charset=utf-8")
        return None


class DownloadAuditMiddleware:
    """Every file or export handed to a member (a response with Content-Disposition, or a stored file)
    is recorded in the office's audit: who took which file, when, from where. Pages open to the public
    (the exchange's files) are not recorded."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: OfficeRequest) -> HttpResponse:
        response = self.get_response(request)
        is_file = isinstance(response, FileResponse)
        if response.status_code != 200 or not (is_file or response.has_header("Content-Disposition")):
            return response
        if getattr(response, files.PICTURE_IN_PAGE, False):  # a thumbnail in a page (files.serve)
            return response
        org, user = getattr(request, "org", None), getattr(request, "user", None)
        match = request.resolver_match
        if org is None or user is None or not user.is_authenticated or match is None:
            return response
        if getattr(match.func, "hamdeli_permission", None) == PUBLIC:
            return response
        object_id = next((str(value) for value in match.kwargs.values()), "")
        with transaction.atomic():
            audit.record(org=org, actor=user, action="file.downloaded" if is_file else "export.downloaded",
                         object_type=(match.view_name or "")[:80], object_id=object_id[:64],
                         after={"path": request.path, "file": _file_name(response)})
        return response


def _file_name(response: HttpResponse) -> str:
    disposition = response.get("Content-Disposition", "")
    for marker in ("filename*=utf-8''", "filename="):
        if marker in disposition:
            return unquote(disposition.split(marker, 1)[1].split(";")[0].strip('"'))
    return ""
