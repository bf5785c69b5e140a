"""One validation path (issue 16): every service refuses bad input through core.validation, with one shape,
`{field: translated message}` under one summary written once."""

import re
from pathlib import Path

import pytest
from django.utils import translation

from hamdeli.core import validation
from hamdeli.core.errors import ValidationFailed
from hamdeli.partners.models import PartnershipKind

ROOT = Path(__file__).resolve().parents[2] / "hamdeli"


def test_the_summary_is_written_once_and_no_app_keeps_an_idiom_of_its_own():
    written = [str(p.relative_to(ROOT)) for p in ROOT.rglob("*.py")
               if '_("Some fields are not valid.")' in p.read_text(encoding="utf-8")]
    assert written == ["core/validation.py"]
    idioms = re.compile(r"def _localized\(|def _invalid\(|services\._checks|services/_checks")
    assert not [p for p in ROOT.rglob("*.py") if idioms.search(p.read_text(encoding="utf-8"))]
    assert not (ROOT / "campaigns" / "services" / "_checks.py").exists()


def test_a_refusal_names_its_fields_in_one_shape_translated():
    with translation.override("fa"):
        refusal = validation.invalid("kind", "x")
        assert (refusal.status, refusal.code, refusal.message) == (422, "validation", "برخی از فیلدها معتبر نیستند.")
        assert refusal.fields == {"kind": "x"}
        with pytest.raises(ValidationFailed) as caught:
            validation.choice("kind", "nonsense", PartnershipKind)
        assert caught.value.as_json()["fields"] == {"kind": "یکی از مقدارهای مجاز را برگزینید."}
    with translation.override("en"):
        with pytest.raises(ValidationFailed) as caught:
            validation.localized("title", {"xx": "?"})
        assert caught.value.fields == {"title": "Unknown language code(s): xx."}


def test_problems_are_collected_and_refused_together():
    problems = validation.Problems()
    assert problems.collect(validation.localized, "title", {"en": " Hi "}) == {"en": "Hi"}
    assert problems.collect(validation.localized, "title", {}) is None
    assert problems.collect(validation.email, "email", "not an address") is None
    problems["note"] = "At most 500 characters."
    with translation.override("en"), pytest.raises(ValidationFailed) as caught:
        problems.check()
    assert caught.value.message == "Some fields are not valid."
    assert set(caught.value.fields) == {"title", "email", "note"}
    validation.Problems().check()  # nothing noted, nothing refused
    validation.check({})
