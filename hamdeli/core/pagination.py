"""Every API list is paged the same way: `?limit=&offset=` in, `{"items", "count", "next"}` out.

An operation declares `response=list[ItemOut]` and `@paged`; its view returns the whole queryset (or
list), or `mapped(queryset, item_out)` when rows are turned into dicts, `mapped(queryset, prepare=…)` when a
page of rows needs more read for it: only the page is fetched (and prepared, and mapped), and `count` is one
COUNT query (none when the page is the last: its offset and length say it).
"""

from collections.abc import Callable, Sequence
from typing import Any
from urllib import parse

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Field, Schema
from ninja.pagination import PaginationBase, paginate

DEFAULT_LIMIT = 50
MAX_LIMIT = 200


class mapped:  # noqa: N801 - used like a function, reads as one
    """A queryset (or list) whose rows are turned into output by `out`, only for the slice asked for.
    `prepare(page)`, when given, fetches in a few queries what `out` needs for the whole page."""

    def __init__(self, rows: "Sequence[Any] | QuerySet[Any]", out: Callable[[Any], Any] | None = None,
                 prepare: Callable[[list[Any]], object] | None = None) -> None:
        self.rows, self.out, self.prepare = rows, out, prepare

    def count(self) -> int:
        counter = getattr(self.rows, "count", None)
        return counter() if callable(counter) and not isinstance(self.rows, list) else len(self.rows)

    def __getitem__(self, window: slice) -> list[Any]:
        page = list(self.rows[window])
        if self.prepare is not None:
            self.prepare(page)
        return page if self.out is None else [self.out(row) for row in page]


class LimitOffset(PaginationBase):
    class Input(Schema):
        limit: int = Field(DEFAULT_LIMIT, ge=1, le=MAX_LIMIT,
                           description=f"rows per page (at most {MAX_LIMIT})")
        offset: int = Field(0, ge=0, le=10_000_000, description="rows to skip")

    class Output(Schema):
        items: list[Any]
        count: int = Field(..., description="rows in the whole list")
        next: str | None = Field(..., description="the next page's URL, or null on the last page")

    def paginate_queryset(self, queryset: Any, pagination: Any, request: HttpRequest, **params: Any,
                          ) -> dict[str, Any]:
        offset, limit = pagination.offset, pagination.limit
        items = list(queryset[offset:offset + limit])
        if len(items) < limit and (items or not offset):
            count = offset + len(items)  # the last page says how many rows there are: no COUNT query
        else:
            count = queryset.count() if isinstance(queryset, mapped) else self._items_count(queryset)
        return {"items": items, "count": count, "next": next_url(request, offset + limit) if offset + limit < count
                else None}


def next_url(request: HttpRequest, offset: int) -> str:
    """This request's URL asking for the rows from `offset` on."""
    scheme, netloc, path, query, fragment = parse.urlsplit(request.build_absolute_uri())
    pairs = [(k, v) for k, v in parse.parse_qsl(query, keep_blank_values=True) if k != "offset"]
    return parse.urlunsplit((scheme, netloc, path, parse.urlencode([*pairs, ("offset", offset)]), fragment))


paged = paginate(LimitOffset)
