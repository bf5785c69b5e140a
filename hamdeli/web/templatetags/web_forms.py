"""Bootstrap's classes on a form field's widget, chosen by the widget's kind, without touching the forms."""

from django import forms, template

register = template.Library()

_CHOICE_LISTS = (forms.RadioSelect, forms.CheckboxSelectMultiple)


@register.filter
def field_kind(bound_field) -> str:
    """'check' (one checkbox), 'choices' (a list of boxes or radios) or 'control' (everything else)."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        return "check"
    if isinstance(widget, _CHOICE_LISTS):
        return "choices"
    return "control"


@register.filter
def control(bound_field):
    """The field's widget with form-control/form-select/form-check-input, is-invalid and the help's id."""
    widget = bound_field.field.widget
    if isinstance(widget, forms.CheckboxInput):
        css = "form-check-input"
    elif isinstance(widget, forms.Select) and not isinstance(widget, _CHOICE_LISTS):
        css = "form-select"
    elif isinstance(widget, _CHOICE_LISTS):
        css = ""
    else:
        css = "form-control"
    attrs = {}
    classes = " ".join(c for c in (widget.attrs.get("class", ""), css) if c)
    if bound_field.errors:
        classes += " is-invalid"
        attrs["aria-invalid"] = "true"
    if classes:
        attrs["class"] = classes
    described = [f"{bound_field.auto_id}_help" if bound_field.help_text else "",
                 f"{bound_field.auto_id}_error" if bound_field.errors else ""]
    if any(described) and bound_field.auto_id:
        attrs["aria-describedby"] = " ".join(d for d in described if d)
    return bound_field.as_widget(attrs=attrs)
