"""The input boundary: one mechanism, not a check per endpoint, that no hostile or clumsy input passes.

- At the door (`InputBoundaryMiddleware`, every page and API request): query strings, form fields and
  JSON bodies hold only valid text (no NUL, no lone surrogate) of bounded length, dates inside
  1900–2100, integers a database can hold; an API write's JSON body is an object. A refusal is a 422
  naming the field (JSON for the API, a short page otherwise), before any view runs.
- At the table (`check_row`, before every save of a Hamdeli model, whatever path it came by: API, page,
  import, service): no null where the column is not nullable, text within its column and free of NUL
  and lone surrogates, integers within the column's range, dates within 1900–2100. It raises
  ValidationFailed, so the service's transaction rolls back and the caller answers 422 naming the field.
- In the API's schemas (`Schema`, the base of every request and response schema, and `Date` for a query
  parameter): a date or time is ISO text, never a number. Pydantic alone reads 0 as 1 January 1970 and
  "1577836800" as 1 January 2020 (seconds since 1970). A field whose column cannot be empty is declared
  without `| None`, so null there is refused (422 naming the field) rather than read as "unchanged".
"""

import datetime as dt
import decimal
import functools
import json
import re
import types
import typing
import uuid
from collections.abc import Callable
from typing import Annotated, Any

import ninja
from django.db import models
from django.db.backends.base.operations import BaseDatabaseOperations
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.utils.html import escape
from django.utils.translation import gettext as _
from pydantic import BeforeValidator, Field, ValidationInfo, field_validator
from pydantic_core import PydanticCustomError

from hamdeli.core import validation

MAX_TEXT = 50_000  # characters in any one text (a long letter is ~20,000)
YEARS = (1900, 2100)
_INT_LIMIT = 2**63  # the widest integer column (bigint)
_ISO_DATE = re.compile(r"^(\d{4,})-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-][0-9:]+)?)?$")
_RANGES = BaseDatabaseOperations.integer_field_ranges  # the same limits on SQLite and PostgreSQL


def _surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def text_problem(text: str, *, max_length: int = MAX_TEXT) -> str | None:
    """Why this text may not be stored (translated), or None."""
    if "\x00" in text:
        return _("Text may not contain a NUL character.")
    if _surrogate(text):
        return _("This text is not valid Unicode.")
    if len(text) > max_length:
        return _("This text is too long.")
    return None


def _date_problem(year: int) -> str | None:
    if not YEARS[0] <= year <= YEARS[1]:
        return _("Enter a date between the years %(first)s and %(last)s.") % {"first": YEARS[0], "last": YEARS[1]}
    return None


def value_problem(value: object) -> str | None:
    """Why a value that came in (query, form or JSON) is refused at the door, or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return None if -_INT_LIMIT <= value < _INT_LIMIT else _("This number is too large.")
    if isinstance(value, float):
        return None if abs(value) < 1e15 else _("This number is too large.")
    if isinstance(value, str):
        problem = text_problem(value)
        if problem is None and (found := _ISO_DATE.match(value.strip())):
            problem = _date_problem(int(found.group(1)))
        return problem
    return None


def find_problems(value: object, path: str = "") -> dict[str, str]:
    """Every refused value inside a JSON document, by its dotted path ("name.en", "lines.0.quantity")."""
    found: dict[str, str] = {}
    if isinstance(value, dict):
        for key, inner in value.items():
            key_text = str(key)
            if (problem := text_problem(key_text, max_length=200)) is not None:
                found[path or "__all__"] = problem
                continue
            found.update(find_problems(inner, f"{path}.{key_text}" if path else key_text))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.update(find_problems(inner, f"{path}.{index}" if path else str(index)))
    elif (problem := value_problem(value)) is not None:
        found[path or "__all__"] = problem
    return found


def _refuse(request: HttpRequest, message: str, fields: dict[str, str]) -> HttpResponse:
    if request.path.startswith("/api/"):
        return JsonResponse({"error": "validation", "message": message, "fields": fields}, status=422,
                            json_dumps_params={"ensure_ascii": False})
    items = "".join(f"<li>{escape(name)}: {escape(text)}</li>" for name, text in fields.items())
    return HttpResponse(f"<!doctype html><title>422</title><h1>{escape(message)}</h1><ul>{items}</ul>",
                        status=422)


class InputBoundaryMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        refusal = self.check(request)
        return refusal if refusal is not None else self.get_response(request)

    def check(self, request: HttpRequest) -> HttpResponse | None:
        fields: dict[str, str] = {}
        for key, values in request.GET.lists():
            for value in values:
                if (problem := value_problem(value)) is not None:
                    fields[key] = problem
        if request.method in ("POST", "PUT", "PATCH"):
            content_type = request.content_type or ""
            if content_type == "application/json" and request.path.startswith("/api/"):
                try:
                    body = json.loads(request.body or b"{}")
                except (ValueError, UnicodeDecodeError):
                    return None  # the API answers its own "not valid JSON"
                if not isinstance(body, dict):
                    return _refuse(request, validation.summary(),
                                   {"__all__": _("The request body must be a JSON object.")})
                fields.update(find_problems(body))
            elif content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
                for key, values in request.POST.lists():
                    for value in values:
                        if (problem := text_problem(value)) is not None:
                            fields[key] = problem
        if fields:
            return _refuse(request, validation.summary(), fields)
        return None


def _field_problem(field: "models.Field[Any, Any]", value: object) -> str | None:
    if value is None:
        filled_later = field.primary_key or getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False)
        if not field.null and not filled_later:
            return _("This field is required.")
        return None
    if isinstance(field, models.JSONField):
        problems = find_problems(value)
        return next(iter(problems.values()), None)
    if isinstance(value, str):
        limit = field.max_length if isinstance(field, models.CharField) and field.max_length else MAX_TEXT
        return text_problem(value, max_length=limit)
    if isinstance(value, bool):
        return None
    if isinstance(value, int) and isinstance(field, models.IntegerField | models.AutoField):
        low, high = _RANGES.get(field.get_internal_type(), (-_INT_LIMIT, _INT_LIMIT - 1))
        return None if low <= value <= high else _("This number is too large.")
    if isinstance(value, decimal.Decimal) and isinstance(field, models.DecimalField) and value.is_finite():
        whole_digits = field.max_digits - field.decimal_places
        return None if value == 0 or value.adjusted() < whole_digits else _("This number is too large.")
    if isinstance(value, dt.date):  # a datetime too
        return _date_problem(value.year)
    return None


def check_row(sender: type[models.Model], instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """pre_save: refuse (422 naming the field) a value the column cannot or must not hold."""
    if raw or not sender.__module__.startswith("hamdeli."):
        return
    fields: dict[str, str] = {}
    for field in sender._meta.concrete_fields:
        if field.is_relation:
            continue
        if (problem := _field_problem(field, getattr(instance, field.attname))) is not None:
            fields[field.name] = problem
    if fields:
        raise validation.invalid(fields)


_ISO_START = re.compile(r"^\s*\d{4}-\d{2}-\d{2}")


def iso_only(value: object) -> object:
    """A date or time as it comes in over the API: ISO text (or already a date), never a number or a
    number written as text. The year's range is the door's (`value_problem`)."""
    if value is None or isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_START.match(value):
        return value
    raise PydanticCustomError("date_type", "Input should be a date written as YYYY-MM-DD")


Date = Annotated[dt.date, BeforeValidator(iso_only)]  # for a date query parameter
# An output schema's `id` read from the model's `public_id` (the primary key never leaves the house).
PublicId = Annotated[uuid.UUID, Field(validation_alias="public_id")]

_T = typing.TypeVar("_T")
_C = typing.TypeVar("_C")
if typing.TYPE_CHECKING:
    # What the type checker reads for the two idioms of the schemas below (the runtime builds the same
    # annotations as before): `OneOf[Kind]` is one of a TextChoices' values, given as text; a
    # `name: Patch[str] = None` field may be left out (then None) but not sent as null.
    OneOf: typing.TypeAlias = str | _C
    Patch: typing.TypeAlias = _T | None
else:
    class OneOf:
        """`OneOf[Choices]`: Literal[every value of the choices], checked by pydantic."""

        def __class_getitem__(cls, choices: Any) -> Any:
            return typing.Literal[tuple(choices.values)]

    class Patch:
        """`Patch[X]`: X itself at run time (null refused by Schema, as `| None` is not declared)."""

        def __class_getitem__(cls, annotation: Any) -> Any:
            return annotation


def _is_temporal(annotation: Any) -> bool:
    """A date or datetime, alone, annotated or as a member of a union (`dt.date | None`)."""
    if isinstance(annotation, type):
        return issubclass(annotation, dt.date)  # a datetime too
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _is_temporal(arguments[0])
    return origin in (typing.Union, types.UnionType) and any(_is_temporal(a) for a in arguments)


def _admits_none(annotation: Any) -> bool:
    """Whether a field so annotated may hold null (`X | None`, `Any`)."""
    if annotation in (None, type(None), typing.Any):
        return True
    origin, arguments = typing.get_origin(annotation), typing.get_args(annotation)
    if origin is Annotated:
        return _admits_none(arguments[0])
    return origin in (typing.Union, types.UnionType) and any(_admits_none(a) for a in arguments)


@functools.cache
def _temporal_fields(model: type[ninja.Schema]) -> frozenset[str]:
    return frozenset(name for name, field in model.model_fields.items() if _is_temporal(field.annotation))


@functools.cache
def _not_null_fields(model: type[ninja.Schema]) -> frozenset[str]:
    return frozenset(name for name, field in model.model_fields.items() if not _admits_none(field.annotation))


class Schema(ninja.Schema):
    """The base of every API schema: its dates and times are ISO text (`iso_only`), whatever the field,
    and null is refused (error type "null") where the field is declared without `| None`; a PATCH
    field that may be left out but not emptied is declared `name: str = None`."""

    @field_validator("*", mode="before")
    @classmethod
    def _at_the_schema(cls, value: object, info: ValidationInfo) -> object:
        if value is None and info.field_name in _not_null_fields(cls):
            raise PydanticCustomError("null", "This field cannot be null")
        if info.field_name in _temporal_fields(cls):
            return iso_only(value)
        return value
