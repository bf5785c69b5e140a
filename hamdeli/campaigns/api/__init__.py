"""Campaigns over JSON, one module per domain like the services and the pages: awareness (campaigns,
design sets, files, placements, the overview), advocacy (statements and endorsements), recognition
(recipients, items, copies) and the dashboard. Their routers make the one router mounted at /campaigns/."""

from ninja import Router

from hamdeli.campaigns.api import advocacy, awareness, dashboard, recognition

router = Router(tags=["campaigns"])
for _domain in (awareness, advocacy, recognition, dashboard):
    router.add_router("", _domain.router)
