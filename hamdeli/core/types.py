"""Names for the type checker (issue 16): who acts, and the request as the middleware leaves it."""

from typing import TYPE_CHECKING, TypeAlias

from django.contrib.auth.models import AnonymousUser, User
from django.http import HttpRequest

if TYPE_CHECKING:
    from hamdeli.core.models import Membership, Organization

# Who a service acts for: the signed-in person (every write is behind `requires`), or None for the system
# (commands, the demo). The audit also takes an anonymous visitor (AnyActor): a sign-in that failed.
Actor: TypeAlias = User | None
AnyActor: TypeAlias = User | AnonymousUser | None


class OfficeRequest(HttpRequest):
    """A request after `OrganizationMiddleware` (or the API's auth): its office and membership, None when it has none.
    Never instantiated; only named in annotations."""

    org: "Organization | None"
    membership: "Membership | None"
    other_orgs: "list[Organization]"  # the member's other offices (set with `membership`, for the switcher)
    request_id: str
    user: User | AnonymousUser  # auth.User: no custom user model


class SignedInRequest(OfficeRequest):
    """A request past `requires(SIGNED_IN)`: someone signed in, whatever their office."""

    user: User


class MemberRequest(SignedInRequest):
    """A request past `requires(<area>.<verb>)`: a member of an office, acting in it."""

    org: "Organization"
    membership: "Membership"
