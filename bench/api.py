"""API and dashboard benchmark (not a test). Prints JSON; see bench/results/api.json for recorded runs.

    .venv/bin/python bench/api.py [--database sqlite|postgresql] [--scale demo|network]
        [--orgs 1000] [--practices 100000] [--letters 50000] [--partnerships 20000] [--movements 1000000]
        [--requests 200] [--clients 4] [--workers 2] [--out FILE]

Builds a fresh database (SQLite in a temporary folder, or the PostgreSQL database `bench_api`, created
and dropped; `--pg-url`), loads the demo and, with `--scale network`, grows it to a city network's size:
`--orgs` offices with their partnerships, letters and practices (synthetic rows written in bulk, with
synthetic unit vectors for the semantic index) and `--movements` ledger movements posted through
`ledger.post` in a bench office. Then it serves Hamdeli with gunicorn (`--workers`, DEBUG off,
persistent connections) and, beside it, a bare Django JSON view (bench/bare_wsgi.py: no middleware, no database) that
returns the very payload each endpoint returned. `--clients` threads send `--requests` requests to:
- every paged API list of the OpenAPI document (GET, no path parameter), as the demo's Isfahan owner,
  and the same payload from the bare view: the ratio of requests per second is the figure (≥ 0.3);
- the dashboard page as the same owner, signed in through the login page: p95 (≤ 150 ms).
Each list's query count per request is held by tests (tests/test_api_queries.py), not measured here.
"""

import argparse
import concurrent.futures
import http.cookiejar
import json
import os
import random
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.parse
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
VENV_BIN = Path(sys.executable).parent


def pct(values, p):
    values = sorted(values)
    return values[min(len(values) - 1, int(round(p / 100 * (len(values) - 1))))]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# ---------------------------------------------------------------------------------------------- data


def setup_database(tmp: Path, pg_url: str | None) -> dict:
    env = {"HAMDELI_VAR_DIR": str(tmp), "DJANGO_SETTINGS_MODULE": "hamdeli.settings"}
    if pg_url:
        import psycopg

        base, name = pg_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        env["HAMDELI_DATABASE_URL"] = pg_url
    else:
        env["HAMDELI_DATABASE_URL"] = f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)
    return env


def unit_vectors(count: int, dims: int, rng: random.Random) -> list[bytes]:
    import numpy as np

    generator = np.random.default_rng(rng.randrange(1 << 30))
    matrix = generator.standard_normal((count, dims)).astype("float32")
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return [row.tobytes() for row in matrix]


def grow_network(args, rng: random.Random) -> dict:
    """Offices, partnerships, letters and practices written in bulk (bench rows, not the services), and
    ledger movements posted through the ledger, as bench/ledger.py does."""
    import datetime as dt

    from django.db import transaction

    from hamdeli.core.models import Organization
    from hamdeli.correspondence.models import Letter
    from hamdeli.partners.models import Partnership
    from hamdeli.places.models import City, Country
    from hamdeli.practices.models import Practice
    from hamdeli.practices.search import semantic

    started = time.perf_counter()
    Country.objects.get_or_create(code="ZZ", defaults={"name_en": "Benchland", "name_fa": "بنچستان"})
    per_org_partners = max(1, args.partnerships // args.orgs)
    cities = City.objects.bulk_create([
        City(geonameid=8_000_000 + n, name_en=f"Bench Town {n}", name_fa=f"شهر آزمون {n}", country_id="ZZ",
             population=20_000 + n, search_key=f"bench town {n}") for n in range(max(args.orgs, per_org_partners * 4))])
    orgs = Organization.objects.bulk_create([
        Organization(slug=f"bench-{n}", name={"en": f"Bench office {n}"}, city=cities[n % len(cities)])
        for n in range(args.orgs)])
    with transaction.atomic():
        Partnership.objects.bulk_create([
            Partnership(org=org, city=city, kind="sister_city", state="active", signed_on=dt.date(2000 + k % 20, 1, 1),
                        search_key=city.search_key)
            for n, org in enumerate(orgs) for k, city in enumerate(rng.sample(cities, per_org_partners))
            if city.pk != org.city_id], batch_size=2000)
    per_org_letters = max(1, args.letters // args.orgs)
    with transaction.atomic():
        Letter.objects.bulk_create([
            Letter(org=org, direction="in", registry_year=2020, registry_seq=k + 1, registered_on=dt.date(2020, 3, 1),
                   state="registered", subject=f"Letter {k} from a partner city", sender_name="Mayor",
                   sender_city=cities[(n + k) % len(cities)], search_key=f"letter {k}")
            for n, org in enumerate(orgs) for k in range(per_org_letters)], batch_size=2000)
    per_org_practices = max(1, args.practices // args.orgs)
    dims = semantic.DIM
    topics = ["disinfection of buses", "food parcels for the elderly", "online school", "free masks",
              "drive-through testing", "rent relief", "hotlines", "quarantine hotels"]
    visibilities = ["private", "partners", "public"]
    done = 0
    for org_start in range(0, len(orgs), 50):
        chunk = orgs[org_start:org_start + 50]
        vectors = unit_vectors(len(chunk) * per_org_practices, dims, rng)
        rows = []
        for n, org in enumerate(chunk):
            for k in range(per_org_practices):
                topic = topics[(n + k) % len(topics)]
                rows.append(Practice(org=org, city=org.city, title={"en": f"{topic.capitalize()} ({org.slug} {k})"},
                                     summary={"en": f"How {org.slug} organised {topic}."},
                                     visibility=visibilities[k % 3], languages="en",
                                     search_text=f"{topic} {org.slug} {k}", embedding=vectors[done % len(vectors)]))
                done += 1
        with transaction.atomic():
            Practice.objects.bulk_create(rows, batch_size=1000)
    movements = post_movements(args.movements, rng) if args.movements else 0
    return {"orgs": len(orgs), "partnerships": Partnership.objects.count(), "letters": Letter.objects.count(),
            "practices": Practice.objects.count(), "movements": movements,
            "seconds": round(time.perf_counter() - started, 1)}


def post_movements(count: int, rng: random.Random) -> int:
    """Ledger chains donor → store → store → recipients in a bench office, through ledger.post."""
    from django.db import transaction

    from hamdeli.aid import ledger, services
    from hamdeli.aid.ledger import Entry
    from hamdeli.aid.models import Item, Location, Lot, Movement, Party, Pledge
    from hamdeli.core.models import Organization

    org = Organization.objects.get(slug="bench-0")
    party = Party.objects.create(org=org, name={"en": "Store owner"}, kind="city")
    donor = Party.objects.create(org=org, name={"en": "Donor"}, kind="city")
    items = Item.objects.bulk_create([Item(org=org, code=f"i{n}", name={"en": f"Item {n}"}) for n in range(50)])
    stores = Location.objects.bulk_create([Location(org=org, name={"en": f"Store {n}"}, party=party)
                                           for n in range(100)])
    pledges = Pledge.objects.bulk_create([Pledge(org=org, direction="inbound", donor=donor, recipient=party)
                                          for _ in range(count // 48 + 1)])
    lots = Lot.objects.bulk_create([Lot(org=org, item=items[n % 50], number=f"L{n}", pledge=p, donor=donor)
                                    for n, p in enumerate(pledges)])
    virtual = {k: services.virtual(org, k) for k in ("donor", "distributed")}

    def chains():
        for n in range(len(lots) * 16):
            lot = lots[n // 16]
            a, b = rng.sample(stores, 2)
            yield Entry(lot.item, lot, virtual["donor"], a, 10)
            yield Entry(lot.item, lot, a, b, 6)
            yield Entry(lot.item, lot, b, virtual["distributed"], 4)

    source, done = chains(), 0
    while done < count:
        entries = [next(source) for _ in range(min(5000, count - done))]
        with transaction.atomic():
            ledger.post(org=org, actor=None, entries=entries, reason="handover", returning=False)
        done += len(entries)
    return Movement.objects.count()


def owner_token() -> str:
    from hamdeli.core import services as core
    from hamdeli.core.models import Membership

    membership = Membership.objects.get(user__username="isfahan_owner", org__slug="isfahan")
    _token, secret = core.create_api_token(membership=membership, name="bench")
    return secret


# -------------------------------------------------------------------------------------------- servers


def start(command: list[str], env: dict, port: int, cwd: Path) -> subprocess.Popen:
    process = subprocess.Popen(command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               start_new_session=True)
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return process
        except OSError:
            if process.poll() is not None:
                raise RuntimeError(process.stderr.read().decode()[-2000:]) from None
            time.sleep(0.2)
    raise RuntimeError(f"nothing listens on {port}")


def stop(process: subprocess.Popen) -> None:
    os.killpg(process.pid, signal.SIGTERM)
    process.wait(timeout=30)


def gunicorn(app: str, port: int, workers: int, env: dict) -> subprocess.Popen:
    return start([str(VENV_BIN / "gunicorn"), app, "--workers", str(workers), "--bind", f"127.0.0.1:{port}",
                  "--log-level", "warning"], env, port, ROOT)


# -------------------------------------------------------------------------------------------- clients


def fetch(url: str, headers: dict, opener=None) -> tuple[float, int, bytes]:
    request = urllib.request.Request(url, headers=headers)
    started = time.perf_counter()
    with (opener.open if opener else urllib.request.urlopen)(request, timeout=60) as response:
        body = response.read()
        status = response.status
    return time.perf_counter() - started, status, body


def hammer(url: str, headers: dict, requests: int, clients: int, opener=None) -> dict:
    for _ in range(5):  # warm-up: imports, caches, the workers' first connection
        fetch(url, headers, opener)
    started = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        results = list(pool.map(lambda _n: fetch(url, headers, opener), range(requests)))
    elapsed = time.perf_counter() - started
    statuses = {status for _t, status, _b in results}
    if statuses != {200}:
        raise RuntimeError(f"{url} answered {statuses}")
    latencies = [t * 1000 for t, _s, _b in results]
    return {"req_per_s": round(requests / elapsed, 1), "p50_ms": round(pct(latencies, 50), 1),
            "p95_ms": round(pct(latencies, 95), 1), "bytes": len(results[0][2])}


def paged_lists(base: str, headers: dict) -> list[str]:
    """The OpenAPI document's GET operations without a path parameter whose answer is a page."""
    _t, _s, body = fetch(f"{base}/api/v1/openapi.json", headers)
    spec = json.loads(body)
    schemas = spec.get("components", {}).get("schemas", {})
    paths = []
    for path, operations in spec["paths"].items():
        get = operations.get("get")
        if not get or "{" in path:
            continue
        content = get.get("responses", {}).get("200", {}).get("content", {})
        schema = content.get("application/json", {}).get("schema", {})
        if "$ref" in schema:
            schema = schemas.get(schema["$ref"].rsplit("/", 1)[-1], {})
        if {"items", "count", "next"} <= set(schema.get("properties", {})):
            paths.append(path)
    return sorted(paths)


def signed_in_opener(base: str):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    with opener.open(f"{base}/login/") as response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', response.read().decode()).group(1)
    data = urllib.parse.urlencode({"csrfmiddlewaretoken": token, "username": "isfahan_owner",
                                   "password": "hamdeli-demo-2020"}).encode()
    request = urllib.request.Request(f"{base}/login/", data=data, headers={"Referer": f"{base}/login/"})
    with opener.open(request) as response:
        if "/login/" in response.url:
            raise RuntimeError("could not sign in as isfahan_owner")
    return opener


# ----------------------------------------------------------------------------------------------- main


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/bench_api")
    parser.add_argument("--scale", choices=["demo", "network"], default="demo")
    parser.add_argument("--orgs", type=int, default=1000)
    parser.add_argument("--practices", type=int, default=100_000)
    parser.add_argument("--letters", type=int, default=50_000)
    parser.add_argument("--partnerships", type=int, default=20_000)
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--requests", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--out")
    args = parser.parse_args()
    rng = random.Random(17)
    tmp = Path(tempfile.mkdtemp(prefix="hamdeli-bench-api-"))
    try:
        env = setup_database(tmp, args.pg_url if args.database == "postgresql" else None)
        from hamdeli.demo.loader import load_demo

        load_demo()
        network = grow_network(args, rng) if args.scale == "network" else None
        secret = owner_token()
        from django.db import connections

        connections.close_all()
        # Production's settings but for its HTTPS-only cookies (the bench speaks plain HTTP on loopback):
        # DEBUG off, persistent database connections, one semantic-engine thread per worker.
        server_env = {**os.environ, **env, "HAMDELI_DEBUG": "0", "HAMDELI_DB_CONN_MAX_AGE": "60",
                      "HAMDELI_SEARCH_THREADS": "1", "HAMDELI_LOG_LEVEL": "ERROR"}
        payloads = tmp / "payloads"
        payloads.mkdir()
        app_port, bare_port = free_port(), free_port()
        app = gunicorn("hamdeli.wsgi", app_port, args.workers, server_env)
        bare = gunicorn("bench.bare_wsgi:application", bare_port, args.workers,
                        {**os.environ, "BENCH_PAYLOADS": str(payloads)})
        try:
            base, bare_base = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{bare_port}"
            headers = {"Authorization": f"Bearer {secret}", "Accept": "application/json"}
            lists = {}
            for path in paged_lists(base, headers):
                _t, _s, body = fetch(base + path, headers)
                name = re.sub(r"\W+", "-", path.strip("/"))
                (payloads / f"{name}.json").write_bytes(body)
                real = hammer(base + path, headers, args.requests, args.clients)
                baseline = hammer(f"{bare_base}/{name}", {}, args.requests, args.clients)
                lists[path] = {"app": real, "bare": baseline,
                               "ratio": round(real["req_per_s"] / baseline["req_per_s"], 3)}
                print(f"{path}: {lists[path]['ratio']}", file=sys.stderr)
            opener = signed_in_opener(base)
            dashboard = hammer(f"{base}/dashboard/", {"Accept-Language": "fa"}, args.requests, args.clients, opener)
        finally:
            stop(app)
            stop(bare)
        ratios = [entry["ratio"] for entry in lists.values()]
        result = {
            "database": args.database, "scale": args.scale, "network": network, "workers": args.workers,
            "clients": args.clients, "requests_per_figure": args.requests,
            "load_average": [round(x, 2) for x in os.getloadavg()],
            "api_lists": lists,
            "api_ratio_min": min(ratios), "api_ratio_median": round(statistics.median(ratios), 3),
            "api_lists_below_0_3": sorted(path for path, entry in lists.items() if entry["ratio"] < 0.3),
            "dashboard": dashboard,
        }
        text = json.dumps(result, indent=2, ensure_ascii=False)
        print(text)
        if args.out:
            Path(args.out).write_text(text + "\n")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


if __name__ == "__main__":
    from hamdeli.core.tenancy import scopes_disabled

    with scopes_disabled():  # a benchmark seeds and reads several offices directly, as the demo loader does
        sys.exit(main())
