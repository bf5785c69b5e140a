"""Partners and networks over JSON."""

import datetime as dt
import uuid
from typing import Literal

from django.conf import settings
from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import Field

from hamdeli.core.boundary import OneOf, Patch, PublicId, Schema
from hamdeli.core.errors import ValidationFailed
from hamdeli.core.localized import localized_str
from hamdeli.core.pagination import paged
from hamdeli.core.permissions import enforce, requires
from hamdeli.partners import selectors, services
from hamdeli.partners.models import (
    InteractionKind,
    NetworkAction,
    NetworkMembershipState,
    PartnershipAction,
    PartnershipKind,
    PartnershipState,
)
from hamdeli.places import selectors as places

router = Router(tags=["partners"])

Kind = OneOf[PartnershipKind]
State = OneOf[PartnershipState]


class HealthOut(Schema):
    status: str
    last_contact_on: dt.date | None
    months_silent: int | None


class PartnershipOut(Schema):
    id: PublicId
    city_geonameid: int = Field(..., validation_alias="city_id")
    city_name_en: str
    city_name_fa: str
    country: str
    kind: str
    state: str
    ordinal: int | None
    ordinal_is_provisional: bool
    proposed_on: dt.date | None
    bill_submitted_on: dt.date | None
    council_approved_on: dt.date | None
    signed_on: dt.date | None
    ended_on: dt.date | None
    renewal_due_on: dt.date | None
    council_bill_number: str
    council_resolution_number: str
    our_focal_person: str
    partner_focal_person: str
    partner_focal_email: str
    partner_head: dict[str, str]
    notes: str
    health: HealthOut
    archived_at: dt.datetime | None = None

    @staticmethod
    def resolve_city_name_en(p) -> str:
        return p.city.name_en

    @staticmethod
    def resolve_city_name_fa(p) -> str:
        return p.city.name_fa

    @staticmethod
    def resolve_country(p) -> str:
        return p.city.country_id

    @staticmethod
    def resolve_ordinal(p) -> int | None:
        ordinal = _ordinal(p)
        return ordinal[0] if ordinal else None

    @staticmethod
    def resolve_ordinal_is_provisional(p) -> bool:
        ordinal = _ordinal(p)
        return bool(ordinal and not ordinal[1])

    @staticmethod
    def resolve_health(p):
        return selectors.health(p)


def _ordinal(p) -> tuple[int, bool] | None:
    """selectors.ordinal, read once for both of the fields that show it."""
    if not hasattr(p, "_ordinal_read"):
        p._ordinal_read = selectors.ordinal(p)
    return p._ordinal_read


class PartnershipIn(Schema):
    city_geonameid: int
    kind: Kind = PartnershipKind.SISTER_CITY.value
    proposed_on: dt.date | None = None
    renewal_due_on: dt.date | None = None
    council_bill_number: str = Field("", max_length=50)
    council_resolution_number: str = Field("", max_length=50)
    our_focal_person: str = Field("", max_length=200)
    partner_focal_person: str = Field("", max_length=200)
    partner_focal_email: str = Field("", max_length=254)
    partner_head: dict[str, str] = Field({}, description="The partner city's head as a letter names them, "
                                         "by language: {\"zh\": \"西安市市长 …\", \"en\": \"Mayor of Xi'an …\"}")
    notes: str = Field("", max_length=10000)


class PartnershipPatch(Schema):
    kind: Patch[Kind] = None
    proposed_on: dt.date | None = None
    renewal_due_on: dt.date | None = None
    council_bill_number: Patch[str] = Field(None, max_length=50)
    council_resolution_number: Patch[str] = Field(None, max_length=50)
    our_focal_person: Patch[str] = Field(None, max_length=200)
    partner_focal_person: Patch[str] = Field(None, max_length=200)
    partner_focal_email: Patch[str] = Field(None, max_length=254)
    partner_head: Patch[dict[str, str]] = None
    notes: Patch[str] = Field(None, max_length=10000)


class PartnershipTransitionIn(Schema):
    action: OneOf[PartnershipAction]
    on: dt.date
    note: str = Field("", max_length=2000)
    council_bill_number: str = Field("", max_length=50)
    council_resolution_number: str = Field("", max_length=50)


class InteractionIn(Schema):
    occurred_on: dt.date
    kind: OneOf[InteractionKind]
    summary: str = Field(..., min_length=1, max_length=500)


class InteractionOut(Schema):
    id: PublicId
    occurred_on: dt.date
    kind: str
    summary: str
    source: str


class TimelineItem(Schema):
    on: dt.date
    type: str
    action: str
    label: str
    note: str
    actor: str | None


@router.get("/partnerships", response=list[PartnershipOut], operation_id="partners_list")
@paged
@requires("partners.view")
def list_partnerships(request, state: State | None = None, kind: Kind | None = None, q: str = "",
                      health: Literal["dimmed", "healthy"] | None = None, archived: bool = False):
    """Partnerships, filtered by state, kind, health or words of the city's name.

    Archived partnerships are left out; `archived=true` (owners) lists only those."""
    if archived:
        enforce(request, "partners.restore")
    return selectors.partnerships(org=request.org, state=state, kind=kind, query=q, health=health,
                                  archived=archived)


@router.post("/partnerships", response={201: PartnershipOut}, operation_id="partners_create")
@requires("partners.edit")
def create_partnership(request, payload: PartnershipIn):
    """Propose a partnership with a city."""
    data = payload.dict()
    city = places.find_city(data.pop("city_geonameid"))
    if city is None:
        raise ValidationFailed(_("Unknown city."), fields={"city_geonameid": _("No city has this GeoNames id.")})
    p = services.create_partnership(org=request.org, actor=request.user, city=city, **data)
    return Status(201, selectors.partnership(org=request.org, public_id=p.public_id))


@router.get("/partnerships/{public_id}", response=PartnershipOut, operation_id="partners_get")
@requires("partners.view")
def get_partnership(request, public_id: uuid.UUID):
    """One partnership, with its ordinal and relationship health."""
    return selectors.partnership(org=request.org, public_id=public_id)


@router.patch("/partnerships/{public_id}", response=PartnershipOut, operation_id="partners_update")
@requires("partners.edit")
def update_partnership(request, public_id: uuid.UUID, payload: PartnershipPatch):
    """Change a partnership's details."""
    p = selectors.partnership(org=request.org, public_id=public_id)
    services.update_partnership(org=request.org, actor=request.user, partnership=p,
                                **payload.dict(exclude_unset=True))
    return selectors.partnership(org=request.org, public_id=public_id)


@router.post("/partnerships/{public_id}/archive", response=PartnershipOut, operation_id="partners_archive")
@requires("partners.edit")
def archive_partnership(request, public_id: uuid.UUID):
    """Archive a partnership: out of the lists, dashboard, calendar, exports and sharing; kept with its history."""
    p = selectors.partnership(org=request.org, public_id=public_id)
    services.archive_partnership(org=request.org, actor=request.user, partnership=p)
    return selectors.partnership(org=request.org, public_id=public_id)


@router.post("/partnerships/{public_id}/restore", response=PartnershipOut, operation_id="partners_restore")
@requires("partners.restore")
def restore_partnership(request, public_id: uuid.UUID):
    """Bring an archived partnership back (owners)."""
    p = selectors.partnership(org=request.org, public_id=public_id)
    services.restore_partnership(org=request.org, actor=request.user, partnership=p)
    return selectors.partnership(org=request.org, public_id=public_id)


@router.post("/partnerships/{public_id}/transitions", response=PartnershipOut,
             operation_id="partners_transition")
@requires("partners.edit")
def transition_partnership(request, public_id: uuid.UUID, payload: PartnershipTransitionIn):
    """Move a partnership along its lifecycle (submit the bill, approve, sign, …)."""
    p = selectors.partnership(org=request.org, public_id=public_id)
    services.transition_partnership(org=request.org, actor=request.user, partnership=p, **payload.dict())
    return selectors.partnership(org=request.org, public_id=public_id)


@router.get("/partnerships/{public_id}/timeline", response=list[TimelineItem],
            operation_id="partners_timeline")
@paged
@requires("partners.view")
def partnership_timeline(request, public_id: uuid.UUID):
    """A partnership's state changes and contacts, newest first."""
    return selectors.timeline(selectors.partnership(org=request.org, public_id=public_id))


@router.post("/partnerships/{public_id}/interactions", response={201: InteractionOut},
             operation_id="partners_add_interaction")
@requires("partners.edit")
def add_interaction(request, public_id: uuid.UUID, payload: InteractionIn):
    """Record a contact with the partner city."""
    p = selectors.partnership(org=request.org, public_id=public_id)
    return Status(201, services.record_interaction(org=request.org, actor=request.user, partnership=p,
                                                   **payload.dict()))


class NetworkOut(Schema):
    slug: str
    acronym: str
    name: str
    name_i18n: dict
    website: str

    @staticmethod
    def resolve_name(n) -> str:
        return localized_str(n.name)

    @staticmethod
    def resolve_name_i18n(n) -> dict:
        return n.name


class NetworkMembershipOut(Schema):
    id: PublicId
    network: str
    network_name: str
    state: str
    applied_on: dt.date | None
    joined_on: dt.date | None
    lapsed_on: dt.date | None
    renewal_due_on: dt.date | None
    focal_point: str
    joining_steps: str
    notes: str

    @staticmethod
    def resolve_network(m) -> str:
        return m.network.slug

    @staticmethod
    def resolve_network_name(m) -> str:
        return localized_str(m.network.name)


class NetworkMembershipIn(Schema):
    network: str
    renewal_due_on: dt.date | None = None
    focal_point: str = Field("", max_length=200)
    joining_steps: str = Field("", max_length=5000)
    notes: str = Field("", max_length=10000)


class NetworkMembershipPatch(Schema):
    renewal_due_on: dt.date | None = None
    focal_point: Patch[str] = Field(None, max_length=200)
    joining_steps: Patch[str] = Field(None, max_length=5000)
    notes: Patch[str] = Field(None, max_length=10000)


class NetworkTransitionIn(Schema):
    action: OneOf[NetworkAction]
    on: dt.date
    note: str = Field("", max_length=2000)


@router.get("/networks", response=list[NetworkOut], operation_id="networks_list")
@paged
@requires("partners.view")
def list_networks(request):
    """The city networks known to Hamdeli."""
    return selectors.networks()


@router.get("/network-memberships", response=list[NetworkMembershipOut], operation_id="memberships_list")
@paged
@requires("partners.view")
def list_memberships(request, state: OneOf[NetworkMembershipState] | None = None):
    """Your office's memberships of city networks."""
    return selectors.network_memberships(org=request.org, state=state)


@router.post("/network-memberships", response={201: NetworkMembershipOut}, operation_id="memberships_create")
@requires("partners.edit")
def create_membership(request, payload: NetworkMembershipIn):
    """Apply to join a city network."""
    data = payload.dict()
    network = selectors.networks().filter(slug=data.pop("network")).first()
    if network is None:
        raise ValidationFailed(_("Unknown network."), fields={"network": _("No network has this short name.")})
    m = services.create_network_membership(org=request.org, actor=request.user, network=network, **data)
    return Status(201, m)


@router.get("/network-memberships/{public_id}", response=NetworkMembershipOut, operation_id="memberships_get")
@requires("partners.view")
def get_membership(request, public_id: uuid.UUID):
    """One network membership."""
    return selectors.network_membership(org=request.org, public_id=public_id)


@router.patch("/network-memberships/{public_id}", response=NetworkMembershipOut,
              operation_id="memberships_update")
@requires("partners.edit")
def update_membership(request, public_id: uuid.UUID, payload: NetworkMembershipPatch):
    """Change a network membership's details."""
    m = selectors.network_membership(org=request.org, public_id=public_id)
    return services.update_network_membership(org=request.org, actor=request.user, membership=m,
                                              **payload.dict(exclude_unset=True))


@router.post("/network-memberships/{public_id}/transitions", response=NetworkMembershipOut,
             operation_id="memberships_transition")
@requires("partners.edit")
def transition_membership(request, public_id: uuid.UUID, payload: NetworkTransitionIn):
    """Move a network membership along (join, lapse, leave, …)."""
    m = selectors.network_membership(org=request.org, public_id=public_id)
    return services.transition_network_membership(org=request.org, actor=request.user, membership=m,
                                                  **payload.dict())


class CountOut(Schema):
    key: str
    label: str
    count: int


class RenewalOut(Schema):
    on: dt.date
    label: str
    kind: str
    id: str


class PartnersDashboardOut(Schema):
    by_state: list[CountOut]
    dimmed: list[PartnershipOut]
    upcoming_renewals: list[RenewalOut]


@router.get("/dashboard", response=PartnersDashboardOut, operation_id="partners_dashboard")
@requires("partners.view")
def dashboard(request):
    """Partnerships by state, dimmed relations and coming renewals."""
    return {
        "by_state": [{"key": k, "label": str(label), "count": n}
                     for k, label, n in selectors.counts_by_state(org=request.org)],
        "dimmed": selectors.partnerships(org=request.org, health="dimmed"),
        "upcoming_renewals": [{"on": r.on, "label": r.label, "kind": r.kind, "id": r.public_id}
                              for r in selectors.upcoming_renewals(org=request.org,
                                                                   within_days=settings.UPCOMING_DAYS)],
    }


from hamdeli.partners import api_exchange  # noqa: E402, F401  (adds the import/export operations)
