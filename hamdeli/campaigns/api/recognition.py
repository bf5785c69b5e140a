"""Recognition over JSON: recipients, recognition items, their copies and handovers."""

import datetime as dt
import uuid

from django.utils.translation import gettext as _
from ninja import Router, Status
from pydantic import Field

from hamdeli.campaigns import selectors
from hamdeli.campaigns.models import RecognitionKind
from hamdeli.campaigns.services import recognition
from hamdeli.core.boundary import OneOf, PublicId, Schema
from hamdeli.core.errors import ValidationFailed
from hamdeli.core.pagination import paged
from hamdeli.core.permissions import requires
from hamdeli.core.validation import invalid
from hamdeli.places import selectors as places

router = Router()


class RecipientIn(Schema):
    name: dict
    city_geonameid: int | None = None
    notes: str = Field("", max_length=5000)


class RecipientOut(Schema):
    id: PublicId
    name: dict
    city_geonameid: int | None = Field(..., validation_alias="city_id")
    notes: str
    listed_from: str = Field("", description='"aid-party:<id>" when listed from the aid records',
                             validation_alias="source")


class RecognitionItemIn(Schema):
    title: dict
    kind: OneOf[RecognitionKind]
    maker: str = Field("", max_length=200)
    occasion: str = Field("", max_length=300)
    description: str = Field("", max_length=10000)


class CopyOut(Schema):
    id: PublicId
    label: str
    is_original: bool
    number: int | None
    recipient: uuid.UUID
    recipient_name: str
    handed_over_on: dt.date | None
    received_by: str
    note: str

    @staticmethod
    def resolve_recipient(c) -> uuid.UUID:
        return c.recipient.public_id

    @staticmethod
    def resolve_recipient_name(c) -> str:
        return str(c.recipient)


# An item with its copies, fetched with them (selectors.with_copies, selectors.fetch_copies).
class RecognitionItemOut(Schema):
    id: PublicId
    title: dict
    kind: str
    maker: str
    occasion: str
    description: str
    copies: list[CopyOut]
    waiting: list[uuid.UUID]

    @staticmethod
    def resolve_waiting(i) -> list[uuid.UUID]:
        return [c.recipient.public_id for c in i.copies.all() if c.handed_over_on is None]


class CopiesIn(Schema):
    recipients: list[uuid.UUID] = Field(..., min_length=1)
    original: bool = False


class CopyHandoverIn(Schema):
    handed_over_on: dt.date
    received_by: str = Field(..., min_length=1, max_length=200)
    note: str = Field("", max_length=5000)


@router.get("/recipients", response=list[RecipientOut], operation_id="recognition_recipients")
@paged
@requires("campaigns.view")
def list_recipients(request):
    """Who receives recognition items."""
    return selectors.recipients(org=request.org)


@router.post("/recipients", response={201: RecipientOut}, operation_id="recognition_add_recipient")
@requires("campaigns.edit")
def add_recipient(request, payload: RecipientIn):
    """List a recipient of recognition items."""
    data = payload.dict()
    geonameid = data.pop("city_geonameid")
    city = places.find_city(geonameid) if geonameid is not None else None
    if geonameid is not None and city is None:
        raise ValidationFailed(_("Unknown city."), fields={"city_geonameid": _("No city has this GeoNames id.")})
    return Status(201, recognition.create_recipient(org=request.org, actor=request.user, city=city, **data))


@router.post("/recipients/from-aid", response={201: list[RecipientOut]}, operation_id="recognition_recipients_from_aid")
@requires("campaigns.edit")
def recipients_from_aid(request):
    """List as recipients the hospitals and institutions the aid reached that are not listed yet."""
    made = recognition.list_aid_recipients(org=request.org, actor=request.user)
    return Status(201, made)


@router.get("/recognition", response=list[RecognitionItemOut], operation_id="recognition_list")
@paged
@requires("campaigns.view")
def list_items(request):
    """Recognition items with their copies and who still waits for one."""
    return selectors.with_copies(selectors.items(org=request.org))


@router.post("/recognition", response={201: RecognitionItemOut}, operation_id="recognition_create")
@requires("campaigns.edit")
def create_item(request, payload: RecognitionItemIn):
    """Describe a recognition item (an artwork, a plaque)."""
    i = recognition.create_item(org=request.org, actor=request.user, **payload.dict())
    return Status(201, selectors.fetch_copies(i))


@router.get("/recognition/{public_id}", response=RecognitionItemOut, operation_id="recognition_get")
@requires("campaigns.view")
def get_item(request, public_id: uuid.UUID):
    """One recognition item with its copies."""
    return selectors.fetch_copies(selectors.item(org=request.org, public_id=public_id))


@router.post("/recognition/{public_id}/copies", response={201: list[CopyOut]}, operation_id="recognition_add_copies")
@requires("campaigns.edit")
def add_copies(request, public_id: uuid.UUID, payload: CopiesIn):
    """Make copies of a recognition item, one per recipient."""
    i = selectors.item(org=request.org, public_id=public_id)
    chosen = selectors.recipients_by_ids(org=request.org, public_ids=payload.recipients)
    if len(chosen) != len(set(payload.recipients)):
        raise invalid("recipients", _("Unknown recipient."))
    made = recognition.add_copies(org=request.org, actor=request.user, item=i, recipients=chosen,
                                  original=payload.original)
    return Status(201, made)


@router.post("/copies/{public_id}/handover", response=CopyOut, operation_id="recognition_handover")
@requires("campaigns.edit")
def handover(request, public_id: uuid.UUID, payload: CopyHandoverIn):
    """Record that a copy was handed over."""
    c = selectors.copy(org=request.org, public_id=public_id)
    return recognition.record_handover(org=request.org, actor=request.user, copy=c, **payload.dict())
