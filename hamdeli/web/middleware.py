"""Every write made through a page is confirmed: a page form that saved and redirected shows "Saved"
on the next page, unless the view said something more precise itself."""

from django.contrib import messages
from django.utils.translation import gettext as _

from hamdeli.core.permissions import PUBLIC


class ConfirmWritesMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method == "POST" and response.status_code in (302, 303) and self._is_member_page(request):
            queued = getattr(getattr(request, "_messages", None), "_queued_messages", None)
            if queued is not None and not queued:
                messages.success(request, _("Your changes were saved."))
        return response

    @staticmethod
    def _is_member_page(request):
        """A page of the office's (not the API, not sign-in, language or the public pages)."""
        match = getattr(request, "resolver_match", None)
        if match is None or request.path.startswith("/api/"):
            return False
        return getattr(match.func, "hamdeli_permission", PUBLIC) != PUBLIC and match.url_name != "switch_org"
