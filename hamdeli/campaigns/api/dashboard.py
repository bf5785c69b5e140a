"""The campaigns' dashboard over JSON: running campaigns and copies still to hand over."""

from ninja import Router

from hamdeli.campaigns import selectors
from hamdeli.campaigns.api.awareness import CampaignOut
from hamdeli.campaigns.api.recognition import CopyOut
from hamdeli.core.boundary import Schema
from hamdeli.core.permissions import requires

router = Router()


class CampaignsDashboardOut(Schema):
    running: list[CampaignOut]
    pending_handovers: list[CopyOut]


@router.get("/dashboard", response=CampaignsDashboardOut, operation_id="campaigns_dashboard")
@requires("campaigns.view")
def dashboard(request):
    """Running campaigns and copies still to hand over."""
    return {"running": selectors.running_campaigns(org=request.org),
            "pending_handovers": selectors.pending_handovers(org=request.org)}
