"""Import and export of partners and agreements over the API: upload a CSV or XLSX file, read its
preview, record it in one step, download the rows to fix; export in the same columns."""

import uuid
from typing import TYPE_CHECKING, Literal

from django.http import HttpResponse
from django.urls import reverse
from ninja import Field, File, Form, Status, UploadedFile

from hamdeli.core.boundary import Schema
from hamdeli.core.permissions import requires
from hamdeli.partners import imports, selectors, services, tables
from hamdeli.partners.api import Kind, State, router

if TYPE_CHECKING:  # the type checker reads the format as text; pydantic checks it against the list
    Format = str
else:
    Format = Literal[tuple(tables.FORMATS)]


class ImportRowOut(Schema):
    line: int
    city_geonameid: int
    city: str
    country: str
    kind: str
    state: str
    signed_on: str | None


class CandidateOut(Schema):
    geonameid: int
    name: str
    admin1_code: str
    population: int


class ImportProblemOut(Schema):
    line: int
    reason: str
    message: str
    row: dict
    candidates: list[CandidateOut]


class PartnerImportOut(Schema):
    id: uuid.UUID
    filename: str
    layout: str
    status: Literal["preview", "queued", "failed", "recorded"] = Field(description=(
        "preview: not recorded yet; queued: the worker records it (a long list; poll `status_url`); failed: "
        "the worker's last attempt failed (`error`; it tries again, or apply again); recorded: done"))
    status_url: str
    error: str
    applied: bool
    recorded: int
    ready: list[ImportRowOut]
    existing: list[ImportRowOut]
    ambiguous: list[ImportProblemOut]
    unresolved: list[ImportProblemOut]
    skipped: int


def _ready(r) -> dict:
    return {"line": r.line, "city_geonameid": r.city.geonameid, "city": r.city.name, "country": r.city.country_id,
            "kind": r.kind, "state": r.state, "signed_on": r.signed_on.isoformat() if r.signed_on else None}


def _problem(p) -> dict:
    return {"line": p.line, "reason": p.reason, "message": p.message,
            "row": {k: str(v) for k, v in p.row.items()},
            "candidates": [{"geonameid": c.geonameid, "name": c.name, "admin1_code": c.admin1_code,
                            "population": c.population} for c in p.candidates]}


def import_status(batch) -> str:
    if batch.applied_at is not None:
        return "recorded"
    if batch.error:
        return "failed"
    return "queued" if batch.queued_at else "preview"


def import_out(batch) -> dict:
    result = imports.preview_of(batch)
    return {"id": batch.public_id, "filename": batch.filename, "layout": result.layout,
            "status": import_status(batch), "error": batch.error,
            "status_url": reverse("api:get_import", kwargs={"public_id": batch.public_id}),
            "applied": batch.applied_at is not None, "recorded": batch.recorded,
            "ready": [] if batch.applied_at else [_ready(r) for r in result.ready],
            "existing": [_ready(r) for r in result.existing],
            "ambiguous": [_problem(p) for p in result.ambiguous],
            "unresolved": [_problem(p) for p in result.unresolved], "skipped": len(result.skipped)}


def _file(content: bytes, fmt: str, stem: str) -> HttpResponse:
    response = HttpResponse(content, content_type=tables.FORMATS[fmt])
    response["Content-Disposition"] = f'attachment; filename="{stem}.{fmt}"'
    return response


@router.post("/imports", response={201: PartnerImportOut}, operation_id="partners_import_start")
@requires("partners.edit")
def start_import(request, file: UploadedFile = File(...), kind: Kind = Form("sister_city"),  # noqa: B008
                 state: State = Form("active")):  # noqa: B008
    batch = services.start_import(org=request.org, actor=request.user, filename=file.name or "",
                                  content=file.read(tables.MAX_BYTES + 1), default_kind=kind, default_state=state)
    return Status(201, import_out(batch))


@router.get("/imports/{public_id}", response=PartnerImportOut, operation_id="partners_import_get")
@requires("partners.view")
def get_import(request, public_id: uuid.UUID):
    return import_out(selectors.partner_import(org=request.org, public_id=public_id))


@router.post("/imports/{public_id}/apply", response={200: PartnerImportOut, 202: PartnerImportOut},
             operation_id="partners_import_apply")
@requires("partners.edit")
def apply_import(request, public_id: uuid.UUID, response: HttpResponse):
    """Record the ready rows in one transaction: at once (200), or, for a list longer than
    `HAMDELI_PARTNERS_IMPORT_INLINE` rows, by the background worker (202, `Location` and `status_url` name
    the import to poll until its status is `recorded`)."""
    batch = selectors.partner_import(org=request.org, public_id=public_id)
    done = services.record_import(org=request.org, actor=request.user, batch=batch)
    out = import_out(selectors.partner_import(org=request.org, public_id=public_id))
    if done:
        return out
    response["Location"] = out["status_url"]
    return Status(202, out)


@router.get("/imports/{public_id}/unresolved", operation_id="partners_import_unresolved", response={200: None})
@requires("partners.view")
def import_unresolved(request, public_id: uuid.UUID):
    batch = selectors.partner_import(org=request.org, public_id=public_id)
    columns, rows = imports.unresolved_rows(imports.preview_of(batch))
    return _file(tables.write_rows(columns, rows, batch.file_format), batch.file_format, "unresolved")


@router.get("/export", operation_id="partners_export", response={200: None})
@requires("partners.view")
def export(request, format: Format = "csv"):  # noqa: A002 - the query parameter's name
    """Every partnership as a CSV or XLSX file in the import's own columns (it imports back)."""
    rows = imports.export_rows(selectors.partnerships_for_export(org=request.org))
    return _file(tables.write_rows(imports.export_columns(rows), rows, format), format, "partners")
