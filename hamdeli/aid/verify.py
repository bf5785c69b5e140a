"""Recompute every balance from the movements and check the ledger's invariants."""

from collections import defaultdict

from django.db.models import Sum

from hamdeli.aid.models import Balance, Location, Movement


def verify(org=None) -> list[str]:
    """Return the faults found (empty when the ledger is sound)."""
    movements = Movement.objects.all() if org is None else Movement.objects.filter(org=org)
    balances = Balance.objects.all() if org is None else Balance.objects.filter(org=org)
    computed: dict[tuple, int] = defaultdict(int)
    for row in movements.values("from_location", "item", "lot").annotate(q=Sum("quantity")):
        computed[(row["from_location"], row["item"], row["lot"])] -= row["q"]
    for into in movements.values("to_location", "item", "lot").annotate(q=Sum("quantity")):
        computed[(into["to_location"], into["item"], into["lot"])] += into["q"]
    stored = {(b.location_id, b.item_id, b.lot_id): b.quantity for b in balances}
    virtual = {pk: kind != "real" for pk, kind in Location.objects.values_list("pk", "kind")}
    faults = []
    for key in sorted(set(computed) | set(stored)):
        want, have = computed.get(key, 0), stored.get(key, 0)
        if want != have:
            faults.append(
                f"balance mismatch at location {key[0]}, item {key[1]}, lot {key[2]}: "
                f"movements give {want}, balance table says {have}"
            )
        if want < 0 and not virtual.get(key[0], False):
            faults.append(f"negative stock at real location {key[0]}, item {key[1]}, lot {key[2]}: {want}")
    per_item: dict[int, int] = defaultdict(int)
    for (_location, item, _lot), qty in computed.items():
        per_item[item] += qty
    faults += [
        f"item {item} is not conserved: its quantities over all locations sum to {total}, not 0"
        for item, total in sorted(per_item.items())
        if total != 0
    ]
    return faults
