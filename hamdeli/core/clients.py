"""Who is asking: the client's address, read through the reverse proxies the settings trust."""

import ipaddress

from django.conf import settings
from django.http import HttpRequest


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address, or None when there is no readable one.

    Behind HAMDELI_TRUSTED_PROXIES proxies, each appends the address it saw to X-Forwarded-For, so the
    client is that many entries from the right; anything further left was sent by the client itself
    and proves nothing. With no trusted proxy the header is ignored."""
    candidate = request.META.get("REMOTE_ADDR")
    hops = settings.TRUSTED_PROXIES
    if hops:
        forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
        if len(forwarded) >= hops:
            candidate = forwarded[-hops]
    try:
        return str(ipaddress.ip_address((candidate or "").strip()))
    except ValueError:
        return None
