"""The one way a service refuses bad input: a `ValidationFailed` whose `fields` name each bad field,
`{field: translated message}`, under one translated summary ("Some fields are not valid."), written here
once. The API answers it as a 422 with that shape (core.api_setup) and a form shows each message next to
its field (core.forms). The small checks every service needs — localized text, a choice, a length, a
period, unknown fields — live here too, so no app keeps an idiom of its own."""

from collections.abc import Callable, Iterable, Mapping
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db.models import Choices
from django.utils.translation import gettext as _

from hamdeli.core.errors import ValidationFailed
from hamdeli.core.localized import clean_localized

T = TypeVar("T")


def summary() -> str:
    """The translated summary of a refusal that names its fields."""
    return _("Some fields are not valid.")


def invalid(fields: Mapping[str, str] | str, message: str | None = None) -> ValidationFailed:
    """The refusal (to raise) naming bad fields: `invalid("name", msg)` or `invalid({"name": msg, …})`."""
    if isinstance(fields, str):
        fields = {fields: message or _("This value is not valid.")}
    return ValidationFailed(summary(), fields=fields)


def check(errors: Mapping[str, str]) -> None:
    """Refuse with every collected problem at once, if there is any."""
    if errors:
        raise invalid(errors)


def localized(field: str, value: object, *, required: bool = True) -> dict[str, str]:
    """Localized text ({"fa": …, "en": …}) tidied, or a refusal naming `field`."""
    try:
        return clean_localized(value, required=required)
    except ValidationError as exc:
        raise invalid(field, exc.messages[0]) from None


def choice(field: str, value: str, choices: type[Choices]) -> str:
    """`value` when it is one of the model's `choices`, else a refusal naming `field`."""
    if value not in choices.values:
        raise invalid(field, _("Choose one of the allowed values."))
    return value


def max_length(field: str, value: str | None, limit: int) -> str:
    """The stripped text, refused when longer than `limit` characters."""
    value = (value or "").strip()
    if len(value) > limit:
        raise invalid(field, _("At most %(n)s characters.") % {"n": limit})
    return value


def period(start_field: str, start: Any, end_field: str, end: Any) -> None:
    """An end before its start is refused on the end's field."""
    if start and end and end < start:
        raise invalid(end_field, _("The end cannot be before the start."))


def unknown_fields(fields: Iterable[str], allowed: Iterable[str]) -> None:
    """Refuse, naming each, fields a service does not set."""
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValidationFailed(_("Unknown fields."),
                               fields={name: _("This field cannot be set here.") for name in sorted(unknown)})


def email(field: str, value: str | None) -> str:
    """The trimmed address, or a refusal naming `field`."""
    value = (value or "").strip()
    try:
        EmailValidator()(value)
    except ValidationError:
        raise invalid(field, _("Enter a valid email address.")) from None
    return value


class Problems(dict[str, str]):
    """Problems collected field by field, `{field: message}`, to refuse all together with `check()`."""

    def collect(self, check: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        """Run one of this module's checks; its refusal is noted here instead of raised (None returned)."""
        try:
            return check(*args, **kwargs)
        except ValidationFailed as exc:
            self.update(exc.fields)
            return None

    def check(self) -> None:
        """Refuse with every problem noted, if there is any."""
        if self:
            raise invalid(dict(self))
