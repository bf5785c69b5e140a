"""Countries and cities (reference data, readable by any member)."""

from ninja import Router

from hamdeli.core.boundary import Schema
from hamdeli.core.pagination import mapped, paged
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
@paged
@requires("org.view")
def countries(request):
    """Every country, with its English and Persian name."""
    return selectors.countries()


@router.get("/cities", response=list[CityOut], operation_id="places_cities")
@paged
@requires("org.view")
def cities(request, q: str = "", country: str | None = None):
    """Cities whose name holds every word of `q`, biggest first."""
    return mapped(selectors.search_cities(q, country=country, limit=None), city_out)


@router.get("/cities/{geonameid}", response=CityOut, operation_id="places_city")
@requires("org.view")
def city(request, geonameid: int):
    """One city by its GeoNames id."""
    return city_out(selectors.city(geonameid))
