"""Creating and editing practices over the API and pages: validation, audit, attachments."""

import pytest

from hamdeli.core.models import AuditEntry
from hamdeli.practices.models import Practice
from tests.sample_files import pdf_bytes

pytestmark = pytest.mark.django_db
URL = "/api/v1/practices/practices"


def test_create_in_several_languages_with_audit(officer_api, cities):
    response = officer_api.post(URL, {
        "title": {"fa": "آموزش", "zh": "教育", "es": "Educación"}, "topics": ["education"], "instrument": "programme",
        "city_geonameid": cities["barcelona"].pk, "cost": 1200.5, "cost_currency": "EUR"},
        content_type="application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["languages"] == ["es", "fa", "zh"] and body["city_name_en"] == "Barcelona"
    p = Practice.objects.get(public_id=body["id"])
    assert p.embedding is not None and len(p.embedding) == 384 * 4
    assert AuditEntry.objects.filter(action="practice.created", object_id=body["id"]).exists()


@pytest.mark.parametrize(("payload", "field"), [
    ({"title": {}, "topics": ["education"]}, "title"),
    ({"title": {"xx": "?"}, "topics": ["education"]}, "title"),
    ({"title": {"en": "x"}, "topics": []}, "topics"),
    ({"title": {"en": "x"}, "topics": ["astrology"]}, "topics.0"),
    ({"title": {"en": "x"}, "topics": ["education"], "links": ["javascript:alert(1)"]}, "links"),
    ({"title": {"en": "x"}, "topics": ["education"], "city_geonameid": 1}, "city"),
    ({"title": {"en": "x"}, "topics": ["education"], "started_on": "2020-05-01", "ended_on": "2020-04-01"},
     "ended_on"),
    ({"title": {"en": "x"}, "topics": ["education"], "visibility": "network"}, "network"),
    ({"title": {"en": "x"}, "topics": ["education"], "visibility": "network", "network": ""}, "network"),
    ({"title": {"en": "x"}, "topics": ["education"], "network": "no-such-network"}, "network"),
    ({"title": {"en": "x"}, "topics": ["education"], "cost_currency": "E1"}, "cost_currency"),
])
def test_bad_input_is_a_422_naming_the_field(officer_api, payload, field):
    response = officer_api.post(URL, payload, content_type="application/json")
    assert response.status_code == 422, response.content
    assert field in response.json()["fields"]
    assert Practice.objects.count() == 0


def test_update_keeps_other_languages_and_records_before_after(officer_api, make_practice):
    p = make_practice(title={"en": "Old", "zh": "旧"})
    response = officer_api.patch(f"{URL}/{p.public_id}", {"title": {"en": "New", "zh": "新"}},
                                 content_type="application/json")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(action="practice.updated")
    assert entry.before["title"] == {"en": "Old", "zh": "旧"} and entry.after["title"]["zh"] == "新"


def test_page_edit_keeps_languages_the_form_does_not_show(officer_client, make_practice):
    p = make_practice(title={"en": "Old", "zh": "旧"})
    response = officer_client.post(f"/practices/{p.public_id}/edit/", {
        "title_fa": "تازه", "title_en": "New", "crisis": "covid19", "phase": "response", "topics": ["education"],
        "instrument": "service", "visibility": "private"})
    assert response.status_code == 302
    p.refresh_from_db()
    assert p.title == {"zh": "旧", "fa": "تازه", "en": "New"}


def test_page_form_errors_rerender_with_422(officer_client):
    response = officer_client.post("/practices/new/", {"title_en": "", "topics": []})
    assert response.status_code == 422
    assert Practice.objects.count() == 0


def test_attachment_type_is_checked_from_content(officer_client, make_practice):
    from django.core.files.uploadedfile import SimpleUploadedFile

    p = make_practice()
    fake = SimpleUploadedFile("evil.pdf", b"MZ\x90\x00 not a pdf", "application/pdf")
    assert officer_client.post(f"/practices/{p.public_id}/attachments/", {"file": fake}).status_code == 422
    real = SimpleUploadedFile("report.pdf", pdf_bytes(b"report"), "application/pdf")
    assert officer_client.post(f"/practices/{p.public_id}/attachments/", {"file": real}).status_code == 302
    attachment = p.attachments.get()
    assert officer_client.get(f"/practices/{p.public_id}/attachments/{attachment.public_id}/").status_code == 200


def test_on_behalf_practice_says_who_recorded_it(officer_client, make_practice, cities):
    p = make_practice(title={"en": "Wuhan-style spraying"}, city=cities["guangzhou"])
    assert p.on_behalf
    page = officer_client.get(f"/practices/{p.public_id}/").content.decode()
    assert "Guangzhou" in page or "گوانگجو" in page


def _pdf(name="protocol.pdf", body=None):
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(name, pdf_bytes(b"street disinfection protocol") if body is None else body,
                              "application/pdf")


def test_attachments_over_the_api(officer_api, outsider_api, make_practice, django_capture_on_commit_callbacks):
    p = make_practice(visibility="private")
    url = f"{URL}/{p.public_id}/attachments"
    response = officer_api.post(url, {"file": _pdf()})
    assert response.status_code == 201, response.content
    made = response.json()
    assert made["name"] == "protocol.pdf" and made["content_type"] == "application/pdf" and made["size"] > 0
    assert [a["id"] for a in officer_api.get(url).json()["items"]] == [made["id"]]
    download = officer_api.get(f"{url}/{made['id']}")
    assert download.status_code == 200 and b"".join(download.streaming_content).startswith(b"%PDF")
    assert officer_api.post(url, {"file": _pdf("evil.pdf", b"MZ\x90\x00")}).status_code == 422
    assert officer_api.post(url, {}).status_code in (400, 422)
    # another office: the practice is private, so neither the list, the file nor the removal exists for it
    assert outsider_api.get(url).status_code == 404
    assert outsider_api.get(f"{url}/{made['id']}").status_code == 404
    assert outsider_api.delete(f"{url}/{made['id']}").status_code == 404
    assert outsider_api.post(url, {"file": _pdf()}).status_code == 404
    stored = p.attachments.get().file
    assert stored.storage.exists(stored.name)
    with django_capture_on_commit_callbacks(execute=True):
        assert officer_api.delete(f"{url}/{made['id']}").status_code == 204
    assert not p.attachments.exists() and not stored.storage.exists(stored.name)
    assert AuditEntry.objects.filter(action="practice.attachment_removed").count() == 1


def test_shared_practice_files_are_readable_not_removable_by_others(officer, outsider_api, other_org, make_practice):
    from hamdeli.practices import services

    p = make_practice(visibility="public")
    a = services.add_attachment(org=p.org, actor=officer, practice=p, upload=_pdf())
    url = f"{URL}/{p.public_id}/attachments"
    assert outsider_api.get(url).json()["items"][0]["name"] == "protocol.pdf"
    assert outsider_api.get(f"{url}/{a.public_id}").status_code == 200
    assert outsider_api.delete(f"{url}/{a.public_id}").status_code == 404
    assert outsider_api.post(url, {"file": _pdf()}).status_code == 404
    assert p.attachments.count() == 1


def test_public_page_offers_a_public_practices_files_only(client, officer, make_practice):
    from hamdeli.practices import services

    public = make_practice(visibility="public")
    private = make_practice(visibility="private")
    shown = services.add_attachment(org=public.org, actor=officer, practice=public, upload=_pdf())
    hidden = services.add_attachment(org=private.org, actor=officer, practice=private, upload=_pdf("secret.pdf"))
    page = client.get(f"/exchange/{public.public_id}/").content.decode()
    assert f"/exchange/{public.public_id}/files/{shown.public_id}/" in page
    assert client.get(f"/exchange/{public.public_id}/files/{shown.public_id}/").status_code == 200
    assert client.get(f"/exchange/{private.public_id}/files/{hidden.public_id}/").status_code == 404
    assert client.get(f"/exchange/{public.public_id}/files/{hidden.public_id}/").status_code == 404


def test_archiving_a_practice_keeps_its_files(officer, make_practice):
    from hamdeli.practices import services

    p = make_practice()
    stored = services.add_attachment(org=p.org, actor=officer, practice=p, upload=_pdf()).file
    services.archive_practice(org=p.org, actor=officer, practice=p)
    assert Practice.objects.filter(pk=p.pk).exists() and stored.storage.exists(stored.name)


def test_listing_without_words_applies_the_filters(officer_api, make_practice):
    make_practice(title={"en": "Bike lanes"}, topics=["transport"])
    make_practice(title={"en": "Food parcels"}, topics=["social_support"])
    body = officer_api.get(URL, {"topic": "transport"}).json()
    assert body["mode"] == "list" and [h["practice"]["title"]["en"] for h in body["hits"]] == ["Bike lanes"]


def test_the_page_form_writes_and_clears_any_content_language(officer_client, make_practice):
    p = make_practice(title={"en": "Food parcels", "es": "Paquetes de comida"})
    page = officer_client.get(f"/practices/{p.public_id}/edit/").content.decode()
    assert 'name="title_zh"' in page and 'name="title_ar"' in page
    assert "<details class=\"more-languages\" open>" in page  # Spanish text is there: the fold is open
    form = {"title_en": "Food parcels", "title_zh": "食品包", "title_es": "", "crisis": "covid19",
            "phase": "response", "topics": ["social_support"], "instrument": "service", "visibility": "private"}
    assert officer_client.post(f"/practices/{p.public_id}/edit/", form).status_code == 302
    p.refresh_from_db()
    assert p.title == {"en": "Food parcels", "zh": "食品包"} and "zh" in p.languages
    fresh = officer_client.get("/practices/new/").content.decode()
    assert "<details class=\"more-languages\">" in fresh  # nothing written in them yet: folded


def test_the_practice_form_picks_the_city_by_search_not_by_a_geonames_number(officer_client, cities):
    from hamdeli.practices.models import Practice

    page = officer_client.get("/practices/new/").content.decode()
    assert 'id="city-search"' in page and 'name="city_geonameid"' not in page
    form = {"title_en": "Masks at the metro", "crisis": "covid19", "phase": "response", "topics": ["disinfection"],
            "instrument": "service", "visibility": "private"}
    response = officer_client.post("/practices/new/", {**form, "city": cities["xian"].pk})
    assert response.status_code == 302
    assert Practice.objects.get(title__en="Masks at the metro").city == cities["xian"]
    # a city that is not there is refused next to the field, and nothing is saved
    response = officer_client.post("/practices/new/", {**form, "title_en": "Nowhere", "city": "999999999"})
    assert response.status_code == 422 and 'id="id_city_error"' in response.content.decode()
    assert not Practice.objects.filter(title__en="Nowhere").exists()
