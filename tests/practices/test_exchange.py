"""Import (JSON, CSV; all or nothing, with a per-row report), export, and the public feed."""

import json

import pytest
from django.utils import translation

from hamdeli.core.errors import ValidationFailed
from hamdeli.core.models import AuditEntry
from hamdeli.practices import exchange
from hamdeli.practices.models import Practice

pytestmark = pytest.mark.django_db

GOOD = {"title": {"en": "Bike lanes", "es": "Carriles bici"}, "topics": ["transport"], "phase": "recovery",
        "started_on": "2020-05-11", "links": ["https://example.org/bikes"]}


def test_json_import_creates_every_row(org, officer, cities):
    rows = [GOOD, {**GOOD, "title": {"zh": "健康码"}, "topics": ["digital"], "city_geonameid": cities["guangzhou"].pk}]
    created = exchange.import_practices(org=org, actor=officer, content=json.dumps(rows), format="json").practices
    assert len(created) == 2
    assert Practice.objects.get(title={"zh": "健康码"}).city == cities["guangzhou"]
    assert AuditEntry.objects.filter(action="practice.created").count() == 2


def test_one_bad_row_imports_nothing_and_names_every_problem(org, officer):
    rows = [GOOD, {"title": {}, "topics": ["transport"]}, {**GOOD, "topics": ["astrology"], "started_on": "2020-13-01"},
            {**GOOD, "city_geonameid": 999999999}]
    with pytest.raises(ValidationFailed) as caught, translation.override("en"):
        exchange.import_practices(org=org, actor=officer, content=json.dumps(rows), format="json")
    fields = caught.value.fields
    assert "row 2: title" in fields
    assert "row 3: started_on" in fields
    assert "row 4: city" in fields
    assert "3 of 4 rows" in caught.value.message
    assert Practice.objects.count() == 0
    assert AuditEntry.objects.filter(action="practice.created").count() == 0


def test_csv_import_reads_language_columns(org, officer):
    content = ("title_fa,title_en,summary_es,topics,links,phase\n"
               "ضدعفونی,Disinfection,Desinfección de calles,disinfection;transport,https://a.example,response\n")
    [p] = exchange.import_practices(org=org, actor=officer, content=content, format="csv").practices
    assert p.title == {"fa": "ضدعفونی", "en": "Disinfection"}
    assert p.summary == {"es": "Desinfección de calles"}
    assert p.topics == ["disinfection", "transport"]


def test_csv_bad_row_reports_its_number(org, officer):
    content = "title_en,topics\nGood one,education\n,education\n"
    with pytest.raises(ValidationFailed) as caught:
        exchange.import_practices(org=org, actor=officer, content=content, format="csv")
    assert "row 2: title" in caught.value.fields
    assert Practice.objects.count() == 0


def test_export_then_import_round_trips(org, officer, other_org, outsider, make_practice):
    make_practice(title={"en": "Round trip", "zh": "往返"}, summary={"es": "ida y vuelta"}, topics=["economy"])
    for fmt in ("json", "csv"):
        body, _type = exchange.export(Practice.objects.filter(org=org), fmt)
        [copy] = exchange.import_practices(org=other_org, actor=outsider, content=body, format=fmt).practices
        assert copy.title == {"en": "Round trip", "zh": "往返"}
        assert copy.summary == {"es": "ida y vuelta"}


def test_api_import_reports_422_with_row_fields(officer_api):
    response = officer_api.post("/api/v1/practices/import", {"format": "json", "content": json.dumps(
        [GOOD, {"title": {"xx": "bad language"}, "topics": ["transport"]}])}, content_type="application/json")
    assert response.status_code == 422
    body = response.json()
    assert body["error"] == "validation" and "row 2: title" in body["fields"]
    assert Practice.objects.count() == 0


def test_unreadable_file_is_a_clear_422(officer_api):
    response = officer_api.post("/api/v1/practices/import", {"format": "json", "content": "{not json"},
                                content_type="application/json")
    assert response.status_code == 422


def test_import_page_shows_the_row_report(officer_client):
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("p.csv", b"title_en,topics\nok,education\nbad,nonsense\n", "text/csv")
    response = officer_client.post("/practices/import/", {"file": upload})
    assert response.status_code == 422
    assert "row 2: topics" in response.content.decode()
    assert Practice.objects.count() == 0


def test_public_feed_lists_only_public_practices_without_private_fields(client, make_practice):
    make_practice(title={"en": "Open one"}, visibility="public", contact_email="x@example.org")
    make_practice(title={"en": "Closed one"}, visibility="private")
    make_practice(title={"en": "Partners one"}, visibility="partners")
    response = client.get("/api/v1/practices/public/feed")
    titles = [p["title"]["en"] for p in response.json()["practices"]]
    assert titles == ["Open one"]
    assert "contact_email" not in response.json()["practices"][0]
    assert client.get("/exchange/feed.json").json() == response.json()


@pytest.mark.django_db(transaction=True)
def test_bulk_import_computes_embeddings_in_the_background_after_commit(org, officer, settings):
    from django_tasks_db.models import DBTaskResult

    from hamdeli.core import jobs
    from hamdeli.practices.search.engine import search

    content = json.dumps([
        {"title": {"en": "Street disinfection with chlorine"}, "topics": ["disinfection"]},
        {"title": {"es": "Paquetes de comida para familias pobres"}, "topics": ["social_support"]},
        {"title": {"zh": "在线课堂"}, "topics": ["education"]},
    ])
    settings.IMPORT_EMBED_INLINE = 2  # three rows make a large import here
    result = exchange.import_practices(org=org, actor=officer, content=content)
    created = result.practices
    assert result.embeddings == "queued"
    # the import enqueued one job (for this office) and embedded nothing itself
    [queued] = DBTaskResult.objects.all()
    assert queued.status == "READY" and queued.args_kwargs["kwargs"]["office"] == str(org.public_id)
    assert Practice.objects.filter(embedding=None).count() == 3
    jobs.run_worker(once=True)  # `hamdeli worker --once`
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert not Practice.objects.filter(embedding=None).exists()
    # the vectors are the practices' own: a Persian question finds the Spanish food parcels by meaning
    hits = search(org=org, query="کمک غذایی به خانواده‌های فقیر", mode="semantic", limit=1).hits
    assert hits[0].practice.pk == created[1].pk


@pytest.mark.django_db(transaction=True)
def test_an_import_rolled_back_starts_no_embedding(org, officer):
    from django.db import transaction
    from django_tasks_db.models import DBTaskResult

    with pytest.raises(RuntimeError), transaction.atomic():
        exchange.import_practices(org=org, actor=officer, content=json.dumps(
            [{"title": {"en": "Never kept"}, "topics": ["education"]}]))
        raise RuntimeError("the caller's transaction fails after the import")
    assert not Practice.objects.exists() and not DBTaskResult.objects.exists()


def test_background_embedding_does_not_overwrite_a_vector_saved_meanwhile(org, officer, monkeypatch):
    from hamdeli.practices import services
    from hamdeli.practices.search import semantic

    p = services.create_practice(org=org, actor=officer, embed=False, title={"en": "Old text"}, topics=["education"])
    newer = b"\x01" * (384 * 4)
    real = semantic.embed_passages

    def embed_while_someone_edits(texts):
        Practice.objects.filter(pk=p.pk).update(embedding=newer)  # the officer's edit lands mid-batch
        return real(texts)

    monkeypatch.setattr(semantic, "embed_passages", embed_while_someone_edits)
    services.embed_missing()
    assert bytes(Practice.objects.get(pk=p.pk).embedding) == newer


def test_api_import_returns_the_created_ids(officer_api):
    second = dict(GOOD, title={"en": "A second practice"})
    response = officer_api.post("/api/v1/practices/import", {"format": "json", "content": json.dumps(
        [GOOD, second])}, content_type="application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["created"] == 2 and body["embeddings"] == "done"
    titles = [Practice.objects.get(public_id=i).title for i in body["ids"]]
    assert titles == [GOOD["title"], second["title"]]


def test_command_line_import_is_all_or_nothing(org, tmp_path, capsys):
    from hamdeli.cli import main

    good = tmp_path / "good.json"
    good.write_text(json.dumps([GOOD]), encoding="utf-8")
    assert main(["practices", "import", str(good), "--org", org.slug]) == 0
    [practice] = Practice.objects.filter(org=org)
    assert str(practice.public_id) in capsys.readouterr().out
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([GOOD, {"title": {"xx": "bad language"}}]), encoding="utf-8")
    assert main(["practices", "import", str(bad), "--org", org.slug]) == 2
    assert "row 2: title" in capsys.readouterr().out
    assert Practice.objects.filter(org=org).count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_small_api_import_is_found_by_meaning_at_once_with_no_worker(officer_api):
    """The import embeds a small file before it answers: semantic and hybrid search find the practices right
    after, although no worker runs. The job queued with the rows (in case this process died before storing
    the vectors) finds nothing left to embed."""
    from django_tasks_db.models import DBTaskResult

    rows = [{"title": {"es": "Paquetes de comida para familias pobres"}, "topics": ["social_support"]},
            {"title": {"en": "Street disinfection with chlorine"}, "topics": ["disinfection"]}]
    response = officer_api.post("/api/v1/practices/import", {"format": "json", "content": json.dumps(rows)},
                                content_type="application/json")
    assert response.status_code == 201 and response.json()["embeddings"] == "done"
    assert not Practice.objects.filter(embedding=None).exists()
    assert DBTaskResult.objects.get().status == "READY"  # the safety net, not needed this time
    food = response.json()["ids"][0]
    for mode in ("semantic", "hybrid"):
        found = officer_api.get("/api/v1/practices/practices", {"q": "کمک غذایی به خانواده‌های فقیر", "mode": mode})
        assert found.status_code == 200
        assert found.json()["hits"][0]["practice"]["id"] == food, mode
    from hamdeli.core import jobs

    jobs.run_worker(once=True)
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


@pytest.mark.django_db(transaction=True)
def test_when_embedding_in_the_request_fails_the_worker_does_it(org, officer, monkeypatch):
    from django_tasks_db.models import DBTaskResult

    from hamdeli.core import jobs
    from hamdeli.practices.search import semantic

    real = semantic.embed_passages
    monkeypatch.setattr(semantic, "embed_passages", lambda texts: (_ for _ in ()).throw(MemoryError()))
    result = exchange.import_practices(org=org, actor=officer, content=json.dumps([GOOD]))
    assert result.embeddings == "queued" and Practice.objects.get().embedding is None
    assert DBTaskResult.objects.get().status == "READY"
    monkeypatch.setattr(semantic, "embed_passages", real)
    jobs.run_worker(once=True)
    assert Practice.objects.get().embedding is not None
