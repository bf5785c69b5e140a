"""`hamdeli ledger verify`: recompute the aid ledger and check every invariant."""

import sys

from hamdeli.core.tenancy import across_offices


@across_offices("every office's ledger is recomputed")
def _verify(args) -> int:
    from hamdeli.aid.models import Movement
    from hamdeli.aid.verify import verify

    faults = verify()
    if faults:
        for fault in faults:
            print(f"FAULT: {fault}", file=sys.stderr)
        print(f"ledger verify: {len(faults)} fault(s)", file=sys.stderr)
        return 1
    print(f"ledger verify: OK ({Movement.objects.count()} movements, every balance recomputed, conserved)")
    return 0


def register(sub) -> None:
    ledger = sub.add_parser("ledger", help="the aid ledger").add_subparsers(dest="ledger_command", required=True)
    p = ledger.add_parser("verify", help="recompute balances from movements and check every invariant")
    p.set_defaults(handler=_verify)
