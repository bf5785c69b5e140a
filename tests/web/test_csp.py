"""A strict Content-Security-Policy on every page, and pages that need nothing it forbids: no inline
script, no inline event handler, no javascript: link, no style attribute or <style> element."""

import re

import pytest

from tests.conftest import client_for
from tests.test_permission_matrix import OPERATIONS, ROWS, _call, _id, _world

PAGE_GETS = [entry for entry in ROWS if entry[1].key not in OPERATIONS and entry[1].method == "get"]
FORBIDDEN_MARKUP = [
    re.compile(r"<script(?![^>]*\b(?:src=|type=\"application/json\"))[^>]*>", re.I),  # inline script
    re.compile(r"<[^>]+\son[a-z]+\s*=", re.I),  # inline event handler
    re.compile(r"javascript:", re.I),
    re.compile(r"<[^>]+\sstyle\s*=", re.I),
    re.compile(r"<style[\s>]", re.I),
]


def _directives(header: str) -> dict[str, list[str]]:
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


@pytest.mark.parametrize("entry", PAGE_GETS, ids=_id)
def test_every_page_carries_the_policy_and_needs_nothing_it_forbids(
        entry, db, cities, org, other_org, owner, officer, logistics, viewer, outsider):
    app, row = entry
    world = _world(app, cities, org, other_org, owner, officer, logistics, viewer, outsider)
    user = {"owner": owner, "officer": officer, "logistics": logistics, "viewer": viewer}[row.role]
    response = _call(client_for(user), row, world, api_call=False)
    policy = _directives(response["Content-Security-Policy"])
    if "sandbox" in policy:  # a served user file: nothing may run at all
        assert policy["default-src"] == ["'none'"]
        return
    assert policy["default-src"] == ["'self'"] and policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"] and policy["object-src"] == ["'none'"]
    if response.get("Content-Type", "").startswith("text/html"):
        html = response.content.decode()
        for pattern in FORBIDDEN_MARKUP:
            assert not pattern.search(html), f"{row.key}: {pattern.search(html).group(0)[:120]}"


def test_the_api_and_the_sign_in_page_carry_the_policy_too(client, officer_api):
    assert "default-src 'self'" in client.get("/login/")["Content-Security-Policy"]
    assert "default-src 'self'" in officer_api.get("/api/v1/me")["Content-Security-Policy"]
    assert "default-src 'self'" in client.get("/no/such/page/")["Content-Security-Policy"]
