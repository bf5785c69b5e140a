"""`hamdeli partners import FILE` (preview, then --record) and `hamdeli partners export`."""

from pathlib import Path


def _org(slug: str):
    from hamdeli.core import selectors as core

    org = core.office(slug)
    if org is None:
        print(f"No organization with the short name {slug!r}.")
    return org


def _import(args) -> int:
    from hamdeli.core.errors import ServiceError
    from hamdeli.partners import imports, services, tables

    org = _org(args.org)
    if org is None:
        return 2
    path = Path(args.file)
    try:
        batch = services.start_import(org=org, actor=None, filename=path.name, content=path.read_bytes(),
                                      default_kind=args.kind, default_state=args.state)
        result = imports.preview_of(batch)
    except (OSError, ServiceError) as exc:
        print(f"Not imported: {exc}")
        return 2
    print(f"{path.name}: {len(result.ready)} ready to record, {len(result.existing)} already recorded, "
          f"{len(result.ambiguous)} ambiguous, {len(result.unresolved)} unresolved, {len(result.skipped)} skipped")
    for row in result.ready:
        print(f"  + line {row.line}: {row.city.name_en} ({row.city.country_id}, GeoNames {row.city.geonameid}) "
              f"{row.state}, signed {row.signed_on or 'date unknown'}")
    for problem in result.to_fix:
        print(f"  ! line {problem.line}: {problem.message}")
        for city in problem.candidates:
            print(f"      candidate {city.geonameid} {city.name_en} ({city.admin1_code}, {city.population})")
    if args.unresolved and result.to_fix:
        columns, rows = imports.unresolved_rows(result)
        Path(args.unresolved).write_bytes(tables.write_rows(columns, rows, batch.file_format))
        print(f"rows to fix written to {args.unresolved}")
    if not args.record:
        print("Nothing recorded (a preview); run again with --record to record the ready rows.")
        return 0
    try:
        count = services.apply_import(org=org, actor=None, batch=batch)
    except ServiceError as exc:
        print(f"Nothing recorded: {exc}")
        return 2
    print(f"{count} agreement(s) recorded")
    return 0


def _export(args) -> int:
    from hamdeli.partners import imports, selectors, tables

    org = _org(args.org)
    if org is None:
        return 2
    fmt = Path(args.output).suffix.lstrip(".").lower()
    if fmt not in tables.FORMATS:
        print("The output file must end in .csv or .xlsx.")
        return 2
    rows = imports.export_rows(selectors.partnerships_for_export(org=org))
    Path(args.output).write_bytes(tables.write_rows(imports.export_columns(rows), rows, fmt))
    print(f"{len(rows)} partnership(s) written to {args.output}")
    return 0


def register(sub) -> None:
    commands = sub.add_parser("partners", help="partner cities and agreements").add_subparsers(
        dest="partners_command", required=True)
    p = commands.add_parser("import", help="import partners and agreements from a CSV or XLSX file (a preview "
                                           "unless --record)")
    p.add_argument("file")
    p.add_argument("--org", default="isfahan", help="the organization's short name (default: isfahan)")
    # (Django is not set up while the parser is built, so the models' choices are checked by the service.)
    p.add_argument("--kind", default="sister_city", help="kind for rows that give none (default: sister_city)")
    p.add_argument("--state", default="active", help="state for rows that give none (default: active)")
    p.add_argument("--record", action="store_true", help="record the ready rows (one transaction)")
    p.add_argument("--unresolved", metavar="FILE", help="write the rows to fix, with the reasons, to FILE")
    p.set_defaults(handler=_import)
    p = commands.add_parser("export", help="export the partners in the import's columns")
    p.add_argument("output", help="a .csv or .xlsx file")
    p.add_argument("--org", default="isfahan")
    p.set_defaults(handler=_export)
