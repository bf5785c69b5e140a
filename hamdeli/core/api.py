"""Who am I, and the organization's audit trail."""

import datetime as dt
import uuid
from typing import Any

from ninja import Router

from hamdeli.core import selectors
from hamdeli.core.boundary import Date, Schema
from hamdeli.core.localized import localized_str
from hamdeli.core.pagination import mapped, paged
from hamdeli.core.permissions import requires, role_has
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
