"""The one way a page hands a form to a service: invalid input or a refusal re-renders with field errors."""

from django.http import FileResponse, Http404

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


def serve(field_file, *, download_name: str):
    if not field_file:
        raise Http404
    return FileResponse(field_file.open("rb"), as_attachment=False, filename=download_name)
