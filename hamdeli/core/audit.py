"""Audit entries, written by services inside their own transaction."""

import bisect
import datetime as dt
import decimal
import uuid
from typing import Any

from django.contrib.auth import get_user_model
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.utils import timezone

from hamdeli.core import chain, origin
from hamdeli.core.models import AuditChainHead, AuditEntry, Organization
from hamdeli.core.types import Actor


def _jsonable(value: object) -> object:
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    if isinstance(value, uuid.UUID | decimal.Decimal):
        return str(value)
    if isinstance(value, FieldFile):
        return value.name or None
    if isinstance(value, models.Model):
        return str(getattr(value, "public_id", None) or value.pk)
    return value


def snapshot(instance: models.Model, fields: list[str] | None = None) -> dict[str, Any]:
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


def record(*, org: Organization, actor: Actor, action: str, obj: models.Model | None = None,
           object_type: str | None = None, object_id: str | None = None,
           before: dict[str, Any] | None = None, after: dict[str, Any] | None = None) -> AuditEntry:
    """Write one audit entry; must be called inside the service's transaction.

    The entry is the next link of the org's hash chain: the chain head row is locked (SELECT … FOR
    UPDATE on PostgreSQL; SQLite's BEGIN IMMEDIATE already serialises writers) until the transaction
    ends, so two writers can never both extend the same link."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit.record must run inside the transaction of the change it records")
    if obj is not None:
        object_type = object_type or obj._meta.label_lower
        object_id = object_id or str(getattr(obj, "public_id", None) or obj.pk)
    here = origin.current()
    head = _locked_head(org)
    entry = AuditEntry(
        org=org,
        actor=actor if actor is not None and actor.is_authenticated else None,
        at=timezone.now(),
        action=action,
        object_type=object_type or "",
        object_id=object_id or "",
        before=chain.json_value(before),
        after=chain.json_value(after),
        channel=here.channel,
        token_id=here.token_id,
        ip=here.ip,
        request_id=here.request_id,
        seq=head.seq + 1,
        prev_hash=head.hash,
    )
    entry.hash = chain.entry_hash(chain_values(entry, org_public_id=org.public_id))
    entry.save(force_insert=True)
    head.seq, head.hash = entry.seq, entry.hash
    head.save(update_fields=["seq", "hash"])
    return entry


def _locked_head(org: Organization) -> AuditChainHead:
    AuditChainHead.objects.bulk_create([AuditChainHead(org=org, seq=0, hash=chain.GENESIS)], ignore_conflicts=True)
    return AuditChainHead.objects.select_for_update().get(org=org)


def chain_values(entry: Any, *, org_public_id: object) -> dict[str, Any]:
    """The covered columns of an entry (a model instance or a historical one in a migration)."""
    values = {name: getattr(entry, name) for name in chain.FIELDS if name != "org"}
    values["org"] = org_public_id
    hashed_actor = getattr(entry, "hashed_actor_id", None)  # an entry written on another instance
    if hashed_actor is not None:
        values["actor_id"] = hashed_actor
    return values


def verify(org: Organization | None = None) -> list[str]:
    """Recompute every organization's chain; a list of faults, the first broken entry of each org first."""
    faults = []
    orgs = [org] if org is not None else Organization.objects.order_by("pk")
    for each in orgs:
        fault = _first_break(each)
        if fault:
            faults.append(fault)
    return faults


IMPORTED = "organization.imported"  # an office brought over from another instance (core.office_archive)


def _first_break(org: Organization) -> str | None:
    expected_seq, prev = 1, chain.GENESIS
    imports = list(AuditEntry.objects.filter(org=org, action=IMPORTED).order_by("seq").values_list("seq", "after"))
    usernames: dict[int | None, str | None] = {}
    fields = ["pk", "actor_id", "hashed_actor_id", *(name for name in chain.FIELDS if name not in {"org", "actor_id"}),
              "hash"]
    for entry in AuditEntry.objects.filter(org=org).order_by("seq").only(*fields).iterator(chunk_size=2000):
        where = f"organization {org.slug}: audit entry #{entry.pk} (position {entry.seq}, {entry.action})"
        if entry.seq != expected_seq:
            return f"{where}: expected position {expected_seq}; an entry is missing"
        if entry.prev_hash != prev:
            return f"{where}: does not link to the entry before it"
        if chain.entry_hash(chain_values(entry, org_public_id=org.public_id)) != entry.hash:
            return f"{where}: its content does not match its hash (changed after it was written)"
        if entry.hashed_actor_id is not None and not _same_person(entry, imports, usernames):
            return f"{where}: its actor is not the person its office's import recorded for it (changed since)"
        expected_seq, prev = expected_seq + 1, entry.hash
    head = AuditChainHead.objects.filter(org=org).first()
    last = expected_seq - 1
    if head is not None and (head.seq != last or head.hash != prev):
        return f"organization {org.slug}: the chain ends at position {last} but its head says {head.seq}; " \
               "entries after it were removed"
    if head is None and last:
        return f"organization {org.slug}: the chain has no head"
    return None


def _same_person(entry: AuditEntry, imports: list[tuple[int, Any]], usernames: dict[int | None, str | None]) -> bool:
    """An entry written on another instance has its hash over the actor's id there (hashed_actor_id);
    the first import after it records, in the chain, which user name that id was: the actor here must be
    that person, so the actor cannot be swapped behind the hash."""
    later = bisect.bisect_right([seq for seq, _after in imports], entry.seq)
    if later == len(imports):
        return False
    people = (imports[later][1] or {}).get("people") or {}
    if entry.actor_id not in usernames:
        usernames[entry.actor_id] = None if entry.actor_id is None else get_user_model()._base_manager.filter(
            pk=entry.actor_id).values_list("username", flat=True).first()
    recorded = people.get(str(entry.hashed_actor_id))
    return recorded is not None and recorded == usernames[entry.actor_id]
