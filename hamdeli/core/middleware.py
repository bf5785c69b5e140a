"""Request set-up: the UI language, the organization resolved once per request; a vanished record is a 404."""

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist
from django.core.handlers.exception import response_for_exception
from django.http import Http404, HttpResponse
from django.utils import translation

from hamdeli.core.models import Membership


class LanguageMiddleware:
    """Persian unless the person chose otherwise (cookie); API clients may ask via Accept-Language.

    The browser's Accept-Language is deliberately ignored for pages: the office works in Persian
    first, whatever language the computer's browser was installed in.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.codes = {code for code, _ in settings.LANGUAGES}

    def __call__(self, request):
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


class OrganizationMiddleware:
    """Sets request.org and request.membership for a signed-in member (None otherwise).

    A person in several organizations picks one; the choice is kept in the session.
    API token requests are resolved by the token's own membership (see hamdeli.api).
    """

    SESSION_KEY = "hamdeli_org"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.org = None
        request.membership = None
        if request.user.is_authenticated:
            memberships = Membership.objects.filter(user=request.user).select_related("org")
            chosen = request.session.get(self.SESSION_KEY)
            membership = None
            if chosen:
                membership = memberships.filter(org__public_id=chosen).first()
            membership = membership or memberships.first()
            if membership is not None:
                request.membership = membership
                request.org = membership.org
        return self.get_response(request)


class MissingRecordMiddleware:
    """A record that is no longer there when a service looks it up under its lock (removed by someone
    else a moment before) is a 404 on the pages too, as it already is in the API (api_setup)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ObjectDoesNotExist):
            return response_for_exception(request, Http404())
        from hamdeli.core.pdf import Unprintable

        if isinstance(exception, Unprintable):  # a PDF link: say why there is no PDF, in plain words
            return HttpResponse(exception.message, status=exception.status, content_type="text/plain; charset=utf-8")
        return None
