"""Prepared downloads: an export or a report's PDF asked for on a page (or through the API), built by a
background job (core.jobs) into a file under the media storage, and fetched from the member's "Downloads"
page once ready.

Each app registers the exports it offers (`register`, from its `AppConfig.ready`): a kind's name, the
permission it needs, and a `build` that turns what was asked (`Asked`: the office, the member, their role, the
page's filters) into a file (`Built`). The same `build` answers the app's immediate (inline) export, so a
prepared file is byte for byte the file the inline export gives for the same filters.

A download belongs to the office and to the member who asked; only they and the office's owners may see
or fetch it (anyone else: 404, like a missing one). It is kept HAMDELI_DOWNLOADS_KEEP_DAYS days; a job
enqueued with it, held until the moment it expires, deletes its file and its row (`remove_expired_downloads`;
the `immediate` backend cannot hold a job, so there nothing is deleted).

The files live in Django's default storage (MEDIA_ROOT, var/media): app servers and workers must share
it (one machine, a shared volume, or an object storage backend), since the worker writes what the app
server hands out.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import IO, Any

from django.conf import settings
from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied
from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse, QueryDict
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from hamdeli.core import jobs
from hamdeli.core.errors import ServiceError
from hamdeli.core.models import Membership, Organization, PreparedDownload, Role
from hamdeli.core.permissions import role_has
from hamdeli.core.records import get_or_404
from hamdeli.core.tenancy import in_scope_of, scopes_disabled
from hamdeli.core.validation import invalid

RETRIES = 2  # a failed build is tried twice more (core.jobs: after 30 s, then 60 s) before it shows as failed
RECENT = 50  # downloads listed on the page


@dataclass(frozen=True)
class Asked:
    """What a member asked for: their office, who they are, their role there, and the export's filters."""

    org: Organization
    actor: User
    role: str
    params: QueryDict

    def can(self, perm: str) -> bool:
        return role_has(self.role, perm)

    @classmethod
    def of(cls, request: HttpRequest, **extra: str) -> "Asked":
        """From a page's or the API's request: its query string's filters, plus `extra` (an id from the URL)."""
        params = request.GET.copy()
        for key, value in extra.items():
            params[key] = value
        membership = getattr(request, "membership", None)
        org = getattr(request, "org", None)
        if org is None or membership is None:
            raise Http404
        return cls(org=org, actor=request.user, role=membership.role, params=params)  # type: ignore[arg-type]


@dataclass
class Built:
    """A file made by a kind's `build`: bytes or an open binary file (closed once stored or sent)."""

    content: bytes | IO[bytes]
    filename: str
    content_type: str
    inline: bool = False  # a PDF the browser shows; everything else is saved as a file

    def close(self) -> None:
        if not isinstance(self.content, bytes):
            self.content.close()


@dataclass(frozen=True)
class Kind:
    name: str  # "<app>.<what>", stored with each download
    label: Callable[[], str]  # what the Downloads page calls it, translated when shown
    permission: str
    build: Callable[[Asked], Built]
    # Run when the download is asked for, before anything is queued: refuses what the build would refuse
    # (a pledge that is not the office's: 404; the office's record to a store's member: 403).
    check: Callable[[Asked], None] = field(default=lambda asked: None)


_KINDS: dict[str, Kind] = {}


def register(name: str, *, label: Callable[[], str], permission: str, build: Callable[[Asked], Built],
             check: Callable[[Asked], None] | None = None) -> None:
    role_has(Role.OWNER, permission)  # validates the permission's name
    _KINDS[name] = Kind(name, label, permission, build, check or (lambda asked: None))


def kinds() -> dict[str, Kind]:
    return dict(_KINDS)


def kind_of(name: str) -> Kind:
    try:
        return _KINDS[name]
    except KeyError:
        raise invalid("kind", _("There is no such export.")) from None


def label_of(download: PreparedDownload) -> str:
    kind = _KINDS.get(download.kind)
    return str(kind.label()) if kind else download.kind


# --- immediate --------------------------------------------------------------------------------------

def build_now(asked: Asked, name: str) -> Built:
    """Build the file within the request (the inline export)."""
    kind = kind_of(name)
    if not asked.can(kind.permission):
        raise PermissionDenied
    kind.check(asked)
    return kind.build(asked)


def respond(built: Built) -> HttpResponse:
    """The file as a response: saved as a file, or shown (a PDF)."""
    content = built.content if isinstance(built.content, bytes) else built.content.read()
    built.close()
    response = HttpResponse(content, content_type=built.content_type)
    disposition = "inline" if built.inline else "attachment"
    response["Content-Disposition"] = f'{disposition}; filename="{built.filename}"'
    return response


# --- prepared ---------------------------------------------------------------------------------------

def _params_json(params: QueryDict) -> dict[str, list[str]]:
    return {key: params.getlist(key) for key in params}


def _params_query(stored: dict[str, Any]) -> QueryDict:
    params = QueryDict(mutable=True)
    for key, values in stored.items():
        params.setlist(key, [str(v) for v in (values if isinstance(values, list) else [values])])
    return params


def prepare(asked: Asked, name: str) -> PreparedDownload:
    """Ask for a file: refused now if the member may not have it; otherwise recorded as being prepared
    and built by a job once this transaction commits."""
    kind = kind_of(name)
    if not asked.can(kind.permission):
        raise PermissionDenied
    kind.check(asked)
    now = timezone.now()
    with transaction.atomic():
        download = PreparedDownload.objects.create(
            org=asked.org, kind=name, params=_params_json(asked.params), lang=translation.get_language() or "fa",
            requested_by=asked.actor, created_at=now, expires_at=now + keep_for())
        jobs.enqueue_on_commit(build_download, office=asked.org, download=str(download.public_id))
        if jobs.supports_defer(remove_expired_downloads):  # held until it expires, ready or failed
            expires_at = download.expires_at
            transaction.on_commit(lambda: jobs.enqueue_later(remove_expired_downloads, office=asked.org,
                                                             at=expires_at))
    return download


def keep_for() -> dt.timedelta:
    return dt.timedelta(days=settings.HAMDELI_DOWNLOADS_KEEP_DAYS)


@jobs.job(retries=RETRIES)
def build_download(*, download: str) -> str:
    """Build one asked-for file and store it. Idempotent: a download already ready (or gone) is left alone,
    and a re-run after a killed worker writes over the same file name."""
    with scopes_disabled():  # the worker has no scope; the download names its office, used below
        found = PreparedDownload.objects.select_related("org", "requested_by").filter(public_id=download).first()
    if found is None or found.status != PreparedDownload.Status.PREPARING:
        return found.status if found else "gone"
    membership = Membership.objects.filter(org=found.org, user=found.requested_by, deactivated_at=None).first()
    kind = _KINDS.get(found.kind)
    if membership is None or kind is None or not role_has(membership.role, kind.permission):
        _fail(found, "the member may no longer have this file" if kind else f"unknown export {found.kind}")
        return found.status
    asked = Asked(org=found.org, actor=found.requested_by, role=membership.role, params=_params_query(found.params))
    try:
        with in_scope_of(found.org), translation.override(found.lang):
            built = kind.build(asked)
        _store(found, built)
    except ServiceError as exc:  # a refusal (a character no font prints): trying again would not help
        found.refusal = exc.message
        _fail(found, f"{type(exc).__name__}: {exc.message}")
        return found.status
    except Exception as exc:
        found.attempts += 1
        if found.attempts > RETRIES:
            _fail(found, f"{type(exc).__name__}: {exc}")
        else:
            with scopes_disabled():
                PreparedDownload.objects.filter(pk=found.pk).update(attempts=found.attempts)
        raise
    return found.status


def _fail(download: PreparedDownload, error: str) -> None:
    download.status, download.error = PreparedDownload.Status.FAILED, error[:2000]
    with scopes_disabled():
        PreparedDownload.objects.filter(pk=download.pk).update(
            status=download.status, error=download.error, attempts=download.attempts, refusal=download.refusal)


def _store(download: PreparedDownload, built: Built) -> None:
    try:
        content: File[Any] = (ContentFile(built.content) if isinstance(built.content, bytes)
                              else File(built.content))
        name = download.file.field.generate_filename(download, built.filename)
        if download.file.storage.exists(name):  # left by a run whose worker was killed before it finished
            download.file.storage.delete(name)
        download.file.save(built.filename, content, save=False)
    finally:
        built.close()
    download.filename, download.content_type = built.filename, built.content_type
    download.size = download.file.size
    download.status, download.ready_at, download.error = PreparedDownload.Status.READY, timezone.now(), ""
    with scopes_disabled():
        PreparedDownload.objects.filter(pk=download.pk).update(
            file=download.file.name, filename=download.filename, content_type=download.content_type,
            size=download.size, status=download.status, ready_at=download.ready_at, error="")


@jobs.job(retries=3)
def remove_expired_downloads() -> int:
    """Delete every expired download's file and row (each office's: one sweep). Idempotent."""
    removed = 0
    with scopes_disabled():  # a sweep over every office's expired files, enqueued by any of them
        for download in PreparedDownload.objects.filter(expires_at__lte=timezone.now()).iterator():
            if download.file:
                download.file.delete(save=False)
            download.delete()
            removed += 1
    return removed


# --- reads ------------------------------------------------------------------------------------------

def visible(*, org: Organization, actor: User, role: str) -> QuerySet[PreparedDownload]:
    """The office's unexpired downloads the member may see: their own, or (an owner) every member's."""
    found = PreparedDownload.objects.filter(org=org, expires_at__gt=timezone.now()).select_related("requested_by")
    return found if role == Role.OWNER else found.filter(Q(requested_by=actor))


def recent(*, org: Organization, actor: User, role: str) -> list[PreparedDownload]:
    return list(visible(org=org, actor=actor, role=role)[:RECENT])


def one(*, org: Organization, actor: User, role: str, public_id: Any) -> PreparedDownload:
    return get_or_404(visible(org=org, actor=actor, role=role), public_id=public_id)


def serve(download: PreparedDownload) -> FileResponse:
    """The stored file, with the type it was built with; a PDF is shown, anything else saved."""
    if download.status != PreparedDownload.Status.READY or not download.file:
        raise Http404
    try:
        handle = download.file.open("rb")
    except FileNotFoundError:
        raise Http404 from None
    inline = download.content_type == "application/pdf"
    response = FileResponse(handle, as_attachment=not inline, filename=download.filename,
                            content_type=download.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    if not inline:
        response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


def ask_on_page(request: HttpRequest, name: str, **extra: str) -> HttpResponse:
    """A page's "prepare" button: the download is asked for and the member sent to its page, which shows it
    being prepared and then its link."""
    from django.contrib import messages
    from django.shortcuts import redirect

    found = prepare(Asked.of(request, **extra), name)
    messages.success(request, _("Asked for: the file is being prepared in the background."))
    return redirect("download", public_id=found.public_id)
