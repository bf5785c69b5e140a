"""Audit entries, written by services inside their own transaction."""

import datetime as dt
import decimal
import uuid

from django.db import models, transaction
from django.db.models.fields.files import FieldFile

from hamdeli.core.models import AuditEntry, Organization


def _jsonable(value):
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", None) or value.pk)
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict:
    """A JSON-ready dict of an object's concrete fields (foreign keys as their public id)."""
    data = {}
    for field in instance._meta.concrete_fields:
        if fields is not None and field.name not in fields:
            continue
        if field.name in {"id", "org", "created_at", "updated_at", "search_key"}:
            continue
        if field.is_relation:
            related = getattr(instance, field.name)
            data[field.name] = _jsonable(related) if related is not None else None
        else:
            data[field.name] = _jsonable(getattr(instance, field.attname))
    return data


def record(*, org: Organization, actor, action: str, obj: models.Model | None = None,
           object_type: str | None = None, object_id: str | None = None,
           before: dict | None = None, after: dict | None = None) -> AuditEntry:
    """Write one audit entry; must be called inside the service's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    return AuditEntry.objects.create(
        org=org,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        before=before,
        after=after,
    )
