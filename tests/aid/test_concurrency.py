"""16 workers race for the same stock, as threads and as separate processes: stock never goes below
zero, totals are conserved, every refusal is a clear 409. And a bulk import killed midway leaves nothing.

The bursts below race on what PostgreSQL lets run at once (SQLite takes the write lock at BEGIN, so
there they check the same outcomes serialised): a new item's first lot, balance rows created while
others are locked, one Idempotency-Key sent sixteen times, one movement reversed sixteen times."""

import json
import os
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.db import connection

from hamdeli.aid import services
from hamdeli.aid.models import Consignment, Lot, Movement
from hamdeli.aid.verify import verify
from hamdeli.core import services as core
from hamdeli.core.models import AuditEntry
from tests.aid.conftest import build_aid, inbound_pledge
from tests.conftest import api_client_for

WORKERS = 16
BURSTS = 3
WORKER = Path(__file__).with_name("worker.py")
ROOT = WORKER.parents[2]


@pytest.fixture
def racing(flushable_ledger, org):
    officer = core.ensure_member(org=org, username="racer", role="logistics", password="pw-for-tests-only-123").user
    w = build_aid(org, officer)
    services.intake(org=org, actor=officer, location=w.store, item=w.mask, quantity=100)
    return w


def _database_url() -> str:
    s = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{s['NAME']}"
    return f"postgresql://{s['USER']}@{s['HOST'] or '127.0.0.1'}:{s['PORT'] or 5432}/{s['NAME']}"


def _env() -> dict:
    return {**os.environ, "HAMDELI_DATABASE_URL": _database_url(), "PYTHONPATH": str(ROOT)}


def _assert_outcome(w, statuses):
    assert statuses.count(201) == 10  # 16 × 10 asked for, 100 in stock
    assert statuses.count(409) == WORKERS - 10
    assert services.stock_total(org=w.org, location=w.store, item=w.mask) == 0
    assert services.stock_total(org=w.org, location=w.distributed, item=w.mask) == 100
    assert verify() == []


def test_threads_race_for_the_same_stock(racing):
    w = racing
    body = {"source": str(w.store.public_id), "recipient": str(w.hospital.public_id), "recipient_group": "ward",
            "lines": [{"item": str(w.mask.public_id), "quantity": 10}]}
    clients = [api_client_for(w.actor, w.org) for _ in range(WORKERS)]
    results, barrier = [], threading.Barrier(WORKERS)

    def run(client):
        barrier.wait()
        try:
            response = client.post("/api/v1/aid/distributions", body, content_type="application/json")
            results.append((response.status_code, response.json()))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for status, payload in results:
        if status != 201:
            assert payload["error"] == "not_enough_stock" and payload["message"]
    _assert_outcome(w, [status for status, _payload in results])


def test_a_page_form_posted_at_once_from_many_threads_records_once(racing):
    """A nervous double (or sixteenfold) click: the same form and token, all at the same moment."""
    from hamdeli.core import formtokens
    from tests.conftest import client_for

    w = racing
    body = {"source": w.store.public_id, "recipient": w.hospital.public_id, "recipient_group": "ward",
            "item": w.mask.public_id, "quantity": "۱۰", formtokens.FIELD: formtokens.issue(w.org)}
    clients = [client_for(w.actor) for _ in range(WORKERS)]
    statuses, barrier = [], threading.Barrier(WORKERS)

    def run(client):
        barrier.wait()
        try:
            statuses.append(client.post("/aid/distribute/", body).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert statuses == [302] * WORKERS
    assert Movement.objects.filter(org=w.org, reason="distribution").count() == 1
    assert services.stock_total(org=w.org, location=w.store, item=w.mask) == 90
    assert verify() == []


def test_processes_race_for_the_same_stock(racing):
    w = racing
    args = [sys.executable, str(WORKER), "distribute", w.org.slug, w.actor.username, str(w.store.public_id),
            str(w.hospital.public_id), str(w.mask.public_id), "10"]
    procs = [subprocess.Popen(args, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for _ in range(WORKERS)]
    outcomes = []
    for p in procs:
        out, err = p.communicate(timeout=120)
        assert p.returncode == 0, err
        outcomes.append(json.loads(out.strip().splitlines()[-1]))
    for outcome in outcomes:
        if outcome["status"] != 201:
            assert outcome["error"] == "not_enough_stock" and outcome["message"]
    _assert_outcome(w, [o["status"] for o in outcomes])


def test_bulk_import_killed_midway_leaves_no_partial_consignment(racing, tmp_path):
    w = racing
    pledge, _c = inbound_pledge(w, ship=False)
    rows = "".join(f"{n},mask,10,L{n % 7},2021-0{1 + n % 7}-01\n" for n in range(1, 3001))
    path = tmp_path / "boxes.csv"
    path.write_text("box,item,quantity,lot,expires_on\n" + rows)
    args = [sys.executable, str(WORKER), "import", w.org.slug, w.actor.username, str(pledge.public_id), str(path)]
    proc = subprocess.Popen(args, env=_env(), stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = proc.stdout.readline()
    assert line, proc.stderr.read()
    assert json.loads(line)["status"] == "midway"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    connection.close()
    assert not Consignment.objects.filter(pledge=pledge).exists()
    assert not Movement.objects.filter(pledge=pledge).exists()
    assert verify() == []
    # the database is usable at once: the same stock can still be handed out
    services.distribute(org=w.org, actor=w.actor, source=w.store, recipient=w.hospital, recipient_group="ward",
                        lines=[{"item": w.mask, "quantity": 5}])
    assert verify() == []


def _burst(calls) -> list:
    """Run the calls at the same moment, one thread each; returns (status, body) per call."""
    results, barrier = [], threading.Barrier(len(calls))

    def run(call):
        barrier.wait()
        try:
            response = call()
            results.append((response.status_code, response.json()))
        except Exception as exc:  # the test client re-raises a view's exception: that was a 500
            results.append((500, repr(exc)))
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(c,)) for c in calls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def _post(client, path, body, **headers):
    return lambda: client.post(path, body, content_type="application/json", **headers)


def _new_item(w, code):
    return services.create_item(org=w.org, actor=w.actor, code=code, name={"fa": code, "en": code})


def test_first_intakes_of_a_new_item_share_one_lot(racing):
    """A new item taken in without a lot number, sixteen times at once: one lot, every intake recorded."""
    w = racing
    clients = [api_client_for(w.actor, w.org) for _ in range(WORKERS)]
    for burst in range(BURSTS):
        item = _new_item(w, f"glove{burst}")
        body = {"location": str(w.store.public_id), "item": str(item.public_id), "quantity": 5}
        results = _burst([_post(c, "/api/v1/aid/intakes", body) for c in clients])
        assert [status for status, _body in results] == [201] * WORKERS, results
        assert Lot.objects.filter(org=w.org, item=item).count() == 1
        assert services.stock_total(org=w.org, location=w.store, item=item) == 5 * WORKERS
        # later intakes of that item still work
        services.intake(org=w.org, actor=w.actor, location=w.store, item=item, quantity=1)
    assert verify() == []


def test_distributions_creating_balance_rows_never_deadlock(racing):
    """The recipients' balance row of a lot is created by the first of sixteen racing distributions,
    while the others lock the rows they found (a store made after the virtual locations sorts after
    them): every answer is a 201 or a clear 409, never a deadlock."""
    w = racing
    clients = [api_client_for(w.actor, w.org) for _ in range(WORKERS)]
    for burst in range(BURSTS):
        store = services.create_location(org=w.org, actor=w.actor, name={"fa": "انبار", "en": f"Store {burst}"},
                                         party=w.city)
        item = _new_item(w, f"gauze{burst}")
        services.intake(org=w.org, actor=w.actor, location=store, item=item, quantity=100)
        body = {"source": str(store.public_id), "recipient": str(w.hospital.public_id), "recipient_group": "ward",
                "lines": [{"item": str(item.public_id), "quantity": 10}]}
        results = _burst([_post(c, "/api/v1/aid/distributions", body) for c in clients])
        statuses = [status for status, _body in results]
        assert sorted(statuses) == [201] * 10 + [409] * (WORKERS - 10), results
        assert all(body["error"] == "not_enough_stock" for status, body in results if status == 409)
        assert services.stock_total(org=w.org, location=store, item=item) == 0
    assert verify() == []


def test_one_idempotency_key_sent_at_once_answers_the_first_reply_to_all(racing):
    """Sixteen sends of one key for the last ten masks: one distribution, sixteen identical 201s."""
    w = racing
    clients = [api_client_for(w.actor, w.org) for _ in range(WORKERS)]
    body = {"source": str(w.store.public_id), "recipient": str(w.hospital.public_id), "recipient_group": "ward",
            "lines": [{"item": str(w.mask.public_id), "quantity": 100}]}
    for burst in range(BURSTS):
        if burst:
            services.intake(org=w.org, actor=w.actor, location=w.store, item=w.mask, quantity=100)
        key = {"HTTP_IDEMPOTENCY_KEY": f"burst-{burst}"}
        results = _burst([_post(c, "/api/v1/aid/distributions", body, **key) for c in clients])
        assert [status for status, _body in results] == [201] * WORKERS, results
        assert all(reply == results[0][1] for _status, reply in results)
        assert Movement.objects.filter(org=w.org, reason="distribution").count() == burst + 1
        # replayed later, when the stock is long gone: still the first answer
        late = _post(clients[0], "/api/v1/aid/distributions", body, **key)()
        assert (late.status_code, late.json()) == results[0]
    assert verify() == []


def test_a_movement_raced_for_reversal_is_reversed_once(racing):
    """Sixteen callers reverse the same movement: one 201, fifteen clear 409s, one reversal, one audit entry."""
    w = racing
    clients = [api_client_for(w.actor, w.org) for _ in range(WORKERS)]
    for _round in range(BURSTS):
        moved = services.handover(org=w.org, actor=w.actor, source=w.store, target=w.uni_store, signed_by="Dr Karimi",
                                  lines=[{"item": w.mask, "quantity": 1}])[0]
        path = f"/api/v1/aid/movements/{moved.public_id}/reverse"
        results = _burst([_post(c, path, {"note": "entered twice"}) for c in clients])
        statuses = [status for status, _body in results]
        assert sorted(statuses) == [201] + [409] * (WORKERS - 1), results
        assert all(body["message"] for status, body in results if status == 409)
        assert Movement.objects.filter(reverses=moved).count() == 1
        assert AuditEntry.objects.filter(action="aid.movement.reversed", object_id=str(moved.public_id)).count() == 1
    assert services.stock_total(org=w.org, location=w.store, item=w.mask) == 100
    assert verify() == []
