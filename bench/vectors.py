"""The shared vector index at a city network's size (issue 17; not a test). Prints JSON; a recorded run is in
bench/results/vectors.json.

    .venv/bin/python bench/vectors.py [--size 1000000] [--workers 4] [--clients 8] [--requests 20]
        [--db /tmp/hamdeli-vectors.sqlite3] [--reuse]

Builds an SQLite database of --size practices (the sample practices' texts with variant words, so the keyword
half has its full index too). Vectors: embedding 1M practices would take days here, so each row stores a
synthetic vector with the corpus's real structure: the real e5 vector (passage and titles, as the app
stores it) of one sample practice, blended with a second one's at a random share and with noise, normalised
(clusters around the real practices and a continuum between them, not uniform random points). Then:
- the background worker's job builds the shared index (`index.refresh()`, timed, in this process);
- recall@10 of the index (the inverted file's nearest, re-ranked) against the exact ranking score
  (centred cosine less the hubness share) over every vector, for the bench's queries;
- --workers server processes (spawned, as gunicorn's would be), each timing its first hybrid search after
  start (Django set up, nothing loaded: the e5 engine, jieba and the index are opened by that search), then
  --clients concurrent clients spread over them sending --requests hybrid searches each (8 clients over 4
  workers: p50/p95), then each worker's memory from /proc/PID/smaps_rollup: USS (private pages) and PSS
  (shared pages divided among the processes that map them: the four PSS added count a shared page once).
The load average is recorded before and after each part.
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

from bench.search import QUERIES, WORDS, pct  # noqa: E402

TARGETS = {"uss_per_worker_mb": "<= 300", "pss_all_workers_mb": "<= 2048", "first_search_ms": "<= 300",
           "hybrid_p95_ms_8_clients": "<= 150", "recall_at_10": ">= 0.98"}


def load() -> list[float]:
    return [round(x, 2) for x in os.getloadavg()]


def memory(pid: int | str = "self") -> dict:
    """Rss, Pss and USS (private clean + dirty) in MB, from smaps_rollup."""
    fields = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines()[1:]:
        name, value = line.split(":", 1)
        fields[name] = int(value.split()[0]) / 1024
    return {"rss_mb": round(fields["Rss"], 1), "pss_mb": round(fields["Pss"], 1),
            "uss_mb": round(fields["Private_Clean"] + fields["Private_Dirty"], 1)}


def _setup(db: str) -> None:
    os.environ["HAMDELI_DATABASE_URL"] = f"sqlite:///{db}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamdeli.settings")
    import django

    django.setup()


def build(db: str, size: int) -> dict:
    """The database: `size` practices with synthetic clustered vectors (see the module's doc)."""
    import numpy as np
    from django.core.management import call_command
    from django.db import transaction

    from hamdeli.core import services as core
    from hamdeli.practices import samples
    from hamdeli.practices.evaluation import ensure_sample_cities
    from hamdeli.practices.models import Practice
    from hamdeli.practices.search import semantic
    from hamdeli.practices.services import refresh_derived

    call_command("migrate", verbosity=0)
    cities = ensure_sample_cities()
    org = core.ensure_organization(slug="bench", city=cities["isfahan"], name={"en": "Bench"})
    core.ensure_organization(slug="bench-other", city=cities["xian"], name={"en": "Another office"})
    city_list = list(cities.values())
    base = [Practice(org=org, city=cities[s["city"]], **{k: v for k, v in s.items() if k not in ("key", "city")})
            for s in samples.PRACTICES]
    real = np.stack([np.frombuffer(v, dtype=np.float32) for v in semantic.embed_practices(base)])
    rng, nrng = random.Random(7), np.random.default_rng(7)
    # a few hundred row templates (sample x variant words), derived once; rows are copies of them
    templates = []
    for _ in range(400):
        k = rng.randrange(len(samples.PRACTICES))
        s, extra = samples.PRACTICES[k], " ".join(rng.sample(WORDS, 3))
        p = Practice(org=org, city=cities[s["city"]], title={lang: f"{v} {extra}" for lang, v in s["title"].items()},
                     summary=s["summary"], topics=s["topics"], phase=s["phase"], instrument=s["instrument"],
                     started_on=s["started_on"])
        refresh_derived(p, embed=False)
        templates.append((k, p))
    Practice.objects.bulk_create([p for _k, p in templates])
    from django.db import connection

    with connection.cursor() as cursor:  # the templates' rows as stored; copies are inserted raw (FTS triggers on)
        cursor.execute("SELECT * FROM practices_practice WHERE org_id = %s ORDER BY id", [org.pk])
        columns = [c[0] for c in cursor.description]
        stored = cursor.fetchall()
    keys = {"public_id", "embedding", "visibility", "city_id", "started_on"}
    kept = [c for c in columns if c != "id"]
    sql = (f"INSERT INTO practices_practice ({', '.join(kept)}) VALUES ({', '.join(['%s'] * len(kept))})")
    import uuid

    started = time.perf_counter()
    copies = size - len(templates)
    for at in range(0, copies, 10_000):
        n = min(10_000, copies - at)
        picks = nrng.integers(0, len(templates), n)
        first = np.array([templates[i][0] for i in picks])
        second = nrng.integers(0, len(real), n)
        share = nrng.uniform(0.0, 0.45, n)[:, None]
        noise = nrng.standard_normal((n, semantic.DIM)).astype(np.float32)
        noise /= np.linalg.norm(noise, axis=1, keepdims=True)
        vectors = (1 - share) * real[first] + share * real[second] + nrng.uniform(0.15, 0.35, n)[:, None] * noise
        vectors = (vectors / np.linalg.norm(vectors, axis=1, keepdims=True)).astype(np.float32)
        rows = []
        for i, pick in enumerate(picks):
            row = dict(zip(columns, stored[pick], strict=True))
            started_on = templates[pick][1].started_on.replace(year=rng.choice([2019, 2020, 2021, 2022]))
            row.update(public_id=uuid.uuid4().hex, embedding=vectors[i].tobytes(), city_id=rng.choice(city_list).pk,
                       visibility=rng.choice(["private", "public", "partners"]), started_on=started_on.isoformat())
            rows.append([row[c] for c in kept])
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany(sql, rows)
    assert not keys - set(columns)
    return {"rows_per_s": round(size / (time.perf_counter() - started))}


def _worker(db: str, clients: int, requests: int, seed: int, ready, go, out) -> None:
    """One server process: first search timed from a cold start, then `clients` client threads."""
    import threading

    _setup(db)
    from django.db import connection

    from hamdeli.core.models import Organization
    from hamdeli.core.tenancy import scopes_disabled
    from hamdeli.practices.search import index, semantic
    from hamdeli.practices.search.engine import search

    with scopes_disabled():
        org = Organization.objects.get(slug="bench")
        before = memory()
        preload_ms = None
        if seed % 2:  # every other worker loads the e5 engine and jieba at start (as a warmed server would)
            from hamdeli.practices.search import text

            t = time.perf_counter()
            semantic.model()
            text._jieba()
            preload_ms = round((time.perf_counter() - t) * 1000, 1)
        t = time.perf_counter()
        search(org=org, query=QUERIES[seed % len(QUERIES)], mode="hybrid")
        first = (time.perf_counter() - t) * 1000
        t = time.perf_counter()
        search(org=org, query=QUERIES[(seed + 1) % len(QUERIES)], mode="semantic")
        second = (time.perf_counter() - t) * 1000
        source = type(semantic._source()).__name__
        connection.close()
    ready.put(1)
    go.wait()
    latencies: list[float] = []
    semantic_only: list[float] = []

    def client(number: int) -> None:
        rng = random.Random(seed * 100 + number)
        with scopes_disabled():
            for n in range(requests):
                q = rng.choice(QUERIES)
                t = time.perf_counter()
                search(org=org, query=q, mode="hybrid" if n % 2 == 0 else "semantic", limit=20)
                (latencies if n % 2 == 0 else semantic_only).append((time.perf_counter() - t) * 1000)
        connection.close()

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    out.put({"first_search_ms": round(first, 1), "engine_and_jieba_loaded_before_ms": preload_ms,
             "second_search_semantic_ms": round(second, 1), "source": source,
             "memory_at_start": before, "memory_after": memory(), "hybrid": latencies, "semantic": semantic_only,
             "index_generation": index.current().generation if index.current() else None})


def serve(db: str, workers: int, clients: int, requests: int) -> dict:
    import multiprocessing

    ctx = multiprocessing.get_context("spawn")
    ready, go, out = ctx.Queue(), ctx.Event(), ctx.Queue()
    per = [clients // workers + (1 if n < clients % workers else 0) for n in range(workers)]
    load_before = load()
    procs = [ctx.Process(target=_worker, args=(db, n, requests, i, ready, go, out)) for i, n in enumerate(per)]
    for proc in procs:  # started one after the other: each first search is its own cold start
        proc.start()
        ready.get()
    go.set()
    results = [out.get() for _ in procs]
    for proc in procs:
        proc.join()
    hybrid = [ms for r in results for ms in r.pop("hybrid")]
    sem = [ms for r in results for ms in r.pop("semantic")]
    return {"load_average_before": load_before, "load_average_after": load(), "workers": results,
            "clients": clients, "hybrid_requests": len(hybrid),
            "hybrid_ms": {"p50": round(statistics.median(hybrid), 1), "p95": round(pct(hybrid, 95), 1),
                          "max": round(max(hybrid), 1)},
            "semantic_ms": {"p50": round(statistics.median(sem), 1), "p95": round(pct(sem, 95), 1),
                            "max": round(max(sem), 1)},
            "uss_per_worker_mb": [r["memory_after"]["uss_mb"] for r in results],
            "pss_all_workers_mb": round(sum(r["memory_after"]["pss_mb"] for r in results), 1),
            "first_search_ms": [r["first_search_ms"] for r in results]}


def recall(queries: list[str], window: int = 200) -> dict:
    """recall@10 of the index's nearest (as the search asks: a window of 4 x 50) against the exact ranking
    score over every vector; and the time of each."""
    import numpy as np

    from hamdeli.practices.search import index, semantic

    snapshot = index.current()
    assert snapshot is not None and snapshot.ann
    found, exact_ms, ann_ms = [], [], []
    for q in queries:
        centred = semantic.center_query(semantic.embed_query(q), snapshot.means)
        t = time.perf_counter()
        ids, scores, _c = snapshot.exact(centred)
        truth = set(ids[np.argpartition(-scores, 10)[:10]].tolist())
        exact_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        near, _s, _c, _all = snapshot.nearest(centred, window)
        ann_ms.append((time.perf_counter() - t) * 1000)
        found.append(len(truth & set(near[:10].tolist())) / 10)
    return {"recall_at_10": round(sum(found) / len(found), 4), "worst_query": min(found), "queries": len(found),
            "exact_scan_ms_p50": round(statistics.median(exact_ms), 1),
            "index_nearest_ms_p50": round(statistics.median(ann_ms), 1),
            "lists": int(len(snapshot.centroids)), "nprobe": index.NPROBE}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--requests", type=int, default=20, help="searches per client (half hybrid, half semantic)")
    parser.add_argument("--db", default=os.path.join(tempfile.gettempdir(), "hamdeli-vectors.sqlite3"))
    parser.add_argument("--reuse", action="store_true", help="keep the database and index of an earlier run")
    parser.add_argument("--ann-min", type=int, help="build the inverted file from this many vectors (small trial runs)")
    parser.add_argument("--out")
    args = parser.parse_args()
    result: dict = {"load_average_at_start": load(), "practices": args.size, "cpus": os.cpu_count()}
    if not args.reuse:
        for suffix in ("", "-wal", "-shm"):
            Path(args.db + suffix).unlink(missing_ok=True)
    os.environ.setdefault("HAMDELI_VECTOR_INDEX_DIR", args.db + ".vectors")
    _setup(args.db)
    from django.db import connection

    from hamdeli.core.tenancy import scopes_disabled
    from hamdeli.practices.search import index

    with scopes_disabled():
        if not args.reuse:
            t = time.perf_counter()
            result["database"] = build(args.db, args.size)
            result["database"]["seconds"] = round(time.perf_counter() - t)
        if args.ann_min:
            index.ANN_MIN = args.ann_min
        result["load_average_before_index"] = load()
        t = time.perf_counter()
        done = index.refresh()
        result["index_build"] = {"done": done, "seconds": round(time.perf_counter() - t, 1),
                                 "files_mb": {p.name: round(p.stat().st_size / 2**20, 1)
                                              for p in sorted(index.current().path.iterdir())}}
        result["recall"] = recall(QUERIES)
        connection.close()
    result["load_average_before_workers"] = load()
    result["under_load"] = serve(args.db, args.workers, args.clients, args.requests)
    result["load_average_at_end"] = load()
    u = result["under_load"]
    result["figures_vs_targets"] = {
        "uss_per_worker_mb": [max(u["uss_per_worker_mb"]), TARGETS["uss_per_worker_mb"]],
        "pss_all_workers_mb": [u["pss_all_workers_mb"], TARGETS["pss_all_workers_mb"]],
        "first_search_ms": [max(u["first_search_ms"]), TARGETS["first_search_ms"]],
        "hybrid_p95_ms_8_clients": [u["hybrid_ms"]["p95"], TARGETS["hybrid_p95_ms_8_clients"]],
        "recall_at_10": [result["recall"]["recall_at_10"], TARGETS["recall_at_10"]],
    }
    text = json.dumps(result, ensure_ascii=False, indent=1)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
