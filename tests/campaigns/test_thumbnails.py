"""Design files show a thumbnail: raster images scaled down and the first page of a PDF, made when the file
is uploaded, served like the file itself (same permission, same organization, inline, nosniff); a file
that cannot be drawn (a video, a broken PDF, a decompression bomb) is still accepted and shows an icon."""

import datetime as dt
import importlib
import io
import struct
import zlib

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from hamdeli.campaigns.models import DesignFile
from hamdeli.campaigns.services import awareness
from hamdeli.core.models import AuditEntry
from tests.campaigns.helpers import mp4
from tests.conftest import api_client_for, client_for

API = "/api/v1/campaigns"


@pytest.fixture
def design_set(org, officer, campaign):
    return awareness.add_design_set(org=org, actor=officer, campaign=campaign, title={"fa": "طرح ۱"},
                                    formats=["billboard"], ready_on=dt.date(2020, 2, 25))


def _image(fmt, size=(1000, 500), colour=(200, 30, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, colour).save(out, fmt)
    return out.getvalue()


def _pdf(*pages: bytes, box=b"[0 0 200 100]") -> bytes:
    """A PDF whose pages are filled with these drawing operators, in order."""
    kids = " ".join(f"{3 + 2 * i} 0 R" for i in range(len(pages))).encode()
    body = [b"1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj",
            b"2 0 obj<</Type/Pages/Kids[" + kids + b"]/Count " + str(len(pages)).encode() + b">>endobj"]
    for i, ops in enumerate(pages):
        page, stream = 3 + 2 * i, 4 + 2 * i
        body.append(f"{page} 0 obj<</Type/Page/Parent 2 0 R/MediaBox".encode() + box
                    + f"/Contents {stream} 0 R>>endobj".encode())
        body.append(f"{stream} 0 obj<</Length {len(ops)}>>stream\n".encode() + ops + b"\nendstream endobj")
    return b"%PDF-1.4\n" + b"\n".join(body) + b"\ntrailer<</Root 1 0 R>>\n%%EOF\n"


RED_THEN_BLUE = _pdf(b"1 0 0 rg 0 0 200 100 re f", b"0 0 1 rg 0 0 200 100 re f")
# Opens (it passes today's upload check as a PDF) but its only "page" is the catalogue: nothing to draw.
BROKEN_PDF = (b"%PDF-1.4\n%x\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
              b"2 0 obj<</Type/Pages/Kids[1 0 R]/Count 1>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n")


def _bomb(side=12000) -> bytes:
    """A 17 kB PNG that is 144 million pixels once decoded (under Pillow's refusal, over our limit)."""
    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    rows = zlib.compress(b"\x00" * ((side // 8 + 1) * side), 9)
    return (b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0))
            + chunk(b"IDAT", rows) + chunk(b"IEND", b""))


def _upload(officer_api, design_set, name, data):
    response = officer_api.post(f"{API}/design-sets/{design_set.public_id}/files",
                                {"file": SimpleUploadedFile(name, data)})
    assert response.status_code == 201, response.content
    return response.json()


def _picture(response) -> Image.Image:
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp" and response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Disposition"].startswith("inline")
    return Image.open(io.BytesIO(b"".join(response.streaming_content)))


@pytest.mark.parametrize("name, data", [("poster.png", _image("PNG")), ("photo.jpg", _image("JPEG")),
                                        ("banner.webp", _image("WEBP")), ("anim.gif", _image("GIF"))])
def test_an_uploaded_image_gets_a_thumbnail_of_at_most_320_px(officer_api, officer, design_set, name, data):
    made = _upload(officer_api, design_set, name, data)
    assert made["has_thumbnail"] is True
    page = client_for(officer).get(reverse("campaigns:design_file_thumbnail", args=[made["id"]]))
    picture = _picture(page)
    assert picture.format == "WEBP" and picture.size == (320, 160)  # the image's proportions kept
    red, green, blue = picture.convert("RGB").getpixel((160, 80))
    assert red > 150 and green < 80 and blue < 80
    api = officer_api.get(f"{API}/design-files/{made['id']}/thumbnail")
    assert _picture(api).size == (320, 160)


def test_a_pdf_thumbnail_is_its_first_page(officer_api, officer, design_set):
    made = _upload(officer_api, design_set, "leaflet.pdf", RED_THEN_BLUE)
    assert made["kind"] == "pdf" and made["has_thumbnail"] is True
    picture = _picture(client_for(officer).get(reverse("campaigns:design_file_thumbnail", args=[made["id"]])))
    assert picture.size == (320, 160)
    red, green, blue = picture.convert("RGB").getpixel((160, 80))
    assert red > 200 and blue < 60  # page 1 is red, page 2 blue


@pytest.mark.filterwarnings("ignore::PIL.Image.DecompressionBombWarning")  # the bomb, as expected
@pytest.mark.parametrize("name, data, icon", [
    ("broken.pdf", BROKEN_PDF, "bi-file-earmark-pdf"),
    ("bomb.png", _bomb(), "bi-file-earmark-image"),
])
def test_a_file_that_cannot_be_drawn_is_still_accepted_without_a_thumbnail(
        officer_api, officer, campaign, design_set, name, data, icon):
    made = _upload(officer_api, design_set, name, data)  # today's rules: a good upload
    assert made["has_thumbnail"] is False
    stored = DesignFile.objects.get(public_id=made["id"])
    assert not stored.thumbnail and stored.file
    assert client_for(officer).get(reverse("campaigns:design_file_thumbnail", args=[made["id"]])).status_code == 404
    assert officer_api.get(f"{API}/design-files/{made['id']}/thumbnail").status_code == 404
    html = client_for(officer).get(reverse("campaigns:detail", args=[campaign.public_id])).content.decode()
    assert icon in html and reverse("campaigns:design_file_thumbnail", args=[made["id"]]) not in html


def test_the_page_shows_thumbnails_with_the_file_name_and_an_icon_for_a_video(org, officer, campaign, design_set):
    image = awareness.add_design_file(org=org, actor=officer, design_set=design_set,
                                      upload=SimpleUploadedFile("poster-1399.png", _image("PNG")))
    video = awareness.add_design_file(org=org, actor=officer, design_set=design_set, upload=mp4())
    assert image.thumbnail and not video.thumbnail
    html = client_for(officer).get(reverse("campaigns:detail", args=[campaign.public_id])).content.decode()
    thumb = reverse("campaigns:design_file_thumbnail", args=[image.public_id])
    assert f'src="{thumb}" alt="poster-1399.png"' in html
    assert "bi-file-earmark-play" in html
    assert ' style="' not in html and "<style" not in html  # the strict CSP allows no inline style


def test_a_thumbnail_belongs_to_the_files_organization(org, officer, viewer, outsider, other_org, design_set):
    stored = awareness.add_design_file(org=org, actor=officer, design_set=design_set,
                                       upload=SimpleUploadedFile("poster.png", _image("PNG")))
    url = reverse("campaigns:design_file_thumbnail", args=[stored.public_id])
    assert client_for(viewer).get(url).status_code == 200  # whoever may open the file
    assert client_for(outsider).get(url).status_code == 404  # another office: as if it did not exist
    api = api_client_for(outsider, other_org).get(f"{API}/design-files/{stored.public_id}/thumbnail")
    assert api.status_code == 404
    anonymous = Client().get(url)
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]


def test_removing_a_file_removes_its_thumbnail_once_committed(org, officer, design_set, settings,
                                                              django_capture_on_commit_callbacks):
    stored = awareness.add_design_file(org=org, actor=officer, design_set=design_set,
                                       upload=SimpleUploadedFile("poster.png", _image("PNG")))
    thumbnail = settings.MEDIA_ROOT / stored.thumbnail.name
    assert thumbnail.is_file() and str(stored.public_id) in thumbnail.name
    with django_capture_on_commit_callbacks(execute=True):
        awareness.remove_design_file(org=org, actor=officer, design_file=stored)
    assert not thumbnail.exists()


def test_a_failed_upload_leaves_no_thumbnail_behind(org, officer, design_set, settings, monkeypatch):
    from hamdeli.core import audit

    def broken(**kwargs):
        raise RuntimeError("audit store unavailable")

    monkeypatch.setattr(audit, "record", broken)
    with pytest.raises(RuntimeError):
        awareness.add_design_file(org=org, actor=officer, design_set=design_set,
                                  upload=SimpleUploadedFile("poster.png", _image("PNG")))
    assert not DesignFile.objects.exists()
    assert not any(p.is_file() for p in (settings.MEDIA_ROOT / "campaigns").rglob("*"))


def test_files_stored_before_thumbnails_get_theirs_from_the_migration(org, officer, design_set):
    """The demo's files (and any office's) were stored before thumbnails existed."""
    old = awareness.add_design_file(org=org, actor=officer, design_set=design_set,
                                    upload=SimpleUploadedFile("old.pdf", RED_THEN_BLUE))
    video = awareness.add_design_file(org=org, actor=officer, design_set=design_set, upload=mp4())
    old.thumbnail.delete(save=False)
    DesignFile.objects.filter(pk=old.pk).update(thumbnail="")
    migration = importlib.import_module("hamdeli.campaigns.migrations.0003_design_file_thumbnail")
    migration.draw_thumbnails(apps, None)
    old.refresh_from_db()
    video.refresh_from_db()
    assert old.thumbnail and Image.open(old.thumbnail.open("rb")).size == (320, 160)
    assert not video.thumbnail


def test_looking_at_thumbnails_is_not_recorded_as_downloads_but_opening_the_file_is(org, officer, design_set):
    """A page of twenty designs would otherwise write twenty "file.downloaded" entries on every look."""
    stored = awareness.add_design_file(org=org, actor=officer, design_set=design_set,
                                       upload=SimpleUploadedFile("poster.png", _image("PNG")))
    client = client_for(officer)
    assert client.get(reverse("campaigns:design_file_thumbnail", args=[stored.public_id])).status_code == 200
    assert not AuditEntry.objects.filter(action="file.downloaded").exists()
    assert client.get(reverse("campaigns:design_file", args=[stored.public_id])).status_code == 200
    assert AuditEntry.objects.get(action="file.downloaded").object_id == str(stored.public_id)
