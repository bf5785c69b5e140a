"""Every Persian page writes its numbers, dates and counts in Persian digits (issue 13).

Each HTML page of the permission matrix (the same pages tests/web/test_every_page.py walks in a browser,
here through Django's test client, so it takes seconds) is opened in Persian by the owner, a visitor and
an institution's store user, and so are the demo's pages (its data holds what the matrix's does not:
anniversaries, pack sizes, letters linked to partners). The text a reader sees is scanned for the digits
0-9: text nodes, <title>, the labels of options, and the attributes a person reads or hears (title,
aria-label, placeholder, alt).

Legitimately Latin, and so skipped:
- code (<code>, <kbd>, <samp>, <pre>) and what is marked as another language (`lang`) or as left-to-right
  (`dir="ltr"`: a reference number, a token's prefix);
- user text that is itself Latin: an isolate (<bdi>, `dir="auto"`) whose first letter is Latin, which the
  browser also sets left-to-right ("Set 1", an English subject); the same text where no markup can mark it
  (the page's <title>, a tooltip) when the page shows it so elsewhere;
- inside a text: a web address, an email address, a code that holds a Latin letter (a lot "M1", a
  consignment "ISFAHAN-2026-00001", a file name);
- what is not text: <script> (the charts' JSON data), <style>, <svg>, <textarea>, and attribute values
  other than the read ones (an input's value is what the person typed; the server reads both digits).
A number alone is never excused: "10", "1399/8", "2099-01-01", Persian user text with Latin digits.
"""

import re
import unicodedata
from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.test import Client

from hamdeli.core import services as core
from hamdeli.demo.loader import load_demo
from tests.conftest import client_for
from tests.web.test_every_page import _pages, _world

LATIN_DIGIT, LATIN_LETTER = re.compile(r"[0-9]"), re.compile(r"[A-Za-z]")
# Inside a text, Latin by nature: a web address, an email address, and a code (a run of Latin letters,
# digits and - _ . / holding at least one Latin letter: a lot "M1", a consignment "ISFAHAN-2026-00001",
# a file name, a UUID). A number alone ("10", "1399/8", "2020-03-01") is never one.
LATIN_BY_NATURE = re.compile(r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"
                             r"|[A-Za-z0-9_./-]*[A-Za-z][A-Za-z0-9_./-]*", re.ASCII)
SKIPPED = {"script", "style", "code", "kbd", "samp", "pre", "svg", "template", "textarea"}
READ_ATTRIBUTES = ("title", "aria-label", "placeholder", "alt")
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "track", "wbr"}


class Element:
    def __init__(self, tag, attrs, parent=None):
        self.tag, self.attrs, self.parent, self.children = tag, attrs, parent, []

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def first_strong(self) -> str:
        """The direction the browser gives dir="auto" (and <bdi>): that of the first strong character,
        skipping script, style and descendants that set their own direction."""
        for child in self.children:
            if isinstance(child, str):
                for ch in child:
                    kind = unicodedata.bidirectional(ch)
                    if kind == "L":
                        return "ltr"
                    if kind in ("R", "AL"):
                        return "rtl"
            elif child.tag not in ("script", "style", "textarea", "bdi") and "dir" not in child.attrs:
                found = child.first_strong()
                if found:
                    return found
        return ""

    def latin(self) -> bool:
        """Legitimately Latin: code, another language, left-to-right, or user text that is itself
        left-to-right (an isolate whose first letter is Latin, which the browser sets left-to-right)."""
        lang = (self.attrs.get("lang") or "fa").lower()
        direction = self.attrs.get("dir") or ("auto" if self.tag == "bdi" else "")
        return (self.tag in SKIPPED or (self.tag != "html" and not lang.startswith("fa")) or direction == "ltr"
                or (direction == "auto" and self.first_strong() == "ltr"))

    def path(self) -> str:
        tags, node = [], self
        while node is not None and node.parent is not None and len(tags) < 4:
            tags.insert(0, node.tag)
            node = node.parent
        return " > ".join(tags)


class Tree(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.root = self.current = Element("#document", {})

    def handle_starttag(self, tag, attrs):
        element = Element(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(element)
        if tag not in VOID:
            self.current = element

    def handle_startendtag(self, tag, attrs):
        self.current.children.append(Element(tag, {k: v or "" for k, v in attrs}, self.current))

    def handle_endtag(self, tag):
        node = self.current  # close up to the matching open tag (HTML lets some end tags be left out)
        while node is not None and node.tag != tag:
            node = node.parent
        if node is not None and node.parent is not None:
            self.current = node.parent

    def handle_data(self, data):
        self.current.children.append(data)


def latin_digits(html: str) -> list[str]:
    """Every visible piece of the page's text that holds a Latin digit outside what is Latin by nature."""
    tree = Tree()
    tree.feed(html)
    tree.close()
    latin_texts, found = set(), []

    def collect(node):  # what the page shows as Latin user text, also allowed where no markup can mark it
        for child in node.children:
            if isinstance(child, Element):
                if child.latin() and child.tag not in ("script", "style"):
                    latin_texts.add(" ".join(child.text().split()))
                else:
                    collect(child)

    def check(text, where):
        text = " ".join(text.split())
        for known in sorted(latin_texts, key=len, reverse=True):
            if LATIN_DIGIT.search(known) and LATIN_LETTER.search(known):
                text = text.replace(known, "")
        if LATIN_DIGIT.search(LATIN_BY_NATURE.sub("", text)):
            found.append(f"{where}: {text[:120]!r}")

    def walk(node):
        for child in node.children:
            if isinstance(child, str):
                if child.strip():
                    check(child, node.path())
            elif not child.latin():
                for name in READ_ATTRIBUTES:
                    if child.attrs.get(name):
                        check(child.attrs[name], f"{child.path()}[{name}]")
                walk(child)

    collect(tree.root)
    walk(tree.root)
    return found


def test_the_scan_finds_latin_digits_and_spares_what_is_latin_by_nature():
    assert latin_digits("<p>بسته 10</p>") == ["p: 'بسته 10'"]
    assert latin_digits('<a title="صفحه 2" href="?page=2">صفحه ۲</a>') == ["a[title]: 'صفحه 2'"]
    assert latin_digits("<select><option>1399/8</option></select>")
    assert latin_digits("<title>نامه 5</title>")
    assert latin_digits("<p>(1 months ago)</p>") and latin_digits("<p>M1 · 2099-01-01</p>")
    # Persian user text is Persian: an isolate does not excuse it, nor does a number alone.
    assert latin_digits("<p><bdi>بسته 10</bdi></p>") and latin_digits("<p><bdi>10</bdi></p>")
    assert not latin_digits('<p>شماره <bdi dir="ltr">1399/12</bdi> و <span lang="en">Route 66</span></p>')
    assert not latin_digits("<p><code>HAMDELI_PORT=8000</code> ۱۲</p><script>var a = 1;</script>")
    assert not latin_digits('<p>https://example.org/2020 و info2@example.org</p><input value="12">')
    assert not latin_digits("<p>سری ساخت M1 از ISFAHAN-2026-00001</p>")
    # Latin user text (its first letter Latin) keeps its digits, and may be repeated in a title.
    assert not latin_digits("<title>«Set 1» · همدلی</title><h1>مجموعهٔ «<bdi>Set 1</bdi>»</h1>")
    assert latin_digits("<title>«Set 1» · همدلی</title><h1>مجموعه</h1>")
    # An element that is Latin keeps its children Latin, and the next sibling is scanned again.
    assert latin_digits('<div lang="en"><p>In 2020</p></div><p>در 2020</p>') == ["p: 'در 2020'"]


def _scan(client, pages) -> list[str]:
    failures = []
    for name, url in pages:
        response = client.get(url)
        # Pages, and the styled refusals (403, 404) a role meets
        if response.status_code not in (200, 403, 404) or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        if "<html" not in html:
            continue  # an HTMX fragment
        failures += [f"{name} {url} — {found}" for found in latin_digits(html)]
    return failures


def test_every_persian_page_writes_its_numbers_in_persian_digits(
        cities, org, other_org, owner, officer, logistics, viewer, outsider):
    world = _world(cities, org, other_org, owner, officer, logistics, viewer, outsider)
    pages = _pages(world)
    owner_client, visitor = client_for(owner), Client()
    # The store user's own pages (an institution sees only its stock) are pages too.
    store = core.ensure_member(org=org, username="store", role="institution", password="pw-for-tests-only-123")
    failures = []
    for client in (owner_client, visitor, client_for(store.user)):
        client.cookies["hamdeli_language"] = "fa"
        failures += _scan(client, pages)
    assert len(pages) > 50
    assert not failures, "\n".join(sorted(set(failures))[:80])


@pytest.mark.django_db
def test_the_demo_reads_in_persian_digits():
    """The demo's pages, found by following the links from the dashboard (two of each kind of page)."""
    load_demo()
    client = client_for(User.objects.get(username="isfahan_owner"))
    client.cookies["hamdeli_language"] = "fa"
    todo, seen, kinds, failures = ["/dashboard/", "/exchange/"], set(), {}, []
    while todo:
        url = todo.pop(0)
        if url in seen:
            continue
        seen.add(url)
        response = client.get(url)
        if response.status_code != 200 or not response.get("Content-Type", "").startswith("text/html"):
            continue
        html = response.content.decode()
        failures += [f"{url} — {found}" for found in latin_digits(html)]
        for href in re.findall(r'href="(/[^"#?]*)"', html):
            if href.startswith(("/static/", "/api/", "/media/")):
                continue
            known = kinds.setdefault(re.sub(r"[0-9a-f-]{36}|\d+", "ID", href), set())
            if len(known) < 2 and href not in known:
                known.add(href)
                todo.append(href)
    assert len(seen) > 60
    assert not failures, "\n".join(sorted(set(failures))[:80])
