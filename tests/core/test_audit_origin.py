"""Each audit entry says where the change came from (page, API token, command), the client's address
through the trusted proxies and the request id, which is also in the logs and in error responses.
Sign-ins, failed sign-ins, sign-outs and downloads are recorded."""

import io
import logging

from django.test import Client

from hamdeli.core.logs import RequestIdFilter
from hamdeli.core.models import AuditEntry, Organization
from tests.conftest import api_client_for, client_for


def test_a_page_change_records_channel_address_and_request_id(org, owner, settings):
    settings.TRUSTED_PROXIES = 1
    response = client_for(owner).post("/account/tokens/", {"name": "laptop"}, REMOTE_ADDR="10.0.0.1",
                                      HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.7", HTTP_X_REQUEST_ID="abc-123")
    assert response["X-Request-ID"] == "abc-123"
    entry = AuditEntry.objects.get(action="api_token.created", after__name="laptop")
    assert (entry.channel, entry.ip, entry.request_id, entry.token_id) == ("page", "203.0.113.7", "abc-123", "")
    assert entry.actor == owner


def test_an_api_change_names_the_token_and_a_bad_request_id_is_replaced(org, owner):
    api = api_client_for(owner, org)
    token = owner.memberships.get(org=org).tokens.get(name="tests")
    response = api.post("/api/v1/aid/items", {"code": "mask", "name": {"fa": "ماسک", "en": "Mask"}},
                        content_type="application/json", HTTP_X_REQUEST_ID="bad id <script>")
    assert response.status_code == 201, response.content
    request_id = response["X-Request-ID"]
    assert len(request_id) == 32 and request_id.isalnum()
    entry = AuditEntry.objects.get(action="aid.item.created")
    assert (entry.channel, entry.token_id, entry.request_id, entry.ip) == ("api", str(token.public_id), request_id,
                                                                          "127.0.0.1")


def test_error_responses_carry_the_request_id(org, owner, outsider):
    api = api_client_for(outsider, Organization.objects.get(slug="xian"))
    response = api.get("/api/v1/audit?limit=abc", HTTP_X_REQUEST_ID="req-42")
    assert response.status_code == 422 and response.json()["request_id"] == "req-42"
    page = client_for(owner).get("/no-such-page/", HTTP_X_REQUEST_ID="req-43")
    assert page.status_code == 404 and b"req-43" in page.content


def test_log_lines_name_the_request(org, owner, caplog):
    caplog.handler.addFilter(RequestIdFilter())
    with caplog.at_level(logging.WARNING, logger="hamdeli.security"):
        response = Client().post("/login/", {"username": "owner", "password": "wrong"}, HTTP_X_REQUEST_ID="log-7")
    assert response.status_code == 200
    [line] = [r for r in caplog.records if r.name == "hamdeli.security"]
    assert line.request_id == "log-7" and "owner" in line.getMessage()
    assert logging.getLogger().handlers[0].filters[0].__class__ is RequestIdFilter  # the configured console


def test_sign_in_failed_sign_in_and_sign_out_are_recorded(org, owner):
    browser = Client()
    browser.post("/login/", {"username": "owner", "password": "wrong"}, REMOTE_ADDR="198.51.100.2")
    browser.post("/login/", {"username": "owner", "password": "pw-for-tests-only-123"})
    browser.post("/logout/")
    actions = list(AuditEntry.objects.filter(org=org, object_id="owner", action__startswith="auth.")
                   .order_by("seq").values_list("action", "actor__username", "ip"))
    assert actions == [("auth.login_failed", None, "198.51.100.2"), ("auth.login", "owner", "127.0.0.1"),
                       ("auth.logout", "owner", "127.0.0.1")]


def test_exports_and_private_downloads_are_recorded_public_files_are_not(org, owner):
    response = client_for(owner).get("/aid/exports/movements/", REMOTE_ADDR="192.0.2.9")
    assert response.status_code == 200
    entry = AuditEntry.objects.get(org=org, action="export.downloaded")
    assert entry.actor == owner and entry.ip == "192.0.2.9" and entry.after["path"] == "/aid/exports/movements/"
    assert entry.object_type == "aid:export_movements"
    assert Client().get("/exchange/").status_code == 200
    assert AuditEntry.objects.filter(action="file.downloaded").count() == 0


def test_a_refusal_is_one_log_line_without_a_traceback(org, owner, viewer):
    """A 403 for a role or a 404 is logged as one line (with its request id); only 5xx keep tracebacks."""
    console = logging.getLogger().handlers[0]
    stream, console.stream = console.stream, io.StringIO()
    try:
        refused = client_for(viewer).get("/audit/", HTTP_X_REQUEST_ID="refused-1")
        missing = client_for(owner).get("/letters/00000000-0000-0000-0000-000000000000/", HTTP_X_REQUEST_ID="missing-1")
        written = console.stream.getvalue()
    finally:
        console.stream = stream
    assert (refused.status_code, missing.status_code) == (403, 404)
    assert "[refused-1] django.request: Forbidden" in written and "[missing-1] django.request: Not Found" in written
    assert "Traceback" not in written
