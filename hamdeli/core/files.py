"""Uploaded files: type checked from the content (magic bytes), never from the name; size limited; and
kept in step with their rows (a stored file never outlives a failed save, nor goes before a removal
has committed)."""

from contextlib import contextmanager
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from hamdeli.core.errors import ValidationFailed


@dataclass(frozen=True)
class FileKind:
    name: str
    content_type: str
    extension: str


PDF = FileKind("pdf", "application/pdf", ".pdf")
PNG = FileKind("png", "image/png", ".png")
JPEG = FileKind("jpeg", "image/jpeg", ".jpg")
GIF = FileKind("gif", "image/gif", ".gif")
WEBP = FileKind("webp", "image/webp", ".webp")
MP4 = FileKind("mp4", "video/mp4", ".mp4")
WEBM = FileKind("webm", "video/webm", ".webm")
DOCUMENTS = (PDF, PNG, JPEG, GIF, WEBP)


def sniff(head: bytes) -> FileKind | None:
    """Recognise a file from its first bytes."""
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:6] in (b"GIF87a", b"GIF89a"):
        return GIF
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head[4:8] == b"ftyp":
        return MP4
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return WEBM
    return None


def check_upload(upload, *, field: str, allowed: tuple[FileKind, ...] = DOCUMENTS,
                 max_bytes: int | None = None) -> FileKind:
    """Refuse (422, naming the field) a file that is too big or not of an allowed kind."""
    limit = max_bytes or settings.UPLOAD_MAX_BYTES
    if upload.size > limit:
        raise ValidationFailed(
            _("The file is too large."),
            fields={field: _("Files may be at most %(mb)s MB.") % {"mb": limit // (1024 * 1024)}},
        )
    upload.seek(0)
    head = upload.read(32)
    upload.seek(0)
    kind = sniff(head)
    if kind not in allowed:
        names = ", ".join(k.name.upper() for k in allowed)
        raise ValidationFailed(
            _("This kind of file is not accepted."),
            fields={field: _("Only these kinds of file are accepted: %(kinds)s.") % {"kinds": names}},
        )
    return kind


@contextmanager
def removing_file_on_failure(field_file):
    """A stored file whose row then fails to save (or to be audited) is removed again, not left behind."""
    try:
        with transaction.atomic():
            yield
    except Exception:
        if field_file:
            field_file.delete(save=False)
        raise


def delete_on_commit(*field_files) -> None:
    """Delete these stored files once the current transaction commits; a rollback keeps them."""
    stored = [(f.storage, f.name) for f in field_files if f]
    if stored:
        transaction.on_commit(lambda: [storage.delete(name) for storage, name in stored])
