"""Rate limits that hold across every server process: requests are counted in the database.

A limit is "N requests per window of S seconds" per client address, for a kind of request. Each
request adds one to its (kind, address, window) row with a single atomic upsert, so 16 concurrent
requests from one address, on any number of workers, are counted 16 times — never fewer, as a
read-then-write count would. A refused request is told when to come back (Retry-After).

Kinds and their defaults (settings.RATE_LIMITS, each set by HAMDELI_RATE_<KIND> as "N/S"):
  public  every request of a visitor who is not signed in to a public page or operation
  search  such a request that searches (a non-empty `q`)
  ask     a question sent to a city through a public practice ("ask this city")
"""

import math
import random
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from hamdeli.core.clients import client_ip
from hamdeli.core.digits import localize_digits
from hamdeli.core.models import RateCounter

PRUNE_CHANCE = 0.01  # about one request in a hundred also deletes windows that have ended


@dataclass(frozen=True)
class Refusal:
    kind: str
    retry_after: int  # seconds until the window ends


def hit(kind: str, who: str, *, now: float | None = None) -> Refusal | None:
    """Count one request of `kind` from `who`; a Refusal when it is over the limit, else None."""
    limit, seconds = settings.RATE_LIMITS[kind]
    now = time.time() if now is None else now
    until = (int(now // seconds) + 1) * seconds
    table = connection.ops.quote_name(RateCounter._meta.db_table)
    with transaction.atomic():
        with connection.cursor() as cursor:
            # One statement on both SQLite (3.35+) and PostgreSQL: the row is created or incremented
            # under the database's own lock, and the new count comes back with it.
            cursor.execute(
                f"INSERT INTO {table} (bucket, until, hits) VALUES (%s, %s, 1) "  # noqa: S608 - our own table name
                f"ON CONFLICT (bucket, until) DO UPDATE SET hits = {table}.hits + 1 RETURNING hits",
                [f"{kind}:{who}"[:120], until])
            hits = cursor.fetchone()[0]
        if random.random() < PRUNE_CHANCE:  # noqa: S311 - not for security, only to spread the cleaning
            RateCounter.objects.filter(until__lt=now).delete()
    if hits <= limit:
        return None
    return Refusal(kind=kind, retry_after=max(1, math.ceil(until - now)))


def check_public(request: HttpRequest) -> Refusal | None:
    """The limits on a request to a public page or operation (core.permissions.requires(PUBLIC)).

    Signed-in members are not limited here: they are known, and an office behind one address would
    otherwise share one budget. A request without a readable address is counted under "unknown"."""
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return None
    who = client_ip(request) or "unknown"
    refusal = hit("public", who)
    if refusal is None and request.GET.get("q", "").strip():
        refusal = hit("search", who)
    return refusal


def wait_text(seconds: int) -> str:
    """How long to wait, in words of the page's language."""
    if seconds < 120:
        return ngettext("%(n)s second", "%(n)s seconds", seconds) % {"n": localize_digits(seconds)}
    minutes = math.ceil(seconds / 60)
    return ngettext("%(n)s minute", "%(n)s minutes", minutes) % {"n": localize_digits(minutes)}


def refused(request: HttpRequest, refusal: Refusal) -> HttpResponse:
    """429 with Retry-After: the API's error body for API callers, the error page for people."""
    message = _("Too many requests from your address. Please try again in %(wait)s.") % {
        "wait": wait_text(refusal.retry_after)}
    response: HttpResponse
    if request.path.startswith("/api/"):
        response = JsonResponse({"error": "rate_limited", "message": message, "fields": {},
                                 "request_id": getattr(request, "request_id", "")}, status=429)
    else:
        response = render(request, "429.html", {"explanation": message}, status=429)
    response["Retry-After"] = str(refusal.retry_after)
    return response
