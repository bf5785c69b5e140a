"""The JSON API under /api/v1: each app's router on one NinjaAPI (auth and errors from core.api_setup)."""

from hamdeli.core import api_setup
from hamdeli.core.openapi import HamdeliAPI

api = HamdeliAPI(
    title="Hamdeli API",
    version="1",
    description="The international office's partners, correspondence, aid, campaigns and practices.",
    auth=[api_setup.BearerToken(), api_setup.SessionMember(csrf=True)],
    urls_namespace="api",
    docs_url="/docs",  # Swagger UI from django-ninja's own static files (ninja is an installed app): no CDN
)

api_setup.install(api)


def _register_routers() -> None:
    from hamdeli.aid.api import router as aid_router
    from hamdeli.campaigns.api import router as campaigns_router
    from hamdeli.core.api import router as core_router
    from hamdeli.correspondence.api import router as correspondence_router
    from hamdeli.partners.api import router as partners_router
    from hamdeli.places.api import router as places_router
    from hamdeli.practices.api import router as practices_router

    api.add_router("/", core_router)
    api.add_router("/places/", places_router)
    api.add_router("/partners/", partners_router)
    api.add_router("/campaigns/", campaigns_router)
    api.add_router("/correspondence/", correspondence_router)
    api.add_router("/aid/", aid_router)
    api.add_router("/practices/", practices_router)


_register_routers()
