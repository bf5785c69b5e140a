import datetime as dt

from hamdeli.correspondence import services, templating
from tests.conftest import client_for


def _template(org, officer, **body):
    return services.save_template(org=org, actor=officer, name="Spring Festival", occasion="greeting",
                                  subject={k: f"[{k}] greetings" for k in body}, body=body)


def test_the_recipients_language_is_used_with_placeholders_filled(org, officer, cities):
    t = _template(org, officer, fa="شهردار محترم {city}، {official}، {date}", zh="尊敬的{official}：{city} {date}")
    r = templating.render(t, lang="zh", city=cities["xian"], official="李明", on=dt.date(2020, 1, 25))
    assert not r.fallback and r.language == "zh"
    assert r.body == "尊敬的李明：西安 2020年1月25日"  # the city in the letter's language
    fa = templating.render(t, lang="fa", city=cities["xian"], official="آقای شهردار", on=dt.date(2020, 1, 25))
    assert fa.body == "شهردار محترم شیان، آقای شهردار، ۵ بهمن ۱۳۹۸"  # Jalali date for Persian


def test_a_missing_translation_falls_back_visibly(org, officer, cities, officer_api):
    t = _template(org, officer, fa="متن", en="Dear {official}, on {date} {unknown}")
    r = templating.render(t, lang="es", city=cities["barcelona"], official="Ada Colau", on=dt.date(2020, 3, 24))
    assert r.fallback and r.language == "en" and r.wanted == "es"
    assert r.body == "Dear Ada Colau, on March 24, 2020 {unknown}"  # an unknown placeholder stays visible
    api = officer_api.get(f"/api/v1/correspondence/templates/{t.public_id}/render", {"lang": "es"}).json()
    assert api["fallback"] is True and api["language"] == "en"
    page = client_for(officer).get(f"/letters/new/?recipient_city={cities['barcelona'].pk}&template={t.public_id}")
    html = page.content.decode().replace("\u2068", "").replace("\u2069", "")  # as read: isolates unseen
    assert "Dear" in html and "«es»" in html and "«en»" in html  # the form says which language is missing


def test_template_validation(officer_api):
    response = officer_api.post("/api/v1/correspondence/templates", {
        "name": "x", "occasion": "greeting", "subject": {"klingon": "x"}, "body": {}},
        content_type="application/json")
    assert response.status_code == 422 and {"subject", "body"} <= set(response.json()["fields"])


def test_a_template_is_edited_in_every_content_language_on_the_page(org, officer):
    t = _template(org, officer, fa="متن", zh="中文")
    client = client_for(officer)
    page = client.get(f"/letters/templates/{t.public_id}/").content.decode()
    # Persian and English open; Chinese, Spanish … folded under "Other languages", open since Chinese has text.
    assert 'name="body_zh"' in page and 'name="body_es"' in page and 'name="subject_ar"' in page
    assert "中文</textarea>" in page and '<details class="more-languages" open>' in page
    assert "through the API" not in page
    response = client.post(f"/letters/templates/{t.public_id}/", {
        "name": "Spring Festival", "occasion": "greeting", "subject_fa": "تبریک", "body_fa": "متن تازه",
        "subject_zh": "春节问候", "body_zh": "尊敬的{official}：新春快乐", "body_es": "Estimado {official}"})
    assert response.status_code == 302
    t.refresh_from_db()
    assert t.body == {"fa": "متن تازه", "zh": "尊敬的{official}：新春快乐", "es": "Estimado {official}"}
    assert t.subject == {"fa": "تبریک", "zh": "春节问候"}
    new = client.post("/letters/templates/new/", {"name": "Saludo", "occasion": "greeting",
                                                  "subject_es": "Saludo", "body_es": "Estimado {official}"})
    assert new.status_code == 302  # a template in Spanish alone, written on the page


def test_empty_template_form_is_422_not_500(officer):
    response = client_for(officer).post("/letters/templates/new/", {"name": "", "occasion": "greeting"})
    assert response.status_code == 422


def test_a_language_no_template_has_falls_back_visibly_on_the_form(org, officer):
    from hamdeli.places.models import City, Country

    Country.objects.get_or_create(code="RO", defaults={"name_en": "Romania", "name_fa": "رومانی"})
    iasi = City.objects.create(geonameid=675810, name_en="Iași", name_fa="یاش", country_id="RO")
    t = _template(org, officer, fa="متن", en="Dear {official}")
    html = client_for(officer).get(f"/letters/new/?recipient_city={iasi.pk}&template={t.public_id}").content.decode()
    html = html.replace("\u2068", "").replace("\u2069", "")  # as read: isolates unseen
    assert "«ro»" in html and "«en»" in html  # Romanian wanted, English used, and the form says so


def test_a_salutation_left_open_is_filled_when_the_letter_is_saved_in_its_language(org, officer, cities):
    import datetime as dt

    from hamdeli.correspondence import prefill, services, templating

    template = services.save_template(
        org=org, actor=officer, name="Spring Festival greeting", occasion="greeting",
        subject={"zh": "致{city}的春节贺信", "en": "Greetings to {city}"},
        body={"zh": "尊敬的{official}：\n谨向{city}人民致以问候。", "en": "Dear {official},\nGreetings to {city}."})
    opened = templating.render(template, lang="zh", city=cities["xian"], official="", on=dt.date(2020, 1, 20))
    assert opened.body.startswith("尊敬的{official}：") and "西安人民" in opened.body  # the city in Chinese
    letter = services.register_letter(org=org, actor=officer, direction="out", subject=opened.subject,
                                      body=opened.body, language="zh", recipient_name="市长先生",
                                      recipient_city=cities["xian"])
    assert letter.body == "尊敬的市长先生：\n谨向西安人民致以问候。" and letter.subject == "致西安的春节贺信"
    english = services.register_letter(org=org, actor=officer, direction="out", subject="Greetings",
                                       body="Dear {official},\nGreetings to {city}.", language="en",
                                       recipient_city=cities["xian"])
    assert english.body == "Dear {official},\nGreetings to Xi'an."  # no name yet: still visibly to fill
    english = services.update_letter(org=org, actor=officer, letter=english, recipient_name="Mayor Li")
    assert english.body == "Dear Mayor Li,\nGreetings to Xi'an."
    assert prefill.letter_language("zh") == "zh"
