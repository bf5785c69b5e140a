"""Every page, in a real browser, in Persian and English, as every role, on a phone (390 px) and a laptop
(1366 px): nothing wider than the screen, no console error, no failed request, a menu that offers only
pages the role may open, and no serious or critical accessibility violation (axe-core).

The pages come from the permission matrix: every GET row of every app, with the objects its `build`
makes. The owner opens them all in both languages and both widths; each other role (the visitor too) opens
the pages its role may open once (Persian on a phone, English on a laptop, alternately), so one browser and
one tab do the whole walk in a few minutes. axe checks every page each role opens. Screenshots of the main
pages go to var/screenshots/every-page/ (docs/screenshots/take.py makes the committed ones from the demo)."""

from pathlib import Path
from types import SimpleNamespace
from urllib.parse import urlencode

import pytest
from django.urls import reverse

from hamdeli.core import services as core
from hamdeli.partners.models import Network
from hamdeli.partners.reference import load_networks
from tests.aid.conftest import flushable_ledger  # noqa: F401 - the ledger refuses the end-of-test flush
from tests.conftest import client_for
from tests.test_permission_matrix import BASE, MODULES, OPERATIONS, PAGES, ROWS
from tests.web.test_browser import browser_page  # noqa: F401 - the shared Playwright fixture

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
AXE_SOURCE = AXE.read_text(encoding="utf-8") if AXE.exists() else ""
SCREENSHOTS = ROOT / "var" / "screenshots" / "every-page"
PASSWORD = "pw-for-tests-only-123"
# The main pages, screenshotted in both languages and widths (url name → file name).
MAIN_PAGES = {"dashboard": "dashboard", "partners:list": "partners", "partners:detail": "partner",
              "correspondence:list": "letters", "correspondence:calendar": "calendar", "aid:home": "aid",
              "aid:flow": "aid-flow", "campaigns:overview": "campaigns", "practices:list": "practices",
              "practices:public_list": "exchange", "login": "login"}
PHONE, LAPTOP = 390, 1366


def _world(cities, org, other_org, owner, officer, logistics, viewer, outsider):
    w = SimpleNamespace(cities=cities, org=org, other_org=other_org, owner=owner, officer=officer,
                        logistics=logistics, viewer=viewer, outsider=outsider)
    load_networks(Network)  # reference rows of a migration, gone if an earlier transactional test flushed them
    for app in [*BASE, *(a for a in MODULES if a not in BASE)]:
        MODULES[app].build(w)
    return w


def _pages(world):
    """(url name, url) of every HTML page a GET opens, from the permission matrix's rows."""
    seen = {}
    for _app, row in ROWS:
        if row.key in OPERATIONS or row.key not in PAGES or row.method != "get" or row.key in seen:
            continue
        url = reverse(row.key, kwargs=row.params(world))
        if row.body:
            url += "?" + urlencode(row.body(world))
        seen[row.key] = url
    return list(seen.items())


def _statuses(user, pages):
    """What the role gets for each page (Django's test client: fast), and which are HTML pages."""
    client = client_for(user) if user else None
    if client is None:
        from django.test import Client

        client = Client()
    out = {}
    for _name, url in pages:
        response = client.get(url)
        # A whole page, not an HTMX fragment (the city options) or a file (CSV, PDF, calendar)
        html = response.get("Content-Type", "").startswith("text/html") and b"<html" in response.content
        out[url] = (response.status_code, html)
    return out


class Walk:
    """One tab that records what went wrong on the page it shows."""

    def __init__(self, page, base):
        self.page, self.base = page, base
        self.problems = []
        page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        page.on("pageerror", lambda e: self.problems.append(f"script error: {e}"))
        page.on("requestfailed", lambda r: self.problems.append(f"request failed: {r.url} {r.failure}"))
        page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))

    def sign_in(self, username):
        self.page.context.clear_cookies()
        if username:
            self.page.goto(f"{self.base}/login/")
            self.page.fill("input[name=username]", username)
            self.page.fill("input[name=password]", PASSWORD)
            # Wait for the page signing in lands on, and for its late requests (the favicon is asked for after
            # the load event): navigating away at once aborted them, counted as a failure of the next page.
            with self.page.expect_navigation():
                self.page.click("main button[type=submit]")
            self.page.wait_for_load_state("networkidle")

    def language(self, lang):
        self.page.context.add_cookies([{"name": "hamdeli_language", "value": lang, "url": self.base}])

    def open(self, url):
        self.problems.clear()
        self.page.goto(self.base + url)

    def overflow(self, width):
        self.page.set_viewport_size({"width": width, "height": 900})
        # Two frames: the page's own resize handlers (charts redraw) run before it is measured.
        self.page.evaluate("new Promise(done => requestAnimationFrame(() => requestAnimationFrame(done)))")
        return self.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")

    def axe(self):
        if not self.page.evaluate("typeof axe !== 'undefined'"):
            self.page.evaluate(AXE_SOURCE)  # CDP evaluation: the page's CSP forbids an injected <script>
        result = self.page.evaluate(
            "axe.run(document, {resultTypes: ['violations']}).then(r => r.violations"
            ".filter(v => v.impact === 'serious' || v.impact === 'critical')"
            ".map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 3).map(n => n.target.join(' ')).join(' | ')))")
        return result

    def menu_links(self):
        return self.page.eval_on_selector_all(
            "#topnav nav a[href]", "links => links.map(a => new URL(a.href).pathname + new URL(a.href).search)")


@pytest.mark.django_db(transaction=True)
def test_every_page_fits_a_phone_and_a_laptop_in_both_languages_for_every_role(
        browser_page, live_server, flushable_ledger, cities, org, other_org, owner, officer, logistics, viewer,  # noqa: F811
        outsider):
    world = _world(cities, org, other_org, owner, officer, logistics, viewer, outsider)
    store = core.ensure_member(org=org, username="store", role="institution", password=PASSWORD).user
    pages = _pages(world)
    roles = {"owner": owner, "officer": officer, "logistics": logistics, "viewer": viewer, "store": store,
             None: None}
    walk = Walk(browser_page, live_server.url)
    failures = []
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)

    for username, user in roles.items():
        statuses = _statuses(user, pages)
        walk.sign_in(username)
        for lang in ("fa", "en"):
            walk.language(lang)
            shown_menu = set()
            for index, (name, url) in enumerate(pages):
                status, html = statuses[url]
                if status != 200 or not html:
                    continue
                # The owner sees every page in both languages and widths; the others each page once.
                full = username == "owner"
                if not full and (index % 2 == (0 if lang == "fa" else 1)):
                    continue
                walk.open(url)
                where = f"{username or 'anonymous'} {lang} {url}"
                widths = (LAPTOP, PHONE) if full else ((PHONE,) if lang == "fa" else (LAPTOP,))
                for width in widths:
                    wider = walk.overflow(width)
                    if wider > 0:
                        failures.append(f"{where} at {width}px: {wider}px wider than the screen")
                    if full and name in MAIN_PAGES:
                        walk.page.screenshot(path=str(SCREENSHOTS / f"{MAIN_PAGES[name]}-{lang}-{width}.png"),
                                             full_page=True)
                # axe for every role: each shows its own menu, buttons and forms on the page.
                failures += [f"{where}: axe {v}" for v in walk.axe()]
                failures += [f"{where}: {p}" for p in walk.problems]
                shown_menu.update(walk.menu_links())
                walk.page.set_viewport_size({"width": LAPTOP, "height": 900})
            # Every menu link leads to a page this role may open.
            client = client_for(user) if user else None
            for link in sorted(shown_menu):
                got = client.get(link).status_code if client else None
                if got != 200:
                    failures.append(f"{username} {lang}: the menu offers {link}, which answers {got}")
    assert not failures, "\n".join(failures[:60])
