"""The permission matrix's vocabulary. Each app lists a Row for every page and API operation it has in
tests/<app>/matrix_rows.py, with a BUILD function that adds its objects to the shared World."""

from collections.abc import Callable
from dataclasses import dataclass, field
from types import SimpleNamespace


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
