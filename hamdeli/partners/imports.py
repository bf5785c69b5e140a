"""Reading a list of partners or agreements into a preview: which rows are ready to record, which are
already recorded, which are ambiguous (with their candidates) and which cannot be resolved, and why.

Nothing here writes; services.apply_import records the ready rows of the same preview. Two layouts
are read: this office's own (the export's columns, `city`/`country` or `geonameid`) and the pairs of
public sister-city lists (`city1,country1,city2,country2`), of which the rows naming the office's
own city are taken. Matching is exact (a name or GeoNames alternate name within the country); a
fuzzy match would put "Wick" in Brooklyn.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django_stubs_ext import StrOrPromise

from hamdeli.core.dates import DateParseError, parse_date
from hamdeli.partners.models import Partnership, PartnershipKind, PartnershipState, agreement_problem
from hamdeli.partners.tables import bad_file, read_rows
from hamdeli.places import selectors as places
from hamdeli.places.models import City
from hamdeli.places.names import name_key

COLUMNS = ["geonameid", "city", "country", "kind", "state", "proposed_on", "signed_on", "ended_on",
           "council_resolution_number", "notes"]
PAIR_COLUMNS = ["city1", "country1", "city2", "country2"]
HEAD_PREFIX = "partner_head_"  # partner_head_zh, partner_head_en …: the partner's head in each language
UNKNOWN_DATE = {"", "unknown", "date unknown", "?", "نامعلوم", "نامشخص", "تاریخ نامعلوم"}


@dataclass
class Ready:
    line: int
    city: City
    kind: str
    state: str
    signed_on: dt.date | None = None
    ended_on: dt.date | None = None
    proposed_on: dt.date | None = None
    council_resolution_number: str = ""
    notes: str = ""
    partner_head: dict = field(default_factory=dict)

    def get_kind_display(self) -> StrOrPromise:
        return PartnershipKind(self.kind).label

    def get_state_display(self) -> StrOrPromise:
        return PartnershipState(self.state).label


@dataclass
class Problem:
    line: int
    row: dict
    reason: str  # a code: unknown_country, no_city, ambiguous, bad_value, own_city, not_ours, duplicate
    message: str
    candidates: list[City] = field(default_factory=list)


@dataclass
class Preview:
    layout: str  # "partners" or "pairs"
    columns: list[str]
    ready: list[Ready] = field(default_factory=list)
    existing: list[Ready] = field(default_factory=list)  # recorded before: importing again adds nothing
    ambiguous: list[Problem] = field(default_factory=list)
    unresolved: list[Problem] = field(default_factory=list)
    skipped: list[Problem] = field(default_factory=list)  # other offices' pairs, repeated rows

    @property
    def to_fix(self) -> list[Problem]:
        """The rows a person should correct (the downloadable list), in file order."""
        return sorted(self.ambiguous + self.unresolved, key=lambda p: p.line)


def _choices(enum) -> dict[str, str]:
    """A state or kind by its value or its label in either language."""
    names = {}
    for member in enum:
        names[name_key(member.value)] = member.value
        names[name_key(member.value.replace("_", " "))] = member.value
        for lang in ("en", "fa"):
            with translation.override(lang):
                names[name_key(str(member.label))] = member.value
    return names


class _Resolver:
    def __init__(self, org):
        self.org = org
        self.countries: dict[str, object] = {}
        self.cities: dict[tuple, tuple] = {}
        self.own_names = org.city.known_names()

    def country(self, text: str):
        key = name_key(text)
        if key not in self.countries:
            self.countries[key] = places.resolve_country(text)
        return self.countries[key]

    def is_own(self, name: str, country_text: str) -> bool:
        country = self.country(country_text)
        return country is not None and country.pk == self.org.city.country_id and name_key(name) in self.own_names

    def city(self, name: str, country_text: str, geonameid: str = "") -> tuple[City | None, str, str, list]:
        """(city, reason, message, candidates); reason is "" when resolved."""
        if str(geonameid or "").strip():
            city = places.find_city(int(geonameid)) if str(geonameid).strip().isdigit() else None
            if city is None:
                return None, "no_city", _("No city has the GeoNames id %(id)s.") % {"id": geonameid}, []
            return city, "", "", []
        if not name.strip():
            return None, "bad_value", _("The city is empty."), []
        country = self.country(country_text)
        if country is None:
            return None, "unknown_country", _("Unknown country “%(country)s”.") % {"country": country_text}, []
        key = (name_key(name), country.pk)
        if key not in self.cities:
            self.cities[key] = places.cities_named(name, country)
        primary, alternate = self.cities[key]
        matches = primary or alternate
        if len(matches) == 1:
            return matches[0], "", "", []
        if matches:
            return None, "ambiguous", _("Several cities in %(country)s are called “%(city)s”.") % {
                "country": country.name, "city": name}, matches[:10]
        return None, "no_city", _("No city in %(country)s is called “%(city)s” (cities of 15,000 people or "
                                  "more are known; a district or a smaller town is not).") % {
            "country": country.name, "city": name}, []


def _date(value) -> dt.date | None:
    if isinstance(value, dt.date):
        return value
    if name_key(str(value)) in UNKNOWN_DATE:
        return None
    return parse_date(str(value), "en")


def layout_of(rows: list[dict]) -> str:
    header = set(rows[0]) if rows else set()
    if set(PAIR_COLUMNS) <= header:
        return "pairs"
    if "city" in header or "geonameid" in header:
        return "partners"
    raise bad_file(_("The file's first row must name its columns: city and country (or geonameid), optionally "
                     "kind, state, signed_on; or city1, country1, city2, country2 for a list of pairs."))


def preview(*, org, content: bytes, file_format: str, default_kind: str = PartnershipKind.SISTER_CITY,
            default_state: str = PartnershipState.ACTIVE) -> Preview:
    rows = read_rows(content, file_format)
    layout = layout_of(rows)
    result = Preview(layout=layout, columns=list(rows[0]) if rows else [])
    resolver = _Resolver(org)
    kinds, states = _choices(PartnershipKind), _choices(PartnershipState)
    open_cities = set(Partnership.objects.filter(org=org).exclude(state="ended").values_list("city_id", flat=True))
    ended = set(Partnership.objects.filter(org=org, state="ended").values_list("city_id", "signed_on"))
    seen: set[tuple] = set()
    for line, row in enumerate(rows, start=2):
        def problem(reason, message, candidates=(), bucket=None, row=row, line=line):
            (bucket if bucket is not None else result.unresolved).append(
                Problem(line, row, reason, message, list(candidates)))

        if layout == "pairs":
            first = resolver.is_own(row.get("city1", ""), row.get("country1", ""))
            second = resolver.is_own(row.get("city2", ""), row.get("country2", ""))
            if first == second:
                problem("own_city" if first else "not_ours",
                        (_("Both cities are %(city)s.") if first else _("Neither city is %(city)s."))
                        % {"city": org.city.name}, bucket=result.skipped)
                continue
            side = "2" if first else "1"
            name, country, geonameid = row.get(f"city{side}", ""), row.get(f"country{side}", ""), ""
        else:
            name, country, geonameid = row.get("city", ""), row.get("country", ""), row.get("geonameid", "")
        city, reason, message, candidates = resolver.city(str(name), str(country), str(geonameid))
        if city is None:
            problem(reason, message, candidates, result.ambiguous if reason == "ambiguous" else None)
            continue
        if city.pk == org.city_id:
            problem("own_city", _("This is the office's own city."))
            continue
        kind = kinds.get(name_key(str(row.get("kind") or "")), None) if row.get("kind") else default_kind
        state = states.get(name_key(str(row.get("state") or "")), None) if row.get("state") else default_state
        if kind is None or state is None:
            problem("bad_value", _("Unknown kind “%(value)s”.") % {"value": row.get("kind")} if kind is None
                    else _("Unknown state “%(value)s”.") % {"value": row.get("state")})
            continue
        try:
            dates = {name: _date(row.get(name, "")) for name in ("proposed_on", "signed_on", "ended_on")}
        except DateParseError as exc:
            problem("bad_value", str(exc))
            continue
        why = agreement_problem(state=state, signed_on=dates["signed_on"], ended_on=dates["ended_on"])
        if why:
            problem("bad_value", why)
            continue
        ready = Ready(line, city, kind, state, **dates,
                      council_resolution_number=str(row.get("council_resolution_number") or "")[:50],
                      notes=str(row.get("notes") or ""), partner_head=_head(row))
        identity = (city.pk, dates["signed_on"]) if state == PartnershipState.ENDED else (city.pk,)
        if identity in seen:
            problem("duplicate", _("%(city)s is on an earlier row already.") % {"city": city.name},
                    bucket=result.skipped)
            continue
        seen.add(identity)
        if (identity in ended) if state == PartnershipState.ENDED else (city.pk in open_cities):
            result.existing.append(ready)
        else:
            result.ready.append(ready)
    return result


def preview_of(batch) -> Preview:
    """The preview of a stored import, worked out again from the file and today's records."""
    return preview(org=batch.org, content=bytes(batch.content), file_format=batch.file_format,
                   default_kind=batch.default_kind, default_state=batch.default_state)


def unresolved_rows(result: Preview) -> tuple[list[str], list[dict]]:
    """The rows to fix, as they were in the file, with the reason and any candidates (GeoNames ids
    to copy into a geonameid column) added."""
    columns = [*result.columns, "reason", "candidates"]
    rows = [{**p.row, "reason": p.message,
             "candidates": "; ".join(f"{c.geonameid} {c.name_en} ({c.admin1_code}, {c.population})"
                                     for c in p.candidates)}
            for p in result.to_fix]
    return columns, rows


def _head(row: dict) -> dict:
    """The partner's head from the partner_head_<language> columns (content languages only, at most
    300 characters each, as the form allows)."""
    return {lang: str(row.get(HEAD_PREFIX + lang) or "").strip()[:300] for lang in settings.CONTENT_LANGUAGES
            if str(row.get(HEAD_PREFIX + lang) or "").strip()}


def export_rows(partnerships) -> list[dict]:
    """The org's partnerships in the import's own columns: exporting and importing again round-trips."""
    return [{"geonameid": p.city_id, "city": p.city.name_en, "country": p.city.country_id, "kind": p.kind,
             "state": p.state, "proposed_on": p.proposed_on, "signed_on": p.signed_on, "ended_on": p.ended_on,
             "council_resolution_number": p.council_resolution_number, "notes": p.notes,
             **{HEAD_PREFIX + lang: text for lang, text in (p.partner_head or {}).items()}}
            for p in partnerships]


def export_columns(rows: list[dict]) -> list[str]:
    """The import's columns, and a partner_head_<language> column for each language a head is written in."""
    used = {key for row in rows for key in row if key.startswith(HEAD_PREFIX)}
    return [*COLUMNS, *(HEAD_PREFIX + lang for lang in settings.CONTENT_LANGUAGES if HEAD_PREFIX + lang in used)]
