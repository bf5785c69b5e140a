"""Prints an office's rows (tests.core.office_world.office_rows) from the database in HAMDELI_DATABASE_URL as
JSON, so a test can compare an office imported into a database of the other vendor with the original."""

import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamdeli.settings")

import django  # noqa: E402

django.setup()

import json  # noqa: E402

if __name__ == "__main__":
    from hamdeli.core.models import Organization
    from tests.core.office_world import office_rows

    print(json.dumps(office_rows(Organization.objects.get(slug=sys.argv[1]))))
