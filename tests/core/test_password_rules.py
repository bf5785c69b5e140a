"""Password rules: common and all-digit passwords are refused wherever a password is set — the service
that makes members (the demo, imports), `hamdeli manage changepassword`, and the password change and
reset pages (tests/core/test_password_pages.py)."""

from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from hamdeli import cli
from hamdeli.core import services
from hamdeli.core.errors import ValidationFailed
from hamdeli.demo.loader import DEMO_PASSWORD

WEAK = ["12345678901", "password123", "83749261"]


@pytest.mark.parametrize("password", WEAK)
def test_the_settings_refuse_common_and_all_digit_passwords(password, db):
    with pytest.raises(ValidationError):
        validate_password(password, get_user_model()(username="someone"))


@pytest.mark.parametrize("password", WEAK)
def test_a_new_member_cannot_be_given_a_weak_password(org, password):
    with pytest.raises(ValidationFailed) as refused:
        services.ensure_member(org=org, username="newcomer", role="viewer", password=password)
    assert refused.value.status == 422 and "password" in refused.value.fields
    assert not get_user_model().objects.filter(username="newcomer").exists()  # nothing half-written


def test_an_existing_member_keeps_the_password_when_a_weak_one_is_refused(org, owner):
    with pytest.raises(ValidationFailed):
        services.ensure_member(org=org, username="owner", role="owner", password="12345678901")
    owner.refresh_from_db()
    assert owner.check_password("pw-for-tests-only-123")


@pytest.mark.parametrize("password", WEAK)
def test_the_changepassword_command_refuses_weak_passwords(owner, password, capsys):
    # run_from_argv closes every connection when it ends, which would end the test's transaction
    with mock.patch("getpass.getpass", return_value=password), mock.patch("django.db.connections.close_all"), \
            pytest.raises(SystemExit) as stopped:
        cli.main(["manage", "changepassword", "owner"])
    assert stopped.value.code != 0
    out = capsys.readouterr()
    assert "Aborting password change" in out.err
    owner.refresh_from_db()
    assert owner.check_password("pw-for-tests-only-123")


@pytest.mark.parametrize("username", ["isfahan_owner", "isfahan_officer", "mui_store"])
def test_the_demo_password_passes_the_rules(username, db):
    validate_password(DEMO_PASSWORD, get_user_model()(username=username))
