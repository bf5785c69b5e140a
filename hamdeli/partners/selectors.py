"""Reads of partners and networks, always for one org."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, cast
from uuid import UUID

from django.db.models import Count, F, Func, Max, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language
from django_stubs_ext import StrOrPromise

from hamdeli.core.dates import add_months, today
from hamdeli.core.listing import Sort, alphabetical, choice_order, python_alphabetical, sort
from hamdeli.core.models import Organization
from hamdeli.core.records import get_or_404
from hamdeli.core.tenancy import across_offices
from hamdeli.core.text import normalize
from hamdeli.partners.models import (
    STANDING_STATES,
    Interaction,
    Network,
    NetworkMembership,
    PartnerImport,
    Partnership,
    PartnershipKind,
    PartnershipState,
)
from hamdeli.places import selectors as places

if TYPE_CHECKING:
    from hamdeli.places.models import City


def _count(rows: QuerySet[Any]) -> Coalesce:
    """COUNT(*) of a correlated subquery, 0 when it matches nothing."""
    return Coalesce(Subquery(rows.order_by().values("org").annotate(n=Count("pk")).values("n")), 0)


def with_ordinals(qs: QuerySet[Partnership]) -> QuerySet[Partnership]:
    """Annotate what `ordinal` needs, so a list costs no query per row."""
    signed = Partnership.objects.filter(org=OuterRef("org"), kind=OuterRef("kind"), signed_on__isnull=False)
    earlier = signed.filter(Q(signed_on__lt=OuterRef("signed_on"))
                            | Q(signed_on=OuterRef("signed_on"), pk__lt=OuterRef("pk")))
    return qs.annotate(signed_of_kind=_count(signed), signed_before=_count(earlier))


def partnerships(*, org: Organization, state: str | None = None, kind: str | None = None, query: str = "",
                 health: str | None = None, country: str | None = None, as_of: dt.date | None = None,
                 archived: bool = False) -> QuerySet[Partnership]:
    """The org's partnerships, narrowed; the archived ones are left out (`archived=True`: only those)."""
    qs = with_ordinals(Partnership.objects.filter(org=org, archived_at__isnull=not archived)
                       .select_related("org", "city", "city__country")
                       .annotate(last_contact_on=Max("interactions__occurred_on")))
    if state:
        qs = qs.filter(state=state)
    if kind:
        qs = qs.filter(kind=kind)
    if country:
        qs = qs.filter(city__country_id=country)
    for word in normalize(query).split():
        qs = qs.filter(search_key__contains=word)
    if health in {"dimmed", "healthy"}:
        cutoff = dimmed_cutoff(org, as_of)
        dimmed = Q(state__in=STANDING_STATES) & (Q(last_contact_on__isnull=True) | Q(last_contact_on__lt=cutoff))
        qs = qs.filter(dimmed) if health == "dimmed" else qs.filter(state__in=STANDING_STATES).exclude(dimmed)
    return qs.order_by(alphabetical(_name("city")), "city__name_en")


def _name(path: str) -> Func | F:
    """A place's name in the page's language (Persian falls back to English where none is known)."""
    if (get_language() or "fa").startswith("fa"):
        return Coalesce(NullIf(f"{path}__name_fa", Value("")), f"{path}__name_en")
    return F(f"{path}__name_en")


def sorts() -> dict[str, Sort]:
    """The partner list's sorts (core.listing), in the page's language: the city and its country by
    name, the kind and the state in their declared order, the signing order, the last contact."""
    return {
        "city": sort(alphabetical(_name("city"))),
        "country": sort(alphabetical(_name("city__country")), alphabetical(_name("city"))),
        "kind": sort(choice_order("kind", PartnershipKind), "signed_on"),
        "state": sort(choice_order("state", PartnershipState), alphabetical(_name("city"))),
        "number": sort("signed_on"),
        "contact": sort("last_contact_on", descending_first=True),
    }


def partner_countries(*, org: Organization) -> list[tuple[str, str]]:
    """(code, name) of the countries of the org's partners, by name."""
    countries = {c.code: c.name for c in places.countries().filter(
        pk__in=Partnership.objects.filter(org=org).active().values("city__country_id"))}
    return sorted(countries.items(), key=lambda pair: python_alphabetical(pair[1]))


def partnership(*, org: Organization, public_id: UUID) -> Partnership:
    return get_or_404(
        with_ordinals(Partnership.objects.filter(org=org).select_related("org", "city", "city__country", "archived_by")
                      .annotate(last_contact_on=Max("interactions__occurred_on"))),
        public_id=public_id,
    )


def dimmed_cutoff(org: Organization, as_of: dt.date | None = None) -> dt.date:
    return add_months(as_of or today(), -org.dimmed_threshold_months)


@dataclass(frozen=True)
class Health:
    status: str  # "healthy", "dimmed", or "not_applicable" (proposals, ended relations)
    last_contact_on: dt.date | None
    months_silent: int | None


def health(partnership: Partnership, *, as_of: dt.date | None = None) -> Health:
    """Relationship health from the contact log: dimmed when silent longer than the org's threshold."""
    as_of = as_of or today()
    last = getattr(partnership, "last_contact_on", None)
    if last is None and not hasattr(partnership, "last_contact_on"):
        last = partnership.interactions.aggregate(last=Max("occurred_on"))["last"]
    months = None if last is None else (as_of.year - last.year) * 12 + as_of.month - last.month
    if partnership.state not in STANDING_STATES:
        return Health("not_applicable", last, months)
    dimmed = last is None or last < dimmed_cutoff(partnership.org, as_of)
    return Health("dimmed" if dimmed else "healthy", last, months)


@dataclass(frozen=True)
class DimmedPeriod:
    start: dt.date  # the last contact before the silence
    end: dt.date | None  # the contact that revived it, or None while still silent


def dimmed_periods(partnership: Partnership, *, as_of: dt.date | None = None) -> list[DimmedPeriod]:
    """Silences longer than the threshold in the contact log: when the relation dimmed and revived."""
    as_of = as_of or today()
    months = partnership.org.dimmed_threshold_months
    dates = sorted(set(partnership.interactions.values_list("occurred_on", flat=True)))
    periods = []
    for earlier, later in zip(dates, dates[1:], strict=False):
        if add_months(earlier, months) < later:
            periods.append(DimmedPeriod(earlier, later))
    if dates and add_months(dates[-1], months) < as_of:
        periods.append(DimmedPeriod(dates[-1], None))
    return periods


def ordinal(partnership: Partnership) -> tuple[int, bool] | None:
    """Its place in the org's signing order of the same kind: (n, signed). For an unsigned one,
    the place it would take if signed next. None for an ended one that was never signed, and for one
    recorded as signed on an unknown date (its place cannot be known)."""
    if partnership.signed_on is None and partnership.state in (PartnershipState.ENDED, *STANDING_STATES):
        return None
    if hasattr(partnership, "signed_before"):  # annotated by a selector (with_ordinals): no query
        counted: Any = partnership  # its annotations are not the model's fields
        if partnership.signed_on is None:
            return counted.signed_of_kind + 1, False
        return counted.signed_before + 1, True
    signed = Partnership.objects.filter(org=partnership.org, kind=partnership.kind, signed_on__isnull=False)
    if partnership.signed_on is None:
        return signed.count() + 1, False
    earlier = signed.filter(
        Q(signed_on__lt=partnership.signed_on) | Q(signed_on=partnership.signed_on, pk__lt=partnership.pk)
    ).count()
    return earlier + 1, True


def timeline(partnership: Partnership) -> list[dict[str, Any]]:
    """State changes and contacts, newest first."""
    items: list[dict[str, Any]] = [
        {"on": e.on, "type": "event", "action": e.action, "label": e.get_action_display(),
         "from_state": e.from_state, "to_state": e.to_state, "note": e.note,
         "actor": e.actor.username if e.actor else None}
        for e in partnership.events.select_related("actor")
    ]
    items += [
        {"on": i.occurred_on, "type": "interaction", "action": i.kind, "label": i.get_kind_display(),
         "note": i.summary, "source": i.source, "actor": i.actor.username if i.actor else None}
        for i in partnership.interactions.select_related("actor")
    ]
    if partnership.proposed_on:
        items.append({"on": partnership.proposed_on, "type": "event", "action": "propose",
                      "label": PartnershipState.PROPOSED.label, "note": "", "actor": None})
    return sorted(items, key=lambda item: item["on"], reverse=True)


def interactions(*, org: Organization, partnership: Partnership) -> QuerySet[Interaction]:
    return Interaction.objects.filter(org=org, partnership=partnership)


def counts_by_state(*, org: Organization, partnerships: Iterable[Partnership] | None = None,
                    ) -> list[tuple[str, StrOrPromise, int]]:
    """`partnerships`: the org's partnerships (`partnerships(org=org)`) when the caller has read them."""
    if partnerships is None:
        counts = dict(Partnership.objects.filter(org=org).active().values_list("state").annotate(n=Count("pk")))
    else:
        counts = Counter(p.state for p in partnerships)
    return [(state.value, state.label, counts.get(state.value, 0)) for state in PartnershipState]


def counts_by_kind(*, org: Organization, partnerships: Iterable[Partnership] | None = None,
                   ) -> list[tuple[str, StrOrPromise, int]]:
    """`partnerships`: the org's partnerships (`partnerships(org=org)`) when the caller has read them."""
    if partnerships is None:
        counts = dict(Partnership.objects.filter(org=org).active().exclude(state="ended").values_list("kind")
                      .annotate(n=Count("pk")))
    else:
        counts = Counter(p.kind for p in partnerships if p.state != "ended")
    return [(kind.value, kind.label, counts.get(kind.value, 0)) for kind in PartnershipKind]


@dataclass(frozen=True)
class Renewal:
    on: dt.date
    label: str
    kind: str  # "partnership" or "network"
    public_id: str


def upcoming_renewals(*, org: Organization, within_days: int, as_of: dt.date | None = None) -> list[Renewal]:
    as_of = as_of or today()
    until = as_of + dt.timedelta(days=within_days)
    items = [
        Renewal(cast(dt.date, p.renewal_due_on), str(p.city),  # in the range asked for: never None
                "partnership", str(p.public_id))
        for p in Partnership.objects.filter(org=org, renewal_due_on__range=(as_of, until)).active()
        .exclude(state="ended").select_related("city")
    ]
    items += [
        Renewal(cast(dt.date, m.renewal_due_on), str(m.network), "network", str(m.public_id))
        for m in NetworkMembership.objects.filter(org=org, renewal_due_on__range=(as_of, until),
                                                  state="member").select_related("network")
    ]
    return sorted(items, key=lambda r: r.on)


def networks() -> QuerySet[Network]:
    return Network.objects.all()


def network_by_slug(slug: str | None) -> Network | None:
    """The network of this short name, or None (none named, or no such network)."""
    return Network.objects.filter(slug=slug).first() if slug else None


def network(slug: str) -> Network:
    return get_or_404(Network, slug=slug)


def network_memberships(*, org: Organization, state: str | None = None) -> QuerySet[NetworkMembership]:
    qs = NetworkMembership.objects.filter(org=org).select_related("network")
    return qs.filter(state=state) if state else qs


def network_membership(*, org: Organization, public_id: UUID) -> NetworkMembership:
    return get_or_404(NetworkMembership.objects.filter(org=org).select_related("network"),
                             public_id=public_id)


def partner_cities(org: Organization) -> QuerySet[Partnership, Any]:
    """Ids of the cities the org has an open (not ended, not archived) partnership with."""
    return Partnership.objects.filter(org=org).active().exclude(state=PartnershipState.ENDED).values("city_id")


@across_offices("partners between offices: the offices that count this city as their partner")
def orgs_partnered_with(city_id: int) -> QuerySet[Partnership, Any]:
    """Ids of the orgs that have an open (not archived) partnership with this city (whose partner it is)."""
    return Partnership.objects.filter(city_id=city_id).active().exclude(state=PartnershipState.ENDED).values("org_id")


def member_networks(org: Organization) -> QuerySet[NetworkMembership, Any]:
    """Ids of the networks the org is a member of now (state member)."""
    return NetworkMembership.objects.filter(org=org, state="member").values("network_id")


def partner_import(*, org: Organization, public_id: UUID) -> PartnerImport:
    return get_or_404(PartnerImport.objects.filter(org=org).select_related("org__city"), public_id=public_id)


def partner_import_anywhere(public_id: str) -> PartnerImport | None:
    """An import by its public id whatever its office (the background job, which names it), or None."""
    return PartnerImport.objects.select_related("org__city").filter(public_id=public_id).first()


def standing_partnerships(*, org: Organization) -> QuerySet[Partnership]:
    """The org's partnerships in a standing state (not archived), with their cities and countries, by city."""
    return (Partnership.objects.filter(org=org, state__in=STANDING_STATES, archived_at__isnull=True)
            .select_related("city", "city__country").order_by("city__name_en"))


def active_partnerships(*, org: Organization) -> QuerySet[Partnership]:
    """The org's partnerships that are not archived (in any state), with their cities."""
    return Partnership.objects.filter(org=org).active().select_related("city")


def offered_partnerships(*, org: Organization, current: Partnership | int | None = None) -> QuerySet[Partnership]:
    """The partnerships a form offers: those not archived, and the one already chosen (an instance or its pk)."""
    current = getattr(current, "pk", current)
    offered = Q(archived_at__isnull=True) | Q(pk=current) if current else Q(archived_at__isnull=True)
    return Partnership.objects.filter(org=org).filter(offered).select_related("city")


def partnership_or_none(*, org: Organization, public_id: UUID) -> Partnership | None:
    """The org's partnership of this public id (a UUID or None), archived or not; None when there is none."""
    return Partnership.objects.filter(org=org, public_id=public_id).first() if public_id else None


def open_partnership_with(*, org: Organization, city: "City | int") -> Partnership | None:
    """The org's first partnership with this city that has not ended (archived or not), or None."""
    return Partnership.objects.filter(org=org, city=city).exclude(state=PartnershipState.ENDED).first()


def partnerships_for_export(*, org: Organization) -> QuerySet[Partnership]:
    """What the partners export writes: the archived partnerships are left out."""
    return Partnership.objects.filter(org=org).active().select_related("city").order_by("city__name_en", "created_at")
