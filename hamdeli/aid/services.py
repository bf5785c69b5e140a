"""Every write on aid: one transaction each, with its audit entry; stock moves only through ledger.post."""

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils import timezone
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from hamdeli.aid import access, ledger
from hamdeli.aid.ledger import Entry, post, reverse
from hamdeli.aid.models import (
    Balance,
    BaseUnit,
    Box,
    BoxLine,
    BoxState,
    Consignment,
    ConsignmentCounter,
    Direction,
    InstitutionAccess,
    Item,
    Location,
    LocationKind,
    Lot,
    Movement,
    Party,
    PartyKind,
    Pledge,
    PledgeLine,
    PledgeState,
    Reason,
)
from hamdeli.core import archiving, audit
from hamdeli.core.bidi import isolate
from hamdeli.core.digits import format_number
from hamdeli.core.errors import Conflict, ValidationFailed, require_fields
from hamdeli.core.models import Membership, Organization, Role
from hamdeli.core.records import get_or_404, locked
from hamdeli.core.types import Actor
from hamdeli.core.validation import choice, invalid, localized

if TYPE_CHECKING:
    from hamdeli.places.models import City

VIRTUAL_NAMES: dict[str, dict[str, str]] = {
    LocationKind.DONOR: {"fa": "اهداکنندگان", "en": "Donors", "zh": "捐赠方"},
    LocationKind.RESERVED: {
        "fa": "رزرو برای تعهد ارسالی",
        "en": "Reserved for outbound pledges",
        "zh": "为对外捐赠预留",
    },
    LocationKind.IN_TRANSIT: {"fa": "در راه", "en": "In transit", "zh": "运输中"},
    LocationKind.DISTRIBUTED: {
        "fa": "توزیع‌شده به دریافت‌کنندگان نهایی",
        "en": "Distributed to final recipients",
        "zh": "已分发给最终接收者",
    },
    LocationKind.LOST_DAMAGED: {"fa": "گمشده یا آسیب‌دیده", "en": "Lost or damaged", "zh": "丢失或损坏"},
    LocationKind.FOUND: {"fa": "مازاد یافت‌شده", "en": "Found (over-delivered)", "zh": "多收"},
}


def virtual(org: Organization, kind: str) -> Location:
    location, _created = Location.objects.get_or_create(org=org, kind=kind, defaults={"name": VIRTUAL_NAMES[kind]})
    return location


# --- catalogue, parties, locations -------------------------------------------------------------


@transaction.atomic
def create_item(
    *, org: Organization, actor: Actor, code: str, name: object, base_unit: str = BaseUnit.PIECE,
    pack_sizes: Iterable[Any] = (), unit_value: Any = None, currency: str = "",
) -> Item:
    require_fields(code=(code or "").strip())
    name = localized("name", name)
    choice("base_unit", base_unit, BaseUnit)
    if any(not isinstance(p, int) or p <= 0 for p in pack_sizes):
        raise invalid("pack_sizes", _("Enter positive whole numbers."))
    if (unit_value is None) != (not currency):
        raise ValidationFailed(
            _("Give the unit value together with its currency."),
            fields={"currency": _("Give both the unit value and the currency, or neither.")},
        )
    if unit_value is not None and unit_value < 0:
        raise invalid("unit_value", _("Enter a larger number."))
    taken = Item.objects.filter(org=org, code=code.strip()).first()
    if taken is not None:
        said = (_("An archived item has this code: an owner can restore it.") if taken.archived
                else _("An item with this code already exists."))
        raise Conflict(said, fields={"code": _("This code is taken.")})
    item = Item.objects.create(
        org=org,
        code=code.strip(),
        name=name,
        base_unit=base_unit,
        pack_sizes=sorted(set(pack_sizes)),
        unit_value=unit_value,
        currency=(currency or "").upper(),
    )
    audit.record(org=org, actor=actor, action="aid.item.created", obj=item, after=audit.snapshot(item))
    return item


# Where units are still being looked after: an item with units in these places is not archived.
_HELD_KINDS = (LocationKind.REAL, LocationKind.RESERVED, LocationKind.IN_TRANSIT)


@transaction.atomic
def archive_item(*, org: Organization, actor: Actor, item: Item) -> Item:
    """Take an item out of the catalogue's pickers and list. Refused (409 `still_held`) while some of it
    is in a store, reserved or in transit; the ledger, traces and reports keep it whatever happens."""
    item = locked(Item.objects, pk=item.pk, org=org)
    if not item.archived and Balance.objects.filter(org=org, item=item, location__kind__in=_HELD_KINDS).exclude(
            quantity=0).exists():
        raise Conflict(_("Some of this item is still in a store, reserved or in transit: archive it once "
                         "it has all been handed on."), code="still_held")
    return archiving.archive(org=org, actor=actor, obj=item, action="aid.item.archived")


@transaction.atomic
def restore_item(*, org: Organization, actor: Actor, item: Item) -> Item:
    item = locked(Item.objects, pk=item.pk, org=org)
    return archiving.restore(org=org, actor=actor, obj=item, action="aid.item.restored")


@transaction.atomic
def create_party(*, org: Organization, actor: Actor, name: object, kind: str, city: "City | None" = None) -> Party:
    name = localized("name", name)
    choice("kind", kind, PartyKind)
    party = Party.objects.create(org=org, name=name, kind=kind, city=city)
    audit.record(org=org, actor=actor, action="aid.party.created", obj=party, after=audit.snapshot(party))
    return party


@transaction.atomic
def create_location(*, org: Organization, actor: Actor, name: object, party: Party | None) -> Location:
    require_fields(party=party)
    assert party is not None  # refused above
    name = localized("name", name)
    if party.org_id != org.pk:
        raise ValidationFailed(_("Unknown party."), fields={"party": _("Choose one of the allowed values.")})
    location = Location.objects.create(org=org, name=name, party=party, kind=LocationKind.REAL)
    audit.record(org=org, actor=actor, action="aid.location.created", obj=location, after=audit.snapshot(location))
    return location


@transaction.atomic
def grant_location(*, org: Organization, actor: Actor, membership: Membership | None,
                   location: Location) -> InstitutionAccess:
    if membership is None or membership.org_id != org.pk or membership.role != Role.INSTITUTION:
        raise ValidationFailed(_("Stores are granted to institution-store members of this organization."),
                               fields={"username": _("Choose a member with the institution-store role.")})
    if location.org_id != org.pk or location.is_virtual:
        raise ValidationFailed(_("Only a store or site of this organization can be granted."))
    grant, _created = InstitutionAccess.objects.get_or_create(org=org, membership=membership, location=location)
    audit.record(org=org, actor=actor, action="aid.location.granted", obj=location, after={"membership": membership.pk})
    return grant


@transaction.atomic
def set_member_stores(*, org: Organization, actor: Actor, membership: Membership | None,
                      locations: Iterable[Location]) -> list[Location]:
    """The stores an institution-store member works on, exactly these: new ones granted, others withdrawn."""
    if membership is None or membership.org_id != org.pk:
        raise ValidationFailed(_("Stores are granted to institution-store members of this organization."))
    wanted = {location.pk: location for location in locations}
    if any(location.org_id != org.pk or location.is_virtual for location in wanted.values()):
        raise ValidationFailed(_("Only a store or site of this organization can be granted."),
                               fields={"stores": _("Choose one of the allowed values.")})
    if wanted and membership.role != Role.INSTITUTION:
        raise ValidationFailed(_("Stores are granted to institution-store members of this organization."),
                               fields={"stores": _("Only institution-store members work on chosen stores.")})
    current = dict(InstitutionAccess.objects.filter(org=org, membership=membership).values_list("location_id", "pk"))
    withdrawn = [pk for pk in current if pk not in wanted]
    if withdrawn:
        InstitutionAccess.objects.filter(org=org, membership=membership, location_id__in=withdrawn).delete()
        audit.record(org=org, actor=actor, action="aid.location.withdrawn", obj=membership,
                     object_id=membership.user.username, after={"locations": sorted(withdrawn)})
    for pk, location in wanted.items():
        if pk not in current:
            grant_location(org=org, actor=actor, membership=membership, location=location)
    return list(wanted.values())


def lot_for(*, org: Organization, item: Item, number: str = "", expires_on: dt.date | None = None,
            pledge: Pledge | None = None) -> Lot:
    # get_or_create inserts in a savepoint and, when a concurrent caller's insert wins the unique
    # constraint (NULL pledges included, see Lot.Meta), reads that caller's lot instead.
    lot, created = Lot.objects.get_or_create(
        org=org,
        item=item,
        number=(number or "").strip(),
        pledge=pledge,
        defaults={"expires_on": expires_on, "donor": pledge.donor if pledge else None},
    )
    if not created and expires_on and lot.expires_on != expires_on:
        raise ValidationFailed(
            _("This lot is already recorded with another expiry date."),
            fields={"expires_on": _("The lot expires on %(date)s.") % {"date": lot.expires_on}},
        )
    return lot


# --- pledges -----------------------------------------------------------------------------------


@transaction.atomic
def create_pledge(
    *,
    org: Organization,
    actor: Actor,
    direction: str,
    donor: Party | None,
    recipient: Party | None,
    lines: Iterable[tuple[Item, int]],
    label: Any = None,
    offered_on: dt.date | None = None,
    note: str = "",
) -> Pledge:
    access.require_office(org, actor)
    require_fields(donor=donor, recipient=recipient, lines=list(lines))
    choice("direction", direction, Direction)
    assert donor is not None and recipient is not None  # refused above
    if donor.pk == recipient.pk:
        raise ValidationFailed(_("Donor and recipient must differ."), fields={"recipient": _("Choose another party.")})
    for index, (item, quantity) in enumerate(lines):
        if item.org_id != org.pk or not isinstance(quantity, int) or quantity <= 0:
            raise invalid(f"lines.{index}", _("Give an item and a positive whole quantity."))
    pledge = Pledge.objects.create(
        org=org,
        direction=direction,
        donor=donor,
        recipient=recipient,
        label=localized("label", label, required=False),
        note=note or "",
        offered_on=offered_on or timezone.localdate(),
    )
    PledgeLine.objects.bulk_create([PledgeLine(org=org, pledge=pledge, item=i, quantity=q) for i, q in lines])
    audit.record(org=org, actor=actor, action="aid.pledge.created", obj=pledge, after=audit.snapshot(pledge))
    return pledge


def _illegal(pledge: Pledge, action: str) -> Conflict:
    return Conflict(
        _("A pledge that is “%(state)s” cannot take the step “%(action)s”.")
        % {"state": pledge.get_state_display(), "action": action},
        code="illegal_transition",
        fields={"action": _("Not possible in the current state.")},
    )


def _pledge_movements(pledge: Pledge) -> QuerySet[Movement]:
    return Movement.objects.filter(pledge=pledge).select_related(
        "item", "lot", "from_location", "to_location", "donor", "consignment", "box"
    )


def _net_at(pledge: Pledge, kind: str) -> list[tuple[Item, Lot, int]]:
    """(item, lot, quantity) this pledge still holds at a virtual location, from its movements."""
    location = virtual(pledge.org, kind)
    totals: dict[tuple[Item, Lot], int] = {}
    for m in _pledge_movements(pledge).filter(Q(to_location=location) | Q(from_location=location)):
        sign = 1 if m.to_location_id == location.pk else -1
        key = (m.item, m.lot)
        totals[key] = totals.get(key, 0) + sign * m.quantity
    return [(item, lot, qty) for (item, lot), qty in totals.items() if qty > 0]


def _locked(org: Organization, actor: Actor, pledge: Pledge) -> tuple[Pledge, dict[str, Any]]:
    """The pledge locked for a step, and its audit snapshot before it."""
    access.require_office(org, actor)
    pledge = locked(Pledge.objects, pk=pledge.pk, org=org)
    return pledge, audit.snapshot(pledge)


def _stepped(org: Organization, actor: Actor, pledge: Pledge, step: str, before: dict[str, Any]) -> Pledge:
    pledge.save()
    audit.record(
        org=org, actor=actor, action=f"aid.pledge.{step}", obj=pledge, before=before, after=audit.snapshot(pledge)
    )
    return pledge


def _stepped_by_hand(pledge: Pledge) -> None:
    """Only an outbound pledge is shipped and delivered by a step."""
    if pledge.direction != Direction.OUTBOUND:
        raise Conflict(_("An inbound pledge is shipped by adding its consignments and received box by box."),
                       code="illegal_transition", fields={"action": _("Not possible in the current state.")})


@transaction.atomic
def accept_pledge(*, org: Organization, actor: Actor, pledge: Pledge, source: Location | None = None) -> Pledge:
    """Accept an offered pledge; an outbound one reserves its lines from `source`, a store."""
    pledge, before = _locked(org, actor, pledge)
    if not pledge.can_step("accept"):
        raise _illegal(pledge, _("accept"))
    if pledge.direction == Direction.OUTBOUND:
        _reserve(org, actor, pledge, source)
    pledge.accept()
    return _stepped(org, actor, pledge, "accept", before)


@transaction.atomic
def ship_pledge(*, org: Organization, actor: Actor, pledge: Pledge) -> Pledge:
    """Ship an accepted outbound pledge: what it reserved goes in transit."""
    pledge, before = _locked(org, actor, pledge)
    _stepped_by_hand(pledge)
    if not pledge.can_step("ship"):
        raise _illegal(pledge, _("ship"))
    entries = [
        Entry(i, lot, virtual(org, LocationKind.RESERVED), virtual(org, LocationKind.IN_TRANSIT), q)
        for i, lot, q in _net_at(pledge, LocationKind.RESERVED)
    ]
    post(org=org, actor=actor, entries=entries, reason=Reason.SHIPMENT, pledge=pledge, donor=pledge.donor)
    pledge.ship()
    return _stepped(org, actor, pledge, "ship", before)


@transaction.atomic
def deliver_pledge(*, org: Organization, actor: Actor, pledge: Pledge) -> Pledge:
    """Mark a shipped outbound pledge delivered: what is in transit reaches its recipient, all of it."""
    pledge, before = _locked(org, actor, pledge)
    _stepped_by_hand(pledge)
    if not pledge.can_step("deliver"):
        raise _illegal(pledge, _("deliver"))
    entries = [
        Entry(i, lot, virtual(org, LocationKind.IN_TRANSIT), virtual(org, LocationKind.DISTRIBUTED), q)
        for i, lot, q in _net_at(pledge, LocationKind.IN_TRANSIT)
    ]
    post(
        org=org,
        actor=actor,
        entries=entries,
        reason=Reason.DELIVERY,
        pledge=pledge,
        donor=pledge.donor,
        recipient=pledge.recipient,
    )
    pledge.receive_all()
    return _stepped(org, actor, pledge, "deliver", before)


@transaction.atomic
def close_pledge(*, org: Organization, actor: Actor, pledge: Pledge) -> Pledge:
    """Close a received pledge."""
    pledge, before = _locked(org, actor, pledge)
    if not pledge.can_step("close"):
        raise _illegal(pledge, _("close"))
    pledge.close()
    return _stepped(org, actor, pledge, "close", before)


@transaction.atomic
def cancel_pledge(*, org: Organization, actor: Actor, pledge: Pledge, reason: str) -> Pledge:
    """Cancel a pledge not yet received, saying why: its boxes are cancelled and every movement reversed."""
    pledge, before = _locked(org, actor, pledge)
    require_fields(reason=(reason or "").strip())
    if not pledge.can_step("cancel"):
        raise _illegal(pledge, _("cancel"))
    Box.objects.filter(consignment__pledge=pledge).update(state=BoxState.CANCELLED)  # boxes before movements
    moved = list(_pledge_movements(pledge).exclude(reason=Reason.REVERSAL).order_by("-pk"))
    reverse(org=org, actor=actor, movements=moved, note=reason.strip())
    pledge.cancel(reason.strip())
    return _stepped(org, actor, pledge, "cancel", before)


# The one table from a step's name (the API's and the page's `action`) to its service, with the
# arguments of theirs it takes.
PLEDGE_STEPS: dict[str, tuple[Callable[..., Pledge], tuple[str, ...]]] = {
    "accept": (accept_pledge, ("source",)),
    "ship": (ship_pledge, ()),
    "deliver": (deliver_pledge, ()),
    "close": (close_pledge, ()),
    "cancel": (cancel_pledge, ("reason",)),
}


def transition_pledge(
    *, org: Organization, actor: Actor, pledge: Pledge, action: str, reason: str = "", source: Location | None = None
) -> Pledge:
    """The step named `action` (PLEDGE_STEPS), for the API and the page, which let the user choose it."""
    if action not in PLEDGE_STEPS:
        raise ValidationFailed(_("Unknown action."), fields={"action": _("Choose one of the allowed values.")})
    service, takes = PLEDGE_STEPS[action]
    given = {"reason": reason, "source": source}
    return service(org=org, actor=actor, pledge=pledge, **{name: given[name] for name in takes})


def _reserve(org: Organization, actor: Actor, pledge: Pledge, source: Location | None) -> None:
    require_fields(source=source)
    assert source is not None  # refused above
    access.check_location(org, actor, source)
    if source.is_virtual:
        raise ValidationFailed(_("Reserve from a store."), fields={"source": _("Choose a store.")})
    lines = [{"item": line.item, "quantity": line.quantity} for line in pledge.lines.select_related("item")]
    entries = _entries(org, source, virtual(org, LocationKind.RESERVED), lines)
    post(org=org, actor=actor, entries=entries, reason=Reason.RESERVATION, pledge=pledge, donor=pledge.donor)


# --- consignments and receipt ------------------------------------------------------------------


def next_reference(org: Organization, year: int | None = None) -> str:
    """A collision-free consignment number: the org's counter row is locked while it is taken."""
    ConsignmentCounter.objects.get_or_create(org=org)
    counter = ConsignmentCounter.objects.select_for_update().get(org=org)
    counter.last += 1
    counter.save(update_fields=["last"])
    return f"{org.slug.upper()}-{year or timezone.localdate().year}-{counter.last:05d}"


@transaction.atomic
def create_consignment(
    *,
    org: Organization,
    actor: Actor,
    pledge: Pledge,
    boxes: list[dict[str, Any]],
    carrier: str = "",
    tracking_ref: str = "",
    shipped_on: dt.date | None = None,
) -> Consignment:
    """An inbound consignment on its way: boxes with their contents move donor → in transit."""
    access.require_office(org, actor)
    pledge = locked(Pledge.objects, pk=pledge.pk, org=org)
    if pledge.direction != Direction.INBOUND or pledge.state not in (PledgeState.ACCEPTED, PledgeState.SHIPPED):
        raise Conflict(
            _("Consignments can be added only to an accepted or shipped inbound pledge."), code="illegal_transition"
        )
    require_fields(boxes=boxes)
    shipped_on = shipped_on or timezone.localdate()
    consignment = Consignment.objects.create(
        org=org,
        pledge=pledge,
        reference=next_reference(org, shipped_on.year),
        carrier=carrier or "",
        tracking_ref=tracking_ref or "",
        shipped_on=shipped_on,
    )
    donor_loc, transit = virtual(org, LocationKind.DONOR), virtual(org, LocationKind.IN_TRANSIT)
    for index, spec in enumerate(boxes, start=1):
        if not spec.get("lines"):
            raise ValidationFailed(_("Every box needs its contents."), fields={f"boxes.{index}": _("Add a line.")})
        box = Box.objects.create(
            org=org, consignment=consignment, number=spec.get("number") or index, label=spec.get("label", "")
        )
        entries = []
        for line in spec["lines"]:
            item, qty = line["item"], line["quantity"]
            if item.org_id != org.pk or not isinstance(qty, int) or qty <= 0:
                raise invalid(f"boxes.{index}", _("Give an item and a positive whole quantity."))
            lot = lot_for(
                org=org, item=item, number=line.get("lot", ""), expires_on=line.get("expires_on"), pledge=pledge
            )
            BoxLine.objects.create(org=org, box=box, item=item, lot=lot, quantity=qty)
            entries.append(Entry(item, lot, donor_loc, transit, qty))
        post(
            org=org,
            actor=actor,
            entries=entries,
            reason=Reason.SHIPMENT,
            pledge=pledge,
            donor=pledge.donor,
            consignment=consignment,
            box=box,
        )
    if pledge.state == PledgeState.ACCEPTED:
        pledge.ship()
        pledge.save()
    audit.record(
        org=org,
        actor=actor,
        action="aid.consignment.created",
        obj=consignment,
        after={**audit.snapshot(consignment), "boxes": len(boxes)},
    )
    return consignment


@transaction.atomic
def receive_box(
    *, org: Organization, actor: Actor, box: Box, location: Location | None, lines: list[dict[str, Any]] | None = None,
    reason: str = "",
) -> Box:
    """Receive one box: per line the good quantity received and the damaged quantity. A shortfall or
    damage goes to lost/damaged, an excess comes from found; any difference needs a reason."""
    require_fields(location=location)
    assert location is not None  # refused above
    access.check_location(org, actor, location)
    # Locks in the ledger's order (pledge, then box, then balance rows), as cancelling a pledge takes them.
    pledge_id = get_or_404(Box.objects.filter(org=org).values_list("consignment__pledge_id", flat=True), pk=box.pk)
    pledge = locked(Pledge.objects, pk=pledge_id)
    box = get_or_404(Box.objects.select_for_update(of=("self",)).select_related("consignment"), pk=box.pk, org=org)
    if box.state != BoxState.IN_TRANSIT:
        raise Conflict(_("This box has already been received or cancelled."), code="illegal_transition")
    if location.is_virtual:
        raise ValidationFailed(_("Receive into a store."), fields={"location": _("Choose a store.")})
    given = {str(spec.get("line")): spec for spec in (lines or [])}
    receipts, discrepancies = [], []
    transit, lost, found = (
        virtual(org, k) for k in (LocationKind.IN_TRANSIT, LocationKind.LOST_DAMAGED, LocationKind.FOUND)
    )
    for line in box.lines.select_related("item", "lot"):
        spec = given.pop(str(line.public_id), {"received": line.quantity, "damaged": 0})
        received, damaged = spec.get("received", line.quantity), spec.get("damaged", 0) or 0
        if not all(isinstance(v, int) and v >= 0 for v in (received, damaged)) or damaged > line.quantity:
            raise invalid(str(line.public_id), _("Give whole numbers; damaged at most the quantity sent."))
        intact = line.quantity - damaged
        if received < intact:
            receipts.append((Reason.RECEIPT, Entry(line.item, line.lot, transit, location, received)))
            discrepancies.append((Reason.SHORT, Entry(line.item, line.lot, transit, lost, intact - received)))
        else:
            receipts.append((Reason.RECEIPT, Entry(line.item, line.lot, transit, location, intact)))
            discrepancies.append((Reason.OVER, Entry(line.item, line.lot, found, location, received - intact)))
        discrepancies.append((Reason.DAMAGED, Entry(line.item, line.lot, transit, lost, damaged)))
    if given:
        raise ValidationFailed(_("Some lines are not in this box."), fields={k: _("Not in this box.") for k in given})
    discrepancies = [(r, e) for r, e in discrepancies if e.quantity > 0]
    if discrepancies and not (reason or "").strip():
        raise ValidationFailed(
            _("Explain the difference between what was sent and what arrived."),
            fields={"reason": _("A reason is required for a shortfall, excess or damage.")},
        )
    provenance: dict[str, Any] = {"pledge": pledge, "donor": pledge.donor, "consignment": box.consignment, "box": box}
    entries = [replace(entry, reason=kind) for kind, entry in [*receipts, *discrepancies] if entry.quantity > 0]
    post(org=org, actor=actor, entries=entries, reason=Reason.RECEIPT, note=(reason or "").strip(), **provenance)
    box.state, box.received_at = BoxState.RECEIVED, timezone.now()
    box.save(update_fields=["state", "received_at", "updated_at"])
    waiting = Box.objects.filter(consignment__pledge=pledge, state=BoxState.IN_TRANSIT).exists()
    if waiting and can_proceed(pledge.receive_part):
        pledge.receive_part()
    elif not waiting and can_proceed(pledge.receive_all):
        pledge.receive_all()
    pledge.save()
    audit.record(
        org=org,
        actor=actor,
        action="aid.box.received",
        obj=box,
        after={
            "location": str(location.public_id),
            "reason": reason,
            "discrepancies": [(r, e.quantity) for r, e in discrepancies],
        },
    )
    return box


@transaction.atomic
def receive_consignment(
    *, org: Organization, actor: Actor, consignment: Consignment, location: Location | None,
    exceptions: list[dict[str, Any]] | None = None,
    reason: str = "",
) -> list[Box]:
    """Receive every box still on its way, as sent, into one store in one step; the boxes that differ are
    given as exception lines {box: number, item (when the box holds several), received, damaged}, each
    received through receive_box (a difference needs the reason)."""
    require_fields(location=location)
    assert location is not None  # refused above
    waiting = {b.number: b for b in consignment.boxes.filter(state=BoxState.IN_TRANSIT).prefetch_related(
        "lines__item")}
    if not waiting:
        raise Conflict(_("Every box of this consignment has already been received or cancelled."),
                       code="illegal_transition")
    per_box: dict[int, list[dict[str, Any]]] = {}
    for index, spec in enumerate(exceptions or []):
        box, item = waiting.get(spec["box"]) if "box" in spec else None, spec.get("item")
        if box is None:
            raise invalid(f"exceptions.{index}", _("No box with this number is on its way."))
        lines = [ln for ln in box.lines.all() if item is None or ln.item_id == item.pk]
        if len(lines) != 1:
            raise invalid(f"exceptions.{index}", _("Name the item: this box holds several.") if lines
                          else _("This box holds no such item."))
        per_box.setdefault(box.number, []).append(
            {"line": lines[0].public_id, "received": spec.get("received"), "damaged": spec.get("damaged") or 0})
    received = []
    for number, box in sorted(waiting.items()):
        given = per_box.get(number)
        received.append(receive_box(org=org, actor=actor, box=box, location=location, lines=given,
                                    reason=reason if given else ""))
    return received


# --- stock on hand: intake, handover, distribution, corrections ---------------------------------


def _today() -> dt.date:
    """The day the movements being posted happen: today, or the backfilled day (ledger.happened_at)."""
    moment = ledger._happened_at.get()  # read only; the ledger owns the context variable
    return timezone.localdate(moment) if moment is not None else timezone.localdate()


def is_expired(lot: Lot, on: dt.date | None = None) -> bool:
    return lot.expires_on is not None and lot.expires_on < (on or _today())


def _expired_refused(lot: Lot) -> Conflict:
    return Conflict(
        _("Lot %(lot)s of %(item)s expired on %(date)s: it may leave the store only as disposed of, with a reason.")
        % {"lot": lot, "item": lot.item, "date": lot.expires_on},
        code="expired_lot",
        fields={"lot": _("This lot has expired.")},
    )


def fefo(
    *, org: Organization, location: Location, item: Item, quantity: int, pledge: Pledge | None = None,
    include_expired: bool = False,
) -> list[tuple[Lot, int]]:
    """First-expiry-first-out among the lots that have not expired (lots with no expiry last); only the
    lots of `pledge` when given. Expired lots are taken only for disposal (`include_expired`)."""
    if not isinstance(quantity, int) or quantity <= 0:
        raise invalid("quantity", _("Enter a positive whole number."))
    balances = Balance.objects.filter(org=org, location=location, item=item, quantity__gt=0).select_related("lot")
    if pledge is not None:
        balances = balances.filter(lot__pledge=pledge)
    today = _today()
    usable, expired = [], 0
    for balance in balances:
        if is_expired(balance.lot, today) and not include_expired:
            expired += balance.quantity
        else:
            usable.append(balance)
    usable.sort(key=lambda b: (b.lot.expires_on is None, b.lot.expires_on or dt.date.max, b.lot.pk))
    plan, left = [], quantity
    for balance in usable:
        take = min(left, balance.quantity)
        plan.append((balance.lot, take))
        left -= take
        if not left:
            return plan
    message = _("Not enough stock of %(item)s at %(location)s: %(on_hand)s on hand, %(asked)s asked.") % {
        "item": isolate(str(item)), "location": isolate(str(location)),
        "on_hand": format_number(quantity - left), "asked": format_number(quantity)}
    if expired:
        message += " " + _("%(expired)s more are in expired lots, which can only be disposed of.") % {
            "expired": format_number(expired)}
    raise Conflict(message, code="not_enough_stock", fields={"quantity": _("Not enough stock.")})


def _entries(org: Organization, source: Location, target: Location, lines: Iterable[dict[str, Any]], *,
             disposal: bool = False) -> list[Entry]:
    """Ledger entries for lines of {item, quantity, and optionally lot or pledge}: the lot given, else
    first-expiry-first-out among the unexpired lots (of the pledge when given). Expired lots leave a
    store only on disposal."""
    entries = []
    for index, line in enumerate(lines):
        item, qty, lot, pledge = line["item"], line["quantity"], line.get("lot"), line.get("pledge")
        if item.org_id != org.pk or not isinstance(qty, int) or qty <= 0:
            raise invalid(f"lines.{index}", _("Give an item and a positive whole quantity."))
        if pledge is not None and pledge.org_id != org.pk:
            raise ValidationFailed(
                _("Unknown pledge."), fields={f"lines.{index}": _("Choose one of the allowed values.")}
            )
        if lot is not None:
            if lot.item_id != item.pk or lot.org_id != org.pk:
                raise invalid(f"lines.{index}", _("This lot is of another item."))
            if pledge is not None and lot.pledge_id != pledge.pk:
                raise invalid(f"lines.{index}", _("This lot is of another pledge."))
            if not disposal and source.kind == LocationKind.REAL and is_expired(lot):
                raise _expired_refused(lot)
            entries.append(Entry(item, lot, source, target, qty))
        else:
            plan = fefo(org=org, location=source, item=item, quantity=qty, pledge=pledge, include_expired=disposal)
            entries += [Entry(item, lt, source, target, q) for lt, q in plan]
    return entries


@transaction.atomic
def intake(
    *,
    org: Organization,
    actor: Actor,
    location: Location,
    item: Item,
    quantity: int,
    donor: Party | None = None,
    lot_number: str = "",
    expires_on: dt.date | None = None,
    note: str = "",
) -> list[Movement]:
    """Stock that arrives without a pledge (a direct gift, an opening count): donors → store."""
    access.check_location(org, actor, location)
    if location.is_virtual:
        raise ValidationFailed(_("Take stock into a store."), fields={"location": _("Choose a store.")})
    lot = lot_for(org=org, item=item, number=lot_number, expires_on=expires_on)
    moved = post(
        org=org,
        actor=actor,
        reason=Reason.INTAKE,
        donor=donor,
        note=note,
        entries=_entries(
            org, virtual(org, LocationKind.DONOR), location, [{"item": item, "quantity": quantity, "lot": lot}]
        ),
    )
    audit.record(
        org=org,
        actor=actor,
        action="aid.intake",
        object_type="aid.movement",
        object_id=str(moved[0].operation),
        after={"quantity": quantity, "item": item.code},
    )
    return moved


@transaction.atomic
def handover(
    *,
    org: Organization,
    actor: Actor,
    source: Location | None,
    target: Location | None,
    lines: list[dict[str, Any]],
    signed_by: str,
    signed_at: dt.datetime | None = None,
    note: str = "",
) -> list[Movement]:
    """Custody passes from one store to another (city → university → hospital), signed for."""
    require_fields(source=source, target=target, signed_by=(signed_by or "").strip(), lines=lines)
    assert source is not None and target is not None  # refused above
    access.check_location(org, actor, source)
    if source.is_virtual or target.is_virtual or source.pk == target.pk or target.org_id != org.pk:
        raise ValidationFailed(
            _("Hand over between two different stores."), fields={"target": _("Choose another store.")}
        )
    moved = post(
        org=org,
        actor=actor,
        reason=Reason.HANDOVER,
        signed_by=signed_by.strip(),
        signed_at=signed_at or timezone.now(),
        note=note,
        entries=_entries(org, source, target, lines),
    )
    audit.record(
        org=org,
        actor=actor,
        action="aid.handover",
        object_type="aid.movement",
        object_id=str(moved[0].operation),
        after={"signed_by": signed_by, "lines": len(lines)},
    )
    return moved


@transaction.atomic
def distribute(
    *,
    org: Organization,
    actor: Actor,
    source: Location | None,
    recipient: Party | None,
    recipient_group: str,
    lines: list[dict[str, Any]],
    people_count: int | None = None,
    note: str = "",
) -> list[Movement]:
    """To final recipients (a ward, a team of medical staff): counts only, no personal data."""
    require_fields(source=source, recipient=recipient, recipient_group=(recipient_group or "").strip(), lines=lines)
    assert source is not None and recipient is not None  # refused above
    access.check_location(org, actor, source)
    if source.is_virtual or recipient.org_id != org.pk:
        raise ValidationFailed(_("Distribute from a store to a known recipient."))
    moved = post(
        org=org,
        actor=actor,
        reason=Reason.DISTRIBUTION,
        recipient=recipient,
        recipient_group=recipient_group.strip(),
        people_count=people_count,
        note=note,
        entries=_entries(org, source, virtual(org, LocationKind.DISTRIBUTED), lines),
    )
    audit.record(
        org=org,
        actor=actor,
        action="aid.distribution",
        object_type="aid.movement",
        object_id=str(moved[0].operation),
        after={"recipient": str(recipient.public_id), "lines": len(lines)},
    )
    return moved


@transaction.atomic
def dispose(*, org: Organization, actor: Actor, source: Location | None, lines: list[dict[str, Any]],
            reason: str) -> list[Movement]:
    """Units that must not be given out (expired, spoilt) leave the store for *lost or damaged*, with a
    reason; expired lots are taken first."""
    require_fields(source=source, reason=(reason or "").strip(), lines=lines)
    assert source is not None  # refused above
    access.check_location(org, actor, source)
    if source.is_virtual:
        raise ValidationFailed(_("Dispose of stock from a store."), fields={"source": _("Choose a store.")})
    moved = post(
        org=org,
        actor=actor,
        reason=Reason.DISPOSAL,
        note=reason.strip(),
        entries=_entries(org, source, virtual(org, LocationKind.LOST_DAMAGED), lines, disposal=True),
    )
    audit.record(
        org=org,
        actor=actor,
        action="aid.disposal",
        object_type="aid.movement",
        object_id=str(moved[0].operation),
        after={"reason": reason, "lines": len(lines)},
    )
    return moved


# Steps of a pledge's own flow: undone by cancelling the pledge, which reverses them all together.
PLEDGE_FLOW_REASONS = {Reason.RESERVATION, Reason.SHIPMENT, Reason.DELIVERY}


@transaction.atomic
def reverse_movement(*, org: Organization, actor: Actor, movement: Movement, note: str) -> list[Movement]:
    access.require_office(org, actor)
    require_fields(note=(note or "").strip())
    refused = Conflict(_("This movement has already been reversed, or is itself a reversal."))
    if movement.reason == Reason.REVERSAL or Movement.objects.filter(reverses=movement).exists():
        raise refused
    if movement.reason in PLEDGE_FLOW_REASONS:
        raise Conflict(_("A pledge's reservation, shipment or delivery is undone by cancelling the pledge."),
                       code="illegal_transition")
    if movement.pledge_id:  # the ledger's lock order: its pledge before the movement and the balances
        locked(Pledge.objects, pk=movement.pledge_id)
    made = reverse(org=org, actor=actor, movements=[movement], note=note.strip())
    if not made:  # a concurrent caller reversed it while this one waited for the lock
        raise refused
    audit.record(
        org=org,
        actor=actor,
        action="aid.movement.reversed",
        object_type="aid.movement",
        object_id=str(movement.public_id),
        after={"note": note},
    )
    return made


def stock_total(*, org: Organization, location: Location, item: Item) -> int:
    return Balance.objects.filter(org=org, location=location, item=item).aggregate(t=Sum("quantity"))["t"] or 0
