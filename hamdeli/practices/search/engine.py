"""The one search interface: filters → candidates → keyword and/or semantic ranking → fusion → facets."""

import datetime as dt
import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db import connection
from django.utils.html import escape
from django.utils.safestring import mark_safe

from hamdeli.core import dates
from hamdeli.core.tenancy import across_offices
from hamdeli.places import selectors as places
from hamdeli.practices import selectors
from hamdeli.practices.models import Practice
from hamdeli.practices.search.keyword import concept_cover, keyword_search
from hamdeli.practices.search.semantic import embed_query, meaning_floor, semantic_search
from hamdeli.practices.search.text import MARK_END, MARK_START, practice_snippet

MODES = ("hybrid", "keyword", "semantic")
RRF_K = 60  # reciprocal rank fusion constant (Cormack et al. 2009)
# Hybrid ranks by meaning: the semantic score (centred cosine less hubness), plus KEYWORD_WEIGHT x the keyword
# score (scaled to the best keyword hit's) for a practice that holds every word of the query. Reciprocal rank
# fusion lost to the semantic half at every keyword weight measured (0.05-2, k 5-60) on the cross-lingual
# evaluation: a same-language practice with the words ("地铁夜间消毒" and 公交车和地铁每日消毒) rose over the
# foreign one the query meant as soon as the keyword ranking counted at all. On scores, the keyword half breaks
# near-ties only: 0.1 is the largest weight that lost no query on any slice (0.15 lost that one); chosen on the
# evaluation, see docs/architecture.md. Practices the keyword half found and the semantic one did not come
# after the semantic results. Keyword hits that matched only some of the words are shown only when the
# semantic half found nothing above its floor: beside the semantic ranking they were noise ("phone calls to
# elderly people living alone" matched a meals service on "elderly"); alone they are all there is (an Arabic
# query the model reads poorly still finds the Arabic practice by its words).
KEYWORD_WEIGHT = 0.1
# A second, cross-lingual signal: the concepts of a reviewed glossary (search/glossary.txt: terms of crisis
# response, public health, aid logistics, city services and cities' international relations in fa, en, zh, es,
# ar, fr) that a query and a practice both mention, in whatever language each is written. Hybrid adds
# CONCEPT_WEIGHT x the share of the query's concepts the practice holds to its semantic score. The semantic
# half alone put a same-subject practice of the query's language (or a general one) first; the concepts name
# what the query asks for ("free" + "masks", "heat wave" + "elderly") and pull the practice that has all of it.
# Chosen by 5-fold cross-validation on the cross-lingual evaluation (weights 0-0.4 by 0.01 that keep every
# same-language query where it was; four folds chose 0.14, one 0.17; held-out cross-lingual top 5 0.95, top 1
# 0.76, against 0.92 and 0.70 without; see docs/architecture.md). From 0.2 a same-language query lost its first
# place to a practice holding more of its concepts.
CONCEPT_WEIGHT = 0.14


def fuse(keyword: list, semantic: list[tuple[int, float]], weight: float = KEYWORD_WEIGHT,
         concepts: dict[int, float] | None = None, concept_weight: float = CONCEPT_WEIGHT) -> list[tuple[int, float]]:
    """The hybrid ranking of keyword hits (KeywordHit), semantic (id, score) pairs and the share of the
    query's concepts each semantic result holds (keyword.concept_cover), best first."""
    if not semantic:
        return [(h.id, h.score) for h in keyword]
    scores = dict(semantic)
    for pk, share in (concepts or {}).items():  # semantic results only: the floor stays the semantic half's
        if pk in scores:
            scores[pk] += concept_weight * share
    if keyword and keyword[0].all_words:
        top = max(h.score for h in keyword)
        top = top if top > 0 else 1.0
        below = min(scores.values()) - weight  # keyword-only hits: after every semantic result
        for hit in keyword:
            bonus = weight * max(hit.score, 0.0) / top
            scores[hit.id] = scores[hit.id] + bonus if hit.id in scores else below + bonus
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


@dataclass
class Filters:
    topic: str = ""
    country: str = ""
    language: str = ""
    phase: str = ""
    instrument: str = ""
    crisis: str = ""
    date_from: dt.date | None = None
    date_to: dt.date | None = None
    archived: bool = False  # the org's own archived practices instead of the readable ones (owners)


@dataclass
class Hit:
    practice: Practice
    score: float
    snippet: str = ""
    sources: tuple = ()

    @property
    def snippet_html(self) -> str:
        return mark_safe(escape(self.snippet).replace(MARK_START, "<mark>").replace(MARK_END, "</mark>"))  # noqa: S308


@dataclass
class Results:
    hits: list[Hit]
    facets: dict = field(default_factory=dict)
    engine: str = ""
    mode: str = "hybrid"
    facets_over: int = 0  # how many of the best results the facets count (more than the page shows)
    found: int = 0  # results ranked in all (at least the best 50, or as deep as the page asked for)
    offset: int = 0

    @property
    def has_more(self) -> bool:
        return self.offset + len(self.hits) < self.found


def candidates(org, filters: Filters):
    """Practices the org may read, narrowed by the filters; subqueries only (keyword engines need that).
    Archived practices are left out, unless the filters ask for the org's own archived ones."""
    qs = selectors.visible_practices(org)
    if filters.archived and org is not None:
        qs = qs.filter(org=org, archived_at__isnull=False)
    else:
        qs = qs.filter(archived_at__isnull=True)
    if filters.topic:
        qs = qs.filter(topics_key__contains=f" {filters.topic} ")
    if filters.country:
        qs = qs.filter(city_id__in=places.city_ids_in(filters.country))
    if filters.language:
        qs = qs.filter(languages__contains=f" {filters.language} ")
    for name in ("phase", "instrument", "crisis"):
        if getattr(filters, name):
            qs = qs.filter(**{name: getattr(filters, name)})
    if filters.date_from:
        qs = qs.filter(started_on__gte=filters.date_from)
    if filters.date_to:
        qs = qs.filter(started_on__lte=filters.date_to)
    return qs


def rrf(*rankings: list[int], weights: tuple[float, ...] | None = None, k: int = RRF_K) -> list[tuple[int, float]]:
    """Reciprocal rank fusion: each list adds weight / (k + rank) to an item's score."""
    scores: dict[int, float] = {}
    for ranking, weight in zip(rankings, weights or (1.0,) * len(rankings), strict=True):
        for rank, item in enumerate(ranking, start=1):
            scores[item] = scores.get(item, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda pair: (-pair[1], pair[0]))


def engine_name() -> str:
    return "postgresql-fts" if connection.vendor == "postgresql" else "sqlite-fts5"


MAX_DEPTH = 500  # results reachable by paging; far below that, meaning-only results no longer mean much


@across_offices("the exchange: ranks every office's practices this one may read (`candidates` is the rule)")
def search(*, org, query: str, filters: Filters | None = None, mode: str = "hybrid", limit: int = 20,
           offset: int = 0, with_facets: bool = True, calendar: str = "gregorian") -> Results:
    """The page [offset, offset + limit) of the ranked results, with facets over all of them."""
    filters = filters or Filters()
    mode = mode if mode in MODES else "hybrid"
    pool = candidates(org, filters)
    offset = min(max(offset, 0), MAX_DEPTH)
    depth = min(max(offset + limit, 50), MAX_DEPTH + limit)
    keyword = keyword_search(pool, query, limit=depth, snippets=False) if mode != "semantic" else []
    partial = bool(keyword) and not keyword[0].all_words
    vector = functools.cache(lambda: embed_query(query))  # the query's embedding: computed once, if needed
    if partial:
        # Partial matches (some of the words) must also pass the semantic half's relevance floor: one shared
        # word is not a match ("football transfer rumours" found the practices that say "transfer"), while a
        # paraphrase that shares a word with its practice ("sewage surveillance for covid") still is.
        passing = meaning_floor(query, [h.id for h in keyword], vector=vector)
        keyword = [h for h in keyword if h.id in passing]
    semantic = _semantic(org, pool, filters, query, depth, vector) if mode != "keyword" else []
    matched_words = {h.id for h in keyword}  # partial matches too: their words are highlighted
    if mode == "keyword":
        ranked = [(h.id, h.score) for h in keyword]
    elif mode == "semantic":
        ranked = semantic
    else:
        keyword = keyword if not semantic or (keyword and keyword[0].all_words) else []
        ranked = fuse(keyword, semantic, concepts=concept_cover(query, [i for i, _s in semantic]))
    page = ranked[offset:offset + limit]
    kw_ids, sem_ids = {h.id for h in keyword}, {i for i, _s in semantic}
    practices = (Practice.objects.select_related("city", "city__country", "org").defer("embedding")
                 .in_bulk([i for i, _s in page]))
    hits = [Hit(practices[i], score, practice_snippet(practices[i], query) if i in matched_words else "",
                tuple(name for name, ids in (("keyword", kw_ids), ("semantic", sem_ids)) if i in ids))
            for i, score in page if i in practices]
    counted = [i for i, _s in ranked]
    return Results(hits, facets(counted, calendar=calendar) if with_facets else {}, engine_name(), mode,
                   len(counted) if with_facets else 0, found=len(counted), offset=offset)


def _semantic(org, pool, filters: Filters, query: str, depth: int, vector) -> list[tuple[int, float]]:
    """The semantic half. Whether a query means anything (the floor's GATE) is judged over every practice the
    searcher may read, not over those a facet left: a query that found practices of 1399 among others must
    still find them when narrowed to 1399 (the facet counted them)."""
    unfiltered = Filters(archived=filters.archived)
    if filters == unfiltered:
        return semantic_search(pool, query, limit=depth, vector=vector)
    if not semantic_search(candidates(org, unfiltered), query, limit=1, vector=vector):
        return []
    return semantic_search(pool, query, limit=depth, vector=vector, gated=False)


FACETS = ("topic", "country", "language", "phase", "instrument", "year")


@across_offices("counts over results already narrowed to the practices this office may read")
def facets(ids: list[int], *, calendar: str = "gregorian") -> dict[str, list[tuple[str, int]]]:
    """Counts over the ranked results (every one found, not only the page shown): topic, country,
    language, phase, instrument and the year started (Gregorian, or Jalali for Persian pages)."""
    counters: dict[str, Counter[Any]] = {name: Counter() for name in FACETS}
    rows = Practice.objects.filter(id__in=ids).values_list(
        "topics", "city__country_id", "languages", "phase", "instrument", "started_on")
    for topics, country, languages, phase, instrument, started_on in rows:
        counters["topic"].update(topics)
        counters["country"][country] += 1
        counters["language"].update(languages.split())
        counters["phase"][phase] += 1
        counters["instrument"][instrument] += 1
        if started_on:
            year = dates.to_jalali(started_on).year if calendar == "jalali" else started_on.year
            counters["year"][str(year)] += 1
    ordered = {name: counter.most_common() for name, counter in counters.items()}
    ordered["year"] = sorted(ordered["year"], reverse=True)
    return ordered
