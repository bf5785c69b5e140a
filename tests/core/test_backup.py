"""Backup and restore: one archive that a restore turns back into exactly the same instance — every row
of every table (timestamps to the microsecond) and every file's bytes — with the ledger and the audit
verifying afterwards, also when the backup was taken while writers were busy."""

import tarfile
import threading
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection

from hamdeli import cli
from hamdeli.aid import services as aid
from hamdeli.aid.models import Movement
from hamdeli.aid.verify import verify as verify_ledger
from hamdeli.core import audit, backup
from hamdeli.core import services as core
from hamdeli.core.models import AuditEntry
from tests.aid.conftest import build_aid, inbound_pledge
from tests.conftest import api_client_for, client_for


def _every_row() -> dict:
    return {model._meta.label_lower: list(model._base_manager.order_by("pk").values_list(
        *[f.attname for f in model._meta.concrete_fields])) for model in backup.models_to_copy()}


def _every_file() -> dict:
    root = Path(settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _empty_instance() -> None:
    """What a freshly migrated instance holds: no data (migrate's own content types) and no files."""
    call_command("flush", interactive=False, verbosity=0)
    for path in sorted(Path(settings.MEDIA_ROOT).rglob("*"), reverse=True):
        path.unlink() if path.is_file() else path.rmdir()


@pytest.fixture
def world(transactional_db, org, other_org, owner, cities):
    """Two offices with aid stock, a pledge with boxes, a distribution, and a practice with a file."""
    officer = core.ensure_member(org=org, username="clerk", role="officer", password="pw-for-tests-only-123").user
    w = build_aid(org, officer, cities)
    aid.intake(org=org, actor=officer, location=w.store, item=w.mask, quantity=500, lot_number="L9")
    inbound_pledge(w)
    aid.distribute(org=org, actor=officer, source=w.store, recipient=w.hospital, recipient_group="ward",
                   lines=[{"item": w.mask, "quantity": 40}])
    from hamdeli.practices import services as practices

    practice = practices.create_practice(org=org, actor=officer, title={"en": "Masks for all", "fa": "ماسک"},
                                         topics=["disinfection"])
    from tests.sample_files import pdf_bytes

    pdf = SimpleUploadedFile("report.pdf", pdf_bytes(b"report \x00\xff bytes"), "application/pdf")
    assert client_for(officer).post(f"/practices/{practice.public_id}/attachments/", {"file": pdf}).status_code == 302
    return org


def test_restore_gives_back_every_row_and_file_and_both_chains_verify(world, tmp_path, capsys):
    rows, files = _every_row(), _every_file()
    assert files and Movement.objects.exists() and AuditEntry.objects.count() > 20
    assert any(e.at.microsecond for e in AuditEntry.objects.all()[:20])  # microseconds are there to lose
    archive = tmp_path / "hamdeli.tar.gz"
    assert cli.main(["backup", str(archive)]) == 0
    assert cli.main(["backup", "--verify", str(archive)]) == 0

    _empty_instance()
    assert cli.main(["restore", str(archive)]) == 0
    assert _every_row() == rows
    assert _every_file() == files
    assert cli.main(["ledger", "verify"]) == 0 and cli.main(["audit", "verify"]) == 0
    capsys.readouterr()
    # the restored instance works on: new rows get fresh ids after the restored ones
    core.ensure_member(org=world, username="after-restore", role="viewer")
    assert audit.verify() == []


def test_restore_refuses_an_instance_that_holds_data(world, tmp_path, capsys):
    archive = tmp_path / "b.tar.gz"
    backup.backup(archive)
    before = _every_row()
    assert cli.main(["restore", str(archive)]) == 1
    assert "not empty" in capsys.readouterr().err
    assert _every_row() == before


def test_verify_finds_a_damaged_part(world, tmp_path, capsys):
    archive, damaged = tmp_path / "b.tar.gz", tmp_path / "damaged.tar.gz"
    backup.backup(archive)
    with tarfile.open(archive) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "data/core.auditentry.jsonl":
                data = data.replace(b"aid.item.created", b"aid.item.deleted", 1)
            member.size = len(data)
            import io

            target.addfile(member, io.BytesIO(data))
    assert cli.main(["backup", "--verify", str(damaged)]) == 1
    assert "data/core.auditentry.jsonl: SHA-256 differs" in capsys.readouterr().err
    _empty_instance()
    assert cli.main(["restore", str(damaged)]) == 1  # a damaged archive restores nothing
    assert not AuditEntry.objects.exists()


WRITERS = 16


def test_a_backup_taken_while_sixteen_writers_post_restores_a_verified_prefix(transactional_db, org, tmp_path):
    actor = core.ensure_member(org=org, username="racer", role="logistics", password="pw-for-tests-only-123").user
    w = build_aid(org, actor)
    clients = [api_client_for(actor, org) for _ in range(WRITERS)]
    common = {"location": str(w.store.public_id), "item": str(w.mask.public_id), "quantity": 1}
    acknowledged, lock, started, stop = [], threading.Lock(), threading.Barrier(WRITERS + 1), threading.Event()
    failures = []

    def write(i, client):
        body = {**common, "lot": f"W{i}"}  # one lot per writer: concurrent first intakes of one lot race in aid
        started.wait()
        try:
            while not stop.is_set():
                response = client.post("/api/v1/aid/intakes", body, content_type="application/json")
                if response.status_code != 201:
                    failures.append(response.content)
                    return
                with lock:
                    acknowledged.append(response["X-Request-ID"])
        except Exception as exc:  # noqa: BLE001  (reported by the main thread)
            failures.append(repr(exc))
        finally:
            connection.close()

    threads = [threading.Thread(target=write, args=(i, c)) for i, c in enumerate(clients)]
    for t in threads:
        t.start()
    started.wait()
    while len(acknowledged) < 20 and not failures:
        stop.wait(0.05)
    with lock:
        before_backup = set(acknowledged)
    archive = tmp_path / "busy.tar.gz"
    backup.backup(archive)
    stop.set()
    for t in threads:
        t.join()
    assert failures == []
    chain = list(AuditEntry.objects.filter(org=org).order_by("seq").values_list("seq", "hash", "request_id"))

    _empty_instance()
    backup.restore(archive)
    restored = list(AuditEntry.objects.filter(org=org).order_by("seq").values_list("seq", "hash", "request_id"))
    assert verify_ledger() == [] and audit.verify() == []
    assert restored == chain[:len(restored)]  # a prefix of what was written, in commit order
    restored_ids = {request_id for _seq, _hash, request_id in restored}
    assert before_backup <= restored_ids  # every write acknowledged before the backup is in it
    assert len(restored) < len(chain)  # and the writers went on meanwhile
    intakes = Movement.objects.filter(org=org, reason="intake").count()
    assert aid.stock_total(org=org, location=w.store, item=w.mask) == intakes


def test_an_archive_restores_into_the_other_database(world, tmp_path):
    """SQLite → PostgreSQL when the tests run on SQLite, PostgreSQL → SQLite when they run on PostgreSQL:
    the same rows (to the microsecond) and files, and both chains verify there."""
    import json
    import os
    import subprocess
    import sys

    import psycopg

    from tests.core.rows_reader import every_row

    archive = tmp_path / "b.tar.gz"
    backup.backup(archive)
    media = tmp_path / "other-media"
    if connection.vendor == "sqlite":
        server = os.environ.get("HAMDELI_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
        name = f"test_restore_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        target = f"{server}/{name}"
    else:
        target = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    env = {**os.environ, "HAMDELI_DATABASE_URL": target, "HAMDELI_MEDIA_ROOT": str(media),
           "PYTHONPATH": str(Path(__file__).parents[2])}

    def hamdeli(*args):
        done = subprocess.run([sys.executable, "-m", "hamdeli.cli", *args], env=env, capture_output=True, text=True,
                              timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout

    try:
        hamdeli("migrate")
        assert "restore: OK" in hamdeli("restore", str(archive))
        assert "ledger verify: OK" in hamdeli("ledger", "verify")
        assert "audit verify: OK" in hamdeli("audit", "verify")
        reader = subprocess.run([sys.executable, str(Path(__file__).with_name("rows_reader.py"))], env=env,
                                capture_output=True, text=True, timeout=600)
        assert reader.returncode == 0, reader.stderr
        assert json.loads(reader.stdout) == every_row()
        restored = {p.relative_to(media).as_posix(): p.read_bytes() for p in media.rglob("*") if p.is_file()}
        assert restored == _every_file()
    finally:
        if target.startswith("postgresql"):
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
