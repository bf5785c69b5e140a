"""Practice search benchmark (not a test). Prints JSON; see bench/results/search.json for a recorded run.

    .venv/bin/python bench/search.py [--size 100000] [--embed 2000] [--runs 5] [--db /tmp/bench.sqlite3]
        [--clients 8] [--workers 2] [--requests 40]
    .venv/bin/python bench/search.py --database postgresql [--sizes 10000,100000] [--keyword-only]
        [--pg-url postgresql://postgres@127.0.0.1:5432/bench_search] [--out FILE]

Generates multilingual practices from the sample practices (fa, en, zh, es, each with a random city,
year and variant words, a third each private, shared with partners and public), indexes them, then
measures on the SQLite FTS5 engine, for the office that owns them (sees all) and for another office
(sees the public third):
- keyword search through the app's interface (visibility filter + BM25 + snippets of the hits) vs the
  same query as a bare FTS5 MATCH in the same run (ratio);
- hybrid search (keyword + e5 query embedding + cosine over every stored vector + RRF);
- indexing throughput (rows/s, with the FTS5 triggers) and embedding throughput (passages/s);
- peak memory (ru_maxrss);
- hybrid search under load: --clients concurrent clients (8) spread over --workers server processes (2, as
  gunicorn would run them; each loads its own engine with HAMDELI_SEARCH_THREADS threads and its own vector
  matrix), each client sending the queries one after the other: p50/p95 of every request and requests/s.
Embedding all rows would take too long on a small machine: --embed passages are really embedded to measure
the rate; every row then stores the vector of its base sample text (so the vector matrix has full size).

With --database postgresql the same practices are built, at every --sizes size, in a fresh SQLite file and in
the PostgreSQL database of --pg-url (created and dropped), one after the other in the same run, each in its
own process; the keyword figures of both are reported side by side, with PostgreSQL's bare query (`@@` on
the stored vector, ORDER BY ts_rank, LIMIT 20) as its ratio's baseline and the plan of the app's statement.
"""

import argparse
import json
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

QUERIES = ["disinfection", "ضدعفونی معابر", "online school", "آموزش مجازی", "food parcels", "hospital",
           "消毒", "健康码", "carriles bici", "hipoclorito", "masks pharmacy", "ماسک", "elderly alone",
           "bike lanes", "اطلاع‌رسانی عمومی", "drive-through testing", "homeless shelters", "قرنطینه",
           "wet markets", "rent relief"]
WORDS = ["district", "pilot", "phase", "volunteers", "citywide", "neighbourhood", "محله", "داوطلبان",
         "社区", "志愿者", "barrio", "voluntarios", "schools", "clinics", "bazaar", "metro"]


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def _serve_clients(db: str, clients: int, requests: int, seed: int, out) -> None:
    """One server process: its own Django, engine and vector matrix, `clients` threads each sending
    `requests` hybrid searches; puts the latencies (ms) on `out`."""
    import threading

    os.environ["HAMDELI_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamdeli.settings")
    import django

    django.setup()
    from django.db import connection

    from hamdeli.core.models import Organization
    from hamdeli.practices.search.engine import search

    org = Organization.objects.get(slug="bench")
    for q in QUERIES:  # the worker's start-up: engine, matrix and jieba's dictionary loaded
        search(org=org, query=q, mode="hybrid")
    connection.close()
    latencies: list[float] = []
    start = threading.Barrier(clients)

    def client(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        start.wait()
        for _ in range(requests):
            q = rng.choice(QUERIES)
            t = time.perf_counter()
            search(org=org, query=q, mode="hybrid", limit=20)
            latencies.append((time.perf_counter() - t) * 1000)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    out.put(latencies)


def concurrent_hybrid(db: str, clients: int, workers: int, requests: int) -> dict:
    """Hybrid latency with `clients` concurrent clients over `workers` processes (spawned, like a server's)."""
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    out = ctx.Queue()
    per = [clients // workers + (1 if n < clients % workers else 0) for n in range(workers)]
    procs = [ctx.Process(target=_serve_clients, args=(db, n, requests, i, out)) for i, n in enumerate(per) if n]
    load_before = os.getloadavg()
    started = time.perf_counter()
    for proc in procs:
        proc.start()
    latencies = [ms for _ in procs for ms in out.get()]
    for proc in procs:
        proc.join()
    wall = time.perf_counter() - started
    return {"load_average_1_5_15_before": [round(x, 2) for x in load_before],
            "load_average_1_5_15_after": [round(x, 2) for x in os.getloadavg()],
            "clients": clients, "workers": len(procs), "requests": len(latencies),
            "engine_threads_per_worker": int(os.environ.get("HAMDELI_SEARCH_THREADS", "1")),
            "p50_ms": round(statistics.median(latencies), 1), "p95_ms": round(pct(latencies, 95), 1),
            "max_ms": round(max(latencies), 1),
            "requests_per_s_incl_startup": round(len(latencies) / wall, 1)}


def raw_tsquery(query: str, *, limit: int = 20) -> list[int]:
    """PostgreSQL's bare query for the ratio's baseline: `@@` on the stored vector (GIN), ts_rank, LIMIT
    (no visibility, no bounded candidate set, no snippet)."""
    from django.db import connection

    from hamdeli.practices.search.keyword import tsquery_expression
    from hamdeli.practices.search.text import query_groups

    with connection.cursor() as cursor:
        cursor.execute("SELECT id FROM practices_practice, to_tsquery('simple', %s) AS q WHERE search_vector @@ q "
                       "ORDER BY ts_rank(search_vector, q) DESC LIMIT %s",
                       [tsquery_expression(query_groups(query)), limit])
        return [r[0] for r in cursor.fetchall()]


def _server_cpu(connection=None):
    """A clock of the CPU time the server spends (PostgreSQL: the process serving this connection, read from
    /proc in clock ticks: per call coarse, summed over every call of a kind exact enough; SQLite: none, it
    runs in this process, whose time.process_time counts it). On a loaded machine wall times measure the
    queue for the CPUs as much as the work; CPU time does not."""
    if connection is None:
        return lambda: 0.0
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = Path(f"/proc/{cursor.fetchone()[0]}/stat")
    tick = os.sysconf("SC_CLK_TCK")

    def server() -> float:
        fields = stat.read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / tick  # utime + stime

    return server


def _pg_database(url: str, action: str) -> None:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        if action == "create":
            admin.execute(f'CREATE DATABASE "{name}"')


def _ms(values: list[float]) -> dict:
    return {"p50": round(statistics.median(values), 2), "p95": round(pct(values, 95), 2)}


def measure(database: str, url: str, size: int, args) -> dict:
    """Build `size` practices in the database at `url` (fresh) and time the searches; runs in its own process."""
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    os.environ["HAMDELI_DATABASE_URL"] = url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamdeli.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection, transaction

    from hamdeli.core import services as core
    from hamdeli.practices import samples
    from hamdeli.practices.evaluation import ensure_sample_cities
    from hamdeli.practices.models import Practice
    from hamdeli.practices.search import semantic
    from hamdeli.practices.search.engine import search
    from hamdeli.practices.search.keyword import keyword_search, raw_fts5
    from hamdeli.practices.search.text import practice_document
    from hamdeli.practices.selectors import visible_practices
    from hamdeli.practices.services import refresh_derived

    postgres = database == "postgresql"
    bare = raw_tsquery if postgres else raw_fts5
    call_command("migrate", verbosity=0)
    cities = ensure_sample_cities()
    org = core.ensure_organization(slug="bench", city=cities["isfahan"], name={"en": "Bench"})
    rng = random.Random(7)
    city_list = list(cities.values())

    base_vectors = {}
    base = [Practice(org=org, city=cities[s["city"]], **{k: v for k, v in s.items() if k not in ("key", "city")})
            for s in samples.PRACTICES]
    for p, s in zip(base, samples.PRACTICES, strict=True):
        base_vectors[s["key"]] = semantic.embed_practices([p])[0]

    # --- indexing (skipped when --keep left this very database behind) ---
    started = time.perf_counter()
    batch = []
    reused = Practice.objects.filter(org=org).count() == size
    for _ in range(0 if reused else size):
        s = rng.choice(samples.PRACTICES)
        extra = " ".join(rng.sample(WORDS, 3))
        p = Practice(org=org, city=rng.choice(city_list), visibility=rng.choice(["private", "public", "partners"]),
                     title={k: f"{v} {extra}" for k, v in s["title"].items()}, summary=s["summary"],
                     topics=s["topics"], phase=s["phase"], instrument=s["instrument"],
                     started_on=s["started_on"].replace(year=rng.choice([2019, 2020, 2021, 2022])))
        refresh_derived(p, embed=False)
        p.embedding = base_vectors[s["key"]]
        batch.append(p)
        if len(batch) == 2000:
            with transaction.atomic():
                Practice.objects.bulk_create(batch)
            batch = []
    if batch:
        with transaction.atomic():
            Practice.objects.bulk_create(batch)
    index_seconds = time.perf_counter() - started
    if postgres and not reused:
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE practices_practice")

    texts = (base * (args.embed // len(base) + 1))[: args.embed]  # practices: passage and titles embedded
    started = time.perf_counter()
    for i in range(0, len(texts), 32):
        semantic.embed_practices(texts[i:i + 32])
    embed_rate = len(texts) / (time.perf_counter() - started) if texts else None
    assert practice_document(base[0])

    other = core.ensure_organization(slug="bench-other", city=cities["xian"], name={"en": "Another office"})
    hybrid = not args.keyword_only
    if hybrid:
        search(org=org, query="warm up", mode="hybrid")  # loads the vector matrix once
    for q in QUERIES:  # warm-up: statements, jieba's dictionary, the database's caches
        bare(q, limit=20)
        keyword_search(visible_practices(org), q, limit=20)
    server_cpu = _server_cpu(connection if postgres else None)
    timings = {}
    for who, office in (("owner", org), ("other_office", other)):
        pool = visible_practices(office)
        kw, raw, hyb, kw_full = [], [], [], []
        spent = {"raw": 0.0, "keyword": 0.0, "search_page_keyword": 0.0}  # CPU seconds (this process + backend)
        for _ in range(args.runs):
            for q in QUERIES:
                for name, samples_ms, call in (
                        ("raw", raw, lambda q=q: bare(q, limit=20)),
                        ("keyword", kw, lambda q=q, pool=pool: keyword_search(pool, q, limit=20)),
                        ("search_page_keyword", kw_full,
                         lambda q=q, office=office: search(org=office, query=q, mode="keyword", limit=20))):
                    server0 = server_cpu()
                    client0, t = time.process_time(), time.perf_counter()
                    call()
                    samples_ms.append((time.perf_counter() - t) * 1000)
                    client1 = time.process_time()
                    spent[name] += client1 - client0 + server_cpu() - server0
                if hybrid:
                    t = time.perf_counter()
                    search(org=office, query=q, mode="hybrid", limit=20)
                    hyb.append((time.perf_counter() - t) * 1000)
        timings[who] = {
            "sees": pool.count(),
            "keyword_ms": _ms(kw),
            ("raw_tsquery_ms" if postgres else "raw_fts5_match_ms"): _ms(raw),
            "keyword_vs_raw_ratio_p50": round(statistics.median(kw) / statistics.median(raw), 2),
            "keyword_vs_raw_ratio_p95": round(pct(kw, 95) / pct(raw, 95), 2),
            "search_page_keyword_ms": _ms(kw_full),
            **({"hybrid_ms": _ms(hyb)} if hybrid else {}),
            "cpu_ms_per_call": {name: round(total / len(kw) * 1000, 3) for name, total in spent.items()},
            "keyword_vs_raw_cpu_ratio": round(spent["keyword"] / spent["raw"], 2),
        }
    plan = None
    if postgres:  # the app's statement for one query: the GIN index must answer the match
        from hamdeli.practices.search import keyword

        where, params = keyword._where(visible_practices(other))
        executed = []

        def capture(execute, sql, params, many, context):
            executed.append((sql, params))
            return execute(sql, params, many, context)

        with connection.execute_wrapper(capture):
            keyword_search(visible_practices(other), "hospital", limit=20, snippets=False)
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN " + executed[0][0], executed[0][1])
            plan = [row[0] for row in cursor.fetchall()]
    semantic_rows = int(len(semantic._matrix.ids)) if hybrid else None
    connection.close()
    return {
        "database": database,
        "load_average_1_5_15_at_start": load_at_start,
        "load_average_1_5_15_at_end": [round(x, 2) for x in os.getloadavg()],
        "practices": size,
        **timings,
        "indexing_rows_per_s": None if reused else round(size / index_seconds),
        "embedding_passages_per_s": round(embed_rate, 1) if embed_rate else None,
        "embedded_for_rate": len(texts),
        "vectors_in_matrix": semantic_rows,
        **({"plan_of_keyword_statement": plan} if plan else {}),
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def _child(database: str, url: str, size: int, args, out) -> None:
    from hamdeli.core.tenancy import scopes_disabled

    with scopes_disabled():  # a benchmark seeds and reads several offices directly, as the demo loader does
        out.put(measure(database, url, size, args))


def main() -> int:
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite",
                        help="postgresql: measure PostgreSQL and, in the same run, SQLite as its baseline")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/bench_search")
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--sizes", default="", help="sizes (comma-separated) to build and measure in turn")
    parser.add_argument("--keyword-only", action="store_true", help="no hybrid timings (nor load test)")
    parser.add_argument("--embed", type=int, default=2000, help="passages really embedded to measure the rate")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "hamdeli-bench.sqlite3"))
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the load test (0: none)")
    parser.add_argument("--workers", type=int, default=2, help="server processes the clients are spread over")
    parser.add_argument("--requests", type=int, default=40, help="hybrid searches each client sends")
    parser.add_argument("--keep", action="store_true",
                        help="keep the databases built (one per size) and reuse them when run again")
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    sizes = [int(n) for n in args.sizes.split(",") if n] or [args.size]
    databases = ["sqlite", "postgresql"] if args.database == "postgresql" else ["sqlite"]
    if args.database == "sqlite" and len(sizes) == 1:  # as before: everything in this process, then the load test
        result = _sqlite_run(sizes[0], args, load_at_start)
    else:
        import multiprocessing

        ctx = multiprocessing.get_context("spawn")
        runs: dict[str, dict] = {}
        for size in sizes:
            for database in databases:
                url = _fresh(database, args, size, len(sizes) > 1)
                out = ctx.Queue()
                proc = ctx.Process(target=_child, args=(database, url, size, args, out))
                proc.start()
                figures = out.get()
                proc.join()
                if database == "postgresql" and not args.keep:
                    _pg_database(url, "drop")
                runs.setdefault(str(size), {})[database] = figures
                print(json.dumps({"size": size, "database": database, "owner": figures["owner"]}),
                      file=sys.stderr, flush=True)
            if "postgresql" in runs[str(size)]:
                runs[str(size)]["postgresql_vs_sqlite_keyword_p95"] = {
                    who: round(runs[str(size)]["postgresql"][who]["keyword_ms"]["p95"]
                               / runs[str(size)]["sqlite"][who]["keyword_ms"]["p95"], 2)
                    for who in ("owner", "other_office")}
        result = {
            "load_average_1_5_15_at_start": load_at_start,
            "load_average_1_5_15_at_end": [round(x, 2) for x in os.getloadavg()],
            "databases": databases, "queries": len(QUERIES), "runs_per_query": args.runs,
            "by_size": runs,
            "targets": {"postgresql_vs_sqlite_keyword_p95_at_100k": 2.0, "keyword_vs_raw_ratio": 1.5},
            "cpus": os.cpu_count(),
            "note": "keyword = the app's keyword engine (visibility filter, ranking, snippets of the 20 hits); raw = "
                    "the bare query on the same words: FTS5 MATCH ORDER BY bm25 LIMIT 20 on SQLite, `@@` on the "
                    "stored tsvector ORDER BY ts_rank LIMIT 20 on PostgreSQL; search_page_keyword = the whole "
                    "search call in keyword mode. Each database built fresh in its own process, one after the "
                    "other, with the same practices (same seed).",
        }
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")
    return 0


def _fresh(database: str, args, size: int, several: bool) -> str:
    """The database of this size: fresh, or the one a --keep run left (the practices then are not built again)."""
    url, path = args.pg_url, args.db
    if several or args.keep:
        url, path = f"{url}_{size}", f"{path}.{size}"
    if database == "postgresql":
        if not args.keep or not _pg_exists(url):
            _pg_database(url, "create")
        return url
    if not args.keep:
        for suffix in ("", "-wal", "-shm"):
            Path(path + suffix).unlink(missing_ok=True)
    return f"sqlite:///{path}"


def _pg_exists(url: str) -> bool:
    import psycopg

    base, name = url.rsplit("/", 1)
    with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
        return admin.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone() is not None


def _sqlite_run(size: int, args, load_at_start) -> dict:
    from hamdeli.core.tenancy import scopes_disabled

    with scopes_disabled():  # a benchmark seeds and reads several offices directly, as the demo loader does
        figures = measure("sqlite", _fresh("sqlite", args, size, False), size, args)
    under_load = None
    if args.clients and not args.keyword_only:
        db = args.db + (f".{size}" if args.keep else "")
        under_load = concurrent_hybrid(db, args.clients, args.workers, args.requests)
    from hamdeli.practices import samples

    return {
        "load_average_1_5_15_at_start": load_at_start,
        "load_average_1_5_15_at_end": [round(x, 2) for x in os.getloadavg()],
        "engine": "sqlite-fts5",
        "practices": size,
        "languages": sorted({lang for s in samples.PRACTICES for lang in s["title"]}),
        "queries": len(QUERIES), "runs_per_query": args.runs,
        **{k: v for k, v in figures.items() if k not in ("database", "practices")},
        "hybrid_under_load": under_load,
        "cpus": os.cpu_count(),
        "note": "keyword = the app's keyword engine (visibility filter, BM25, snippets of the 20 hits); raw = "
                "bare FTS5 MATCH ORDER BY bm25 LIMIT 20 on the same query; search_page_keyword = the whole "
                "search call in keyword mode (objects, snippets, facets over the best 50); hybrid = the same "
                "with the e5 query embedding, cosine over every stored vector and RRF. Every row stores the e5 "
                f"vector of its base sample text; only {figures['embedded_for_rate']} practices (passage and "
                "titles) were embedded in this run, to measure the rate. hybrid_under_load: concurrent clients "
                "over server processes, each process with its own engine (HAMDELI_SEARCH_THREADS threads) and "
                "matrix; latency of every request.",
    }


if __name__ == "__main__":
    sys.exit(main())
