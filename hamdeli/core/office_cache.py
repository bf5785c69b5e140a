"""A server process's cache of what a page computes from one office's records (the dashboard's figures and
panels), kept until the office records a change.

The key carries the office's audit chain head (`AuditChainHead.seq`, one read by primary key): every change
an office makes goes through a service that writes its audit entry in the same transaction (docs/architecture.md),
so the first read after a change, on any server process, misses and computes afresh. The key also carries
the person and their role (what they may see), the page's language and the office's day (what "overdue" and
"upcoming" mean). What no key can see — another office's public practices in the panel of cities ahead, a
row written outside the services — is shown at most `TTL` seconds late.

Each server process keeps its own copy (Django's local-memory cache): nothing is shared between processes,
and nothing but the audit head is read to know whether a copy still holds.
"""

from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from hamdeli.core.models import AuditChainHead
from hamdeli.core.types import MemberRequest

TTL = 60  # seconds: the bound on what the audit head does not see (see above)

T = TypeVar("T")


def office_version(request: MemberRequest) -> int:
    """The office's audit chain head: it moves with every change the office records. Read once per request."""
    version = getattr(request, "_hamdeli_office_version", None)
    if version is None:
        version = AuditChainHead.objects.filter(org=request.org).values_list("seq", flat=True).first() or 0
        request._hamdeli_office_version = version  # type: ignore[attr-defined]  # memoised on the request
    return int(version)


def cached(request: MemberRequest, name: str, compute: Callable[[], T]) -> T:
    """`compute()`'s value for this office as it is now, this person, role, language and day; computed again
    after any change the office records, and at least every `TTL` seconds."""
    membership = request.membership
    key = ":".join(str(part) for part in (
        "office", request.org.public_id, office_version(request), name, request.user.pk,
        membership.role if membership is not None else "", get_language(), timezone.localdate().isoformat()))
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TTL)
    return value  # type: ignore[no-any-return]  # what compute() returned for this key
