"""Aid over JSON. Every write honours an Idempotency-Key header (hamdeli.core.idempotency)."""

import datetime as dt
import uuid
from decimal import Decimal
from typing import Literal

from django.conf import settings
from django.db.models import prefetch_related_objects
from django.http import Http404, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import File, Query, Router, Status
from ninja.files import UploadedFile
from pydantic import Field

from hamdeli.aid import access, exports, imports, selectors, services, sharing
from hamdeli.aid.ledger import MAX_QUANTITY
from hamdeli.aid.models import BaseUnit, Direction, LinkState, PartyKind
from hamdeli.core.boundary import OneOf, PublicId, Schema
from hamdeli.core.errors import ValidationFailed
from hamdeli.core.idempotency import idempotent
from hamdeli.core.localized import localized_str
from hamdeli.core.pagination import mapped, paged
from hamdeli.core.permissions import enforce, requires
from hamdeli.places import selectors as places

router = Router(tags=["aid"])
Localized = dict[str, str]


class AidItemIn(Schema):
    code: str = Field(..., min_length=1, max_length=50)
    name: Localized
    base_unit: OneOf[BaseUnit] = "piece"
    pack_sizes: list[int] = Field([], max_length=10)
    unit_value: Decimal | None = Field(None, ge=0, max_digits=12, decimal_places=2)
    currency: str = Field("", max_length=3)


class PartyIn(Schema):
    name: Localized
    kind: OneOf[PartyKind]
    city_geonameid: int | None = None


class LocationIn(Schema):
    name: Localized
    party: uuid.UUID


class LineIn(Schema):
    item: uuid.UUID
    quantity: int = Field(..., gt=0, le=MAX_QUANTITY)
    lot: uuid.UUID | None = None  # take exactly this lot
    pledge: uuid.UUID | None = None  # or first-expiry-first-out among this pledge's lots (handover, distribution)


class PledgeIn(Schema):
    direction: OneOf[Direction]
    donor: uuid.UUID
    recipient: uuid.UUID
    label: Localized = {}
    offered_on: dt.date | None = None
    note: str = Field("", max_length=5000)
    lines: list[LineIn] = Field(..., min_length=1)


class PledgeTransitionIn(Schema):
    action: Literal["accept", "ship", "deliver", "close", "cancel"]
    reason: str = Field("", max_length=2000)
    source: uuid.UUID | None = None


class BoxLineIn(Schema):
    item: uuid.UUID
    quantity: int = Field(..., gt=0, le=MAX_QUANTITY)
    lot: str = Field("", max_length=60)
    expires_on: dt.date | None = None


class BoxIn(Schema):
    label: str = Field("", max_length=100)
    lines: list[BoxLineIn] = Field(..., min_length=1)


class ConsignmentIn(Schema):
    carrier: str = Field("", max_length=200)
    tracking_ref: str = Field("", max_length=100)
    shipped_on: dt.date | None = None
    boxes: list[BoxIn] = Field(..., min_length=1)


class ReceiveLineIn(Schema):
    line: uuid.UUID
    received: int = Field(..., ge=0, le=MAX_QUANTITY)
    damaged: int = Field(0, ge=0, le=MAX_QUANTITY)


class ReceiveIn(Schema):
    location: uuid.UUID
    lines: list[ReceiveLineIn] = []
    reason: str = Field("", max_length=2000)


class ExceptionIn(Schema):
    box: int = Field(..., gt=0)
    item: uuid.UUID | None = None
    received: int = Field(..., ge=0, le=MAX_QUANTITY)
    damaged: int = Field(0, ge=0, le=MAX_QUANTITY)


class ReceiveAllIn(Schema):
    location: uuid.UUID
    exceptions: list[ExceptionIn] = []
    reason: str = Field("", max_length=2000)


class StockHandoverIn(Schema):
    source: uuid.UUID
    target: uuid.UUID
    signed_by: str = Field(..., min_length=1, max_length=200)
    signed_at: dt.datetime | None = None
    note: str = Field("", max_length=2000)
    lines: list[LineIn] = Field(..., min_length=1)


class DistributionIn(Schema):
    source: uuid.UUID
    recipient: uuid.UUID
    recipient_group: str = Field(..., min_length=1, max_length=200)
    people_count: int | None = Field(None, ge=0, le=1_000_000)
    note: str = Field("", max_length=2000)
    lines: list[LineIn] = Field(..., min_length=1)


class IntakeIn(Schema):
    location: uuid.UUID
    item: uuid.UUID
    quantity: int = Field(..., gt=0, le=MAX_QUANTITY)
    donor: uuid.UUID | None = None
    lot: str = Field("", max_length=60)
    expires_on: dt.date | None = None
    note: str = Field("", max_length=2000)


class DisposalIn(Schema):
    source: uuid.UUID
    reason: str = Field(..., min_length=1, max_length=2000)
    lines: list[LineIn] = Field(..., min_length=1)


class ReverseIn(Schema):
    note: str = Field(..., min_length=1, max_length=2000)


class ItemOut(Schema):
    id: PublicId
    code: str
    name: Localized
    base_unit: str
    pack_sizes: list[int]
    unit_value: str | None = Field(..., description="a decimal, as text")
    currency: str
    archived_at: dt.datetime | None = None

    @staticmethod
    def resolve_unit_value(i) -> str | None:
        return str(i.unit_value) if i.unit_value is not None else None


class PartyOut(Schema):
    id: PublicId
    name: Localized
    kind: str
    city_geonameid: int | None = Field(..., validation_alias="city_id")


class LocationOut(Schema):
    id: PublicId
    name: Localized
    kind: str
    party: uuid.UUID | None

    @staticmethod
    def resolve_party(loc) -> uuid.UUID | None:
        return loc.party.public_id if loc.party_id else None


class PledgeLineOut(Schema):
    item: uuid.UUID
    quantity: int

    @staticmethod
    def resolve_item(ln) -> uuid.UUID:
        return ln.item.public_id


class _ItemLotOut(Schema):
    """What a box line and a stock balance say of their item and lot (read from the row's item and lot)."""

    @staticmethod
    def resolve_item(row) -> uuid.UUID:
        return row.item.public_id

    @staticmethod
    def resolve_lot(row) -> str:
        return row.lot.number

    @staticmethod
    def resolve_lot_id(row) -> uuid.UUID:
        return row.lot.public_id

    @staticmethod
    def resolve_expires_on(row) -> dt.date | None:
        return row.lot.expires_on


class BoxLineOut(_ItemLotOut):
    id: PublicId
    item: uuid.UUID
    lot: str
    lot_id: uuid.UUID
    expires_on: dt.date | None
    quantity: int


class BoxOut(Schema):
    id: PublicId
    number: int
    label: str
    state: str
    lines: list[BoxLineOut]

    @staticmethod
    def resolve_lines(b) -> list:
        lines = getattr(b, "contents_lines", None)  # read with its pledge's page (selectors.attach_contents)
        return list(b.lines.all()) if lines is None else lines


class ConsignmentOut(Schema):
    id: PublicId
    reference: str
    carrier: str
    tracking_ref: str
    shipped_on: dt.date | None
    boxes: list[BoxOut]

    @staticmethod
    def resolve_boxes(c) -> list:
        boxes = getattr(c, "contents_boxes", None)  # read with its pledge's page (selectors.attach_contents)
        if boxes is not None:
            return boxes
        prefetch_related_objects([c], "boxes__lines__item", "boxes__lines__lot")  # none when already fetched
        return list(c.boxes.all())


class PledgeOut(Schema):
    id: PublicId
    direction: str
    state: str
    label: Localized
    donor: uuid.UUID
    recipient: uuid.UUID
    offered_on: dt.date | None
    cancel_reason: str
    lines: list[PledgeLineOut]
    consignments: list[ConsignmentOut]

    @staticmethod
    def resolve_donor(p) -> uuid.UUID:
        return p.donor.public_id

    @staticmethod
    def resolve_recipient(p) -> uuid.UUID:
        return p.recipient.public_id

    @staticmethod
    def resolve_lines(p) -> list:
        return _contents(p).contents_lines

    @staticmethod
    def resolve_consignments(p) -> list:
        return _contents(p).contents_consignments


def _contents(p):
    """The pledge with its lines, consignments, boxes and box lines read (nothing more when its page read them)."""
    if not hasattr(p, "contents_lines"):
        selectors.attach_contents([p])
    return p


class MovementOut(Schema):
    id: uuid.UUID
    operation: str
    at: dt.datetime
    reason: str
    item: str = Field(..., description="the item's code")
    lot: str
    expires_on: dt.date | None
    quantity: int
    from_: str = Field(..., alias="from")
    from_kind: str
    to: str
    to_kind: str
    pledge: uuid.UUID | None
    donor: str | None
    consignment: str | None
    box: int | None
    recipient: str | None
    recipient_group: str
    people_count: int | None
    signed_by: str
    signed_at: dt.datetime | None
    reverses: uuid.UUID | None
    note: str


class StockOut(_ItemLotOut):
    location: uuid.UUID
    location_name: str
    item: uuid.UUID
    item_code: str
    lot: str
    lot_id: uuid.UUID
    expires_on: dt.date | None
    expired: bool
    expiring_soon: bool
    quantity: int

    @staticmethod
    def resolve_location(b) -> uuid.UUID:
        return b.location.public_id

    @staticmethod
    def resolve_location_name(b) -> str:
        return localized_str(b.location.name)

    @staticmethod
    def resolve_item_code(b) -> str:
        return b.item.code

    @staticmethod
    def resolve_expired(b) -> bool:
        return b.lot.expires_on is not None and b.lot.expires_on < timezone.localdate()

    @staticmethod
    def resolve_expiring_soon(b) -> bool:
        today = timezone.localdate()
        warn = today + dt.timedelta(days=settings.EXPIRY_WARNING_DAYS)
        return b.lot.expires_on is not None and today <= b.lot.expires_on <= warn


class FefoOut(Schema):
    lot: str
    lot_id: uuid.UUID
    expires_on: dt.date | None
    quantity: int


class GrantOut(Schema):
    location: uuid.UUID
    username: str


def movement_out(m) -> dict:
    return exports.movement_row(m)


def _lines(org, actor, lines) -> list[dict]:
    out = []
    for line in lines:
        item = selectors.item(org=org, public_id=line.item)
        lot = selectors.lot(org=org, actor=actor, public_id=line.lot) if line.lot else None
        pledge = selectors.pledge_ref(org=org, public_id=line.pledge) if line.pledge else None
        out.append({"item": item, "quantity": line.quantity, "lot": lot, "pledge": pledge})
    return out


def _city(geonameid):
    if geonameid is None:
        return None
    city = places.find_city(geonameid)
    if city is None:
        raise ValidationFailed(_("Unknown city."), fields={"city_geonameid": _("No city has this GeoNames id.")})
    return city


@router.get("/items", response=list[ItemOut], operation_id="aid_items_list")
@paged
@requires("aid.view")
def items_list(request, archived: bool = False):
    """The catalogue of items in use; `archived=true` (owners) lists the archived ones instead."""
    if archived:
        enforce(request, "aid.restore")
    return selectors.items(org=request.org, archived=archived)


@router.post("/items", response={201: ItemOut}, operation_id="aid_items_create")
@requires("aid.edit")
@idempotent
def items_create(request, payload: AidItemIn):
    """Add an item to the catalogue."""
    i = services.create_item(org=request.org, actor=request.user, **payload.dict())
    return Status(201, ItemOut.from_orm(i))


@router.post("/items/{public_id}/archive", response=ItemOut, operation_id="aid_items_archive")
@requires("aid.edit")
@idempotent
def items_archive(request, public_id: uuid.UUID):
    """Archive an item: out of the catalogue's list and the forms; its movements, traces and reports stay.
    Refused (409 `still_held`) while some of it is in a store, reserved or in transit."""
    item = selectors.item(org=request.org, public_id=public_id)
    return ItemOut.from_orm(services.archive_item(org=request.org, actor=request.user, item=item))


@router.post("/items/{public_id}/restore", response=ItemOut, operation_id="aid_items_restore")
@requires("aid.restore")
@idempotent
def items_restore(request, public_id: uuid.UUID):
    """Bring an archived item back to the catalogue (owners)."""
    item = selectors.item(org=request.org, public_id=public_id)
    return ItemOut.from_orm(services.restore_item(org=request.org, actor=request.user, item=item))


@router.get("/parties", response=list[PartyOut], operation_id="aid_parties_list")
@paged
@requires("aid.view")
def parties_list(request):
    """Donors and recipients."""
    return selectors.parties(org=request.org)


@router.post("/parties", response={201: PartyOut}, operation_id="aid_parties_create")
@requires("aid.edit")
@idempotent
def parties_create(request, payload: PartyIn):
    """Add a donor or recipient."""
    p = services.create_party(
        org=request.org, actor=request.user, name=payload.name, kind=payload.kind, city=_city(payload.city_geonameid)
    )
    return Status(201, PartyOut.from_orm(p))


@router.get("/locations", response=list[LocationOut], operation_id="aid_locations_list")
@paged
@requires("aid.view")
def locations_list(request):
    """The stores and virtual locations you may see."""
    return selectors.locations(org=request.org, actor=request.user).select_related("party")


@router.post("/locations", response={201: LocationOut}, operation_id="aid_locations_create")
@requires("aid.edit")
@idempotent
def locations_create(request, payload: LocationIn):
    """Add a store of a party."""
    loc = services.create_location(
        org=request.org,
        actor=request.user,
        name=payload.name,
        party=selectors.party(org=request.org, public_id=payload.party),
    )
    return Status(201, LocationOut.from_orm(loc))


class GrantIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)


@router.post("/locations/{public_id}/grants", response={201: GrantOut}, operation_id="aid_locations_grant")
@requires("aid.edit")
@idempotent
def locations_grant(request, public_id: uuid.UUID, payload: GrantIn):
    """Let an institution-store member see and act on this store."""
    where = selectors.location(org=request.org, public_id=public_id)
    membership = request.org.memberships.filter(user__username=payload.username).first()
    services.grant_location(org=request.org, actor=request.user, membership=membership, location=where)
    return Status(201, {"location": where.public_id, "username": payload.username})


@router.get("/stock", response=list[StockOut], operation_id="aid_stock")
@paged
@requires("aid.view")
def stock(request, location: uuid.UUID | None = None):
    """Units on hand per location, item and lot."""
    where = selectors.location(org=request.org, actor=request.user, public_id=location) if location else None
    return selectors.stock(org=request.org, actor=request.user, location=where)



@router.get("/fefo", response=list[FefoOut], operation_id="aid_fefo")
@requires("aid.view")
def fefo(request, location: uuid.UUID, item: uuid.UUID, quantity: int = Query(..., gt=0, le=MAX_QUANTITY),
         pledge: uuid.UUID | None = None):
    """The lots a handover or distribution would take: first expiry first out, never an expired lot."""
    where = selectors.location(org=request.org, actor=request.user, public_id=location)
    plan = services.fefo(
        org=request.org, location=where, item=selectors.item(org=request.org, public_id=item), quantity=quantity,
        pledge=selectors.pledge_ref(org=request.org, public_id=pledge) if pledge else None,
    )
    return [
        {"lot": lot.number, "lot_id": lot.public_id, "expires_on": lot.expires_on, "quantity": q} for lot, q in plan
    ]


@router.get("/pledges", response=list[PledgeOut], operation_id="aid_pledges_list")
@paged
@requires("aid.view")
def pledges_list(request, direction: str | None = None, state: str | None = None):
    """Pledges, newest first, with their lines and consignments."""
    pledges = selectors.pledges(org=request.org, actor=request.user, direction=direction, state=state)
    return mapped(pledges, prepare=selectors.attach_contents)  # the page's contents in four queries


@router.post("/pledges", response={201: PledgeOut}, operation_id="aid_pledges_create")
@requires("aid.edit")
@idempotent
def pledges_create(request, payload: PledgeIn):
    """Record a pledge with its lines."""
    org = request.org
    p = services.create_pledge(
        org=org,
        actor=request.user,
        direction=payload.direction,
        label=payload.label,
        donor=selectors.party(org=org, public_id=payload.donor),
        recipient=selectors.party(org=org, public_id=payload.recipient),
        offered_on=payload.offered_on,
        note=payload.note,
        lines=[(ln["item"], ln["quantity"]) for ln in _lines(org, request.user, payload.lines)],
    )
    return Status(201, PledgeOut.from_orm(p))


@router.get("/pledges/{public_id}", response=PledgeOut, operation_id="aid_pledges_get")
@requires("aid.view")
def pledges_get(request, public_id: uuid.UUID):
    """One pledge with its lines and consignments."""
    return selectors.pledge(org=request.org, actor=request.user, public_id=public_id)


@router.post("/pledges/{public_id}/transition", response=PledgeOut, operation_id="aid_pledges_transition")
@requires("aid.handle")
@idempotent
def pledges_transition(request, public_id: uuid.UUID, payload: PledgeTransitionIn):
    """Accept, ship, deliver, close or cancel a pledge."""
    org = request.org
    p = selectors.pledge(org=org, actor=request.user, public_id=public_id)
    source = selectors.location(org=org, actor=request.user, public_id=payload.source) if payload.source else None
    p = services.transition_pledge(
        org=org, actor=request.user, pledge=p, action=payload.action, reason=payload.reason, source=source
    )
    return PledgeOut.from_orm(p)


@router.post("/pledges/{public_id}/consignments", response={201: ConsignmentOut},
             operation_id="aid_consignments_create")
@requires("aid.handle")
@idempotent
def consignments_create(request, public_id: uuid.UUID, payload: ConsignmentIn):
    """Send a consignment of boxes for a pledge."""
    org = request.org
    p = selectors.pledge(org=org, actor=request.user, public_id=public_id)
    boxes = [
        {
            "label": b.label,
            "lines": [
                {
                    "item": selectors.item(org=org, public_id=ln.item),
                    "quantity": ln.quantity,
                    "lot": ln.lot,
                    "expires_on": ln.expires_on,
                }
                for ln in b.lines
            ],
        }
        for b in payload.boxes
    ]
    c = services.create_consignment(
        org=org,
        actor=request.user,
        pledge=p,
        boxes=boxes,
        carrier=payload.carrier,
        tracking_ref=payload.tracking_ref,
        shipped_on=payload.shipped_on,
    )
    return Status(201, ConsignmentOut.from_orm(c))


@router.post("/pledges/{public_id}/consignments/import", response={201: ConsignmentOut},
             operation_id="aid_consignments_import")
@requires("aid.handle")
@idempotent
def consignments_import(
    request, public_id: uuid.UUID, file: File[UploadedFile], carrier: str = "", tracking_ref: str = ""
):
    """Send a consignment whose boxes come from a CSV file (all or nothing)."""
    p = selectors.pledge(org=request.org, actor=request.user, public_id=public_id)
    c = imports.import_boxes(
        org=request.org, actor=request.user, pledge=p, upload=file, carrier=carrier, tracking_ref=tracking_ref
    )
    return Status(201, ConsignmentOut.from_orm(c))


@router.get("/consignments/{public_id}", response=ConsignmentOut, operation_id="aid_consignments_get")
@requires("aid.view")
def consignments_get(request, public_id: uuid.UUID):
    """One consignment with its boxes."""
    return selectors.consignment(org=request.org, actor=request.user, public_id=public_id)


@router.post("/consignments/{public_id}/receive-all", response=ConsignmentOut,
             operation_id="aid_consignments_receive_all")
@requires("aid.handle")
@idempotent
def consignments_receive_all(request, public_id: uuid.UUID, payload: ReceiveAllIn):
    """Receive every box still on its way as sent, into one store; exception lines for the boxes that differ."""
    org = request.org
    c = selectors.consignment(org=org, actor=request.user, public_id=public_id)
    services.receive_consignment(
        org=org,
        actor=request.user,
        consignment=c,
        location=selectors.location(org=org, actor=request.user, public_id=payload.location),
        reason=payload.reason,
        exceptions=[{"box": e.box, "item": selectors.item(org=org, public_id=e.item) if e.item else None,
                     "received": e.received, "damaged": e.damaged} for e in payload.exceptions],
    )
    return ConsignmentOut.from_orm(c)


@router.post("/boxes/{public_id}/receive", response=ConsignmentOut, operation_id="aid_boxes_receive")
@requires("aid.handle")
@idempotent
def boxes_receive(request, public_id: uuid.UUID, payload: ReceiveIn):
    """Receive a box into a store, line by line."""
    org = request.org
    box = selectors.box(org=org, actor=request.user, public_id=public_id)
    where = selectors.location(org=org, actor=request.user, public_id=payload.location)
    services.receive_box(
        org=org,
        actor=request.user,
        box=box,
        location=where,
        reason=payload.reason,
        lines=[{"line": ln.line, "received": ln.received, "damaged": ln.damaged} for ln in payload.lines],
    )
    return ConsignmentOut.from_orm(box.consignment)


@router.post("/intakes", response={201: list[MovementOut]}, operation_id="aid_intakes_create")
@requires("aid.handle")
@idempotent
def intakes_create(request, payload: IntakeIn):
    """Take units into a store (outside any pledge)."""
    org = request.org
    moved = services.intake(
        org=org,
        actor=request.user,
        location=selectors.location(org=org, actor=request.user, public_id=payload.location),
        item=selectors.item(org=org, public_id=payload.item),
        quantity=payload.quantity,
        donor=selectors.party(org=org, public_id=payload.donor) if payload.donor else None,
        lot_number=payload.lot,
        expires_on=payload.expires_on,
        note=payload.note,
    )
    return Status(201, [movement_out(m) for m in moved])


@router.post("/handovers", response={201: list[MovementOut]}, operation_id="aid_handovers_create")
@requires("aid.handle")
@idempotent
def handovers_create(request, payload: StockHandoverIn):
    """Hand units over from one store to another."""
    org = request.org
    moved = services.handover(
        org=org,
        actor=request.user,
        source=selectors.location(org=org, actor=request.user, public_id=payload.source),
        target=selectors.location(org=org, public_id=payload.target),
        signed_by=payload.signed_by,
        signed_at=payload.signed_at,
        note=payload.note,
        lines=_lines(org, request.user, payload.lines),
    )
    return Status(201, [movement_out(m) for m in moved])


@router.post("/distributions", response={201: list[MovementOut]}, operation_id="aid_distributions_create")
@requires("aid.handle")
@idempotent
def distributions_create(request, payload: DistributionIn):
    """Distribute units to their final recipient."""
    org = request.org
    moved = services.distribute(
        org=org,
        actor=request.user,
        source=selectors.location(org=org, actor=request.user, public_id=payload.source),
        recipient=selectors.party(org=org, public_id=payload.recipient),
        recipient_group=payload.recipient_group,
        people_count=payload.people_count,
        note=payload.note,
        lines=_lines(org, request.user, payload.lines),
    )
    return Status(201, [movement_out(m) for m in moved])


@router.post("/disposals", response={201: list[MovementOut]}, operation_id="aid_disposals_create")
@requires("aid.handle")
@idempotent
def disposals_create(request, payload: DisposalIn):
    """Expired or spoilt units leave the store for *lost or damaged*, with a reason (expired lots first)."""
    org = request.org
    moved = services.dispose(
        org=org,
        actor=request.user,
        source=selectors.location(org=org, actor=request.user, public_id=payload.source),
        reason=payload.reason,
        lines=_lines(org, request.user, payload.lines),
    )
    return Status(201, [movement_out(m) for m in moved])


@router.post("/movements/{public_id}/reverse", response={201: list[MovementOut]},
             operation_id="aid_movements_reverse")
@requires("aid.handle")
@idempotent
def movements_reverse(request, public_id: uuid.UUID, payload: ReverseIn):
    """Reverse a movement (a correction, posted as a new movement)."""
    m = selectors.movement(org=request.org, public_id=public_id)
    made = services.reverse_movement(org=request.org, actor=request.user, movement=m, note=payload.note)
    return Status(201, [movement_out(x) for x in made])


@router.get("/movements", response=list[MovementOut], by_alias=True, operation_id="aid_movements_list")
@paged
@requires("aid.view")
def movements_list(request):
    """The ledger's movements (the whole ledger as CSV: /exports/movements)."""
    rows = selectors.movement_values(selectors.movements(org=request.org, actor=request.user))
    return mapped(rows, exports.movement_values_row)


@router.get("/exports/movements", operation_id="aid_export_movements")
@requires("aid.view")
def export_movements(request):
    """Every movement you may see, as CSV."""
    rows = selectors.movements(org=request.org, actor=request.user)
    return HttpResponse(exports.movements_csv(rows), content_type="text/csv; charset=utf-8")


@router.get("/trace/forward/{public_id}", response=dict, operation_id="aid_trace_forward")
@requires("aid.view")
def trace_forward(request, public_id: uuid.UUID):
    """Where the units of a pledge, consignment, box or lot are now."""
    target = selectors.find_traceable(org=request.org, actor=request.user, public_id=public_id)
    return exports.jsonable(selectors.trace_forward(target))


@router.get("/trace/backward/{public_id}", response=list[dict], operation_id="aid_trace_backward")
@paged
@requires("aid.view")
def trace_backward(request, public_id: uuid.UUID):
    """Which donors and pledges a store's units came from."""
    where = selectors.location(org=request.org, actor=request.user, public_id=public_id)
    return exports.jsonable(selectors.trace_backward(org=request.org, location=where))


@router.get("/lots/{public_id}/recall", response=dict, operation_id="aid_lots_recall")
@requires("aid.view")
def lots_recall(request, public_id: uuid.UUID):
    """Every place and recipient holding units of a lot (an institution store's member: their stores' part)."""
    lot = selectors.lot(org=request.org, actor=request.user, public_id=public_id)
    return exports.jsonable(selectors.recall(org=request.org, actor=request.user, lot=lot))


@router.get("/pledges/{public_id}/report", response=dict, operation_id="aid_pledges_report")
@requires("aid.view")
def pledges_report(request, public_id: uuid.UUID):
    """The donor report: where a pledge's gift went."""
    p = selectors.pledge(org=request.org, actor=request.user, public_id=public_id)
    return exports.report_json(selectors.report(org=request.org, pledge=p))


@router.get("/exports/iati", operation_id="aid_export_iati")
@requires("aid.view")
def export_iati(request):
    """The aid as IATI 2.03 activity XML."""
    return HttpResponse(exports.iati_xml(org=request.org, actor=request.user), content_type="application/xml")


@router.get("/exports/hxl", operation_id="aid_export_hxl")
@requires("aid.view")
def export_hxl(request):
    """The aid as an HXL-hashtagged CSV."""
    return HttpResponse(exports.hxl_csv(org=request.org, actor=request.user), content_type="text/csv; charset=utf-8")


# --- two offices, one shipment (aid.sharing) -------------------------------------------------------


class PartnerOfficeOut(Schema):
    slug: str = Field(..., description="the office's short name, as an offer names it")
    name: Localized
    city_geonameid: int = Field(..., validation_alias="city_id")


class PledgeLinkLineOut(Schema):
    item: str = Field(..., description="the item's code (an offer is matched by code in each catalogue)")
    name: Localized
    quantity: int

    @staticmethod
    def resolve_item(ln) -> str:
        return ln.item.code

    @staticmethod
    def resolve_name(ln) -> dict:
        return ln.item.name


# A link as the request's office sees it (its side, its own pledge): validated with the request in context.
class PledgeLinkOut(Schema):
    id: PublicId
    reference: str = Field(..., description="the shared reference both offices see")
    state: str
    side: Literal["donor", "recipient"] = Field(..., description="this office's side of the link")
    donor_office: PartnerOfficeOut
    recipient_office: PartnerOfficeOut
    label: Localized
    offered_on: dt.date | None
    lines: list[PledgeLinkLineOut] = Field(..., description="what the donor office offered")
    pledge: uuid.UUID | None = Field(..., description="your own pledge in the link (the outbound one you offered, "
                                                      "or the inbound one you accepted it as); null while an "
                                                      "offer to you waits")
    cancel_reason: str
    created_at: dt.datetime

    @staticmethod
    def resolve_side(link, context) -> str:
        return "donor" if _donor_side(link, context) else "recipient"

    @staticmethod
    def resolve_donor_office(link):
        return link.donor_pledge.org

    @staticmethod
    def resolve_recipient_office(link):
        return link.recipient_org

    @staticmethod
    def resolve_label(link) -> dict:
        return link.donor_pledge.label

    @staticmethod
    def resolve_offered_on(link) -> dt.date | None:
        return link.donor_pledge.offered_on

    @staticmethod
    def resolve_lines(link) -> list:
        return sharing.offer_lines(link)

    @staticmethod
    def resolve_pledge(link, context) -> uuid.UUID | None:
        mine = link.donor_pledge if _donor_side(link, context) else link.recipient_pledge
        return mine.public_id if mine is not None else None


def _donor_side(link, context) -> bool:
    return link.donor_pledge.org_id == context["request"].org.pk


def _link_out(request, link) -> PledgeLinkOut:
    """A link shaped for an idempotent write's stored answer."""
    return PledgeLinkOut.model_validate(link, context={"request": request})


class PledgeLinkOfferIn(Schema):
    pledge: uuid.UUID = Field(..., description="your outbound pledge")
    office: str = Field(..., min_length=1, max_length=50,
                        description="a partner office's short name (GET /aid/links/offices)")


class PledgeLinkAcceptIn(Schema):
    pledge: uuid.UUID | None = Field(None, description="link this inbound pledge of yours (not linked yet)")
    donor: uuid.UUID | None = Field(None, description="or record a new inbound pledge: its donor (one of your "
                                                      "parties)")
    recipient: uuid.UUID | None = Field(None, description="… and its recipient")


class PledgeLinkCancelIn(Schema):
    reason: str = Field(..., min_length=1, max_length=2000)


class SharedPlaceOut(Schema):
    location: Localized
    kind: str
    quantity: int


class SharedItemOut(Schema):
    item: str
    name: Localized
    pledged: int
    sent: int
    accounted: int
    places: list[SharedPlaceOut]


class SharedRecipientOut(Schema):
    recipient: Localized
    group: str
    item: str
    name: Localized
    quantity: int
    people: int | None


class SharedDiscrepancyOut(Schema):
    reason: str = Field(..., description="short, damaged or over")
    item: str
    lot: str
    quantity: int
    note: str


class SharedBoxLineOut(Schema):
    item: str
    lot: str
    quantity: int


class SharedBoxOut(Schema):
    number: int
    label: str
    state: str
    lines: list[SharedBoxLineOut]
    discrepancies: list[SharedDiscrepancyOut]


class SharedConsignmentOut(Schema):
    reference: str
    carrier: str
    shipped_on: dt.date | None
    boxes: list[SharedBoxOut]


class SharedViewOut(Schema):
    reference: str
    recipient_office: PartnerOfficeOut
    pledge_state: str = Field(..., description="the state of the recipient office's pledge")
    reconciles: bool = Field(..., description="every unit sent is accounted for in the recipient's ledger")
    items: list[SharedItemOut]
    recipients: list[SharedRecipientOut] = Field(..., description="final recipients (hospitals, wards)")
    consignments: list[SharedConsignmentOut]


def shared_out(view: dict) -> dict:
    link, report = view["link"], view["report"]
    return {
        "reference": link.reference,
        "recipient_office": link.recipient_org,
        "pledge_state": report["pledge"].state,
        "reconciles": report["reconciles"],
        "items": [{"item": i["item"].code, "name": i["item"].name, "pledged": i["pledged"], "sent": i["sent"],
                   "accounted": i["accounted"],
                   "places": [{"location": loc.name, "kind": loc.kind, "quantity": q} for loc, q in i["places"]]}
                  for i in report["items"]],
        "recipients": [{"recipient": r["recipient__name"], "group": r["recipient_group"], "item": r["item__code"],
                        "name": r["item__name"], "quantity": r["quantity"], "people": r["people"]}
                       for r in report["recipients"]],
        "consignments": [
            {"reference": c.reference, "carrier": c.carrier, "shipped_on": c.shipped_on,
             "boxes": [{"number": b.number, "label": b.label, "state": b.state,
                        "lines": [{"item": ln.item.code, "lot": ln.lot.number, "quantity": ln.quantity}
                                  for ln in b.lines.all()],
                        "discrepancies": [{"reason": m.reason, "item": m.item.code, "lot": m.lot.number,
                                           "quantity": m.quantity, "note": m.note} for m in b.discrepancies]}
                       for b in boxes]}
            for c, boxes in view["boxes"]
        ],
    }


def _link(request, public_id):
    return sharing.link(org=request.org, actor=request.user, public_id=public_id)


@router.get("/links", response=list[PledgeLinkOut], operation_id="aid_links_list")
@paged
@requires("aid.view")
def links_list(request, side: Literal["offered_by_us", "offered_to_us"] | None = None,
               state: OneOf[LinkState] | None = None):
    """Shipments shared with other offices: pledges this office offered, and offers made to it."""
    return sharing.with_offers(sharing.links(org=request.org, actor=request.user, side=side, state=state))


@router.get("/links/offices", response=list[PartnerOfficeOut], operation_id="aid_links_offices")
@paged
@requires("aid.view")
def links_offices(request):
    """Offices a pledge may be offered to: partner offices on this instance.

    An office is listed when its city is this office's partner and it has recorded this office's city as
    its partner too; no other organization on the instance is named.
    """
    access.require_office(request.org, request.user)
    return sharing.partner_offices(request.org)


@router.post("/links", response={201: PledgeLinkOut}, operation_id="aid_links_offer")
@requires("aid.edit")
@idempotent
def links_offer(request, payload: PledgeLinkOfferIn):
    """Offer an outbound pledge to a partner office, which sees the offer and accepts or declines it."""
    org = request.org
    pledge = selectors.pledge(org=org, actor=request.user, public_id=payload.pledge)
    office = sharing.partner_office(org, payload.office)
    if office is None:  # unknown and not a partner answer alike
        raise ValidationFailed(_("A pledge can be offered only to a partner office."),
                               fields={"office": _("Choose an office whose city is your partner.")})
    link = sharing.offer_link(org=org, actor=request.user, pledge=pledge, recipient_org=office)
    return Status(201, _link_out(request, link))


@router.get("/links/{public_id}", response=PledgeLinkOut, operation_id="aid_links_get")
@requires("aid.view")
def links_get(request, public_id: uuid.UUID):
    """One shared shipment: its reference, state, both offices and what was offered."""
    return _link(request, public_id)


@router.post("/links/{public_id}/accept", response=PledgeLinkOut, operation_id="aid_links_accept")
@requires("aid.edit")
@idempotent
def links_accept(request, public_id: uuid.UUID, payload: PledgeLinkAcceptIn):
    """Accept an offer from another office, as one of your inbound pledges or as a new one with its items."""
    org = request.org
    link = _link(request, public_id)
    pledge = selectors.pledge(org=org, actor=request.user, public_id=payload.pledge) if payload.pledge else None
    link = sharing.accept_link(
        org=org, actor=request.user, link=link, pledge=pledge,
        donor=selectors.party(org=org, public_id=payload.donor) if payload.donor else None,
        recipient=selectors.party(org=org, public_id=payload.recipient) if payload.recipient else None,
    )
    return _link_out(request, link)


@router.post("/links/{public_id}/cancel", response=PledgeLinkOut, operation_id="aid_links_cancel")
@requires("aid.edit")
@idempotent
def links_cancel(request, public_id: uuid.UUID, payload: PledgeLinkCancelIn):
    """End a link, or decline an offer, with a reason (either office may; each keeps its own pledge)."""
    link = sharing.cancel_link(org=request.org, actor=request.user, link=_link(request, public_id),
                               reason=payload.reason)
    return _link_out(request, link)


@router.get("/links/{public_id}/shared", response=SharedViewOut, operation_id="aid_links_shared")
@requires("aid.view")
def links_shared(request, public_id: uuid.UUID):
    """The donor office's read-only view of the recipient's receipt and custody of the linked pledge.

    Only the donor office reads it, and only while the link stands (accepted, not cancelled): the
    recipient's boxes and their states, what arrived short, damaged or over, where the units are and the
    final recipients they reached. Nothing else of the recipient office is shown.
    """
    view = sharing.shared_view(org=request.org, link=_link(request, public_id))
    if "report" not in view:
        raise Http404
    return shared_out(view)
