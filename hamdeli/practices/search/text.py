"""Text as both keyword engines index and query it: the core normalisation, then plain word tokens.

Punctuation becomes a space and each CJK character a token of its own, so SQLite's unicode61 tokenizer
and PostgreSQL's 'simple' parser cut the same words. A query's run of CJK characters has no spaces
between its words ("地铁消毒" is "metro" + "disinfect"): jieba cuts it into words, and each word must
occur as a phrase of its characters, in any order ("公交车和地铁每日消毒" is found). Japanese kana and Korean
hangul are kept together as one phrase (jieba has no dictionary for them).
"""

import functools
import re
import threading

from hamdeli.core.localized import pick
from hamdeli.core.text import normalize

_CJK_CLASS = r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]"
_CJK = re.compile(f"({_CJK_CLASS})")
_CJK_RUN = re.compile(f"({_CJK_CLASS}+)")
_NON_WORD = re.compile(r"[^\w]+")
_KANA_HANGUL = re.compile(r"[\u3040-\u30ff\uac00-\ud7af]+")
_segmenter_lock = threading.Lock()


@functools.cache
def _jieba():
    with _segmenter_lock:  # jieba reads its dictionary (~1 s) on first use, once per process
        import logging

        import jieba

        jieba.setLogLevel(logging.WARNING)
        jieba.initialize()
        return jieba


def cjk_words(run: str) -> list[str]:
    """A run of CJK characters cut into words: jieba for Chinese (and kanji); kana and hangul, which jieba
    gives one character at a time, kept together."""
    words: list[str] = []
    for word in _jieba().lcut(run, HMM=True):
        if _KANA_HANGUL.fullmatch(word) and words and _KANA_HANGUL.fullmatch(words[-1]):
            words[-1] += word
        else:
            words.append(word)
    return [w for w in words if w.strip()]


def tokens_text(text: str | None) -> str:
    text = _NON_WORD.sub(" ", normalize(text)).replace("_", " ")
    text = _CJK.sub(r" \1 ", text)
    return " ".join(text.split())


# Words too common to narrow a search (Persian, English, Spanish, French, Arabic as normalised); dropped unless
# nothing else is left.
STOPWORDS = frozenset([
    "و", "در", "به", "از", "که", "با", "را", "این", "آن", "برای", "تا", "یا", "هر", "ها", "های", "می", "شد", "شده",
    "است", "بود", "کرد", "کردن", "بر", "بی", "ای", "the", "a", "an", "and", "or", "of", "to", "in", "on", "for",
    "with", "by", "at", "from", "is", "are", "was", "were", "be", "as", "it", "its", "their", "our", "el", "la",
    "los", "las", "de", "del", "y", "o", "en", "con", "por", "para", "un", "una", "se", "al",
    "le", "les", "du", "des", "au", "aux", "et", "pour", "dans", "sur", "par", "une", "que", "qui", "d", "l",
    "فی", "من", "علی", "الی", "عن", "مع", "هذا", "هذه", "التی", "الذی",
    "的", "和", "与", "了", "在", "是", "及", "の", "を", "に", "は", "が", "と",
])


def query_groups(query: str) -> list[list[str]]:
    """The query as groups: a Latin/Persian word is a group of one; a CJK run is a phrase of its characters."""
    groups = [g for g in _groups(query) if not _concept_like(g)]
    kept = [g for g in groups if len(g) > 1 or g[0] not in STOPWORDS]
    return kept or groups


def _concept_like(group: list[str]) -> bool:
    """A word that would match the concept tokens of the search text ("qxc…", or a prefix of it)."""
    from hamdeli.practices.search.concepts import CONCEPT_PREFIX

    return len(group) == 1 and (group[0].startswith(CONCEPT_PREFIX) or CONCEPT_PREFIX.startswith(group[0]))


def _groups(query: str) -> list[list[str]]:
    groups: list[list[str]] = []
    for chunk in _NON_WORD.sub(" ", normalize(query)).replace("_", " ").split():
        for piece in _CJK_RUN.split(chunk):
            if not piece:
                continue
            if _CJK.match(piece):
                groups.extend(list(word) for word in cjk_words(piece))
            else:
                groups.append([piece])
    return groups[:20]


def practice_document(practice) -> str:
    """Every language of the title, summary, body and results, the city and the country."""
    parts: list[str] = []
    for field in ("title", "summary", "body", "results"):
        value = getattr(practice, field) or {}
        parts.extend(value[lang] for lang in sorted(value))
    city = practice.city
    parts += [city.name_en, city.name_fa]
    return tokens_text(" ".join(p for p in parts if p)) + concepts_text(practice)


def concepts_text(practice) -> str:
    """The glossary concepts of the practice's title, summary, body and results (any language) as tokens
    (" qxc…"), after its words: the hybrid ranking reads which concepts a practice shares with a query."""
    from hamdeli.practices.search.concepts import concept_tokens

    text = " ".join(v for f in ("title", "summary", "body", "results") for v in (getattr(practice, f) or {}).values()
                    if v)
    return "".join(f" {t}" for t in concept_tokens(text))


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


def title_texts(practice) -> list[str]:
    """The practice's title in each of its languages (sorted by language), for the title half of its vector."""
    return [practice.title[lang] for lang in sorted(practice.title or {}) if practice.title[lang]]


MARK_START, MARK_END = "\x02", "\x03"  # highlight markers; turned into <mark> after HTML escaping


@functools.lru_cache(maxsize=8192)
def _fold(ch: str) -> str:
    """One character as the normalisation reads it (spaces and ZWNJ kept as one space, so positions map)."""
    return " " if ch.isspace() or ch == "\u200c" else normalize(ch)


# Every character folded so far (by code point), and those that fold to none or several characters: a text
# without the latter is folded by one str.translate, its positions unchanged (snippets are cut for every hit;
# folding them character by character in Python cost more than the search's own statement).
_FOLDS: dict[int, str] = {}
_UNEVEN: set[str] = set()


def _folded(text: str) -> tuple[str, list[int] | None]:
    """The text normalised character by character, and for each folded character its original position
    (None when every character folds to exactly one: the positions are the text's own)."""
    chars = set(text)
    for ch in [ch for ch in chars if ord(ch) not in _FOLDS]:  # bounded by the characters Unicode assigns
        folded = _fold(ch)
        if len(folded) != 1:
            _UNEVEN.add(ch)
        _FOLDS[ord(ch)] = folded
    if _UNEVEN.isdisjoint(chars):
        return text.translate(_FOLDS), None
    out, where = [], []
    for i, ch in enumerate(text):
        for c in _fold(ch):
            out.append(c)
            where.append(i)
    return "".join(out), where


@functools.lru_cache(maxsize=256)
def _pattern(query: str) -> re.Pattern | None:
    """Where the query's groups match normalised text: a word as a prefix, a CJK word as its characters."""
    groups = query_groups(query)
    if not groups:
        return None
    terms = [re.escape(g[0]) + r"\w*" if len(g) == 1 and not _CJK.match(g[0]) else re.escape("".join(g))
             for g in groups]
    return re.compile(r"(?:(?<!\w)|(?<=%s)|(?=%s))(?:%s)" % (_CJK_CLASS, _CJK_CLASS, "|".join(terms)))


def _matches(text: str, query: str) -> list[tuple[int, int, str]]:
    """(start, end, folded word) of each match of the query in the original text."""
    pattern = _pattern(query)
    if not text or pattern is None:
        return []
    folded, where = _folded(text)
    if where is None:
        return [(m.start(), m.end(), m.group()) for m in pattern.finditer(folded) if m.group()]
    return [(where[m.start()], where[m.end() - 1] + 1, m.group()) for m in pattern.finditer(folded) if m.group()]


def snippet(text: str, query: str, *, width: int = 110) -> str:
    """The passage of the text (as its author wrote it) where the query's words gather most, about `width`
    characters long, matches between MARK_START and MARK_END; '…' where the text goes on."""
    found = _matches(text, query)
    if not found:
        return ""
    dense = _CJK.search(text) is not None and text.count(" ") * 12 < len(text)  # Chinese/Japanese prose
    width = width // 2 if dense else width

    def gathered(i):
        start = found[i][0]
        return len({word for at, _end, word in found[i:] if at - start < width}), -i

    at = found[max(range(len(found)), key=gathered)][0]
    begin = max(at - (8 if dense else 30), 0)
    if not dense and begin > 0:  # start at a word
        begin = text.find(" ", begin) + 1 if text.find(" ", begin, at) >= 0 else begin
    end = min(begin + width, len(text))
    if not dense and end < len(text):
        end = max(text.rfind(" ", begin, end), max(e for s, e, _w in found if s < end))
    parts, cursor = [], begin
    for start, stop, _word in found:
        if start >= cursor and stop <= end:
            parts += [text[cursor:start], MARK_START, text[start:stop], MARK_END]
            cursor = stop
    parts.append(text[cursor:end])
    passage = " ".join("".join(parts).split())
    return ("…" if begin > 0 else "") + passage + ("…" if end < len(text) else "")


SNIPPET_FIELDS = ("summary", "body", "results", "title")


def practice_snippet(practice, query: str) -> str:
    """The snippet from the practice's own text (summary, body, results, then title, in any of its
    languages) that holds most of the query's words."""
    best, best_count = "", 0
    for field in SNIPPET_FIELDS:
        for text in (getattr(practice, field) or {}).values():
            words = {w for _s, _e, w in _matches(text, query)}
            if len(words) > best_count:
                best, best_count = text, len(words)
    return snippet(best, query) if best_count else ""  # cut once, from the text that holds most words
