"""The protocol calendar: the occasions to write to each active partner for, and the .ics feed.

Sources: the partner country's public holidays in the partner's language (the `holidays` package, with
the subdivision where known), lunar new year from the Chinese lunisolar calendar, our own occasions
(Nowruz), international days, and partnership anniversaries. Each occurrence says whether its date is
official or estimated (Islamic dates computed ahead, lunar dates outside the confirmed years).
"""

import datetime as dt
import functools
import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

import holidays
import icalendar
import jdatetime
from babel.languages import get_official_languages
from django.conf import settings
from django.utils import translation
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from holidays.calendars.chinese import _ChineseLunisolar

from hamdeli.core import bidi
from hamdeli.core.dates import today
from hamdeli.core.digits import localize_digits
from hamdeli.core.localized import pick
from hamdeli.core.text import normalize
from hamdeli.correspondence import holiday_names
from hamdeli.partners import selectors as partners
from hamdeli.partners.models import Partnership

if TYPE_CHECKING:
    from hamdeli.correspondence.models import LetterTemplate

# GeoNames city id -> the `holidays` subdivision code, for partner cities whose region has its own days.
KNOWN_SUBDIVISIONS = {3128760: "CT", 2925177: "BW", 3176959: "FI", 1735161: "14", 3173435: "MI"}
# Countries whose government fixes each year's holiday schedule only late in the year before: their
# dates for a year after the current one are computed, not yet decreed.
DECREED_YEARLY = {"CN", "VN"}
LUNAR_NEW_YEAR_COUNTRIES = {"CN", "TW", "HK", "MO", "SG", "MY", "KR", "VN"}
INTERNATIONAL_DAYS = [  # (month, day, key, suggested letter occasion, titles)
    (4, 7, "world-health-day", "thanks", {"fa": "روز جهانی بهداشت", "en": "World Health Day",
                                          "zh": "世界卫生日", "es": "Día Mundial de la Salud"}),
    (5, 12, "nurses-day", "thanks", {"fa": "روز جهانی پرستار", "en": "International Nurses' Day",
                                     "zh": "国际护士节", "es": "Día Internacional de la Enfermería"}),
    (7, 30, "friendship-day", "greeting", {"fa": "روز جهانی دوستی", "en": "International Day of Friendship",
                                           "zh": "国际友谊日", "es": "Día Internacional de la Amistad"}),
    (9, 21, "peace-day", "greeting", {"fa": "روز جهانی صلح", "en": "International Day of Peace",
                                      "zh": "国际和平日", "es": "Día Internacional de la Paz"}),
    (10, 31, "world-cities-day", "greeting", {"fa": "روز جهانی شهرها", "en": "World Cities Day",
                                              "zh": "世界城市日", "es": "Día Mundial de las Ciudades"}),
]
NOWRUZ = {"fa": "نوروز", "en": "Nowruz (Persian New Year)", "zh": "诺鲁孜节（波斯新年）",
          "es": "Nowruz (Año Nuevo persa)"}
LUNAR_NEW_YEAR = {"fa": "سال نو قمری چینی (جشن بهار)", "en": "Lunar New Year (Spring Festival)", "zh": "春节",
                  "es": "Año Nuevo Lunar"}
ANNIVERSARY = {"fa": "سالگرد %(n)s خواهرخواندگی با %(city)s", "en": "%(city)s: %(n)s years of partnership",
               "zh": "与%(city)s结好%(n)s周年", "es": "%(city)s: %(n)s años de hermanamiento"}


@dataclass(frozen=True)
class Occurrence:
    """One occasion on one day, with every partner it concerns (Christmas for Barcelona and Florence
    is one occurrence, not two)."""

    on: dt.date
    kind: str  # public_holiday, lunar, our_occasion, international_day, anniversary
    key: str  # stable part of the iCalendar UID
    titles: dict  # language -> title (no "(estimated)" in it: `estimated` says so)
    local_title: str  # in the partners' language (public holidays), else ""
    local_language: str
    estimated: bool
    occasion: str  # suggested letter occasion
    partnerships: tuple = ()
    years: int | None = None  # an anniversary's number of years

    @property
    def partnership(self) -> Partnership | None:
        """The first partner concerned (the only one for an anniversary)."""
        return self.partnerships[0] if self.partnerships else None

    @property
    def cities(self) -> str:
        return bidi.join(p.city for p in self.partnerships)

    @property
    def round_anniversary(self) -> bool:
        return self.years is not None and is_round_anniversary(self.years)

    @property
    def title(self) -> str:
        return pick(self.titles, get_language())[0]

    @property
    def occasion_label(self) -> str:
        from hamdeli.correspondence.models import Occasion

        return str(Occasion(self.occasion).label)

    @property
    def uid(self) -> str:
        return f"{self.kind}-{slugify(self.key)}-{self.on.isoformat()}@hamdeli"


def partner_language(country: str) -> str:
    """The first official language of the partner's country (ISO 639-1), English when unknown."""
    langs = get_official_languages(country)
    return langs[0] if langs else "en"


def _holidays_language(supported: tuple[str, ...], lang: str, fallback: str | None) -> str | None:
    for candidate in supported:
        if candidate == lang or candidate.startswith(lang + "_"):
            return candidate
    return fallback


@functools.lru_cache(maxsize=512)
def _country_days(country: str, subdiv: str | None, year: int, lang: str) -> tuple:
    """((date, English name, local name, estimated, ((page language, name), ...)), ...) for one country,
    subdivision and year: one entry per holiday (two holidays of one day, which the package joins with
    "; ", are two entries), the names without the package's "(estimated)" label. The page languages are
    those the package itself has for the country (Persian for Iran's days)."""
    try:
        probe = holidays.country_holidays(country, subdiv=subdiv, years=year)
    except NotImplementedError:
        if subdiv is None:
            return ()
        return _country_days(country, None, year, lang)
    supported = probe.supported_languages

    def names(language: str | None) -> dict[dt.date, list[tuple[str, bool]]]:
        days = holidays.country_holidays(country, subdiv=subdiv, years=year, language=language)
        return {day: [_without_estimate(part, days) for part in name.split("; ")] for day, name in days.items()}

    local_lang = _holidays_language(supported, lang, probe.default_language)
    local = names(local_lang)
    english = names(_holidays_language(supported, "en", local_lang))
    pages = {code: names(language) for code, _name in settings.LANGUAGES
             if code != "en" and (language := _holidays_language(supported, code, ""))}
    found = []
    for day, local_parts in sorted(local.items()):
        english_parts = english.get(day, local_parts)
        if len(english_parts) != len(local_parts):  # cannot be paired: keep the day's names whole
            english_parts = [("; ".join(n for n, _e in english_parts), any(e for _n, e in english_parts))]
            local_parts = [("; ".join(n for n, _e in local_parts), any(e for _n, e in local_parts))]
        for i, ((english_name, _e), (local_name, estimated)) in enumerate(zip(english_parts, local_parts,
                                                                               strict=True)):
            page = tuple((code, days[day][i][0]) for code, days in pages.items()
                         if day in days and len(days[day]) == len(local_parts))
            found.append((day, english_name, local_name, estimated, page))
    return tuple(found)


def _without_estimate(name: str, days) -> tuple[str, bool]:
    """(one holiday's name without its "(estimated)" label, whether it had one): the label is said once,
    by the calendar, not twice by the name and the calendar."""
    label = getattr(days, "estimated_label", "")
    pattern = days.tr(label) if label else ""
    if "%s" not in pattern:
        return name, False
    prefix, suffix = pattern.split("%s", 1)
    if suffix and name.startswith(prefix) and name.endswith(suffix):
        return name[len(prefix):len(name) - len(suffix)], True
    return name, False


# Substitute and observed days off repeat a holiday already listed: not an occasion to write for.
_NOT_AN_OCCASION = re.compile(r"day off|observed|substitut|bridge", re.IGNORECASE)


def _years(start: dt.date, end: dt.date) -> range:
    return range(start.year, end.year + 1)


def _public_holidays(p: Partnership, start: dt.date, end: dt.date) -> list[Occurrence]:
    country = p.city.country_id
    lang = partner_language(country)
    subdiv = KNOWN_SUBDIVISIONS.get(p.city_id)
    found: list[Occurrence] = []
    last_seen: dict[str, dt.date] = {}
    for year in _years(start, end):
        undecreed = country in DECREED_YEARLY and year > today().year
        # A holiday on the same month and day in the last decreed year (National Day, 1 October) is not
        # waiting for a decree: only those that move (lunar ones, Qingming) are.
        fixed = (_fixed_names(country, subdiv, today().year, year, lang) if undecreed else frozenset())
        for day, english_name, local_name, estimated, page_names in _country_days(country, subdiv, year, lang):
            repeated = english_name in last_seen and (day - last_seen[english_name]).days <= 7
            last_seen[english_name] = day
            if repeated or _NOT_AN_OCCASION.search(english_name) or not start <= day <= end:
                continue  # a holiday of several days is one occasion; days off are none
            # The page's language: the package's own name where it has one, else a committed translation.
            titles = {"fa": holiday_names.persian(english_name), **dict(page_names), "en": english_name}
            found.append(Occurrence(day, "public_holiday", english_name, {k: v for k, v in titles.items() if v},
                                    local_name, lang, estimated or (undecreed and english_name not in fixed),
                                    "greeting", (p,)))
    return found


@functools.lru_cache(maxsize=256)
def _fixed_names(country: str, subdiv: str | None, decreed_year: int, year: int, lang: str) -> frozenset:
    """English names of the holidays that fall on the same month and day in `year` as in the last decreed year."""
    decreed = {(name, day.month, day.day) for day, name, *_rest in _country_days(country, subdiv, decreed_year, lang)}
    return frozenset(name for day, name, *_rest in _country_days(country, subdiv, year, lang)
                     if (name, day.month, day.day) in decreed)


def _lunar(p: Partnership, start: dt.date, end: dt.date, official_days: set) -> list[Occurrence]:
    """Lunar new year; its date counts as official when the country's own holiday list confirms it."""
    if p.city.country_id not in LUNAR_NEW_YEAR_COUNTRIES:
        return []
    found = []
    for year in _years(start, end):
        day, estimated = _ChineseLunisolar().lunar_new_year_date(year)
        if day and start <= day <= end:
            found.append(Occurrence(day, "lunar", "lunar-new-year", LUNAR_NEW_YEAR,
                                    LUNAR_NEW_YEAR.get(partner_language(p.city.country_id), ""),
                                    partner_language(p.city.country_id), estimated and day not in official_days,
                                    "greeting", (p,)))
    return found


def lunar_new_year(year: int) -> dt.date | None:
    return _ChineseLunisolar().lunar_new_year_date(year)[0]


def nowruz(jalali_year: int) -> dt.date:
    return jdatetime.date(jalali_year, 1, 1).togregorian()


def _ours(org, start: dt.date, end: dt.date) -> list[Occurrence]:
    """The office's own country's occasions (Nowruz for an Iranian office, the Spring Festival for a
    Chinese one), when partners write to us, and the international days."""
    country = org.city.country_id
    found = []
    for year in _years(start, end):
        own: list[tuple[dt.date | None, str, dict[str, str], bool]] = []
        if country == "IR":
            own.append((nowruz(year - 621), "nowruz", NOWRUZ, False))
        if country in LUNAR_NEW_YEAR_COUNTRIES:
            day, estimated = _ChineseLunisolar().lunar_new_year_date(year)
            own.append((day, "lunar-new-year", LUNAR_NEW_YEAR, estimated and year > today().year))
        for day, key, titles, estimated in own:
            if day and start <= day <= end:
                found.append(Occurrence(day, "our_occasion", key, titles, "", "", estimated, "greeting"))
        for month, dom, key, occasion, titles in INTERNATIONAL_DAYS:
            day = dt.date(year, month, dom)
            if start <= day <= end:
                found.append(Occurrence(day, "international_day", key, titles, "", "", False, occasion))
    return found


def is_round_anniversary(n: int) -> bool:
    return n > 0 and n % 5 == 0


def _anniversaries(p: Partnership, start: dt.date, end: dt.date) -> list[Occurrence]:
    if p.signed_on is None:
        return []
    found = []
    for year in _years(start, end):
        n = year - p.signed_on.year
        day = p.signed_on.replace(year=year) if (p.signed_on.month, p.signed_on.day) != (2, 29) else dt.date(year, 3, 1)
        if n > 0 and start <= day <= end:
            city = {"fa": p.city.name_fa or p.city.name_en, "en": p.city.name_en, "zh": p.city.name_en,
                    "es": p.city.name_en}
            titles = {lang: text % {"n": localize_digits(n, lang), "city": city[lang]}
                      for lang, text in ANNIVERSARY.items()}
            found.append(Occurrence(day, "anniversary", f"{p.public_id}-anniversary", titles, "", "", False,
                                    "greeting", (p,), years=n))
    return found


def active_partners(org):
    return partners.standing_partnerships(org=org)


def occurrences(*, org, start: dt.date, end: dt.date) -> list[Occurrence]:
    """Every occasion between start and end (inclusive), sorted by date."""
    found = _ours(org, start, end)
    for p in active_partners(org):
        public = _public_holidays(p, start, end)
        lunar = _lunar(p, start, end, official_days={o.on for o in public if not o.estimated})
        taken = {o.on for o in lunar}
        found += lunar + _anniversaries(p, start, end) + [o for o in public if o.on not in taken]
    return sorted(_one_per_occasion(found), key=lambda o: (o.on, o.kind, o.key))


def _one_per_occasion(found: list[Occurrence]) -> list[Occurrence]:
    """Merge the same occasion on the same day for several partners into one, listing them all;
    its date counts as official when any source confirms it."""
    groups: dict[tuple, list[Occurrence]] = {}
    for o in found:
        groups.setdefault((o.on, o.kind, o.key), []).append(o)
    merged = []
    for same in groups.values():
        first = same[0]
        locals_ = list(dict.fromkeys(o.local_title for o in same if o.local_title))
        languages = {o.local_language for o in same if o.local_title}
        merged.append(replace(
            first, partnerships=tuple(p for o in same for p in o.partnerships),
            estimated=all(o.estimated for o in same), local_title=" · ".join(locals_),
            local_language=languages.pop() if len(languages) == 1 else ""))
    return merged


@dataclass(frozen=True)
class Reminder:
    occurrence: Occurrence
    days_left: int
    template: "LetterTemplate | None"  # the org's template for the suggested occasion


def reminders(*, org, as_of: dt.date | None = None, lead_days: int | None = None) -> list[Reminder]:
    """Occasions within the lead time from now, each with the letter occasion and template to use."""
    from hamdeli.correspondence.models import LetterTemplate

    as_of = as_of or today()
    lead = lead_days or settings.CALENDAR_LEAD_DAYS
    templates = list(LetterTemplate.objects.filter(org=org).order_by("name"))
    return [Reminder(o, (o.on - as_of).days, template_for(o, templates))
            for o in occurrences(org=org, start=as_of, end=as_of + dt.timedelta(days=lead))]


KIND_HINTS = {"anniversary": ("anniversary", "سالگرد", "周年", "aniversario")}


def template_for(o: Occurrence, templates: list):
    """The occasion's own template when there is one (the "Spring Festival greeting" for the Spring
    Festival: its name or subject names the occasion in some language), else the first template of
    the letter occasion (a generic greeting)."""
    same = [t for t in templates if t.occasion == o.occasion]
    hints = {normalize(part) for text in (*o.titles.values(), o.local_title)
             for part in re.split(r"[()（）;·،؛]", text or "")} | set(KIND_HINTS.get(o.kind, ()))
    hints = {h for h in hints if len(h) >= 2}
    for t in same:
        named = normalize(" ".join([t.name, *t.subject.values()]))
        if any(h in named for h in hints):
            return t
    return same[0] if same else None


def ics(*, org, as_of: dt.date | None = None, lang: str = "en") -> bytes:
    """The org's calendar as RFC 5545: a month back, a year ahead, each with a reminder at the lead time;
    titles, city names and notes in `lang` (a calendar app shows the feed's text as it is)."""
    as_of = as_of or today()
    with translation.override(lang):
        cal = icalendar.Calendar()
        cal.add("prodid", "-//Hamdeli//Protocol calendar//EN")
        cal.add("version", "2.0")
        cal.add("x-wr-calname", f"Hamdeli — {pick(org.name, lang)[0]}")
        stamp = dt.datetime.now(dt.UTC)
        for o in occurrences(org=org, start=as_of - dt.timedelta(days=30), end=as_of + dt.timedelta(days=365)):
            event = icalendar.Event()
            event.add("uid", o.uid)
            event.add("dtstamp", stamp)
            event.add("dtstart", o.on)
            event.add("dtend", o.on + dt.timedelta(days=1))
            title = pick(o.titles, lang)[0]
            cities = bidi.join((p.city.name for p in o.partnerships), lang)
            named = f"{title} — {cities}" if cities and cities not in title else title  # an anniversary names its city
            event.add("summary", _("%(title)s (estimated)") % {"title": named} if o.estimated else named)
            lines = [o.local_title] if o.local_title else []
            if o.partnerships:
                lines.append(_("Partners: %(cities)s") % {"cities": bidi.join(
                    (f"{p.city.name} ({p.city.country_id})" for p in o.partnerships), lang)})
            lines.append(str(_("Date estimated, to be confirmed.") if o.estimated else _("Official date.")))
            lines.append(_("Suggested letter: %(occasion)s.") % {"occasion": o.occasion_label})
            event.add("description", "\n".join(lines))
            event.add("categories", [o.kind])
            event.add("transp", "TRANSPARENT")
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("description", named)
            alarm.add("trigger", dt.timedelta(days=-settings.CALENDAR_LEAD_DAYS))
            event.add_component(alarm)
            cal.add_component(event)
    return cal.to_ical()
