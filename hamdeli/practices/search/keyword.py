"""Keyword search over the normalised practice text: SQLite FTS5 (BM25) or PostgreSQL (ts_rank_cd over a
stored, GIN-indexed tsvector).

Both engines take the same candidate set (a Practice queryset without joins: visibility and facet
filters are subqueries) and the same query groups, and return (id, score) best first; the snippets of
the hits are cut in Python from the practice's own text (text.practice_snippet), the same way for both. Every word must
match (as a prefix); when nothing matches all words, any word will do.
"""

import json
from dataclasses import dataclass
from types import SimpleNamespace
from typing import cast

from django.db import connection
from django.db.models import JSONField

from hamdeli.core.tenancy import across_offices
from hamdeli.practices.search.concepts import CONCEPT_PREFIX, concept_tokens
from hamdeli.practices.search.text import SNIPPET_FIELDS, practice_snippet, query_groups

# PostgreSQL ranks at most this many matches of a query before keeping the office's visible ones.
CANDIDATES = 2000


@dataclass(frozen=True)
class KeywordHit:
    id: int
    score: float  # higher is better on both engines
    snippet: str  # "" unless asked for
    all_words: bool = True  # False when no practice had every word and any word was accepted


def _where(candidates):
    query = candidates.query
    if sum(1 for count in query.alias_refcount.values() if count) > 1:
        raise ValueError("keyword search needs a candidate queryset without joins")
    compiler = query.get_compiler(connection=connection)
    if not query.where:
        return "1=1", []
    sql, params = query.where.as_sql(compiler, connection)
    return sql or "1=1", list(params)


def fts5_expression(groups, operator: str = "AND") -> str:
    terms = [f'"{g[0]}"*' if len(g) == 1 else '"' + " ".join(g) + '"' for g in groups]
    return f" {operator} ".join(terms)


def tsquery_expression(groups, operator: str = "&") -> str:
    terms = [f"'{g[0]}':*" if len(g) == 1 else "(" + " <-> ".join(f"'{t}'" for t in g) + ")" for g in groups]
    return f" {operator} ".join(terms)


def _sqlite(where, params, groups, limit, operator):
    """Rank on the FTS5 index alone and keep the candidates among the best matches (one statement); when
    those hold less than a page, rank the candidates' matches exactly (a join)."""
    expression = fts5_expression(groups, "AND" if operator == "all" else "OR")
    # Five times the page is enough when a fifth or more of the matches are the office's to see. On 100k
    # practices the window costs ~1.1x a bare MATCH, the join over every match ~2.5x.
    window = limit * 5
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT top.id, -top.rank FROM (SELECT rowid AS id, bm25(practices_fts) AS rank "  # noqa: S608
            "FROM practices_fts WHERE practices_fts MATCH %s ORDER BY rank, rowid LIMIT %s) AS top "
            "WHERE EXISTS (SELECT 1 FROM practices_practice WHERE practices_practice.id = top.id "
            f"AND ({where})) ORDER BY top.rank, top.id LIMIT %s",
            [expression, window, *params, limit])
        rows = cursor.fetchall()
        if len(rows) == limit:
            return rows
        cursor.execute(
            "SELECT practices_practice.id, -bm25(practices_fts) FROM practices_fts "  # noqa: S608
            "JOIN practices_practice ON practices_practice.id = practices_fts.rowid WHERE practices_fts MATCH %s "
            f"AND ({where}) ORDER BY bm25(practices_fts), practices_practice.id LIMIT %s",
            [expression, *params, limit])
        return cursor.fetchall()


def _postgres(where, params, groups, limit, operator):
    """Rank on the stored vectors (practices_practice.search_vector, GIN-indexed) of at most CANDIDATES
    matches, keep the office's visible ones among the best (one statement); when those hold less than a
    page, rank every visible match exactly. Bounding the ranked set keeps a query of common words from
    ranking tens of thousands of rows; the matches beyond it are the ones a page would never show."""
    expression = tsquery_expression(groups, "&" if operator == "all" else "|")
    window = limit * 5
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT top.id, top.score FROM (SELECT m.id, ts_rank_cd(m.search_vector, q) AS score"  # noqa: S608
            " FROM (SELECT id, search_vector FROM practices_practice, to_tsquery('simple', %s) AS q"
            " WHERE search_vector @@ q LIMIT %s) AS m, to_tsquery('simple', %s) AS q"
            " ORDER BY score DESC, m.id LIMIT %s) AS top"
            " WHERE EXISTS (SELECT 1 FROM practices_practice WHERE practices_practice.id = top.id"
            f" AND ({where})) ORDER BY top.score DESC, top.id LIMIT %s",
            [expression, CANDIDATES, expression, window, *params, limit])
        rows = cursor.fetchall()
        if len(rows) == limit:
            return rows
        cursor.execute(
            "SELECT practices_practice.id, ts_rank_cd(practices_practice.search_vector, q) AS score"  # noqa: S608
            " FROM practices_practice, to_tsquery('simple', %s) AS q"
            f" WHERE practices_practice.search_vector @@ q AND ({where})"
            " ORDER BY score DESC, practices_practice.id LIMIT %s",
            [expression, *params, limit])
        return cursor.fetchall()


def keyword_search(candidates, query: str, *, limit: int = 50, snippets: bool = True) -> list[KeywordHit]:
    """The candidates' practices that hold the query's words, best first, with a highlighted passage each
    unless snippets=False (the search engine cuts them for the page it shows only)."""
    groups = query_groups(query)
    if not groups:
        return []
    where, params = _where(candidates)
    run = _postgres if connection.vendor == "postgresql" else _sqlite
    rows, all_words = run(where, params, groups, limit, "all"), True
    if not rows and len(groups) > 1:
        rows, all_words = run(where, params, groups, limit, "any"), False
    texts = _texts([r[0] for r in rows]) if snippets else {}
    return [KeywordHit(int(r[0]), float(r[1]), practice_snippet(texts[r[0]], query) if r[0] in texts else "",
                       all_words) for r in rows]


@across_offices("reads the concept tokens of practices already narrowed to the ones this office may read")
def concept_cover(query: str, ids: list[int]) -> dict[int, float]:
    """For each of these practices that shares a glossary concept with the query, the share of the query's
    concepts it holds (the concept tokens at the end of its search text); a practice with none is left out."""
    from hamdeli.practices.models import Practice

    tokens = set(concept_tokens(query))
    if not tokens or not ids:
        return {}
    cover = {}
    for pk, text in Practice.objects.filter(id__in=list(ids)).values_list("id", "search_text"):
        at = (text or "").find(" " + CONCEPT_PREFIX)
        shared = tokens.intersection(text[at:].split()) if at >= 0 else set()
        if shared:
            cover[pk] = len(shared) / len(tokens)
    return cover


@across_offices("snippets of results already narrowed to the practices this office may read")
def _texts(ids) -> dict:
    """The snippet fields of these practices by id, read in one plain statement (building the ORM query cost
    more than ranking a 10k-practice index); JSON text decoded as the fields decode it."""
    from hamdeli.practices.models import Practice

    if not ids:
        return {}
    fields = cast(list[JSONField], [Practice._meta.get_field(name) for name in SNIPPET_FIELDS])  # the texts
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {', '.join(str(f.column) for f in fields)} FROM practices_practice "  # noqa: S608
                       f"WHERE id IN ({', '.join(['%s'] * len(ids))})", list(ids))
        return {row[0]: SimpleNamespace(**{f.attname: json.loads(value, cls=f.decoder) if isinstance(value, str)
                                           else value for f, value in zip(fields, row[1:], strict=True)})
                for row in cursor.fetchall()}


def raw_fts5(query: str, *, limit: int = 50):
    """The bare FTS5 MATCH for the benchmark's comparison (no visibility, no snippet)."""
    expression = fts5_expression(query_groups(query))
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM practices_fts WHERE practices_fts MATCH %s ORDER BY bm25(practices_fts) "
                       "LIMIT %s", [expression, limit])
        return [r[0] for r in cursor.fetchall()]


@across_offices("the keyword index covers every office's practices")
def rebuild() -> None:
    """Rebuild the keyword index from the stored search text (SQLite; PostgreSQL's index is live)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO practices_fts(practices_fts) VALUES('rebuild')")
