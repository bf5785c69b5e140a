"""`hamdeli campaigns …`: a plain-text report for the office, e.g. to paste into a weekly note."""


def _report(args) -> int:
    from hamdeli.campaigns import selectors
    from hamdeli.core import selectors as core
    from hamdeli.core.localized import localized_str

    org = core.office(args.org)
    if org is None:
        print(f"No organization with the short name {args.org!r}.")
        return 2
    print("Awareness campaigns:")
    for c in selectors.campaigns(org=org):
        print(f"  {c.starts_on} – {c.ends_on}  {c.status:<9} {c.n_sets:>3} design sets  {localized_str(c.name, 'en')}")
    print("Totals per format (design sets / placements / units / reach):")
    for t in selectors.format_totals(org=org):
        print(f"  {t.format:<13} {t.design_sets:>4} {t.placements:>4} {t.units:>8} {t.reach:>10}")
    print("Advocacy (endorsements, rejected ones not counted):")
    for a in selectors.advocacy_campaigns(org=org):
        print(f"  {a.n_endorsements:>4}  {localized_str(a.title, 'en')}")
    print("Recognition copies still to hand over:")
    for copy in selectors.pending_handovers(org=org):
        print(f"  {localized_str(copy.item.title, 'en')} → {localized_str(copy.recipient.name, 'en')}"
              f" ({'original' if copy.is_original else f'copy {copy.number}'})")
    return 0


def register(sub) -> None:
    campaigns = sub.add_parser("campaigns", help="awareness, advocacy and recognition").add_subparsers(
        dest="campaigns_command", required=True)
    p = campaigns.add_parser("report", help="print campaigns, totals per format, endorsements, pending handovers")
    p.add_argument("--org", default="isfahan", help="the organization's short name")
    p.set_defaults(handler=_report)
