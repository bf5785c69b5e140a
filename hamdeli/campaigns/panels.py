"""The campaigns panel on the dashboard: running campaigns and recognition copies still to hand over."""

from django.template.loader import render_to_string

from hamdeli.campaigns import selectors
from hamdeli.core.permissions import has_perm


def dashboard_panel(request) -> str:
    if not has_perm(request, "campaigns.view"):
        return ""
    running = list(selectors.running_campaigns(org=request.org))
    pending = list(selectors.pending_handovers(org=request.org))
    if not running and not pending:
        return ""
    return render_to_string("campaigns/_panel.html", {"running": running, "pending": pending}, request=request)
