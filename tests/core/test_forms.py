from django import forms
from django.utils import translation

from hamdeli.core.forms import LocalizedTextFormField


class NameForm(forms.Form):
    name = LocalizedTextFormField()
    motto = LocalizedTextFormField(required=False)


def test_localized_text_takes_persian_and_english_boxes():
    form = NameForm({"name_fa": "همدلی", "name_en": "Solidarity"})
    assert form.is_valid(), form.errors
    assert form.cleaned_data["name"] == {"fa": "همدلی", "en": "Solidarity"}
    assert form.cleaned_data["motto"] == {}


def test_localized_text_with_every_box_empty_is_a_field_error_not_a_crash():
    with translation.override("fa"):
        form = NameForm({})
        assert not form.is_valid()
    assert "به یک زبان" in form.errors["name"][0]
