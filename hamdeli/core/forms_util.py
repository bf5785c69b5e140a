"""Carrying a service's refusal back onto the form that asked for it."""

from django.forms import BaseForm

from hamdeli.core.errors import ServiceError


def apply_service_error(form: BaseForm, error: ServiceError) -> None:
    """Show a service's field errors next to their fields, the rest at the top of the form."""
    placed = False
    for field, message in error.fields.items():
        if field in form.fields:
            form.add_error(field, message)
            placed = True
    if not placed or not error.fields:
        form.add_error(None, error.message)
