"""Awareness campaigns: the campaign and its lifecycle, design sets, their files and placements."""

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import User
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_fsm import can_proceed

from hamdeli.campaigns.models import (
    Campaign,
    CampaignAction,
    DesignFile,
    DesignFormat,
    DesignSet,
    Placement,
)
from hamdeli.core import audit, thumbnails
from hamdeli.core.dates import format_date
from hamdeli.core.digits import format_number
from hamdeli.core.errors import Conflict, require_fields
from hamdeli.core.files import DESIGN_FILES, FileKind, check_upload, delete_on_commit, removing_file_on_failure
from hamdeli.core.models import Organization
from hamdeli.core.records import get_or_404, locked
from hamdeli.core.types import Actor
from hamdeli.core.validation import (
    choice,
    invalid,
    localized,
    max_length,
    period,
    unknown_fields,
)

T = TypeVar("T")

CAMPAIGN_FIELDS = ["name", "message", "goal", "audience", "starts_on", "ends_on", "owner", "notes"]
DESIGN_SET_FIELDS = ["title", "formats", "ready_on", "notes"]
PLACEMENT_FIELDS = ["format", "location", "starts_on", "ends_on", "count", "reach", "notes"]


def _check_owner(org: Organization, owner: User | None) -> User | None:
    if owner is None:
        return None
    if not get_user_model().objects.filter(pk=owner.pk, memberships__org=org).exists():
        raise invalid("owner", _("The owner must be a member of your organization."))
    return owner


def _clean_campaign(org: Organization, fields: dict[str, Any]) -> dict[str, Any]:
    unknown_fields(fields, CAMPAIGN_FIELDS)
    if "name" in fields:
        fields["name"] = localized("name", fields["name"])
    if "message" in fields:
        fields["message"] = localized("message", fields["message"], required=False)
    for name, limit in (("goal", 5000), ("audience", 300), ("notes", 10000)):
        if name in fields:
            fields[name] = max_length(name, fields[name], limit)
    if "owner" in fields:
        fields["owner"] = _check_owner(org, fields["owner"])
    return fields


@transaction.atomic
def create_campaign(*, org: Organization, actor: Actor, name: object, starts_on: dt.date | None,
                    ends_on: dt.date | None, **fields: Any) -> Campaign:
    require_fields(starts_on=starts_on, ends_on=ends_on)
    assert starts_on is not None and ends_on is not None  # refused above
    fields = _clean_campaign(org, {"name": name, **fields})
    period("starts_on", starts_on, "ends_on", ends_on)
    campaign = Campaign.objects.create(org=org, starts_on=starts_on, ends_on=ends_on, **fields)
    audit.record(org=org, actor=actor, action="campaign.created", obj=campaign, after=audit.snapshot(campaign))
    return campaign


@transaction.atomic
def update_campaign(*, org: Organization, actor: Actor, campaign: Campaign, **fields: Any) -> Campaign:
    fields = _clean_campaign(org, fields)
    campaign = locked(Campaign.objects, pk=campaign.pk, org=org)
    before = audit.snapshot(campaign)
    for name, value in fields.items():
        if name in {"starts_on", "ends_on"} and value is None:
            raise invalid(name, _("This field is required."))
        setattr(campaign, name, value)
    period("starts_on", campaign.starts_on, "ends_on", campaign.ends_on)
    campaign.save()
    audit.record(org=org, actor=actor, action="campaign.updated", obj=campaign, before=before,
                 after=audit.snapshot(campaign))
    return campaign


def _step(org: Organization, actor: Actor, campaign: Campaign, action: str) -> Campaign:
    """Take the FSM transition named `action`, audited; a step the campaign cannot take now is a 409."""
    campaign = locked(Campaign.objects, pk=campaign.pk, org=org)
    method = getattr(campaign, action)
    if not can_proceed(method):
        raise Conflict(
            _("A campaign that is “%(state)s” cannot take the step “%(action)s”.") % {
                "state": campaign.get_status_display(), "action": CampaignAction(action).label},
            code="illegal_transition", fields={"action": _("Not possible in the current state.")})
    before = audit.snapshot(campaign)
    method()
    campaign.save()
    audit.record(org=org, actor=actor, action=f"campaign.{action}", obj=campaign, before=before,
                 after=audit.snapshot(campaign))
    return campaign


@transaction.atomic
def start_campaign(*, org: Organization, actor: Actor, campaign: Campaign) -> Campaign:
    """A planned campaign starts running."""
    return _step(org, actor, campaign, CampaignAction.START.value)


@transaction.atomic
def finish_campaign(*, org: Organization, actor: Actor, campaign: Campaign) -> Campaign:
    """A running campaign is finished."""
    return _step(org, actor, campaign, CampaignAction.FINISH.value)


# The one table from a step's name (the API's and the page's `action`) to its service.
CAMPAIGN_STEPS: dict[str, Callable[..., Campaign]] = {CampaignAction.START.value: start_campaign,
                                                      CampaignAction.FINISH.value: finish_campaign}


def transition_campaign(*, org: Organization, actor: Actor, campaign: Campaign, action: str) -> Campaign:
    """The step named `action` (CAMPAIGN_STEPS): planned → running → finished; any other step is a 409."""
    choice("action", action, CampaignAction)
    return CAMPAIGN_STEPS[action](org=org, actor=actor, campaign=campaign)


def _check_formats(formats: object) -> list[str]:
    if not isinstance(formats, list | tuple) or not formats:
        raise invalid("formats", _("Choose at least one format."))
    if any(value not in DesignFormat.values for value in formats):
        raise invalid("formats", _("Choose one of the allowed values."))
    return [value for value in DesignFormat.values if value in formats]  # canonical order, no repeats


def _open_campaign(org: Organization, campaign_id: int) -> Campaign:
    """Lock the campaign (so its material changes one at a time and not while it is being finished) and
    refuse with 409 once it is finished: then its design sets, files and placements are its record."""
    campaign = locked(Campaign.objects, pk=campaign_id, org=org)
    if not campaign.material_is_open():
        raise Conflict(_("This campaign is finished: its design sets, files and placements can no longer be "
                         "changed."), code="campaign_finished")
    return campaign


def _required(field: str, value: T) -> T:
    if value in (None, ""):
        raise invalid(field, _("This field is required."))
    return value


@transaction.atomic
def add_design_set(*, org: Organization, actor: Actor, campaign: Campaign, title: object, formats: object,
                   ready_on: dt.date | None, notes: str = "") -> DesignSet:
    require_fields(ready_on=ready_on)
    assert ready_on is not None  # refused above
    design_set = DesignSet.objects.create(
        org=org, campaign=_open_campaign(org, campaign.pk), title=localized("title", title),
        formats=_check_formats(formats), ready_on=ready_on, notes=max_length("notes", notes, 10000))
    audit.record(org=org, actor=actor, action="design_set.created", obj=design_set,
                 after=audit.snapshot(design_set))
    return design_set


@transaction.atomic
def update_design_set(*, org: Organization, actor: Actor, design_set: DesignSet, **fields: Any) -> DesignSet:
    """Change a design set's title, formats, ready date or notes; a format its placements use must stay."""
    unknown_fields(fields, DESIGN_SET_FIELDS)
    _open_campaign(org, design_set.campaign_id)
    design_set = locked(DesignSet.objects, pk=design_set.pk, org=org)
    before = audit.snapshot(design_set)
    if "title" in fields:
        design_set.title = localized("title", fields["title"])
    if "formats" in fields:
        formats = _check_formats(fields["formats"])
        placed = set(design_set.placements.values_list("format", flat=True))
        in_use = [value for value in DesignFormat.values if value in placed and value not in formats]
        if in_use:
            raise invalid("formats", _("Placements of this set use the format “%(format)s”: keep it, or change or "
                                       "remove those placements first.") % {
                "format": DesignFormat(in_use[0]).label})
        design_set.formats = formats
    if "ready_on" in fields:
        design_set.ready_on = _required("ready_on", fields["ready_on"])
    if "notes" in fields:
        design_set.notes = max_length("notes", fields["notes"], 10000)
    design_set.save()
    audit.record(org=org, actor=actor, action="design_set.updated", obj=design_set, before=before,
                 after=audit.snapshot(design_set))
    return design_set


@transaction.atomic
def remove_design_set(*, org: Organization, actor: Actor, design_set: DesignSet) -> None:
    """Remove a design set and its files. One with placements is refused (409): they are the record of
    where the campaign went out, so each is removed on purpose, with its own audit entry, first."""
    _open_campaign(org, design_set.campaign_id)
    design_set = locked(DesignSet.objects, pk=design_set.pk, org=org)
    placed = design_set.placements.count()
    if placed:
        raise Conflict(ngettext(
            "This design set has %(n)s placement; remove it first, then the set.",
            "This design set has %(n)s placements; remove them first, then the set.", placed) % {
                "n": format_number(placed)},
            code="design_set_has_placements")
    files = list(design_set.files.all())
    audit.record(org=org, actor=actor, action="design_set.removed", obj=design_set,
                 before={**audit.snapshot(design_set), "files": [audit.snapshot(f) for f in files]})
    delete_on_commit(*(f for design_file in files for f in (design_file.file, design_file.thumbnail)))
    design_set.delete()  # its files' rows go with it (CASCADE)


@transaction.atomic
def add_design_file(*, org: Organization, actor: Actor, design_set: DesignSet, upload: "UploadedFile[Any] | None",
                    ) -> DesignFile:
    """Store one file of a design set after checking its kind (from its content) and size."""
    if upload is None:
        raise invalid("file", _("This field is required."))
    _open_campaign(org, design_set.campaign_id)
    kind = check_upload(upload, field="file", allowed=DESIGN_FILES)  # size: UPLOAD_MAX_BYTES
    design_file = DesignFile(org=org, design_set=get_or_404(DesignSet.objects, pk=design_set.pk, org=org),
                             kind=kind.name, content_type=kind.content_type, size=upload.size or 0,
                             original_name=(upload.name or "design")[-255:])
    picture = _thumbnail_of(upload, kind)
    design_file.file.save(f"{design_file.public_id}{kind.extension}", upload, save=False)
    with removing_file_on_failure(design_file.file), removing_file_on_failure(design_file.thumbnail):
        if picture is not None:
            design_file.thumbnail.save(f"{design_file.public_id}{thumbnails.EXTENSION}", ContentFile(picture),
                                       save=False)
        design_file.save()
        audit.record(org=org, actor=actor, action="design_file.uploaded", obj=design_file,
                     after=audit.snapshot(design_file))
    return design_file


def _thumbnail_of(upload: "UploadedFile[Any]", kind: FileKind) -> bytes | None:
    """Made while the upload is stored, once, by whoever uploads (not on a page view, and a hostile file is
    tried only once); None for a video or a file that cannot be drawn, which is still a good upload."""
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    return thumbnails.render(data, kind)


@transaction.atomic
def remove_design_file(*, org: Organization, actor: Actor, design_file: DesignFile) -> None:
    """Remove one file from its design set; the stored file is deleted once the removal is committed."""
    design_file = get_or_404(DesignFile.objects.select_related("design_set"), pk=design_file.pk, org=org)
    _open_campaign(org, design_file.design_set.campaign_id)
    design_file = locked(DesignFile.objects, pk=design_file.pk, org=org)
    audit.record(org=org, actor=actor, action="design_file.removed", obj=design_file,
                 before={**audit.snapshot(design_file), "design_set": str(design_file.design_set.public_id)})
    delete_on_commit(design_file.file, design_file.thumbnail)
    design_file.delete()


def _check_placement(design_set: DesignSet, values: dict[str, Any], campaign: Campaign) -> None:
    """The rules every placement keeps, whether new or changed: it starts while its campaign runs."""
    choice("format", values["format"], DesignFormat)
    if values["format"] not in design_set.formats:
        raise invalid("format", _("This design set was not produced in this format."))
    if values["count"] < 1:
        raise invalid("count", _("Enter a larger number."))
    if values["reach"] is not None and values["reach"] < 0:
        raise invalid("reach", _("Enter a larger number."))
    period("starts_on", values["starts_on"], "ends_on", values["ends_on"])
    if not campaign.starts_on <= values["starts_on"] <= campaign.ends_on:
        raise invalid("starts_on", _("A placement starts while its campaign runs, from %(start)s to %(end)s.") % {
            "start": format_date(campaign.starts_on), "end": format_date(campaign.ends_on)})
    values["location"] = max_length("location", values["location"], 300)
    values["notes"] = max_length("notes", values["notes"], 10000)


@transaction.atomic
def add_placement(*, org: Organization, actor: Actor, design_set: DesignSet, format: str, location: str,
                  starts_on: dt.date | None,
                  count: int | None, ends_on: dt.date | None = None, reach: int | None = None,
                  notes: str = "") -> Placement:
    require_fields(location=(location or "").strip(), starts_on=starts_on, count=count)
    campaign = _open_campaign(org, design_set.campaign_id)
    design_set = get_or_404(DesignSet.objects, pk=design_set.pk, org=org)
    values = {"format": format, "location": location, "starts_on": starts_on, "ends_on": ends_on, "count": count,
              "reach": reach, "notes": notes}
    _check_placement(design_set, values, campaign)
    placement = Placement.objects.create(org=org, design_set=design_set, **values)
    audit.record(org=org, actor=actor, action="placement.created", obj=placement, after=audit.snapshot(placement))
    return placement


@transaction.atomic
def update_placement(*, org: Organization, actor: Actor, placement: Placement, **fields: Any) -> Placement:
    """Change where, when, in which format, how many or how far a placement reached."""
    unknown_fields(fields, PLACEMENT_FIELDS)
    placement = get_or_404(Placement.objects.select_related("design_set"), pk=placement.pk, org=org)
    campaign = _open_campaign(org, placement.design_set.campaign_id)
    placement = locked(Placement.objects.select_related("design_set"), pk=placement.pk, org=org)
    before = audit.snapshot(placement)
    for name in ("location", "starts_on", "count"):
        if name in fields:
            value = fields[name].strip() if name == "location" and isinstance(fields[name], str) else fields[name]
            fields[name] = _required(name, value)
    values = {name: fields.get(name, getattr(placement, name)) for name in PLACEMENT_FIELDS}
    _check_placement(placement.design_set, values, campaign)
    for name, value in values.items():
        setattr(placement, name, value)
    placement.save()
    audit.record(org=org, actor=actor, action="placement.updated", obj=placement, before=before,
                 after=audit.snapshot(placement))
    return placement


@transaction.atomic
def remove_placement(*, org: Organization, actor: Actor, placement: Placement) -> None:
    placement = get_or_404(Placement.objects.select_related("design_set"), pk=placement.pk, org=org)
    _open_campaign(org, placement.design_set.campaign_id)
    placement = locked(Placement.objects, pk=placement.pk, org=org)
    audit.record(org=org, actor=actor, action="placement.removed", obj=placement, before=audit.snapshot(placement))
    placement.delete()
