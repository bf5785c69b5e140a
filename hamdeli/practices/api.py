"""Practices, search, "cities ahead", import/export and the public feed over JSON."""

import datetime as dt
import uuid
from typing import TYPE_CHECKING, Literal

from django.http import HttpResponse
from django.utils.translation import gettext as _
from ninja import File, Router, Status, UploadedFile
from pydantic import Field

from hamdeli.core import files
from hamdeli.core.boundary import Date, OneOf, Patch, PublicId, Schema
from hamdeli.core.errors import ValidationFailed
from hamdeli.core.pagination import next_url, paged
from hamdeli.core.permissions import PUBLIC, enforce, requires
from hamdeli.core.validation import invalid
from hamdeli.partners import selectors as partners
from hamdeli.places import selectors as places
from hamdeli.practices import exchange, selectors, services
from hamdeli.practices.models import Crisis, Instrument, Phase, Topic, Visibility
from hamdeli.practices.search.engine import MODES, Filters, candidates, search

if TYPE_CHECKING:  # the type checker reads a search mode as text; pydantic checks it against MODES
    Mode = str
else:
    Mode = Literal[MODES]

router = Router(tags=["practices"])
Localized = dict[str, str]


class PracticeOut(Schema):
    id: PublicId
    org: str
    own: bool
    city_geonameid: int = Field(..., validation_alias="city_id")
    city_name_en: str
    country: str
    title: Localized
    summary: Localized
    body: Localized
    results: Localized
    note: Localized
    crisis: str
    phase: str
    topics: list[str]
    instrument: str
    started_on: dt.date | None
    ended_on: dt.date | None
    cost: float | None
    cost_currency: str
    contact_name: str
    contact_email: str
    links: list[str]
    visibility: str
    network: str | None
    languages: list[str]
    archived_at: dt.datetime | None = None

    @staticmethod
    def resolve_org(p) -> str:
        return p.org.slug

    @staticmethod
    def resolve_own(p, context) -> bool:
        org = getattr((context or {}).get("request"), "org", None)
        return org is not None and p.org_id == org.pk

    @staticmethod
    def resolve_city_name_en(p) -> str:
        return p.city.name_en

    @staticmethod
    def resolve_country(p) -> str:
        return p.city.country_id

    @staticmethod
    def resolve_cost(p) -> float | None:
        return float(p.cost) if p.cost is not None else None

    @staticmethod
    def resolve_network(p) -> str | None:
        return p.network.slug if p.network_id else None

    @staticmethod
    def resolve_languages(p) -> list[str]:
        return p.languages.split()


class PracticeIn(Schema):
    title: Localized
    summary: Localized = {}
    body: Localized = {}
    results: Localized = {}
    note: Localized = {}
    city_geonameid: int | None = None
    crisis: OneOf[Crisis] = Crisis.COVID19.value
    phase: OneOf[Phase] = Phase.RESPONSE.value
    topics: list[OneOf[Topic]] = Field(..., min_length=1)
    instrument: OneOf[Instrument] = Instrument.SERVICE.value
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    cost: float | None = Field(None, ge=0)
    cost_currency: str = Field("", max_length=3)
    contact_name: str = Field("", max_length=200)
    contact_email: str = Field("", max_length=254)
    links: list[str] = []
    visibility: OneOf[Visibility] = Visibility.PRIVATE.value
    network: str | None = None


class PracticePatch(Schema):
    title: Patch[Localized] = None
    summary: Patch[Localized] = None
    body: Patch[Localized] = None
    results: Patch[Localized] = None
    note: Patch[Localized] = None
    city_geonameid: Patch[int] = None
    crisis: Patch[OneOf[Crisis]] = None
    phase: Patch[OneOf[Phase]] = None
    topics: Patch[list[OneOf[Topic]]] = None
    instrument: Patch[OneOf[Instrument]] = None
    started_on: dt.date | None = None
    ended_on: dt.date | None = None
    cost: float | None = Field(None, ge=0)
    cost_currency: Patch[str] = Field(None, max_length=3)
    contact_name: Patch[str] = Field(None, max_length=200)
    contact_email: Patch[str] = Field(None, max_length=254)
    links: Patch[list[str]] = None
    visibility: Patch[OneOf[Visibility]] = None
    network: str | None = None


class HitOut(Schema):
    practice: PracticeOut
    score: float
    snippet: str
    sources: list[str]


class SearchOut(Schema):
    engine: str
    mode: str
    hits: list[HitOut]
    facets: dict[str, list[tuple[str, int]]]
    facets_over: int = Field(0, description="how many of the best results the facets count (more than `limit`)")
    found: int = Field(0, description="results ranked in all; page with `offset` while offset + limit < found")
    offset: int = 0
    next: str | None = Field(None, description="the next page's URL, or null on the last page")


class ImpactIn(Schema):
    crisis: OneOf[Crisis]
    hit_on: dt.date
    city_geonameid: int | None = None
    note: str = Field("", max_length=500)


class ImpactOut(Schema):
    id: PublicId
    crisis: str
    hit_on: dt.date
    city_geonameid: int = Field(..., validation_alias="city_id")
    note: str


class AheadOut(Schema):  # from a row (practice, days ahead) of selectors.cities_ahead
    days_ahead: int
    practice: PracticeOut

    @staticmethod
    def resolve_days_ahead(row) -> int:
        return row[1]

    @staticmethod
    def resolve_practice(row):
        return row[0]


class QuestionOut(Schema):
    id: PublicId
    practice: uuid.UUID
    name: str
    email: str
    message: str
    created_at: dt.datetime
    read: bool

    @staticmethod
    def resolve_practice(q) -> uuid.UUID:
        return q.practice.public_id

    @staticmethod
    def resolve_read(q) -> bool:
        return q.read_at is not None


class PracticeAttachmentOut(Schema):
    id: PublicId
    name: str
    content_type: str
    size: int

    @staticmethod
    def resolve_size(a) -> int:
        try:
            return a.file.size
        except OSError:  # the stored file is missing: say so by its size rather than fail the listing
            return 0


class ImportIn(Schema):
    format: Literal["json", "csv"] = "json"
    content: str = Field(..., max_length=20_000_000)


class PracticeImportOut(Schema):
    created: int
    ids: list[uuid.UUID] = Field(description="The public ids of the created practices, in the file's order")
    embeddings: Literal["done", "queued"] = Field(description=(
        "done: the practices are found by meaning (semantic and hybrid search) at once; queued: a larger "
        "import, embedded by the background worker (`hamdeli worker`), found by keyword until then"))


def _resolve(data: dict) -> dict:
    """API names → service values: the city by GeoNames id, the network by slug."""
    if "city_geonameid" in data:
        gid = data.pop("city_geonameid")
        if gid is not None:
            data["city"] = places.find_city(gid) or "unknown"
    if "network" in data:
        slug = data["network"]
        data["network"] = partners.network_by_slug(slug)
        if slug and data["network"] is None:
            raise invalid("network", _("Unknown network."))
    return data


@router.get("/practices", response=SearchOut, operation_id="practices_search")
@requires("practices.view")
def search_practices(request, q: str = "", mode: Mode = "hybrid", topic: str = "", country: str = "",
                     language: str = "", phase: str = "", instrument: str = "", crisis: str = "",
                     date_from: Date | None = None, date_to: Date | None = None, limit: int = 20,
                     offset: int = 0, archived: bool = False):
    """Search the practices you may see (keyword, semantic or hybrid), or list them.

    Archived practices are left out; `archived=true` (owners) searches or lists your archived ones instead."""
    if archived:
        enforce(request, "practices.restore")
    filters = Filters(topic, country, language, phase, instrument, crisis, date_from, date_to, archived)
    if not q.strip():  # no words: the practices the filters leave, newest first
        qs = candidates(request.org, filters).select_related("city", "org", "network")
        offset, limit = min(max(offset, 0), 1_000_000), min(max(limit, 1), 200)
        found = qs.count()
        return {"engine": "", "mode": "list", "facets": {}, "found": found, "offset": offset,
                "next": next_url(request, offset + limit) if offset + limit < found else None, "hits": [
                    {"practice": p, "score": 0, "snippet": "", "sources": []}
                    for p in qs[offset:offset + limit]]}
    limit = min(max(limit, 1), 100)
    found = search(org=request.org, query=q[:500], filters=filters, mode=mode, limit=limit, offset=offset)
    hits = [{"practice": h.practice, "score": h.score,
             "snippet": h.snippet.replace("\x02", "[").replace("\x03", "]"), "sources": list(h.sources)}
            for h in found.hits]
    more = found.offset + limit < found.found
    return {"engine": found.engine, "mode": found.mode, "facets": found.facets, "facets_over": found.facets_over,
            "found": found.found, "offset": found.offset, "hits": hits,
            "next": next_url(request, found.offset + limit) if more else None}


@router.post("/practices", response={201: PracticeOut}, operation_id="practices_create")
@requires("practices.edit")
def create_practice(request, payload: PracticeIn):
    """Share a practice."""
    data = _resolve(payload.dict())
    if data.get("city") is None:
        data.pop("city", None)
    p = services.create_practice(org=request.org, actor=request.user, **data)
    return Status(201, p)


@router.get("/practices/{public_id}", response=PracticeOut, operation_id="practices_get")
@requires("practices.view")
def get_practice(request, public_id: uuid.UUID):
    """One practice."""
    return selectors.practice(org=request.org, public_id=public_id)


@router.patch("/practices/{public_id}", response=PracticeOut, operation_id="practices_update")
@requires("practices.edit")
def update_practice(request, public_id: uuid.UUID, payload: PracticePatch):
    """Change one of your practices."""
    practice = selectors.own_practice(org=request.org, public_id=public_id)
    data = _resolve(payload.dict(exclude_unset=True))
    return services.update_practice(org=request.org, actor=request.user, practice=practice, **data)


@router.delete("/practices/{public_id}", response={204: None}, operation_id="practices_delete")
@requires("practices.edit")
def delete_practice(request, public_id: uuid.UUID):
    """Refused: a practice is archived, not deleted (409 `archive_instead`; see `…/archive`)."""
    services.delete_practice(org=request.org, actor=request.user,
                             practice=selectors.own_practice(org=request.org, public_id=public_id))
    return Status(204, None)


@router.post("/practices/{public_id}/archive", response=PracticeOut, operation_id="practices_archive")
@requires("practices.edit")
def archive_practice(request, public_id: uuid.UUID):
    """Archive one of your practices: hidden from lists, searches, partners and the exchange; kept with its history."""
    practice = selectors.own_practice(org=request.org, public_id=public_id)
    return services.archive_practice(org=request.org, actor=request.user, practice=practice)


@router.post("/practices/{public_id}/restore", response=PracticeOut, operation_id="practices_restore")
@requires("practices.restore")
def restore_practice(request, public_id: uuid.UUID):
    """Bring one of your archived practices back (owners)."""
    practice = selectors.own_practice(org=request.org, public_id=public_id)
    return services.restore_practice(org=request.org, actor=request.user, practice=practice)


@router.get("/practices/{public_id}/attachments", response=list[PracticeAttachmentOut],
            operation_id="practices_attachments")
@paged
@requires("practices.view")
def list_attachments(request, public_id: uuid.UUID):
    """A practice's attached files."""
    practice = selectors.practice(org=request.org, public_id=public_id)
    return selectors.attachments(practice)


@router.post("/practices/{public_id}/attachments", response={201: PracticeAttachmentOut},
             operation_id="practices_attachment_upload")
@requires("practices.edit")
def upload_attachment(request, public_id: uuid.UUID, file: UploadedFile = File(...)):  # noqa: B008
    """Attach a file to one of your practices."""
    practice = selectors.own_practice(org=request.org, public_id=public_id)
    return Status(201, services.add_attachment(org=request.org, actor=request.user, practice=practice, upload=file))


@router.get("/practices/{public_id}/attachments/{attachment_id}", operation_id="practices_attachment_download")
@requires("practices.view")
def download_attachment(request, public_id: uuid.UUID, attachment_id: uuid.UUID):
    """Download a practice's attachment."""
    practice = selectors.practice(org=request.org, public_id=public_id)
    a = selectors.attachment(practice=practice, public_id=attachment_id)
    return files.serve(a.file, name=a.name, content_type=a.content_type)


@router.delete("/practices/{public_id}/attachments/{attachment_id}", response={204: None},
               operation_id="practices_attachment_remove")
@requires("practices.edit")
def remove_attachment(request, public_id: uuid.UUID, attachment_id: uuid.UUID):
    """Remove an attachment from one of your practices."""
    practice = selectors.own_practice(org=request.org, public_id=public_id)
    services.remove_attachment(org=request.org, actor=request.user,
                               attachment=selectors.attachment(practice=practice, public_id=attachment_id))
    return Status(204, None)


@router.get("/impacts", response=list[ImpactOut], operation_id="practices_impacts")
@paged
@requires("practices.view")
def list_impacts(request):
    """When each city was hit by a crisis, as your office recorded it."""
    return selectors.impacts(org=request.org)


@router.post("/impacts", response=ImpactOut, operation_id="practices_impact_record")
@requires("practices.edit")
def record_impact(request, payload: ImpactIn):
    """Record when a crisis reached a city."""
    data = _resolve(payload.dict())
    if data.get("city") == "unknown":
        raise ValidationFailed(_("Unknown city."), fields={"city_geonameid": _("No city has this GeoNames id.")})
    return services.record_impact(org=request.org, actor=request.user, **data)


@router.get("/ahead", response=list[AheadOut], operation_id="practices_ahead")
@paged
@requires("practices.view")
def cities_ahead(request, crisis: OneOf[Crisis] = "covid19", topic: str = ""):
    """Practices of the cities the crisis reached before yours, furthest ahead first."""
    return selectors.cities_ahead(org=request.org, crisis=crisis, topic=topic or None)


@router.get("/questions", response=list[QuestionOut], operation_id="practices_questions")
@paged
@requires("practices.view")
def questions(request):
    """Questions other cities' visitors asked about your practices."""
    return selectors.questions(org=request.org)


@router.get("/export", operation_id="practices_export")
@requires("practices.view")
def export(request, format: Literal["json", "csv"] = "json"):  # noqa: A002
    """Your practices as JSON or CSV."""
    body, content_type = exchange.export(selectors.own_practices(org=request.org), format)
    return HttpResponse(body, content_type=content_type)


@router.post("/import", response={201: PracticeImportOut}, operation_id="practices_import")
@requires("practices.edit")
def import_practices(request, payload: ImportIn):
    """Import practices from JSON or CSV (all or nothing). An import of at most `HAMDELI_IMPORT_EMBED_INLINE`
    (100) practices is embedded before the answer, so semantic and hybrid search find them at once."""
    result = exchange.import_practices(org=request.org, actor=request.user, content=payload.content,
                                       format=payload.format)
    return Status(201, {"created": len(result.practices), "ids": [p.public_id for p in result.practices],
                        "embeddings": result.embeddings})


@router.get("/public/feed", auth=None, operation_id="practices_public_feed")
@requires(PUBLIC)
def public_feed(request):
    """The public practices as a JSON feed (no sign-in)."""
    body, content_type = exchange.export(selectors.visible_practices(None).select_related("city", "org"), "json",
                                         public=True)
    return HttpResponse(body, content_type=content_type)
