"""Aid ledger benchmark (not a test). Prints JSON:

- at every --checkpoints size and at --movements: posting throughput through `ledger.post` (balances upserted
  in key order, movements appended, triggers in place) and bare `executemany` inserts of the very same rows
  (sqlite3, or psycopg on PostgreSQL) into aid_movement at that size, rolled back, and their ratio (target
  >= 0.25); the forward trace's p50/p95/p99 and their growth per 10x (target <= 1.3: a pledge's trace walks
  its own lots' movements by index, whatever the ledger's size);
- the balance query's p50/p99 at --movements (target <= 2 ms);
- peak memory (max RSS).

    .venv/bin/python bench/ledger.py [--database sqlite|postgresql] [--movements 1000000] [--measure 200000]
        [--checkpoints 100000,1000000] [--fill post|copy] [--out bench/results/ledger.json]

On PostgreSQL it creates and drops the database bench_ledger (--pg-url).

At every checkpoint size the ledger is first filled to `size - measure` rows, then the last `--measure`
rows are timed twice: inserted with the driver's bare executemany into aid_movement itself (same size,
indexes and triggers; rolled back), then posted through `ledger.post`. --fill post fills through
`ledger.post` too; --fill copy writes the same movement chains and the balances they add up to in bulk
(COPY on PostgreSQL, executemany on SQLite; CHECK constraints, unique keys and triggers stay in place), so
that 10M movements can be built in minutes.
"""

import argparse
import json
import math
import os
import random
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def _setup(tmp: Path, pg_url: str | None):
    if pg_url:
        import psycopg

        base, name = pg_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
    os.environ["HAMDELI_DATABASE_URL"] = pg_url or f"sqlite:///{tmp / 'bench.sqlite3'}"
    os.environ["HAMDELI_VAR_DIR"] = str(tmp)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamdeli.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=0)


def _world(items: int, stores: int, pledges: int):
    from hamdeli.aid import services
    from hamdeli.aid.models import Item, Location, Lot, Party, Pledge
    from hamdeli.core import services as core
    from hamdeli.places.models import City, Country

    Country.objects.create(code="IR", name_en="Iran", name_fa="ایران")
    city = City.objects.create(geonameid=418863, name_en="Isfahan", name_fa="اصفهان", country_id="IR", population=1)
    org = core.ensure_organization(slug="bench", city=city, name={"en": "Bench"})
    party = Party.objects.create(org=org, name={"en": "Store owner"}, kind="city")
    donor = Party.objects.create(org=org, name={"en": "Donor"}, kind="city")
    item_rows = Item.objects.bulk_create([Item(org=org, code=f"i{n}", name={"en": f"Item {n}"}) for n in range(items)])
    store_rows = Location.objects.bulk_create(
        [Location(org=org, name={"en": f"Store {n}"}, party=party) for n in range(stores)])
    pledge_rows = Pledge.objects.bulk_create([Pledge(org=org, direction="inbound", donor=donor, recipient=party)
                                              for _ in range(pledges)])
    lots = Lot.objects.bulk_create([Lot(org=org, item=item_rows[n % items], number=f"L{n}", pledge=p, donor=donor)
                                    for n, p in enumerate(pledge_rows)])
    virtual = {k: services.virtual(org, k) for k in ("donor", "distributed")}
    return org, item_rows, store_rows, pledge_rows, lots, virtual


BULK_CHUNK = 200_001  # movements written (and added to the balances) per transaction by --fill copy
CHAINS_PER_LOT = 16  # each pledge's lot gets 16 chains (48 movements), then the next pledge's lot begins


class Chains:
    """Endless movements that never drive a store negative: donor → A (10), A → B (6), B → recipients (4),
    pledge after pledge, as a growing network's ledger grows: by more pledges, not longer ones. Chain n
    moves the lot of pledge n // CHAINS_PER_LOT. Iterated entry by entry; `skip` hands whole chains to the
    server-side bulk fill instead."""

    def __init__(self, lots, stores, virtual, rng):
        self.lots, self.stores, self.virtual, self.rng = lots, stores, virtual, rng
        self.chain = 0
        self.pending: list = []

    def __iter__(self):
        return self

    def __next__(self):
        from hamdeli.aid.ledger import Entry

        if not self.pending:
            lot = self.lots[self.chain // CHAINS_PER_LOT]
            a, b = self.rng.sample(self.stores, 2)
            self.pending = [Entry(lot.item, lot, self.virtual["donor"], a, 10), Entry(lot.item, lot, a, b, 6),
                            Entry(lot.item, lot, b, self.virtual["distributed"], 4)]
            self.chain += 1
        return self.pending.pop(0)

    def skip(self, chains: int) -> range:
        assert not self.pending, "whole chains only"
        taken = range(self.chain, self.chain + chains)
        self.chain += chains
        return taken


def _post(org, source, count: int, batch: int) -> float:
    from django.db import transaction

    from hamdeli.aid import ledger

    started = time.perf_counter()
    done = 0
    while done < count:
        entries = [next(source) for _ in range(min(batch, count - done))]
        with transaction.atomic():
            ledger.post(org=org, actor=None, entries=entries, reason="handover", returning=False)
        done += len(entries)
    return time.perf_counter() - started


def _movement_rows(org, entries, reason: str = "handover") -> list[tuple]:
    """The rows `ledger.post` would write for these entries (one operation, now), in MOVEMENT_COLUMNS order."""
    import uuid

    from django.utils import timezone

    from hamdeli.aid.ledger import MOVEMENT_COLUMNS

    operation, now = uuid.uuid4(), timezone.now()
    fixed = dict.fromkeys(MOVEMENT_COLUMNS) | {"org_id": org.pk, "operation": operation, "at": now,
                                                  "reason": reason, "recipient_group": "", "signed_by": "",
                                                  "note": ""}
    order = list(MOVEMENT_COLUMNS)
    rows = []
    for e in entries:
        row = fixed | {"public_id": uuid.uuid4(), "item_id": e.item.pk, "lot_id": e.lot.pk,
                       "from_location_id": e.from_location.pk, "to_location_id": e.to_location.pk,
                       "quantity": e.quantity}
        rows.append(tuple(row[c] for c in order))
    return rows


def _sqlite_rows(rows: list[tuple]) -> list[tuple]:
    """UUIDs and times as Django stores them on SQLite."""
    import datetime as dt
    import uuid

    from django.db import connection

    def value(v):
        if isinstance(v, uuid.UUID):
            return v.hex
        return connection.ops.adapt_datetimefield_value(v) if isinstance(v, dt.datetime) else v

    return [tuple(value(v) for v in row) for row in rows]


def _bulk(org, source, count: int, batch: int) -> float:
    """Write `count` movements of the chains and add them to the balances in bulk: the movements by COPY
    (PostgreSQL) or executemany (SQLite), every `batch` entries as one operation as `_post` would; the
    balances' deltas summed per (location, item, lot) and applied with one upsert per 200,000 movements,
    in key order, under the same CHECK (a real location never below zero) and unique key."""
    from django.db import connection, transaction

    from hamdeli.aid.ledger import MOVEMENT_COLUMNS

    started = time.perf_counter()
    postgres = connection.vendor == "postgresql"
    columns = ", ".join(MOVEMENT_COLUMNS)
    done = 0
    while done < count:
        chunk = min(BULK_CHUNK, count - done)
        entries = [next(source) for _ in range(chunk)]
        deltas: dict[tuple[int, int, int], int] = {}
        virtual: dict[int, bool] = {}
        for e in entries:
            for location, sign in ((e.from_location, -1), (e.to_location, 1)):
                key = (location.pk, e.item.pk, e.lot.pk)
                deltas[key] = deltas.get(key, 0) + sign * e.quantity
                virtual[location.pk] = location.is_virtual
        rows = [row for start in range(0, chunk, batch) for row in _movement_rows(org, entries[start:start + batch])]
        # offered as virtual when its delta is negative, as ledger.post does: the CHECK judges the offered row
        # before the conflict is found; an existing row keeps its own flag and the CHECK judges its new quantity
        balances = [(org.pk, *key, virtual[key[0]] or deltas[key] < 0, deltas[key]) for key in sorted(deltas)]
        with transaction.atomic(), connection.cursor() as cursor:
            if postgres:
                raw = cursor.cursor  # psycopg's own cursor: COPY
                with raw.copy(f"COPY aid_movement ({columns}) FROM STDIN") as copy:
                    for row in rows:
                        copy.write_row(row)
                raw.execute("CREATE TEMPORARY TABLE bulk_balance (org_id bigint, location_id bigint, "
                            "item_id bigint, lot_id bigint, virtual boolean, quantity bigint) ON COMMIT DROP")
                with raw.copy("COPY bulk_balance FROM STDIN") as copy:
                    for row in balances:
                        copy.write_row(row)
                raw.execute("INSERT INTO aid_balance (org_id, location_id, item_id, lot_id, virtual, quantity) "
                            "SELECT * FROM bulk_balance ORDER BY location_id, item_id, lot_id "
                            "ON CONFLICT (location_id, item_id, lot_id) "
                            "DO UPDATE SET quantity = aid_balance.quantity + excluded.quantity")
            else:
                raw = connection.connection
                raw.executemany(f"INSERT INTO aid_movement ({columns}) "  # noqa: S608 - the model's columns
                                f"VALUES ({', '.join('?' * len(MOVEMENT_COLUMNS))})", _sqlite_rows(rows))
                raw.executemany("INSERT INTO aid_balance (org_id, location_id, item_id, lot_id, virtual, quantity) "
                                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (location_id, item_id, lot_id) "
                                "DO UPDATE SET quantity = aid_balance.quantity + excluded.quantity", balances)
        done += chunk
    return time.perf_counter() - started


def _bulk_pg(org, source: "Chains", count: int, batch: int) -> float:
    """PostgreSQL: write `count` movements of whole chains generated by the server (generate_series, random
    stores, one operation per `batch` movements) and add them to the balances with one ordered upsert per
    million movements, under the same CHECK and unique keys (foreign-key triggers off); the rows of a chain
    cut by `count` go through `_bulk`."""
    from django.db import connection, transaction

    started = time.perf_counter()
    head = len(source.pending)
    if head:
        _bulk(org, source, min(head, count), batch)
        count -= min(head, count)
    chains, tail = divmod(count, 3)
    lots, stores = source.lots, [s.pk for s in source.stores]
    donor, given = source.virtual["donor"].pk, source.virtual["distributed"].pk
    with connection.cursor() as cursor:
        cursor.execute("CREATE TABLE IF NOT EXISTS bench_lot (idx integer PRIMARY KEY, lot_id bigint, item_id bigint)")
        cursor.execute("SELECT count(*) FROM bench_lot")
        if cursor.fetchone()[0] != len(lots):
            cursor.execute("TRUNCATE bench_lot")
            with cursor.cursor.copy("COPY bench_lot FROM STDIN") as copy:
                for idx, lot in enumerate(lots):
                    copy.write_row((idx, lot.pk, lot.item_id))
    todo = source.skip(chains)
    for first in range(todo.start, todo.stop, 333_333):  # a million movements per transaction
        last = min(first + 333_333, todo.stop)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")  # this session's commits only
            # no foreign-key triggers on the generated rows (their ids are taken from the rows themselves; the
            # FK checks at commit cost more than the inserts); CHECKs and unique keys stay, the measured
            # postings run with every trigger
            cursor.execute("SET LOCAL session_replication_role = replica")
            cursor.execute("SELECT setseed(%s)", [(first % 1000) / 1000])
            cursor.execute(
                "CREATE TEMPORARY TABLE bench_chain ON COMMIT DROP AS "
                "SELECT n, l.lot_id, l.item_id, (%(s)s::bigint[])[1 + x] AS a, "
                "(%(s)s::bigint[])[1 + (x + 1 + y) %% %(k)s] AS b FROM (SELECT n, "
                "floor(random() * %(k)s)::int AS x, floor(random() * (%(k)s - 1))::int AS y "
                "FROM generate_series(%(first)s, %(last)s - 1) AS n) AS r JOIN bench_lot l ON l.idx = r.n / %(per)s",
                {"s": stores, "k": len(stores), "first": first, "last": last, "per": CHAINS_PER_LOT})
            cursor.execute(
                "INSERT INTO aid_movement (org_id, public_id, operation, at, item_id, lot_id, from_location_id, "
                "to_location_id, quantity, reason, recipient_group, signed_by, note) "
                "SELECT %(org)s, gen_random_uuid(), md5('bench' || ((g.n * 3 + v.step) / %(batch)s))::uuid, now(), "
                "g.item_id, g.lot_id, v.f, v.t, v.q, 'handover', '', '', '' FROM bench_chain g CROSS JOIN LATERAL "
                "(VALUES (0, %(donor)s::bigint, g.a, 10), (1, g.a, g.b, 6), (2, g.b, %(given)s::bigint, 4)) "
                "AS v(step, f, t, q) ORDER BY g.n, v.step",
                {"org": org.pk, "batch": batch, "donor": donor, "given": given})
            cursor.execute(
                "INSERT INTO aid_balance (org_id, location_id, item_id, lot_id, virtual, quantity) "
                "SELECT %(org)s, v.loc, g.item_id, g.lot_id, bool_or(v.virt), sum(v.q) FROM bench_chain g "
                "CROSS JOIN LATERAL (VALUES (%(donor)s::bigint, true, -10), (g.a, false, 4), (g.b, false, 2), "
                "(%(given)s::bigint, true, 4)) AS v(loc, virt, q) GROUP BY v.loc, g.item_id, g.lot_id "
                "ORDER BY v.loc, g.item_id, g.lot_id ON CONFLICT (location_id, item_id, lot_id) "
                "DO UPDATE SET quantity = aid_balance.quantity + excluded.quantity",
                {"org": org.pk, "donor": donor, "given": given})
    if tail:
        _bulk(org, source, tail, batch)
    return time.perf_counter() - started


def _bare_executemany(org, entries) -> float:
    """The same rows inserted with the driver's bare executemany (psycopg or sqlite3) into aid_movement itself,
    in one transaction, then rolled back: the baseline at the ledger's current size."""
    from django.db import connection, transaction

    from hamdeli.aid.ledger import MOVEMENT_COLUMNS

    rows = _movement_rows(org, entries)
    postgres = connection.vendor == "postgresql"
    mark = "%s" if postgres else "?"
    insert = (f"INSERT INTO aid_movement ({', '.join(MOVEMENT_COLUMNS)}) "  # noqa: S608 - the model's columns
              f"VALUES ({', '.join([mark] * len(MOVEMENT_COLUMNS))})")
    if not postgres:
        rows = _sqlite_rows(rows)
    with transaction.atomic():
        connection.ensure_connection()
        raw = connection.connection
        started = time.perf_counter()
        cursor = raw.cursor()
        cursor.executemany(insert, rows)
        elapsed = time.perf_counter() - started
        transaction.set_rollback(True)
    return elapsed


def _percentiles(samples: list[float]) -> dict:
    ordered = sorted(samples)
    return {"p50_ms": round(statistics.median(ordered) * 1000, 3),
            "p95_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.95))] * 1000, 3),
            "p99_ms": round(ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000, 3)}


def _time(fn, args_list, warmup: int = 20) -> list[float]:
    """Per-call wall times; the first `warmup` calls (cold caches, first statement preparation) are dropped."""
    import gc

    for args in args_list[:warmup]:
        fn(*args)
    gc.collect()
    out = []
    for args in args_list[warmup:]:
        started = time.perf_counter()
        fn(*args)
        out.append(time.perf_counter() - started)
    return out


def _plans(fn, args) -> dict:
    """EXPLAIN of every statement `fn(*args)` runs (PostgreSQL): the plans, and any sequential scan of the
    ledger's tables (there must be none: the trace walks indexes)."""
    from django.db import connection

    executed: list[tuple[str, tuple]] = []

    def capture(execute, sql, params, many, context):
        executed.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(capture):
        fn(*args)
    plans = []
    with connection.cursor() as cursor:
        for sql, params in executed:
            cursor.execute("EXPLAIN " + sql, params)
            plans.append([row[0] for row in cursor.fetchall()])
    seq = [line.strip() for plan in plans for line in plan
           if "Seq Scan on aid_movement" in line or "Seq Scan on aid_balance" in line]
    return {"statements": plans, "sequential_scans_of_ledger_tables": seq}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--pg-url", default="postgresql://postgres@127.0.0.1:5432/bench_ledger")
    parser.add_argument("--movements", type=int, default=1_000_000)
    parser.add_argument("--measure", type=int, default=200_000,
                        help="rows timed against a bare executemany at every checkpoint")
    parser.add_argument("--checkpoints", default="", help="sizes (comma-separated) where the trace is timed too")
    parser.add_argument("--fill", choices=["post", "copy"], default="post",
                        help="how the rows before each measured part are written")
    parser.add_argument("--batch", type=int, default=5_000)
    parser.add_argument("--queries", type=int, default=500)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    rng = random.Random(2020)
    postgres = args.database == "postgresql"
    checkpoints = sorted({int(c) for c in args.checkpoints.split(",") if c} | {args.movements})
    load_at_start = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        _setup(tmp, args.pg_url if postgres else None)
        from django.db import connection
        from django.db.models import Sum

        from hamdeli.aid import selectors
        from hamdeli.aid.models import Balance, Movement
        from hamdeli.aid.verify import verify

        per_lot = 3 * CHAINS_PER_LOT
        org, items, stores, pledges, lots, virtual = _world(items=50, stores=100,
                                                            pledges=-(-args.movements // per_lot) + 1)
        source = Chains(lots, stores, virtual, rng)
        fill_rows = (_bulk_pg if postgres else _bulk) if args.fill == "copy" else _post
        measure = args.measure - args.measure % 3  # whole chains
        done, fill, growth, traces = 0, 0.0, [], []
        for size in checkpoints:
            started = time.perf_counter()
            fill_rows(org, source, max(0, size - measure - done), args.batch)
            fill += time.perf_counter() - started
            done = max(done, size - measure)
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            entries = [next(source) for _ in range(size - done)]
            bare = _bare_executemany(org, entries)
            posting = _post(org, iter(entries), len(entries), args.batch)
            done = size
            if postgres:
                with connection.cursor() as cursor:
                    cursor.execute("ANALYZE")
            # pledges whose lot is complete, as a user traces them
            traced = pledges[:done // per_lot]
            traces = _time(selectors.trace_forward, [(rng.choice(traced),) for _ in range(args.queries // 5 + 20)])
            point = {"movements": size, "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
                     "measured_rows": len(entries),
                     "ledger_post_rows_per_s": round(len(entries) / posting),
                     "bare_executemany_rows_per_s": round(len(entries) / bare),
                     "posting_ratio": round(bare / posting, 3),
                     "trace": _percentiles(traces)}
            growth.append(point)
            print(json.dumps({**point, "fill_s": round(fill, 1)}), file=sys.stderr, flush=True)
        assert Movement.objects.count() == args.movements
        plans = _plans(selectors.trace_forward, (rng.choice(pledges[:done // per_lot]),)) if postgres else None

        def balance(location, item):
            Balance.objects.filter(location=location, item=item).aggregate(t=Sum("quantity"))["t"]

        balances = _time(balance, [(rng.choice(stores), rng.choice(items)) for _ in range(args.queries + 20)])
        for before, after in zip(growth, growth[1:], strict=False):
            tenfold = math.log10(after["movements"] / before["movements"])
            for figure in ("p50_ms", "p95_ms"):
                after["trace"][f"{figure[:3]}_growth_per_10x"] = round(
                    (after["trace"][figure] / before["trace"][figure]) ** (1 / tenfold), 2)
        started = time.perf_counter()
        problems = verify(org) if args.movements <= 1_000_000 else None  # every balance = its movements' sum
        result = {
            "movements": args.movements,
            "fill": args.fill,
            "measured_rows_per_checkpoint": measure,
            "checkpoints": growth,
            "targets": {"posting_ratio": 0.25, "trace_growth_per_10x": 1.3},
            "fill_s": round(fill, 1),
            "balance_query": {**_percentiles(balances), "target_ms": 2},
            "forward_trace": {**_percentiles(traces), "target_ms": 50},
            **({"forward_trace_plans": plans} if plans else {}),
            "verify": None if problems is None else {"problems": len(problems),
                                                     "seconds": round(time.perf_counter() - started, 1)},
            "peak_memory_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            "load_average_1_5_15_at_start": load_at_start,
            "load_average_1_5_15_at_end": [round(x, 2) for x in os.getloadavg()],
            "cpus": os.cpu_count(),
            "python": sys.version.split()[0],
            "database": args.database,
        }
        connection.close()
    if postgres:
        import psycopg

        base, name = args.pg_url.rsplit("/", 1)
        with psycopg.connect(f"{base}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        args.out.write_text(text + "\n")


if __name__ == "__main__":
    from hamdeli.core.tenancy import scopes_disabled

    with scopes_disabled():  # a benchmark seeds and reads several offices directly, as the demo loader does
        main()
