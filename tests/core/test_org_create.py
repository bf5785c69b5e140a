"""`hamdeli org create NAME --owner EMAIL` makes an office and its first owner, audited as a command."""

import pytest

from hamdeli import cli
from hamdeli.core import audit
from hamdeli.core.models import AuditEntry, Membership, Organization

pytestmark = pytest.mark.django_db


def test_creates_the_office_and_its_owner(cities, capsys):
    assert cli.main(["org", "create", "Barcelona Office", "--owner", "Ana@Example.org", "--city", "Barcelona",
                     "--language", "en"]) == 0
    org = Organization.objects.get(slug="barcelona-office")
    assert org.name == {"en": "Barcelona Office"} and org.city == cities["barcelona"]
    membership = Membership.objects.get(org=org)
    assert (membership.role, membership.user.email, membership.user.has_usable_password()) == \
        ("owner", "ana@example.org", False)
    assert "changepassword ana@example.org" in capsys.readouterr().out
    entries = AuditEntry.objects.filter(org=org).order_by("seq")
    assert [e.action for e in entries] == ["organization.created", "membership.created"]
    assert {e.channel for e in entries} == {"command"} and entries[0].request_id.startswith("cli-")
    assert audit.verify() == []


def test_refuses_bad_input_and_writes_nothing(cities, capsys):
    assert cli.main(["org", "create", "شهرداری", "--owner", "not-an-email", "--city", "Atlantis"]) == 2
    err = capsys.readouterr().err
    assert "--slug" in err and "not an email" in err and "no city" in err
    assert not Organization.objects.exists()


def test_a_sign_in_lasts_the_configured_days(org, owner, settings):
    from django.test import Client

    from hamdeli import settings as configured

    assert configured.SESSION_COOKIE_AGE == 14 * 24 * 3600  # HAMDELI_SESSION_DAYS' default
    settings.SESSION_COOKIE_AGE = 3 * 24 * 3600
    response = Client().post("/login/", {"username": "owner", "password": "pw-for-tests-only-123"})
    assert response.status_code == 302 and response.cookies["sessionid"]["max-age"] == 3 * 24 * 3600
