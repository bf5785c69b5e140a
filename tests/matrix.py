"""The permission matrix's vocabulary. Each app lists a Row for every page and API operation it has in
tests/<app>/matrix_rows.py, with a BUILD function that adds its objects to the shared World."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace

# What a member of an institution's store (role "institution", granted one store: A) gets on a route whose
# permission that role holds (aid's view and handle); a route whose permission it lacks answers 403.
OWN_STORES = "own stores"  # as the allowed role, for store A's objects; 404 for another store's (a write
# naming one in its body: refused, nothing written); no row of another store in anything it answers.
OFFICE = "office"  # the office's own records (pledges, consignments, boxes, reports, the whole flow): 403.


@dataclass(frozen=True)
class Row:
    key: str  # a URL name ("partners:detail") or an API operation id ("partners_get")
    method: str = "get"
    write: bool = False  # changes something: the viewer must be refused
    public: bool = False  # open to anyone, signed in or not
    params: Callable[[SimpleNamespace], dict] = field(default=lambda w: {})
    body: Callable[[SimpleNamespace], dict] | None = None  # JSON for the API, form fields for pages
    ok: tuple[int, ...] = (200,)  # what the allowed role gets
    role: str = "officer"  # the least role that must succeed
    # For routes with no object in the URL: a text of the org's data that the outsider must not see.
    marker: Callable[[SimpleNamespace], str] | None = None
    multipart: bool = False
    shared: bool = False  # reference data (countries, cities, networks): every member may read it
    # OWN_STORES or OFFICE: required when the institution role holds the route's permission. The app's
    # build sets `world.elsewhere(world)`: the same world with store B's objects where it has store A's, so
    # that this row's params and body name store B's; and `world.elsewhere_markers`: texts of store B's rows.
    stores: str = ""
