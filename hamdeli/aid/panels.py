"""The dashboard's aid panel: stock on hand, lots nearing expiry, recent receipts."""

from django.db.models import Sum
from django.template.loader import render_to_string

from hamdeli.aid import selectors
from hamdeli.core.permissions import has_perm


def panel(request) -> str:
    if not has_perm(request, "aid.view"):
        return ""
    org, actor = request.org, request.user
    stock = selectors.stock(org=org, actor=actor)
    count = stock.aggregate(t=Sum("quantity"))["t"] or 0
    receipts = list(selectors.recent_receipts(org=org, actor=actor))
    if not count and not receipts:
        return ""
    return render_to_string(
        "aid/panel.html",
        {"stock_count": count, "receipts": receipts,
         "expired": selectors.expiring(org=org, actor=actor).filter(expired=True).count(),
         "expiring": selectors.expiring(org=org, actor=actor).filter(expired=False).count()},
        request=request,
    )
