"""Persian is first-class: every UI string of every app is in its Persian catalogue, translated."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parents[2]
APPS = sorted(p for p in (ROOT / "hamdeli").iterdir() if (p / "apps.py").exists())


def _catalogue(app: Path) -> Path:
    return app / "locale" / "fa" / "LC_MESSAGES" / "django.po"


def _ids(po: Path) -> set[str]:
    with po.open("rb") as handle:
        return {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(handle) if m.id}


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_every_string_in_the_catalogue_is_translated(app):
    po = _catalogue(app)
    assert po.exists(), f"{app.name} has no Persian catalogue"
    with po.open("rb") as handle:
        catalogue = read_po(handle)
    untranslated = [m.id for m in catalogue if m.id and (not m.string or not all(m.string) if isinstance(
        m.string, tuple) else not m.string)]
    fuzzy = [m.id for m in catalogue if m.id and m.fuzzy]
    assert not untranslated, f"untranslated in {app.name}: {untranslated[:10]}"
    assert not fuzzy, f"fuzzy in {app.name}: {fuzzy[:10]}"


@pytest.mark.parametrize("app", APPS, ids=lambda p: p.name)
def test_the_catalogue_holds_every_string_of_the_source(app, tmp_path):
    """Extract the strings afresh (Django's makemessages) and compare with the committed catalogue."""
    copy = tmp_path / app.name
    shutil.copytree(app, copy, ignore=shutil.ignore_patterns("locale", "__pycache__", "static"))
    (copy / "locale").mkdir()
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "hamdeli.settings", "PYTHONPATH": str(ROOT)}
    # django-admin, not `python -m django`: the latter puts the app folder on sys.path, where its
    # selectors.py would shadow the standard library's selectors module.
    django_admin = Path(sys.executable).parent / "django-admin"
    subprocess.run([str(django_admin), "makemessages", "-l", "fa"], cwd=copy, env=env,
                   check=True, capture_output=True, timeout=120)
    extracted = _catalogue(copy)
    missing = _ids(extracted) - _ids(_catalogue(app)) if extracted.exists() else set()
    assert not missing, f"strings of {app.name} missing from its catalogue: {sorted(missing)[:10]}"
