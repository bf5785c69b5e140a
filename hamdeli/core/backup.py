"""Backup and restore of a whole instance: one archive holding every table as portable JSON lines
(timestamps to the microsecond), every stored file, and a manifest of row counts and SHA-256 sums.

The snapshot is consistent while the server keeps serving: on SQLite one read transaction (WAL mode:
writers go on) in which the online backup API copies the database file and the tables are read; on
PostgreSQL they
are read in one REPEATABLE READ, READ ONLY transaction (and, when `pg_dump` is installed, a native dump
of the very same snapshot is added for the database administrator). Restore reads only the JSON lines,
so an archive of either database restores into either database.
"""

import base64
import datetime as dt
import decimal
import functools
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any, cast

from django.apps import apps
from django.conf import settings
from django.core.management.color import no_style
from django.db import connection, connections, models, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

FORMAT = "hamdeli-backup"
VERSION = 1
MANIFEST = "manifest.json"


class BackupError(Exception):
    """A refusal with a message for the person running the command."""


def models_to_copy() -> list[type[models.Model]]:
    """Every table the ORM manages, including many-to-many tables, in a stable order."""
    found = [m for m in apps.get_models(include_auto_created=True) if m._meta.managed and not m._meta.proxy]
    return sorted(found, key=lambda m: m._meta.label_lower)


# --- values to JSON and back -------------------------------------------------------------------------

def _encode(field: "models.Field[Any, Any]", value: Any) -> Any:
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind in {"DateTimeField", "DateField", "TimeField"}:
        return value.isoformat()  # isoformat keeps the microseconds
    if kind == "DecimalField":
        return str(value)
    if kind == "UUIDField":
        return str(value)
    if kind == "BinaryField":
        return base64.b64encode(bytes(value)).decode()
    if kind == "DurationField":
        return value // dt.timedelta(microseconds=1)
    return value


def _decode(field: "models.Field[Any, Any]", value: Any) -> Any:
    if value is None:
        return None
    kind = field.get_internal_type()
    if kind == "DateTimeField":
        return dt.datetime.fromisoformat(value)
    if kind == "DateField":
        return dt.date.fromisoformat(value)
    if kind == "TimeField":
        return dt.time.fromisoformat(value)
    if kind == "DecimalField":
        return decimal.Decimal(value)
    if kind == "UUIDField":
        return uuid.UUID(value)
    if kind == "BinaryField":
        return base64.b64decode(value)
    if kind == "DurationField":
        return dt.timedelta(microseconds=value)
    return value


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# --- backup ------------------------------------------------------------------------------------------

def backup(path: Path) -> dict[str, Any]:
    """Write the archive to `path` (atomically: a temporary file renamed at the end); returns the manifest."""
    with tempfile.TemporaryDirectory(prefix="hamdeli-backup-") as folder:
        work = Path(folder)
        (work / "data").mkdir()
        tables, extra = _dump_database(work)
        files = _copy_files(work / "files")
        manifest = {
            "format": FORMAT,
            "version": VERSION,
            "created_at": timezone.now().isoformat(),
            "database": connection.vendor,
            "migrations": applied_migrations(),
            "tables": tables,
            "files": files,
            "native_dump": extra,
        }
        return pack(work, manifest, Path(path))


def pack(work: Path, manifest: dict[str, Any], path: Path) -> dict[str, Any]:
    """Tar every file under `work` with a manifest that lists each part's SHA-256 and size (added to the
    given manifest as "parts"), atomically: a temporary file renamed at the end. Returns the manifest."""
    parts = {}
    for part in sorted(p for p in work.rglob("*") if p.is_file()):
        rel = part.relative_to(work).as_posix()
        parts[rel] = {"sha256": _sha256(part), "bytes": part.stat().st_size}
    manifest = {**manifest, "parts": parts}
    (work / MANIFEST).write_text(json.dumps(manifest, indent=1, ensure_ascii=False))
    temporary = path.with_name(path.name + ".partial")
    with tarfile.open(temporary, "w:gz") as archive:
        archive.add(work / MANIFEST, arcname=MANIFEST)
        for rel in parts:
            archive.add(work / rel, arcname=rel)
    os.replace(temporary, path)
    return manifest


def applied_migrations(alias: str = "default") -> list[str]:
    recorder = MigrationRecorder(connections[alias])
    return sorted(f"{app}.{name}" for app, name in recorder.applied_migrations())


@contextmanager
def consistent_read() -> Iterator[None]:
    """Every read inside sees one snapshot of the database while the server keeps writing.

    SQLite: one DEFERRED read transaction (in WAL mode it holds a snapshot and lets writers go on; the
    connection's usual BEGIN IMMEDIATE would stop them). PostgreSQL: one REPEATABLE READ, READ ONLY
    transaction. Inside a transaction already (a test, a caller's own), that transaction is the snapshot."""
    if connection.in_atomic_block:
        yield
        return
    if connection.vendor == "sqlite":
        connection.ensure_connection()
        with connection.cursor() as cursor:
            cursor.execute("BEGIN DEFERRED")
            try:
                cursor.execute("SELECT count(*) FROM django_migrations")  # the snapshot starts at the first read
                yield
            finally:
                cursor.execute("COMMIT")
        return
    with transaction.atomic():
        with connection.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _dump_database(work: Path) -> tuple[dict[str, Any], str | None]:
    if connection.vendor == "sqlite" and connection.in_atomic_block:
        raise BackupError("a backup cannot run inside a transaction")  # the file copy needs its own snapshot
    with consistent_read():
        if connection.vendor == "sqlite":  # the online backup API copies the database file from the snapshot
            copy = sqlite3.connect(work / "database.sqlite3")
            try:
                connection.connection.backup(copy)
            finally:
                copy.close()
            return _dump_tables(work / "data"), "database.sqlite3"
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot_id = cursor.fetchone()[0]
        tables = _dump_tables(work / "data")
        native = _pg_dump(snapshot_id, work / "database.pgdump")  # the same snapshot, still open
    return tables, native


def _pg_dump(snapshot_id: str, target: Path) -> str | None:
    binary = shutil.which("pg_dump")
    if binary is None:
        return None
    s = connection.settings_dict
    env = {**os.environ, "PGPASSWORD": s.get("PASSWORD") or ""}
    args = [binary, "--format=custom", f"--snapshot={snapshot_id}", f"--file={target}",
            f"--host={s.get('HOST') or '127.0.0.1'}", f"--port={s.get('PORT') or 5432}",
            f"--username={s.get('USER') or 'postgres'}", s["NAME"]]
    done = subprocess.run(args, env=env, capture_output=True, text=True, timeout=3600)
    if done.returncode != 0:  # e.g. a pg_dump older than the server: the JSON lines are enough
        target.unlink(missing_ok=True)
        return None
    return target.name


def _dump_tables(folder: Path) -> dict[str, Any]:
    tables = {}
    for model in models_to_copy():
        fields = list(model._meta.concrete_fields)
        label = model._meta.label_lower
        rows = model._base_manager.order_by("pk").values_list(*[f.attname for f in fields])
        count = write_rows(folder / f"{label}.jsonl", model, fields, rows.iterator(chunk_size=2000))
        tables[label] = {"rows": count, "part": f"data/{label}.jsonl"}
    return tables


def write_rows(part: Path, model: type[models.Model], fields: Sequence["models.Field[Any, Any]"],
               rows: Iterable[Sequence[Any]]) -> int:
    """One table's part: a header line naming the model and its columns, then one JSON list per row
    (values in the columns' order, encoded by `_encode`). Returns the number of rows."""
    count = 0
    with part.open("w", encoding="utf-8") as handle:
        handle.write(json.dumps({"model": model._meta.label_lower, "fields": [f.attname for f in fields]}) + "\n")
        for row in rows:
            values = [_encode(field, value) for field, value in zip(fields, row, strict=True)]
            handle.write(json.dumps(values, ensure_ascii=False) + "\n")
            count += 1
    return count


def read_rows(raw: IO[bytes], model: type[models.Model]) -> "tuple[list[models.Field[Any, Any]], Iterator[list[Any]]]":
    """The columns of a part written by `write_rows` (this Hamdeli's fields, in the part's order) and an
    iterator of its rows as Python values. A column this Hamdeli does not know is refused."""
    lines = io.TextIOWrapper(raw, encoding="utf-8")
    header = json.loads(next(lines))
    known = {field.attname: field for field in model._meta.concrete_fields}
    if header.get("model") != model._meta.label_lower or not set(header["fields"]) <= set(known):
        raise BackupError(f"{model._meta.label_lower}: the archive's columns differ from this Hamdeli's")
    fields = [known[name] for name in header["fields"]]

    def rows() -> Iterator[list[Any]]:
        for line in lines:
            yield [_decode(field, value) for field, value in zip(fields, json.loads(line), strict=True)]

    return fields, rows()


def _copy_files(target: Path) -> int:
    root = Path(settings.MEDIA_ROOT)
    count = 0
    if not root.exists():
        return 0
    for source in sorted(p for p in root.rglob("*") if p.is_file()):
        destination = target / source.relative_to(root)
        destination.parent.mkdir(parents=True, exist_ok=True)
        try:
            shutil.copyfile(source, destination)
        except FileNotFoundError:  # removed by the running server meanwhile
            continue
        count += 1
    return count


# --- verify ------------------------------------------------------------------------------------------

def verify(path: Path, *, kind: tuple[str, int, str] = (FORMAT, VERSION, "backup")) -> list[str]:
    """Check an archive against its manifest: every part present with its SHA-256, no part unlisted,
    every table's row count. Returns the faults (empty when the archive is sound). `kind` is the
    format and version expected, and what to call the archive (an office's archive has the same frame)."""
    try:
        with tarfile.open(path, "r:gz") as archive:
            return _verify_archive(archive, kind)
    except (OSError, tarfile.TarError, EOFError) as exc:
        return [f"not a readable {kind[2]} archive: {exc}"]


def _verify_archive(archive: tarfile.TarFile, kind: tuple[str, int, str]) -> list[str]:
    faults = []
    try:
        manifest = json.load(cast(IO[bytes], archive.extractfile(MANIFEST)))  # None: AttributeError, below
    except (KeyError, ValueError, AttributeError) as exc:
        return [f"no readable manifest: {exc}"]
    if not isinstance(manifest, dict) or manifest.get("format") != kind[0] or manifest.get("version") != kind[1]:
        return [f"not a Hamdeli {kind[2]} of a version this Hamdeli reads"]
    listed = manifest.get("parts", {})
    present = set()
    for member in archive:
        if not member.isfile() or member.name == MANIFEST:
            continue
        present.add(member.name)
        expected = listed.get(member.name)
        if expected is None:
            faults.append(f"{member.name}: not in the manifest")
            continue
        digest, lines = hashlib.sha256(), 0
        handle = cast(IO[bytes], archive.extractfile(member))  # a file member: never None
        for block in iter(functools.partial(handle.read, 1 << 20), b""):
            digest.update(block)
            lines += block.count(b"\n")
        if digest.hexdigest() != expected["sha256"]:
            faults.append(f"{member.name}: SHA-256 differs from the manifest (damaged or changed)")
        if member.name.startswith("data/"):
            label = member.name.removeprefix("data/").removesuffix(".jsonl")
            rows = (manifest.get("tables") or {}).get(label, {}).get("rows")
            if rows != lines - 1:
                faults.append(f"{member.name}: {lines - 1} rows, the manifest says {rows}")
    faults.extend(f"{name}: missing from the archive" for name in sorted(set(listed) - present))
    return faults


# --- restore -----------------------------------------------------------------------------------------

def restore(path: Path) -> dict[str, Any]:
    """Load an archive into this instance, which must be migrated to the same version and hold no data."""
    faults = verify(path)
    if faults:
        raise BackupError("the archive is not sound: " + "; ".join(faults[:5]))
    with tarfile.open(path, "r:gz") as archive:
        manifest: dict[str, Any] = json.load(cast(IO[bytes], archive.extractfile(MANIFEST)))  # verified above
        _check_target(manifest)
        written = _restore_files(archive, manifest)
        try:
            _restore_tables(archive, manifest)
        except BaseException:
            for file in written:
                file.unlink(missing_ok=True)
            raise
    return manifest


def _check_target(manifest: dict[str, Any]) -> None:
    if applied_migrations() != manifest["migrations"]:
        raise BackupError("this instance's database is not at the archive's version: install the Hamdeli version "
                          "that made the backup and run `hamdeli migrate` before restoring")
    from django.contrib.auth import get_user_model

    from hamdeli.core.models import AuditEntry, Organization

    for model in (Organization, get_user_model(), AuditEntry):
        if model._base_manager.exists():
            raise BackupError(f"this instance is not empty ({model._meta.label_lower} has rows): restore only "
                              "into a freshly migrated database")
    root = Path(settings.MEDIA_ROOT)
    if root.exists() and any(p.is_file() for p in root.rglob("*")):
        raise BackupError(f"the files folder {root} is not empty: restore only into an empty instance")


def _restore_files(archive: tarfile.TarFile, manifest: dict[str, Any]) -> list[Path]:
    root, written = Path(settings.MEDIA_ROOT), list[Path]()
    for member in archive:
        if not member.isfile() or not member.name.startswith("files/"):
            continue
        rel = Path(member.name.removeprefix("files/"))
        if rel.is_absolute() or ".." in rel.parts:
            raise BackupError(f"{member.name}: a file outside the files folder")
        target = root / rel
        target.parent.mkdir(parents=True, exist_ok=True)
        with cast(IO[bytes], archive.extractfile(member)) as source, target.open("wb") as handle:
            shutil.copyfileobj(source, handle)
        written.append(target)
    return written


def _restore_tables(archive: tarfile.TarFile, manifest: dict[str, Any]) -> None:
    by_label = {m._meta.label_lower: m for m in models_to_copy()}
    unknown = set(manifest["tables"]) - set(by_label)
    if unknown:
        raise BackupError(f"the archive holds tables this Hamdeli does not know: {', '.join(sorted(unknown))}")
    with transaction.atomic(), connection.cursor() as cursor:  # foreign keys are checked at commit
        for model in by_label.values():  # what migrate made (content types, reference rows) is replaced
            if model._base_manager.exists():
                table = connection.ops.quote_name(model._meta.db_table)  # names from our models, not input
                cursor.execute(f"DELETE FROM {table}")  # noqa: S608
        for label, table in manifest["tables"].items():
            _load_table(cursor, by_label[label], cast(IO[bytes], archive.extractfile(table["part"])))
        for sql in connection.ops.sequence_reset_sql(no_style(), list(by_label.values())):
            cursor.execute(sql)


def _load_table(cursor: Any, model: type[models.Model], raw: IO[bytes]) -> None:
    fields, rows = read_rows(raw, model)
    if {f.attname for f in fields} != {f.attname for f in model._meta.concrete_fields}:
        raise BackupError(f"{model._meta.label_lower}: the archive's columns differ from this Hamdeli's")
    quote = connection.ops.quote_name
    sql = (f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(f.column or '') for f in fields)}) "  # noqa: S608
           f"VALUES ({', '.join(['%s'] * len(fields))})")  # (names from our models, values as parameters)
    batch = []
    for values in rows:
        batch.append([field.get_db_prep_save(value, connection) for field, value in zip(fields, values, strict=True)])
        if len(batch) == 1000:
            cursor.executemany(sql, batch)
            batch = []
    if batch:
        cursor.executemany(sql, batch)

