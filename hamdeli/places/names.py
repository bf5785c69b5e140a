"""The key two spellings of a place name share: the search normalisation, with apostrophes and dashes
folded too ("Xi’an" and "Xi'an", "Mazar-i-Sharif" and "Mazar i Sharif")."""

import re

from hamdeli.core.text import normalize

_APOSTROPHES = re.compile("[\u2018\u2019\u02bc\u02bb\u00b4`]")
_DASHES = re.compile("[-\u2010-\u2015]")


def name_key(text: str | None) -> str:
    return fold(normalize(text))


def fold(normalized: str) -> str:
    """name_key of a text already normalised (imports normalise each name once)."""
    return " ".join(_DASHES.sub(" ", _APOSTROPHES.sub("'", normalized)).split())
