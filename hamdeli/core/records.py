"""Looking up the record a request asked for: its absence is a `RecordNotFound` (a 404 on the pages and in
the API); any other `DoesNotExist` is a bug and surfaces as a 500."""

from typing import Any, TypeVar, overload

from django.db import models

from hamdeli.core.errors import RecordNotFound

_M = TypeVar("_M", bound=models.Model)
_Row = TypeVar("_Row")


def _queryset(source: "type[models.Model] | models.Manager[Any] | models.QuerySet[Any, Any]",
              ) -> "models.QuerySet[Any, Any]":
    if isinstance(source, models.QuerySet):
        return source
    if isinstance(source, models.Manager):
        return source.all()
    return source._default_manager.all()  # a model class


@overload
def get_or_404(source: "type[_M] | models.Manager[_M]", **lookup: Any) -> _M: ...
@overload
def get_or_404(source: "models.QuerySet[Any, _Row]", **lookup: Any) -> _Row: ...
def get_or_404(source: Any, **lookup: Any) -> Any:
    """The one record of `source` (a model, manager or queryset) matching `lookup`, else RecordNotFound.

    Only the queried model's own DoesNotExist becomes the 404, so a bug that looks up something else
    (another model's `.get()`, a missing related row) is not hidden as "not found"."""
    queryset = _queryset(source)
    try:
        return queryset.get(**lookup)
    except queryset.model.DoesNotExist:
        raise RecordNotFound from None


@overload
def locked(source: "type[_M] | models.Manager[_M]", **lookup: Any) -> _M: ...
@overload
def locked(source: "models.QuerySet[Any, _Row]", **lookup: Any) -> _Row: ...
def locked(source: Any, **lookup: Any) -> Any:
    """The requested record re-read under a row lock (select_for_update), else RecordNotFound: someone
    removed it a moment before."""
    return get_or_404(_queryset(source).select_for_update(), **lookup)
