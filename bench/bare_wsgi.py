"""The baseline of bench/api.py: a bare Django JSON view of the same payload, served by gunicorn the same
way — no middleware, no database, no authentication. `/<name>` parses the payload the app returned for
that endpoint (saved as BENCH_PAYLOADS/<name>.json) and serialises it again, as a view building its answer
from Python data would."""

import json
import os
from pathlib import Path

from django.conf import settings

settings.configure(DEBUG=False, SECRET_KEY="bench-bare", ALLOWED_HOSTS=["127.0.0.1"], ROOT_URLCONF=__name__,
                   MIDDLEWARE=[], INSTALLED_APPS=[], USE_I18N=False)

import django  # noqa: E402 - configured first
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.http import Http404, JsonResponse  # noqa: E402
from django.urls import path  # noqa: E402

django.setup()
PAYLOADS = Path(os.environ.get("BENCH_PAYLOADS", "."))


def payload(request, name: str):
    try:
        data = json.loads((PAYLOADS / f"{Path(name).name}.json").read_bytes())
    except FileNotFoundError:
        raise Http404 from None
    return JsonResponse(data, safe=False)


urlpatterns = [path("<str:name>", payload)]
application = get_wsgi_application()
