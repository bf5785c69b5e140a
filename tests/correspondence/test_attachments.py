from django.core.files.uploadedfile import SimpleUploadedFile

from hamdeli.correspondence.models import Attachment
from tests.conftest import client_for
from tests.sample_files import PDF, PNG


def _files(settings):
    root = settings.MEDIA_ROOT
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def _url(letter):
    return f"/api/v1/correspondence/letters/{letter.public_id}/attachments"


def test_a_pdf_is_stored_on_disk_and_served_back(outgoing, officer_api, settings):
    letter = outgoing()
    response = officer_api.post(_url(letter), {"file": SimpleUploadedFile("scan.pdf", PDF)})
    assert response.status_code == 201, response.content
    stored = Attachment.objects.get()
    assert stored.content_type == "application/pdf" and stored.size == len(PDF)
    assert [p.read_bytes() for p in _files(settings)] == [PDF]  # on disk, not in the database
    download = officer_api.get(f"{_url(letter)}/{stored.public_id}")
    assert download.status_code == 200 and b"".join(download.streaming_content) == PDF
    assert download["Content-Type"] == "application/pdf"


def test_the_type_comes_from_the_content_not_the_name(outgoing, officer_api, settings):
    letter = outgoing()
    response = officer_api.post(_url(letter), {"file": SimpleUploadedFile("photo.pdf", b"MZ\x90\0 not a pdf")})
    assert response.status_code == 422
    assert "PDF" in response.json()["fields"]["file"]  # the message names the accepted kinds
    response = officer_api.post(_url(letter), {"file": SimpleUploadedFile("scan.txt", PNG)})
    assert response.status_code == 201 and response.json()["content_type"] == "image/png"
    assert len(_files(settings)) == 1 and Attachment.objects.count() == 1


def test_a_file_over_the_limit_is_refused_and_nothing_is_stored(outgoing, officer_api, settings):
    settings.UPLOAD_MAX_BYTES = 1024 * 1024
    letter = outgoing()
    big = SimpleUploadedFile("big.pdf", PDF + b"0" * (1024 * 1024))
    response = officer_api.post(_url(letter), {"file": big})
    assert response.status_code == 422 and "1" in response.json()["fields"]["file"]  # names the limit
    assert _files(settings) == [] and not Attachment.objects.exists()


def test_refusal_on_the_page_shows_the_error_next_to_the_field(outgoing, officer, settings):
    letter = outgoing()
    response = client_for(officer).post(f"/letters/{letter.public_id}/attachments/",
                                        {"file": SimpleUploadedFile("x.pdf", b"plain text")})
    assert response.status_code == 422 and "PDF" in response.content.decode()
    assert _files(settings) == [] and not Attachment.objects.exists()


def test_another_org_cannot_download_even_with_both_ids(outgoing, officer_api, outsider_api, outsider):
    letter = outgoing()
    officer_api.post(_url(letter), {"file": SimpleUploadedFile("scan.pdf", PDF)})
    stored = Attachment.objects.get()
    assert outsider_api.get(f"{_url(letter)}/{stored.public_id}").status_code == 404
    assert client_for(outsider).get(f"/letters/{letter.public_id}/attachments/{stored.public_id}/").status_code == 404
