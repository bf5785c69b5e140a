"""Text as both keyword engines index and query it: the core normalisation, then plain word tokens.

Punctuation becomes a space and each CJK character a token of its own, so SQLite's unicode61 tokenizer
and PostgreSQL's 'simple' parser cut the same words, and a Chinese query matches as a phrase.
"""

import functools
import re

from hamdeli.core.localized import pick
from hamdeli.core.text import normalize

_CJK = re.compile(r"([\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af])")
_NON_WORD = re.compile(r"[^\w]+")


def tokens_text(text: str | None) -> str:
    text = _NON_WORD.sub(" ", normalize(text)).replace("_", " ")
    text = _CJK.sub(r" \1 ", text)
    return " ".join(text.split())


# Words too common to narrow a search (Persian, English, Spanish); dropped unless nothing else is left.
STOPWORDS = frozenset([
    "و", "در", "به", "از", "که", "با", "را", "این", "آن", "برای", "تا", "یا", "هر", "ها", "های", "می", "شد", "شده",
    "است", "بود", "کرد", "کردن", "بر", "بی", "ای", "the", "a", "an", "and", "or", "of", "to", "in", "on", "for",
    "with", "by", "at", "from", "is", "are", "was", "were", "be", "as", "it", "its", "their", "our", "el", "la",
    "los", "las", "de", "del", "y", "o", "en", "con", "por", "para", "un", "una", "se", "al",
])


def query_groups(query: str) -> list[list[str]]:
    """The query as groups: a Latin/Persian word is a group of one; a CJK run is a phrase of its characters."""
    groups = _groups(query)
    kept = [g for g in groups if len(g) > 1 or g[0] not in STOPWORDS]
    return kept or groups


def _groups(query: str) -> list[list[str]]:
    groups: list[list[str]] = []
    for chunk in _NON_WORD.sub(" ", normalize(query)).replace("_", " ").split():
        parts = _CJK.sub(r" \1 ", chunk).split()
        if len(parts) > 1 and all(_CJK.fullmatch(p) for p in parts):
            groups.append(parts)
        else:
            groups.extend([[p] for p in parts])
    return groups[:20]


def practice_document(practice) -> str:
    """Every language of the title, summary, body and results, the city and the country."""
    parts = []
    for field in ("title", "summary", "body", "results"):
        value = getattr(practice, field) or {}
        parts.extend(value[lang] for lang in sorted(value))
    city = practice.city
    parts += [city.name_en, city.name_fa]
    return tokens_text(" ".join(p for p in parts if p))


def passage_text(practice, limit: int = 1500) -> str:
    """What the semantic model reads: title and summary in each language (e5 sees ~512 tokens)."""
    chunks = []
    for lang in sorted(practice.title or {}):  # sorted: PostgreSQL's jsonb does not keep key order
        chunks.append(" — ".join(t for t in (practice.title.get(lang), (practice.summary or {}).get(lang)) if t))
    if not chunks:
        chunks.append(pick(practice.title)[0])
    text = " | ".join(chunks)
    if len(text) < 300:
        body, _lang = pick(practice.body)
        text = f"{text} | {body}" if body else text
    return text[:limit]


MARK_START, MARK_END = "\x02", "\x03"  # highlight markers; turned into <mark> after HTML escaping


@functools.lru_cache(maxsize=256)
def _pattern(query: str) -> re.Pattern | None:
    """Where the query's groups match the indexed text: a word as a prefix, a CJK run as a phrase."""
    groups = query_groups(query)
    if not groups:
        return None
    terms = [re.escape(g[0]) + r"\S*" if len(g) == 1 else re.escape(" ".join(g)) + r"(?!\S)" for g in groups]
    return re.compile(r"(?<!\S)(?:" + "|".join(terms) + ")")


def snippet(text: str, query: str, *, words: int = 14) -> str:
    """The passage of the indexed text (practice_document) where the query's words gather most, about
    `words` words long, matches between MARK_START and MARK_END; '…' where the text goes on.

    Both keyword engines share it, so a hit reads the same on SQLite and PostgreSQL, and only the hits
    shown are cut (the databases' own snippet functions read every candidate's text)."""
    pattern = _pattern(query)
    if not text or pattern is None:
        return ""
    found = [(m.start(), m.group()) for m in pattern.finditer(text)]
    if not found:
        return ""
    span = 8 * words  # characters in which matches count as together

    def gathered(i):
        start = found[i][0]
        return len({word for at, word in found[i:i + words] if at - start < span}), -i

    at = found[max(range(len(found)), key=gathered)][0]
    begin = at
    for _ in range(3):  # a little context before the first match
        begin = text.rfind(" ", 0, max(begin - 1, 0)) + 1 if begin > 0 else 0
    piece = text[begin:].split(" ", words)
    passage = " ".join(piece[:words])
    marked = pattern.sub(lambda m: MARK_START + m.group() + MARK_END, passage)
    return ("…" if begin > 0 else "") + marked + ("…" if len(piece) > words else "")
