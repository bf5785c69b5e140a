"""`hamdeli audit verify`: recompute every organization's audit hash chain."""

import argparse
import sys
from collections.abc import Callable
from typing import Any

from hamdeli.core import tenancy
from hamdeli.core.tenancy import across_offices

# The city a command names (a GeoNames id or an English name): places registers its lookup here
# (PlacesConfig.ready), as core stays below the apps that hold cities.
find_city: Callable[[str], Any] | None = None


@across_offices("the audit chain of every office is recomputed")
def _verify(args: argparse.Namespace) -> int:
    from hamdeli.core import audit
    from hamdeli.core.models import AuditEntry

    faults = audit.verify()
    if faults:
        for fault in faults:
            print(f"FAULT: {fault}", file=sys.stderr)
        print(f"audit verify: {len(faults)} broken chain(s)", file=sys.stderr)
        return 1
    print(f"audit verify: OK ({AuditEntry.objects.count()} entries, every organization's chain recomputed)")
    return 0


def register(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    group = sub.add_parser("audit", help="the audit log").add_subparsers(dest="audit_command", required=True)
    p = group.add_parser("verify", help="recompute each organization's hash chain; non-zero exit naming the first "
                                        "broken entry")
    p.set_defaults(handler=_verify)
    register_backup(sub)
    register_org(sub)


@across_offices("a backup holds every office")
def _backup(args: argparse.Namespace) -> int:
    from hamdeli.core import backup

    if args.verify:
        faults = backup.verify(args.path)
        for fault in faults:
            print(f"FAULT: {fault}", file=sys.stderr)
        if faults:
            print(f"backup verify: {len(faults)} fault(s) in {args.path}", file=sys.stderr)
            return 1
        print(f"backup verify: OK ({args.path})")
        return 0
    manifest = backup.backup(args.path)
    rows = sum(table["rows"] for table in manifest["tables"].values())
    print(f"backup: {args.path} ({rows} rows in {len(manifest['tables'])} tables, {manifest['files']} files)")
    return 0


@across_offices("a restore brings back every office")
def _restore(args: argparse.Namespace) -> int:
    from hamdeli.core import backup

    try:
        manifest = backup.restore(args.path)
    except backup.BackupError as exc:
        print(f"restore: refused: {exc}", file=sys.stderr)
        return 1
    rows = sum(table["rows"] for table in manifest["tables"].values())
    print(f"restore: OK ({rows} rows, {manifest['files']} files from {manifest['created_at']}); "
          "now run `hamdeli ledger verify` and `hamdeli audit verify`")
    return 0


def register_backup(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    from pathlib import Path

    p = sub.add_parser("backup", help="write one archive of the database and every stored file (or --verify one)")
    p.add_argument("path", type=Path)
    p.add_argument("--verify", action="store_true", help="check an existing archive against its manifest")
    p.set_defaults(handler=_backup)
    p = sub.add_parser("restore", help="restore an archive into an empty, freshly migrated instance")
    p.add_argument("path", type=Path)
    p.set_defaults(handler=_restore)


@across_offices("a new office: none is in scope before it exists")
def _org_create(args: argparse.Namespace) -> int:
    from django.contrib.auth import get_user_model
    from django.core.validators import validate_email
    from django.db import transaction
    from django.utils.text import slugify

    from hamdeli.core import services
    from hamdeli.core.models import Organization

    slug = args.slug or slugify(args.name)
    problems = []
    if not slug:
        problems.append("give --slug: the name makes no short name of latin letters")
    elif Organization.objects.filter(slug=slug).exists():
        problems.append(f"an organization with the short name {slug!r} exists already")
    try:
        validate_email(args.owner)
    except Exception:
        problems.append(f"{args.owner!r} is not an email address")
    city = find_city(args.city) if find_city is not None else None
    if city is None:
        problems.append(f"no city {args.city!r}: give its GeoNames id, or import cities first (hamdeli cities import)")
    if problems:
        for problem in problems:
            print(f"org create: {problem}", file=sys.stderr)
        return 2
    with transaction.atomic():
        org = services.ensure_organization(slug=slug, name={args.language: args.name}, city=city)
        existing = get_user_model().objects.filter(email__iexact=args.owner).order_by("pk").first()
        username = existing.username if existing else args.owner.lower()
        services.ensure_member(org=org, username=username, role="owner", email=args.owner.lower())
    print(f"org create: {slug} ({args.name}, {city.name_en if city else ''}) with owner {username}")
    if existing is None:
        print(f"  set the owner's password: hamdeli manage changepassword {username}")
    return 0


def _org_export(args: argparse.Namespace) -> int:
    from django.db import transaction

    from hamdeli.core import audit, office_archive
    from hamdeli.core.models import Organization

    org = Organization.objects.filter(slug=args.slug).first()
    if org is None:
        print(f"org export: no organization with the short name {args.slug!r}", file=sys.stderr)
        return 2
    try:
        with tenancy.in_scope_of(org):  # the office named on the command line
            manifest = office_archive.export(org, args.path)
    except office_archive.ArchiveError as exc:
        print(f"org export: refused: {exc}", file=sys.stderr)
        return 1
    rows = sum(table["rows"] for table in manifest["tables"].values())
    with transaction.atomic():  # a page's download is recorded by DownloadAuditMiddleware; a command's here
        audit.record(org=org, actor=None, action="organization.exported", obj=org,
                     after={"file": args.path.name, "rows": rows, "files": manifest["files"]})
    print(f"org export: {args.path} ({rows} rows in {len(manifest['tables'])} tables, {manifest['files']} files)")
    for name in manifest["missing_files"]:
        print(f"  missing, so not in the archive: {name}", file=sys.stderr)
    return 0


@across_offices("an office recreated from its archive: none is in scope before it exists")
def _org_import(args: argparse.Namespace) -> int:
    from hamdeli.core import office_archive

    try:
        report = office_archive.import_archive(args.path)
    except office_archive.ArchiveError as exc:
        print(f"org import: refused: {exc}", file=sys.stderr)
        return 1
    print(f"org import: {report.org.slug if report.org else ''} ({report.rows} rows, {report.files} files)")
    if report.people_created:
        print(f"  people created without a password ({len(report.people_created)}): "
              f"{', '.join(report.people_created)}; each sets one by a password reset, or: "
              "hamdeli manage changepassword USER")
    if report.people_matched:
        print(f"  people who had an account here already, kept as they were ({len(report.people_matched)}): "
              f"{', '.join(report.people_matched)}; check that each is the same person")
    if report.secrets_revoked:
        print(f"  {report.secrets_revoked} API token(s) and calendar link(s) came over revoked: their secrets "
              "stay home; make new ones")
    if report.links_skipped:
        print(f"  {len(report.links_skipped)} link(s) to an office that is not on this instance were not recreated")
    print("  now run: hamdeli ledger verify && hamdeli audit verify")
    return 0


def register_org(sub: "argparse._SubParsersAction[argparse.ArgumentParser]") -> None:
    from pathlib import Path

    group = sub.add_parser("org", help="organizations (offices)").add_subparsers(dest="org_command", required=True)
    p = group.add_parser("create", help="create an office with its first owner")
    p.add_argument("name", help="the office's name")
    p.add_argument("--owner", required=True, help="the owner's email; a new user when nobody has it")
    p.add_argument("--city", required=True, help="the office's city: GeoNames id or English name")
    p.add_argument("--slug", default="", help="short name (default: made from the name)")
    p.add_argument("--language", default="fa", choices=["fa", "en"], help="the language the name is written in")
    p.set_defaults(handler=_org_create)
    p = group.add_parser("export", help="write an office's whole record (its rows, files and people) to one archive")
    p.add_argument("slug", help="the office's short name")
    p.add_argument("path", type=Path, help="the archive to write (.tar.gz)")
    p.set_defaults(handler=_org_export)
    p = group.add_parser("import", help="recreate an office from its archive (made by org export on another instance)")
    p.add_argument("path", type=Path)
    p.set_defaults(handler=_org_import)
