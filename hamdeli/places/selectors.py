"""Reads of places: shared reference data, no org needed."""

from django.shortcuts import get_object_or_404

from hamdeli.core.text import normalize
from hamdeli.places.models import City, Country


def search_cities(query: str = "", *, country: str | None = None, limit: int | None = 20):
    """The biggest cities first; all of them (a queryset to page) when limit is None."""
    qs = City.objects.select_related("country")
    if country:
        qs = qs.filter(country_id=country.upper())
    for word in normalize(query).split():
        qs = qs.filter(search_key__contains=word)
    qs = qs.order_by("-population", "name_en")
    return qs if limit is None else qs[:limit]


def city(geonameid: int) -> City:
    return get_object_or_404(City.objects.select_related("country"), geonameid=geonameid)


def countries():
    return Country.objects.all()


def find_city(geonameid: int) -> City | None:
    return City.objects.select_related("country").filter(geonameid=geonameid).first()
