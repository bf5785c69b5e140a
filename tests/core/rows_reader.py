"""Prints every row of every table of the database in HAMDELI_DATABASE_URL as normalised JSON, so a test
can compare two databases of different vendors (run by test_backup's cross-database restore)."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamdeli.settings")

import django  # noqa: E402

django.setup()

import datetime as dt  # noqa: E402
import json  # noqa: E402


def normalised(value):
    """One text per value whatever the database: UTC timestamps with microseconds, JSON with sorted keys."""
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat()
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True)
    if isinstance(value, bytes | memoryview):
        return bytes(value).hex()
    return repr(value) if not isinstance(value, str) else value


def every_row() -> dict:
    from hamdeli.core import backup

    return {model._meta.label_lower: [[normalised(v) for v in row] for row in model._base_manager.order_by("pk")
                                      .values_list(*[f.attname for f in model._meta.concrete_fields])]
            for model in backup.models_to_copy()}


if __name__ == "__main__":
    print(json.dumps(every_row()))
