"""City look-up for forms (HTMX): options for a <select>, by name in any language."""

from django.shortcuts import render

from hamdeli.core.permissions import requires
from hamdeli.places import selectors


@requires("org.view")
def city_options(request):
    cities = selectors.search_cities(request.GET.get("q", ""), limit=25)
    return render(request, "places/city_options.html", {"cities": cities})
