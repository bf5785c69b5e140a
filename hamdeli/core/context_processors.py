from typing import Any

from django.utils.translation import get_language, get_language_bidi

from hamdeli.core.models import Membership, Organization
from hamdeli.core.types import OfficeRequest


def hamdeli(request: OfficeRequest) -> dict[str, Any]:
    user = getattr(request, "user", None)
    other_orgs: list[Organization] = []
    if user is not None and user.is_authenticated and getattr(request, "org", None) is not None:
        known = getattr(request, "other_orgs", None)  # read with the membership by OrganizationMiddleware
        if known is None:
            known = request.other_orgs = [
                m.org for m in Membership.objects.filter(user=user, deactivated_at__isnull=True)
                .exclude(org=request.org).select_related("org")]
        other_orgs = known
    return {
        "other_orgs": other_orgs,
        "org": getattr(request, "org", None),
        "membership": getattr(request, "membership", None),
        "LANG": get_language(),
        "DIR": "rtl" if get_language_bidi() else "ltr",
        "request_id": getattr(request, "request_id", ""),
    }
