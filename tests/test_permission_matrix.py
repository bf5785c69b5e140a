"""Every page and every API operation, for every kind of caller.

- anonymous: pages send it to sign in, the API answers 401 (unless the route is public);
- outsider (an officer of another org): 404 for anything of ours, and none of our data in lists;
- viewer: reads, but every write is refused (403 or 404);
- a member of an institution's store, granted store A only: 403 wherever its role lacks the permission;
  where it holds it (aid), what the row's `stores` says: the office's records 403, and otherwise store A's
  objects as the allowed role, store B's 404 (a write naming store B refused, nothing written) and not one
  of store B's rows in any answer;
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
from hamdeli.core import formtokens
from hamdeli.core import services as core
from hamdeli.core.models import AuditEntry, Role
from hamdeli.core.permissions import PUBLIC, SIGNED_IN, role_has
from tests.conftest import api_client_for, client_for
from tests.matrix import OFFICE, OWN_STORES

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


def _declared(view) -> str | None:
    """The permission a page or operation declares with requires(...), through the decorators around it."""
    while view is not None:
        if hasattr(view, "hamdeli_permission"):
            return view.hamdeli_permission
        view = getattr(view, "__wrapped__", None)
    return None


def _operation_permissions():
    for _prefix, router in api._routers:
        for path_view in router.path_operations.values():
            for operation in path_view.operations:
                yield operation.operation_id, _declared(operation.view_func)


OPERATIONS = {op_id: (path, method) for op_id, path, method in _operations()}
PAGES = dict(_page_names())
PERMISSIONS = {**dict(_operation_permissions()), **{name: _declared(view) for name, view in PAGES.items()}}


def test_every_route_has_a_row():
    covered = {row.key for _app, row in ROWS}
    missing = (set(PAGES) | set(OPERATIONS)) - covered
    stale = covered - set(PAGES) - set(OPERATIONS)
    assert not missing, f"routes without a permission-matrix row: {sorted(missing)}"
    assert not stale, f"rows for routes that no longer exist: {sorted(stale)}"


def test_every_page_declares_its_permission():
    undeclared = [name for name, view in PAGES.items() if not hasattr(view, "hamdeli_permission")]
    assert not undeclared, f"pages without requires(...): {undeclared}"
    undeclared = [op_id for op_id in OPERATIONS if PERMISSIONS.get(op_id) is None]
    assert not undeclared, f"operations without requires(...): {undeclared}"


def _store_member(row) -> bool:
    """Whether a member of an institution's store holds the route's permission."""
    perm = PERMISSIONS[row.key]
    return perm in (PUBLIC, SIGNED_IN) or role_has(Role.INSTITUTION, perm)


def _own_account(row) -> bool:
    """A page about the signed-in person themselves (their password): no office data, no store to narrow."""
    return PERMISSIONS[row.key] == SIGNED_IN


def test_every_route_a_store_may_open_says_what_a_store_sees():
    """A new aid page or operation must say whether it is the office's or narrowed to the member's stores."""
    undeclared = sorted({row.key for _app, row in ROWS
                         if not row.public and not _own_account(row) and _store_member(row)
                         and row.stores not in (OWN_STORES, OFFICE)})
    assert not undeclared, f"rows without stores=OWN_STORES or stores=OFFICE: {undeclared}"
    needless = sorted({row.key for _app, row in ROWS if row.stores and not _store_member(row)})
    assert not needless, f"the institution role cannot open these at all; drop stores=: {needless}"


def _world(app, cities, org, other_org, owner, officer, logistics, viewer, outsider):
    w = SimpleNamespace(cities=cities, org=org, other_org=other_org, owner=owner, officer=officer,
                        logistics=logistics, viewer=viewer, outsider=outsider)
    # Granted no store unless the app's build grants one (aid grants store A and adds store B's rows).
    w.store_clerk = core.ensure_member(org=org, username="matrix_clerk", role="institution").user
    w.elsewhere, w.elsewhere_markers = None, ()
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


def _names(row, world) -> tuple:
    """What a request names: its URL's objects and its body (less a page form's one-time token)."""
    body = row.body(world) if row.body else {}
    return row.params(world), {k: v for k, v in body.items() if k != formtokens.FIELD and not hasattr(v, "read")}


def _check_store_clerk(row, world, clerk):
    """What a member of an institution's store granted store A gets (see the module's docstring)."""
    api_call = row.key in OPERATIONS
    if _own_account(row):
        return
    if not _store_member(row):
        refused = _call(clerk, row, world, api_call=api_call)
        assert refused.status_code == 403, f"a store's member got {refused.status_code}"
        return
    if row.stores == OFFICE:
        for w in [world, *([world.elsewhere(world)] if world.elsewhere else [])]:
            refused = _call(clerk, row, w, api_call=api_call)
            assert refused.status_code == 403, f"a store's member got {refused.status_code} from the office's"
        return
    assert world.elsewhere is not None, "the app's build sets world.elsewhere: store B's objects for this row"
    elsewhere = world.elsewhere(world)
    (params, body), (far_params, far_body) = _names(row, world), _names(row, elsewhere)
    written = AuditEntry.objects.count()
    far = _call(clerk, row, elsewhere, api_call=api_call)
    if far_params != params:
        assert far.status_code == 404, f"store B's object in the URL: {far.status_code}"
    elif far_body != body:
        refused = (404,) if row.method == "get" else (403, 404, 422)
        assert far.status_code in refused, f"store B named in the request: {far.status_code}"
    if row.method != "get":  # (a read audits only a download)
        assert AuditEntry.objects.count() == written, "a store's member wrote through store B"
    own = _call(clerk, row, world, api_call=api_call)
    assert own.status_code in row.ok, f"a store's member got {own.status_code} for store A: {own.content[:400]!r}"
    if row.marker and row.method == "get":
        assert row.marker(world) in own.content.decode(), "a store's member does not see store A's rows"
    for response in (far, own):
        text = response.content.decode(errors="replace")
        leaked = [marker for marker in world.elsewhere_markers if marker in text]
        assert not leaked, f"a store's member of store A saw store B's rows: {leaked}"


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

    if not row.public:
        _check_store_clerk(row, world, client(world.store_clerk, world.org))

    allowed = _call(client(users[row.role], world.org), row, world, api_call=api_call)
    assert allowed.status_code in row.ok, (
        f"{row.role} got {allowed.status_code}: {allowed.content[:400]!r}")
    if row.marker and row.method == "get":
        assert row.marker(world) in allowed.content.decode()
