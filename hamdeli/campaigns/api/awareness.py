"""Awareness campaigns over JSON: campaigns, design sets and their files, placements, the overview."""

import datetime as dt
import uuid

from django.contrib.auth import get_user_model
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile
from pydantic import Field

from hamdeli.campaigns import selectors
from hamdeli.campaigns.models import CampaignAction, CampaignStatus, DesignFormat
from hamdeli.campaigns.services import awareness
from hamdeli.core import files, thumbnails
from hamdeli.core.boundary import OneOf, Patch, PublicId, Schema
from hamdeli.core.pagination import paged
from hamdeli.core.permissions import requires
from hamdeli.core.validation import invalid

router = Router()
Format = OneOf[DesignFormat]


def _owner(org, username):
    if username is None:
        return None
    user = get_user_model().objects.filter(username=username, memberships__org=org).first()
    if user is None:
        raise invalid("owner", _("The owner must be a member of your organization."))
    return user


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
    id: PublicId
    format: str
    location: str
    starts_on: dt.date
    ends_on: dt.date | None
    count: int
    reach: int | None
    notes: str


# A design file: the one shape of it, alone and in its design set.
class DesignFileOut(Schema):
    id: PublicId
    kind: str
    content_type: str
    size: int
    original_name: str
    has_thumbnail: bool = Field(..., description="a WebP of at most 320 px at …/thumbnail (images and the "
                                                 "first page of PDFs that could be drawn)")

    @staticmethod
    def resolve_has_thumbnail(f) -> bool:
        return bool(f.thumbnail)


class DesignSetOut(Schema):
    id: PublicId
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
    id: PublicId
    name: dict
    message: dict
    goal: str
    audience: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    owner: str | None
    notes: str

    @staticmethod
    def resolve_owner(c) -> str | None:
        return c.owner.username if c.owner else None


class CampaignDetailOut(CampaignOut):
    design_sets: list[DesignSetOut]
    format_totals: list[FormatTotalOut]

    @staticmethod
    def resolve_design_sets(c, context) -> list:
        return list(selectors.design_sets(org=context["request"].org, campaign=c))

    @staticmethod
    def resolve_format_totals(c, context) -> list:
        return selectors.format_totals(org=context["request"].org, campaign=c)


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


@router.get("/awareness", response=list[CampaignOut], operation_id="campaigns_list")
@paged
@requires("campaigns.view")
def list_campaigns(request, status: OneOf[CampaignStatus] | None = None):
    """Awareness campaigns, by status."""
    return selectors.campaigns(org=request.org, status=status)


@router.post("/awareness", response={201: CampaignDetailOut}, operation_id="campaigns_create")
@requires("campaigns.edit")
def create_campaign(request, payload: CampaignIn):
    """Plan an awareness campaign."""
    data = payload.dict()
    data["owner"] = _owner(request.org, data["owner"])
    c = awareness.create_campaign(org=request.org, actor=request.user, **data)
    return Status(201, selectors.campaign(org=request.org, public_id=c.public_id))


@router.get("/awareness/{public_id}", response=CampaignDetailOut, operation_id="campaigns_get")
@requires("campaigns.view")
def get_campaign(request, public_id: uuid.UUID):
    """One awareness campaign with its design sets and totals per format."""
    return selectors.campaign(org=request.org, public_id=public_id)


@router.patch("/awareness/{public_id}", response=CampaignDetailOut, operation_id="campaigns_update")
@requires("campaigns.edit")
def update_campaign(request, public_id: uuid.UUID, payload: CampaignPatch):
    """Change an awareness campaign's details."""
    c = selectors.campaign(org=request.org, public_id=public_id)
    data = payload.dict(exclude_unset=True)
    if "owner" in data:
        data["owner"] = _owner(request.org, data["owner"])
    awareness.update_campaign(org=request.org, actor=request.user, campaign=c, **data)
    return selectors.campaign(org=request.org, public_id=public_id)


@router.post("/awareness/{public_id}/transitions", response=CampaignDetailOut,
             operation_id="campaigns_transition")
@requires("campaigns.edit")
def transition_campaign(request, public_id: uuid.UUID, payload: CampaignTransitionIn):
    """Start, finish or cancel an awareness campaign."""
    c = selectors.campaign(org=request.org, public_id=public_id)
    awareness.transition_campaign(org=request.org, actor=request.user, campaign=c, action=payload.action)
    return selectors.campaign(org=request.org, public_id=public_id)


@router.post("/awareness/{public_id}/design-sets", response={201: DesignSetOut},
             operation_id="campaigns_add_design_set")
@requires("campaigns.edit")
def add_design_set(request, public_id: uuid.UUID, payload: DesignSetIn):
    """Add a design set to a campaign."""
    c = selectors.campaign(org=request.org, public_id=public_id)
    s = awareness.add_design_set(org=request.org, actor=request.user, campaign=c, **payload.dict())
    return Status(201, s)


@router.patch("/design-sets/{public_id}", response=DesignSetOut, operation_id="campaigns_update_design_set")
@requires("campaigns.edit")
def update_design_set(request, public_id: uuid.UUID, payload: DesignSetPatch):
    """Change a design set."""
    s = selectors.design_set(org=request.org, public_id=public_id)
    awareness.update_design_set(org=request.org, actor=request.user, design_set=s,
                                **payload.dict(exclude_unset=True))
    return selectors.design_set(org=request.org, public_id=public_id)


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
    return Status(201, f)


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
    return Status(201, awareness.add_placement(org=request.org, actor=request.user, design_set=s, **payload.dict()))


@router.patch("/placements/{public_id}", response=PlacementOut, operation_id="campaigns_update_placement")
@requires("campaigns.edit")
def update_placement(request, public_id: uuid.UUID, payload: PlacementPatch):
    """Change a placement."""
    p = selectors.placement(org=request.org, public_id=public_id)
    return awareness.update_placement(org=request.org, actor=request.user, placement=p,
                                      **payload.dict(exclude_unset=True))


@router.delete("/placements/{public_id}", response={204: None}, operation_id="campaigns_remove_placement")
@requires("campaigns.edit")
def remove_placement(request, public_id: uuid.UUID):
    """Remove a placement."""
    p = selectors.placement(org=request.org, public_id=public_id)
    awareness.remove_placement(org=request.org, actor=request.user, placement=p)
    return Status(204, None)


# A lane of selectors.timeline: its campaign's bar and design sets.
class LaneOut(Schema):
    campaign: uuid.UUID
    name: str
    starts_on: dt.date
    ends_on: dt.date
    status: str
    design_sets: list[dict]

    @staticmethod
    def resolve_campaign(lane) -> uuid.UUID:
        return lane["campaign"].public_id

    @staticmethod
    def resolve_name(lane) -> str:
        return lane["bar"].label

    @staticmethod
    def resolve_starts_on(lane) -> dt.date:
        return lane["bar"].on

    @staticmethod
    def resolve_ends_on(lane) -> dt.date:
        return lane["bar"].until

    @staticmethod
    def resolve_status(lane) -> str:
        return lane["campaign"].status

    @staticmethod
    def resolve_design_sets(lane) -> list[dict]:
        return [{"id": m.public_id, "title": m.label, "ready_on": m.on.isoformat()} for m in lane["sets"]]


# selectors.timeline (its lanes, first start and last end) with the totals per format.
class OverviewOut(Schema):
    starts_on: dt.date | None
    ends_on: dt.date | None
    lanes: list[LaneOut]
    format_totals: list[FormatTotalOut]

    @staticmethod
    def resolve_starts_on(timeline) -> dt.date | None:
        return timeline["start"]

    @staticmethod
    def resolve_ends_on(timeline) -> dt.date | None:
        return timeline["end"]

    @staticmethod
    def resolve_format_totals(timeline, context) -> list:
        return selectors.format_totals(org=context["request"].org)


@router.get("/overview", response=OverviewOut, operation_id="campaigns_overview")
@requires("campaigns.view")
def overview(request):
    """The campaigns' timeline and totals per format."""
    return selectors.timeline(org=request.org) or {"start": None, "end": None, "lanes": []}
