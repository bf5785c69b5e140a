import re

import pytest
from django.http import Http404

from hamdeli.core import services
from hamdeli.core.models import AuditEntry
from tests.conftest import client_for


def test_a_member_of_two_offices_switches_between_them(org, other_org, officer):
    services.ensure_member(org=other_org, username="officer", role="viewer")
    client = client_for(officer)
    assert "شهرداری اصفهان" in client.get("/dashboard/").content.decode()
    client.post("/org/switch/", {"org": str(other_org.public_id)})
    page = client.get("/dashboard/").content.decode()
    assert "شهرداری شیان" in page.split("<main>")[1]
    assert client.get("/partners/new/").status_code == 403  # a viewer in the other office


def test_tokens_are_shown_once_and_audited(officer_client):
    page = officer_client.post("/account/tokens/", {"name": "reporting script"}).content.decode()
    secret = re.search(r"<code>(hmd_[\w-]{40,})</code>", page).group(1)
    assert secret not in officer_client.get("/account/tokens/").content.decode()
    assert officer_client.get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {secret}").status_code == 200
    assert AuditEntry.objects.filter(action="api_token.created").count() == 1
    refused = officer_client.post("/account/tokens/", {"name": ""})
    assert refused.status_code == 422


def test_only_the_requested_record_gone_is_a_404(org):
    """A record removed a moment before a service re-reads it under its lock is "not found"; any other
    DoesNotExist is a bug and is not turned into a 404 (tests/core/test_not_found.py drives both)."""
    from hamdeli.core.models import Membership, Organization
    from hamdeli.core.records import RecordNotFound, get_or_404, locked

    with pytest.raises(RecordNotFound):
        locked(Membership.objects, pk=0, org=org)
    with pytest.raises(RecordNotFound):
        get_or_404(Organization, slug="nowhere")
    with pytest.raises(Http404):
        get_or_404(Organization.objects.filter(pk=org.pk), slug="nowhere")
    assert get_or_404(Organization.objects, pk=org.pk) == org
