"""Uploaded files: the stored type is decided from the content (the `filetype` sniffer, then a full parse
of images with Pillow and of PDFs with pdfium), never from the name, and checked against each field's
allow-list; served with that type, as an attachment unless it is a raster image or a PDF, never sniffed
by the browser and never able to run script; size limited; and kept in step with their rows (a stored
file never outlives a failed save, nor goes before a removal has committed)."""

import io
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import filetype
import pypdfium2
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _
from PIL import Image

from hamdeli.core.errors import ValidationFailed


@dataclass(frozen=True)
class FileKind:
    name: str
    content_type: str
    extension: str
    inline: bool = False  # shown in the browser rather than downloaded


PDF = FileKind("pdf", "application/pdf", ".pdf", inline=True)
PNG = FileKind("png", "image/png", ".png", inline=True)
JPEG = FileKind("jpeg", "image/jpeg", ".jpg", inline=True)
GIF = FileKind("gif", "image/gif", ".gif", inline=True)
WEBP = FileKind("webp", "image/webp", ".webp", inline=True)
MP4 = FileKind("mp4", "video/mp4", ".mp4")
WEBM = FileKind("webm", "video/webm", ".webm")
KINDS = (PDF, PNG, JPEG, GIF, WEBP, MP4, WEBM)
_BY_TYPE = {kind.content_type: kind for kind in KINDS}
_IMAGES = {PNG, JPEG, GIF, WEBP}

# The allow-list of each upload field.
DOCUMENTS = (PDF, PNG, JPEG, GIF, WEBP)  # letter and practice attachments, endorsement letters
AGREEMENT_SCANS = DOCUMENTS
DESIGN_FILES = (*DOCUMENTS, MP4, WEBM)

_SNIFF_BYTES = 8192


def sniff(head: bytes) -> FileKind | None:
    """The kind the file's first bytes claim (a claim only: `kind_of` also parses the whole file)."""
    found = filetype.guess(head[:_SNIFF_BYTES])
    return _BY_TYPE.get(found.mime) if found else None


def _parses(kind: FileKind, data: bytes) -> bool:
    try:
        if kind in _IMAGES:
            with Image.open(io.BytesIO(data)) as image:
                if (image.format or "").lower() != kind.name:
                    return False
                image.verify()
        elif kind is PDF:
            pypdfium2.PdfDocument(data).close()
    except Exception:  # any parser failure means "not really this kind"
        return False
    return True


def kind_of(data: bytes) -> FileKind | None:
    """The file's kind when its content is really of one we know, else None."""
    kind = sniff(data)
    return kind if kind is not None and _parses(kind, data) else None


def check_upload(upload: "UploadedFile[Any]", *, field: str, allowed: tuple[FileKind, ...] = DOCUMENTS,
                 max_bytes: int | None = None) -> FileKind:
    """Refuse (422, naming the field) a file that is too big or not of an allowed kind."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size is not None and upload.size > limit:
        raise ValidationFailed(
            _("The file is too large."),
            fields={field: _("Files may be at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)}},
        )
    upload.seek(0)
    data = upload.read()
    upload.seek(0)
    kind = kind_of(data)
    if kind not in allowed:
        names = ", ".join(k.name.upper() for k in allowed)
        raise ValidationFailed(
            _("This kind of file is not accepted."),
            fields={field: _("Only these kinds of file are accepted: %(kinds)s.") % {"kinds": names}},
        )
    return kind


# Set on a thumbnail's response: the download audit (core.middleware.DownloadAuditMiddleware) leaves it out.
PICTURE_IN_PAGE = "hamdeli_picture_in_page"


def serve(field_file: FieldFile, *, name: str, content_type: str | None = None, max_age: int | None = None,
          picture_in_page: bool = False) -> FileResponse:
    """A stored file with its stored type (or, for rows that keep none, the type sniffed from the stored
    bytes; never the name's): inline only for raster images and PDFs, otherwise as an attachment; the
    browser may not second-guess the type, and a sandbox policy keeps any script in it from running.
    `max_age` lets the browser (only: `private`) keep a file that never changes, such as a thumbnail; a
    file gone from the storage is a 404, not a 500. `picture_in_page` marks a thumbnail, shown inside a
    page the member already sees rather than a file handed over: the download audit
    (core.middleware.DownloadAuditMiddleware) leaves it out, or every look at a list would be an entry."""
    if not field_file:
        raise Http404
    try:
        handle = field_file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    if content_type is None:
        kind = sniff(handle.read(_SNIFF_BYTES))
        handle.seek(0)
    else:
        kind = _BY_TYPE.get(content_type)
    if kind is not None:
        name = PurePath(name).stem + kind.extension  # the saved file opens as what it is
    response = FileResponse(handle, as_attachment=not (kind and kind.inline), filename=name or "file",
                            content_type=kind.content_type if kind else "application/octet-stream")
    response["X-Content-Type-Options"] = "nosniff"
    if max_age is not None:
        response["Cache-Control"] = f"private, max-age={max_age}"
    setattr(response, PICTURE_IN_PAGE, picture_in_page)
    if kind is not PDF:  # Chrome will not show a PDF in a sandbox; the site's own policy covers it
        response["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'; sandbox"
    return response


@contextmanager
def removing_file_on_failure(field_file: FieldFile | None) -> Iterator[None]:
    """A stored file whose row then fails to save (or to be audited) is removed again, not left behind."""
    try:
        with transaction.atomic():
            yield
    except Exception:
        if field_file:
            field_file.delete(save=False)
        raise


def delete_on_commit(*field_files: FieldFile | None) -> None:
    """Delete these stored files once the current transaction commits; a rollback keeps them."""
    stored = [(f.storage, f.name) for f in field_files if f and f.name]

    def delete() -> None:
        for storage, name in stored:
            storage.delete(name)

    if stored:
        transaction.on_commit(delete)
