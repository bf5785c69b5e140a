"""The concept glossary: a cross-lingual keyword signal.

A concept ("mask", "earthquake", "sister city", ...) is a set of terms in fa, en, zh, es, ar and fr
(glossary.txt, written from domain knowledge; not from any evaluation's queries). A practice's text in any
language is mapped to the concepts it mentions when it is saved (or reindexed); each concept is stored as one
token at the end of the practice's search text (CONCEPT_PREFIX and a fixed-length hash of the concept's id:
no new column, and words that could match the tokens are dropped from keyword queries). A query is mapped the
same way, and hybrid search adds engine.CONCEPT_WEIGHT x the share of the query's concepts that a semantic
result holds (keyword.concept_cover), whatever language either is written in.

Matching reads the keyword normalisation (hamdeli.core.text.normalize): a term is a run of words, and each word
of the text matches a term's word when it is the same word or the word with a short ending (English/Romance
plurals, Persian ها/های, Arabic ات, ...); Arabic-script words are compared without the article ال (وال, بال,
لل). Chinese and Japanese terms match as a run of characters anywhere in the text (no segmentation needed).
"""

import functools
import hashlib
import re
from pathlib import Path

from hamdeli.core.text import normalize

GLOSSARY = Path(__file__).resolve().parent / "glossary.txt"
LANGUAGES = ("en", "fa", "zh", "es", "ar", "fr")
CONCEPT_PREFIX = "qxc"  # concept tokens: "qxc" and 8 hex digits (one length: a prefix match is an exact one)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af]")
_ARABIC_SCRIPT = re.compile("[\u0600-\u06ff]")
_NON_WORD = re.compile(r"[^\w]+")
_ARTICLES = ("وال", "بال", "فال", "کال", "لل", "ال")  # as normalised (ك is ک)
_ARABIC_ENDINGS = ("های", "ها", "ات", "ین", "ون", "ان", "ه", "ی")
# Words that join a term's words and are skipped on both sides ("distribución de mascarillas").
_GLUE = frozenset(["the", "of", "for", "to", "and", "a", "an", "in", "on", "de", "del", "la", "las", "los", "el",
                   "des", "du", "d", "l", "le", "les", "et", "y", "en", "و", "در", "به", "از", "برای", "با",
                   "فی", "من", "علی", "الی"])


def token(concept: str) -> str:
    """The search-text token of a concept id."""
    return CONCEPT_PREFIX + hashlib.sha1(concept.encode()).hexdigest()[:8]  # noqa: S324 (a name, not a secret)


def _word(word: str) -> str:
    """A word as concepts compare it: Arabic-script words without their article and one common ending."""
    if _ARABIC_SCRIPT.match(word):
        for article in _ARTICLES:
            if word.startswith(article) and len(word) - len(article) >= 3:
                word = word[len(article):]
                break
        for ending in _ARABIC_ENDINGS:
            if word.endswith(ending) and len(word) - len(ending) >= 3:
                return word[:-len(ending)]
    return word


def _words(text: str) -> list[str]:
    return [_word(w) for w in _NON_WORD.sub(" ", text).replace("_", " ").split() if w not in _GLUE]


def _matches(word: str, term: str) -> bool:
    """A text word against a term's word: the same, or the term with a short ending (a short term: only -s/-es)."""
    if word == term:
        return True
    if not word.startswith(term):
        return False
    rest = len(word) - len(term)
    return rest <= 3 if len(term) >= 4 else word[len(term):] in ("s", "es")


class Glossary:
    def __init__(self, lines):
        self.concepts: list[str] = []
        self.by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}  # a term's first word -> (words, concept)
        self.cjk: list[tuple[str, str]] = []  # (characters, concept)
        for line in lines:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            concept, *fields = [part.strip() for part in line.split("|")]
            if len(fields) != len(LANGUAGES):
                raise ValueError(f"glossary: {concept!r} has {len(fields)} languages, not {len(LANGUAGES)}")
            self.concepts.append(concept)
            for field in fields:
                for term in (t.strip() for t in field.split(",")):
                    self._add(normalize(term), concept)

    def _add(self, term: str, concept: str) -> None:
        if not term:
            return
        if _CJK.search(term):
            self.cjk.append((term.replace(" ", ""), concept))
            return
        words = tuple(_words(term))
        if words:
            self.by_first.setdefault(words[0], []).append((words, concept))

    def concepts_of(self, text: str) -> set[str]:
        """The concepts the text mentions."""
        text = normalize(text)
        if not text:
            return set()
        found: set[str] = set()
        if _CJK.search(text):
            compact = text.replace(" ", "")
            found.update(concept for term, concept in self.cjk if term in compact)
        words = _words(text)
        for i, word in enumerate(words):
            # every term whose first word this word matches: the word itself or it less a short ending
            for cut in range(len(word), max(len(word) - 4, 0), -1):
                for term, concept in self.by_first.get(word[:cut], ()):
                    if concept in found or i + len(term) > len(words):
                        continue
                    if all(_matches(words[i + j], term[j]) for j in range(len(term))):
                        found.add(concept)
        return found


@functools.cache
def glossary() -> Glossary:
    return Glossary(GLOSSARY.read_text(encoding="utf-8").splitlines())


def concept_tokens(text: str) -> list[str]:
    """The concept tokens of a text, sorted (for the search text, and a query's concept search)."""
    return sorted(token(c) for c in glossary().concepts_of(text))
