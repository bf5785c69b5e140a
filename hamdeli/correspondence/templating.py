"""Letter templates: the text in the recipient's language, placeholders filled, fallback made visible."""

import datetime as dt
import re
from dataclasses import dataclass

from babel.dates import format_date as babel_format_date
from django.utils import translation

from hamdeli.core.dates import format_date
from hamdeli.correspondence.models import LetterTemplate, Occasion
from hamdeli.places.names import city_name_in

PLACEHOLDERS = ("city", "official", "occasion", "date")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")
FALLBACK_ORDER = ("en", "fa")


@dataclass(frozen=True)
class Rendered:
    subject: str
    body: str
    language: str  # the language the text is in
    wanted: str  # the recipient's language
    fallback: bool  # True when the template had no text in the wanted language


def date_in(day: dt.date, lang: str) -> str:
    """The date in the letter language's calendar: Jalali for Persian, Gregorian (CLDR format) otherwise."""
    if lang == "fa":
        return format_date(day, "fa")
    try:
        return babel_format_date(day, format="long", locale=lang)
    except Exception:  # an unknown locale: ISO is still unambiguous
        return day.isoformat()


def city_in(city, lang: str) -> str:
    return city_name_in(city, lang)


def choose_language(values: dict, wanted: str) -> tuple[str, bool]:
    if values.get(wanted):
        return wanted, False
    for lang in (*FALLBACK_ORDER, *values):
        if values.get(lang):
            return lang, True
    return wanted, True


def fill(text: str, values: dict) -> str:
    """Replace {city}, {official}, {occasion}, {date}; an unknown {name} is left as it is, visibly."""
    return _PLACEHOLDER.sub(lambda m: str(values[m.group(1)]) if m.group(1) in values else m.group(0), text)


def unfilled(text: str) -> list[str]:
    """The placeholders the text still holds (those filled from the recipient when the letter is saved)."""
    return [name for name in _PLACEHOLDER.findall(text) if name in PLACEHOLDERS]


def render(template: LetterTemplate, *, lang: str, city=None, official: str = "", on: dt.date,
           city_name: str = "") -> Rendered:
    """The template's text in `lang` (or visibly in a fallback language); `city_name` overrides the
    city's GeoNames name, which exists only in English and Persian."""
    used, fallback = choose_language(template.body, lang)
    with translation.override(used if used in ("fa", "en") else "en"):
        occasion = str(Occasion(template.occasion).label)
    values = {"city": city_name or city_in(city, used), "official": official, "occasion": occasion,
              "date": date_in(on, used)}
    # Not known yet (the form opens before the recipient is typed): kept as {official} / {city}, filled
    # when the letter is saved (services.fill_placeholders), never printed as "Dear ,".
    values = {name: value for name, value in values.items() if value}
    subject = template.subject.get(used) or next(iter(template.subject.values()), "")
    return Rendered(fill(subject, values), fill(template.body.get(used, ""), values), used, lang, fallback)


def fill_letter(text: str, *, lang: str, official: str = "", city=None) -> str:
    """The {official} and {city} a letter's text still holds, filled from the letter's recipient."""
    values = {"official": official, "city": city_in(city, lang)}
    return fill(text, {name: value for name, value in values.items() if value})
