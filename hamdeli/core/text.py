"""The one normalisation that makes search keys; documents and queries both pass through it."""

import re
import unicodedata

_LETTERS = str.maketrans(
    {
        "ي": "ی",
        "ى": "ی",
        "ئ": "ی",
        "ك": "ک",
        "ة": "ه",
        "ۀ": "ه",
        "أ": "ا",
        "إ": "ا",
        "ٱ": "ا",
        "ؤ": "و",
        "\u200c": " ",  # ZWNJ (nim-fasele) is spelled as a space by many writers
        "\u200d": "",
        "\u0640": "",  # tatweel
    }
)
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
# Arabic harakat, superscript alef, Quranic marks and hamza above: meaningless for matching.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0654\u0655]")
_SPACES = re.compile(r"\s+")


def unify_letters(text: str | None) -> str:
    """The spelling variants of one word made one: Arabic/Persian letter variants, ZWNJ, digits of every
    script, diacritics; spaces squeezed. Case and Latin accents are kept (the semantic model reads them:
    folding them cost cross-lingual recall in the evaluation)."""
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", str(text))
    text = _DIACRITICS.sub("", text)
    text = text.translate(_LETTERS).translate(_DIGITS)
    return _SPACES.sub(" ", text).strip()


def normalize(text: str | None) -> str:
    """unify_letters, then lower-case and Latin accents folded: the search key of both keyword engines."""
    text = unify_letters(text)
    if not text:
        return ""
    # Latin accents are folded too, so "Iași" finds "Iasi".
    text = "".join(ch for ch in unicodedata.normalize("NFKD", text) if not "\u0300" <= ch <= "\u036f")
    text = unicodedata.normalize("NFC", text).casefold()
    return _SPACES.sub(" ", text).strip()


def search_key(*parts: object) -> str:
    """A space-joined normalised key for a row, built from its searchable parts."""
    return " ".join(p for p in (normalize(str(part)) for part in parts if part) if p)
