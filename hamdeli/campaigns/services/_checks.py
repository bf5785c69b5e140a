"""Small input checks shared by the campaigns services; each refuses with a field-named 422."""

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Choices
from django.utils.translation import gettext as _

from hamdeli.core.errors import ValidationFailed
from hamdeli.core.localized import clean_localized


def invalid(field: str, message: str) -> ValidationFailed:
    return ValidationFailed(_("Some fields are not valid."), fields={field: message})


def localized(field: str, value: object, *, required: bool = True) -> dict[str, str]:
    try:
        return clean_localized(value, required=required)
    except ValidationError as exc:
        raise invalid(field, exc.messages[0]) from None


def choice(field: str, value: object, choices: type[Choices]) -> str:
    if value not in choices.values:
        raise invalid(field, _("Choose one of the allowed values."))
    return str(value)  # one of the choices' values: text


def max_length(field: str, value: str, limit: int) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        raise invalid(field, _("At most %(n)s characters.") % {"n": limit})
    return value


def period(start_field: str, start: dt.date | None, end_field: str, end: dt.date | None) -> None:
    if start and end and end < start:
        raise invalid(end_field, _("The end cannot be before the start."))


def unknown_fields(fields: dict[str, Any], allowed: Iterable[str]) -> None:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed(_("Unknown fields."),
                               fields={name: _("This field cannot be set here.") for name in sorted(unknown)})
