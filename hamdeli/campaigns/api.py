"""Campaigns over JSON: awareness campaigns, advocacy statements and endorsements, recognition."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Literal

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile
from pydantic import Field

from hamdeli.campaigns import selectors
from hamdeli.campaigns.models import (
    CampaignAction,
    CampaignStatus,
    Channel,
    DesignFormat,
    OnBehalfOf,
    RecognitionKind,
    Verification,
)
from hamdeli.campaigns.services import advocacy, awareness, recognition
from hamdeli.core import files, thumbnails
from hamdeli.core.boundary import OneOf, Patch, Schema
from hamdeli.core.errors import ValidationFailed
from hamdeli.core.pagination import mapped, paged
from hamdeli.core.permissions import requires
from hamdeli.partners import selectors as partners
from hamdeli.places import selectors as places

router = Router(tags=["campaigns"])
Format = OneOf[DesignFormat]
if TYPE_CHECKING:  # a review's decision, as text for the type checker; pydantic checks the list
    Decision = str
else:
    Decision = Literal[tuple(d.value for d in advocacy.REVIEW_DECISIONS)]


def _owner(org, username):
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, memberships__org=org).first()
    if user is None:
        raise ValidationFailed(_("Some fields are not valid."),
                               fields={"owner": _("The owner must be a member of your organization.")})
    return user


# --- awareness -----------------------------------------------------------------------------------
class CampaignIn(Schema):
    name: dict
    message: dict = {}
    goal: str = Field("", max_length=5000)
    audience: str = Field("", max_length=300)
    starts_on: dt.date
    ends_on: dt.date
    owner: str | None = None
    notes: str = Field("", max_length=10000)


class CampaignPatch(Schema):
    name: Patch[dict] = None
    message: Patch[dict] = None
    goal: Patch[str] = Field(None, max_length=5000)
    audience: Patch[str] = Field(None, max_length=300)
    starts_on: Patch[dt.date] = None
    ends_on: Patch[dt.date] = None
    owner: str | None = None
    notes: Patch[str] = Field(None, max_length=10000)


class PlacementOut(Schema):
    id: uuid.UUID
    format: str
    location: str
    starts_on: dt.date
    ends_on: dt.date | None
    count: int
    reach: int | None
    notes: str


class DesignFileOut(Schema):
    id: uuid.UUID
    kind: str
    content_type: str
    size: int
    original_name: str
    has_thumbnail: bool = Field(..., description="a WebP of at most 320 px at …/thumbnail (images and the "
                                                 "first page of PDFs that could be drawn)")


class DesignSetOut(Schema):
    id: uuid.UUID
    title: dict
    formats: list[str]
    ready_on: dt.date
    notes: str
    files: list[DesignFileOut]
    placements: list[PlacementOut]


class FormatTotalOut(Schema):
    format: str
    label: str
    design_sets: int
    placements: int
    units: int
    reach: int


class CampaignOut(Schema):
    id: uuid.UUID
    name: dict
    message: dict
    goal: str
    audience: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    owner: str | None
    notes: str


class CampaignDetailOut(CampaignOut):
    design_sets: list[DesignSetOut]
    format_totals: list[FormatTotalOut]


class CampaignTransitionIn(Schema):
    action: OneOf[CampaignAction]


class DesignSetIn(Schema):
    title: dict
    formats: list[Format] = Field(..., min_length=1)
    ready_on: dt.date
    notes: str = Field("", max_length=10000)


class DesignSetPatch(Schema):
    title: Patch[dict] = None
    formats: Patch[list[Format]] = Field(None, min_length=1)
    ready_on: Patch[dt.date] = None
    notes: Patch[str] = Field(None, max_length=10000)


class PlacementIn(Schema):
    format: Format
    location: str = Field(..., min_length=1, max_length=300)
    starts_on: dt.date
    ends_on: dt.date | None = None
    count: int = Field(..., ge=1)
    reach: int | None = Field(None, ge=0)
    notes: str = Field("", max_length=10000)


class PlacementPatch(Schema):
    format: Patch[Format] = None
    location: Patch[str] = Field(None, min_length=1, max_length=300)
    starts_on: Patch[dt.date] = None
    ends_on: dt.date | None = None
    count: Patch[int] = Field(None, ge=1)
    reach: int | None = Field(None, ge=0)
    notes: Patch[str] = Field(None, max_length=10000)


def campaign_out(c) -> dict:
    return {"id": c.public_id, **{n: getattr(c, n) for n in ("name", "message", "goal", "audience", "starts_on",
                                                             "ends_on", "status", "notes")},
            "owner": c.owner.username if c.owner else None}


def placement_out(p) -> dict:
    return {"id": p.public_id, **{n: getattr(p, n) for n in ("format", "location", "starts_on", "ends_on", "count",
                                                             "reach", "notes")}}


def design_file_out(f) -> dict:
    return {"id": f.public_id, "kind": f.kind, "content_type": f.content_type, "size": f.size,
            "original_name": f.original_name, "has_thumbnail": bool(f.thumbnail)}


def design_set_out(s) -> dict:
    return {"id": s.public_id, "title": s.title, "formats": s.formats, "ready_on": s.ready_on, "notes": s.notes,
            "files": [design_file_out(f) for f in s.files.all()],
            "placements": [placement_out(p) for p in s.placements.all()]}


def campaign_detail(request, public_id) -> dict:
    c = selectors.campaign(org=request.org, public_id=public_id)
    return {**campaign_out(c),
            "design_sets": [design_set_out(s) for s in selectors.design_sets(org=request.org, campaign=c)],
            "format_totals": [vars(t) for t in selectors.format_totals(org=request.org, campaign=c)]}


@router.get("/awareness", response=list[CampaignOut], operation_id="campaigns_list")
@paged
@requires("campaigns.view")
def list_campaigns(request, status: OneOf[CampaignStatus] | None = None):
    """Awareness campaigns, by status."""
    return mapped(selectors.campaigns(org=request.org, status=status), campaign_out)


@router.post("/awareness", response={201: CampaignDetailOut}, operation_id="campaigns_create")
@requires("campaigns.edit")
def create_campaign(request, payload: CampaignIn):
    """Plan an awareness campaign."""
    data = payload.dict()
    data["owner"] = _owner(request.org, data["owner"])
    c = awareness.create_campaign(org=request.org, actor=request.user, **data)
    return Status(201, campaign_detail(request, c.public_id))


@router.get("/awareness/{public_id}", response=CampaignDetailOut, operation_id="campaigns_get")
@requires("campaigns.view")
def get_campaign(request, public_id: uuid.UUID):
    """One awareness campaign with its design sets and totals per format."""
    return campaign_detail(request, public_id)


@router.patch("/awareness/{public_id}", response=CampaignDetailOut, operation_id="campaigns_update")
@requires("campaigns.edit")
def update_campaign(request, public_id: uuid.UUID, payload: CampaignPatch):
    """Change an awareness campaign's details."""
    c = selectors.campaign(org=request.org, public_id=public_id)
    data = payload.dict(exclude_unset=True)
    if "owner" in data:
        data["owner"] = _owner(request.org, data["owner"])
    awareness.update_campaign(org=request.org, actor=request.user, campaign=c, **data)
    return campaign_detail(request, public_id)


@router.post("/awareness/{public_id}/transitions", response=CampaignDetailOut,
             operation_id="campaigns_transition")
@requires("campaigns.edit")
def transition_campaign(request, public_id: uuid.UUID, payload: CampaignTransitionIn):
    """Start, finish or cancel an awareness campaign."""
    c = selectors.campaign(org=request.org, public_id=public_id)
    awareness.transition_campaign(org=request.org, actor=request.user, campaign=c, action=payload.action)
    return campaign_detail(request, public_id)


@router.post("/awareness/{public_id}/design-sets", response={201: DesignSetOut},
             operation_id="campaigns_add_design_set")
@requires("campaigns.edit")
def add_design_set(request, public_id: uuid.UUID, payload: DesignSetIn):
    """Add a design set to a campaign."""
    c = selectors.campaign(org=request.org, public_id=public_id)
    s = awareness.add_design_set(org=request.org, actor=request.user, campaign=c, **payload.dict())
    return Status(201, design_set_out(s))


@router.patch("/design-sets/{public_id}", response=DesignSetOut, operation_id="campaigns_update_design_set")
@requires("campaigns.edit")
def update_design_set(request, public_id: uuid.UUID, payload: DesignSetPatch):
    """Change a design set."""
    s = selectors.design_set(org=request.org, public_id=public_id)
    awareness.update_design_set(org=request.org, actor=request.user, design_set=s,
                                **payload.dict(exclude_unset=True))
    return design_set_out(selectors.design_set(org=request.org, public_id=public_id))


@router.delete("/design-sets/{public_id}", response={204: None}, operation_id="campaigns_remove_design_set")
@requires("campaigns.edit")
def remove_design_set(request, public_id: uuid.UUID):
    """Remove a design set (once it has no placements)."""
    s = selectors.design_set(org=request.org, public_id=public_id)
    awareness.remove_design_set(org=request.org, actor=request.user, design_set=s)
    return Status(204, None)


@router.post("/design-sets/{public_id}/files", response={201: DesignFileOut},
             operation_id="campaigns_upload_design_file")
@requires("campaigns.edit")
def upload_design_file(request, public_id: uuid.UUID, file: UploadedFile = File(...)):  # noqa: B008
    """Upload a file (image, PDF, video) to a design set."""
    s = selectors.design_set(org=request.org, public_id=public_id)
    f = awareness.add_design_file(org=request.org, actor=request.user, design_set=s, upload=file)
    return Status(201, design_file_out(f))


@router.get("/design-files/{public_id}/content", operation_id="campaigns_design_file_content",
            response={200: None})
@requires("campaigns.view")
def design_file_content(request, public_id: uuid.UUID):
    """Download a design file."""
    f = selectors.design_file(org=request.org, public_id=public_id)
    return files.serve(f.file, name=f.original_name, content_type=f.content_type)


@router.get("/design-files/{public_id}/thumbnail", operation_id="campaigns_design_file_thumbnail",
            response={200: None})
@requires("campaigns.view")
def design_file_thumbnail(request, public_id: uuid.UUID):
    """A design file's thumbnail: a WebP of at most 320 px.

    Made when the file was uploaded, for raster images and the first page of PDFs; a video, or a file
    that could not be drawn, has none (404, as `has_thumbnail` says)."""
    f = selectors.design_file(org=request.org, public_id=public_id)
    return files.serve(f.thumbnail, name=f.original_name, content_type=thumbnails.CONTENT_TYPE, max_age=86400,
                       picture_in_page=True)


@router.delete("/design-files/{public_id}", response={204: None}, operation_id="campaigns_remove_design_file")
@requires("campaigns.edit")
def remove_design_file(request, public_id: uuid.UUID):
    """Remove a design file."""
    f = selectors.design_file(org=request.org, public_id=public_id)
    awareness.remove_design_file(org=request.org, actor=request.user, design_file=f)
    return Status(204, None)


@router.post("/design-sets/{public_id}/placements", response={201: PlacementOut},
             operation_id="campaigns_add_placement")
@requires("campaigns.edit")
def add_placement(request, public_id: uuid.UUID, payload: PlacementIn):
    """Record where a design set was placed."""
    s = selectors.design_set(org=request.org, public_id=public_id)
    return Status(201, placement_out(awareness.add_placement(org=request.org, actor=request.user, design_set=s,
                                                             **payload.dict())))


@router.patch("/placements/{public_id}", response=PlacementOut, operation_id="campaigns_update_placement")
@requires("campaigns.edit")
def update_placement(request, public_id: uuid.UUID, payload: PlacementPatch):
    """Change a placement."""
    p = selectors.placement(org=request.org, public_id=public_id)
    return placement_out(awareness.update_placement(org=request.org, actor=request.user, placement=p,
                                                    **payload.dict(exclude_unset=True)))


@router.delete("/placements/{public_id}", response={204: None}, operation_id="campaigns_remove_placement")
@requires("campaigns.edit")
def remove_placement(request, public_id: uuid.UUID):
    """Remove a placement."""
    p = selectors.placement(org=request.org, public_id=public_id)
    awareness.remove_placement(org=request.org, actor=request.user, placement=p)
    return Status(204, None)


class LaneOut(Schema):
    campaign: uuid.UUID
    name: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    design_sets: list[dict]


class OverviewOut(Schema):
    starts_on: dt.date | None
    ends_on: dt.date | None
    lanes: list[LaneOut]
    format_totals: list[FormatTotalOut]


@router.get("/overview", response=OverviewOut, operation_id="campaigns_overview")
@requires("campaigns.view")
def overview(request):
    """The campaigns' timeline and totals per format."""
    tl = selectors.timeline(org=request.org) or {"start": None, "end": None, "lanes": []}
    lanes = [{"campaign": lane["campaign"].public_id, "name": lane["bar"].label, "starts_on": lane["bar"].on,
              "ends_on": lane["bar"].until, "status": lane["campaign"].status,
              "design_sets": [{"id": m.public_id, "title": m.label, "ready_on": m.on.isoformat()}
                              for m in lane["sets"]]} for lane in tl["lanes"]]
    return {"starts_on": tl["start"], "ends_on": tl["end"], "lanes": lanes,
            "format_totals": [vars(t) for t in selectors.format_totals(org=request.org)]}


# --- advocacy ------------------------------------------------------------------------------------
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
    id: uuid.UUID
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


class AdvocacyOut(Schema):
    id: uuid.UUID
    title: dict
    target_date: dt.date | None
    published: bool
    notes: str
    public_url: str | None
    versions: list[VersionOut]
    counts_by_version: list[VersionCountOut]
    counts_by_network: list[NetworkCountOut]


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
    id: uuid.UUID
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


class VerificationIn(Schema):
    verification: OneOf[Verification]
    published: bool = False


class ReviewIn(Schema):
    endorsements: list[uuid.UUID] = Field(..., min_length=1, max_length=500,
                                          description="ids of the statement's endorsements awaiting review")
    verification: Decision


def advocacy_out(request, c) -> dict:
    return {"id": c.public_id, "title": c.title, "target_date": c.target_date, "published": c.published,
            "notes": c.notes,
            "public_url": reverse("campaigns:statement_public", args=[c.public_id]) if c.published else None,
            "versions": [{"id": v.public_id, "number": v.number, "text": v.text, "issued_on": v.issued_on,
                          "note": v.note} for v in c.versions.all()],
            "counts_by_version": selectors.counts_by_version(c), "counts_by_network": selectors.counts_by_network(c)}


def endorsement_out(e) -> dict:
    return {"id": e.public_id, "version": e.version.number, "city_geonameid": e.city_id,
            "network": e.network.slug if e.network_id else None, "has_letter_file": bool(e.letter_file),
            **{n: getattr(e, n) for n in ("endorser_name", "endorser_title", "capacity", "on_behalf_of",
                                          "organisation", "endorsed_on", "channel", "source_url",
                                          "letter_public_id", "verification", "published", "quote")}}


@router.get("/advocacy", response=list[AdvocacyOut], operation_id="advocacy_list")
@paged
@requires("campaigns.view")
def list_advocacy(request):
    """Advocacy statements with their versions and endorsement counts."""
    return mapped(selectors.advocacy_campaigns(org=request.org), lambda c: advocacy_out(request, c),
                  prepare=selectors.attach_counts)


@router.post("/advocacy", response={201: AdvocacyOut}, operation_id="advocacy_create")
@requires("campaigns.edit")
def create_advocacy(request, payload: AdvocacyIn):
    """Write an advocacy statement."""
    return Status(201, advocacy_out(request, advocacy.create_advocacy(org=request.org, actor=request.user,
                                                                      **payload.dict())))


@router.get("/advocacy/{public_id}", response=AdvocacyOut, operation_id="advocacy_get")
@requires("campaigns.view")
def get_advocacy(request, public_id: uuid.UUID):
    """One advocacy statement with its versions and endorsement counts."""
    return advocacy_out(request, selectors.advocacy(org=request.org, public_id=public_id))


@router.patch("/advocacy/{public_id}", response=AdvocacyOut, operation_id="advocacy_update")
@requires("campaigns.edit")
def update_advocacy(request, public_id: uuid.UUID, payload: AdvocacyPatch):
    """Change or publish an advocacy statement."""
    c = selectors.advocacy(org=request.org, public_id=public_id)
    return advocacy_out(request, advocacy.update_advocacy(org=request.org, actor=request.user, campaign=c,
                                                          **payload.dict(exclude_unset=True)))


@router.post("/advocacy/{public_id}/versions", response={201: VersionOut}, operation_id="advocacy_add_version")
@requires("campaigns.edit")
def add_version(request, public_id: uuid.UUID, payload: VersionIn):
    """Issue a new version of a statement's text."""
    c = selectors.advocacy(org=request.org, public_id=public_id)
    v = advocacy.add_version(org=request.org, actor=request.user, campaign=c, **payload.dict())
    return Status(201, {"id": v.public_id, "number": v.number, "text": v.text, "issued_on": v.issued_on,
                        "note": v.note})


@router.get("/advocacy/{public_id}/endorsements", response=list[EndorsementOut],
            operation_id="advocacy_endorsements")
@paged
@requires("campaigns.view")
def list_endorsements(request, public_id: uuid.UUID, verification: OneOf[Verification] | None = None):
    """A statement's endorsements, by verification status."""
    c = selectors.advocacy(org=request.org, public_id=public_id)
    return mapped(selectors.endorsements(org=request.org, campaign=c, verification=verification), endorsement_out)


def _endorsement_refs(c, data: dict) -> dict:
    number = data.pop("version")
    if number is not None:
        data["version"] = c.versions.filter(number=number).first()
        if data["version"] is None:
            raise ValidationFailed(_("Some fields are not valid."), fields={"version": _("No such version.")})
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
    return Status(201, endorsement_out(e))


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
        raise ValidationFailed(_("Some fields are not valid."),
                               fields={"endorsements": _("Choose endorsements of this statement.")})
    done = advocacy.review_endorsements(org=request.org, actor=request.user, campaign=c, endorsements=chosen,
                                       verification=payload.verification)
    return [endorsement_out(e) for e in done]


@router.post("/endorsements/{public_id}/verification", response=EndorsementOut, operation_id="advocacy_verify")
@requires("campaigns.edit")
def verify_endorsement(request, public_id: uuid.UUID, payload: VerificationIn):
    """Verify, reject or publish an endorsement."""
    e = selectors.endorsement(org=request.org, public_id=public_id)
    return endorsement_out(advocacy.set_verification(org=request.org, actor=request.user, endorsement=e,
                                                     **payload.dict()))


@router.post("/endorsements/{public_id}/letter", response=EndorsementOut, operation_id="advocacy_attach_letter")
@requires("campaigns.edit")
def attach_letter(request, public_id: uuid.UUID, file: UploadedFile = File(...)):  # noqa: B008
    """Attach the signed letter of an endorsement."""
    e = selectors.endorsement(org=request.org, public_id=public_id)
    return endorsement_out(advocacy.attach_letter(org=request.org, actor=request.user, endorsement=e, upload=file))


# --- recognition ---------------------------------------------------------------------------------
class RecipientIn(Schema):
    name: dict
    city_geonameid: int | None = None
    notes: str = Field("", max_length=5000)


class RecipientOut(Schema):
    id: uuid.UUID
    name: dict
    city_geonameid: int | None
    notes: str
    listed_from: str = Field("", description='"aid-party:<id>" when listed from the aid records')


class RecognitionItemIn(Schema):
    title: dict
    kind: OneOf[RecognitionKind]
    maker: str = Field("", max_length=200)
    occasion: str = Field("", max_length=300)
    description: str = Field("", max_length=10000)


class CopyOut(Schema):
    id: uuid.UUID
    label: str
    is_original: bool
    number: int | None
    recipient: uuid.UUID
    recipient_name: str
    handed_over_on: dt.date | None
    received_by: str
    note: str


class RecognitionItemOut(Schema):
    id: uuid.UUID
    title: dict
    kind: str
    maker: str
    occasion: str
    description: str
    copies: list[CopyOut]
    waiting: list[uuid.UUID]


class CopiesIn(Schema):
    recipients: list[uuid.UUID] = Field(..., min_length=1)
    original: bool = False


class CopyHandoverIn(Schema):
    handed_over_on: dt.date
    received_by: str = Field(..., min_length=1, max_length=200)
    note: str = Field("", max_length=5000)


def recipient_out(r) -> dict:
    return {"id": r.public_id, "name": r.name, "city_geonameid": r.city_id, "notes": r.notes,
            "listed_from": r.source}


def copy_out(c) -> dict:
    return {"id": c.public_id, "label": c.label, "is_original": c.is_original, "number": c.number,
            "recipient": c.recipient.public_id, "recipient_name": str(c.recipient),
            "handed_over_on": c.handed_over_on, "received_by": c.received_by, "note": c.note}


def item_out(request, i) -> dict:
    prefetched = "copies" in getattr(i, "_prefetched_objects_cache", {})
    copies = list(i.copies.all() if prefetched else selectors.copies(org=request.org, item=i))
    return {"id": i.public_id, **{n: getattr(i, n) for n in ("title", "kind", "maker", "occasion", "description")},
            "copies": [copy_out(c) for c in copies],
            "waiting": [c.recipient.public_id for c in copies if c.handed_over_on is None]}


@router.get("/recipients", response=list[RecipientOut], operation_id="recognition_recipients")
@paged
@requires("campaigns.view")
def list_recipients(request):
    """Who receives recognition items."""
    return mapped(selectors.recipients(org=request.org), recipient_out)


@router.post("/recipients", response={201: RecipientOut}, operation_id="recognition_add_recipient")
@requires("campaigns.edit")
def add_recipient(request, payload: RecipientIn):
    """List a recipient of recognition items."""
    data = payload.dict()
    geonameid = data.pop("city_geonameid")
    city = places.find_city(geonameid) if geonameid is not None else None
    if geonameid is not None and city is None:
        raise ValidationFailed(_("Unknown city."), fields={"city_geonameid": _("No city has this GeoNames id.")})
    return Status(201, recipient_out(recognition.create_recipient(org=request.org, actor=request.user, city=city,
                                                                  **data)))


@router.post("/recipients/from-aid", response={201: list[RecipientOut]}, operation_id="recognition_recipients_from_aid")
@requires("campaigns.edit")
def recipients_from_aid(request):
    """List as recipients the hospitals and institutions the aid reached that are not listed yet."""
    made = recognition.list_aid_recipients(org=request.org, actor=request.user)
    return Status(201, [recipient_out(r) for r in made])


@router.get("/recognition", response=list[RecognitionItemOut], operation_id="recognition_list")
@paged
@requires("campaigns.view")
def list_items(request):
    """Recognition items with their copies and who still waits for one."""
    return mapped(selectors.with_copies(selectors.items(org=request.org)), lambda i: item_out(request, i))


@router.post("/recognition", response={201: RecognitionItemOut}, operation_id="recognition_create")
@requires("campaigns.edit")
def create_item(request, payload: RecognitionItemIn):
    """Describe a recognition item (an artwork, a plaque)."""
    return Status(201, item_out(request, recognition.create_item(org=request.org, actor=request.user,
                                                                 **payload.dict())))


@router.get("/recognition/{public_id}", response=RecognitionItemOut, operation_id="recognition_get")
@requires("campaigns.view")
def get_item(request, public_id: uuid.UUID):
    """One recognition item with its copies."""
    return item_out(request, selectors.item(org=request.org, public_id=public_id))


@router.post("/recognition/{public_id}/copies", response={201: list[CopyOut]}, operation_id="recognition_add_copies")
@requires("campaigns.edit")
def add_copies(request, public_id: uuid.UUID, payload: CopiesIn):
    """Make copies of a recognition item, one per recipient."""
    i = selectors.item(org=request.org, public_id=public_id)
    chosen = selectors.recipients_by_ids(org=request.org, public_ids=payload.recipients)
    if len(chosen) != len(set(payload.recipients)):
        raise ValidationFailed(_("Some fields are not valid."), fields={"recipients": _("Unknown recipient.")})
    made = recognition.add_copies(org=request.org, actor=request.user, item=i, recipients=chosen,
                                  original=payload.original)
    return Status(201, [copy_out(c) for c in made])


@router.post("/copies/{public_id}/handover", response=CopyOut, operation_id="recognition_handover")
@requires("campaigns.edit")
def handover(request, public_id: uuid.UUID, payload: CopyHandoverIn):
    """Record that a copy was handed over."""
    c = selectors.copy(org=request.org, public_id=public_id)
    return copy_out(recognition.record_handover(org=request.org, actor=request.user, copy=c, **payload.dict()))


class CampaignsDashboardOut(Schema):
    running: list[CampaignOut]
    pending_handovers: list[CopyOut]


@router.get("/dashboard", response=CampaignsDashboardOut, operation_id="campaigns_dashboard")
@requires("campaigns.view")
def dashboard(request):
    """Running campaigns and copies still to hand over."""
    return {"running": [campaign_out(c) for c in selectors.running_campaigns(org=request.org)],
            "pending_handovers": [copy_out(c) for c in selectors.pending_handovers(org=request.org)]}
