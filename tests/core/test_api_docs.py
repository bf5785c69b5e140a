"""The API's reference is readable in a browser at /api/v1/docs (Swagger UI from django-ninja's own static
files, served by Hamdeli: nothing from a CDN) and lists the OpenAPI document it reads."""

import re

from django.test import Client


def test_the_api_docs_page_is_served_from_hamdeli_itself(db):
    response = Client().get("/api/v1/docs")
    assert response.status_code == 200
    page = response.content.decode()
    assert "/api/v1/openapi.json" in page
    sources = re.findall(r'(?:src|href)="([^"]+)"', page)
    assert any("swagger-ui-bundle" in s for s in sources)
    assert all(s.startswith("/") for s in sources), sources  # no other host
