"""Posting movements: the only code that writes to aid_movement and aid_balance.

`post` runs inside the caller's transaction. It locks the affected balance rows in a fixed
(location, item, lot) order (SELECT … FOR UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds
the database's write lock), applies the changes, and lets the CHECK constraint refuse any real
location going below zero: the refusal surfaces as Conflict 409 "not enough stock".
"""

import contextlib
import contextvars
import datetime as dt
import uuid
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamdeli.aid.models import Movement
from hamdeli.core.errors import Conflict

MAX_QUANTITY = 1_000_000_000  # base units in one movement: far above any shipment, within the columns' range
BATCH = 2000  # keys per statement: well under SQLite's limit on bound parameters


def _lock(keys: list[tuple[int, int, int]]) -> dict[tuple[int, int, int], tuple[int, int]]:
    """Lock the balance rows of `keys` in (location, item, lot) order; return key -> (id, quantity)."""
    suffix = " FOR UPDATE" if connection.vendor == "postgresql" else ""
    found = {}
    with connection.cursor() as cursor:
        for start in range(0, len(keys), BATCH):
            chunk = keys[start:start + BATCH]
            rows = ", ".join(["(%s, %s, %s)"] * len(chunk))
            sql = ("SELECT id, location_id, item_id, lot_id, quantity FROM aid_balance "  # noqa: S608 - only
                   f"WHERE (location_id, item_id, lot_id) IN (VALUES {rows}) "  # placeholders are formatted in
                   f"ORDER BY location_id, item_id, lot_id{suffix}")
            cursor.execute(sql, [value for key in chunk for value in key])
            for pk, location, item, lot, quantity in cursor.fetchall():
                found[(location, item, lot)] = (pk, quantity)
    return found


# A movement's `at` is when it happened. Live work happens now; records of the past entered later
# (paper registers of spring 2020, the demo) are posted inside `happened_at(...)`.
_happened_at: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("happened_at", default=None)


@contextlib.contextmanager
def happened_at(moment: dt.datetime):
    """Post the movements made inside this block as having happened at `moment` (backfilling)."""
    token = _happened_at.set(moment)
    try:
        yield
    finally:
        _happened_at.reset(token)


@dataclass(frozen=True)
class Entry:
    item: object
    lot: object
    from_location: object
    to_location: object
    quantity: int


def post(*, org, actor, entries: list[Entry], reason: str, returning: bool = True, **provenance):
    """Append movements and update balances; all or nothing (the caller's transaction).

    Returns the new movements, or only their count with returning=False (bulk posting).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("ledger.post must run inside a transaction")
    if not entries:
        return [] if returning else 0
    deltas: dict[tuple[int, int, int], int] = {}
    objects = {}
    for e in entries:
        if not isinstance(e.quantity, int) or not 0 < e.quantity <= MAX_QUANTITY:
            raise ValueError("a movement's quantity must be a positive whole number")
        for location, sign in ((e.from_location, -1), (e.to_location, 1)):
            key = (location.pk, e.item.pk, e.lot.pk)
            deltas[key] = deltas.get(key, 0) + sign * e.quantity
            objects[key] = (location, e.item, e.lot)
    keys = sorted(deltas)
    current = _lock(keys)
    missing = [k for k in keys if k not in current]
    if missing:
        with connection.cursor() as cursor:
            cursor.executemany(
                "INSERT INTO aid_balance (org_id, location_id, item_id, lot_id, virtual, quantity) "
                "VALUES (%s, %s, %s, %s, %s, 0) ON CONFLICT (location_id, item_id, lot_id) DO NOTHING",
                [(org.pk, *k, objects[k][0].is_virtual) for k in missing])
        current.update(_lock(missing))
    changes = [(deltas[k], current[k][0]) for k in keys if deltas[k]]
    try:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.executemany("UPDATE aid_balance SET quantity = quantity + %s WHERE id = %s", changes)
    except IntegrityError:  # the CHECK constraint refused: name the first row that would go below zero
        short = next((k for k in keys if not objects[k][0].is_virtual and current[k][1] + deltas[k] < 0), keys[0])
        location, item, lot = objects[short]
        raise Conflict(
            _("Not enough stock of %(item)s (lot %(lot)s) at %(location)s.")
            % {"item": item, "lot": lot, "location": location},
            code="not_enough_stock", fields={"quantity": _("Not enough stock.")},
        ) from None
    operation = uuid.uuid4()
    _insert_movements(org, actor, entries, reason, operation, provenance)
    if not returning:
        return len(entries)
    return list(Movement.objects.filter(operation=operation).order_by("pk"))


MOVEMENT_COLUMNS = ["org_id", "public_id", "operation", "at", "item_id", "lot_id", "from_location_id",
                    "to_location_id", "quantity", "reason", "pledge_id", "donor_id", "consignment_id", "box_id",
                    "recipient_id", "recipient_group", "people_count", "signed_by", "signed_at", "note", "actor_id",
                    "reverses_id"]
PROVENANCE = {"pledge", "donor", "consignment", "box", "recipient", "reverses", "recipient_group", "people_count",
              "signed_by", "signed_at", "note"}


def _insert_movements(org, actor, entries, reason, operation, provenance) -> None:
    """Append the movements with one executemany (the ORM's per-object cost dominates bulk posting)."""
    unknown = set(provenance) - PROVENANCE
    if unknown:
        raise TypeError(f"unknown provenance: {sorted(unknown)}")
    fields = {f.attname: f for f in Movement._meta.concrete_fields}

    def prep(name, value):
        return fields[name].get_db_prep_value(value, connection, prepared=False)

    def ref(name):
        obj = provenance.get(name)
        return obj.pk if obj is not None else None

    signed_at = provenance.get("signed_at")
    shared = (prep("operation", operation), prep("at", _happened_at.get() or timezone.now()))
    tail = (reason, ref("pledge"), ref("donor"), ref("consignment"), ref("box"), ref("recipient"),
            provenance.get("recipient_group") or "", provenance.get("people_count"), provenance.get("signed_by") or "",
            prep("signed_at", signed_at) if signed_at else None, provenance.get("note") or "",
            actor.pk if getattr(actor, "is_authenticated", False) else None, ref("reverses"))
    uuid_prep = fields["public_id"]
    rows = [(org.pk, uuid_prep.get_db_prep_value(uuid.uuid4(), connection), *shared, e.item.pk, e.lot.pk,
             e.from_location.pk, e.to_location.pk, e.quantity, *tail) for e in entries]
    sql = (f"INSERT INTO aid_movement ({', '.join(MOVEMENT_COLUMNS)}) "  # noqa: S608 - fixed column names
           f"VALUES ({', '.join(['%s'] * len(MOVEMENT_COLUMNS))})")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])


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
