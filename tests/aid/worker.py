"""A separate process acting on the test database (run by the concurrency and crash tests).

python tests/aid/worker.py distribute <org_slug> <username> <location_id> <recipient_id> <item_id> <quantity>
python tests/aid/worker.py import <org_slug> <username> <pledge_id> <csv_path>
Prints one JSON line with the outcome.
"""

import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hamdeli.settings")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402

from hamdeli.aid import imports, ledger, services  # noqa: E402
from hamdeli.aid.models import Item, Location, Party, Pledge  # noqa: E402
from hamdeli.core.errors import ServiceError  # noqa: E402
from hamdeli.core.models import Organization  # noqa: E402


def main(mode, slug, username, *args):
    org = Organization.objects.get(slug=slug)
    actor = get_user_model().objects.get(username=username)
    if mode == "distribute":
        location, recipient, item, quantity = args
        try:
            services.distribute(org=org, actor=actor, source=Location.objects.get(public_id=location),
                                recipient=Party.objects.get(public_id=recipient), recipient_group="ward",
                                lines=[{"item": Item.objects.get(public_id=item), "quantity": int(quantity)}])
            print(json.dumps({"status": 201}))
        except ServiceError as exc:
            print(json.dumps({"status": exc.status, "error": exc.code, "message": exc.message}))
    elif mode == "import":
        pledge_id, path = args
        real_post, count = ledger.post, [0]

        def announcing_post(**kwargs):  # tells the parent it is midway, then goes on posting
            count[0] += 1
            if count[0] == 50:
                print(json.dumps({"status": "midway"}), flush=True)
            return real_post(**kwargs)

        services.post = announcing_post
        from django.core.files.uploadedfile import SimpleUploadedFile

        with open(path, "rb") as handle:
            upload = SimpleUploadedFile("boxes.csv", handle.read())
        imports.import_boxes(org=org, actor=actor, pledge=Pledge.objects.get(public_id=pledge_id), upload=upload)
        print(json.dumps({"status": 201}), flush=True)


if __name__ == "__main__":
    from hamdeli.core.models import Organization
    from hamdeli.core.tenancy import in_scope_of

    with in_scope_of(Organization.objects.get(slug=sys.argv[2])):  # a process of its own: the office's scope
        main(*sys.argv[1:])
