from django.urls import include, path

from hamdeli.api import api

urlpatterns = [
    path("api/v1/", api.urls),
    path("", include("hamdeli.core.urls")),
    path("", include("hamdeli.web.urls")),
    path("", include("hamdeli.places.urls")),
    path("", include("hamdeli.partners.urls")),
    path("", include("hamdeli.campaigns.urls")),
    path("", include("hamdeli.correspondence.urls")),
    path("", include("hamdeli.aid.urls")),
    path("", include("hamdeli.practices.urls")),
]

handler500 = "hamdeli.core.views.server_error"
