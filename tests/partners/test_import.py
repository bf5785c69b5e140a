"""Importing and exporting partners and agreements, with real sister-city pairs (tests/partners/data)."""

import datetime as dt
from pathlib import Path

import pytest

from hamdeli.core.errors import Conflict, ValidationFailed
from hamdeli.core.models import AuditEntry
from hamdeli.partners import imports, selectors, services, tables
from hamdeli.partners.models import PartnerImport, Partnership, PartnershipEvent
from hamdeli.places import services as places_services
from hamdeli.places.models import City
from hamdeli.places.services import import_cities, load_countries

SAMPLE = (Path(__file__).parent / "data" / "twin-cities-sample.csv").read_bytes()
# Isfahan's sister cities in the sample, by their GeoNames ids.
ISFAHAN_PARTNERS = {
    "Xi’an": 1790630, "Havana": 3553478, "Freiburg": 2925177, "Baalbek": 277130, "Dakar": 2253354,
    "Iaşi": 675810, "Kazan": 551487, "Kuala Lumpur": 1735161, "Lahore": 1172451, "Porto": 2735943,
    "Samarkand": 1216265,
}
COUNTRIES = ["IR", "CN", "CU", "DE", "LB", "SN", "RO", "RU", "MY", "PK", "PT", "UZ", "TR", "PS", "CZ", "IQ"]


_FIELDS: dict[str, list[dict]] = {}


def load_geonames(countries) -> None:
    """The real GeoNames cities (15,000 people or more) of these countries, as `hamdeli cities import`
    stores them; their fields are worked out once per test run (normalising every alternate name of
    thousands of cities takes seconds)."""
    load_countries()
    missing = [code for code in countries if code not in _FIELDS]
    if missing:
        raw = places_services._geonames(15000).values()
        for code in missing:
            _FIELDS[code] = [{"geonameid": int(r["geonameid"]), **places_services._city_fields(r)}
                             for r in raw if r["countrycode"] == code and int(r["population"] or 0) >= 15000]
    fields = [f for code in countries for f in _FIELDS[code]]
    City.objects.bulk_create([City(**f) for f in fields], update_conflicts=True, unique_fields=["geonameid"],
                             update_fields=[name for name in fields[0] if name != "geonameid"])


@pytest.fixture
def geonames(org):
    load_geonames(COUNTRIES)


def _start(org, officer, content=SAMPLE, filename="pairs.csv", **defaults):
    return services.start_import(org=org, actor=officer, filename=filename, content=content, **defaults)


def test_the_sample_of_real_pairs_resolves_exactly_isfahans_eleven(geonames, org, officer):
    result = imports.preview_of(_start(org, officer))
    assert result.layout == "pairs"
    assert {r.city.geonameid for r in result.ready} == set(ISFAHAN_PARTNERS.values())
    assert len(result.ready) == 11
    assert all(r.state == "active" and r.signed_on is None for r in result.ready)
    # 185 rows: Isfahan's 11, and the other offices' pairs skipped (not "unresolved")
    assert len(result.skipped) == 185 - 11
    assert {p.reason for p in result.skipped} == {"not_ours"}
    assert result.unresolved == [] and result.ambiguous == []


def test_recording_is_one_step_per_agreement_and_importing_again_adds_nothing(geonames, org, officer):
    count = services.apply_import(org=org, actor=officer, batch=_start(org, officer))
    assert count == 11
    kazan = Partnership.objects.get(org=org, city_id=551487)
    assert kazan.state == "active" and kazan.signed_on is None
    event = PartnershipEvent.objects.get(partnership=kazan)
    assert event.action == "record" and event.from_state == event.to_state == "active"
    assert AuditEntry.objects.filter(org=org, action="partnership.recorded").count() == 11
    # a standing partner with an unknown signing date has no (made-up) place in the signing order
    assert selectors.ordinal(kazan) is None

    again = _start(org, officer)
    assert imports.preview_of(again).ready == []
    assert len(imports.preview_of(again).existing) == 11
    assert services.apply_import(org=org, actor=officer, batch=again) == 0
    assert Partnership.objects.filter(org=org).count() == 11
    with pytest.raises(Conflict):
        services.apply_import(org=org, actor=officer, batch=again)


def test_the_other_office_sees_its_own_pairs_and_countries_by_common_name(geonames, org, officer):
    """Rows as another office would import them: Russia, Turkey, Czech Republic and Palestine resolve."""
    content = (
        b"city,country,state,signed_on\n"
        b"Kazan,Russia,signed,2016-05-02\n"
        b"Istanbul,Turkey,active,unknown\n"
        b"Prague,Czech Republic,active,\n"
        b"Gaza,Palestine,dormant,1395/02/10\n"
        b"Tabriz,IR,ended,2001-01-01\n"
        b"Wick,Czech Republic,,\n"
        b"Putuo (Shanghai),China,,\n"
        b"Springfield,Absurdistan,,\n"
        b"Isfahan,Iran,,\n"
        b"Kazan,RUS,,\n"
        b"Tehran,Iran,signed,2090-01-01\n"
        b"Mashhad,Iran,exploded,\n"
    )
    load_geonames(["CZ"])
    result = imports.preview_of(_start(org, officer, content))
    ready = {r.city.name_en: r for r in result.ready}
    assert set(ready) == {"Kazan", "Istanbul", "Prague", "Gaza", "Tabriz"}
    assert ready["Kazan"].signed_on == dt.date(2016, 5, 2) and ready["Kazan"].state == "signed"
    assert ready["Istanbul"].signed_on is None
    assert ready["Gaza"].signed_on == dt.date(2016, 4, 29)  # Jalali 1395/02/10
    reasons = {p.row["city"]: p.reason for p in result.unresolved}
    assert reasons == {"Wick": "no_city", "Putuo (Shanghai)": "no_city", "Springfield": "unknown_country",
                       "Isfahan": "own_city", "Tehran": "bad_value", "Mashhad": "bad_value"}
    assert [p.row["city"] for p in result.skipped] == ["Kazan"]  # the same city twice in one file
    assert "Absurdistan" in next(p.message for p in result.unresolved if p.row["city"] == "Springfield")


def test_an_ambiguous_name_lists_candidates_and_a_geonameid_settles_it(geonames, org, officer):
    content = b"city,country\nMercedes,Argentina\n"
    load_geonames(["AR"])
    result = imports.preview_of(_start(org, officer, content))
    assert [p.reason for p in result.ambiguous] == ["ambiguous"]
    candidates = result.ambiguous[0].candidates
    assert len(candidates) >= 2
    columns, rows = imports.unresolved_rows(result)
    assert columns[-2:] == ["reason", "candidates"]
    assert str(candidates[0].geonameid) in rows[0]["candidates"]

    chosen = candidates[0].geonameid
    fixed = imports.preview_of(_start(org, officer, f"geonameid,city,country\n{chosen},Mercedes,Argentina\n".encode()))
    assert [r.city.geonameid for r in fixed.ready] == [chosen]


def test_nothing_is_half_imported(geonames, org, officer, monkeypatch):
    batch = _start(org, officer)
    calls = []
    original = services.record_agreement

    def failing(**kwargs):
        calls.append(kwargs["city"])
        if len(calls) == 5:
            raise ValidationFailed("refused")
        return original(**kwargs)

    monkeypatch.setattr(services, "record_agreement", failing)
    with pytest.raises(ValidationFailed):
        services.apply_import(org=org, actor=officer, batch=batch)
    assert Partnership.objects.filter(org=org).count() == 0
    batch.refresh_from_db()
    assert batch.applied_at is None


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_round_trips_in_the_same_format(geonames, org, officer, other_org, fmt):
    services.record_agreement(
        org=org, actor=officer, city=City.objects.get(pk=1735161), state="ended", signed_on=dt.date(2001, 3, 4),
        ended_on=dt.date(2010, 1, 1),
        notes="=1+1 is text, not a formula", partner_head={"zh": "吉隆坡市长 某某", "en": "Mayor of Kuala Lumpur"})
    services.apply_import(org=org, actor=officer, batch=_start(org, officer))
    before = list(selectors.partnerships_for_export(org=org).values_list(
        "city_id", "kind", "state", "signed_on", "ended_on", "notes"))
    rows = imports.export_rows(selectors.partnerships_for_export(org=org))
    # a column for each language a partner's head is written in, and only those
    assert imports.export_columns(rows) == [*imports.COLUMNS, "partner_head_en", "partner_head_zh"]
    exported = tables.write_rows(imports.export_columns(rows), rows, fmt)

    # into the same office: everything is there already
    same = imports.preview_of(_start(org, officer, exported, filename=f"export.{fmt}"))
    assert same.ready == [] and len(same.existing) == len(before) == 12
    # into an empty office (Xi'an's): the same partnerships, field for field, except the office's own city
    batch = _start(other_org, None, exported, filename=f"export.{fmt}")
    services.apply_import(org=other_org, actor=None, batch=batch)
    after = list(selectors.partnerships_for_export(org=other_org).values_list(
        "city_id", "kind", "state", "signed_on", "ended_on", "notes"))
    assert sorted(after) == sorted(row for row in before if row[0] != other_org.city_id)
    heads = [(p.city_id, p.state, p.partner_head) for p in Partnership.objects.filter(org=other_org)
             if p.partner_head]
    assert heads == [(1735161, "ended", {"zh": "吉隆坡市长 某某", "en": "Mayor of Kuala Lumpur"})]


def test_unreadable_files_and_unknown_columns_are_refused_before_anything_is_kept(org, officer):
    for filename, content in [("list.txt", b"city\nX\n"), ("list.xlsx", b"not a zip"),
                              ("list.csv", b"name,land\nX,Y\n"), ("list.csv", "\ufeff".encode() + b""),
                              ("list.csv", b"\xff\xfe\x00bad")]:
        with pytest.raises(ValidationFailed):
            _start(org, officer, content, filename=filename)
    assert not PartnerImport.objects.filter(org=org).exists()


def test_cities_import_can_be_limited_to_some_countries(db):
    created, _updated = import_cities(countries=["LB"])
    assert created == City.objects.count() > 10
    assert set(City.objects.values_list("country_id", flat=True)) == {"LB"}
    baalbek = City.objects.get(pk=277130)
    assert "baalbek" in baalbek.alternate_names.split("\n") or baalbek.name_en == "Baalbek"


def test_the_page_previews_then_records_and_offers_the_rows_to_fix(geonames, org, officer_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    content = SAMPLE + b"Isfahan,Iran,Atlantis,Greece\n"
    response = officer_client.post("/partners/import/", {
        "file": SimpleUploadedFile("pairs.csv", content, content_type="text/csv"),
        "kind": "sister_city", "state": "active"})
    assert response.status_code == 302
    preview_url = response["Location"]
    page = officer_client.get(preview_url).content.decode()
    assert "قازان" in page  # Kazan, by its reviewed Persian name
    assert "Atlantis" in page and Partnership.objects.filter(org=org).count() == 0  # a preview writes nothing

    download = officer_client.get(preview_url + "unresolved/")
    assert download["Content-Type"].startswith("text/csv")
    lines = download.content.decode().splitlines()
    assert lines[0] == "city1,country1,city2,country2,reason,candidates"
    assert len(lines) == 2 and lines[1].startswith("Isfahan,Iran,Atlantis,Greece,")

    assert officer_client.post(preview_url + "record/").status_code == 302
    assert Partnership.objects.filter(org=org).count() == 11
    assert officer_client.post(preview_url + "record/").status_code == 409
    assert Partnership.objects.filter(org=org).count() == 11


def test_the_page_refuses_an_unreadable_file_with_a_message(org, officer_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    officer_client.cookies["hamdeli_language"] = "en"
    response = officer_client.post("/partners/import/", {
        "file": SimpleUploadedFile("pairs.xlsx", b"not a spreadsheet"), "kind": "sister_city", "state": "active"})
    assert response.status_code == 422
    assert "cannot be read as XLSX" in response.content.decode()
    assert not PartnerImport.objects.filter(org=org).exists()


def test_the_api_imports_an_xlsx_file_and_exports_the_same_columns(geonames, org, officer_api):
    import io

    from openpyxl import load_workbook

    rows = tables.read_rows(SAMPLE, "csv")
    xlsx = tables.write_rows(imports.PAIR_COLUMNS, rows, "xlsx")
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = officer_api.post("/api/v1/partners/imports", {
        "file": SimpleUploadedFile("pairs.xlsx", xlsx), "state": "signed"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert len(body["ready"]) == 11 and body["skipped"] == 174 and not body["applied"]
    assert {r["state"] for r in body["ready"]} == {"signed"}

    applied = officer_api.post(f"/api/v1/partners/imports/{body['id']}/apply")
    assert applied.status_code == 200 and applied.json()["recorded"] == 11

    exported = officer_api.get("/api/v1/partners/export", {"format": "xlsx"})
    sheet = load_workbook(io.BytesIO(exported.content)).active
    values = list(sheet.iter_rows(values_only=True))
    assert list(values[0]) == imports.COLUMNS
    assert {int(row[0]) for row in values[1:]} == set(ISFAHAN_PARTNERS.values())


def test_the_command_previews_and_records_only_when_asked(geonames, org, tmp_path, capsys):
    from hamdeli.cli import main

    path = tmp_path / "pairs.csv"
    path.write_bytes(SAMPLE)
    assert main(["partners", "import", str(path), "--org", "isfahan"]) == 0
    out = capsys.readouterr().out
    assert "11 ready to record" in out and "Nothing recorded" in out
    assert Partnership.objects.filter(org=org).count() == 0

    assert main(["partners", "import", str(path), "--org", "isfahan", "--record"]) == 0
    assert "11 agreement(s) recorded" in capsys.readouterr().out
    assert main(["partners", "import", str(path), "--org", "isfahan", "--record"]) == 0
    assert "0 agreement(s) recorded" in capsys.readouterr().out
    assert Partnership.objects.filter(org=org).count() == 11

    out_file = tmp_path / "partners.xlsx"
    assert main(["partners", "export", str(out_file), "--org", "isfahan"]) == 0
    assert "11 partnership(s)" in capsys.readouterr().out
    assert main(["partners", "import", str(path), "--org", "nobody"]) == 2
