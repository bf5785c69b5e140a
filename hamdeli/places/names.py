"""The key two spellings of a place name share: the search normalisation, with apostrophes and dashes
folded too ("Xi’an" and "Xi'an", "Mazar-i-Sharif" and "Mazar i Sharif")."""

import csv
import functools
import re
from pathlib import Path

from hamdeli.core.text import normalize

_APOSTROPHES = re.compile("[\u2018\u2019\u02bc\u02bb\u00b4`]")
_DASHES = re.compile("[-\u2010-\u2015]")


def normalize_name(text: str) -> str:
    """core.text.normalize, with a fast path for plain ASCII names (more than half of GeoNames'
    alternate names), for which it only lower-cases and squeezes spaces: importing 30,000 cities
    normalises some 350,000 names."""
    return " ".join(text.lower().split()) if text.isascii() else normalize(text)


def name_key(text: str | None) -> str:
    return fold(normalize(text))


def fold(normalized: str) -> str:
    """name_key of a text already normalised (imports normalise each name once)."""
    return " ".join(_DASHES.sub(" ", _APOSTROPHES.sub("'", normalized)).split())


# The Persian alphabet (with hamza forms, heh with yeh, and the non-joiner): a GeoNames alternate name
# counts as Persian only when written with these alone. Letters of the other languages written in
# Arabic script mark their forms: Arabic ي ك ى ة, Urdu ے ہ ں ٹ ڈ ڑ ھ, Kurdish ێ ۆ ڕ ڵ ە ڤ, Uyghur ڭ ۇ ۈ ۋ ې,
# Pashto ټ ډ ړ ږ ښ ځ څ ڼ ۍ (Karachi's "كاراچى" is not Persian; "کراچی" is).
PERSIAN_LETTERS = "ءآأؤئابپتثجچحخدذرزژسشصضطظعغفقکگلمنوهیۀ"
_PERSIAN_NAME = re.compile(f"^[{PERSIAN_LETTERS}\u200c -]+$")
# ...and with at least one letter Arabic does not have, so that an Arabic name is not taken for Persian.
_PERSIAN_MARK = re.compile("[پچژگکی]")


def in_persian_script(name: str) -> bool:
    """Written with the Persian alphabet alone."""
    return bool(_PERSIAN_NAME.match(name))


def is_persian(name: str) -> bool:
    """A GeoNames alternate name that can be taken as the Persian name."""
    return in_persian_script(name) and bool(_PERSIAN_MARK.search(name))


@functools.cache
def chinese_names() -> dict[int, str]:
    with (Path(__file__).parent / "data" / "zh_names.csv").open(encoding="utf-8", newline="") as handle:
        return {int(row["geonameid"]): row["name_zh"] for row in csv.DictReader(handle)}


def city_name_in(city, lang: str) -> str:
    """A city's name for a text in `lang`: Persian and Chinese where known, else its English name."""
    if city is None:
        return ""
    if lang == "fa" and city.name_fa:
        return city.name_fa
    if lang == "zh" and city.geonameid in chinese_names():
        return chinese_names()[city.geonameid]
    return city.name_en or ""


# Languages written in the Latin alphabet, for which a city's English (GeoNames) name reads as their own.
LATIN_SCRIPT = {"en", "es", "fr", "de", "it", "pt", "nl", "ms", "id", "tr", "pl", "ro", "cs", "sv"}


def has_name_in(city, lang: str) -> bool:
    """Whether `city_name_in` has the city's own name for `lang` (not its English one standing in)."""
    if city is None or lang in LATIN_SCRIPT:
        return True
    if lang == "fa":
        return bool(city.name_fa)
    if lang == "zh":
        return city.geonameid in chinese_names()
    return False
