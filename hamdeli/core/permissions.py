"""Named permissions and the roles that hold them, checked in one place (`enforce`).

A permission is "<area>.<verb>": view (read), edit (change the office's records), handle (move aid
stock), manage (the organization itself: people, tokens), restore (bring an archived record back: owners
only, whatever else a role holds in the area). Pages and endpoints declare the one they
need with `requires(...)`; the permission-matrix test refuses a page or endpoint that declares none.
"""

import functools
import re
from collections.abc import Callable
from typing import Any, Protocol

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse

from hamdeli.core import ratelimit
from hamdeli.core.models import Role

_NAME = re.compile(r"^[a-z]+\.(view|edit|handle|manage|restore)$")
PUBLIC = "public"  # declared by the few pages anyone may open (login, public practice pages)
# Declared by the pages of a person's own account (their password): anyone signed in, whatever their
# office or role; an anonymous visitor is sent to sign in.
SIGNED_IN = "signed_in"


def role_has(role: str, perm: str) -> bool:
    if not _NAME.match(perm):
        raise ValueError(f"not a permission name: {perm!r}")
    area, verb = perm.split(".")
    if role == Role.OWNER:
        return True
    if verb == "restore":
        return False
    if role == Role.OFFICER:
        return verb != "manage"
    if role == Role.LOGISTICS:
        return verb == "view" or area == "aid"
    if role == Role.VIEWER:
        return verb == "view"
    if role == Role.INSTITUTION:
        # Institution stores work only on aid, and aid narrows them further to their own locations.
        return area == "aid" and verb in {"view", "handle"}
    return False


View = Callable[..., Any]  # a page's or an API operation's function


class PermittedView(Protocol):
    """A view wrapped by `requires`: callable as the view, the view itself under `__wrapped__`."""

    __wrapped__: View

    def __call__(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse: ...


_MARK = "hamdeli_permission"  # the permission a view declares, read by the menu, the middleware and the OpenAPI


def has_perm(request: HttpRequest, perm: str) -> bool:
    membership = getattr(request, "membership", None)
    return membership is not None and role_has(membership.role, perm)


def enforce(request: HttpRequest, perm: str) -> None:
    """The one check behind every page and endpoint.

    No organization (an anonymous caller, or a user of no org) sees nothing: 404, as if missing.
    A member whose role lacks the permission gets 403.
    """
    if perm == PUBLIC:
        return
    if perm == SIGNED_IN:
        if not request.user.is_authenticated:
            raise Http404
        return
    if getattr(request, "org", None) is None:
        raise Http404
    if not has_perm(request, perm):
        raise PermissionDenied


def requires(perm: str) -> Callable[[View], PermittedView]:
    """Declare and enforce the permission a page or API operation needs."""
    if perm not in (PUBLIC, SIGNED_IN):
        role_has(Role.OWNER, perm)  # validates the name at import time

    def decorate(view: View) -> PermittedView:
        @functools.wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if perm == PUBLIC:
                refusal = ratelimit.check_public(request)  # visitors' requests, counted across processes
                if refusal is not None:
                    return ratelimit.refused(request, refusal)
            elif not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())  # pages only: the API answers 401 first
            enforce(request, perm)
            response: HttpResponse = view(request, *args, **kwargs)
            return response

        setattr(wrapper, _MARK, perm)
        return wrapper

    return decorate
