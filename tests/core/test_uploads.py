"""Uploads are typed by their content against each field's allow-list, and every stored file is served
with its stored type, as an attachment unless it is a raster image or a PDF, never sniffed."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile

from hamdeli.campaigns.models import DesignFile
from hamdeli.campaigns.services import awareness
from hamdeli.partners import services as partners
from hamdeli.partners.models import Partnership
from tests.campaigns.helpers import mp4
from tests.conftest import client_for
from tests.sample_files import PDF, PNG, image_bytes

SCRIPT = b"<script>fetch('/api/v1/me').then(r => r.text()).then(t => document.title = t)</script>"
GIF_HTML = b"GIF89a" + SCRIPT  # claims to be a GIF in its first bytes; is really HTML
SVG = b'<svg xmlns="http://www.w3.org/2000/svg">' + SCRIPT + b"</svg>"
HTML = b"<!doctype html><html><body>" + SCRIPT + b"</body></html>"


@pytest.fixture
def design_set(org, officer):
    campaign = awareness.create_campaign(org=org, actor=officer, name={"fa": "در خانه بمانیم"},
                                         starts_on=dt.date(2020, 2, 20), ends_on=dt.date(2020, 4, 19))
    return awareness.add_design_set(org=org, actor=officer, campaign=campaign, title={"fa": "طرح ۱"},
                                    formats=["billboard"], ready_on=dt.date(2020, 2, 25))


def _stored_files(settings):
    return [p for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()] if settings.MEDIA_ROOT.exists() else []


@pytest.mark.parametrize("name, body", [("poster.html", GIF_HTML), ("poster.gif", GIF_HTML),
                                        ("poster.svg", SVG), ("poster.html", HTML),
                                        ("poster.png", b"\x89PNG\r\n\x1a\n" + SCRIPT)])
def test_a_file_that_only_claims_a_kind_is_refused_by_every_upload(name, body, officer_api, officer, design_set,
                                                                   cities, settings):
    url = f"/api/v1/campaigns/design-sets/{design_set.public_id}/files"
    response = officer_api.post(url, {"file": SimpleUploadedFile(name, body)})
    assert response.status_code == 422 and "file" in response.json()["fields"]
    p = partners.create_partnership(org=design_set.org, actor=officer, city=cities["barcelona"])
    page = client_for(officer).post(f"/partners/{p.public_id}/edit/",
                                    {"kind": "sister_city", "agreement_scan": SimpleUploadedFile(name, body)})
    assert page.status_code == 422
    assert not DesignFile.objects.exists() and not Partnership.objects.get(pk=p.pk).agreement_scan
    assert _stored_files(settings) == []


@pytest.mark.parametrize("fmt", ["PNG", "JPEG", "GIF", "WEBP"])
def test_real_images_of_every_allowed_kind_are_accepted_and_shown_inline(fmt, officer_api, officer, design_set):
    url = f"/api/v1/campaigns/design-sets/{design_set.public_id}/files"
    response = officer_api.post(url, {"file": SimpleUploadedFile("x.bin", image_bytes(fmt))})
    assert response.status_code == 201, response.content
    served = client_for(officer).get(f"/campaigns/files/{response.json()['id']}/")
    assert served["Content-Type"] == f"image/{fmt.lower()}"
    assert served["Content-Disposition"].startswith("inline")
    assert served["X-Content-Type-Options"] == "nosniff"


def test_a_stored_file_is_served_with_its_stored_type_never_the_name(officer, design_set):
    """A file stored before the full check (a GIF header, then HTML, named .html) is served as what its
    row says, inside a sandbox, never as text/html."""
    f = DesignFile(org=design_set.org, design_set=design_set, kind="gif", content_type="image/gif",
                   size=len(GIF_HTML), original_name="poster.html")
    f.file.save("legacy.html", ContentFile(GIF_HTML), save=False)
    f.save()
    client = client_for(officer)
    for url in (f"/campaigns/files/{f.public_id}/", f"/api/v1/campaigns/design-files/{f.public_id}/content"):
        served = client.get(url)
        assert served["Content-Type"] == "image/gif", url
        assert served["X-Content-Type-Options"] == "nosniff"
        assert "sandbox" in served["Content-Security-Policy"]
        assert "poster.gif" in served["Content-Disposition"]  # saved, it opens as what it is


def test_an_agreement_stored_under_an_html_name_is_served_by_its_content(org, officer, cities):
    p = partners.create_partnership(org=org, actor=officer, city=cities["barcelona"])
    p.agreement_scan.save("poster.html", ContentFile(GIF_HTML))
    served = client_for(officer).get(f"/partners/{p.public_id}/agreement/")
    assert served["Content-Type"] == "image/gif" and "sandbox" in served["Content-Security-Policy"]
    p.agreement_scan.save("notes.html", ContentFile(HTML))
    served = client_for(officer).get(f"/partners/{p.public_id}/agreement/")
    assert served["Content-Type"] == "application/octet-stream"
    assert served["Content-Disposition"].startswith("attachment")


def test_an_uploaded_agreement_is_stored_under_its_real_kind(org, officer, cities):
    p = partners.create_partnership(org=org, actor=officer, city=cities["barcelona"])
    response = client_for(officer).post(f"/partners/{p.public_id}/edit/", {
        "kind": "sister_city", "agreement_scan": SimpleUploadedFile("agreement.html", PDF)})
    assert response.status_code == 302
    assert Partnership.objects.get(pk=p.pk).agreement_scan.name.endswith(".pdf")
    served = client_for(officer).get(f"/partners/{p.public_id}/agreement/")
    assert served["Content-Type"] == "application/pdf" and served["Content-Disposition"].startswith("inline")


def test_a_video_is_downloaded_not_shown(officer_api, officer, design_set):
    url = f"/api/v1/campaigns/design-sets/{design_set.public_id}/files"
    video = officer_api.post(url, {"file": mp4("clip.html")}).json()
    served = client_for(officer).get(f"/campaigns/files/{video['id']}/")
    assert served["Content-Type"] == "video/mp4"
    assert served["Content-Disposition"].startswith("attachment") and "clip.mp4" in served["Content-Disposition"]


def test_letter_attachments_refuse_html_and_serve_their_type(officer_api, officer, org, cities):
    from hamdeli.correspondence import services as letters

    letter = letters.register_letter(org=org, actor=officer, direction="out", subject="s",
                                     recipient_city=cities["xian"], registered_on=dt.date(2020, 1, 26))
    url = f"/api/v1/correspondence/letters/{letter.public_id}/attachments"
    assert officer_api.post(url, {"file": SimpleUploadedFile("a.html", GIF_HTML)}).status_code == 422
    made = officer_api.post(url, {"file": SimpleUploadedFile("a.html", PNG)})
    assert made.status_code == 201
    served = officer_api.get(f"{url}/{made.json()['id']}")
    assert served["Content-Type"] == "image/png" and served["X-Content-Type-Options"] == "nosniff"
