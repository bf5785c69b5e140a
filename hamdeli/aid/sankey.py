"""The aid flow (donor → city store → institution → hospitals → recipients) as data for an ECharts
Sankey (static/web/charts.js), with the same links as a table beside it.

ECharts draws a Sankey only over a graph without cycles, and stock can go round one (a store hands
units to a hospital that hands some back). Opposite links are netted, and a link that would still
close a cycle is left out of the picture; every link, including those, stays in the table."""

from collections import defaultdict

from django.utils.translation import gettext as _


def acyclic(links: list[tuple[str, str, int]]) -> list[tuple[str, str, int]]:
    """The links to draw: opposite pairs netted to one direction, then the heaviest links kept first
    and any link that would close a cycle among those already kept dropped."""
    net: dict[tuple[str, str], int] = defaultdict(int)
    for source, target, quantity in links:
        if source == target:
            continue
        if (target, source) in net:
            net[(target, source)] -= quantity
        else:
            net[(source, target)] += quantity
    directed = [(s, t, q) if q > 0 else (t, s, -q) for (s, t), q in net.items() if q != 0]
    kept: list[tuple[str, str, int]] = []
    onward: dict[str, set[str]] = defaultdict(set)
    for source, target, quantity in sorted(directed, key=lambda link: (-link[2], link[0], link[1])):
        if _reaches(onward, target, source):
            continue
        onward[source].add(target)
        kept.append((source, target, quantity))
    return kept


def _reaches(onward: dict[str, set[str]], start: str, goal: str) -> bool:
    seen, todo = set(), [start]
    while todo:
        node = todo.pop()
        if node == goal:
            return True
        if node not in seen:
            seen.add(node)
            todo.extend(onward[node])
    return False


def chart(links: list[tuple[str, str, int]]) -> dict | None:
    """What web/chart.html and charts.js need: nodes and links to draw, every link as a table row."""
    if not links:
        return None
    drawn = acyclic(links)
    nodes = sorted({name for source, target, _q in drawn for name in (source, target)})
    return {
        "kind": "sankey",
        "nodes": [{"name": name} for name in nodes],
        "links": [{"source": s, "target": t, "value": q} for s, t, q in drawn],
        "rows": [[s, t, q] for s, t, q in sorted(links, key=lambda link: (-link[2], link[0], link[1]))],
        "columns": [str(_("To")), str(_("Units"))],
        "first_column": str(_("From")),
    }
