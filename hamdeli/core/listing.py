"""The rows of an HTML list page: sorted by a column the page offers, a page at a time (Django's
Paginator), with links that keep every filter in the URL, so a filtered, sorted page can be bookmarked,
shared and paged. (The API's lists are paged by core.pagination.)

A view builds a `Listing` from the request, the filtered queryset, the sorts its selectors declare and
the columns of its table; the template draws the headings (`core/list_head.html`: a link per sortable
column, `aria-sort` on the sorted one) and the pager (`core/pager.html`). Everything is a plain link or
a GET form; HTMX only swaps the results region in place (`render_list`).
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.db.models import Case, CharField, Choices, F, Func, IntegerField, QuerySet, Value, When
from django.db.models.expressions import BaseExpression, Combinable, OrderBy
from django.db.models.functions import Lower, Replace
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy
from django_stubs_ext import StrOrPromise

PER_PAGE = 50


@dataclass(frozen=True)
class Sort:
    """How one column sorts: order_by expressions (ascending), and whether the first click shows the
    largest first (dates and numbers: the newest)."""

    order: tuple[Any, ...]  # field names or expressions
    descending_first: bool = False


def sort(*order: Any, descending_first: bool = False) -> Sort:
    return Sort(tuple(order), descending_first)


class _CodePoints(Func):
    """Compares by code point on every database (SQLite's BINARY; PostgreSQL's "C", whatever the
    database's own collation), so the ordering key below means the same thing on both."""

    template = "%(expressions)s"
    output_field = CharField()

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(compiler, connection, template='(%(expressions)s) COLLATE "C"', **extra)


# Persian alphabetical order from code points: the letters Persian adds to the Arabic block (پ چ ژ ک گ ی)
# sit at its end, and ه comes before و there. Each is spelled as the letter it follows, then a character
# above every letter, so that پ sorts after every ب and before ت; ی becomes Arabic ي, which follows و and ه.
_AFTER = "\ufffd"
PERSIAN_ORDER = (("پ", "ب" + _AFTER), ("چ", "ج" + _AFTER), ("ژ", "ز" + _AFTER), ("ك", "ق" + _AFTER),
                 ("ک", "ق" + _AFTER), ("گ", "ق" + _AFTER * 2), ("ه", "و" + _AFTER), ("ۀ", "و" + _AFTER),
                 ("ی", "ي"), ("آ", "ا"))


def alphabetical(expression: str | Combinable) -> Func:
    """An ordering key for names in Persian and Latin script alike: Persian letters in the Persian
    alphabet's order, Latin ones without regard to case."""
    key: Func = Lower(F(expression) if isinstance(expression, str) else expression)
    for letter, spelled in PERSIAN_ORDER:
        key = Replace(key, Value(letter), Value(spelled))
    return _CodePoints(key)


def python_alphabetical(text: str) -> str:
    """The same key in Python (for tests and for lists sorted in memory)."""
    key = (text or "").lower()
    for letter, spelled in PERSIAN_ORDER:
        key = key.replace(letter, spelled)
    return key


def _ordered(expression: str | BaseExpression | F, descending: bool) -> OrderBy:
    expression = F(expression) if isinstance(expression, str) else expression
    return expression.desc(nulls_last=True) if descending else expression.asc(nulls_last=True)


def choice_order(field: str, choices: type[Choices]) -> Case:
    """Rows in the order their choices are declared (a lifecycle's states), not by their codes."""
    return Case(*(When(**{field: value}, then=Value(i)) for i, value in enumerate(choices.values)),
                default=Value(len(choices.values)), output_field=IntegerField())


# What following a heading's link does (read by screen readers after the column's name).
_HINTS = {False: gettext_lazy("sort ascending"), True: gettext_lazy("sort descending")}


@dataclass(frozen=True)
class Heading:
    label: StrOrPromise
    url: str | None = None  # None: the column does not sort
    aria_sort: str | None = None  # "ascending" / "descending" on the column the rows are sorted by
    hint: StrOrPromise = ""  # what following the link does, for screen readers


class Listing:
    """One page of sorted rows and the links around it. `columns` lists the table's headings as
    (sort key or None, label); a key found in `sorts` makes its heading a link."""

    def __init__(self, request: HttpRequest, rows: QuerySet[Any], *, sorts: dict[str, Sort], default: str,
                 columns: Iterable[tuple[str | None, StrOrPromise]], per_page: int = PER_PAGE,
                 filters: Iterable[str] | None = None, path: str | None = None) -> None:
        # `path`: the list's own URL when the page is drawn in answer to a post elsewhere (a form's errors).
        self.request, self.sorts, self.default, self.path = request, sorts, default, path or request.path
        self.filter_names = set(filters) if filters is not None else None
        wanted = request.GET.get("sort") or default
        self.key, self.descending = wanted.lstrip("-"), wanted.startswith("-")
        if self.key not in sorts:
            self.key, self.descending = default.lstrip("-"), default.startswith("-")
        order = [_ordered(e, self.descending) for e in sorts[self.key].order]
        # A unique last key: a row never shows on two pages, or on none, when its neighbours tie.
        rows = rows.order_by(*order, "-pk" if self.descending else "pk")
        self.paginator = Paginator(rows, per_page)
        self.page = self.paginator.get_page(request.GET.get("page"))
        self.headings = [self._heading(key, label) for key, label in columns]

    @property
    def sort(self) -> str:
        return f"-{self.key}" if self.descending else self.key

    @property
    def sort_param(self) -> str:
        """The sort to carry in a filter form: empty when it is the page's default (a shorter URL)."""
        return "" if self.sort == self.default else self.sort

    @property
    def filtered(self) -> bool:
        """Some filter narrows the rows: a value for one of `filters` (by default, anything in the URL
        besides the sort and the page)."""
        return any(v for k, values in self.request.GET.lists() for v in values if (
            k in self.filter_names if self.filter_names is not None else k not in ("sort", "page")))

    def url(self, **changes: Any) -> str:
        """This page's URL with some parameters changed (None or "" removes one); the page number is
        dropped unless given, so a new sort or filter starts at the first page."""
        params = {k: v for k, v in self.request.GET.lists() if k != "page"}
        for name, value in changes.items():
            params[name] = [value] if value not in (None, "") else []
        pairs = [(k, v) for k, values in params.items() for v in values if v not in (None, "")]
        return self.path + ("?" + urlencode(pairs) if pairs else "")

    def _heading(self, key: str | None, label: StrOrPromise) -> Heading:
        if key not in self.sorts:
            return Heading(label)
        if key == self.key:
            aria = "descending" if self.descending else "ascending"
            flip = key if self.descending else f"-{key}"
            return Heading(label, self.url(sort=flip), aria, _HINTS[not self.descending])
        descending = self.sorts[key].descending_first
        return Heading(label, self.url(sort=f"-{key}" if descending else key), None, _HINTS[descending])

    def pages(self) -> list[tuple[int | None, str]]:
        """(number, url) of the pages to offer around this one; (None, "") where some are left out."""
        if self.paginator.num_pages <= 1:
            return []
        found: list[tuple[int | None, str]] = []
        for number in self.paginator.get_elided_page_range(self.page.number, on_each_side=1, on_ends=1):
            found.append((number, self.url(page=number)) if isinstance(number, int) else (None, ""))
        return found

    @property
    def previous_url(self) -> str:
        return self.url(page=self.page.previous_page_number()) if self.page.has_previous() else ""

    @property
    def next_url(self) -> str:
        return self.url(page=self.page.next_page_number()) if self.page.has_next() else ""


def wants_fragment(request: HttpRequest) -> bool:
    """An HTMX request for the results region; not htmx's history restore, which needs the whole page."""
    return bool(request.headers.get("HX-Request")) and not request.headers.get("HX-History-Restore-Request")


def render_list(request: HttpRequest, page_template: str, fragment_template: str,
                context: dict[str, Any]) -> HttpResponse:
    """The whole page, or only its results region for HTMX (with the count for the page's live region,
    core/list_status.html, swapped out of band); the two differ by a header, so caches are told."""
    fragment = wants_fragment(request)
    response = render(request, fragment_template if fragment else page_template, {**context, "fragment": fragment})
    patch_vary_headers(response, ["HX-Request"])
    return response
