"""A signed-in person changes their password; anyone asks for a reset link by email, which answers the
same whether or not the address is known. Both refuse weak passwords, both are audited, and both end the
person's other sign-ins."""

import re

import pytest
from django.core import mail
from django.test import Client

from hamdeli.core import services
from hamdeli.core.models import AuditEntry
from tests.conftest import client_for

OLD = "pw-for-tests-only-123"
NEW = "a-fresh-and-long-one-42"


def _change(client, old=OLD, new=NEW, again=None):
    return client.post("/account/password/", {"old_password": old, "new_password1": new,
                                              "new_password2": new if again is None else again})


def _text(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode().split("<main>")[1]))


def test_the_user_menu_links_the_change_page_in_both_languages(org, owner):
    client = client_for(owner)
    page = client.get("/dashboard/").content.decode()
    assert 'href="/account/password/"' in page and "تغییر گذرواژه" in page
    client.cookies["hamdeli_language"] = "en"
    assert "Change password" in client.get("/dashboard/").content.decode()


def test_a_member_changes_the_password_and_other_sign_ins_end(org, owner):
    here, elsewhere = client_for(owner), client_for(owner)
    response = _change(here)
    assert response.status_code == 302
    owner.refresh_from_db()
    assert owner.check_password(NEW)
    page = here.get(response["Location"], follow=True)  # this sign-in stays, and is told
    assert page.status_code == 200 and "گذرواژه‌تان تغییر کرد" in page.content.decode()
    assert elsewhere.get("/dashboard/").status_code == 302  # the other one ended
    entry = AuditEntry.objects.get(org=org, action="auth.password_changed")
    assert entry.actor == owner and entry.object_id == "owner" and entry.channel == "page"
    assert NEW not in str(entry.after) and "pbkdf2" not in str(entry.after) and "md5" not in str(entry.after)


def test_the_change_is_confirmed_in_the_persons_language(org, owner):
    client = client_for(owner)
    client.cookies["hamdeli_language"] = "en"
    page = client.get(_change(client)["Location"], follow=True)
    assert "Your password was changed" in page.content.decode()


@pytest.mark.parametrize("weak", ["12345678901", "password123", "83749261"])
def test_the_change_page_refuses_weak_passwords(org, owner, weak):
    client = client_for(owner)
    response = _change(client, new=weak)
    assert response.status_code == 200
    assert "گذرواژه" in _text(response) and "form-errors" in response.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(OLD)
    assert not AuditEntry.objects.filter(action="auth.password_changed").exists()


def test_the_change_page_says_why_in_english(org, owner):
    client = client_for(owner)
    client.cookies["hamdeli_language"] = "en"
    assert "only digits" in _text(_change(client, new="83749261"))
    assert "most common" in _text(_change(client, new="password123"))
    assert "current password is not right" in _text(_change(client, old="wrong"))
    assert "differ" in _text(_change(client, again="something-else-77"))
    owner.refresh_from_db()
    assert owner.check_password(OLD)


def test_every_signed_in_person_may_change_their_password_the_anonymous_may_not(org, outsider):
    store = services.ensure_member(org=org, username="store", role="institution", password=OLD).user
    assert client_for(store).get("/account/password/").status_code == 200  # no org.view, still their account
    assert client_for(outsider).get("/account/password/").status_code == 200
    anonymous = Client().get("/account/password/")
    assert anonymous.status_code == 302 and anonymous["Location"].startswith("/login/")


def _ask_reset(email, **extra):
    return Client().post("/account/password/reset/", {"email": email}, **extra)


def _link(message) -> str:
    return re.search(r"https?://[^/\s]+(/account/password/reset/\S+/)", message.body).group(1)


def test_the_reset_request_answers_the_same_for_a_known_and_an_unknown_address(org, owner):
    owner.email = "owner@example.org"
    owner.save()
    known = _ask_reset("Owner@Example.org", REMOTE_ADDR="192.0.2.44")
    unknown = _ask_reset("nobody@example.org")
    assert (known.status_code, known["Location"]) == (unknown.status_code, unknown["Location"]) == \
        (302, "/account/password/reset/sent/")
    assert _text(Client().get(known["Location"])) == _text(Client().get(unknown["Location"]))
    assert [m.to for m in mail.outbox] == [["owner@example.org"]]
    entry = AuditEntry.objects.get(action="auth.password_reset_requested")
    assert (entry.org, entry.object_id, entry.actor, entry.ip) == (org, "owner", None, "192.0.2.44")


def test_a_reset_link_sets_a_new_password_once(org, owner):
    owner.email = "owner@example.org"
    owner.save()
    signed_in = client_for(owner)
    _ask_reset("owner@example.org")
    [message] = mail.outbox
    assert message.subject == "بازنشانی گذرواژهٔ همدلی"
    link = _link(message)
    browser = Client()
    form_page = browser.get(link, follow=True)
    assert form_page.status_code == 200 and 'name="new_password1"' in form_page.content.decode()
    set_url = form_page.redirect_chain[-1][0]

    weak = browser.post(set_url, {"new_password1": "12345678901", "new_password2": "12345678901"})
    assert weak.status_code == 200 and "form-errors" in weak.content.decode()
    owner.refresh_from_db()
    assert owner.check_password(OLD)

    done = browser.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert done.status_code == 302 and done["Location"] == "/account/password/reset/done/"
    owner.refresh_from_db()
    assert owner.check_password(NEW)
    assert signed_in.get("/dashboard/").status_code == 302  # earlier sign-ins ended
    entry = AuditEntry.objects.get(action="auth.password_reset_completed")
    assert entry.actor == owner and entry.org == org

    again = Client().get(link, follow=True)
    assert "name=\"new_password1\"" not in again.content.decode()
    assert "این پیوند به کار نمی‌آید" in again.content.decode()


def test_the_reset_email_speaks_english_to_an_english_page(org, owner):
    owner.email = "owner@example.org"
    owner.save()
    client = Client()
    client.cookies["hamdeli_language"] = "en"
    client.post("/account/password/reset/", {"email": "owner@example.org"})
    [message] = mail.outbox
    assert message.subject == "Reset your Hamdeli password"
    assert "open this link" in message.body and "&amp;" not in message.body


def test_a_reset_lifts_the_sign_in_pause(org, owner):
    owner.email = "owner@example.org"
    owner.save()
    for _ in range(5):
        Client().post("/login/", {"username": "owner", "password": "wrong"})
    assert Client().post("/login/", {"username": "owner", "password": OLD}).status_code == 429
    _ask_reset("owner@example.org")
    browser = Client()
    set_url = browser.get(_link(mail.outbox[0]), follow=True).redirect_chain[-1][0]
    browser.post(set_url, {"new_password1": NEW, "new_password2": NEW})
    assert Client().post("/login/", {"username": "owner", "password": NEW}).status_code == 302


def test_the_sign_in_page_links_the_reset(db):
    assert 'href="/account/password/reset/"' in Client().get("/login/").content.decode()
