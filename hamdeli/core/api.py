"""Who am I, and the organization's audit trail."""

import datetime as dt
import uuid

from ninja import Router

from hamdeli.core import selectors
from hamdeli.core.boundary import Schema
from hamdeli.core.localized import localized_str
from hamdeli.core.pagination import mapped, paged
from hamdeli.core.permissions import requires, role_has

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
    at: dt.datetime
    actor: str | None
    action: str
    object_type: str
    object_id: str
    before: dict | None
    after: dict | None


@router.get("/me", response=MeOut, operation_id="core_me")
@requires("org.view")
def me(request):
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
@requires("partners.view")
def audit(request, object_id: str | None = None):
    """Your office's audit trail, newest first (or one record's)."""
    return mapped(selectors.audit_trail(org=request.org, object_id=object_id), lambda entry: {
        "at": entry.at,
        "actor": entry.actor.username if entry.actor else None,
        "action": entry.action,
        "object_type": entry.object_type,
        "object_id": entry.object_id,
        "before": entry.before,
        "after": entry.after,
    })
