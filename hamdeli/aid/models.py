"""The aid ledger: catalogue, parties, locations, pledges, consignments, boxes, lots, movements, balances.

Movements are append-only (database triggers refuse UPDATE and DELETE, see migrations/0002); every
movement moves a positive whole quantity of one item and lot from one location to another, so per
item the balances over all locations (virtual ones included) always sum to zero.
"""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_fsm import FSMField, can_proceed, transition

from hamdeli.core.bidi import route
from hamdeli.core.localized import LocalizedTextField, localized_str
from hamdeli.core.models import Archivable, Membership, Organization, TenantModel
from hamdeli.core.tenancy import TenantManager


class BaseUnit(models.TextChoices):
    PIECE = "piece", _("piece")
    PAIR = "pair", _("pair")
    SET = "set", _("set")
    LITRE = "litre", _("litre")


class Item(Archivable, TenantModel):
    code = models.SlugField(_("code"), max_length=50)
    name = LocalizedTextField(_("name"))
    base_unit = models.CharField(_("base unit"), max_length=10, choices=BaseUnit.choices, default=BaseUnit.PIECE)
    pack_sizes = models.JSONField(_("pack sizes"), default=list, blank=True)  # e.g. [50] = a box of 50
    unit_value = models.DecimalField(_("unit value"), max_digits=12, decimal_places=2, null=True, blank=True)
    currency = models.CharField(_("currency"), max_length=3, blank=True)

    class Meta:
        verbose_name = _("item")
        verbose_name_plural = _("items")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["org", "code"], name="aid_item_code_unique")]

    def __str__(self) -> str:
        return localized_str(self.name) or self.code


class PartyKind(models.TextChoices):
    CITY = "city", _("City")
    INSTITUTION = "institution", _("Institution")
    HOSPITAL = "hospital", _("Hospital")
    MINISTRY = "ministry", _("Ministry")


class Party(TenantModel):
    """A donor or a recipient: a city, an institution, a hospital, a ministry."""

    name = LocalizedTextField(_("name"))
    kind = models.CharField(_("kind"), max_length=20, choices=PartyKind.choices)
    city = models.ForeignKey(
        "places.City", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("city")
    )

    class Meta:
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        ordering = ["pk"]

    def __str__(self) -> str:
        return localized_str(self.name)


class LocationKind(models.TextChoices):
    REAL = "real", _("Store or site")
    DONOR = "donor", _("Donors")
    RESERVED = "reserved", _("Reserved for outbound pledges")
    IN_TRANSIT = "in_transit", _("In transit")
    DISTRIBUTED = "distributed", _("Distributed to final recipients")
    LOST_DAMAGED = "lost_damaged", _("Lost or damaged")
    FOUND = "found", _("Found (over-delivered)")


VIRTUAL_KINDS = [k for k in LocationKind.values if k != LocationKind.REAL]


class Location(TenantModel):
    name = LocalizedTextField(_("name"))
    kind = models.CharField(_("kind"), max_length=20, choices=LocationKind.choices, default=LocationKind.REAL)
    party = models.ForeignKey(
        Party, on_delete=models.PROTECT, null=True, blank=True, related_name="locations", verbose_name=_("party")
    )

    class Meta:
        verbose_name = _("location")
        verbose_name_plural = _("locations")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["org", "kind"], condition=~Q(kind="real"), name="aid_one_virtual_location_per_kind"
            ),
            models.CheckConstraint(
                condition=~Q(kind="real") | Q(party__isnull=False), name="aid_real_location_has_party"
            ),
        ]

    def __str__(self) -> str:
        return localized_str(self.name) or self.get_kind_display()

    @property
    def is_virtual(self) -> bool:
        return self.kind != LocationKind.REAL


class InstitutionAccess(TenantModel):
    """Which locations an institution-store member may see and act on."""

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="aid_locations")
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["membership", "location"], name="aid_access_unique")]


class Lot(TenantModel):
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="lots")
    number = models.CharField(_("lot number"), max_length=60, blank=True)  # "" = no lot given
    expires_on = models.DateField(_("expires on"), null=True, blank=True)
    # A lot belongs to one pledge, so the units of a lot always trace back to exactly one donor.
    pledge = models.ForeignKey("Pledge", on_delete=models.PROTECT, null=True, blank=True, related_name="lots")
    donor = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+")

    class Meta:
        verbose_name = _("lot")
        verbose_name_plural = _("lots")
        ordering = ["expires_on", "number"]
        # One lot per (item, number) within a pledge, and one per (item, number) outside any pledge: a
        # single constraint over a NULL pledge would never clash (NULLs are distinct), so two partial ones.
        constraints = [
            models.UniqueConstraint(fields=["org", "item", "number", "pledge"], condition=Q(pledge__isnull=False),
                                    name="aid_lot_unique"),
            models.UniqueConstraint(fields=["org", "item", "number"], condition=Q(pledge__isnull=True),
                                    name="aid_lot_unique_without_pledge"),
        ]

    def __str__(self) -> str:
        return self.number or "—"


class Direction(models.TextChoices):
    INBOUND = "inbound", _("Inbound (we receive)")
    OUTBOUND = "outbound", _("Outbound (we give)")


class PledgeState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    SHIPPED = "shipped", _("Shipped")
    PARTIALLY_RECEIVED = "partially_received", _("Partially received")
    RECEIVED = "received", _("Received")
    CLOSED = "closed", _("Closed")
    CANCELLED = "cancelled", _("Cancelled")


P = PledgeState
CANCELLABLE = [P.OFFERED, P.ACCEPTED, P.SHIPPED]


class Pledge(TenantModel):
    direction = models.CharField(pgettext_lazy("aid pledge", "direction"), max_length=10, choices=Direction.choices)
    donor = models.ForeignKey(Party, on_delete=models.PROTECT, related_name="pledges_given", verbose_name=_("donor"))
    recipient = models.ForeignKey(
        Party, on_delete=models.PROTECT, related_name="pledges_received", verbose_name=_("recipient")
    )
    label = LocalizedTextField(_("label or slogan"), required=False)
    state = FSMField(_("state"), default=P.OFFERED, choices=P.choices, protected=True, max_length=20)
    offered_on = models.DateField(_("offered on"), default=timezone.localdate)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    note = models.TextField(_("note"), blank=True)
    # Set on a page of pledges by selectors.attach_contents (not columns): its lines and consignments.
    contents_lines: "list[PledgeLine]"
    contents_consignments: "list[Consignment]"

    class Meta:
        verbose_name = _("pledge")
        verbose_name_plural = _("pledges")
        ordering = ["-offered_on", "-pk"]

    def __str__(self) -> str:
        return localized_str(self.label) or route(str(self.donor), str(self.recipient))

    # The steps a person takes on a pledge (services.accept_pledge …, offered by selectors.pledge_steps),
    # over the transitions below: an outbound pledge is shipped and delivered by a step, an inbound one
    # by its consignments and boxes (which take `ship`, `receive_part` and `receive_all` themselves).
    STEPS = ("accept", "ship", "deliver", "close", "cancel")

    def can_step(self, step: str) -> bool:
        """Whether the pledge can take this step (one of STEPS) now."""
        outbound = self.direction == Direction.OUTBOUND
        if step == "ship":
            return outbound and self.state == P.ACCEPTED
        if step == "deliver":
            return outbound and self.state == P.SHIPPED
        return can_proceed(getattr(self, step))

    @transition(field=state, source=P.OFFERED, target=P.ACCEPTED)
    def accept(self):
        pass

    @transition(field=state, source=[P.ACCEPTED, P.SHIPPED], target=P.SHIPPED)
    def ship(self):
        pass

    @transition(field=state, source=[P.SHIPPED, P.PARTIALLY_RECEIVED], target=P.PARTIALLY_RECEIVED)
    def receive_part(self):
        pass

    @transition(field=state, source=[P.SHIPPED, P.PARTIALLY_RECEIVED], target=P.RECEIVED)
    def receive_all(self):
        pass

    @transition(field=state, source=P.RECEIVED, target=P.CLOSED)
    def close(self):
        pass

    @transition(field=state, source=CANCELLABLE, target=P.CANCELLED)
    def cancel(self, reason):
        self.cancel_reason = reason


class PledgeLine(TenantModel):
    pledge = models.ForeignKey(Pledge, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="aid_pledgeline_qty_positive")]


class ConsignmentCounter(models.Model):
    """The last consignment number per organization; locked while a new number is taken."""

    org = models.OneToOneField(Organization, on_delete=models.CASCADE, related_name="+")
    last = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"{self.org_id}: {self.last}"


class Consignment(TenantModel):
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, related_name="consignments")
    reference = models.CharField(_("reference"), max_length=40)
    carrier = models.CharField(_("carrier"), max_length=200, blank=True)
    tracking_ref = models.CharField(_("tracking reference"), max_length=100, blank=True)
    shipped_on = models.DateField(_("shipped on"), default=timezone.localdate)
    contents_boxes: "list[Box]"  # set by selectors.attach_contents (not a column)

    class Meta:
        verbose_name = _("consignment")
        verbose_name_plural = _("consignments")
        ordering = ["reference"]
        constraints = [models.UniqueConstraint(fields=["org", "reference"], name="aid_consignment_ref_unique")]

    def __str__(self) -> str:
        return self.reference


class BoxState(models.TextChoices):
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class Box(TenantModel):
    consignment = models.ForeignKey(Consignment, on_delete=models.PROTECT, related_name="boxes")
    number = models.PositiveIntegerField(_("box number"))
    label = models.CharField(_("label"), max_length=100, blank=True)
    state = models.CharField(_("state"), max_length=20, choices=BoxState.choices, default=BoxState.IN_TRANSIT)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    contents_lines: "list[BoxLine]"  # set by selectors.attach_contents (not a column)

    class Meta:
        verbose_name = _("box")
        verbose_name_plural = _("boxes")
        ordering = ["consignment", "number"]
        constraints = [models.UniqueConstraint(fields=["consignment", "number"], name="aid_box_number_unique")]

    def __str__(self) -> str:
        return f"{self.consignment.reference}/{self.number}"


class BoxLine(TenantModel):
    box = models.ForeignKey(Box, on_delete=models.CASCADE, related_name="lines")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField(_("quantity"))

    class Meta:
        ordering = ["pk"]
        constraints = [models.CheckConstraint(condition=Q(quantity__gt=0), name="aid_boxline_qty_positive")]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item}"


class Reason(models.TextChoices):
    INTAKE = "intake", _("Stock taken in")
    SHIPMENT = "shipment", _("Shipped")
    RESERVATION = "reservation", _("Reserved for a pledge")
    RECEIPT = "receipt", _("Received")
    SHORT = "short", _("Short on receipt")
    DAMAGED = "damaged", _("Damaged on receipt")
    OVER = "over", _("Over-delivered")
    HANDOVER = "handover", _("Handed over")
    DISTRIBUTION = "distribution", _("Distributed")
    DELIVERY = "delivery", _("Delivered to the partner")
    DISPOSAL = "disposal", _("Disposed of (expired or spoilt)")
    REVERSAL = "reversal", _("Reversal")


class Movement(models.Model):
    """One append-only ledger entry. Never updated, never deleted: a correction is a new reversing entry."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    operation = models.UUIDField(db_index=True)  # the movements posted together share it
    at = models.DateTimeField(default=timezone.now, db_index=True)
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    from_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    to_location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    quantity = models.PositiveIntegerField()
    reason = models.CharField(max_length=20, choices=Reason.choices)
    pledge = models.ForeignKey(Pledge, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    donor = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    consignment = models.ForeignKey(Consignment, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    box = models.ForeignKey(Box, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recipient = models.ForeignKey(Party, on_delete=models.PROTECT, null=True, blank=True, related_name="+")
    recipient_group = models.CharField(max_length=200, blank=True)  # a ward, a team: no personal data
    people_count = models.PositiveIntegerField(null=True, blank=True)
    signed_by = models.CharField(max_length=200, blank=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    note = models.TextField(blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")

    objects = TenantManager()  # tenant-owned without TenantModel's fields (core.tenancy)

    class Meta:
        ordering = ["pk"]
        indexes = [
            models.Index(fields=["org", "item", "lot"]),
            models.Index(fields=["pledge"]),
            models.Index(fields=["box"]),
            models.Index(fields=["to_location"]),
            models.Index(fields=["from_location"]),
            # the forward trace walks a lot's movements to the recipients: by lot, then where they went
            models.Index(fields=["lot", "to_location"], name="aid_movement_lot_to"),
        ]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="aid_movement_qty_positive"),
            models.CheckConstraint(condition=~Q(from_location=models.F("to_location")), name="aid_movement_moves"),
        ]

    def __str__(self) -> str:
        return f"{self.quantity} × {self.item_id}: {self.from_location_id} → {self.to_location_id}"


class Balance(models.Model):
    """Quantity of one item and lot at one location, kept in step with the movements."""

    org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="balances")
    item = models.ForeignKey(Item, on_delete=models.PROTECT, related_name="+")
    lot = models.ForeignKey(Lot, on_delete=models.PROTECT, related_name="+")
    virtual = models.BooleanField()
    quantity = models.BigIntegerField(default=0)

    objects = TenantManager()  # tenant-owned without TenantModel's fields (core.tenancy)

    class Meta:
        indexes = [models.Index(fields=["lot"], name="aid_balance_lot")]  # where a lot's units are (trace)
        constraints = [
            models.UniqueConstraint(fields=["location", "item", "lot"], name="aid_balance_unique"),
            models.CheckConstraint(
                condition=Q(quantity__gte=0) | Q(virtual=True), name="aid_balance_real_not_negative"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.location_id}/{self.item_id}/{self.lot_id}: {self.quantity}"


class LinkState(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    CANCELLED = "cancelled", _("Cancelled")


class PledgeLink(models.Model):
    """One shipment between two offices on this instance: the donor office's outbound pledge and the
    recipient office's inbound pledge, under one shared reference. Each office keeps its own ledger; the
    link only lets the donor read the recipient's receipt and custody of this one pledge."""

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    reference = models.CharField(_("shared reference"), max_length=60, unique=True)
    donor_pledge = models.OneToOneField(Pledge, on_delete=models.PROTECT, related_name="link_out")
    recipient_org = models.ForeignKey(Organization, on_delete=models.PROTECT, related_name="+")
    recipient_pledge = models.OneToOneField(Pledge, on_delete=models.PROTECT, null=True, blank=True,
                                            related_name="link_in")
    state = models.CharField(_("state"), max_length=20, choices=LinkState.choices, default=LinkState.OFFERED)
    cancel_reason = models.TextField(_("reason for cancelling"), blank=True)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.reference
