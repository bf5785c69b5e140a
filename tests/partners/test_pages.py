from django.core.files.uploadedfile import SimpleUploadedFile

from hamdeli.partners import services
from hamdeli.partners.models import Partnership
from tests.conftest import client_for
from tests.sample_files import PDF


def test_an_agreement_scan_is_checked_by_content_and_served_only_to_its_org(org, officer, outsider, cities):
    p = services.create_partnership(org=org, actor=officer, city=cities["barcelona"])
    client = client_for(officer)
    disguised = SimpleUploadedFile("agreement.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    refused = client.post(f"/partners/{p.public_id}/edit/", {"kind": "sister_city", "agreement_scan": disguised})
    assert refused.status_code == 422
    assert "PDF" in refused.content.decode()
    assert not Partnership.objects.get(pk=p.pk).agreement_scan

    real = SimpleUploadedFile("scan.pdf", PDF, content_type="application/octet-stream")
    assert client.post(f"/partners/{p.public_id}/edit/", {"kind": "sister_city", "agreement_scan": real}
                       ).status_code == 302
    served = client.get(f"/partners/{p.public_id}/agreement/")
    assert served.status_code == 200 and b"".join(served.streaming_content) == PDF
    assert client_for(outsider).get(f"/partners/{p.public_id}/agreement/").status_code == 404


def test_the_partner_list_filters_and_searches_with_persian_normalisation(org, officer, cities):
    services.create_partnership(org=org, actor=officer, city=cities["barcelona"], notes="بازسازي رابطه")
    services.create_partnership(org=org, actor=officer, city=cities["florence"], kind="friendship_city")
    client = client_for(officer)
    page = client.get("/partners/", {"q": "بازسازی"}).content.decode()  # Persian yeh finds the Arabic one
    assert "بارسلون" in page and "فلورانس" not in page
    partial = client.get("/partners/", {"kind": "friendship_city"}, HTTP_HX_REQUEST="true").content.decode()
    assert "فلورانس" in partial and "بارسلون" not in partial and "<html" not in partial


def test_openapi_describes_the_api(officer_client):
    schema = officer_client.get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in schema["paths"].values() for op in path.values()}
    assert {"partners_list", "partners_transition", "memberships_transition", "core_me"} <= operations


def test_a_contact_cannot_be_dated_in_the_future_but_today_is_fine(org, officer, cities):
    import datetime as dt

    from hamdeli.core.dates import today
    from hamdeli.partners.models import Interaction

    p = services.create_partnership(org=org, actor=officer, city=cities["xian"])
    client = client_for(officer)
    url = f"/partners/{p.public_id}/interactions/"
    tomorrow = (today() + dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"occurred_on": tomorrow, "kind": "visit", "summary": "Delegation"})
    assert response.status_code == 422 and "occurred_on" in response.context["interaction_form"].errors
    assert not Interaction.objects.exists()
    response = client.post(url, {"occurred_on": today().isoformat(), "kind": "visit", "summary": "Delegation"})
    assert response.status_code == 302 and Interaction.objects.get().occurred_on == today()


def test_the_partners_head_is_edited_in_every_content_language_and_shown_on_the_page(org, officer, cities):
    p = services.create_partnership(org=org, actor=officer, city=cities["xian"])
    client = client_for(officer)
    form = client.get(f"/partners/{p.public_id}/edit/").content.decode()
    for lang in ("fa", "en", "zh", "es"):
        assert f'name="partner_head_{lang}"' in form
    folded = form[form.index('name="partner_head_en"'):]
    assert "<details" in folded and folded.index("<details") < folded.index('name="partner_head_zh"')
    saved = client.post(f"/partners/{p.public_id}/edit/", {
        "kind": "sister_city", "partner_head_zh": "西安市市长 王建华",
        "partner_head_en": "Mayor of Xi'an Wang Jianhua"})
    assert saved.status_code == 302
    p = Partnership.objects.get(pk=p.pk)
    assert p.partner_head == {"zh": "西安市市长 王建华", "en": "Mayor of Xi'an Wang Jianhua"}
    page = client.get(f"/partners/{p.public_id}/").content.decode()
    assert '<bdi lang="zh" dir="auto">西安市市长 王建华</bdi>' in page and "Mayor of Xi&#x27;an Wang Jianhua" in page
    refused = client.post(f"/partners/{p.public_id}/edit/", {"kind": "sister_city", "partner_head_zh": "长" * 301})
    assert refused.status_code == 422 and "در هر زبان حداکثر ۳۰۰ نویسه." in refused.content.decode()
