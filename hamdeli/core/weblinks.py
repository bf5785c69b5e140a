"""Web addresses users store (an endorsement's source, a practice's links): http or https only, checked
in the service whatever path the value came by (page form, API, import), and checked again when one is
made into a link, so that a `javascript:` address stored before can never run."""

from typing import TypeGuard
from urllib.parse import urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from hamdeli.core.validation import invalid

SCHEMES = ("http", "https")
_check = URLValidator(schemes=list(SCHEMES))


def is_web_address(value: object) -> TypeGuard[str]:
    if not isinstance(value, str) or urlsplit(value.strip()).scheme.lower() not in SCHEMES:
        return False
    try:
        _check(value.strip())
    except ValidationError:
        return False
    return True


def web_address(field: str, value: object, *, max_length: int = 500) -> str:
    """The address, trimmed; empty stays empty; anything but an http(s) address is a 422 naming the field."""
    value = (value or "").strip() if isinstance(value, str | type(None)) else value
    if value == "":
        return ""
    if not is_web_address(value) or len(value) > max_length:
        raise invalid(field, _("Enter a web address starting with http:// or https://."))
    return value
