"""Django merges every app's catalogue into one: a msgid translated two ways in two apps shows one
app's word on the other's pages ("Item" read "یادبود", memorial, on the aid pages). The same English
with two meanings needs a context (pgettext, {% translate … context … %}); the same meaning, one word."""

from collections import defaultdict
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUES = sorted((Path(__file__).resolve().parents[2] / "hamdeli").glob("*/locale/fa/LC_MESSAGES/django.po"))


def _translations() -> dict:
    seen = defaultdict(dict)
    for path in CATALOGUES:
        with path.open("rb") as handle:
            for message in read_po(handle):
                if message.id and message.string and not message.fuzzy:
                    key = (message.context, message.id if isinstance(message.id, str) else message.id[0])
                    text = message.string if isinstance(message.string, str) else message.string[0]
                    seen[key][path.parts[-5]] = text
    return seen


def test_there_are_catalogues_to_compare():
    assert len(CATALOGUES) >= 8


def test_one_msgid_has_one_translation_across_the_apps():
    clashes = {key: apps for key, apps in _translations().items() if len(set(apps.values())) > 1}
    assert not clashes, "translated differently in two catalogues (unify, or give one a context): " + "; ".join(
        f"{msgid!r} (context {ctx!r}): {apps}" for (ctx, msgid), apps in sorted(clashes.items(), key=str))


def test_item_reads_as_an_aid_item_on_the_aid_pages():
    from django.utils import translation

    from hamdeli.partners.models import InteractionKind

    with translation.override("fa"):
        assert translation.gettext("Item") == "قلم"
        assert translation.pgettext("recognition item", "Item") == "یادبود"
        assert str(InteractionKind.AID.label) == "کمک"
        assert translation.gettext("Aid") == "کمک‌ها"
