"""The one way a page hands a form to a service: invalid input or a refusal re-renders with field errors."""

from hamdeli.core.errors import ServiceError
from hamdeli.core.forms_util import apply_service_error


def submit(form, call):
    """Returns (result, status): (None, 200) when not posted, (None, 4xx) when refused, else (result, 200)."""
    if not form.is_bound:
        return None, 200
    if not form.is_valid():
        return None, 422
    try:
        return call(form.cleaned_data), 200
    except ServiceError as exc:
        apply_service_error(form, exc)
        return None, exc.status
