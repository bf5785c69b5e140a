"""The page shown when sign-in is paused for a user name and address (django-axes' lockout handler).

It is the sign-in page itself, with a translated message saying how long the pause lasts, answered with
429 Too Many Requests and a Retry-After header counted from the last failure that axes recorded."""

import datetime as dt
import math
from typing import Any

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_cool_off
from django.contrib.auth.forms import AuthenticationForm
from django.db.models import Max
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import ngettext

from hamdeli.core.digits import format_number


def seconds_left(request: HttpRequest, credentials: dict[str, Any] | None) -> int:
    """Seconds until the pause for this request's user name and address ends (at least 1)."""
    cool_off = get_cool_off(request)
    attempts = AxesProxyHandler.get_implementation().filter_user_attempts(request, credentials)
    latest = max((last for qs in attempts if (last := qs.aggregate(at=Max("attempt_time"))["at"])), default=None)
    if cool_off is None or latest is None:
        return 1
    left: dt.timedelta = latest + cool_off - timezone.now()
    return max(1, math.ceil(left.total_seconds()))


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict[str, Any] | None = None) -> HttpResponse:
    seconds = seconds_left(request, credentials)
    minutes = math.ceil(seconds / 60)
    message = ngettext(
        "Too many failed sign-ins for this user name from your address. Sign-in is paused for %(minutes)s "
        "minute; try again after that, or reset your password.",
        "Too many failed sign-ins for this user name from your address. Sign-in is paused for %(minutes)s "
        "minutes; try again after that, or reset your password.",
        minutes,
    ) % {"minutes": format_number(minutes)}
    username = (credentials or {}).get("username") or request.POST.get("username", "")
    wanted = request.POST.get("next", "")
    safe_next = wanted if url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                          require_https=request.is_secure()) else ""
    form = AuthenticationForm(request, initial={"username": str(username)[:150]})
    response = render(request, "core/login.html", {
        "form": form,
        "next": safe_next,
        "locked_out": message,
    }, status=429)
    response["Retry-After"] = str(seconds)
    return response
