"""Every page and every API operation, for every kind of caller.

- anonymous: pages send it to sign in, the API answers 401 (unless the route is public);
- outsider (an officer of another org): 404 for anything of ours, and none of our data in lists;
- viewer: reads, but every write is refused (403 or 404);
- the route's role (officer unless stated) succeeds.

A page or operation with no row here fails `test_every_route_has_a_row`.
"""

import importlib
import pkgutil
from types import SimpleNamespace

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

import tests
from hamdeli.api import api
from hamdeli.core import services as core
from tests.conftest import api_client_for, client_for

APPS = [m.name for m in pkgutil.iter_modules(tests.__path__) if m.ispkg]
MODULES = {app: importlib.import_module(f"tests.{app}.matrix_rows") for app in APPS
           if importlib.util.find_spec(f"tests.{app}.matrix_rows")}
# Every row's world holds the foundation's objects, plus those of the row's own app (building every
# app's objects for every row would make this test the slowest of the suite).
BASE = [app for app in ("partners", "core") if app in MODULES]
ROWS = [(app, row) for app, module in MODULES.items() for row in module.ROWS]


def _page_names(patterns=None, namespace=""):
    for entry in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(entry, URLResolver):
            if getattr(entry, "namespace", None) == "api":
                continue
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _page_names(entry.url_patterns, inner)
        elif isinstance(entry, URLPattern) and entry.name:
            yield f"{namespace}{entry.name}", entry.callback


def _operations():
    schema = api.get_openapi_schema()
    for path, methods in schema["paths"].items():
        for method, operation in methods.items():
            yield operation["operationId"], path, method


OPERATIONS = {op_id: (path, method) for op_id, path, method in _operations()}
PAGES = dict(_page_names())


def test_every_route_has_a_row():
    covered = {row.key for _app, row in ROWS}
    missing = (set(PAGES) | set(OPERATIONS)) - covered
    stale = covered - set(PAGES) - set(OPERATIONS)
    assert not missing, f"routes without a permission-matrix row: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


def test_every_page_declares_its_permission():
    undeclared = [name for name, view in PAGES.items() if not hasattr(view, "hamdeli_permission")]
    assert not undeclared, f"pages without requires(...): {undeclared}"


def _world(app, cities, org, other_org, owner, officer, logistics, viewer, outsider):
    w = SimpleNamespace(cities=cities, org=org, other_org=other_org, owner=owner, officer=officer,
                        logistics=logistics, viewer=viewer, outsider=outsider)
    for name in [*BASE, *([app] if app not in BASE else [])]:
        MODULES[name].build(w)
    return w


def _call(client, row, world, *, api_call: bool):
    params = row.params(world)
    body = row.body(world) if row.body else {}
    if api_call:
        path, _method = OPERATIONS[row.key]
        url = path.format(**{k: str(v) for k, v in params.items()})
        if row.method == "get":
            return client.get(url, body)
        if row.multipart:
            return client.post(url, body)
        return getattr(client, row.method)(url, body, content_type="application/json")
    url = reverse(row.key, kwargs=params)
    return client.get(url, body) if row.method == "get" else client.post(url, body)


def _id(entry):
    return f"{entry[1].key}:{entry[1].method}"


@pytest.mark.parametrize("entry", ROWS, ids=_id)
def test_matrix(entry, db, cities, org, other_org, owner, officer, logistics, viewer, outsider):
    from django.test import Client

    app, row = entry
    world = _world(app, cities, org, other_org, owner, officer, logistics, viewer, outsider)
    api_call = row.key in OPERATIONS
    users = {"owner": world.owner, "officer": world.officer, "logistics": world.logistics,
             "viewer": world.viewer}

    def client(user, org):
        return api_client_for(user, org) if api_call else client_for(user)

    anonymous = _call(Client(), row, world, api_call=api_call)
    if row.public:
        assert anonymous.status_code in row.ok + (200, 302), anonymous.status_code
    elif api_call:
        assert anonymous.status_code == 401
    else:
        assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]

    # For an owners' route the outsider is an owner of the other office, so the role check cannot hide
    # a missing tenant check.
    stranger = world.outsider if row.role != "owner" else core.ensure_member(
        org=world.other_org, username="outsider_owner", role="owner").user
    outsider = _call(client(stranger, world.other_org), row, world, api_call=api_call)
    if not row.public and not row.shared:
        if row.params(world):
            assert outsider.status_code == 404, f"outsider got {outsider.status_code}"
        elif row.marker:
            assert row.marker(world) not in outsider.content.decode(), "outsider saw our data"

    viewer = _call(client(world.viewer, world.org), row, world, api_call=api_call)
    if row.write and not row.public:
        assert viewer.status_code in (403, 404), f"viewer could write: {viewer.status_code}"

    allowed = _call(client(users[row.role], world.org), row, world, api_call=api_call)
    assert allowed.status_code in row.ok, (
        f"{row.role} got {allowed.status_code}: {allowed.content[:400]!r}")
    if row.marker and row.method == "get":
        assert row.marker(world) in allowed.content.decode()
