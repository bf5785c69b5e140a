"""Looking up the record a request asked for: its absence is a `RecordNotFound` (a 404 on the pages and in
the API); any other `DoesNotExist` is a bug and surfaces as a 500."""

from typing import Any, TypeAlias, TypeVar

from django.db import models

from hamdeli.core.errors import RecordNotFound

_M = TypeVar("_M", bound=models.Model)
# What a record is looked up in: its model, a manager or a queryset of it.
Source: TypeAlias = "type[_M] | models.Manager[_M] | models.QuerySet[_M]"


def _queryset(source: "Source[_M]") -> "models.QuerySet[_M]":
    if isinstance(source, models.QuerySet):
        return source
    if isinstance(source, models.Manager):
        return source.all()
    return source._default_manager.all()  # a model class


def get_or_404(source: "Source[_M]", **lookup: Any) -> _M:
    """The one record of `source` (a model, manager or queryset) matching `lookup`, else RecordNotFound.

    Only the queried model's own DoesNotExist becomes the 404, so a bug that looks up something else
    (another model's `.get()`, a missing related row) is not hidden as "not found"."""
    queryset = _queryset(source)
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:  # type: ignore[attr-defined]  # django-stubs gives each model its DoesNotExist, not Model
        raise RecordNotFound from None


def locked(source: "Source[_M]", **lookup: Any) -> _M:
    """The requested record re-read under a row lock (select_for_update), else RecordNotFound: someone
    removed it a moment before."""
    return get_or_404(_queryset(source).select_for_update(), **lookup)
