"""A Sankey picture of the aid flow (donor → city → institution → hospitals → recipients), as SVG.

The layout is computed here: each node sits in the column of its longest path from a source, nodes
are stacked by their throughput, and every link is a band whose width is its quantity.
"""

from collections import defaultdict
from xml.sax.saxutils import escape

from hamdeli.core.digits import format_number

WIDTH, HEIGHT, NODE_W, GAP, PAD = 960, 480, 14, 14, 10
COLORS = ["#2a7f62", "#3b6ea5", "#b5651d", "#7a4e9c", "#a33b3b", "#5b7f2a"]


def layout(links: list[tuple[str, str, int]]) -> dict:
    nodes = sorted({n for s, t, _q in links for n in (s, t)})
    outgoing = defaultdict(list)
    for s, t, q in links:
        outgoing[s].append((t, q))
    column = dict.fromkeys(nodes, 0)
    for _round in range(len(nodes)):  # longest path from a source; bounded, so a cycle cannot hang
        changed = False
        for s, t, _q in links:
            if column[t] < column[s] + 1 and column[s] + 1 < len(nodes):
                column[t], changed = column[s] + 1, True
        if not changed:
            break
    size = {n: max(sum(q for s, _t, q in links if s == n), sum(q for _s, t, q in links if t == n)) for n in nodes}
    columns = defaultdict(list)
    for n in nodes:
        columns[column[n]].append(n)
    count = max(columns) + 1 if columns else 1
    biggest = max((sum(size[n] for n in col) for col in columns.values()), default=1) or 1
    tallest = max((len(col) for col in columns.values()), default=1)
    scale = (HEIGHT - 2 * PAD - GAP * (tallest - 1)) / biggest
    boxes = {}
    for c, members in columns.items():
        x = PAD + c * (WIDTH - 2 * PAD - NODE_W) / max(count - 1, 1)
        y = PAD
        for n in members:
            h = max(size[n] * scale, 2)
            boxes[n] = {"x": x, "y": y, "h": h, "out": y, "in": y}
            y += h + GAP
    bands = []
    for s, t, q in sorted(links, key=lambda link: (boxes[link[0]]["y"], boxes[link[1]]["y"])):
        w = q * scale
        a, b = boxes[s], boxes[t]
        bands.append(
            {
                "source": s,
                "target": t,
                "q": q,
                "w": w,
                "x0": a["x"] + NODE_W,
                "y0": a["out"] + w / 2,
                "x1": b["x"],
                "y1": b["in"] + w / 2,
            }
        )
        a["out"] += w
        b["in"] += w
    return {"boxes": boxes, "bands": bands, "size": size}


def svg(links: list[tuple[str, str, int]], *, title: str = "") -> str:
    if not links:
        return ""
    plan = layout(links)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-label="{escape(title)}" class="sankey" direction="ltr">'
    ]
    for i, band in enumerate(plan["bands"]):
        mid = (band["x0"] + band["x1"]) / 2
        path = (
            f"M{band['x0']:.1f},{band['y0']:.1f} C{mid:.1f},{band['y0']:.1f} {mid:.1f},{band['y1']:.1f} "
            f"{band['x1']:.1f},{band['y1']:.1f}"
        )
        parts.append(
            f'<path d="{path}" fill="none" stroke="{COLORS[i % len(COLORS)]}" stroke-opacity="0.35" '
            f'stroke-width="{max(band["w"], 1):.1f}"><title>{escape(band["source"])} → '
            f"{escape(band['target'])}: {band['q']}</title></path>"
        )
    for name, box in plan["boxes"].items():
        anchor = "start" if box["x"] < WIDTH / 2 else "end"
        tx = box["x"] + NODE_W + 4 if anchor == "start" else box["x"] - 4
        parts.append(
            f'<rect x="{box["x"]:.1f}" y="{box["y"]:.1f}" width="{NODE_W}" height="{box["h"]:.1f}" '
            f'fill="#444"/><text x="{tx:.1f}" y="{box["y"] + box["h"] / 2:.1f}" font-size="12" '
            f'dominant-baseline="middle" text-anchor="{anchor}" unicode-bidi="plaintext">'
            f"{escape(name)} ({format_number(plan['size'][name])})</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
