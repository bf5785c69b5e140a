"""Sign-in throttling (django-axes): five failed sign-ins for one user name from one address pause that
pair for 15 minutes; the page says so in the person's language with 429 and Retry-After; the pause is
in the office's audit; the address is the one read through HAMDELI_TRUSTED_PROXIES."""

import datetime as dt

import pytest
from axes.models import AccessAttempt
from django.test import Client

from hamdeli.core.models import AuditEntry

GOOD = "pw-for-tests-only-123"


def _sign_in(client, password, username="owner", **extra):
    return client.post("/login/", {"username": username, "password": password}, **extra)


def _signed_in(client) -> bool:
    return "_auth_user_id" in client.session


def test_five_failures_pause_the_pair_even_for_the_right_password(org, owner):
    browser = Client()
    for _ in range(4):
        assert _sign_in(browser, "wrong").status_code == 200
    paused = _sign_in(browser, "wrong")
    assert paused.status_code == 429
    assert 890 <= int(paused["Retry-After"]) <= 900
    page = paused.content.decode()
    assert "Sign-in is paused" not in page  # Persian by default
    assert "ورود برای ۱۵ دقیقه متوقف شد" in page
    assert 'name="username"' in page and 'value="owner"' in page  # the sign-in form is still there

    refused = _sign_in(browser, GOOD)
    assert refused.status_code == 429 and not _signed_in(browser)


def test_the_pause_message_is_in_english_for_an_english_page(org, owner):
    browser = Client()
    browser.cookies["hamdeli_language"] = "en"
    for _ in range(5):
        response = _sign_in(browser, "wrong")
    assert response.status_code == 429
    assert "Sign-in is paused for 15 minutes" in response.content.decode()


def test_the_pause_is_per_user_name_and_address(org, owner, viewer):
    for _ in range(5):
        _sign_in(Client(), "wrong", REMOTE_ADDR="198.51.100.7")
    assert _sign_in(Client(), GOOD, REMOTE_ADDR="198.51.100.7").status_code == 429
    elsewhere = Client()
    assert _sign_in(elsewhere, GOOD, REMOTE_ADDR="198.51.100.8").status_code == 302 and _signed_in(elsewhere)
    colleague = Client()
    assert _sign_in(colleague, GOOD, username="viewer", REMOTE_ADDR="198.51.100.7").status_code == 302
    assert _signed_in(colleague)


def test_the_pause_ends_after_the_cool_off(org, owner):
    for _ in range(5):
        _sign_in(Client(), "wrong")
    assert _sign_in(Client(), GOOD).status_code == 429
    AccessAttempt.objects.update(attempt_time=dt.datetime.now(dt.UTC) - dt.timedelta(minutes=16))
    browser = Client()
    assert _sign_in(browser, GOOD).status_code == 302 and _signed_in(browser)


def test_a_good_password_forgets_earlier_slips(org, owner):
    for _ in range(4):
        _sign_in(Client(), "wrong")
    assert _sign_in(Client(), GOOD).status_code == 302
    for _ in range(4):
        assert _sign_in(Client(), "wrong").status_code == 200


def test_the_address_comes_through_the_trusted_proxies(org, owner, settings):
    """Behind one proxy, the client is the right-most X-Forwarded-For entry: what a client writes to the
    left of it cannot escape the pause, and two clients behind the same proxy are told apart."""
    settings.TRUSTED_PROXIES = 1
    for spoofed in ("1.1.1.1", "2.2.2.2", "3.3.3.3", "4.4.4.4", "5.5.5.5"):
        _sign_in(Client(), "wrong", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR=f"{spoofed}, 203.0.113.5")
    assert _sign_in(Client(), GOOD, REMOTE_ADDR="10.0.0.1",
                    HTTP_X_FORWARDED_FOR="9.9.9.9, 203.0.113.5").status_code == 429
    assert _sign_in(Client(), GOOD, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.6").status_code == 302
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {"203.0.113.5"}


def test_the_pause_is_audited_once_and_refused_attempts_are_not(org, owner):
    for _ in range(5):
        _sign_in(Client(), "wrong", REMOTE_ADDR="198.51.100.9")
    for _ in range(10):
        _sign_in(Client(), GOOD, REMOTE_ADDR="198.51.100.9")
    actions = list(AuditEntry.objects.filter(org=org, object_id="owner", action__startswith="auth.").order_by("seq")
                   .values_list("action", "ip"))
    assert actions == [("auth.login_failed", "198.51.100.9")] * 5 + [("auth.locked_out", "198.51.100.9")]
    paused = AuditEntry.objects.get(action="auth.locked_out")
    assert paused.after["failures"] == 5 and 890 <= paused.after["paused_seconds"] <= 900


@pytest.mark.parametrize("username", ["nobody-has-this-name", "owner"])
def test_a_paused_name_nobody_has_is_paused_too_and_written_to_no_office(org, owner, username):
    for _ in range(5):
        _sign_in(Client(), "wrong", username=username)
    assert _sign_in(Client(), "wrong", username=username).status_code == 429
    expected = 6 if username == "owner" else 0
    assert AuditEntry.objects.filter(action__in=["auth.login_failed", "auth.locked_out"]).count() == expected
