"""Shared fixtures: two organizations and a member of each role, plus API clients with tokens."""

import pytest
from django.test import Client

from hamdeli.core import services as core
from hamdeli.core.tenancy import scopes_disabled
from hamdeli.places.models import City, Country


# The tenant scope (core.tenancy), as pretix uses django-scopes: fixtures, test bodies and their teardown
# set up and inspect rows of several offices, so they run with scopes disabled; a request through the
# test client enters the real scope in OrganizationMiddleware (or the API token's), so a page or
# endpoint that forgets its scope fails here as it would in production.
@pytest.hookimpl(hookwrapper=True)
def pytest_fixture_setup(fixturedef, request):
    with scopes_disabled():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_call(item):
    with scopes_disabled():
        yield


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item, nextitem):
    with scopes_disabled():
        yield


@pytest.fixture(autouse=True, scope="session")
def _flush_lifts_append_only_triggers():
    """Transactional tests end with a table flush (DELETE on SQLite, TRUNCATE on PostgreSQL), which the
    append-only triggers of the audit and the aid ledger refuse: lift them for the flush only."""
    from django.core.management.commands import flush
    from django.db import connections

    from hamdeli.aid import triggers as aid_triggers
    from hamdeli.core import triggers as audit_triggers

    original = flush.Command.handle

    def handle(self, **options):
        connection = connections[options.get("database") or "default"]
        for module in (audit_triggers, aid_triggers):
            module.run(connection, create=False)
        try:
            return original(self, **options)
        finally:
            for module in (audit_triggers, aid_triggers):
                module.run(connection, create=True)

    flush.Command.handle = handle
    yield
    flush.Command.handle = original


@pytest.fixture(autouse=True)
def _test_settings(settings, tmp_path, monkeypatch):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.VECTOR_INDEX_DIR = tmp_path / "vectors"  # a test's shared vector index is its own
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]  # speed only
    # A visitor's request also prunes ended rate windows about one time in a hundred: an extra query
    # that made the query-count tests fail by chance. tests/core/test_ratelimit.py sets it to 1 to test it.
    from hamdeli.core import ratelimit

    monkeypatch.setattr(ratelimit, "PRUNE_CHANCE", 0.0)


@pytest.fixture
def cities(db):
    """A handful of real GeoNames cities, created directly (no GeoNames import needed)."""
    rows = {
        "isfahan": (418863, "Isfahan", "اصفهان", "IR", "Iran", "ایران"),
        "xian": (1790630, "Xi'an", "شیان", "CN", "China", "چین"),
        "barcelona": (3128760, "Barcelona", "بارسلون", "ES", "Spain", "اسپانیا"),
        "hyderabad": (1269843, "Hyderabad", "حیدرآباد", "IN", "India", "هند"),
        "guangzhou": (1809858, "Guangzhou", "گوانگجو", "CN", "China", "چین"),
        "florence": (3176959, "Florence", "فلورانس", "IT", "Italy", "ایتالیا"),
        "kuala_lumpur": (1735161, "Kuala Lumpur", "کوالالامپور", "MY", "Malaysia", "مالزی"),
    }
    from hamdeli.core.text import search_key

    made = {}
    for key, (gid, en, fa, code, country_en, country_fa) in rows.items():
        Country.objects.get_or_create(code=code, defaults={"name_en": country_en, "name_fa": country_fa})
        made[key] = City.objects.create(geonameid=gid, name_en=en, name_fa=fa, country_id=code,
                                        population=1_000_000, search_key=search_key(en, fa))
    return made


@pytest.fixture
def org(cities):
    return core.ensure_organization(slug="isfahan", city=cities["isfahan"],
                                    name={"fa": "شهرداری اصفهان", "en": "Isfahan Municipality"})


@pytest.fixture
def other_org(cities):
    return core.ensure_organization(slug="xian", city=cities["xian"],
                                    name={"fa": "شهرداری شیان", "en": "Xi'an Foreign Affairs Office"})


def _member(org, username, role):
    return core.ensure_member(org=org, username=username, role=role, password="pw-for-tests-only-123")


@pytest.fixture
def owner(org):
    return _member(org, "owner", "owner").user


@pytest.fixture
def officer(org):
    return _member(org, "officer", "officer").user


@pytest.fixture
def logistics(org):
    return _member(org, "logistics", "logistics").user


@pytest.fixture
def viewer(org):
    return _member(org, "viewer", "viewer").user


@pytest.fixture
def outsider(other_org):
    """An officer of the other organization: must never see ours."""
    return _member(other_org, "outsider", "officer").user


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def api_client_for(user, org) -> Client:
    """A client that calls the API with a bearer token of the user's membership in org."""
    membership = user.memberships.get(org=org)
    _token, secret = core.create_api_token(membership=membership, name="tests")
    return Client(HTTP_AUTHORIZATION=f"Bearer {secret}")


@pytest.fixture
def officer_client(officer):
    return client_for(officer)


@pytest.fixture
def officer_api(officer, org):
    return api_client_for(officer, org)


@pytest.fixture
def viewer_api(viewer, org):
    return api_client_for(viewer, org)


@pytest.fixture
def outsider_api(outsider, other_org):
    return api_client_for(outsider, other_org)


@pytest.fixture(autouse=True)
def _fresh_search_vectors():
    """Each test starts with no vector matrix in memory: a test's rolled-back practices (and the language
    means taken over them) must not carry into the next test's corpus, as they never would in one database."""
    from hamdeli.practices.search import semantic

    semantic._matrix = semantic._Matrix()
