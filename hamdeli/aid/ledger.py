"""Posting movements: the only code that writes to aid_movement and aid_balance.

`post` runs inside the caller's transaction. It locks the affected balance rows in a fixed
(location, item, lot) order (SELECT … FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds
the database's write lock), applies the changes, and lets the CHECK constraint refuse any real
location going below zero: the refusal surfaces as Conflict 409 "not enough stock".
"""

import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from hamdeli.aid.models import Balance, Movement
from hamdeli.core.errors import Conflict


@dataclass(frozen=True)
class Entry:
    item: object
    lot: object
    from_location: object
    to_location: object
    quantity: int


def post(*, org, actor, entries: list[Entry], reason: str, **provenance) -> list[Movement]:
    """Append movements and update balances; all or nothing (the caller's transaction)."""
    if not connection.in_atomic_block:
        raise RuntimeError("ledger.post must run inside a transaction")
    if not entries:
        return []
    deltas: dict[tuple[int, int, int], int] = {}
    objects = {}
    for e in entries:
        if not isinstance(e.quantity, int) or e.quantity <= 0:
            raise ValueError("a movement's quantity must be a positive whole number")
        for location, sign in ((e.from_location, -1), (e.to_location, 1)):
            key = (location.pk, e.item.pk, e.lot.pk)
            deltas[key] = deltas.get(key, 0) + sign * e.quantity
            objects[key] = (location, e.item, e.lot)
    keys = sorted(deltas)
    Balance.objects.bulk_create(
        [
            Balance(
                org=org,
                location=objects[k][0],
                item=objects[k][1],
                lot=objects[k][2],
                virtual=objects[k][0].is_virtual,
                quantity=0,
            )
            for k in keys
        ],
        ignore_conflicts=True,
    )
    if connection.vendor == "postgresql":
        locked = (
            Balance.objects.select_for_update()
            .filter(
                location_id__in={k[0] for k in keys},
                item_id__in={k[1] for k in keys},
                lot_id__in={k[2] for k in keys},
            )
            .order_by("location_id", "item_id", "lot_id")
        )
        list(locked.values_list("pk", flat=True))
    for key in keys:
        delta = deltas[key]
        if delta == 0:
            continue
        try:
            with transaction.atomic():
                Balance.objects.filter(location_id=key[0], item_id=key[1], lot_id=key[2]).update(
                    quantity=F("quantity") + delta
                )
        except IntegrityError:
            location, item, lot = objects[key]
            raise Conflict(
                _("Not enough stock of %(item)s (lot %(lot)s) at %(location)s.")
                % {"item": item, "lot": lot, "location": location},
                code="not_enough_stock",
                fields={"quantity": _("Not enough stock.")},
            ) from None
    operation = uuid.uuid4()
    now = timezone.now()
    rows = [
        Movement(
            org=org,
            operation=operation,
            at=now,
            item=e.item,
            lot=e.lot,
            from_location=e.from_location,
            to_location=e.to_location,
            quantity=e.quantity,
            reason=reason,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
            **provenance,
        )
        for e in entries
    ]
    return Movement.objects.bulk_create(rows)


def reverse(*, org, actor, movements, note: str = "") -> list[Movement]:
    """Post the opposite of each movement not yet reversed (a correction never edits the original)."""
    from hamdeli.aid.models import Reason

    made = []
    for m in movements:
        if m.reason == Reason.REVERSAL or Movement.objects.filter(reverses=m).exists():
            continue
        made += post(
            org=org,
            actor=actor,
            reason=Reason.REVERSAL,
            reverses=m,
            pledge=m.pledge,
            donor=m.donor,
            consignment=m.consignment,
            box=m.box,
            note=note,
            entries=[Entry(m.item, m.lot, m.to_location, m.from_location, m.quantity)],
        )
    return made
