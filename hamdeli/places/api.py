"""Countries and cities (reference data, readable by any member)."""

from ninja import Router, Schema

from hamdeli.core.permissions import requires
from hamdeli.places import selectors

router = Router(tags=["places"])


class CountryOut(Schema):
    code: str
    name_en: str
    name_fa: str


class CityOut(Schema):
    geonameid: int
    name_en: str
    name_fa: str
    country: str
    population: int


def city_out(city) -> dict:
    return {"geonameid": city.geonameid, "name_en": city.name_en, "name_fa": city.name_fa,
            "country": city.country_id, "population": city.population}


@router.get("/countries", response=list[CountryOut], operation_id="places_countries")
@requires("org.view")
def countries(request):
    return list(selectors.countries())


@router.get("/cities", response=list[CityOut], operation_id="places_cities")
@requires("org.view")
def cities(request, q: str = "", country: str | None = None, limit: int = 20):
    return [city_out(c) for c in selectors.search_cities(q, country=country, limit=max(1, min(limit, 100)))]


@router.get("/cities/{geonameid}", response=CityOut, operation_id="places_city")
@requires("org.view")
def city(request, geonameid: int):
    return city_out(selectors.city(geonameid))
