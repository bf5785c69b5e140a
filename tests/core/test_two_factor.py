"""Two-factor sign-in (core.twofactor): enrolment with a first code and recovery codes, the code after the
password (wrong codes audited and throttled, recovery codes spent once), turning it off, the office's rule
for its owners, and an owner's reset of another person's two-factor (never another office's)."""

import binascii
import re

import pytest
from django.core import mail
from django.test import Client
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from hamdeli.core import services, twofactor
from hamdeli.core.models import AuditEntry
from tests.conftest import client_for

PASSWORD = "pw-for-tests-only-123"


def _code(key_hex, *, step_offset=0):
    totp = TOTP(binascii.unhexlify(key_hex))
    totp.time = totp.time + step_offset * 30
    return f"{totp.token():06d}"


def _enrol(client):
    """Enrol through the pages; returns the device's key and the recovery codes shown."""
    page = client.get("/account/two-factor/")
    assert page.status_code == 200
    key = client.session[twofactor.SECRET_SESSION_KEY]
    done = client.post("/account/two-factor/confirm/", {"code": _code(key)})
    assert done.status_code == 200, done.content[:400]
    codes = re.findall(r'<bdi dir="ltr">([a-z2-7]{8})</bdi>', done.content.decode())
    return key, codes


def _unthrottle(user):
    TOTPDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    StaticDevice.objects.filter(user=user).update(throttling_failure_count=0, throttling_failure_timestamp=None)


def _password_step(client, username, next_url=""):
    data = {"username": username, "password": PASSWORD}
    if next_url:
        data["next"] = next_url
    return client.post("/login/", data)


def _give_device(user):
    key = "3132333435363738393031323334353637383930"
    TOTPDevice.objects.create(user=user, name="Hamdeli", key=key, confirmed=True)
    return key


def test_enrolment_shows_a_qr_code_and_the_secret_and_needs_a_right_first_code(org, officer):
    client = client_for(officer)
    page = client.get("/account/two-factor/")
    html = page.content.decode()
    assert page.status_code == 200 and 'src="data:image/svg+xml' in html
    key = client.session[twofactor.SECRET_SESSION_KEY]
    assert twofactor.secret_for_typing(key) in html  # the secret to type, when the camera will not do
    assert not TOTPDevice.objects.exists(), "opening the page writes nothing"
    assert client.get("/account/two-factor/").content.decode().count(twofactor.secret_for_typing(key)) == 1

    wrong = client.post("/account/two-factor/confirm/", {"code": "12345"})
    assert wrong.status_code == 422 and "six digits" in wrong.content.decode().lower() or "شش" in \
        wrong.content.decode()
    assert not TOTPDevice.objects.exists()

    # Persian digits are read as the same code
    persian = _code(key).translate(str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹"))
    done = client.post("/account/two-factor/confirm/", {"code": persian})
    assert done.status_code == 200
    codes = re.findall(r'<bdi dir="ltr">([a-z2-7]{8})</bdi>', done.content.decode())
    assert len(codes) == twofactor.RECOVERY_CODES
    assert set(StaticToken.objects.values_list("token", flat=True)) == set(codes)
    assert TOTPDevice.objects.get(user=officer).confirmed
    assert AuditEntry.objects.filter(action="two_factor.enabled", object_id="officer", org=org).exists()
    # this sign-in gave a code: it goes on working
    assert client.get("/dashboard/").status_code == 200
    again = client.get("/account/two-factor/").content.decode()
    assert "Turn two-factor sign-in off" in again or "خاموش" in again


def test_sign_in_asks_for_the_code_after_the_password(org, officer):
    key = _give_device(officer)
    client = Client()
    step = _password_step(client, "officer", "/partners/")
    assert step.status_code == 302 and step["Location"] == "/login/code/"
    assert "_auth_user_id" not in client.session, "not signed in before the code"
    assert client.get("/dashboard/").status_code == 302
    assert not AuditEntry.objects.filter(action="auth.login").exists()

    page = client.get("/login/code/")
    assert page.status_code == 200 and 'autocomplete="one-time-code"' in page.content.decode()
    wrong = client.post("/login/code/", {"code": "000000" if _code(key) != "000000" else "111111"})
    assert wrong.status_code == 422
    assert "کد درست نیست" in wrong.content.decode()  # translated (Persian is the default language)
    failed = AuditEntry.objects.get(action="auth.two_factor_failed")
    assert failed.object_id == "officer" and failed.actor is None

    # django-otp throttles: straight after a wrong code even the right one waits
    throttled = client.post("/login/code/", {"code": _code(key)})
    assert throttled.status_code == 429 and "ثانیه" in throttled.content.decode()
    _unthrottle(officer)

    done = client.post("/login/code/", {"code": _code(key)})
    assert done.status_code == 302 and done["Location"] == "/partners/"
    assert client.get("/dashboard/").status_code == 200
    assert AuditEntry.objects.filter(action="auth.login", object_id="officer").exists()
    assert twofactor.PENDING_SESSION_KEY not in client.session


def test_the_same_code_does_not_sign_in_twice(org, officer):
    key = _give_device(officer)
    first, second = Client(), Client()
    _password_step(first, "officer")
    _password_step(second, "officer")
    code = _code(key)
    assert first.post("/login/code/", {"code": code}).status_code == 302
    assert second.post("/login/code/", {"code": code}).status_code == 422


def test_a_recovery_code_signs_in_once_and_is_audited(org, officer):
    client = client_for(officer)
    _key, codes = _enrol(client)
    client.post("/logout/")

    browser = Client()
    _password_step(browser, "officer")
    used = browser.post("/login/code/", {"code": codes[0].upper()[:4] + "-" + codes[0][4:]})
    assert used.status_code == 302
    entry = AuditEntry.objects.get(action="auth.recovery_code_used")
    assert entry.after["left"] == twofactor.RECOVERY_CODES - 1
    assert browser.get("/dashboard/").status_code == 200

    other = Client()
    _password_step(other, "officer")
    assert other.post("/login/code/", {"code": codes[0]}).status_code == 422
    _unthrottle(officer)
    assert other.post("/login/code/", {"code": codes[1]}).status_code == 302


def test_too_many_wrong_codes_end_the_pending_sign_in(org, officer):
    _give_device(officer)
    client = Client()
    _password_step(client, "officer")
    for _ in range(twofactor.MAX_TRIES - 1):
        assert client.post("/login/code/", {"code": "999999x"}).status_code == 422
        _unthrottle(officer)
    last = client.post("/login/code/", {"code": "999999x"})
    assert last.status_code == 302 and last["Location"] == "/login/"
    assert client.get("/login/code/")["Location"] == "/login/"
    assert AuditEntry.objects.filter(action="auth.two_factor_failed").count() == twofactor.MAX_TRIES


def test_a_pending_sign_in_expires(org, officer, monkeypatch):
    key = _give_device(officer)
    client = Client()
    _password_step(client, "officer")
    session = client.session
    session[twofactor.PENDING_SESSION_KEY]["since"] -= twofactor.PENDING_SECONDS + 1
    session.save()
    assert client.post("/login/code/", {"code": _code(key)})["Location"] == "/login/"
    assert "_auth_user_id" not in client.session


def test_a_session_opened_before_enrolment_must_sign_in_again(org, officer):
    elsewhere = client_for(officer)
    assert elsewhere.get("/dashboard/").status_code == 200
    here = client_for(officer)
    _enrol(here)
    assert here.get("/dashboard/").status_code == 200
    refused = elsewhere.get("/dashboard/")
    assert refused.status_code == 302 and refused["Location"].startswith("/login/")
    assert "_auth_user_id" not in elsewhere.session
    # nor does the API take that session
    assert client_for(officer).get("/api/v1/me").status_code == 401


def test_turning_it_off_needs_the_password_or_a_code(org, officer):
    client = client_for(officer)
    key, _codes = _enrol(client)
    refused = client.post("/account/two-factor/disable/", {"password": "wrong"})
    assert refused.status_code == 422 and TOTPDevice.objects.filter(user=officer).exists()
    done = client.post("/account/two-factor/disable/", {"password": PASSWORD})
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists() and not StaticDevice.objects.exists()
    assert AuditEntry.objects.filter(action="two_factor.disabled", object_id="officer").exists()

    key, _codes = _enrol(client)
    _unthrottle(officer)
    by_code = client.post("/account/two-factor/disable/", {"code": _code(key, step_offset=1)})
    assert by_code.status_code == 302 and not TOTPDevice.objects.filter(user=officer).exists()


def test_owners_must_enrol_when_the_office_says_so(org, owner, officer):
    client = client_for(owner)
    assert client.post("/office/two-factor/", {"owners_require_two_factor": "on"}).status_code == 302
    org.refresh_from_db()
    assert org.owners_require_two_factor
    policy = AuditEntry.objects.get(action="organization.two_factor_policy")
    assert policy.after == {"owners_require_two_factor": True}

    sent = client.get("/dashboard/")
    assert sent.status_code == 302 and sent["Location"] == "/account/two-factor/"
    assert client.get("/partners/").status_code == 302
    page = client.get("/account/two-factor/")
    assert page.status_code == 200 and "alert-warning" in page.content.decode()
    # the API through the session is refused too; an API token is not affected
    assert client.get("/api/v1/me").status_code == 401
    _token, secret = services.create_api_token(membership=owner.memberships.get(org=org), name="script")
    assert Client(HTTP_AUTHORIZATION=f"Bearer {secret}").get("/api/v1/me").status_code == 200
    # an officer is not asked
    assert client_for(officer).get("/dashboard/").status_code == 200

    key = client.session[twofactor.SECRET_SESSION_KEY]
    assert client.post("/account/two-factor/confirm/", {"code": _code(key)}).status_code == 200
    assert client.get("/dashboard/").status_code == 200
    # and it cannot be turned off while the office requires it
    kept = client.post("/account/two-factor/disable/", {"password": PASSWORD})
    assert kept.status_code == 409 and TOTPDevice.objects.filter(user=owner).exists()


def test_an_owner_resets_a_members_two_factor(org, owner, officer):
    _give_device(officer)
    client = client_for(owner)
    page = client.get("/people/").content.decode()
    assert "/people/officer/two-factor/reset/" in page
    done = client.post("/people/officer/two-factor/reset/")
    assert done.status_code == 302
    assert not TOTPDevice.objects.filter(user=officer).exists()
    entry = AuditEntry.objects.get(action="two_factor.reset", org=org)
    assert entry.actor == owner and entry.object_id == "officer"
    # nothing left to reset: said, not a 500
    assert client.post("/people/officer/two-factor/reset/").status_code == 409
    # the member signs in with the password alone again
    assert _password_step(Client(), "officer")["Location"] != "/login/code/"


def test_an_owner_cannot_reset_another_offices_member(org, other_org, owner, outsider):
    _give_device(outsider)
    refused = client_for(owner).post(f"/people/{outsider.username}/two-factor/reset/")
    assert refused.status_code == 404
    assert TOTPDevice.objects.filter(user=outsider).exists()
    assert not AuditEntry.objects.filter(action="two_factor.reset").exists()


def test_a_viewer_cannot_reset_or_change_the_rule(org, viewer, officer):
    _give_device(officer)
    client = client_for(viewer)
    assert client.post("/people/officer/two-factor/reset/").status_code == 403
    assert client.post("/office/two-factor/", {"owners_require_two_factor": "on"}).status_code == 403
    assert TOTPDevice.objects.filter(user=officer).exists()


@pytest.mark.parametrize("lang,expected", [("en", "Two-factor code"), ("fa", "کد ورود دومرحله‌ای")])
def test_the_code_page_speaks_the_page_language(org, officer, lang, expected):
    _give_device(officer)
    client = Client()
    client.cookies["hamdeli_language"] = lang
    _password_step(client, "officer")
    html = client.get("/login/code/").content.decode()
    assert expected in html
    assert f'lang="{lang}"' in html


def test_a_reset_link_goes_only_to_an_account_with_a_usable_password(org, owner):
    owner.email = "owner@example.org"
    owner.save()
    invited, _new = services.invite_member(org=org, actor=owner, email="new.person@example.org", role="viewer")
    assert not invited.user.has_usable_password()
    Client().post("/account/password/reset/", {"email": "new.person@example.org"})
    assert mail.outbox == []
    assert not AuditEntry.objects.filter(action="auth.password_reset_requested").exists()
    Client().post("/account/password/reset/", {"email": "owner@example.org"})
    assert len(mail.outbox) == 1
