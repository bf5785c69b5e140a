"""Reads of the aid ledger, always for one org (and, for institution stores, only their locations)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import BooleanField, Case, Count, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value, When

from hamdeli.aid import access
from hamdeli.aid.models import (
    Balance,
    Box,
    BoxLine,
    Consignment,
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
from hamdeli.core import selectors as core
from hamdeli.core.dates import today
from hamdeli.core.listing import choice_order, sort
from hamdeli.core.localized import localized_str
from hamdeli.core.models import Membership, Organization, Role
from hamdeli.core.records import get_or_404
from hamdeli.core.types import Actor

Traceable = Pledge | Consignment | Box | Lot  # what the trace follows


def items(*, org: Organization, archived: bool | None = False) -> QuerySet[Item]:
    """The org's catalogue: the items in use (what the forms offer); `archived=True` only the archived
    ones, None every item (names for exports of past movements)."""
    qs = Item.objects.filter(org=org)
    return qs if archived is None else qs.filter(archived_at__isnull=not archived)


def item(*, org: Organization, public_id: UUID) -> Item:
    return get_or_404(Item, org=org, public_id=public_id)


def parties(*, org: Organization) -> QuerySet[Party]:
    return Party.objects.filter(org=org).select_related("city")


def reached_parties(*, org: Organization) -> list[tuple[Party, int]]:
    """Hospitals, ministries and institutions the aid reached, with the units they received: handed over
    or received into one of their stores, or distributed to them. Donor cities are not among them."""
    units: dict[int, int] = defaultdict(int)
    handed = (Movement.objects.filter(org=org, reason__in=[Reason.HANDOVER, Reason.RECEIPT],
                                      to_location__party__isnull=False)
              .values("to_location__party").annotate(n=Sum("quantity")))
    for row in handed:
        units[row["to_location__party"]] += row["n"]
    given = (Movement.objects.filter(org=org, reason=Reason.DISTRIBUTION, recipient__isnull=False)
             .values("recipient").annotate(n=Sum("quantity")))
    for gift in given:
        units[gift["recipient"]] += gift["n"]
    kinds = [PartyKind.HOSPITAL, PartyKind.MINISTRY, PartyKind.INSTITUTION]
    reached = Party.objects.filter(org=org, pk__in=list(units), kind__in=kinds).select_related("city")
    return sorted(((p, units[p.pk]) for p in reached), key=lambda pair: localized_str(pair[0].name))


def party(*, org: Organization, public_id: UUID) -> Party:
    return get_or_404(Party, org=org, public_id=public_id)


def locations(*, org: Organization, actor: Actor = None, real_only: bool = False) -> QuerySet[Location]:
    qs = Location.objects.filter(org=org).select_related("party")
    allowed = access.allowed_location_ids(org, actor)
    if allowed is not None:
        qs = qs.filter(pk__in=allowed)
    return qs.filter(kind=LocationKind.REAL) if real_only else qs


def location(*, org: Organization, actor: Actor = None, public_id: UUID) -> Location:
    return get_or_404(locations(org=org, actor=actor), public_id=public_id)


def pledges(*, org: Organization, actor: Actor = None, direction: str | None = None, state: str | None = None,
            ) -> QuerySet[Pledge]:
    access.require_office(org, actor)
    qs = Pledge.objects.filter(org=org).select_related("donor", "recipient")
    if direction:
        qs = qs.filter(direction=direction)
    return qs.filter(state=state) if state else qs


PLEDGE_SORTS = {"offered": sort("offered_on", descending_first=True), "direction": sort("direction"),
                "state": sort(choice_order("state", PledgeState))}


def filtered_pledges(*, org: Organization, actor: Actor = None, direction: str | None = None, state: str | None = None,
                     party: Party | None = None, date_from: dt.date | None = None,
                     date_to: dt.date | None = None) -> QuerySet[Pledge]:
    """The pledges page's rows: by direction and state, a party as donor or recipient, offered between dates."""
    qs = pledges(org=org, actor=actor, direction=direction, state=state)
    if party is not None:
        qs = qs.filter(Q(donor=party) | Q(recipient=party))
    if date_from:
        qs = qs.filter(offered_on__gte=date_from)
    return qs.filter(offered_on__lte=date_to) if date_to else qs


def attach_contents(pledges: "list[Pledge]") -> None:
    """Each pledge's lines (`contents_lines`) and consignments (`contents_consignments`), each consignment's
    boxes (`contents_boxes`) and each box's lines (`contents_lines`), read in four queries and set on the rows
    as lists (the API's pledges read them so). Django's prefetch would give the same rows but build a filtered
    queryset for every pledge, consignment and box: for a hundred boxes that cost more than the rows."""
    if not pledges:
        return
    org_id = pledges[0].org_id
    by_pledge = {p.pk: p for p in pledges}
    for p in pledges:
        p.contents_lines, p.contents_consignments = [], []
    lines = (PledgeLine.objects.filter(org_id=org_id, pledge__in=list(by_pledge)).select_related("item")
             .only("pledge", "quantity", "item__public_id"))  # only what the API shows, and the keys
    for line in lines:
        by_pledge[line.pledge_id].contents_lines.append(line)
    consignments = {c.pk: c for c in Consignment.objects.filter(org_id=org_id, pledge__in=list(by_pledge)).only(
        "pledge", "public_id", "reference", "carrier", "tracking_ref", "shipped_on")}
    for c in consignments.values():
        c.contents_boxes = []
        by_pledge[c.pledge_id].contents_consignments.append(c)
    if not consignments:
        return
    boxes = {b.pk: b for b in Box.objects.filter(org_id=org_id, consignment__in=list(consignments)).only(
        "consignment", "public_id", "number", "label", "state")}
    for b in boxes.values():
        b.contents_lines = []
        consignments[b.consignment_id].contents_boxes.append(b)
    if not boxes:
        return
    box_lines = (BoxLine.objects.filter(org_id=org_id, box__in=list(boxes)).select_related("item", "lot")
                 .only("box", "public_id", "quantity", "item__public_id", "lot__number", "lot__public_id",
                       "lot__expires_on"))
    for box_line in box_lines:
        boxes[box_line.box_id].contents_lines.append(box_line)


def pledge(*, org: Organization, actor: Actor = None, public_id: UUID) -> Pledge:
    access.require_office(org, actor)
    return get_or_404(Pledge.objects.filter(org=org).select_related("donor", "recipient"), public_id=public_id)


def pledge_steps(pledge: Pledge) -> list[str]:
    """The steps (services.PLEDGE_STEPS) this pledge can take now (the service still checks): an
    outbound pledge is shipped and delivered by a step, an inbound one by its consignments and boxes."""
    return [step for step in Pledge.STEPS if pledge.can_step(step)]


def pledge_ref(*, org: Organization, public_id: UUID) -> Pledge:
    """A pledge named to narrow which lots a move takes from (a store member may name it, not read it)."""
    return get_or_404(Pledge, org=org, public_id=public_id)


def consignment(*, org: Organization, actor: Actor = None, public_id: UUID) -> Consignment:
    access.require_office(org, actor)
    return get_or_404(Consignment.objects.filter(org=org).select_related("pledge"), public_id=public_id)


def box(*, org: Organization, actor: Actor = None, public_id: UUID) -> Box:
    access.require_office(org, actor)
    return get_or_404(Box.objects.filter(org=org).select_related("consignment__pledge"), public_id=public_id)


def lot(*, org: Organization, actor: Actor = None, public_id: UUID) -> Lot:
    """A lot of the org; for an institution store's member, only one that has been in one of their stores."""
    lots = Lot.objects.filter(org=org)
    allowed = access.allowed_location_ids(org, actor)
    if allowed is not None:
        lots = lots.filter(pk__in=access.touching(Movement.objects.filter(org=org), allowed).values("lot_id"))
    return get_or_404(lots.select_related("item", "pledge", "donor"), public_id=public_id)


def movement(*, org: Organization, public_id: UUID) -> Movement:
    return get_or_404(Movement, org=org, public_id=public_id)


def grants(*, org: Organization, location: Location) -> QuerySet[InstitutionAccess]:
    """Institution-store members who may work on this store."""
    return InstitutionAccess.objects.filter(org=org, location=location).select_related("membership__user")


def member_grants(*, org: Organization) -> QuerySet[InstitutionAccess]:
    """Every store granted to an institution-store member of the office (the people page lists them)."""
    return InstitutionAccess.objects.filter(org=org).select_related("location__party").order_by("location__pk")


def institution_members(*, org: Organization) -> QuerySet[Membership]:
    return core.members_with_role(org=org, role=Role.INSTITUTION)


def stock(*, org: Organization, actor: Actor = None, location: Location | None = None, item: Item | None = None,
          ) -> QuerySet[Balance]:
    """Positive balances at real locations, with item and lot."""
    qs = (
        Balance.objects.filter(org=org, virtual=False, quantity__gt=0)
        .select_related("location", "item", "lot")
        .order_by("location_id", "item__code", "lot__expires_on")
    )
    allowed = access.allowed_location_ids(org, actor)
    if allowed is not None:
        qs = qs.filter(location_id__in=allowed)
    if location is not None:
        qs = qs.filter(location=location)
    return qs.filter(item=item) if item is not None else qs


def usable_lots(*, org: Organization, actor: Actor = None, expired: bool = False) -> QuerySet[Lot]:
    """Lots with stock in a store the actor reaches: those not expired (or, for disposal, any)."""
    held = stock(org=org, actor=actor).values("lot_id")
    lots = Lot.objects.filter(org=org, pk__in=held).select_related("item")
    if not expired:
        lots = lots.filter(Q(expires_on__isnull=True) | Q(expires_on__gte=today()))
    return lots.order_by("item__code", "expires_on", "number")


def pledges_in_stock(*, org: Organization, actor: Actor = None) -> QuerySet[Pledge]:
    """Pledges whose units are in a store the actor reaches (to hand over or distribute from)."""
    held = stock(org=org, actor=actor).values("lot__pledge_id")
    return Pledge.objects.filter(org=org, pk__in=held).select_related("donor")


def expiring(*, org: Organization, actor: Actor = None, within_days: int | None = None, as_of: dt.date | None = None,
             location: Location | None = None) -> QuerySet[Any]:  # Balance rows, annotated `expired`
    """Stock whose lot expires within the warning window (HAMDELI_EXPIRY_WARNING_DAYS), or has already
    expired (`expired` says which)."""
    as_of = as_of or today()
    cutoff = as_of + dt.timedelta(days=settings.EXPIRY_WARNING_DAYS if within_days is None else within_days)
    return (stock(org=org, actor=actor, location=location)
            .filter(lot__expires_on__isnull=False, lot__expires_on__lte=cutoff)
            .annotate(expired=Case(When(lot__expires_on__lt=as_of, then=Value(True)), default=Value(False),
                                   output_field=BooleanField())))


def stock_summary(*, org: Organization, actor: Actor = None, as_of: dt.date | None = None) -> dict[str, int]:
    """In one query: the units in stock (`units`) and how many of the `expiring` balances have expired
    (`expired`) or expire within the warning window (`expiring`), as the dashboard's aid panel shows them."""
    as_of = as_of or today()
    cutoff = as_of + dt.timedelta(days=settings.EXPIRY_WARNING_DAYS)
    soon = Q(lot__expires_on__isnull=False, lot__expires_on__lte=cutoff)
    totals = stock(org=org, actor=actor).aggregate(
        units=Sum("quantity"),
        expired=Count("pk", filter=soon & Q(lot__expires_on__lt=as_of)),
        expiring=Count("pk", filter=soon & Q(lot__expires_on__gte=as_of)))
    return {"units": totals["units"] or 0, "expired": totals["expired"], "expiring": totals["expiring"]}


def movements(*, org: Organization, actor: Actor = None) -> QuerySet[Movement]:
    qs = Movement.objects.filter(org=org).select_related(
        "item", "lot", "from_location", "to_location", "pledge", "donor", "recipient", "box", "consignment", "reverses"
    )
    touched: QuerySet[Movement] = access.touching(qs, access.allowed_location_ids(org, actor))
    return touched.order_by("pk")


def _one(model: type[Pledge | Party | Consignment | Box | Movement], field: str, fk: str) -> Subquery:
    return Subquery(model.objects.filter(pk=OuterRef(fk)).values(field)[:1])


def movement_values(movements: QuerySet[Movement]) -> QuerySet[Any, Any]:
    """The movements as plain values for exports.movement_values_row (the API list, the CSV): the four
    relations every movement has are joined, the six optional ones read by scalar subqueries. Eleven joined
    tables cost PostgreSQL ~20 ms of planning per query (genetic optimiser), this shape under 1 ms."""
    return movements.annotate(
        pledge_uuid=_one(Pledge, "public_id", "pledge_id"),
        donor_name=_one(Party, "name", "donor_id"),
        consignment_reference=_one(Consignment, "reference", "consignment_id"),
        box_number=_one(Box, "number", "box_id"),
        recipient_name=_one(Party, "name", "recipient_id"),
        reverses_uuid=_one(Movement, "public_id", "reverses_id"),
    ).values(
        "public_id", "operation", "at", "reason", "item__code", "lot__number", "lot__expires_on", "quantity",
        "from_location__name", "from_location__kind", "to_location__name", "to_location__kind", "pledge_uuid",
        "donor_name", "consignment_reference", "box_number", "recipient_name", "recipient_group", "people_count",
        "signed_by", "signed_at", "reverses_uuid", "note",
    )


def pledge_choices(*, org: Organization) -> QuerySet[Pledge]:
    return Pledge.objects.filter(org=org).select_related("donor")


# The ledger page's sorts (core.listing): when (newest first), the quantity (largest first).
MOVEMENT_SORTS = {"at": sort("at", descending_first=True), "quantity": sort("quantity", descending_first=True)}


def filtered_movements(*, org: Organization, actor: Actor = None, item: Item | None = None, lot: str = "",
                       pledge: Pledge | None = None, location: Location | None = None, kind: str = "",
                       date_from: dt.date | None = None, date_to: dt.date | None = None) -> QuerySet[Movement]:
    """The ledger, newest first, narrowed by any of the filters (a location matches either end)."""
    qs = movements(org=org, actor=actor).select_related("reversed_by", "reverses").order_by("-pk")
    if item is not None:
        qs = qs.filter(item=item)
    if lot:
        qs = qs.filter(lot__number=lot.strip())
    if pledge is not None:
        qs = qs.filter(Q(pledge=pledge) | Q(lot__pledge=pledge))
    if location is not None:
        qs = qs.filter(Q(from_location=location) | Q(to_location=location))
    if kind:
        qs = qs.filter(reason=kind)
    if date_from:
        qs = qs.filter(at__date__gte=date_from)
    if date_to:
        qs = qs.filter(at__date__lte=date_to)
    return qs


def reversible(rows: Iterable[Movement]) -> set[int]:
    """Of these movements, the pks a correction may reverse now: not a reversal nor reversed, not a step of
    a pledge's own flow (cancel the pledge instead), and the units still where the movement took them."""
    from hamdeli.aid.services import PLEDGE_FLOW_REASONS

    rows = [m for m in rows if m.reason != Reason.REVERSAL and m.reason not in PLEDGE_FLOW_REASONS
            and getattr(m, "reversed_by", None) is None]
    keys = {(m.to_location_id, m.item_id, m.lot_id) for m in rows}
    held = {}
    if keys:
        for b in Balance.objects.filter(location_id__in={k[0] for k in keys}, item_id__in={k[1] for k in keys},
                                        lot_id__in={k[2] for k in keys}):
            held[(b.location_id, b.item_id, b.lot_id)] = (b.quantity, b.virtual)
    allowed = set()
    for m in rows:
        quantity, virtual = held.get((m.to_location_id, m.item_id, m.lot_id), (0, False))
        if virtual or quantity >= m.quantity:
            allowed.add(m.pk)
    return allowed


def recent_receipts(*, org: Organization, actor: Actor = None, limit: int = 5) -> list[dict[str, Any]]:
    """The latest receipts, one row per consignment and store: units received and when."""
    rows = (movements(org=org, actor=actor).filter(reason=Reason.RECEIPT)
            .values("consignment__reference", "to_location__name")
            .annotate(quantity=Sum("quantity"), last=Max("at")).order_by("-last")[:limit])
    return [{"reference": r["consignment__reference"], "location": localized_str(r["to_location__name"]),
             "quantity": r["quantity"], "at": r["last"]} for r in rows]


def receipt_discrepancies(*, org: Organization, pledge: Pledge) -> dict[int, list[Movement]]:
    """Per box of the pledge (by box pk), the shortfalls, damage and excess recorded on its receipt."""
    found: dict[int, list[Movement]] = defaultdict(list)
    rows = (Movement.objects.filter(org=org, pledge=pledge, box__isnull=False,
                                    reason__in=[Reason.SHORT, Reason.DAMAGED, Reason.OVER], reversed_by__isnull=True)
            .select_related("item", "lot").order_by("pk"))
    for m in rows:
        if m.box_id is not None:  # always: the rows are of boxes
            found[m.box_id].append(m)
    return dict(found)


# --- trace -------------------------------------------------------------------------------------


def _lots_of(target: Traceable) -> list[int]:
    if isinstance(target, Pledge):
        return list(Lot.objects.filter(pledge=target).values_list("pk", flat=True))
    if isinstance(target, Consignment):
        return list(Lot.objects.filter(pk__in=target.boxes.values("lines__lot")).values_list("pk", flat=True))
    if isinstance(target, Box):
        return list(target.lines.values_list("lot_id", flat=True))
    return [target.pk]


def find_traceable(*, org: Organization, actor: Actor = None, public_id: UUID) -> Traceable:
    """A pledge, consignment, box or lot of the org, by public id: the office's trace, refused to a store's
    member (a lot's own part for them is `recall`; why, see aid.access)."""
    access.require_office(org, actor)
    for model in (Pledge, Consignment, Box, Lot):
        found = model.objects.filter(org=org, public_id=public_id).first()
        if found is not None:
            return found
    return get_or_404(Pledge, org=org, public_id=public_id)


def trace_forward(target: Traceable, *, within: set[int] | None = None) -> dict[str, Any]:
    """Where the units of a pledge, consignment, box or lot are now, and every final recipient; `within`
    some locations, only the units held there and those given out from there.

    The ledger traces by lot (every lot belongs to one pledge); a box's contents are traced through
    the lots it carried, which may be shared with other boxes of the same pledge.
    """
    lots = _lots_of(target)
    held = Balance.objects.filter(lot_id__in=lots)
    given = Movement.objects.filter(lot_id__in=lots, to_location__kind=LocationKind.DISTRIBUTED)
    if within is not None:
        held, given = held.filter(location_id__in=within), given.filter(from_location_id__in=within)
    holdings = (
        held
        .exclude(quantity=0)
        .exclude(location__kind=LocationKind.DONOR)
        .values("location__public_id", "location__name", "location__kind", "item__code", "item__name")
        .annotate(quantity=Sum("quantity"))
        .order_by("location__kind", "location__pk", "item__code")
    )
    reversed_ids = Movement.objects.filter(lot_id__in=lots, reverses__isnull=False).values("reverses_id")
    recipients = list(
        given.exclude(pk__in=reversed_ids)
        .values("recipient__public_id", "recipient__name", "recipient_group", "item__code", "item__name")
        .annotate(quantity=Sum("quantity"), people=Sum("people_count"))
        .order_by("recipient__pk", "recipient_group")
    )
    return {"holdings": list(holdings), "recipients": recipients}


def trace_backward(*, org: Organization, location: Location) -> list[dict[str, Any]]:
    """Every donor and pledge whose units reached this location, per item (names in the active language)."""
    inbound = (
        Movement.objects.filter(org=org, to_location=location)
        .exclude(reason=Reason.REVERSAL)
        .values("lot__pledge__public_id", "lot__pledge__label", "lot__donor__name", "item__code", "item__name")
        .annotate(q=Sum("quantity"))
        .order_by("lot__pledge__pk", "item__code")
    )
    return [
        {
            "pledge": row["lot__pledge__public_id"],
            "label": localized_str(row["lot__pledge__label"]),
            "donor": localized_str(row["lot__donor__name"]),
            "item": row["item__code"],
            "item_name": localized_str(row["item__name"]),
            "quantity": row["q"],
        }
        for row in inbound
    ]


def recall(*, org: Organization, actor: Actor = None, lot: Lot) -> dict[str, Any]:
    """Every location and recipient holding units of a lot; for an institution store's member, their own
    stores' part: the units on their shelves and the recipients they gave them to (see aid.access)."""
    return trace_forward(lot, within=access.allowed_location_ids(org, actor))


# --- donor report -------------------------------------------------------------------------------


def report(*, org: Organization, pledge: Pledge) -> dict[str, Any]:
    """Where a pledge's gift went, per item, reconciled with the ledger: shipped = sum of every place now."""
    lots = list(Lot.objects.filter(pledge=pledge).values_list("pk", flat=True))
    per_item: dict[Any, Any] = {}
    for line in pledge.lines.select_related("item"):
        per_item.setdefault(line.item.pk, {"item": line.item, "pledged": 0, "places": defaultdict(int), "sent": 0})
        per_item[line.item.pk]["pledged"] += line.quantity
    for b in Balance.objects.filter(lot_id__in=lots).exclude(quantity=0).select_related("location", "item"):
        row = per_item.setdefault(b.item_id, {"item": b.item, "pledged": 0, "places": defaultdict(int), "sent": 0})
        if b.location.kind == LocationKind.DONOR:
            row["sent"] -= b.quantity
        else:
            row["places"][b.location] += b.quantity
    trace = trace_forward(pledge)
    items = []
    for row in per_item.values():
        places = sorted(row["places"].items(), key=lambda kv: (kv[0].kind != "real", kv[0].pk))
        items.append(
            {
                "item": row["item"],
                "pledged": row["pledged"],
                "sent": row["sent"],
                "places": places,
                "accounted": sum(q for _loc, q in places),
            }
        )
    return {
        "pledge": pledge,
        "items": items,
        "recipients": trace["recipients"],
        "reconciles": all(i["sent"] == i["accounted"] for i in items),
    }


# --- flow picture -------------------------------------------------------------------------------


def flows(*, org: Organization) -> list[tuple[str, str, int]]:
    """(source, target, quantity) links donor → city store → institution → hospital → recipients."""
    links: dict[Any, int] = defaultdict(int)
    qs = Movement.objects.filter(org=org).exclude(reason__in=[Reason.REVERSAL, Reason.SHIPMENT, Reason.RESERVATION])
    reversed_ids = set(Movement.objects.filter(org=org, reverses__isnull=False).values_list("reverses_id", flat=True))
    for m in qs.select_related("from_location", "to_location", "lot__donor", "donor", "recipient"):
        if m.pk in reversed_ids:
            continue
        if m.reason in (Reason.RECEIPT, Reason.INTAKE, Reason.OVER, Reason.SHORT, Reason.DAMAGED):
            donor = m.lot.donor or m.donor
            source = str(donor) if donor else str(m.from_location)
        else:
            source = str(m.from_location)
        target = str(m.to_location)
        if m.reason == Reason.DISTRIBUTION and m.recipient:
            target = str(m.recipient)
        if source != target:
            links[(source, target)] += m.quantity
    return [(s, t, q) for (s, t), q in links.items()]


# --- languages ----------------------------------------------------------------------------------

REPORT_LANGUAGES = ("fa", "en", "zh")  # the donor report's PDF speaks these


def donor_language(pledge: Pledge) -> str:
    """The language of the donor's country (zh for Xi'an), if the donor report speaks it; else English."""
    from babel.languages import get_official_languages

    city = pledge.donor.city
    spoken = get_official_languages(city.country_id, de_facto=True) if city is not None else ()
    return next((lang for lang in spoken if lang in REPORT_LANGUAGES), "en")
