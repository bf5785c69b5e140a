"""Practice search benchmark (not a test). Prints JSON; see bench/results/search.json for a recorded run.

    .venv/bin/python bench/search.py [--size 100000] [--embed 2000] [--runs 5] [--db /tmp/bench.sqlite3]
        [--clients 8] [--workers 2] [--requests 40]

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


def main() -> int:
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=100_000)
    parser.add_argument("--embed", type=int, default=2000, help="passages really embedded to measure the rate")
    parser.add_argument("--runs", type=int, default=5, help="timed runs of each query")
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "hamdeli-bench.sqlite3"))
    parser.add_argument("--clients", type=int, default=8, help="concurrent clients of the load test (0: none)")
    parser.add_argument("--workers", type=int, default=2, help="server processes the clients are spread over")
    parser.add_argument("--requests", type=int, default=40, help="hybrid searches each client sends")
    args = parser.parse_args()
    for suffix in ("", "-wal", "-shm"):
        Path(args.db + suffix).unlink(missing_ok=True)
    os.environ["HAMDELI_DATABASE_URL"] = f"sqlite:///{args.db}"
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

    # --- indexing ---
    started = time.perf_counter()
    batch = []
    for _ in range(args.size):
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

    texts = (base * (args.embed // len(base) + 1))[: args.embed]  # practices: passage and titles embedded
    started = time.perf_counter()
    for i in range(0, len(texts), 32):
        semantic.embed_practices(texts[i:i + 32])
    embed_rate = len(texts) / (time.perf_counter() - started) if texts else None
    assert practice_document(base[0])

    other = core.ensure_organization(slug="bench-other", city=cities["xian"], name={"en": "Another office"})
    search(org=org, query="warm up", mode="hybrid")  # loads the vector matrix once
    timings = {}
    for who, office in (("owner", org), ("other_office", other)):
        pool = visible_practices(office)
        kw, raw, hyb, kw_full = [], [], [], []
        for _ in range(args.runs):
            for q in QUERIES:
                t = time.perf_counter()
                raw_fts5(q, limit=20)
                raw.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                keyword_search(pool, q, limit=20)
                kw.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                search(org=office, query=q, mode="keyword", limit=20)
                kw_full.append((time.perf_counter() - t) * 1000)
                t = time.perf_counter()
                search(org=office, query=q, mode="hybrid", limit=20)
                hyb.append((time.perf_counter() - t) * 1000)
        timings[who] = {
            "sees": pool.count(),
            "keyword_ms": {"p50": round(statistics.median(kw), 2), "p95": round(pct(kw, 95), 2)},
            "raw_fts5_match_ms": {"p50": round(statistics.median(raw), 2), "p95": round(pct(raw, 95), 2)},
            "keyword_vs_raw_ratio_p50": round(statistics.median(kw) / statistics.median(raw), 2),
            "keyword_vs_raw_ratio_p95": round(pct(kw, 95) / pct(raw, 95), 2),
            "search_page_keyword_ms": {"p50": round(statistics.median(kw_full), 2),
                                       "p95": round(pct(kw_full, 95), 2)},
            "hybrid_ms": {"p50": round(statistics.median(hyb), 2), "p95": round(pct(hyb, 95), 2)},
        }

    connection.close()  # the load test's processes open their own
    under_load = concurrent_hybrid(args.db, args.clients, args.workers, args.requests) if args.clients else None

    result = {
        "load_average_1_5_15_at_start": load_at_start,
        "load_average_1_5_15_at_end": [round(x, 2) for x in os.getloadavg()],
        "engine": "sqlite-fts5",
        "practices": args.size,
        "languages": sorted({lang for s in samples.PRACTICES for lang in s["title"]}),
        "queries": len(QUERIES), "runs_per_query": args.runs,
        **timings,
        "indexing_rows_per_s": round(args.size / index_seconds),
        "embedding_passages_per_s": round(embed_rate, 1) if embed_rate else None,
        "embedded_for_rate": len(texts),
        "vectors_in_matrix": int(len(semantic._matrix.ids)),
        "hybrid_under_load": under_load,
        "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
        "cpus": os.cpu_count(),
        "note": "keyword = the app's keyword engine (visibility filter, BM25, snippets of the 20 hits); raw = "
                "bare FTS5 MATCH ORDER BY bm25 LIMIT 20 on the same query; search_page_keyword = the whole "
                "search call in keyword mode (objects, snippets, facets over the best 50); hybrid = the same "
                "with the e5 query embedding, cosine over every stored vector and RRF. Every row stores the e5 "
                f"vector of its base sample text; only {len(texts)} practices (passage and titles) were embedded "
                "in this run, to "
                "measure the rate. hybrid_under_load: concurrent clients over server processes, each process "
                "with its own engine (HAMDELI_SEARCH_THREADS threads) and matrix; latency of every request.",
    }
    print(json.dumps(result, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    from hamdeli.core.tenancy import scopes_disabled

    with scopes_disabled():  # a benchmark seeds and reads several offices directly, as the demo loader does
        sys.exit(main())
