"""Loading the sample practices, and recall@k of the search modes on a set of queries with expectations."""

import json
from pathlib import Path
from typing import Any

from hamdeli.places import selectors as places
from hamdeli.places import services as places_services
from hamdeli.places.models import City
from hamdeli.practices import samples, services
from hamdeli.practices.models import Practice
from hamdeli.practices.search.engine import search

DEFAULT_QUERIES = Path(__file__).resolve().parent.parent.parent / "tests" / "practices" / "eval_queries.json"


def ensure_sample_cities() -> dict:
    """The sample cities, created from the sample table when GeoNames has not been imported."""
    made = {}
    for key, (gid, en, fa, code) in samples.CITIES.items():
        made[key] = places_services.ensure_stand_in_city(geonameid=gid, name_en=en, name_fa=fa, country=code)
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


CROSSLINGUAL = DEFAULT_QUERIES.parent / "data" / "crosslingual_eval.json"
MODES = ("keyword", "semantic", "hybrid")


def read_crosslingual(path: Path | None = None) -> dict:
    return json.loads(Path(path or CROSSLINGUAL).read_text(encoding="utf-8"))


def _city(name: str, country: str, number: int) -> City:
    """The named city (an evaluation needs no GeoNames import: a missing one is made with a stand-in id)."""
    city = places.city_named_in(name, country)
    if city is None:
        city = places_services.ensure_stand_in_city(geonameid=990_000_000 + number, name_en=name, country=country)
    return city


def load_crosslingual(*, org, actor, data: dict) -> dict[str, Practice]:
    """The evaluation's practices and distractors (one language each), beside the demo's sample practices
    (loaded too: they are same-language distractors for Persian and English queries)."""
    made = {f"sample:{key}": p for key, p in load_samples(org=org, actor=actor, visibility="private").items()}
    import datetime as dt

    rows = data["practices"] + data["distractors"]
    for number, row in enumerate(rows):
        fields = {k: row[k] for k in ("title", "summary", "body", "crisis", "phase", "topics", "instrument")
                  if k in row}
        made[row["key"]] = services.create_practice(
            org=org, actor=actor, city=_city(row["city"], row["country"], number), visibility="private",
            started_on=dt.date(int(row.get("year") or 2020), 3, 1), **fields)
    return made


def evaluate(*, org, practices: dict[str, Practice], data: dict, k: int = 5, modes=MODES) -> dict:
    """Per mode, per (query language → practice language) and overall: the share of queries with every
    expected practice in the top k, the share with an expected one first, and the mean reciprocal rank of
    the first expected one (in the first 50). Nonsense queries: the share that found nothing, and how many
    results they found. The queries are halved by position: the even-numbered ones (`cross:tune`) are those the
    semantic floor and the fusion were chosen on, the odd-numbered ones (`cross:test`) were held out."""
    by_id = {p.pk: key for key, p in practices.items()}
    lang_of = {row["key"]: row["lang"] for row in data["practices"]}
    report: dict[str, dict[str, Any]] = {}
    for mode in modes:
        slices: dict[str, list[tuple[bool, bool, float]]] = {}
        nonsense, nonsense_found, misses = [], [], []
        for number, item in enumerate(data["queries"]):
            results = search(org=org, query=item["q"], mode=mode, limit=50, with_facets=False)
            ranked = [by_id.get(h.practice.pk) for h in results.hits]
            if item.get("nonsense"):
                nonsense.append(results.found == 0)
                nonsense_found.append(results.found)
                continue
            expected = set(item["expected"])
            first = next((n for n, key in enumerate(ranked, start=1) if key in expected), None)
            outcome = (expected <= set(ranked[:k]), first == 1, 1 / first if first else 0.0)
            kind = "same" if item.get("same_language") else "cross"
            targets = "+".join(sorted({lang_of[key] for key in expected}))
            half = "tune" if number % 2 == 0 else "test"
            for name in (f"{kind}:{item['lang']}->{targets}", f"{kind}:{item['lang']}->*", f"{kind}:{half}", kind,
                         "all"):
                slices.setdefault(name, []).append(outcome)
            if not outcome[0]:
                misses.append({"q": item["q"], "expected": sorted(expected), "got": ranked[:k]})
        report[mode] = {
            name: {"queries": len(rows), f"all_in_top_{k}": round(sum(r[0] for r in rows) / len(rows), 3),
                   "top_1": round(sum(r[1] for r in rows) / len(rows), 3),
                   "mrr": round(sum(r[2] for r in rows) / len(rows), 3)}
            for name, rows in sorted(slices.items())}
        report[mode]["nonsense_found_nothing"] = round(sum(nonsense) / len(nonsense), 3) if nonsense else None
        report[mode]["nonsense_found"] = nonsense_found
        report[mode]["misses"] = misses
    return report
