"""Reading a list page (core/listing.py) the way a person does: its rows in order, its headings, its pager."""

import html as htmllib
import re
from urllib.parse import parse_qs, urlsplit

from tests.conftest import client_for


def persian_client(user):
    client = client_for(user)
    client.cookies["hamdeli_language"] = "fa"
    return client


def body(html: str) -> str:
    return html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]


def row_links(html: str, prefix: str) -> list[str]:
    """The detail links of the rows, top to bottom (their public ids)."""
    return re.findall(rf'<a href="{re.escape(prefix)}([0-9a-f-]{{36}})/"', body(html))


def cells(html: str, label: str) -> list[str]:
    """The text of one column (by its label), top to bottom."""
    found = re.findall(rf'<td data-label="{re.escape(label)}">(.*?)</td>', body(html), re.S)
    return [" ".join(htmllib.unescape(re.sub(r"<[^>]+>", "", cell)).split()) for cell in found]


def heading(html: str, label: str) -> dict:
    """One column heading: its aria-sort and the URL of its link (None when it does not sort)."""
    head = html.split("<thead", 1)[1].split("</thead>", 1)[0]
    for th in re.findall(r"<th\b[^>]*>.*?</th>", head, re.S):
        text = re.sub(r'<span class="visually-hidden">.*?</span>|<[^>]+>', "", th).strip()
        if text == label:
            sort = re.search(r'aria-sort="([a-z]+)"', th.split(">", 1)[0])
            link = re.search(r'href="([^"]+)"', th)
            return {"aria_sort": sort.group(1) if sort else None,
                    "url": htmllib.unescape(link.group(1)) if link else None}
    raise AssertionError(f"no heading {label!r}")


def pager(html: str) -> dict[str, str]:
    """The pager's links: "previous", "next" and each page number (as Latin digits) → URL."""
    if 'class="list-pager"' not in html:
        return {}
    nav = html.split('class="list-pager"', 1)[1].split("</nav>", 1)[0]
    links = {}
    for attrs, text in re.findall(r"<a ([^>]*)>(.*?)</a>", nav, re.S):
        url = htmllib.unescape(re.search(r'href="([^"]+)"', attrs).group(1))
        rel = re.search(r'rel="(prev|next)"', attrs)
        key = {"prev": "previous", "next": "next"}[rel.group(1)] if rel else str(int(
            re.sub(r"<[^>]+>|[^\d۰-۹]", "", text).translate(str.maketrans("۰۱۲۳۴۵۶۷۸۹", "0123456789"))))
        links[key] = url
    return links


def query(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query)
