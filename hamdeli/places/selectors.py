"""Reads of places: shared reference data, no org needed."""

from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.db.models import Exists, OuterRef, Q, QuerySet

from hamdeli.core.records import get_or_404
from hamdeli.core.text import normalize
from hamdeli.places.models import City, CityPrefix, CityWord, Country
from hamdeli.places.names import name_key

# A prefix that begins at most this many words (of cities' names) is answered from those cities alone; one
# that begins more (a letter or two) by walking the cities biggest first until enough match.
CANDIDATES = CityPrefix.WIDE


def _begins(word: str) -> Q:
    """CityWord rows whose word begins with `word`, as a range of the word index."""
    if connection.vendor == "postgresql":
        return Q(word__startswith=word)  # LIKE 'w%' on the varchar_pattern_ops index
    return Q(word__gte=word, word__lt=word + "\U0010ffff")  # SQLite's binary order is code point order


class CitySearch(QuerySet[City]):
    """The cities a search found. Its count (the API's total) may be taken another way than its rows:
    for a prefix of many cities the rows walk the cities biggest first, testing each (25 come quickly),
    but counting them all is several times cheaper from the matching words (`IN`)."""

    counted_by: "QuerySet[City] | None" = None
    wide_prefix: str | None = None  # a one-word search of no country over many cities: its count is stored (CityPrefix)

    def count(self) -> int:
        if self.wide_prefix is not None:
            stored = CityPrefix.objects.filter(prefix=self.wide_prefix).values_list("cities", flat=True).first()
            if stored is not None:
                return stored
        return self.counted_by.count() if self.counted_by is not None else super().count()


def cities() -> QuerySet[City]:
    """Every city, with its country (a form field's queryset: the chosen one is looked up in it)."""
    return City.objects.select_related("country")


def cities_by_ids(ids: Iterable[int]) -> QuerySet[City]:
    """These cities, with their countries, by English name."""
    return City.objects.filter(pk__in=ids).select_related("country").order_by("name_en")


def city_ids_in(country: str) -> QuerySet[City, Any]:
    """The ids of a country's cities (ISO code), as a subquery."""
    return City.objects.filter(country_id=country.upper()).values("pk")


def country_names(codes: Iterable[str]) -> dict[str, str]:
    """These countries' names in the active language, by ISO code (unknown codes left out)."""
    return {c.code: c.name for c in Country.objects.filter(code__in=codes)}


def city_by_id_or_name(text: str) -> City | None:
    """The city a command names: its GeoNames id, or its English name (the most populous of that name)."""
    if text.isdigit():
        return City.objects.filter(geonameid=int(text)).first()
    return City.objects.filter(name_en__iexact=text).order_by("-population").first()


def search_cities(query: str = "", *, country: str | None = None, limit: int | None = 20) -> QuerySet[City]:
    """Cities one of whose names has a word beginning with each word of the query (any language,
    normalised: "isf", "اصفه", "گوانگژو", "new york"), the biggest first; all of them (a queryset to
    page) when limit is None. Looked up in the index of the names' words (CityWord), never by reading
    every city's names."""
    qs = CitySearch(City).select_related("country")
    if country:
        qs = qs.filter(country_id=country.upper())
    words = sorted(set(normalize(query).split()), key=len, reverse=True)  # the longest is the most selective
    counted_by: QuerySet[City] | None = None
    if words:
        rows = list(CityWord.objects.filter(_begins(words[0])).values_list("city_id", flat=True)[:CANDIDATES + 1])
        if len(rows) <= CANDIDATES:
            qs, words = qs.filter(pk__in=set(rows)), words[1:]
        else:
            counted_by = qs.filter(pk__in=CityWord.objects.filter(_begins(words[0])).values("city_id"))
        for word in words:
            test = Exists(CityWord.objects.filter(_begins(word), city_id=OuterRef("pk")))
            qs = qs.filter(test)
            if counted_by is not None and word is not words[0]:
                counted_by = counted_by.filter(test)
    qs = qs.order_by("-population", "name_en")
    if limit is not None:
        return qs[:limit]
    qs.counted_by = counted_by
    if counted_by is not None and not country and len(set(normalize(query).split())) == 1:
        qs.wide_prefix = normalize(query).split()[0]
    return qs


def city(geonameid: int) -> City:
    return get_or_404(City.objects.select_related("country"), geonameid=geonameid)


def countries() -> QuerySet[Country]:
    return Country.objects.all()


def city_named_in(name: str, country: str) -> City | None:
    """The country's city of exactly this English name (the first by id), or None."""
    return City.objects.filter(name_en=name, country_id=country).order_by("geonameid").first()


def find_city(geonameid: int) -> City | None:
    return City.objects.select_related("country").filter(geonameid=geonameid).first()


# Names lists use that ISO 3166 (and so pycountry) does not know: common English names, older
# names and Wikipedia's disambiguated titles.
COUNTRY_ALIASES = {
    "russia": "RU", "turkey": "TR", "palestine": "PS", "state of palestine": "PS", "georgia (country)": "GE",
    "ivory coast": "CI", "cote d'ivoire": "CI", "macedonia": "MK", "republic of macedonia": "MK",
    "kosovo": "XK", "democratic republic of the congo": "CD", "dr congo": "CD", "congo-kinshasa": "CD",
    "congo-brazzaville": "CG", "brunei": "BN", "cape verde": "CV", "east timor": "TL", "vatican city": "VA",
    "the gambia": "GM", "the bahamas": "BS", "micronesia": "FM", "federated states of micronesia": "FM",
    "swaziland": "SZ", "burma": "MM", "the netherlands": "NL", "holland": "NL", "usa": "US", "u.s.": "US",
    "united states of america": "US", "uk": "GB", "great britain": "GB", "england": "GB", "scotland": "GB",
    "wales": "GB", "northern ireland": "GB", "korea": "KR", "republic of korea": "KR", "north korea": "KP",
    "china (prc)": "CN", "people's republic of china": "CN", "republic of china": "TW",
    "persia": "IR", "czechoslovakia": "CZ", "the philippines": "PH", "laos": "LA", "syria": "SY",
}


def resolve_country(text: str) -> Country | None:
    """A country by ISO code (alpha-2 or -3), name, common or official name (pycountry), a usual alias,
    or its English or Persian name here. Exact (case and accents aside): never a guess."""
    import pycountry

    key = normalize(text)
    if not key:
        return None
    code = COUNTRY_ALIASES.get(key)
    if code is None:
        try:
            code = pycountry.countries.lookup(text.strip()).alpha_2
        except LookupError:
            code = None
    if code is not None:
        return Country.objects.filter(code=code).first()
    for country in Country.objects.all():
        if key in (normalize(country.name_en), normalize(country.name_fa)):
            return country
    return None


def cities_named(name: str, country: Country) -> tuple[list[City], list[City]]:
    """The country's cities whose English or Persian name is exactly this name, and (second) those that
    carry it only as an alternate name; largest first."""
    key = name_key(name)
    if not key:
        return [], []
    primary, alternate = [], []
    qs = City.objects.select_related("country").filter(country=country)
    for word in key.replace("'", " ").split():  # a cheap pre-filter; the exact test below decides
        qs = qs.filter(Q(search_key__contains=word) | Q(alternate_names__contains=word))
    for city in qs.order_by("-population", "geonameid"):
        if key in (name_key(city.name_en), name_key(city.name_fa)):
            primary.append(city)
        elif key in city.alternate_names.split("\n"):
            alternate.append(city)
    return primary, alternate
