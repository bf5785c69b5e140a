"""Loading the sample practices, and recall@k of the search modes on a set of queries with expectations."""

import json
from pathlib import Path

from hamdeli.places.models import City, Country
from hamdeli.places.services import country_names
from hamdeli.practices import samples, services
from hamdeli.practices.models import Practice
from hamdeli.practices.search.engine import search

DEFAULT_QUERIES = Path(__file__).resolve().parent.parent.parent / "tests" / "practices" / "eval_queries.json"


def ensure_sample_cities() -> dict:
    """The sample cities, created from the sample table when GeoNames has not been imported."""
    made = {}
    for key, (gid, en, fa, code) in samples.CITIES.items():
        english, persian = country_names(code)
        Country.objects.get_or_create(code=code, defaults={"name_en": english, "name_fa": persian})
        made[key], _created = City.objects.get_or_create(
            geonameid=gid, defaults={"name_en": en, "name_fa": fa, "country_id": code})
    return made


def load_samples(*, org, actor, visibility: str = "public", network=None) -> dict[str, Practice]:
    """Create the sample practices for org (idempotent: a sample already there, by title, is kept)."""
    cities = ensure_sample_cities()
    made = {}
    for sample in samples.PRACTICES:
        existing = Practice.objects.filter(org=org, title=sample["title"]).first()
        if existing is not None:
            made[sample["key"]] = existing
            continue
        data = {k: v for k, v in sample.items() if k not in ("key", "city")}
        made[sample["key"]] = services.create_practice(
            org=org, actor=actor, city=cities[sample["city"]], visibility=visibility,
            network=network if visibility == "network" else None, **data)
    return made


def read_queries(path: Path | None = None) -> list[dict]:
    return json.loads(Path(path or DEFAULT_QUERIES).read_text(encoding="utf-8"))["queries"]


def recall_at(*, org, practices: dict[str, Practice], queries: list[dict], k: int = 5) -> dict:
    """Mean recall@k per mode (share of each query's expected practices found in the top k)."""
    by_id = {p.pk: key for key, p in practices.items()}
    report = {}
    for mode in ("keyword", "semantic", "hybrid"):
        total, misses = 0.0, []
        for item in queries:
            found = [by_id.get(h.practice.pk) for h in search(org=org, query=item["q"], mode=mode, limit=k,
                                                             with_facets=False).hits]
            share = len(set(found) & set(item["expect"])) / len(item["expect"])
            total += share
            if share < 1:
                misses.append(item["q"])
        report[mode] = {"recall_at_%d" % k: round(total / len(queries), 4), "queries": len(queries),
                        "not_fully_found": misses}
    return report
