"""An office's whole record: exported as one archive holding every row and file of its own and nothing of
another office's, and imported into another instance, where the same rows (by public id), the same files'
bytes and a verifying audit chain and ledger come back; an import that would clash writes nothing."""

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection, models
from django.test.utils import isolate_apps

from hamdeli import cli
from hamdeli.aid.models import PledgeLink
from hamdeli.aid.verify import verify as verify_ledger
from hamdeli.core import audit, backup, office_archive, triggers
from hamdeli.core.models import ApiToken, AuditChainHead, AuditEntry, Organization
from hamdeli.correspondence.models import CalendarFeed
from tests.conftest import client_for
from tests.core.office_world import link_offices, office_files, office_rows, public_ids, seed_office
from tests.core.test_backup import _empty_instance

OWNER_PASSWORD = "pw-for-tests-only-123"


@pytest.fixture
def offices(cities, org, other_org, owner, officer, outsider):
    """Both offices seeded alike; ours offered the other an aid pledge, which it accepted."""
    ours, theirs = seed_office(org, officer, cities), seed_office(other_org, outsider, cities)
    ours.link = link_offices(ours, theirs)
    return ours, theirs


def _archive(path: Path) -> dict:
    with tarfile.open(path, "r:gz") as archive:
        return {m.name: archive.extractfile(m).read() for m in archive if m.isfile()}


def _table(parts: dict, label: str) -> tuple[dict, list]:
    lines = parts[f"data/{label}.jsonl"].decode().splitlines()
    return json.loads(lines[0]), [json.loads(line) for line in lines[1:]]


# --- which tables are an office's ------------------------------------------------------------------

def test_every_table_is_placed_and_rows_reached_through_a_parent_are_the_offices():
    plan = office_archive.classify()  # raises, naming the table, for any table it cannot place
    lookups = {m._meta.label_lower: lookup for m, lookup in plan.owned}
    assert lookups["core.organization"] == "" and lookups["aid.movement"] == "org"
    assert lookups["core.apitoken"] == "membership__org"  # a token is the office's through its membership
    assert {m._meta.label_lower for m in plan.shared} == {"places.city", "places.country", "partners.network"}
    assert [m._meta.label_lower for m in plan.between] == ["aid.pledgelink"]
    order = [m._meta.label_lower for m, _lookup in plan.owned]
    assert order.index("core.membership") < order.index("core.apitoken") < len(order)
    assert order.index("aid.lot") < order.index("aid.movement") and order[0] == "core.organization"


def test_a_new_table_with_no_way_to_an_office_fails_until_it_is_placed():
    with isolate_apps("hamdeli.core"):
        class Stray(models.Model):  # noqa: DJ008 - neither an org nor a parent with one
            note = models.CharField(max_length=10)

            class Meta:
                app_label = "core"

        class Shipment(models.Model):  # noqa: DJ008 - two offices in one row
            org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
            receiver = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")

            class Meta:
                app_label = "core"

        with pytest.raises(office_archive.Unclassified) as refused:
            office_archive.classify([*backup.models_to_copy(), Stray, Shipment])
    assert "core.stray: no chain of foreign keys leads to an organization" in str(refused.value)
    assert "core.shipment.receiver: a second organization" in str(refused.value)


# --- export ---------------------------------------------------------------------------------------

def test_the_archive_holds_every_row_and_file_of_ours_and_nothing_of_the_other_office(offices, org, other_org,
                                                                                      tmp_path):
    path = tmp_path / "office.tar.gz"
    manifest = office_archive.export(org, path)
    assert backup.verify(path, kind=office_archive.KIND) == []
    parts = _archive(path)

    ours, theirs = office_rows(org), public_ids(other_org)
    for label, rows in ours.items():
        assert manifest["tables"][label] == {"rows": len(rows), "part": f"data/{label}.jsonl", "kind": "office"}
        assert len(_table(parts, label)[1]) == len(rows), label
    assert len(ours["aid.movement"]) >= 5 and ours["campaigns.designfile"] and ours["practices.practiceattachment"]
    assert public_ids(org) == {
        str(row[header["fields"].index("public_id")]) for label in ours
        for header, rows in [_table(parts, label)] if "public_id" in header["fields"] for row in rows}
    # not one of the other office's records, anywhere but in the link between the two offices
    text = b"".join(data for name, data in parts.items() if name != "data/aid.pledgelink.jsonl").decode("utf-8",
                                                                                                       "replace")
    assert not [pid for pid in theirs if pid in text]
    _header, links = _table(parts, "aid.pledgelink")
    assert len(links) == 1 and str(other_org.public_id) in json.dumps(links)

    files = {name.removeprefix("files/"): data for name, data in parts.items() if name.startswith("files/")}
    assert sorted(files.values()) == sorted(office_files(org).values()) and len(files) >= 5
    assert manifest["files"] == len(files) and manifest["missing_files"] == []

    # secrets and passwords stay home
    assert "key_hash" not in _table(parts, "core.apitoken")[0]["fields"]
    assert "key_hash" not in _table(parts, "correspondence.calendarfeed")[0]["fields"]
    people_header, people = _table(parts, "auth.user")
    assert "password" not in people_header["fields"] and "is_superuser" not in people_header["fields"]
    assert "outsider" not in {p[people_header["fields"].index("username")] for p in people}
    assert b"hamdeli org import" in parts["README.txt"]
    cities = {row[0] for row in _table(parts, "places.city")[1]}
    assert org.city_id in cities and manifest["tables"]["places.city"]["kind"] == "shared"


# --- import ---------------------------------------------------------------------------------------

def test_export_then_import_into_an_empty_instance_gives_the_same_office(transactional_db, offices, org, other_org,
                                                                         officer, tmp_path, capsys):
    ours_rows, ours_files = office_rows(org), office_files(org)
    theirs_rows = office_rows(other_org)
    head = AuditChainHead.objects.get(org=org)
    officer.is_superuser = officer.is_staff = True  # rights that must not travel
    officer.save()
    ours, theirs = tmp_path / "ours.tar.gz", tmp_path / "theirs.tar.gz"
    assert cli.main(["org", "export", "isfahan", str(ours)]) == 0
    assert cli.main(["org", "export", "xian", str(theirs)]) == 0
    assert AuditEntry.objects.filter(org=org, action="organization.exported").count() == 1

    _empty_instance()
    User = get_user_model()
    for i in range(7):  # the people get other ids here than at home
        User.objects.create_user(f"someone-{i}")
    User.objects.create_user("owner", password="the-owner-here-9871")  # one of ours has an account here
    capsys.readouterr()
    assert cli.main(["org", "import", str(ours)]) == 0
    said = capsys.readouterr().out
    assert "org import: isfahan" in said and "had an account here already" in said and "owner" in said
    assert "1 link(s) to an office that is not on this instance were not recreated" in said

    org = Organization.objects.get(slug="isfahan")
    got = office_rows(org)
    imported = AuditEntry.objects.get(org=org, action="organization.imported")
    assert imported.seq == head.seq + 1 and imported.prev_hash == head.hash
    got["core.auditentry"] = [row for row in got["core.auditentry"] if '"organization.imported"' not in row]
    got.pop("core.auditchainhead"), ours_rows.pop("core.auditchainhead")
    assert got == ours_rows
    assert office_files(org) == ours_files
    assert AuditEntry.objects.filter(org=org, hashed_actor_id__isnull=False).exists()
    assert cli.main(["ledger", "verify"]) == 0 and cli.main(["audit", "verify"]) == 0

    # people: an existing account is left alone, new ones have no password and no rights
    assert User.objects.get(username="owner").check_password("the-owner-here-9871")
    made = User.objects.get(username="officer")
    assert not made.has_usable_password() and not made.is_superuser and not made.is_staff
    # secrets stayed home: every token and calendar link is revoked, with a hash nobody holds
    assert not ApiToken.objects.filter(membership__org=org, revoked_at__isnull=True).exists()
    assert not CalendarFeed.objects.filter(org=org, revoked_at__isnull=True).exists()
    assert ApiToken.objects.filter(membership__org=org).count() >= 2

    # the other office joins it on this instance, and the link between the two comes back
    assert cli.main(["org", "import", str(theirs)]) == 0
    other_org = Organization.objects.get(slug="xian")
    got = office_rows(other_org)
    got["core.auditentry"] = [row for row in got["core.auditentry"] if '"organization.imported"' not in row]
    got.pop("core.auditchainhead"), theirs_rows.pop("core.auditchainhead")
    assert got == theirs_rows
    link = PledgeLink.objects.get()
    assert (link.donor_pledge.org, link.recipient_org, link.recipient_pledge.org) == (org, other_org, other_org)
    assert audit.verify() == [] and verify_ledger() == []

    # an imported entry's actor cannot be swapped behind its hash
    entry = AuditEntry.objects.filter(org=org, hashed_actor_id__isnull=False).order_by("seq").first()
    triggers.run(connection, create=False)
    try:
        AuditEntry.objects.filter(pk=entry.pk).update(actor=User.objects.get(username="someone-3"))
    finally:
        triggers.run(connection, create=True)
    faults = audit.verify(org)
    assert faults and f"audit entry #{entry.pk}" in faults[0] and "not the person" in faults[0]


def _counts() -> dict:
    return {m._meta.label_lower: m._base_manager.count() for m in backup.models_to_copy()}


def _files() -> set:
    root = Path(settings.MEDIA_ROOT)
    return {p for p in root.rglob("*") if p.is_file()}


def test_an_import_that_clashes_writes_nothing(cities, org, officer, tmp_path, capsys):
    seed_office(org, officer, cities)
    path = tmp_path / "office.tar.gz"
    office_archive.export(org, path)
    before, files = _counts(), _files()
    assert cli.main(["org", "import", str(path)]) == 1
    said = capsys.readouterr().err
    assert "org import: refused" in said and "core.organization slug isfahan" in said
    assert _counts() == before and _files() == files

    Organization.objects.filter(pk=org.pk).update(slug="renamed")  # the short name is free, the records are not
    assert cli.main(["org", "import", str(path)]) == 1
    said = capsys.readouterr().err
    assert "core.organization public_id" in said and "is here already" in said
    assert _counts() == before and _files() == files


def test_an_import_refuses_what_is_not_a_sound_office_archive(org, tmp_path, capsys):
    path = tmp_path / "office.tar.gz"
    office_archive.export(org, path)
    damaged = tmp_path / "damaged.tar.gz"
    with tarfile.open(path) as source, tarfile.open(damaged, "w:gz") as target:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "data/core.organization.jsonl":
                data = data.replace(b"isfahan", b"isfahaN")
            member.size = len(data)
            target.addfile(member, io.BytesIO(data))
    assert cli.main(["org", "import", str(damaged)]) == 1
    assert "data/core.organization.jsonl: SHA-256 differs" in capsys.readouterr().err
    not_tar = tmp_path / "x.tar.gz"
    not_tar.write_bytes(b"hello")
    assert cli.main(["org", "import", str(not_tar)]) == 1
    assert "not a readable office archive" in capsys.readouterr().err
    assert cli.main(["org", "export", "nowhere", str(tmp_path / "n.tar.gz")]) == 2


def test_an_import_never_writes_outside_its_folders(org, tmp_path, capsys):
    """A crafted archive whose manifest vouches for a part named ../…: refused, nothing written anywhere."""
    import hashlib

    path, crafted = tmp_path / "office.tar.gz", tmp_path / "work" / "crafted.tar.gz"
    office_archive.export(org, path)
    crafted.parent.mkdir()
    evil = b"not yours"
    with tarfile.open(path) as source, tarfile.open(crafted, "w:gz") as target:
        manifest = json.load(source.extractfile("manifest.json"))
        manifest["parts"]["../escaped.txt"] = {"sha256": hashlib.sha256(evil).hexdigest(), "bytes": len(evil)}
        data = json.dumps(manifest).encode()
        info = tarfile.TarInfo("manifest.json")
        info.size = len(data)
        target.addfile(info, io.BytesIO(data))
        for member in source:
            if member.name != "manifest.json":
                target.addfile(member, source.extractfile(member))
        info = tarfile.TarInfo("../escaped.txt")
        info.size = len(evil)
        target.addfile(info, io.BytesIO(evil))
    before = _counts()
    assert cli.main(["org", "import", str(crafted)]) == 1
    assert "cannot be unpacked" in capsys.readouterr().err
    import tempfile

    assert not (Path(tempfile.gettempdir()) / "escaped.txt").exists()  # beside the folder it unpacks into
    assert _counts() == before


# --- the page ----------------------------------------------------------------------------------

def test_owners_download_the_archive_from_the_office_page_and_the_download_is_audited(cities, org, owner, officer,
                                                                                      viewer, tmp_path):
    seed_office(org, officer, cities)
    client = client_for(owner)
    page = client.get("/office/")
    # The page's button asks for it prepared in the background (tests/core/test_downloads.py); a GET answers at once.
    assert page.status_code == 200 and b'method="post" action="/office/export/"' in page.content
    response = client.get("/office/export/")
    assert response.status_code == 200 and response["Content-Type"] == "application/gzip"
    assert 'attachment; filename="hamdeli-office-isfahan-' in response["Content-Disposition"]
    path = tmp_path / "download.tar.gz"
    path.write_bytes(b"".join(response.streaming_content))
    assert int(response["Content-Length"]) == path.stat().st_size
    assert backup.verify(path, kind=office_archive.KIND) == []
    assert len(_table(_archive(path), "aid.movement")[1]) == len(office_rows(org)["aid.movement"])
    entry = AuditEntry.objects.filter(org=org, action="export.downloaded").latest("seq")
    assert entry.actor == owner and entry.object_type == "office_export"
    assert entry.after["file"].startswith("hamdeli-office-isfahan-")
    for someone in (officer, viewer):
        assert client_for(someone).get("/office/export/").status_code == 403
        assert client_for(someone).get("/office/").status_code == 403


# --- into the other database ---------------------------------------------------------------------

def test_an_office_imports_into_the_other_database(offices, org, tmp_path):
    """SQLite → PostgreSQL when the tests run on SQLite, PostgreSQL → SQLite when they run on PostgreSQL:
    the same rows by public id and the same files' bytes, and both chains verify there."""
    import os
    import subprocess
    import sys

    import psycopg

    path = tmp_path / "office.tar.gz"
    office_archive.export(org, path)
    media = tmp_path / "other-media"
    if connection.vendor == "sqlite":
        server = os.environ.get("HAMDELI_TEST_POSTGRES", "postgresql://postgres@127.0.0.1:5432")
        name = f"test_office_{os.getpid()}"
        with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
            admin.execute(f'CREATE DATABASE "{name}"')
        target = f"{server}/{name}"
    else:
        target = f"sqlite:///{tmp_path / 'other.sqlite3'}"
    env = {**os.environ, "HAMDELI_DATABASE_URL": target, "HAMDELI_MEDIA_ROOT": str(media),
           "PYTHONPATH": str(Path(__file__).parents[2])}

    def run(*args):
        done = subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr
        return done.stdout

    try:
        run("-m", "hamdeli.cli", "migrate")
        assert "org import: isfahan" in run("-m", "hamdeli.cli", "org", "import", str(path))
        assert "ledger verify: OK" in run("-m", "hamdeli.cli", "ledger", "verify")
        assert "audit verify: OK" in run("-m", "hamdeli.cli", "audit", "verify")
        there = json.loads(run(str(Path(__file__).with_name("office_reader.py")), "isfahan"))
        here = office_rows(org)
        there["core.auditentry"] = [r for r in there["core.auditentry"] if '"organization.imported"' not in r]
        there.pop("core.auditchainhead"), here.pop("core.auditchainhead")
        assert there == here
        assert there_files(media) == sorted(office_files(org).values())
    finally:
        if target.startswith("postgresql"):
            with psycopg.connect(f"{server}/postgres", autocommit=True) as admin:
                admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def there_files(media: Path) -> list[bytes]:
    return sorted(p.read_bytes() for p in media.rglob("*") if p.is_file())
