"""`Idempotency-Key` for API writes: a replay returns the first response and changes nothing more.

The key is claimed (its row inserted) in the write's own transaction before the write runs, so
concurrent sends of one key run the write once; the others wait and return its stored response,
whatever has happened to the data since. A refused write (4xx) stores nothing: the key stays unspent.

Records are kept per (org, key, endpoint) in core's IdempotencyRecord table. The same key with a
different body is refused with 422. A key is remembered for RETENTION (as payment APIs do):
`hamdeli idempotency prune`, run daily, forgets older ones; the aid pages'
one-time form tokens expire after the same time, so none outlives its record.
"""

import datetime as dt
import functools
import hashlib
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import IntegrityError, transaction
from django.http import HttpRequest, JsonResponse
from django.http.request import RawPostDataException
from django.utils.translation import gettext as _
from pydantic import BaseModel

from hamdeli.core.errors import ValidationFailed
from hamdeli.core.types import OfficeRequest

HEADER = "Idempotency-Key"
RETENTION = dt.timedelta(days=7)


if TYPE_CHECKING:
    from hamdeli.core.models import IdempotencyRecord


def record_model() -> "type[IdempotencyRecord]":
    from hamdeli.core.models import IdempotencyRecord

    return IdempotencyRecord


def prune(*, now: dt.datetime | None = None) -> int:
    """Forget the keys older than RETENTION; returns how many."""
    from django.utils import timezone

    cutoff = (now or timezone.now()) - RETENTION
    deleted: int
    deleted, _by_model = record_model().objects.filter(created_at__lt=cutoff).delete()
    return deleted


def _split(result: Any) -> tuple[int, Any]:
    """A view's result as (status, JSON-ready body). The answer is stored as it is sent, so the view
    shapes it itself: an output schema's instance (`ItemOut.from_orm(item)`), or a list of them, is
    dumped here as ninja would have."""
    status = getattr(result, "status_code", None)
    if status is not None and hasattr(result, "value"):  # ninja's Status(code, value)
        return status, _dumped(result.value)
    if isinstance(result, tuple) and len(result) == 2 and isinstance(result[0], int):
        return result[0], _dumped(result[1])
    return 200, _dumped(result)


def _dumped(body: Any) -> Any:
    if isinstance(body, BaseModel):
        return body.model_dump()
    if isinstance(body, list):
        return [_dumped(part) for part in body]
    return body


def _response(status: int, body: Any, replayed: bool) -> JsonResponse:
    response = JsonResponse(body, status=status, encoder=DjangoJSONEncoder, safe=False)
    if replayed:
        response["Idempotent-Replayed"] = "true"
    return response


def _digest(request: HttpRequest) -> str:
    """A fingerprint of the request's content: its body, or for an upload its fields and files."""
    hasher = hashlib.sha256()
    try:
        hasher.update(request.body or b"")
    except RawPostDataException:  # multipart already parsed (an upload): hash what it carried
        for name, value in sorted(request.POST.lists()):
            hasher.update(f"{name}={value}".encode())
        for name, uploads in sorted(request.FILES.lists()):
            upload = uploads[-1]  # what .items() gives: the last file of the name
            upload.seek(0)
            hasher.update(name.encode() + upload.read())
            upload.seek(0)
    return hasher.hexdigest()


_MARK = "hamdeli_idempotent"  # the OpenAPI document declares the header (core.openapi)


def idempotent(view: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap an API write: with an Idempotency-Key header its first answer is stored and replayed."""

    @functools.wraps(view)
    def wrapper(request: OfficeRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        key = request.headers.get(HEADER, "").strip()
        if not key:
            status, body = _split(view(request, *args, **kwargs))
            return _response(status, json.loads(json.dumps(body, cls=DjangoJSONEncoder)), False)
        if len(key) > 200:
            raise ValidationFailed(_("The Idempotency-Key is too long (at most 200 characters)."))
        Record = record_model()
        endpoint = f"{request.method} {request.path}"
        digest = _digest(request)
        lookup = {"org": request.org, "key": key, "endpoint": endpoint}
        found = Record.objects.filter(**lookup).first()
        if found is None:
            try:
                with transaction.atomic():
                    # Claim the key before the write runs: a concurrent request with the same key waits
                    # on this row's unique index until this transaction ends, then replays what it stored.
                    # A refused write rolls its claim back with it, so nothing was recorded and the key
                    # stays unspent.
                    record = Record.objects.create(**lookup, request_hash=digest, status=0, body={})
                    status, body = _split(view(request, *args, **kwargs))
                    record.status, record.body = status, json.loads(json.dumps(body, cls=DjangoJSONEncoder))
                    record.save(update_fields=["status", "body"])
                    return _response(record.status, record.body, False)
            except IntegrityError:  # a concurrent first request with the same key won: replay its answer
                found = Record.objects.filter(**lookup).first()
                if found is None:
                    raise
        if found.request_hash != digest:
            raise ValidationFailed(_("This Idempotency-Key was already used with a different request."),
                                   code="idempotency_mismatch", fields={HEADER: _("Use a new key for a new request.")})
        return _response(found.status, found.body, True)

    setattr(wrapper, _MARK, True)
    return wrapper
