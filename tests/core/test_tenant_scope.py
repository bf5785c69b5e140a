"""The tenant scope (core.tenancy, django-scopes): a tenant-owned model's default manager refuses a query
with no organization in scope, and in a scope sees that organization's rows only; the request, the API's
token and commands enter it."""

import argparse
import contextlib

import pytest
from django.apps import apps
from django.http import HttpResponse
from django.test import RequestFactory

from hamdeli import cli
from hamdeli.core import tenancy
from hamdeli.core.api_setup import BearerToken
from hamdeli.core.middleware import OrganizationMiddleware
from hamdeli.core.tenancy import ScopeError
from hamdeli.partners import services as partners
from hamdeli.partners.models import Partnership

# Models with an organization that are deliberately not scoped, each for a reason (docs/architecture.md,
# "Tenant scope"): reached by the user before any office is known, written under a per-office lock, or
# read across offices by design.
NOT_SCOPED = {
    "core.membership",  # sign-in: a person's offices are looked up by the person
    "core.auditentry",  # the hash chain, written under its head's lock and verified across offices
    "core.auditchainhead",
    "core.idempotencyrecord",  # keyed by office in its own unique constraint (core.idempotency)
    "aid.consignmentcounter",  # a number counter, locked per office
}


@contextlib.contextmanager
def no_scope():
    """Outside any scope, as a command or a thread starts (the suite's bodies run with scopes disabled)."""
    token = tenancy.state.set(None)
    try:
        yield
    finally:
        tenancy.state.reset(token)


def scoped_models():
    return [m for m in apps.get_models() if getattr(m._default_manager, "hamdeli_tenant", False)]


def test_every_model_with_an_org_is_scoped_or_named_as_an_exception():
    with_org = {m._meta.label_lower for m in apps.get_models()
                if any(f.name == "org" and f.is_relation for f in m._meta.get_fields())}
    scoped = {m._meta.label_lower for m in scoped_models()}
    assert with_org - NOT_SCOPED == scoped
    assert {"partners.partnership", "aid.movement", "aid.balance", "practices.cityquestion"} <= scoped


@pytest.mark.parametrize("label", sorted(m._meta.label_lower for m in scoped_models()))
def test_a_query_outside_any_scope_raises(db, label):
    model = apps.get_model(label)
    with no_scope():
        for query in (lambda: list(model.objects.all()), lambda: model.objects.filter(pk=1).exists(),
                      lambda: model.objects.count(), lambda: model.objects.get(pk=1)):
            with pytest.raises(ScopeError):
                query()
        assert list(model.objects.none()) == []  # an empty choice list at import time still works


def test_the_archive_queries_refuse_too(db):
    with no_scope(), pytest.raises(ScopeError):
        Partnership.objects.active()
    with no_scope(), pytest.raises(ScopeError):
        Partnership.objects.archived()


def forgetful_selector():
    """A selector that forgot its organization filter."""
    return sorted(p.org.slug for p in Partnership.objects.select_related("org"))


@pytest.fixture
def two_offices(org, other_org, officer, outsider, cities):
    partners.create_partnership(org=org, actor=officer, city=cities["barcelona"], kind="sister_city")
    partners.create_partnership(org=other_org, actor=outsider, city=cities["florence"], kind="sister_city")
    return org, other_org


def test_a_forgetful_selector_fails_loudly_outside_a_scope(two_offices):
    with no_scope(), pytest.raises(ScopeError):
        forgetful_selector()


def test_a_forgetful_selector_in_a_request_sees_only_the_members_office(two_offices, officer, outsider):
    seen = {}

    def view(request):
        seen[request.user.username] = forgetful_selector()
        return HttpResponse()

    for user in (officer, outsider):
        request = RequestFactory().get("/")
        request.user, request.session = user, {}
        with no_scope():
            OrganizationMiddleware(view)(request)
    assert seen == {"officer": ["isfahan"], "outsider": ["xian"]}


def test_a_visitors_request_has_no_office_in_scope(two_offices):
    from django.contrib.auth.models import AnonymousUser

    def view(request):
        return HttpResponse(forgetful_selector())

    request = RequestFactory().get("/")
    request.user, request.session = AnonymousUser(), {}
    with no_scope(), pytest.raises(ScopeError):
        OrganizationMiddleware(view)(request)


def test_an_api_token_binds_its_office_for_the_request(two_offices, outsider, other_org):
    from hamdeli.core import services as core

    _token, secret = core.create_api_token(membership=outsider.memberships.get(org=other_org), name="scope")
    request = RequestFactory().get("/api/v1/partners/")
    with no_scope():
        with tenancy.request_scope(None):
            assert BearerToken().authenticate(request, secret) is not None
            assert forgetful_selector() == ["xian"]
        with pytest.raises(ScopeError):  # the binding ends with the request
            forgetful_selector()


def test_a_scope_listing_two_offices_sees_both(two_offices):
    org, other_org = two_offices
    with no_scope(), tenancy.in_scope_of(org, other_org):
        assert forgetful_selector() == ["isfahan", "xian"]


def test_a_command_enters_the_scope_of_its_office(two_offices):
    with no_scope():
        with tenancy.command_scope(argparse.Namespace(org="xian")):
            assert forgetful_selector() == ["xian"]
        with tenancy.command_scope(argparse.Namespace()), pytest.raises(ScopeError):
            forgetful_selector()


def test_a_real_command_runs_in_its_scope(two_offices, tmp_path, capsys):
    out = tmp_path / "partners.csv"
    with no_scope():
        assert cli.main(["partners", "export", str(out), "--org", "isfahan"]) == 0
    assert "1 partnership(s)" in capsys.readouterr().out
    assert "Barcelona" in out.read_text(encoding="utf-8-sig")


def test_commands_over_every_office_say_why():
    parser = cli.build_parser()
    marked = set()
    for action in parser._subparsers._group_actions:
        for sub in action.choices.values():
            for group in getattr(sub, "_subparsers", None) and sub._subparsers._group_actions or []:
                for leaf in group.choices.values():
                    reason = getattr(leaf.get_default("handler"), "hamdeli_across_offices", "")
                    if reason:
                        marked.add(leaf.prog.removeprefix(parser.prog).strip())
            reason = getattr(sub.get_default("handler"), "hamdeli_across_offices", "")
            if reason:
                marked.add(sub.prog.removeprefix(parser.prog).strip())
    assert {"demo", "audit verify", "ledger verify", "backup", "restore", "practices reindex"} <= marked
