from typing import Any, NoReturn, TypeVar

from django.db import models

_M = TypeVar("_M", bound=models.Model)

class DisabledQuerySet(models.QuerySet[_M]):
    missing_scopes: set[str] | None
    def __init__(self, *args: Any, missing_scopes: set[str] | None = ..., **kwargs: Any) -> None: ...
    def error(self, *args: Any, **kwargs: Any) -> NoReturn: ...

def ScopedManager(_manager_class: type[models.Manager[Any]] = ..., **scopes: str) -> models.Manager[Any]: ...
