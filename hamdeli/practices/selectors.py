"""Reads of practices. Another org's practice is reached only through `visible_practices(org)`."""

from uuid import UUID

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce, NullIf
from django.utils.translation import get_language

from hamdeli.core.listing import Sort, alphabetical, choice_order, sort
from hamdeli.core.localized import localized_str
from hamdeli.core.models import Organization
from hamdeli.core.records import get_or_404
from hamdeli.core.tenancy import across_offices, in_scope_of, scopes_disabled
from hamdeli.partners import selectors as partners
from hamdeli.practices.models import (
    CityQuestion,
    Crisis,
    CrisisImpact,
    Phase,
    Practice,
    PracticeAttachment,
    Visibility,
)


@across_offices("the exchange: other offices' practices shared with this one (the filter below is the rule)")
def visible_practices(org: Organization | None) -> QuerySet[Practice]:
    """Practices this org may read: its own, public ones, ones shared with partners by an org that has
    an open partnership with this org's city, and ones shared with a network this org is a member of.
    With org None (a visitor), public ones only. Every condition is a subquery: no joins.

    An archived practice is no longer shared with anyone: only its own org reads it (by its link); lists
    and searches leave it out (`search.engine.candidates`)."""
    shared = Q(visibility=Visibility.PUBLIC)
    if org is None:
        return Practice.objects.filter(shared, archived_at__isnull=True)
    shared |= Q(visibility=Visibility.PARTNERS, org_id__in=partners.orgs_partnered_with(org.city_id))
    shared |= Q(visibility=Visibility.NETWORK, network_id__in=partners.member_networks(org))
    return Practice.objects.filter(Q(org=org) | (shared & Q(archived_at__isnull=True)))


def sorts() -> dict[str, Sort]:
    """The practice list's sorts (core.listing), in the page's language: the title (in the page's
    language, else Persian, else English), the city, the crisis and phase in their declared order, and
    when it started (the latest first)."""
    lang = (get_language() or "fa").split("-")[0]
    city = Coalesce(NullIf("city__name_fa", Value("")), "city__name_en") if lang == "fa" else F("city__name_en")
    return {
        "title": sort(alphabetical(Coalesce(KT(f"title__{lang}"), KT("title__fa"), KT("title__en")))),
        "city": sort(alphabetical(city)),
        "crisis": sort(choice_order("crisis", Crisis), "started_on"),
        "phase": sort(choice_order("phase", Phase), "started_on"),
        "started": sort("started_on", descending_first=True),
    }


def listing_rows(candidates: QuerySet[Practice]) -> QuerySet[Practice]:
    """What a list of practices shows of each row, in a fixed number of queries (no vectors, no index text)."""
    return candidates.select_related("city", "city__country", "org").defer("embedding", "search_text")


def practice(*, org: Organization, public_id: UUID) -> Practice:
    """One practice this org may read (404 otherwise, including another org's private one)."""
    return get_or_404(visible_practices(org).select_related("city", "city__country", "org", "network",
                                                            "archived_by"),
                      public_id=public_id)


def own_practice(*, org: Organization, public_id: UUID) -> Practice:
    """One of the org's own practices (for editing)."""
    return get_or_404(Practice.objects.filter(org=org).select_related("city", "network"),
                      public_id=public_id)


@across_offices("a public practice is open to every visitor, whichever office shares it")
def public_practice(public_id: UUID) -> Practice:
    return get_or_404(Practice.objects.filter(visibility=Visibility.PUBLIC, archived_at__isnull=True)
                      .select_related("city", "city__country", "org"), public_id=public_id)


def attachment(*, practice: Practice, public_id: UUID) -> PracticeAttachment:
    """One attachment of a practice already reached through a visibility-checked selector."""
    return get_or_404(attachments(practice), public_id=public_id)


def attachments(practice: Practice) -> QuerySet[PracticeAttachment]:
    """A practice's files, read in the scope of the office that owns it: a practice reached through
    `visible_practices` or `public_practice` may be another office's."""
    with in_scope_of(practice.org_id):
        return practice.attachments.all()


def own_practices(*, org: Organization) -> QuerySet[Practice]:
    """The org's practices for its export: the archived ones are left out."""
    return Practice.objects.filter(org=org, archived_at__isnull=True).select_related("city", "city__country")


def impacts(*, org: Organization) -> QuerySet[CrisisImpact]:
    return CrisisImpact.objects.filter(org=org)


def impact(*, org: Organization, public_id: UUID) -> CrisisImpact:
    return get_or_404(CrisisImpact.objects.filter(org=org), public_id=public_id)


@across_offices("the practices cities_ahead has just ranked among those visible to the org (visible_practices)")
def _ranked_practices(pks: list[int]) -> dict[int, Practice]:
    """Those practices by id, with what the lists show: read by id alone, the visibility already applied."""
    return (Practice.objects.select_related("city", "city__country", "org", "network").defer("embedding")
            .in_bulk(pks))


def cities_ahead(*, org: Organization, crisis: str, topic: str | None = None,
                 limit: int | None = None) -> list[tuple[Practice, int]]:
    """Practices (visible to the org) of cities hit by the crisis before the org's city, with how many
    days ahead each city was; furthest ahead first. Empty when the org has not recorded its own date.
    With `limit`, the first that many: ranked on (id, city, title) alone, then only those are loaded."""
    if crisis not in Crisis.values:
        return []
    # One query for the dates: the org's own records (its own city's among them), then when the other
    # offices' own cities were hit (each office records its own date), which take precedence.
    with scopes_disabled():
        impacts = list(CrisisImpact.objects.filter(crisis=crisis)
                       .filter(Q(org=org) | Q(city_id=F("org__city_id")))
                       .values_list("org_id", "city_id", "hit_on"))
    ours_on = next((on for org_id, city_id, on in impacts if org_id == org.pk and city_id == org.city_id), None)
    if ours_on is None:
        return []
    hit = {city_id: on for org_id, city_id, on in impacts if org_id == org.pk}
    hit.update({city_id: on for org_id, city_id, on in impacts if org_id != org.pk})
    earlier = {city_id: on for city_id, on in hit.items() if on < ours_on}
    qs = (visible_practices(org).filter(crisis=crisis, city_id__in=list(earlier), archived_at__isnull=True)
          .exclude(city_id=org.city_id)
          .select_related("city", "city__country", "org", "network").defer("embedding"))
    if topic:
        qs = qs.filter(topics_key__contains=f" {topic} ")
    if limit is not None:
        if not earlier:
            return []
        # The database orders the candidates by days ahead (a CASE over the cities, one branch per distinct
        # number of days); they are read in that order only until the `limit`-th one's number of days is
        # passed, so a network's thousands of practices in earlier-hit cities are not all loaded to show five.
        cities_by_days: dict[int, list[int]] = {}
        for city_id, on in earlier.items():
            cities_by_days.setdefault((ours_on - on).days, []).append(city_id)
        days_ahead = Case(*[When(city_id__in=cities, then=Value(days)) for days, cities in cities_by_days.items()],
                          output_field=IntegerField())
        candidates = (qs.annotate(days_ahead=days_ahead).order_by("-days_ahead", "-started_on", "-pk")
                      .values_list("pk", "days_ahead", "title"))
        read: list[tuple[int, int, str]] = []
        for pk, days, title in candidates.iterator(chunk_size=200):
            if len(read) >= limit and days < read[limit - 1][1]:
                break
            read.append((pk, days, localized_str(title)))
        ranked = sorted(read, key=lambda row: (-row[1], row[2]))[:limit]
        practices = _ranked_practices([pk for pk, _days, _title in ranked])
        return [(practices[pk], days) for pk, days, _title in ranked if pk in practices]
    rows = [(p, (ours_on - earlier[p.city_id]).days) for p in qs]
    return sorted(rows, key=lambda row: (-row[1], str(row[0])))


def questions(*, org: Organization) -> QuerySet[CityQuestion]:
    return CityQuestion.objects.filter(org=org).select_related("practice")
