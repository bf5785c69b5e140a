"""A page offers a role only links the role may follow: every link on every page a role opens (the pages of
the permission matrix, with the objects its `build` makes) answers that role with something other than 403.
A viewer shown "New pledge" or "Take stock in" met a refusal one click later."""

import re
from urllib.parse import urljoin, urlsplit

import pytest

from hamdeli.core import services as core
from tests.aid.conftest import flushable_ledger  # noqa: F401 - the ledger refuses the end-of-test flush
from tests.conftest import client_for
from tests.web.test_every_page import PASSWORD, _pages, _world

SKIP = ("/static/", "/media/", "/logout", "/sign-out", "/i18n/")


def _links(html: str, base: str) -> set[str]:
    found = set()
    for href in re.findall(r'href="([^"#]+)"', html):
        parts = urlsplit(urljoin(base, href.replace("&amp;", "&")))
        if parts.netloc not in ("", "testserver") or any(s in parts.path for s in SKIP):
            continue
        found.add(parts.path + ("?" + parts.query if parts.query else ""))
    return found


@pytest.mark.django_db
def test_no_page_links_a_role_to_a_page_it_may_not_open(flushable_ledger, cities, org, other_org, owner,  # noqa: F811
                                                         officer, logistics, viewer, outsider):
    world = _world(cities, org, other_org, owner, officer, logistics, viewer, outsider)
    store = core.ensure_member(org=org, username="store", role="institution", password=PASSWORD).user
    pages = _pages(world)
    refused = []
    for role, user in {"officer": officer, "logistics": logistics, "viewer": viewer, "store": store}.items():
        client = client_for(user)
        followed = set()
        for _name, url in pages:
            response = client.get(url)
            if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
                continue
            for link in _links(response.content.decode(), url) - followed:
                followed.add(link)
                if client.get(link).status_code == 403:
                    refused.append(f"{role}: {url} links {link}")
    assert refused == []
