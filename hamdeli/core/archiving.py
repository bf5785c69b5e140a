"""Archiving and restoring the records users would want back (practices, partnerships, letters, aid
items): never deleted once they are more than a draft. An archived record is hidden from lists, searches,
pickers, the calendar and exports, stays readable by its link and keeps its history; owners restore it.

Each app's service locks its row and calls these inside its own transaction, so the change and its audit
entry commit together."""

from typing import Any, TypeVar

from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.translation import gettext as _

from hamdeli.core import audit
from hamdeli.core.errors import Conflict
from hamdeli.core.models import Archivable, Organization
from hamdeli.core.types import Actor

A = TypeVar("A", bound=Archivable)


def _who(actor: Actor) -> User | None:
    return actor if actor is not None and actor.is_authenticated else None


def _state(obj: Archivable) -> dict[str, Any]:
    by = obj.archived_by
    return {"archived_at": obj.archived_at.isoformat() if obj.archived_at else None,
            "archived_by": by.get_username() if by is not None else None}


def archive(*, org: Organization, actor: Actor, obj: A, action: str) -> A:
    """Set the (locked) record aside; an archived one again is refused with 409."""
    if obj.archived_at is not None:
        raise Conflict(_("This record is already archived."), code="already_archived")
    before = _state(obj)
    obj.archived_at, obj.archived_by = timezone.now(), _who(actor)
    obj.save(update_fields=["archived_at", "archived_by", "updated_at"])
    audit.record(org=org, actor=actor, action=action, obj=obj, before=before, after=_state(obj))
    return obj


def restore(*, org: Organization, actor: Actor, obj: A, action: str) -> A:
    """Bring the (locked) record back to the lists; one that is not archived is refused with 409."""
    if obj.archived_at is None:
        raise Conflict(_("This record is not archived."), code="not_archived")
    before = _state(obj)
    obj.archived_at, obj.archived_by = None, None
    obj.save(update_fields=["archived_at", "archived_by", "updated_at"])
    audit.record(org=org, actor=actor, action=action, obj=obj, before=before, after=_state(obj))
    return obj
