"""Keyword search over the normalised practice text: SQLite FTS5 (BM25) or PostgreSQL (ts_rank_cd).

Both engines take the same candidate set (a Practice queryset without joins: visibility and facet
filters are subqueries) and the same query groups, and return (id, score, snippet) best first.
Every word must match (as a prefix); when nothing matches all words, any word will do.
"""

from dataclasses import dataclass

from django.db import connection

from hamdeli.practices.search.text import query_groups

MARK_START, MARK_END = "\x02", "\x03"  # highlight markers; turned into <mark> after HTML escaping


@dataclass(frozen=True)
class KeywordHit:
    id: int
    score: float  # higher is better on both engines
    snippet: str
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


def _sqlite(candidates, where, params, groups, limit, operator):
    """Rank on the FTS5 index alone (one MATCH that also cuts the snippets), keep the candidates among the
    best, widen the window when too few are left; a narrow candidate set falls back to one joined query."""
    expression = fts5_expression(groups, "AND" if operator == "all" else "OR")
    snippet = f"snippet(practices_fts, 0, '{MARK_START}', '{MARK_END}', '…', 14)"
    window, rows = limit * 2, []
    with connection.cursor() as cursor:
        while window <= 4000:
            cursor.execute(f"SELECT rowid, -bm25(practices_fts), {snippet} FROM practices_fts "  # noqa: S608
                           "WHERE practices_fts MATCH %s ORDER BY bm25(practices_fts), rowid LIMIT %s",
                           [expression, window])
            ranked = cursor.fetchall()
            allowed = set(candidates.filter(id__in=[r[0] for r in ranked]).values_list("id", flat=True))
            rows = [r for r in ranked if r[0] in allowed][:limit]
            if len(rows) == limit or len(ranked) < window:
                return rows
            window *= 8
        cursor.execute(
            f"SELECT practices_practice.id, -bm25(practices_fts), {snippet} FROM practices_fts "  # noqa: S608
            "JOIN practices_practice ON practices_practice.id = practices_fts.rowid WHERE practices_fts MATCH %s "
            f"AND ({where}) ORDER BY bm25(practices_fts), practices_practice.id LIMIT %s",
            [expression, *params, limit])
        return cursor.fetchall()


def _postgres(candidates, where, params, groups, limit, operator):
    sql = (
        "WITH q AS (SELECT to_tsquery('simple', %s) AS q), top AS ("  # noqa: S608 - where is Django-compiled
        " SELECT practices_practice.id, practices_practice.search_text,"
        " ts_rank_cd(to_tsvector('simple', practices_practice.search_text), q.q) AS score"
        " FROM practices_practice, q"
        f" WHERE to_tsvector('simple', practices_practice.search_text) @@ q.q AND ({where})"
        " ORDER BY score DESC, practices_practice.id LIMIT %s)"
        " SELECT top.id, top.score, ts_headline('simple', top.search_text, q.q,"
        f" 'StartSel={MARK_START}, StopSel={MARK_END}, MaxWords=14, MinWords=6, MaxFragments=1')"
        " FROM top, q ORDER BY top.score DESC, top.id"
    )
    expression = tsquery_expression(groups, "&" if operator == "all" else "|")
    with connection.cursor() as cursor:
        cursor.execute(sql, [expression, *params, limit])
        return cursor.fetchall()


def keyword_search(candidates, query: str, *, limit: int = 50) -> list[KeywordHit]:
    groups = query_groups(query)
    if not groups:
        return []
    where, params = _where(candidates)
    run = _postgres if connection.vendor == "postgresql" else _sqlite
    rows, all_words = run(candidates, where, params, groups, limit, "all"), True
    if not rows and len(groups) > 1:
        rows, all_words = run(candidates, where, params, groups, limit, "any"), False
    return [KeywordHit(int(r[0]), float(r[1]), r[2] or "", all_words) for r in rows]


def raw_fts5(query: str, *, limit: int = 50):
    """The bare FTS5 MATCH for the benchmark's comparison (no visibility, no snippet)."""
    expression = fts5_expression(query_groups(query))
    with connection.cursor() as cursor:
        cursor.execute("SELECT rowid FROM practices_fts WHERE practices_fts MATCH %s ORDER BY bm25(practices_fts) "
                       "LIMIT %s", [expression, limit])
        return [r[0] for r in cursor.fetchall()]


def rebuild() -> None:
    """Rebuild the keyword index from the stored search text (SQLite; PostgreSQL's index is live)."""
    if connection.vendor == "sqlite":
        with connection.cursor() as cursor:
            cursor.execute("INSERT INTO practices_fts(practices_fts) VALUES('rebuild')")
