"""`{% form_token %}`: the hidden one-time token every aid form that writes carries (see aid.formtokens)."""

from django import template
from django.utils.html import format_html

from hamdeli.aid import formtokens

register = template.Library()


@register.simple_tag(takes_context=True)
def form_token(context):
    return format_html('<input type="hidden" name="{}" value="{}">', formtokens.FIELD,
                       formtokens.issue(context["request"].org))
