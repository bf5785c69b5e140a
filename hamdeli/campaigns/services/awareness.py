"""Awareness campaigns: the campaign and its lifecycle, design sets, their files and placements."""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils.translation import gettext as _
from django_fsm import can_proceed

from hamdeli.campaigns.models import (
    Campaign,
    CampaignAction,
    DesignFile,
    DesignFormat,
    DesignSet,
    Placement,
)
from hamdeli.campaigns.services._checks import (
    choice,
    invalid,
    localized,
    max_length,
    period,
    removing_file_on_failure,
    unknown_fields,
)
from hamdeli.core import audit
from hamdeli.core.errors import Conflict, require_fields
from hamdeli.core.files import DOCUMENTS, MP4, WEBM, check_upload

DESIGN_FILE_KINDS = (*DOCUMENTS, MP4, WEBM)
CAMPAIGN_FIELDS = ["name", "message", "goal", "audience", "starts_on", "ends_on", "owner", "notes"]


def _check_owner(org, owner):
    if owner is None:
        return None
    if not get_user_model().objects.filter(pk=owner.pk, memberships__org=org).exists():
        raise invalid("owner", _("The owner must be a member of your organization."))
    return owner


def _clean_campaign(org, fields: dict) -> dict:
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
def create_campaign(*, org, actor, name, starts_on: dt.date | None, ends_on: dt.date | None, **fields) -> Campaign:
    require_fields(starts_on=starts_on, ends_on=ends_on)
    fields = _clean_campaign(org, {"name": name, **fields})
    period("starts_on", starts_on, "ends_on", ends_on)
    campaign = Campaign.objects.create(org=org, starts_on=starts_on, ends_on=ends_on, **fields)
    audit.record(org=org, actor=actor, action="campaign.created", obj=campaign, after=audit.snapshot(campaign))
    return campaign


@transaction.atomic
def update_campaign(*, org, actor, campaign: Campaign, **fields) -> Campaign:
    fields = _clean_campaign(org, fields)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk, org=org)
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


@transaction.atomic
def transition_campaign(*, org, actor, campaign: Campaign, action: str) -> Campaign:
    """planned → running → finished; any other step is refused with 409."""
    choice("action", action, CampaignAction)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk, org=org)
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


def _check_formats(formats) -> list[str]:
    if not isinstance(formats, list | tuple) or not formats:
        raise invalid("formats", _("Choose at least one format."))
    if any(value not in DesignFormat.values for value in formats):
        raise invalid("formats", _("Choose one of the allowed values."))
    return [value for value in DesignFormat.values if value in formats]  # canonical order, no repeats


@transaction.atomic
def add_design_set(*, org, actor, campaign: Campaign, title, formats, ready_on: dt.date | None,
                   notes: str = "") -> DesignSet:
    require_fields(ready_on=ready_on)
    design_set = DesignSet.objects.create(
        org=org, campaign=Campaign.objects.get(pk=campaign.pk, org=org), title=localized("title", title),
        formats=_check_formats(formats), ready_on=ready_on, notes=max_length("notes", notes, 10000))
    audit.record(org=org, actor=actor, action="design_set.created", obj=design_set,
                 after=audit.snapshot(design_set))
    return design_set


@transaction.atomic
def add_design_file(*, org, actor, design_set: DesignSet, upload) -> DesignFile:
    """Store one file of a design set after checking its kind (from its content) and size."""
    if upload is None:
        raise invalid("file", _("This field is required."))
    kind = check_upload(upload, field="file", allowed=DESIGN_FILE_KINDS)  # size: UPLOAD_MAX_BYTES
    design_file = DesignFile(org=org, design_set=DesignSet.objects.get(pk=design_set.pk, org=org),
                             kind=kind.name, content_type=kind.content_type, size=upload.size,
                             original_name=(upload.name or "design")[-255:])
    design_file.file.save(f"{design_file.public_id}{kind.extension}", upload, save=False)
    with removing_file_on_failure(design_file.file):
        design_file.save()
        audit.record(org=org, actor=actor, action="design_file.uploaded", obj=design_file,
                     after=audit.snapshot(design_file))
    return design_file


@transaction.atomic
def add_placement(*, org, actor, design_set: DesignSet, format: str, location: str, starts_on: dt.date | None,
                  count: int | None, ends_on: dt.date | None = None, reach: int | None = None,
                  notes: str = "") -> Placement:
    require_fields(location=(location or "").strip(), starts_on=starts_on, count=count)
    design_set = DesignSet.objects.get(pk=design_set.pk, org=org)
    choice("format", format, DesignFormat)
    if format not in design_set.formats:
        raise invalid("format", _("This design set was not produced in this format."))
    if count < 1:
        raise invalid("count", _("Enter a larger number."))
    if reach is not None and reach < 0:
        raise invalid("reach", _("Enter a larger number."))
    period("starts_on", starts_on, "ends_on", ends_on)
    placement = Placement.objects.create(
        org=org, design_set=design_set, format=format, location=max_length("location", location, 300),
        starts_on=starts_on, ends_on=ends_on, count=count, reach=reach, notes=max_length("notes", notes, 10000))
    audit.record(org=org, actor=actor, action="placement.created", obj=placement, after=audit.snapshot(placement))
    return placement

