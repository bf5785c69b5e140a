"""Advocacy over JSON: statements, their versions, endorsements and their review."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Literal

from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile
from pydantic import Field

from hamdeli.campaigns import selectors
from hamdeli.campaigns.models import Channel, OnBehalfOf, Verification
from hamdeli.campaigns.services import advocacy
from hamdeli.core.boundary import OneOf, Patch, PublicId, Schema
from hamdeli.core.errors import ValidationFailed
from hamdeli.core.pagination import mapped, paged
from hamdeli.core.permissions import requires
from hamdeli.core.validation import invalid
from hamdeli.partners import selectors as partners
from hamdeli.places import selectors as places

router = Router()
if TYPE_CHECKING:  # a review's decision, as text for the type checker; pydantic checks the list
    Decision = str
else:
    Decision = Literal[tuple(d.value for d in advocacy.REVIEW_DECISIONS)]


class AdvocacyIn(Schema):
    title: dict
    statement: dict
    issued_on: dt.date
    target_date: dt.date | None = None
    notes: str = Field("", max_length=10000)


class AdvocacyPatch(Schema):
    title: Patch[dict] = None
    target_date: dt.date | None = None
    published: Patch[bool] = None
    notes: Patch[str] = Field(None, max_length=10000)


class VersionIn(Schema):
    text: dict
    issued_on: dt.date
    note: str = Field("", max_length=500)


class VersionOut(Schema):
    id: PublicId
    number: int
    text: dict
    issued_on: dt.date
    note: str


class VersionCountOut(Schema):
    version: int
    count: int
    verified: int


class NetworkCountOut(Schema):
    network: str
    label: str
    count: int
    verified: int


# A statement; its counts from selectors.attach_counts on a page of statements, else read here.
class AdvocacyOut(Schema):
    id: PublicId
    title: dict
    target_date: dt.date | None
    published: bool
    notes: str
    public_url: str | None
    versions: list[VersionOut]
    counts_by_version: list[VersionCountOut]
    counts_by_network: list[NetworkCountOut]

    @staticmethod
    def resolve_public_url(c) -> str | None:
        return reverse("campaigns:statement_public", args=[c.public_id]) if c.published else None

    @staticmethod
    def resolve_counts_by_version(c) -> list[dict]:
        return selectors.counts_by_version(c)

    @staticmethod
    def resolve_counts_by_network(c) -> list[dict]:
        return selectors.counts_by_network(c)


class EndorsementIn(Schema):
    version: int | None = None
    endorser_name: str = Field(..., min_length=1, max_length=200)
    endorser_title: str = Field("", max_length=200)
    capacity: str = Field("", max_length=200)
    on_behalf_of: OneOf[OnBehalfOf]
    city_geonameid: int | None = None
    network: str | None = None
    organisation: str = Field("", max_length=300)
    endorsed_on: dt.date
    channel: OneOf[Channel]
    source_url: str = Field("", max_length=500)
    letter_public_id: uuid.UUID | None = None
    quote: str = Field("", max_length=5000)


class EndorsementOut(Schema):
    id: PublicId
    version: int
    endorser_name: str
    endorser_title: str
    capacity: str
    on_behalf_of: str
    city_geonameid: int | None
    network: str | None
    organisation: str
    endorsed_on: dt.date
    channel: str
    source_url: str
    has_letter_file: bool
    letter_public_id: uuid.UUID | None
    verification: str
    published: bool
    quote: str

    @staticmethod
    def resolve_version(e) -> int:
        return e.version.number

    @staticmethod
    def resolve_city_geonameid(e) -> int | None:
        return e.city_id

    @staticmethod
    def resolve_network(e) -> str | None:
        return e.network.slug if e.network_id else None

    @staticmethod
    def resolve_has_letter_file(e) -> bool:
        return bool(e.letter_file)


class VerificationIn(Schema):
    verification: OneOf[Verification]
    published: bool = False


class ReviewIn(Schema):
    endorsements: list[uuid.UUID] = Field(..., min_length=1, max_length=500,
                                          description="ids of the statement's endorsements awaiting review")
    verification: Decision


@router.get("/advocacy", response=list[AdvocacyOut], operation_id="advocacy_list")
@paged
@requires("campaigns.view")
def list_advocacy(request):
    """Advocacy statements with their versions and endorsement counts."""
    return mapped(selectors.advocacy_campaigns(org=request.org), prepare=selectors.attach_counts)


@router.post("/advocacy", response={201: AdvocacyOut}, operation_id="advocacy_create")
@requires("campaigns.edit")
def create_advocacy(request, payload: AdvocacyIn):
    """Write an advocacy statement."""
    return Status(201, advocacy.create_advocacy(org=request.org, actor=request.user, **payload.dict()))


@router.get("/advocacy/{public_id}", response=AdvocacyOut, operation_id="advocacy_get")
@requires("campaigns.view")
def get_advocacy(request, public_id: uuid.UUID):
    """One advocacy statement with its versions and endorsement counts."""
    return selectors.advocacy(org=request.org, public_id=public_id)


@router.patch("/advocacy/{public_id}", response=AdvocacyOut, operation_id="advocacy_update")
@requires("campaigns.edit")
def update_advocacy(request, public_id: uuid.UUID, payload: AdvocacyPatch):
    """Change or publish an advocacy statement."""
    c = selectors.advocacy(org=request.org, public_id=public_id)
    return advocacy.update_advocacy(org=request.org, actor=request.user, campaign=c,
                                    **payload.dict(exclude_unset=True))


@router.post("/advocacy/{public_id}/versions", response={201: VersionOut}, operation_id="advocacy_add_version")
@requires("campaigns.edit")
def add_version(request, public_id: uuid.UUID, payload: VersionIn):
    """Issue a new version of a statement's text."""
    c = selectors.advocacy(org=request.org, public_id=public_id)
    return Status(201, advocacy.add_version(org=request.org, actor=request.user, campaign=c, **payload.dict()))


@router.get("/advocacy/{public_id}/endorsements", response=list[EndorsementOut],
            operation_id="advocacy_endorsements")
@paged
@requires("campaigns.view")
def list_endorsements(request, public_id: uuid.UUID, verification: OneOf[Verification] | None = None):
    """A statement's endorsements, by verification status."""
    c = selectors.advocacy(org=request.org, public_id=public_id)
    return selectors.endorsements(org=request.org, campaign=c, verification=verification)


def _endorsement_refs(c, data: dict) -> dict:
    number = data.pop("version")
    if number is not None:
        data["version"] = c.versions.filter(number=number).first()
        if data["version"] is None:
            raise invalid("version", _("No such version."))
    geonameid, slug = data.pop("city_geonameid"), data.pop("network")
    data["city"] = places.find_city(geonameid) if geonameid is not None else None
    if geonameid is not None and data["city"] is None:
        raise ValidationFailed(_("Unknown city."), fields={"city_geonameid": _("No city has this GeoNames id.")})
    data["network"] = partners.network_by_slug(slug)
    if slug and data["network"] is None:
        raise ValidationFailed(_("Unknown network."), fields={"network": _("No network has this short name.")})
    return data


@router.post("/advocacy/{public_id}/endorsements", response={201: EndorsementOut},
             operation_id="advocacy_add_endorsement")
@requires("campaigns.edit")
def add_endorsement(request, public_id: uuid.UUID, payload: EndorsementIn):
    """Record who endorsed a statement."""
    c = selectors.advocacy(org=request.org, public_id=public_id)
    e = advocacy.add_endorsement(org=request.org, actor=request.user, campaign=c,
                                 **_endorsement_refs(c, payload.dict()))
    return Status(201, e)


@router.post("/advocacy/{public_id}/endorsements/review", response=list[EndorsementOut],
             operation_id="advocacy_review")
@requires("campaigns.edit")
def review_endorsements(request, public_id: uuid.UUID, payload: ReviewIn):
    """Verify or reject several endorsements of a statement at once.

    All or none, in one transaction with an audit entry per endorsement. Each must still await review
    (`unverified`): if one was reviewed meanwhile nothing changes and the answer is 409 `already_reviewed`,
    naming it; an id of no endorsement of this statement is a 422 on `endorsements`."""
    c = selectors.advocacy(org=request.org, public_id=public_id)
    chosen = selectors.endorsements_by_ids(org=request.org, campaign=c, public_ids=payload.endorsements)
    if len(chosen) != len(payload.endorsements):
        raise invalid("endorsements", _("Choose endorsements of this statement."))
    return advocacy.review_endorsements(org=request.org, actor=request.user, campaign=c, endorsements=chosen,
                                        verification=payload.verification)


@router.post("/endorsements/{public_id}/verification", response=EndorsementOut, operation_id="advocacy_verify")
@requires("campaigns.edit")
def verify_endorsement(request, public_id: uuid.UUID, payload: VerificationIn):
    """Verify, reject or publish an endorsement."""
    e = selectors.endorsement(org=request.org, public_id=public_id)
    return advocacy.set_verification(org=request.org, actor=request.user, endorsement=e, **payload.dict())


@router.post("/endorsements/{public_id}/letter", response=EndorsementOut, operation_id="advocacy_attach_letter")
@requires("campaigns.edit")
def attach_letter(request, public_id: uuid.UUID, file: UploadedFile = File(...)):  # noqa: B008
    """Attach the signed letter of an endorsement."""
    e = selectors.endorsement(org=request.org, public_id=public_id)
    return advocacy.attach_letter(org=request.org, actor=request.user, endorsement=e, upload=file)
