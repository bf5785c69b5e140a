"""Reads of the campaigns app, always for one org (the public statement page is the one exception)."""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.db.models import Count, Prefetch, Q, QuerySet, Sum, prefetch_related_objects

from hamdeli.campaigns.models import (
    AdvocacyCampaign,
    Campaign,
    CampaignStatus,
    DesignFile,
    DesignFormat,
    DesignSet,
    Endorsement,
    Placement,
    Recipient,
    RecognitionCopy,
    RecognitionItem,
    Verification,
)
from hamdeli.core import links
from hamdeli.core.dates import to_jalali
from hamdeli.core.digits import uses_persian_digits
from hamdeli.core.models import Organization
from hamdeli.core.records import get_or_404
from hamdeli.core.tenancy import across_offices
from hamdeli.core.text import normalize


# --- awareness -----------------------------------------------------------------------------------
def campaigns(*, org: Organization, status: str | None = None) -> QuerySet[Any]:  # Campaigns, with n_sets
    qs = Campaign.objects.filter(org=org).select_related("owner").annotate(n_sets=Count("design_sets"))
    return qs.filter(status=status) if status else qs


def campaign(*, org: Organization, public_id: UUID) -> Campaign:
    return get_or_404(Campaign.objects.filter(org=org).select_related("owner"), public_id=public_id)


def design_sets(*, org: Organization, campaign: Campaign) -> QuerySet[DesignSet]:
    return (DesignSet.objects.filter(org=org, campaign=campaign)
            .prefetch_related("files", "placements"))


def design_set(*, org: Organization, public_id: UUID) -> DesignSet:
    return get_or_404(DesignSet.objects.filter(org=org).select_related("campaign"), public_id=public_id)


def design_file(*, org: Organization, public_id: UUID) -> DesignFile:
    return get_or_404(DesignFile.objects.filter(org=org).select_related("design_set__campaign"),
                             public_id=public_id)


def placement(*, org: Organization, public_id: UUID) -> Placement:
    return get_or_404(Placement.objects.filter(org=org).select_related("design_set__campaign"),
                             public_id=public_id)


@dataclass(frozen=True)
class FormatTotal:
    format: str
    label: str
    design_sets: int
    placements: int
    units: int  # the sum of the placements' counts (e.g. 40 billboards)
    reach: int


def format_totals(*, org: Organization, campaign: Campaign | None = None) -> list[FormatTotal]:
    """For each format: how many design sets were produced in it, placed how often, how many units, reach."""
    sets = DesignSet.objects.filter(org=org)
    places = Placement.objects.filter(org=org)
    if campaign is not None:
        sets, places = sets.filter(campaign=campaign), places.filter(design_set__campaign=campaign)
    produced = dict.fromkeys(DesignFormat.values, 0)
    for formats in sets.values_list("formats", flat=True):
        for value in formats:
            produced[value] = produced.get(value, 0) + 1
    placed: dict[str, Mapping[str, Any]] = {row["format"]: row for row in places.values("format").annotate(
        n=Count("pk"), units=Sum("count"), reach=Sum("reach"))}
    return [FormatTotal(f.value, str(f.label), produced.get(f.value, 0), placed.get(f.value, {}).get("n", 0),
                        placed.get(f.value, {}).get("units") or 0, placed.get(f.value, {}).get("reach") or 0)
            for f in DesignFormat]


@dataclass(frozen=True)
class Mark:
    x: float  # percent of the timeline's width
    width: float
    label: str
    on: dt.date
    until: dt.date | None
    public_id: str
    campaign_public_id: str | None = None


def _pct(day: dt.date, start: dt.date, days: int) -> float:
    return round(100 * (day - start).days / days, 2)


def timeline(*, org: Organization) -> dict[str, Any] | None:
    """Campaigns as bars and their design sets as marks on one shared time axis, with month ticks."""
    rows = list(Campaign.objects.filter(org=org).prefetch_related("design_sets").order_by("starts_on", "pk"))
    if not rows:
        return None
    start = min(c.starts_on for c in rows)
    end = max([c.ends_on for c in rows] + [s.ready_on for c in rows for s in c.design_sets.all()])
    days = max((end - start).days + 1, 1)
    jalali_calendar = uses_persian_digits()  # the calendar the dates are shown in: Jalali in fa
    ticks, day = [], start
    while day <= end:
        month_starts = (to_jalali(day).day if jalali_calendar else day.day) == 1
        if month_starts or day == start:
            ticks.append({"x": _pct(day, start, days), "on": day})
        day += dt.timedelta(days=1)
    lanes = []
    for c in rows:
        bar = Mark(_pct(c.starts_on, start, days), round(100 * ((c.ends_on - c.starts_on).days + 1) / days, 2),
                   str(c), c.starts_on, c.ends_on, str(c.public_id))
        sets = [Mark(_pct(s.ready_on, start, days), 0, str(s), s.ready_on, None, str(s.public_id), str(c.public_id))
                for s in c.design_sets.all()]
        lanes.append({"campaign": c, "bar": bar, "sets": sets})
    return {"start": start, "end": end, "ticks": ticks, "lanes": lanes}


# --- advocacy ------------------------------------------------------------------------------------
def advocacy_campaigns(*, org: Organization) -> QuerySet[Any]:  # AdvocacyCampaigns, with n_endorsements
    return AdvocacyCampaign.objects.filter(org=org).annotate(
        n_endorsements=Count("endorsements", filter=~Q(endorsements__verification=Verification.REJECTED)))


def advocacy(*, org: Organization, public_id: UUID) -> AdvocacyCampaign:
    return get_or_404(AdvocacyCampaign.objects.filter(org=org), public_id=public_id)


def endorsements(*, org: Organization, campaign: AdvocacyCampaign, verification: str | None = None,
                 ) -> QuerySet[Endorsement]:
    qs = (Endorsement.objects.filter(org=org, campaign=campaign)
          .select_related("version", "city", "city__country", "network"))
    return qs.filter(verification=verification) if verification else qs


def endorsement(*, org: Organization, public_id: UUID) -> Endorsement:
    return get_or_404(Endorsement.objects.filter(org=org).select_related("campaign", "version"),
                             public_id=public_id)


def endorsements_by_ids(*, org: Organization, campaign: AdvocacyCampaign, public_ids: Iterable[object],
                        ) -> list[Endorsement]:
    """The statement's endorsements with these public ids, in the order given (an id given twice comes
    twice); ids of no endorsement of this statement are left out."""
    found = {str(e.public_id): e for e in Endorsement.objects.filter(org=org, campaign=campaign,
                                                                     public_id__in=list(public_ids))}
    return [found[str(pid)] for pid in public_ids if str(pid) in found]


def _counted(campaign: AdvocacyCampaign) -> QuerySet[Endorsement]:  # rejected endorsements do not count
    return Endorsement.objects.filter(campaign=campaign).exclude(verification=Verification.REJECTED)


def attach_counts(campaigns: list[AdvocacyCampaign]) -> None:
    """For a page of statements: their versions and endorsement counts in three queries (not per row);
    counts_by_version and counts_by_network then read them."""
    prefetch_related_objects(campaigns, "versions")
    counted = Endorsement.objects.filter(campaign__in=campaigns).exclude(verification=Verification.REJECTED)
    per_version: dict[tuple[int, int], Mapping[str, Any]] = {
        (r["campaign"], r["version"]): r for r in counted.values("campaign", "version").annotate(
        n=Count("pk"), verified=Count("pk", filter=Q(verification=Verification.VERIFIED)))}
    per_network: dict[int, list[dict[str, Any]]] = defaultdict(list)
    for r in (counted.filter(network__isnull=False).values("campaign", "network__slug", "network__acronym")
              .annotate(n=Count("pk"), verified=Count("pk", filter=Q(verification=Verification.VERIFIED)))
              .order_by("-n", "network__slug")):
        per_network[r["campaign"]].append({"network": r["network__slug"],
                                           "label": r["network__acronym"] or r["network__slug"],
                                           "count": r["n"], "verified": r["verified"]})
    for c in campaigns:
        counted_on: Any = c  # the counts ride on the row, read by counts_by_version and counts_by_network
        counted_on.counted_by_version = [
            {"version": v.number, "public_id": v.public_id, "issued_on": v.issued_on,
             "count": per_version.get((c.pk, v.pk), {}).get("n", 0),
             "verified": per_version.get((c.pk, v.pk), {}).get("verified", 0)} for v in c.versions.all()]
        counted_on.counted_by_network = per_network[c.pk]


def counts_by_version(campaign: AdvocacyCampaign) -> list[dict[str, Any]]:
    if hasattr(campaign, "counted_by_version"):
        counted: Any = campaign  # attach_counts gave it its counts
        result: list[dict[str, Any]] = counted.counted_by_version
        return result
    counts = dict(_counted(campaign).values_list("version").annotate(n=Count("pk")))
    verified = dict(_counted(campaign).filter(verification=Verification.VERIFIED).values_list("version")
                    .annotate(n=Count("pk")))
    return [{"version": v.number, "public_id": v.public_id, "issued_on": v.issued_on,
             "count": counts.get(v.pk, 0), "verified": verified.get(v.pk, 0)} for v in campaign.versions.all()]


def counts_by_network(campaign: AdvocacyCampaign) -> list[dict[str, Any]]:
    if hasattr(campaign, "counted_by_network"):
        counted: Any = campaign  # attach_counts gave it its counts
        result: list[dict[str, Any]] = counted.counted_by_network
        return result
    rows = (_counted(campaign).filter(network__isnull=False).values("network__slug", "network__acronym")
            .annotate(n=Count("pk"), verified=Count("pk", filter=Q(verification=Verification.VERIFIED)))
            .order_by("-n", "network__slug"))
    return [{"network": r["network__slug"], "label": r["network__acronym"] or r["network__slug"],
             "count": r["n"], "verified": r["verified"]} for r in rows]


@across_offices("a published statement is open to every visitor, whichever office publishes it")
def public_statement(public_id: UUID) -> AdvocacyCampaign:
    """A statement anyone may read, only while its org has chosen to publish it."""
    return get_or_404(AdvocacyCampaign.objects.filter(published=True).select_related("org"),
                             public_id=public_id)


def public_endorsements(campaign: AdvocacyCampaign) -> QuerySet[Endorsement]:
    return (Endorsement.objects.filter(campaign=campaign, published=True, verification=Verification.VERIFIED)
            .select_related("version", "city", "city__country", "network"))


# --- recognition ---------------------------------------------------------------------------------
def recipients(*, org: Organization) -> QuerySet[Recipient]:
    return Recipient.objects.filter(org=org).select_related("city")


def unlisted_aid_recipients(*, org: Organization) -> list[links.Institution]:
    """The hospitals and institutions the aid reached that are not recipients here yet (core.links): not
    listed from the aid before, and not typed in by hand under the same name in any language."""
    recipients = list(Recipient.objects.filter(org=org).only("name", "source"))
    listed = {r.source for r in recipients if r.source}
    names = {normalize(text) for r in recipients for text in (r.name or {}).values() if text}
    return [i for i in links.directory("aid_reached", org=org)
            if i.ref not in listed and not {normalize(text) for text in i.name.values() if text} & names]


def recipients_by_ids(*, org: Organization, public_ids: Iterable[object]) -> list[Recipient]:
    """The org's recipients with these public ids, in the order given; unknown ids are left out."""
    found = {str(r.public_id): r for r in Recipient.objects.filter(org=org, public_id__in=list(public_ids))}
    return [found[str(pid)] for pid in public_ids if str(pid) in found]


def items(*, org: Organization) -> QuerySet[RecognitionItem]:
    return RecognitionItem.objects.filter(org=org).annotate(
        n_copies=Count("copies"), n_waiting=Count("copies", filter=Q(copies__handed_over_on__isnull=True)))


def _copies() -> "Prefetch[str]":
    return Prefetch("copies", queryset=RecognitionCopy.objects.select_related("recipient", "recipient__city"))


def with_copies(items: QuerySet[RecognitionItem]) -> QuerySet[RecognitionItem]:
    """Recognition items with their copies and recipients, in two queries more for any number of items."""
    return items.prefetch_related(_copies())


def fetch_copies(item: RecognitionItem) -> RecognitionItem:
    """One recognition item with its copies and their recipients fetched (one query)."""
    prefetch_related_objects([item], _copies())
    return item


def item(*, org: Organization, public_id: UUID) -> RecognitionItem:
    return get_or_404(RecognitionItem.objects.filter(org=org), public_id=public_id)


def copies(*, org: Organization, item: RecognitionItem) -> QuerySet[RecognitionCopy]:
    return RecognitionCopy.objects.filter(org=org, item=item).select_related("recipient", "recipient__city")


def copy(*, org: Organization, public_id: UUID) -> RecognitionCopy:
    return get_or_404(RecognitionCopy.objects.filter(org=org).select_related("item", "recipient"),
                             public_id=public_id)


def pending_handovers(*, org: Organization) -> QuerySet[RecognitionCopy]:
    return (RecognitionCopy.objects.filter(org=org, handed_over_on__isnull=True)
            .select_related("item", "recipient").order_by("item__created_at", "-is_original", "number"))


def running_campaigns(*, org: Organization) -> QuerySet[Campaign]:
    return Campaign.objects.filter(org=org, status=CampaignStatus.RUNNING)
