"""Posting movements: the only code that writes to aid_movement and aid_balance.

`post` runs inside the caller's transaction and changes every balance row it touches with one
upsert (INSERT … ON CONFLICT … DO UPDATE) whose rows come in (location, item, lot) order: a missing
row is created and an existing one locked and updated in that one global order, so two postings can
never wait on each other in a cycle (on PostgreSQL; SQLite's BEGIN IMMEDIATE already holds the
database's write lock). The CHECK constraint refuses any real location going below zero: the refusal
surfaces as Conflict 409 "not enough stock". Locks taken before a posting follow one order too:
pledge → consignment counter → box → the movements being reversed → balance rows
(docs/architecture.md, "The aid ledger").
"""

import contextlib
import contextvars
import datetime as dt
import operator
import uuid
from collections.abc import Collection, Iterator
from dataclasses import dataclass, field
from typing import Any, Literal, overload

from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from hamdeli.aid.models import Balance, Item, Location, Lot, Movement
from hamdeli.core.bidi import isolate
from hamdeli.core.digits import format_number
from hamdeli.core.errors import Conflict, ValidationFailed
from hamdeli.core.models import Organization
from hamdeli.core.types import Actor

MAX_QUANTITY = 1_000_000_000  # base units in one movement: far above any shipment, within the columns' range
BATCH = 2000  # keys per statement on SQLite: well under its limit on bound parameters

# Every key's balance row gets its delta in one upsert. The database checks the CHECK constraint on the
# row offered for insertion before it finds the conflict, so a row is offered as virtual when its delta
# is negative: an existing row keeps its own flag and the CHECK judges the updated quantity; a row that
# is really new with a negative delta at a real location comes back from RETURNING and is refused.
_UPSERT = ("INSERT INTO aid_balance (org_id, location_id, item_id, lot_id, virtual, quantity) {rows} "
           "ON CONFLICT (location_id, item_id, lot_id) "
           "DO UPDATE SET quantity = aid_balance.quantity + excluded.quantity "
           "RETURNING location_id, item_id, lot_id, quantity")
# PostgreSQL: the whole posting in one statement, its keys passed as arrays and applied in key order,
# returning only the rows left below zero.
_PG = ("WITH up AS (" + _UPSERT.format(rows=(  # noqa: S608 - fixed text, values are bound parameters
    "SELECT %s, k.location, k.item, k.lot, k.virtual OR k.delta < 0, k.delta "
    "FROM unnest(%s::bigint[], %s::bigint[], %s::bigint[], %s::boolean[], %s::bigint[]) "
    "AS k(location, item, lot, virtual, delta) ORDER BY k.location, k.item, k.lot")) + ") "
    "SELECT location_id, item_id, lot_id, quantity FROM up WHERE quantity < 0")


Key = tuple[int, int, int]  # (location, item, lot) ids: one balance row


def _apply(org: Organization, keys: list[Key], deltas: dict[Key, int], virtual: dict[Key, bool]) -> Key | None:
    """Add each key's delta to its balance row (created when missing), in key order; returns the
    first real key left below zero, if any (the caller's savepoint then undoes the statement)."""
    negative: list[tuple[int, int, int, int]] = []
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            columns = list(zip(*keys, strict=True))
            cursor.execute(_PG, [org.pk, *map(list, columns), [virtual[k] for k in keys], [deltas[k] for k in keys]])
            negative = cursor.fetchall()
        else:
            for start in range(0, len(keys), BATCH):
                chunk = keys[start:start + BATCH]
                values = "VALUES " + ", ".join(["(%s, %s, %s, %s, %s, %s)"] * len(chunk))
                cursor.execute(_UPSERT.format(rows=values), [
                    v for k in chunk for v in (org.pk, *k, virtual[k] or deltas[k] < 0, deltas[k])])
                negative += [row for row in cursor.fetchall() if row[3] < 0]
    return min((row[:3] for row in negative if not virtual[row[:3]]), default=None)


# A signature's time may run this far ahead of the server's clock (a phone's clock), no further.
SIGNED_AHEAD = dt.timedelta(minutes=10)


def _short_of(keys: list[Key], deltas: dict[Key, int], virtual: dict[Key, bool]) -> tuple[Key, int]:
    """The first real balance row the posting would drive below zero (read after the refusal), and how
    much it holds."""
    have: dict[Key, int] = {}
    for start in range(0, len(keys), BATCH):
        chunk = keys[start:start + BATCH]
        rows = Balance.objects.filter(lot_id__in={k[2] for k in chunk}, location_id__in={k[0] for k in chunk})
        have.update({(b.location_id, b.item_id, b.lot_id): b.quantity for b in rows})
    short = next((k for k in keys if not virtual[k] and have.get(k, 0) + deltas[k] < 0), keys[0])
    return short, have.get(short, 0)


# A movement's `at` is when it happened. Live work happens now; records of the past entered later
# (paper registers of spring 2020, the demo) are posted inside `happened_at(...)`.
_happened_at: contextvars.ContextVar[dt.datetime | None] = contextvars.ContextVar("happened_at", default=None)


@contextlib.contextmanager
def happened_at(moment: dt.datetime) -> Iterator[None]:
    """Post the movements made inside this block as having happened at `moment` (backfilling)."""
    token = _happened_at.set(moment)
    try:
        yield
    finally:
        _happened_at.reset(token)


@dataclass(frozen=True)
class Entry:
    item: Item
    lot: Lot
    from_location: Location
    to_location: Location
    quantity: int
    # This entry's own reason and provenance, over the posting's (one receipt posts received, short
    # and damaged lines together; a cancellation reverses many movements at once).
    reason: str | None = None
    provenance: dict[str, Any] | None = field(default=None, compare=False)


@overload
def post(*, org: Organization, actor: Actor, entries: list[Entry], reason: str, returning: Literal[True] = True,
         **provenance: Any) -> list[Movement]: ...
@overload
def post(*, org: Organization, actor: Actor, entries: list[Entry], reason: str, returning: Literal[False],
         **provenance: Any) -> int: ...
def post(*, org: Organization, actor: Actor, entries: list[Entry], reason: str, returning: bool = True,
         **provenance: Any) -> list[Movement] | int:
    """Append movements and update balances; all or nothing (the caller's transaction).

    Returns the new movements, or only their count with returning=False (bulk posting).
    """
    if not connection.in_atomic_block:
        raise RuntimeError("ledger.post must run inside a transaction")
    if not entries:
        return [] if returning else 0
    signed_at = provenance.get("signed_at")
    if isinstance(signed_at, dt.datetime) and timezone.is_naive(signed_at):
        signed_at = provenance["signed_at"] = timezone.make_aware(signed_at)
    if signed_at is not None and signed_at > timezone.now() + SIGNED_AHEAD:
        raise ValidationFailed(_("A receipt cannot be signed in the future."),
                               fields={"signed_at": _("Enter a time that has passed.")})
    deltas: dict[tuple[int, int, int], int] = {}
    objects: dict[Key, tuple[Location, Item, Lot]] = {}
    for e in entries:
        if not isinstance(e.quantity, int) or not 0 < e.quantity <= MAX_QUANTITY:
            raise ValueError("a movement's quantity must be a positive whole number")
        for location, sign in ((e.from_location, -1), (e.to_location, 1)):
            key = (location.pk, e.item.pk, e.lot.pk)
            deltas[key] = deltas.get(key, 0) + sign * e.quantity
            objects[key] = (location, e.item, e.lot)
    keys = sorted(deltas)
    virtual = {k: objects[k][0].is_virtual for k in keys}
    try:
        with transaction.atomic():
            short = _apply(org, keys, deltas, virtual)
            if short:
                raise IntegrityError("a new balance row would start below zero")
    except IntegrityError:  # refused (the CHECK constraint, or above): name the first row that would go below zero
        key, on_hand = _short_of(keys, deltas, virtual)
        location, item, lot = objects[key]
        raise Conflict(
            _("Not enough stock of %(item)s (lot %(lot)s) at %(location)s: %(on_hand)s on hand, %(asked)s asked.")
            % {"item": isolate(str(item)), "lot": isolate(str(lot)), "location": isolate(str(location)),
               "on_hand": format_number(on_hand), "asked": format_number(max(-deltas[key], 0))},
            code="not_enough_stock", fields={"quantity": _("Not enough stock.")},
        ) from None
    operation = uuid.uuid4()
    _insert_movements(org, actor, entries, reason, operation, provenance)
    if not returning:
        return len(entries)
    return list(Movement.objects.filter(operation=operation).order_by("pk"))


# aid_movement's columns but its key, read from the model (in its order): the INSERT below names them all.
_FIELDS = [f for f in Movement._meta.concrete_fields if not f.primary_key]
MOVEMENT_COLUMNS = [f.column for f in _FIELDS if f.column]  # a concrete field always has its column
_ROW = operator.itemgetter(*(f.attname for f in _FIELDS))
# What a posting may say of where its units came from and went: the movement's optional fields (a
# relation by its name) but the actor, who is the one posting.
PROVENANCE = {f.name for f in _FIELDS if f.blank} - {"actor"}


def _provenance_values(reason: str, provenance: dict[str, Any]) -> dict[str, Any]:
    """The reason and provenance of a movement as its columns' values (a missing text is empty)."""
    values: dict[str, Any] = {"reason": reason}
    for f in _FIELDS:
        if f.name not in PROVENANCE:
            continue
        given = provenance.get(f.name)
        if f.is_relation:
            values[f.attname] = given.pk if given is not None else None
        elif f.null:
            values[f.attname] = None if given in (None, "") else f.get_db_prep_value(given, connection,
                                                                                    prepared=False)
        else:
            values[f.attname] = given or ""
    return values


def _insert_movements(org: Organization, actor: Actor, entries: list[Entry], reason: str, operation: uuid.UUID,
                      provenance: dict[str, Any]) -> None:
    """Append the movements with one executemany (the ORM's per-object cost dominates bulk posting)."""
    for given in [provenance, *(e.provenance for e in entries if e.provenance)]:
        unknown = set(given) - PROVENANCE
        if unknown:
            raise TypeError(f"unknown provenance: {sorted(unknown)}")
    fields = {f.attname: f for f in _FIELDS}
    shared = {"org_id": org.pk,
              "operation": fields["operation"].get_db_prep_value(operation, connection, prepared=False),
              "at": fields["at"].get_db_prep_value(_happened_at.get() or timezone.now(), connection, prepared=False),
              "actor_id": actor.pk if actor is not None and actor.is_authenticated else None}
    common = _provenance_values(reason, provenance)
    uuid_prep = fields["public_id"]
    rows = [_ROW({**shared, "public_id": uuid_prep.get_db_prep_value(uuid.uuid4(), connection),
                  "item_id": e.item.pk, "lot_id": e.lot.pk, "from_location_id": e.from_location.pk,
                  "to_location_id": e.to_location.pk, "quantity": e.quantity,
                  **(_provenance_values(e.reason or reason, {**provenance, **(e.provenance or {})})
                     if e.reason or e.provenance else common)})
            for e in entries]
    sql = (f"INSERT INTO aid_movement ({', '.join(MOVEMENT_COLUMNS)}) "  # noqa: S608 - the model's column names
           f"VALUES ({', '.join(['%s'] * len(MOVEMENT_COLUMNS))})")
    with connection.cursor() as cursor:
        for start in range(0, len(rows), BATCH):
            cursor.executemany(sql, rows[start:start + BATCH])


def reverse(*, org: Organization, actor: Actor, movements: Collection[Movement], note: str = "") -> list[Movement]:
    """Post the opposite of each movement not yet reversed (a correction never edits the original),
    all in one posting. The originals are locked first (in id order): a concurrent reversal of the
    same movement waits here, then sees this one and leaves it alone."""
    from hamdeli.aid.models import Reason

    wanted = {m.pk: m for m in movements if m.reason != Reason.REVERSAL}
    if not wanted:
        return []
    list(Movement.objects.select_for_update().filter(pk__in=wanted).order_by("pk").values_list("pk", flat=True))
    done = set(Movement.objects.filter(reverses_id__in=wanted).values_list("reverses_id", flat=True))
    entries = [
        Entry(m.item, m.lot, m.to_location, m.from_location, m.quantity, provenance={
            "reverses": m, "pledge": m.pledge, "donor": m.donor, "consignment": m.consignment, "box": m.box})
        for pk, m in wanted.items() if pk not in done
    ]
    return post(org=org, actor=actor, reason=Reason.REVERSAL, note=note, entries=entries)
