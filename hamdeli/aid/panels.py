"""The dashboard's aid panel: stock on hand, lots nearing expiry, recent receipts."""

from django.template.loader import render_to_string

from hamdeli.aid import selectors
from hamdeli.core.permissions import has_perm


def panel(request) -> str:
    if not has_perm(request, "aid.view"):
        return ""
    org, actor = request.org, request.user
    summary = selectors.stock_summary(org=org, actor=actor)  # units, expired and expiring in one query
    receipts = selectors.recent_receipts(org=org, actor=actor)
    if not summary["units"] and not receipts:
        return ""
    return render_to_string(
        "aid/panel.html",
        {"stock_count": summary["units"], "receipts": receipts,
         "expired": summary["expired"], "expiring": summary["expiring"]},
        request=request,
    )
