"""API tokens expire (chosen when made, 90 days unless said otherwise); an expired token gets 401 saying so;
the last use is written at most once a minute; the tokens page shows both."""

import datetime as dt
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from hamdeli.core import services
from hamdeli.core.errors import ValidationFailed
from hamdeli.core.models import ApiToken, AuditEntry
from tests.conftest import client_for


def _close_to(moment, expected, seconds=60):
    return abs((moment - expected).total_seconds()) < seconds


def _api(secret, **extra):
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}", **extra)


def test_a_token_made_on_the_page_lasts_the_chosen_days(org, officer):
    client = client_for(officer)
    page = client.get("/account/tokens/").content.decode()
    assert re.search(r'<option value="90" selected>۹۰ روز</option>', page)  # 90 days unless chosen
    client.post("/account/tokens/", {"name": "monthly report", "expires_in_days": "30"})
    token = ApiToken.objects.get(name="monthly report")
    assert _close_to(token.expires_at, timezone.now() + dt.timedelta(days=30))
    entry = AuditEntry.objects.get(action="api_token.created", after__name="monthly report")
    assert entry.after["expires_at"] == token.expires_at.isoformat()
    client.post("/account/tokens/", {"name": "default"})
    assert _close_to(ApiToken.objects.get(name="default").expires_at, timezone.now() + dt.timedelta(days=90))


@pytest.mark.parametrize("days", ["0", "366", "abc", "-5", "99999999999999999999", ""])
def test_the_page_refuses_a_lifetime_it_does_not_offer(org, officer, days):
    response = client_for(officer).post("/account/tokens/", {"name": "x", "expires_in_days": days})
    assert response.status_code == 422
    assert "روز" in response.content.decode().split('id="token-lifetime"')[1]  # the message under the choice
    assert not ApiToken.objects.filter(name="x").exists()


@pytest.mark.parametrize("days", [0, 366, True, "30", None])
def test_the_service_refuses_a_bad_lifetime(org, officer, days):
    membership = officer.memberships.get(org=org)
    with pytest.raises(ValidationFailed) as refused:
        services.create_api_token(membership=membership, name="x", expires_in_days=days)
    assert "expires_in_days" in refused.value.fields


def test_an_expired_token_is_refused_with_401_saying_so(org, officer):
    membership = officer.memberships.get(org=org)
    token, secret = services.create_api_token(membership=membership, name="old script", expires_in_days=7)
    assert _api(secret).get("/api/v1/me").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    refused = _api(secret, HTTP_ACCEPT_LANGUAGE="en").get("/api/v1/me")
    assert refused.status_code == 401
    body = refused.json()
    assert body["error"] == "token_expired"
    assert "expired on" in body["message"] and "API tokens page" in body["message"]
    persian = _api(secret).get("/api/v1/me").json()["message"]
    assert "زمان این توکن API در" in persian and "به پایان رسیده است" in persian
    writes = _api(secret).post("/api/v1/aid/items", {"code": "x", "name": {"en": "X"}}, content_type="application/json")
    assert writes.status_code == 401


def test_a_revoked_or_unknown_token_is_still_just_unauthenticated(org, officer):
    membership = officer.memberships.get(org=org)
    token, secret = services.create_api_token(membership=membership, name="gone")
    services.revoke_api_token(token=token)
    assert _api(secret).get("/api/v1/me").json()["error"] == "unauthenticated"
    assert _api("hmd_nonsense").get("/api/v1/me").json()["error"] == "unauthenticated"


def test_last_use_is_written_at_most_once_a_minute(org, officer):
    membership = officer.memberships.get(org=org)
    token, secret = services.create_api_token(membership=membership, name="busy")
    assert token.last_used_at is None
    client = _api(secret)
    client.get("/api/v1/me")
    token.refresh_from_db()
    first = token.last_used_at
    assert first is not None and _close_to(first, timezone.now())
    with CaptureQueriesContext(connection) as queries:
        for _ in range(5):
            assert client.get("/api/v1/me").status_code == 200
    writes = [q["sql"] for q in queries.captured_queries if "core_apitoken" in q["sql"] and "UPDATE" in q["sql"]]
    assert writes == []
    token.refresh_from_db()
    assert token.last_used_at == first
    ApiToken.objects.filter(pk=token.pk).update(last_used_at=first - dt.timedelta(minutes=2))
    client.get("/api/v1/me")
    token.refresh_from_db()
    assert _close_to(token.last_used_at, timezone.now())


def test_the_tokens_page_shows_expiry_last_use_and_expired_tokens(org, officer):
    membership = officer.memberships.get(org=org)
    live, secret = services.create_api_token(membership=membership, name="live one", expires_in_days=30)
    _api(secret).get("/api/v1/me")
    dead, _ = services.create_api_token(membership=membership, name="dead one", expires_in_days=30)
    ApiToken.objects.filter(pk=dead.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    client = client_for(officer)
    client.cookies["hamdeli_language"] = "en"
    page = client.get("/account/tokens/").content.decode()
    assert "Expires" in page and "Last used" in page
    rows = dict(re.findall(r"<tr><td>([\w ]+) <code>.*?</code></td>(.*?)</tr>", page, re.S))
    live_row, dead_row = rows["live one"], rows["dead one"]
    assert timezone.localtime(live.expires_at).strftime("%Y") in live_row and "Revoke" in live_row
    assert "—" not in live_row  # used
    assert "Expired" in dead_row and "Revoke" not in dead_row and "—" in dead_row  # never used
