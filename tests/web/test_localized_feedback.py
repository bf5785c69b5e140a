"""Persian pages say numbers in Persian digits even in Django's own validation messages, join lists with
the Persian comma, and name languages instead of showing their codes."""

from django import forms
from django.template import Context, Template
from django.template.loader import render_to_string
from django.utils import translation

from hamdeli.core import bidi


class _Count(forms.Form):
    n = forms.IntegerField(min_value=1, max_value=20)


def test_a_form_error_in_persian_has_persian_digits():
    with translation.override("fa"):
        form = _Count({"n": "0"})
        assert not form.is_valid()
        html = render_to_string("web/field.html", {"field": form["n"]})
    assert "۱" in html and not any(d in html.split('role="alert"')[1] for d in "0123456789")
    with translation.override("en"):
        html = render_to_string("web/field.html", {"field": _Count({"n": "0"})["n"]})
    assert "1" in html


def test_lists_use_the_languages_own_separator():
    assert bidi.join(["بارسلون", "کوسکو"], "fa") == "بارسلون، کوسکو"
    assert bidi.join(["Barcelona", "Cusco"], "en") == "Barcelona, Cusco"
    for lang, sep in (("fa", "، "), ("en", ", ")):
        with translation.override(lang):
            assert Template("a{% lsep %}b").render(Context()) == f"a{sep}b"


def test_a_language_is_named_not_coded():
    with translation.override("fa"):
        assert Template("{{ 'zh'|langname }}").render(Context()) == "چینی"
