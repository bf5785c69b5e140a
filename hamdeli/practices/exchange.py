"""Import and export of practices as JSON or CSV, and the public feed. An import is all or nothing:
every row is checked, every problem reported by row, and nothing is saved unless every row is good."""

import csv
import datetime as dt
import io
import json
import logging
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hamdeli.core import spreadsheet
from hamdeli.core.errors import ServiceError, ValidationFailed
from hamdeli.partners import selectors as partners
from hamdeli.places import selectors as places
from hamdeli.practices import services

LOCALIZED = ("title", "summary", "body", "results", "note")
SCALARS = ("crisis", "phase", "instrument", "started_on", "ended_on", "cost", "cost_currency", "contact_name",
           "contact_email", "visibility", "network")
MAX_ROWS = 5000
logger = logging.getLogger(__name__)


def _row(p, *, public: bool) -> dict:
    row = {"id": str(p.public_id), "city_geonameid": p.city_id, "city": p.city.name_en,
           **{name: getattr(p, name) for name in LOCALIZED}, "topics": p.topics, "links": p.links,
           "crisis": p.crisis, "phase": p.phase, "instrument": p.instrument,
           "started_on": p.started_on.isoformat() if p.started_on else None,
           "ended_on": p.ended_on.isoformat() if p.ended_on else None,
           "cost": str(p.cost) if p.cost is not None else None, "cost_currency": p.cost_currency,
           "contact_name": p.contact_name}
    if public:
        row["org"] = p.org.slug
    else:
        row.update(contact_email=p.contact_email, visibility=p.visibility,
                   network=p.network.slug if p.network_id else None)
    return row


def export(practices, fmt: str, *, public: bool = False) -> tuple[str, str]:
    rows = [_row(p, public=public) for p in practices.select_related("city", "org", "network")]
    if fmt == "json":
        return json.dumps({"practices": rows}, ensure_ascii=False, indent=1), "application/json; charset=utf-8"
    langs = [code for code in settings.CONTENT_LANGUAGES if any(code in r[f] for r in rows for f in LOCALIZED)]
    columns = ["city_geonameid", *[f"{f}_{code}" for f in LOCALIZED for code in langs], "topics", "links",
               *[s for s in SCALARS if s in (rows[0] if rows else {"visibility": 1, "network": 1, **dict.fromkeys(
                   SCALARS)})]]
    out = io.StringIO()
    writer = spreadsheet.DictWriter(out, fieldnames=columns, extrasaction="ignore")
    writer.writeheader()
    for r in rows:
        flat = {**r, "topics": ";".join(r["topics"]), "links": " ".join(r["links"])}
        for f in LOCALIZED:
            for code in langs:
                flat[f"{f}_{code}"] = r[f].get(code, "")
        writer.writerow(flat)
    return out.getvalue(), "text/csv; charset=utf-8"


def _from_csv(content: str) -> list[dict]:
    rows = []
    for raw in spreadsheet.DictReader(io.StringIO(content.lstrip("\ufeff"))):
        row: dict[str, Any] = {name: {} for name in LOCALIZED}
        for key, value in raw.items():
            key = (key or "").strip()
            field, _sep, lang = key.rpartition("_")
            if field in LOCALIZED and value:
                row[field][lang] = value
            elif key == "topics":
                row["topics"] = [t.strip() for t in (value or "").split(";") if t.strip()]
            elif key == "links":
                row["links"] = (value or "").split()
            elif key in (*SCALARS, "city_geonameid") and value not in (None, ""):
                row[key] = value
        rows.append(row)
    return rows


def _parse(content: str, fmt: str) -> list[dict]:
    try:
        if fmt == "csv":
            return _from_csv(content)
        data = json.loads(content)
    except (ValueError, csv.Error):
        raise ValidationFailed(_("The file could not be read as %(fmt)s.") % {"fmt": fmt.upper()}) from None
    rows = data.get("practices") if isinstance(data, dict) else data
    if not isinstance(rows, list) or not all(isinstance(r, dict) for r in rows):
        raise ValidationFailed(_("Give a list of practices (or an object with a \"practices\" list)."))
    return rows


def _prepare(row: dict) -> dict:
    data = {k: v for k, v in row.items() if k in (*LOCALIZED, *SCALARS, "topics", "links")}
    if row.get("city_geonameid") not in (None, ""):
        try:
            data["city"] = places.find_city(int(row["city_geonameid"])) or "unknown"
        except (TypeError, ValueError):
            data["city"] = "unknown"
    if data.get("network"):
        data["network"] = partners.network_by_slug(data["network"])
    for name in ("started_on", "ended_on"):
        if data.get(name):
            try:
                data[name] = dt.date.fromisoformat(str(data[name]))
            except ValueError:
                data[name] = "invalid-date"
    return data


@dataclass
class Imported:
    """An import's result: the practices created, in the file's order, and whether their embeddings are
    stored ("done": found by meaning at once) or left to the background worker ("queued")."""
    practices: list
    embeddings: str


def import_practices(*, org, actor, content: str, format: str = "json") -> Imported:  # noqa: A002
    """Create every practice in the file, or none (`_create_all`), then embed them: here when the import is
    small (`IMPORT_EMBED_INLINE` rows), so they are searchable by meaning as soon as the import answers even
    with no worker running; in the background worker when it is larger, or when embedding here failed.
    The vectors are computed after the rows' transaction, so the write lock is not held meanwhile. The
    embedding job is enqueued with the rows in every case: should this process die before its vectors are
    stored, the worker stores them (it embeds only what is still missing: after a small import, nothing)."""
    created = _create_all(org=org, actor=actor, content=content, format=format)
    if len(created) <= settings.IMPORT_EMBED_INLINE:
        try:
            services.embed_missing(only=created)
        except Exception:  # noqa: BLE001 (the rows are saved; the worker retries the embedding)
            logger.exception("embedding %s imported practices failed; left to the worker", len(created))
        else:
            return Imported(created, "done")
    return Imported(created, "queued")


@transaction.atomic
def _create_all(*, org, actor, content: str, format: str) -> list:  # noqa: A002
    """Create every practice in the file, or none: a 422 lists each bad row's problems as "row N: field"."""
    rows = _parse(content, format)
    if not rows:
        raise ValidationFailed(_("The file has no practices."))
    if len(rows) > MAX_ROWS:
        raise ValidationFailed(_("At most %(n)s practices per import.") % {"n": MAX_ROWS})
    created, problems = [], {}
    for number, row in enumerate(rows, start=1):
        data = _prepare(row)
        bad_dates = [n for n in ("started_on", "ended_on") if data.get(n) == "invalid-date"]
        if bad_dates:
            for name in bad_dates:
                problems[f"row {number}: {name}"] = _("Enter a date as YYYY-MM-DD.")
            continue
        try:
            created.append(services.create_practice(org=org, actor=actor, embed=False, **data))
        except ServiceError as exc:
            for field, message in (exc.fields or {"__all__": exc.message}).items():
                problems[f"row {number}: {field}"] = message
    if problems:
        raise ValidationFailed(_("%(bad)s of %(total)s rows have problems; nothing was imported.") % {
            "bad": len({key.split(":")[0] for key in problems}), "total": len(rows)}, fields=problems)
    services.embed_in_background(org=org)  # on commit, with the rows (see import_practices)
    return created
