"""Tenant scope (django-scopes): every tenant-owned model's default manager refuses a query unless an
organization is in scope, and inside a scope it sees only that organization's rows.

Where a scope is entered (docs/architecture.md, "Tenant scope"):
- pages and the API: `OrganizationMiddleware` opens the request's scope for the whole request (the view,
  template rendering, the API's serialisation); a bearer token's office is bound by `bind_request_org`;
- commands: `hamdeli.cli.main` through `command_scope` (`--org` → that office; a command over every
  office is marked with `@across_offices("why")`);
- background work (a thread does not inherit the scope): `in_scope_of(org)`;
- tests: fixtures and test bodies run under `scopes_disabled()` (tests/conftest.py); requests through the
  test client enter the real scope in the middleware.

A read across offices that is legitimate (the public practice exchange, a shipment shared between two
offices, the audit chain, backups) says so: `scopes_disabled()` with a one-line comment on why.
"""

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar, overload

from django.db import models
from django_scopes import ScopedManager, ScopeError, get_scope, scope, scopes_disabled
from django_scopes.manager import DisabledQuerySet
from django_scopes.state import state

if TYPE_CHECKING:
    from hamdeli.core.models import Organization

__all__ = ["ScopeError", "TenantManager", "across_offices", "bind_request_org", "command_scope", "in_scope_of",
           "request_scope", "scope", "scopes_disabled"]

DIMENSION = "organization"

_Manager = TypeVar("_Manager", bound="models.Manager[Any]")
_P = ParamSpec("_P")
_R = TypeVar("_R")


class _RefusedQuerySet(DisabledQuerySet[Any]):
    """What a tenant manager gives outside a scope: every query raises ScopeError (`.none()` and
    `.create()` still work, as in django-scopes), the archive's `.active()`/`.archived()` included."""

    active = DisabledQuerySet.error
    archived = DisabledQuerySet.error


if TYPE_CHECKING:
    _ManagerBase = models.Manager[Any]
else:
    _ManagerBase = models.Manager  # not subscriptable at run time


class _Tenant(_ManagerBase):
    """What a tenant manager adds over django-scopes' scoped manager (it comes first in the class made below)."""

    hamdeli_tenant = True  # tests/core/test_tenant_scope.py finds the scoped models by it

    def get_queryset(self) -> "models.QuerySet[Any]":
        queryset = super().get_queryset()
        if type(queryset) is DisabledQuerySet:
            return _RefusedQuerySet(self.model, using=self._db, missing_scopes=queryset.missing_scopes)
        return queryset


@overload
def TenantManager() -> "models.Manager[Any]": ...  # noqa: N802
@overload
def TenantManager(manager_class: type[_Manager]) -> _Manager: ...  # noqa: N802
def TenantManager(manager_class: "type[models.Manager[Any]]" = models.Manager) -> "models.Manager[Any]":  # noqa: N802 (a factory, named like the class it makes)
    """The default manager of a tenant-owned model (field `org`): scoped on the organization."""
    scoped = ScopedManager(_manager_class=manager_class, **{DIMENSION: "org"}).__class__
    # A class made at run time (its base is django-scopes' own, made per manager class), by `type`: the type
    # checker accepts no `class` statement on a computed base. Its module and qualified name are those of the
    # manager it scopes, the names by which django-stubs finds a model's manager type (its queryset's methods).
    manager: type[models.Manager[Any]] = type(f"Tenant{manager_class.__name__}", (_Tenant, scoped), {
        "__module__": manager_class.__module__, "__qualname__": manager_class.__qualname__})
    return manager()


def _org_id(org: "Organization | int | None") -> "int | None":
    return org if org is None or isinstance(org, int) else org.pk


@contextmanager
def in_scope_of(*orgs: "Organization | int") -> Iterator[None]:
    """Queries see these organizations' rows only (Organizations or their ids): one office, or the
    offices a shared record concerns (a shipment's donor and recipient)."""
    ids = [_org_id(org) for org in orgs]
    with scope(**{DIMENSION: ids[0] if len(ids) == 1 else ids}):
        yield


@contextmanager
def request_scope(org: "Organization | None") -> Iterator[None]:
    """A request's scope: its member's office, or, for a visitor (no office yet), a scope with no
    organization in it, where every tenant query raises until a page says it reads across offices or the
    API's token binds its office (`bind_request_org`)."""
    with scope(**({DIMENSION: _org_id(org)} if org is not None else {})):
        yield


def bind_request_org(org: "Organization") -> None:
    """Bind the office of an API bearer token to the scope the middleware opened for this request. The
    middleware's `request_scope` restores the scope before it when the request ends."""
    current = get_scope()
    if not current.get("_enabled"):
        raise ScopeError("bind_request_org outside a request scope")
    state.set({**current, DIMENSION: _org_id(org)})


def across_offices(reason: str) -> Callable[[Callable[_P, _R]], Callable[_P, _R]]:
    """Mark a command that works across every office (backups, the audit chain, the demo): it runs with
    scopes disabled. `reason` says why, next to the code."""

    def mark(handler: Callable[_P, _R]) -> Callable[_P, _R]:
        @functools.wraps(handler)
        def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
            with scopes_disabled():
                return handler(*args, **kwargs)

        setattr(wrapper, "hamdeli_across_offices", reason)  # noqa: B010 (a mark on the function, read by tests)
        return wrapper

    return mark


@contextmanager
def command_scope(args: object) -> Iterator[None]:
    """A command's scope: the office named by `--org` (resolved by its short name), else an empty scope in
    which tenant queries raise (commands across offices disable it themselves with `@across_offices`)."""
    from hamdeli.core.models import Organization

    slug = getattr(args, "org", None)
    org = Organization.objects.filter(slug=slug).first() if isinstance(slug, str) else None
    with request_scope(org):
        yield
