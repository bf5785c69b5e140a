"""Errors a service raises for bad input or a refused action; mapped to 4xx by the API and forms."""

from collections.abc import Mapping
from typing import Any

from django.http import Http404
from django.utils.translation import gettext as _


class ServiceError(Exception):
    """A refusal a user can act on. The message is already translated when raised."""

    status = 400
    code = "invalid"

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 fields: Mapping[str, object] | None = None, status: int | None = None) -> None:
        self.message = str(message or _("The request could not be carried out."))
        self.code = code or self.code
        self.fields = {key: str(value) for key, value in (fields or {}).items()}
        if status is not None:
            self.status = status
        super().__init__(self.message)

    def as_json(self) -> dict[str, Any]:
        return {"error": self.code, "message": self.message, "fields": self.fields}


class ValidationFailed(ServiceError):
    status = 422
    code = "validation"


class Conflict(ServiceError):
    """The action does not fit the object's current state (an illegal transition, a duplicate)."""

    status = 409
    code = "conflict"


def require_fields(**values: object) -> None:
    """Refuse at once, naming every missing field, when required values are empty."""
    missing = {name: _("This field is required.") for name, value in values.items() if value in (None, "", [])}
    if missing:
        raise ValidationFailed(_("Some required fields are empty."), fields=missing)


class RecordNotFound(Http404):
    """The record a request asked for (by its id, or re-read under a lock) is not there: a 404. Only this
    is a 404; any other `DoesNotExist` is a bug and stays a 500 (core.records.get_or_404 raises it)."""
