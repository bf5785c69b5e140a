"""An office's whole record in one archive (`export`), and that archive brought into another instance
(`import_archive`), where it recreates the office: its rows with their public ids, its files, its people
and its audit chain, which verifies there as it did at home.

Which rows are the office's is worked out from the models, not listed by hand (`classify`): a row is
the office's when its `org` foreign key, or a chain of non-null foreign keys, leads to the
organization. Every other table must be classified here — shared reference data (referred to by its
natural key), people (by user name), rows between two offices, or not part of an office's record with a
reason — or `classify` refuses, and with it the tests: a new model cannot be silently left out.

The archive has the frame of a backup (core.backup: `manifest.json` with each part's SHA-256, tables as
JSON lines encoded by the backup's `_encode`), so `backup.verify` checks it; README_TEXT below is the
format's description, written into every archive as README.txt.
"""

import datetime as dt
import hashlib
import json
import os
import secrets
import tarfile
import tempfile
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO, cast

from django.apps import apps
from django.contrib.auth.models import User
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.utils import validate_file_name
from django.db import DatabaseError, connection, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from hamdeli.core import audit, backup
from hamdeli.core.models import Organization

FORMAT = "hamdeli-office"
VERSION = 1
KIND = (FORMAT, VERSION, "office")

ORGANIZATION = "core.organization"
PEOPLE = "auth.user"
# What of a person travels with the office: never the password, nor staff or superuser rights.
PEOPLE_FIELDS = ("id", "username", "email", "first_name", "last_name", "is_active", "date_joined")
# Shared reference data, the same for every office: referred to by its natural key, never copied as the
# office's own (the archive carries the rows it refers to, so that an instance without them can add them).
SHARED = {"places.country": "code", "places.city": "geonameid", "partners.network": "slug"}
# Rows that join two offices: exported by either office, their foreign keys written as public ids, and
# recreated on import only where the other office is on the instance too. Value: who may see the row.
BETWEEN_OFFICES = {"aid.pledgelink": lambda org: Q(donor_pledge__org=org) | Q(recipient_org=org)}
# Secrets an archive must not carry (only their hashes are stored, but a hash still opens the door to
# anyone who can find the secret): left out; imported rows get a fresh random value and are revoked.
SECRETS = {"core.apitoken": ("key_hash", "revoked_at"), "correspondence.calendarfeed": ("key_hash", "revoked_at")}
NOT_EXPORTED = {
    "contenttypes.contenttype": "Django's catalogue of models, made by migrate on every instance",
    "auth.permission": "Django's permissions, made by migrate; Hamdeli's roles are the memberships",
    "auth.group": "Django's groups, not used by Hamdeli (roles are the memberships)",
    "auth.group_permissions": "Django's groups, not used by Hamdeli",
    "auth.user_groups": "Django's groups, not used by Hamdeli",
    "auth.user_user_permissions": "Django's per-user permissions, not used by Hamdeli (rights stay home)",
    "sessions.session": "sign-ins on this instance",
    "core.ratecounter": "visitors' request counts on this instance",
    "core.idempotencyrecord": "remembered API retries and page form tokens, kept 7 days for this instance",
    "core.prepareddownload": "exports prepared for a member on this instance, kept a few days (an archive "
                             "would otherwise carry the office's earlier archives)",
    "places.cityword": "the city search's index of name words, written with each city on this instance",
    "places.cityprefix": "the counts of the city search's wide prefixes, recomputed by the city import",
    "core.scheduledrun": "which daily jobs this instance's workers have enqueued (core.jobs)",
    "correspondence.remindersent": "the reminder emails this instance has sent, one a member a day",
}
NOT_EXPORTED_APPS = {
    "axes": "sign-in attempts on this instance (django-axes)",
    "admin": "Django admin's own log of this instance",
    "otp_totp": "two-factor secrets of this instance's accounts: a person sets two-factor up again there",
    "otp_static": "two-factor recovery codes of this instance's accounts, which go with the secrets",
    "django_tasks_database": "background jobs of this instance (core.jobs): work queued or done here, with its errors",
}


class ArchiveError(Exception):
    """A refusal with a message for the person running the command; nothing was written."""


class Unclassified(Exception):
    """A model that `classify` cannot place: add it to one of the lists above, or give it an org."""


# --- which rows are an office's ----------------------------------------------------------------------

@dataclass
class Plan:
    owned: list[Any] = field(default_factory=list)  # (model, lookup to the org) in an order that inserts cleanly
    shared: list[Any] = field(default_factory=list)
    between: list[Any] = field(default_factory=list)
    people: type[models.Model] | None = None


# What must still verify once an office is loaded, beside its audit chain: each app that keeps such a
# record registers its check in its AppConfig.ready (aid: its ledger), so core imports no app above it.
# A check takes the organization and returns its faults (none when sound).
CHECKS: list[Callable[[Organization], list[str]]] = []


def register_check(check: Callable[[Organization], list[str]]) -> None:
    if check not in CHECKS:
        CHECKS.append(check)


def _foreign_keys(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if f.is_relation and (f.many_to_one or f.one_to_one)]


def _path_to_org(model: type[models.Model]) -> str | None:
    """The shortest chain of non-null foreign keys from the model to the organization, as an ORM lookup."""
    queue: list[tuple[type[models.Model], list[str]]] = [(model, [])]
    seen = {model}
    while queue:
        current, path = queue.pop(0)
        for fk in sorted(_foreign_keys(current), key=lambda f: (f.name != "org", f.name)):
            if fk.null:
                continue
            target = fk.related_model
            if target._meta.label_lower == ORGANIZATION:
                return "__".join([*path, fk.name])
            if target not in seen:
                seen.add(target)
                queue.append((target, [*path, fk.name]))
    return None


def _excluded(model: type[models.Model]) -> bool:
    label = model._meta.label_lower
    return label in NOT_EXPORTED or model._meta.app_label in NOT_EXPORTED_APPS


def classify(all_models: list[type[models.Model]] | None = None) -> Plan:
    """Place every table of this Hamdeli; raises Unclassified listing the tables it cannot place."""
    all_models = backup.models_to_copy() if all_models is None else all_models
    plan, problems, owned = Plan(), list[str](), dict[type[models.Model], str]()
    for model in all_models:
        label = model._meta.label_lower
        if _excluded(model):
            continue
        if label == PEOPLE:
            plan.people = model
        elif label in SHARED:
            plan.shared.append(model)
        elif label in BETWEEN_OFFICES:
            plan.between.append(model)
            problems += [f"{label}.{fk.name}: a row between offices refers to {fk.related_model._meta.label_lower}, "
                         "which has no public id" for fk in _foreign_keys(model)
                         if not any(f.name == "public_id" for f in fk.related_model._meta.concrete_fields)]
        elif label == ORGANIZATION:
            owned[model] = ""
        else:
            path = _path_to_org(model)
            if path is None:
                problems.append(f"{label}: no chain of foreign keys leads to an organization; give it an `org`, or "
                                "classify it in core.office_archive (SHARED, NOT_EXPORTED …)")
                continue
            owned[model] = path
            first = path.split("__")[0]
            problems += [f"{label}.{fk.name}: a second organization; a row between offices belongs in BETWEEN_OFFICES"
                         for fk in _foreign_keys(model)
                         if fk.related_model._meta.label_lower == ORGANIZATION and fk.name != first]
    known = {m._meta.label_lower for m in owned} | set(SHARED) | {PEOPLE}
    for model in [*owned, *plan.shared]:
        problems += [f"{model._meta.label_lower}.{fk.name}: points at {fk.related_model._meta.label_lower}, which an "
                     "office's archive does not carry" for fk in _foreign_keys(model)
                     if fk.related_model._meta.label_lower not in known]
    order, cycle = _insert_order(owned)
    if cycle:
        problems.append(f"these tables refer to each other in a circle, so no order inserts them: {', '.join(cycle)}")
    if problems:
        raise Unclassified("\n".join(problems))
    plan.owned = [(model, owned[model]) for model in order]
    plan.shared = _insert_order(dict.fromkeys(plan.shared))[0]  # countries before their cities
    return plan


def _insert_order(owned: dict[type[models.Model], Any]) -> tuple[list[type[models.Model]], list[str]]:
    """The tables with every table after the ones of them it refers to (references to itself aside), and
    the tables left in a circle of references, if any."""
    waiting = {model: {fk.related_model for fk in _foreign_keys(model)
                       if fk.related_model in owned and fk.related_model is not model} for model in owned}
    order: list[type[models.Model]] = []
    while waiting:
        ready = sorted((m for m, needs in waiting.items() if not needs), key=lambda m: m._meta.label_lower)
        if not ready:
            return order, sorted(m._meta.label_lower for m in waiting)
        for model in ready:
            order.append(model)
            del waiting[model]
        for needs in waiting.values():
            needs.difference_update(ready)
    return order, []


def _exported_fields(model: type[models.Model]) -> list[Any]:
    hidden = SECRETS.get(model._meta.label_lower, ("",))[0]
    return [f for f in model._meta.concrete_fields if f.attname != hidden]


def _file_fields(model: type[models.Model]) -> list[Any]:
    return [f for f in model._meta.concrete_fields if isinstance(f, models.FileField)]


# --- export ------------------------------------------------------------------------------------------

def export(org: Organization, path: Path) -> dict[str, Any]:
    """Write the office's archive to `path` from one consistent snapshot; returns its manifest."""
    plan = classify()
    with tempfile.TemporaryDirectory(prefix="hamdeli-office-") as folder:
        work = Path(folder)
        (work / "data").mkdir()
        with backup.consistent_read():
            org = Organization.objects.get(pk=org.pk)
            writer = _Exporter(plan, org, work)
            tables = writer.write()
            manifest = {
                "format": FORMAT,
                "version": VERSION,
                "created_at": timezone.now().isoformat(),
                "database": connection.vendor,
                "migrations": backup.applied_migrations(),
                "organization": {"public_id": str(org.public_id), "slug": org.slug, "name": org.name},
                "tables": tables,
                "files": writer.files,
                "missing_files": sorted(writer.missing_files),
            }
        (work / "README.txt").write_text(readme(manifest), encoding="utf-8")
        return backup.pack(work, manifest, Path(path))


def export_to_temporary(org: Organization) -> tuple[BinaryIO, int]:
    """The archive in an open temporary file (already unlinked: it goes when closed), and its size."""
    with tempfile.TemporaryDirectory(prefix="hamdeli-office-out-") as folder:
        path = Path(folder) / "office.tar.gz"
        export(org, path)
        handle = path.open("rb")  # the open handle keeps the file's bytes after the folder is removed
    return handle, os.fstat(handle.fileno()).st_size


class _Exporter:
    def __init__(self, plan: Plan, org: Organization, work: Path) -> None:
        self.plan, self.org, self.work = plan, org, work
        self.exported: dict[str, set[Any]] = {}  # label → primary keys written
        self.referred: dict[str, set[Any]] = defaultdict(set)  # shared tables and people → keys referred to
        self.files, self.missing_files = 0, set[str]()

    def write(self) -> dict[str, Any]:
        tables = {}
        for model, lookup in self.plan.owned:
            rows = model._base_manager.filter(**{lookup: self.org} if lookup else {"pk": self.org.pk})
            tables[model._meta.label_lower] = self._table(model, rows, "office")
        for model in self.plan.between:
            tables[model._meta.label_lower] = self._between(model)
        if self.plan.people is not None:
            people = self.plan.people
            fields = [people._meta.get_field(name) for name in PEOPLE_FIELDS]
            rows = people._base_manager.filter(pk__in=self.referred[PEOPLE])
            tables[PEOPLE] = self._part(people, fields, rows, "people")
        cities = apps.get_model("places.city") if "places.city" in SHARED else None
        if cities is not None:  # a city's country comes along with it
            self.referred["places.country"] |= set(cities._base_manager.filter(
                pk__in=self.referred["places.city"]).values_list("country_id", flat=True))
        for model in self.plan.shared:
            rows = model._base_manager.filter(pk__in=self.referred[model._meta.label_lower])
            tables[model._meta.label_lower] = self._part(model, list(model._meta.concrete_fields), rows, "shared")
        return tables

    def _part(self, model: type[models.Model], fields: list[Any], rows: QuerySet[Any], kind: str) -> dict[str, Any]:
        label = model._meta.label_lower
        values = rows.order_by("pk").values_list(*[f.attname for f in fields]).iterator(chunk_size=2000)
        count = backup.write_rows(self.work / "data" / f"{label}.jsonl", model, fields, values)
        return {"rows": count, "part": f"data/{label}.jsonl", "kind": kind}

    def _table(self, model: type[models.Model], rows: QuerySet[Any], kind: str) -> dict[str, Any]:
        label = model._meta.label_lower
        fields = _exported_fields(model)
        names = [f.attname for f in fields]
        pk_at = names.index(model._meta.pk.attname)
        checks = []  # (column, target label, is a reference to this very table)
        for i, f in enumerate(fields):
            if f.is_relation:
                target = f.related_model._meta.label_lower
                checks.append((i, target, target == label))
        files = [(names.index(f.attname), f) for f in _file_fields(model)]
        own, self_refs = set(), []

        def checked(values: Iterable[Any]) -> Iterator[Any]:
            for row in values:
                own.add(row[pk_at])
                for i, target, itself in checks:
                    value = row[i]
                    if value is None:
                        continue
                    if itself:
                        self_refs.append((row[pk_at], value))
                    elif target in self.exported:
                        if value not in self.exported[target]:
                            raise ArchiveError(f"{label} #{row[pk_at]} refers to {target} #{value}, which is not "
                                               "this office's: the export stopped")
                    else:
                        self.referred[target].add(value)
                for i, f in files:
                    if row[i]:
                        self._copy_file(f, row[i])
                yield row

        values = rows.order_by("pk").values_list(*names).iterator(chunk_size=2000)
        count = backup.write_rows(self.work / "data" / f"{label}.jsonl", model, fields, checked(values))
        for pk, value in self_refs:
            if value not in own:
                raise ArchiveError(f"{label} #{pk} refers to {label} #{value}, which is not this office's")
        self.exported[label] = own
        return {"rows": count, "part": f"data/{label}.jsonl", "kind": kind}

    def _between(self, model: type[models.Model]) -> dict[str, Any]:
        """Rows joining two offices: their foreign keys as the public ids of the rows they point at."""
        label = model._meta.label_lower
        fields = list(model._meta.concrete_fields)
        lookups = [f"{f.name}__public_id" if f.is_relation else f.attname for f in fields]
        rows = (model._base_manager.filter(BETWEEN_OFFICES[label](self.org)).order_by("pk")
                .values_list(*lookups).iterator(chunk_size=2000))
        rows = ([str(v) if f.is_relation and v is not None else v for f, v in zip(fields, row, strict=True)]
                for row in rows)
        count = backup.write_rows(self.work / "data" / f"{label}.jsonl", model, fields, rows)
        return {"rows": count, "part": f"data/{label}.jsonl", "kind": "between offices", "keys": "public_id"}

    def _copy_file(self, f: models.FileField, name: str) -> None:
        if name in self.missing_files or (self.work / "files" / name).exists():
            return
        try:
            validate_file_name(name, allow_relative_path=True)  # a stored name never leaves the files folder
            target = self.work / "files" / name
            with f.storage.open(name, "rb") as source:
                target.parent.mkdir(parents=True, exist_ok=True)
                with target.open("wb") as handle:
                    for block in iter(lambda: source.read(1 << 20), b""):
                        handle.write(block)
        except (FileNotFoundError, SuspiciousFileOperation):
            self.missing_files.add(name)
            return
        self.files += 1


# --- import ------------------------------------------------------------------------------------------

@dataclass
class Report:
    org: Organization | None  # None until the organization's row is loaded
    rows: int = 0
    files: int = 0
    people_created: list[Any] = field(default_factory=list)
    people_matched: list[Any] = field(default_factory=list)
    secrets_revoked: int = 0
    links_skipped: list[Any] = field(default_factory=list)


def import_archive(path: Path) -> Report:
    """Recreate the archive's office here, in one transaction; refuses (ArchiveError, nothing written)
    a damaged archive, another Hamdeli version, and an office, or any record, that is here already."""
    faults = backup.verify(path, kind=KIND)
    if faults:
        raise ArchiveError("the archive is not sound: " + "; ".join(faults[:5]))
    plan = classify()
    with tempfile.TemporaryDirectory(prefix="hamdeli-office-in-") as folder:
        root = Path(folder)
        try:  # once, in order (a .tar.gz read out of order is decompressed again from its start)
            with tarfile.open(path, "r:gz") as archive:
                archive.extractall(root, filter="data")  # no absolute paths, no "..", no links out
        except (OSError, tarfile.TarError, EOFError) as exc:
            raise ArchiveError(f"the archive cannot be unpacked: {exc}") from exc
        manifest = json.loads((root / backup.MANIFEST).read_text(encoding="utf-8"))
        tables, parts = manifest.get("tables"), manifest.get("parts") or {}
        if not isinstance(tables, dict) or not all(isinstance(t, dict) and t.get("part") in parts
                                                   and str(t["part"]).startswith("data/")
                                                   and isinstance(t.get("rows"), int) for t in tables.values()):
            raise ArchiveError("the archive's manifest does not list its tables")
        loader = _Importer(plan, root, manifest)
        loader.check()
        try:
            with transaction.atomic():
                report = loader.load()
        except DatabaseError as exc:  # a clash that appeared meanwhile, or a value the database refuses
            loader.remove_files()
            raise ArchiveError(f"the database refused the archive's records, nothing was written: {exc}") from exc
        except BaseException:
            loader.remove_files()
            raise
    return report


def _random_secret_hash() -> str:
    return hashlib.sha256(secrets.token_bytes(32)).hexdigest()  # a hash nobody holds the secret of


class _Importer:
    def __init__(self, plan: Plan, root: Path, manifest: dict[str, Any]) -> None:
        self.plan, self.root, self.manifest = plan, root, manifest
        self.tables = manifest.get("tables") or {}
        self.maps: dict[str, dict[Any, Any]] = defaultdict(dict)  # label → {the archive's key: this instance's key}
        self.stored: dict[str, str] = {}  # file name in the archive → name stored here
        self.written: list[Any] = []  # (storage, name) of the files stored, removed again if the import fails
        self.now = timezone.now()

    def _rows(self, label: str, model: type[models.Model]) -> tuple[list[Any], Iterator[list[Any]]]:
        table = self.tables.get(label)
        if table is None:
            return [], iter(())
        try:
            return backup.read_rows((self.root / table["part"]).open("rb"), model)
        except (backup.BackupError, ValueError, StopIteration) as exc:
            raise ArchiveError(f"{label}: its part cannot be read ({exc})") from exc

    def check(self) -> None:
        if self.manifest.get("migrations") != backup.applied_migrations():
            raise ArchiveError("this instance is not at the archive's Hamdeli version: import into the Hamdeli version "
                               "that made the archive, migrated (hamdeli migrate)")
        labels = {m._meta.label_lower for m, _lookup in self.plan.owned}
        known = labels | {m._meta.label_lower for m in [*self.plan.shared, *self.plan.between]} | {PEOPLE}
        unknown = set(self.tables) - known
        if unknown:
            raise ArchiveError(f"the archive holds tables this Hamdeli does not know: {', '.join(sorted(unknown))}")
        missing = labels - set(self.tables)
        if missing:
            raise ArchiveError(f"the archive lacks tables of an office: {', '.join(sorted(missing))}")
        if self.tables[ORGANIZATION]["rows"] != 1:
            raise ArchiveError("the archive does not hold exactly one organization")
        clashes = []
        for model, _lookup in self.plan.owned:
            clashes += self._clashes(model)
        if clashes:
            shown = "; ".join(clashes[:5]) + ("" if len(clashes) <= 5 else f"; and {len(clashes) - 5} more")
            raise ArchiveError(f"this office, or some of its records, is here already: {shown}. Nothing was written")

    def _clashes(self, model: type[models.Model]) -> list[str]:
        label = model._meta.label_lower
        fields, rows = self._rows(label, model)
        unique = [(i, f) for i, f in enumerate(fields) if f.unique and not f.primary_key and not f.is_relation]
        values: dict[str, set[Any]] = defaultdict(set)
        for row in rows:
            for i, f in unique:
                if row[i] is not None:
                    values[f.attname].add(row[i])
        found = []
        for name, distinct in values.items():
            wanted = list(distinct)
            for start in range(0, len(wanted), 500):
                here = model._base_manager.filter(**{f"{name}__in": wanted[start:start + 500]})
                found += [f"{label} {name} {value}" for value in here.values_list(name, flat=True)[:5]]
        return found

    def load(self) -> Report:
        self._people()
        for model in self.plan.shared:
            self._shared(model)
        report = Report(org=None)
        for model, _lookup in self.plan.owned:
            report.rows += self._owned(model, report)
        org = Organization.objects.get(pk=next(iter(self.maps[ORGANIZATION].values())))
        report.org, report.files = org, len(self.stored)
        report.people_created, report.people_matched = self.people_created, self.people_matched
        for model in self.plan.between:
            report.rows += self._between(model, report)
        audit.record(org=org, actor=None, action=audit.IMPORTED, obj=org, after={
            "archive_created_at": self.manifest.get("created_at"), "from_database": self.manifest.get("database"),
            "rows": report.rows, "files": report.files,
            # Who each person was at home: the ids the imported entries' hashes cover (hashed_actor_id).
            "people": {str(old): username for old, username in sorted(self.usernames.items())},
            "people_created": report.people_created, "secrets_revoked": report.secrets_revoked,
            "links_not_recreated": report.links_skipped,
        })
        faults = audit.verify(org) + [fault for check in CHECKS for fault in check(org)]
        if faults:
            raise ArchiveError("after loading, the office's audit or ledger does not verify: " + "; ".join(faults[:3]))
        return report

    # people and reference data

    def _people(self) -> None:
        model = cast("type[User]", self.plan.people)  # PEOPLE, auth.user: always classified
        self.people_created, self.people_matched, self.usernames = [], [], {}
        fields, rows = self._rows(PEOPLE, model)
        names = [f.attname for f in fields]
        if set(names) != set(PEOPLE_FIELDS):
            raise ArchiveError(f"{PEOPLE}: the archive's columns differ from this Hamdeli's")
        for row in rows:
            person = dict(zip(names, row, strict=True))
            old = person.pop("id")
            self.usernames[old] = person["username"]
            user = model._base_manager.filter(username=person["username"]).first()
            if user is None:  # never an existing person's password or rights: only new people are made
                user = model(**person)
                user.set_unusable_password()
                user.save(force_insert=True)
                self.people_created.append(user.username)
            else:
                self.people_matched.append(user.username)
            self.maps[PEOPLE][old] = user.pk

    def _shared(self, model: type[models.Model]) -> None:
        label, key = model._meta.label_lower, SHARED[model._meta.label_lower]
        fields, rows = self._rows(label, model)
        names = [f.attname for f in fields]
        pk_name = model._meta.pk.attname
        for row in rows:
            values = dict(zip(names, row, strict=True))
            old = values[pk_name]
            existing = model._base_manager.filter(**{key: values[key]}).first()
            if existing is None:
                if pk_name != key:
                    values.pop(pk_name)
                existing = model(**values)
                existing.save(force_insert=True)
            self.maps[label][old] = existing.pk

    # the office's own rows

    def _owned(self, model: type[models.Model], report: Report) -> int:
        label = model._meta.label_lower
        expected = {f.attname for f in _exported_fields(model)}
        fields, rows = self._rows(label, model)
        if {f.attname for f in fields} != expected:
            raise ArchiveError(f"{label}: the archive's columns differ from this Hamdeli's")
        pk = model._meta.pk
        generated = isinstance(pk, models.AutoField)  # BigAutoField too: a new key from this instance
        columns = [f for f in model._meta.concrete_fields if not (generated and f is pk)]
        quote = connection.ops.quote_name
        names = ", ".join(quote(f.column or "") for f in columns)
        sql = (f"INSERT INTO {quote(model._meta.db_table)} ({names}) "  # noqa: S608
               f"VALUES ({', '.join(['%s'] * len(columns))}) "
               f"RETURNING {quote(pk.column or '')}")  # names from our models, values as parameters
        at = {f.attname: i for i, f in enumerate(fields)}
        waiting, count = [], 0
        with connection.cursor() as cursor:
            for row in rows:
                if not self._insert(cursor, sql, model, columns, at, row, report):
                    waiting.append(row)  # refers to a row of its own table that comes later
                else:
                    count += 1
            while waiting:  # rows pointing forward in their own table, once what they point at is in
                still = [row for row in waiting if not self._insert(cursor, sql, model, columns, at, row, report)]
                if len(still) == len(waiting):
                    raise ArchiveError(f"{label}: rows refer to rows of their table that the archive lacks")
                count += len(waiting) - len(still)
                waiting = still
        return count

    def _insert(self, cursor: Any, sql: str, model: type[models.Model], columns: list[Any], at: dict[str, int],
                row: list[Any], report: Report) -> bool:
        label = model._meta.label_lower
        values = {}
        for f in columns:
            value = row[at[f.attname]] if f.attname in at else None
            if f.is_relation and value is not None:
                target = f.related_model._meta.label_lower
                mapped = self.maps[target].get(value)
                if mapped is None:
                    if target == label:
                        return False
                    if target in SHARED and f.related_model._meta.pk.attname == SHARED[target]:
                        mapped = value  # a natural key (a city's GeoNames id) is the same everywhere
                    else:
                        raise ArchiveError(f"{label}: a row refers to {target} #{value}, which the archive lacks")
                value = mapped
            elif isinstance(f, models.FileField) and value:
                value = self._file(f, value)
            values[f.attname] = value
        secret = SECRETS.get(label)
        if secret:  # the secret stayed home: a hash nobody holds, and the token or link revoked
            values[secret[0]] = _random_secret_hash()
            if values[secret[1]] is None:
                values[secret[1]] = self.now
                report.secrets_revoked += 1
        if label == "core.auditentry":
            self._keep_hashed_actor(values, row[at["actor_id"]])
        cursor.execute(sql, [f.get_db_prep_save(values[f.attname], connection) for f in columns])
        self.maps[label][row[at[model._meta.pk.attname]]] = cursor.fetchone()[0]
        return True

    @staticmethod
    def _keep_hashed_actor(values: dict[str, Any], actor_at_home: int | None) -> None:
        """The entry's hash covers the actor's id where the entry was written; keep that id beside the
        actor's id here when they differ, so the chain verifies on this instance too."""
        hashed = values["hashed_actor_id"] if values["hashed_actor_id"] is not None else actor_at_home
        values["hashed_actor_id"] = hashed if hashed != values["actor_id"] else None

    def _file(self, f: models.FileField, name: str) -> str:
        if name in self.stored:
            return self.stored[name]
        try:
            validate_file_name(name, allow_relative_path=True)
        except SuspiciousFileOperation as exc:
            raise ArchiveError(f"{name!r}: not a file name this instance stores") from exc
        source = self.root / "files" / name
        if source.is_symlink() or not source.is_file():  # missing at home already (manifest.json lists it)
            self.stored[name] = name
            return name
        try:
            with source.open("rb") as handle:
                stored: str = f.storage.save(name, File(handle, name=name), max_length=f.max_length)
        except SuspiciousFileOperation as exc:
            raise ArchiveError(f"{name!r}: not a file name this instance stores") from exc
        self.written.append((f.storage, stored))
        self.stored[name] = stored
        return stored

    def remove_files(self) -> None:
        for storage, name in self.written:
            storage.delete(name)
        self.written.clear()

    # rows between two offices

    def _between(self, model: type[models.Model], report: Report) -> int:
        label = model._meta.label_lower
        fields, rows = self._rows(label, model)
        count = 0
        for row in rows:
            values, unresolved = {}, None
            for f, value in zip(fields, row, strict=True):
                if f.is_relation and value is not None:
                    target = f.related_model._base_manager.filter(public_id=value).values_list("pk", flat=True).first()
                    if target is None:
                        unresolved = f.name
                    values[f.attname] = target
                else:
                    values[f.attname] = value
            unique = Q()
            for f in fields:
                if f.unique and not f.primary_key and not f.is_relation and values[f.attname] is not None:
                    unique |= Q(**{f.attname: values[f.attname]})
            if unresolved or (unique and model._base_manager.filter(unique).exists()):
                report.links_skipped.append(str(values.get("public_id")))
                continue
            values.pop(model._meta.pk.attname)
            model._base_manager.bulk_create([model(**values)])  # bulk: no auto_now, no signals, as stored
            count += 1
        return count


# --- the archive's README --------------------------------------------------------------------------

README_TEXT = """\
An office's whole record, exported from Hamdeli
===============================================

Office:   {name} ({slug}, public id {public_id})
Made:     {created_at}, from a {database} database
Contents: {rows} rows in {tables} tables, {files} files

Bring it into another Hamdeli (the same version, migrated):

    hamdeli org import THIS-FILE.tar.gz

The import recreates the office in one transaction, or writes nothing. It refuses an instance that
already has an office with this short name or public id, or any record with one of this archive's
public ids.

What is inside
--------------

manifest.json      format "{format}", version {version}; when and from which database it was made;
                   the Hamdeli migrations it was made at (the importing instance must be at the same);
                   the office; per table its row count, its part and its kind; the number of files;
                   the files the office's records name but that were missing when it was exported;
                   and the SHA-256 and size of every other part (the import checks them first).
README.txt         this description.
data/TABLE.jsonl   one table (TABLE is app.model, e.g. aid.movement): the first line is
                   {{"model": TABLE, "fields": [column, ...]}}, then one JSON list per row, the values in
                   the header's order. Timestamps are ISO 8601 with their offset and microseconds;
                   dates ISO; decimals and UUIDs strings; binary values base64; JSON values as they are.
files/PATH         every file the office's records name (scans, attachments, designs), at the path
                   the record names. The import stores each one under that path, or a free one near
                   it when the path is taken, and points the record at it.

The kinds of table (manifest.json, "kind"):

office             the office's own rows: the organization itself, and every row whose organization
                   (its "org" column, or a chain of references) is this office. Integer ids ("id",
                   and every column ending in "_id") are those of the instance the archive comes
                   from; the import gives each row a new id there and points every reference at it.
                   Public ids (UUIDs) stay the same.
shared             reference data every office shares: countries (by ISO code), cities (by GeoNames
                   id) and city networks (by short name). Only the rows the office refers to are
                   here; the import adds those the instance lacks and never changes existing ones.
people             the people the office's rows name (members, authors, actors in the audit): user
                   name, email, names, whether the account is active, when it joined. No password,
                   no staff or superuser rights. The import matches people by user name: one who
                   exists there keeps their account and password untouched; one who does not is
                   created without a password (they set one by a password reset, or an operator
                   with "hamdeli manage changepassword USER"). Check the list the import prints:
                   a user name taken by another person there would join this office.
between offices    links between this office and another (an aid pledge shipped from one office to
                   another): references are public ids, not integer ids. The import recreates a
                   link only when the other office and its pledge are on that instance too.

Left out on purpose: API tokens' and calendar feed links' secrets (their hashes): they come over
revoked, so make new ones. Two-factor secrets and recovery codes (people set two-factor up again on the
new instance). Sign-in sessions, rate counters, remembered API retries (kept 7 days)
and Django's own tables.

The audit
---------

core.auditentry holds the office's audit trail: a hash chain in which each entry's SHA-256 covers
its content and the previous entry's hash. The import keeps every entry, hash and position; where a
person's id differs on the new instance, the id the hash covers is kept beside it (hashed_actor_id),
so "hamdeli audit verify" passes there too. The import then adds one entry, "organization.imported",
recording which user name each of the archive's people ids was. Ids inside entries' before/after
values are those of the instance where the entry was written.
"""


def readme(manifest: dict[str, Any]) -> str:
    tables = manifest["tables"]
    org = manifest["organization"]
    name = org["name"].get("en") or next(iter(org["name"].values()), org["slug"])
    return README_TEXT.format(name=name, slug=org["slug"], public_id=org["public_id"],
                              created_at=manifest["created_at"], database=manifest["database"],
                              rows=sum(t["rows"] for t in tables.values()), tables=len(tables),
                              files=manifest["files"], format=FORMAT, version=VERSION)


def archive_name(org: Organization, moment: dt.datetime | None = None) -> str:
    moment = timezone.localtime(moment or timezone.now())
    return f"hamdeli-office-{org.slug}-{moment:%Y%m%d-%H%M}.tar.gz"
