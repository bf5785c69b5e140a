"""Countries and cities (reference data, readable by any member)."""

from ninja import Router
from pydantic import Field

from hamdeli.core.boundary import Schema
from hamdeli.core.pagination import paged
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
    country: str = Field(..., validation_alias="country_id")
    population: int


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
    return selectors.search_cities(q, country=country, limit=None)


@router.get("/cities/{geonameid}", response=CityOut, operation_id="places_city")
@requires("org.view")
def city(request, geonameid: int):
    """One city by its GeoNames id."""
    return selectors.city(geonameid)
