"""Who am I, and the organization's audit trail."""

import datetime as dt
import uuid
from typing import Any

from django.http import Http404, QueryDict
from ninja import Field, Router, Status

from hamdeli.core import downloads, selectors
from hamdeli.core.boundary import Date, PublicId, Schema
from hamdeli.core.localized import localized_str
from hamdeli.core.pagination import mapped, paged
from hamdeli.core.permissions import SIGNED_IN, requires, role_has
from hamdeli.core.types import MemberRequest

router = Router(tags=["core"])
KNOWN_PERMISSIONS = [
    f"{area}.{verb}"
    for area in ("org", "partners", "letters", "aid", "campaigns", "practices")
    for verb in ("view", "edit", "handle", "manage")
]


class MeOut(Schema):
    username: str
    org_id: uuid.UUID
    org_name: str
    role: str
    permissions: list[str]


class AuditOut(Schema):
    seq: int
    at: dt.datetime
    actor: str | None
    action: str
    object_type: str
    object_id: str
    before: dict[str, Any] | list[Any] | str | int | float | bool | None
    after: dict[str, Any] | list[Any] | str | int | float | bool | None
    channel: str
    token_id: str
    ip: str | None
    request_id: str
    hash: str


@router.get("/me", response=MeOut, operation_id="core_me")
@requires("org.view")
def me(request: MemberRequest) -> dict[str, Any]:
    """Who you are: your organization, role and permissions."""
    role = request.membership.role
    return {
        "username": request.user.username,
        "org_id": request.org.public_id,
        "org_name": localized_str(request.org.name),
        "role": role,
        "permissions": [perm for perm in KNOWN_PERMISSIONS if role_has(role, perm)],
    }


@router.get("/audit", response=list[AuditOut], operation_id="core_audit")
@paged
@requires("org.manage")
def audit(request: MemberRequest, object_id: str | None = None, actor: str | None = None, action: str | None = None,
          date_from: Date | None = None, date_to: Date | None = None) -> list[Any] | mapped:
    """Your office's audit trail, newest first, for owners.

    Narrow it to one record (`object_id`, its public id), one person (`actor`, a username), one kind of
    action (`action`, e.g. `aid.pledge.created`, or every action on a kind of record with a trailing dot:
    `aid.`) and days in the office's time zone (`date_from`, `date_to`, both included)."""
    person = selectors.audit_people(org=request.org).filter(username=actor).first() if actor else None
    if actor and person is None:
        return []  # nobody of that name in this office: no entries, rather than everyone's
    entries = selectors.audit_trail(org=request.org, object_id=object_id, actor=person, action=action,
                                    date_from=date_from, date_to=date_to)
    return mapped(entries, lambda entry: {
        "seq": entry.seq, "at": entry.at, "actor": entry.actor.username if entry.actor else None,
        "action": entry.action, "object_type": entry.object_type, "object_id": entry.object_id,
        "before": entry.before, "after": entry.after, "channel": entry.channel, "token_id": entry.token_id,
        "ip": entry.ip, "request_id": entry.request_id, "hash": entry.hash,
    })


# --- prepared downloads (core.downloads) -----------------------------------------------------------

class DownloadIn(Schema):
    kind: str = Field(description="What to prepare: " + ", ".join(
        ["core.audit", "core.office", "correspondence.letters", "partners.partnerships", "practices.practices",
         "aid.movements", "aid.report"]))
    filters: dict[str, str | list[str]] = Field(
        default_factory=dict, description="The export's filters, as its page's query string names them "
                                          "(e.g. `{\"state\": \"draft\"}`; `aid.report` needs `pledge`).")


class DownloadOut(Schema):
    id: PublicId
    kind: str
    status: str
    filename: str
    content_type: str
    size: int | None
    created_at: dt.datetime
    ready_at: dt.datetime | None
    expires_at: dt.datetime


def _asked(request: MemberRequest, filters: dict[str, str | list[str]]) -> downloads.Asked:
    params = QueryDict(mutable=True)
    for key, value in filters.items():
        params.setlist(key, value if isinstance(value, list) else [value])
    return downloads.Asked(org=request.org, actor=request.user, role=request.membership.role, params=params)


def _own(request: MemberRequest, public_id: uuid.UUID) -> Any:
    if getattr(request, "membership", None) is None:
        raise Http404
    return downloads.one(org=request.org, actor=request.user, role=request.membership.role, public_id=public_id)


@router.post("/downloads", response={202: DownloadOut}, operation_id="core_download_request")
@requires(SIGNED_IN)
def request_download(request: MemberRequest, payload: DownloadIn) -> Status[Any]:
    """Ask for an export to be prepared in the background (202, with its id). Poll
    `GET /downloads/{id}` until `status` is `ready`, then fetch `GET /downloads/{id}/file`. The export's own
    permission applies (403 without it); the file is kept a few days, for you and your office's owners.

    The feeds other tools read by URL (`/aid/exports/iati`, `/aid/exports/hxl`, `/aid/exports/movements`)
    still answer at once."""
    if getattr(request, "membership", None) is None:
        raise Http404
    return Status(202, downloads.prepare(_asked(request, payload.filters), payload.kind))


@router.get("/downloads/{public_id}", response=DownloadOut, operation_id="core_download_get")
@requires(SIGNED_IN)
def get_download(request: MemberRequest, public_id: uuid.UUID) -> Any:
    """A prepared download's state: `preparing`, `ready` or `failed`."""
    return _own(request, public_id)


@router.get("/downloads/{public_id}/file", operation_id="core_download_file")
@requires(SIGNED_IN)
def download_file(request: MemberRequest, public_id: uuid.UUID) -> Any:
    """The prepared file, once its download is `ready` (404 before, and once it has expired)."""
    return downloads.serve(_own(request, public_id))
