"""The co-occurrence network of the people and organisations named in a query's top stories: who appears with
whom, counted once per story (a story is a group of wire copies the caller already collapsed, so one agency
piece reprinted thirty times does not weigh thirty). Nodes, edges and a deterministic layout in SVG units for
the web's inline SVG (`web/templates/_network.html`), JSON for the API, and lines for the terminal.

Pure: no index, no I/O. The layout is a small Fruchterman-Reingold force layout of our own (plain Python, a
fixed start and no randomness: the same stories draw the same picture on every machine and every version of
every library), then a pass that pushes apart nodes whose labels would overlap."""

from __future__ import annotations

import math
import unicodedata
from collections import Counter
from dataclasses import dataclass
from itertools import combinations
from typing import Iterable

KINDS = {"person": "인물", "org": "기관"}
# The SVG's own units: the drawing scales to its box (phone width included) and keeps these proportions.
WIDTH, HEIGHT = 640, 420
R_MIN, R_MAX = 6.0, 18.0
FONT = 12  # the labels' size on a wide screen; network.css enlarges them on phones (up to LABEL_MAX_FONT)
LABEL_MAX_FONT = 15
LABEL_CHARS = 8  # longer names are cut to this many characters and an ellipsis (the full name is in the title)
LABEL_GAP = 3  # between a circle and its label underneath
ITERATIONS = 120  # of the force layout: plenty for twenty nodes, a few milliseconds
FULL_BOX = 12  # nodes that fill the whole box; fewer take less of it (the square root of their share)


def label_of(name: str) -> str:
    """The name as drawn beside its circle: at most LABEL_CHARS characters (then an ellipsis)."""
    return name if len(name) <= LABEL_CHARS else name[:LABEL_CHARS] + "…"


def text_width(text: str, font: float = FONT) -> float:
    """The width of `text` in SVG units at `font`, estimated: a Hangul syllable (or another wide character,
    or one as wide as Korean fonts draw the ellipsis) is about one em, a Latin letter or digit about 0.6."""
    return sum(1.0 if unicodedata.east_asian_width(c) in "WFA" else 0.6 for c in text) * font


# Margins that keep a circle and its centred label inside the box at the largest font: half the widest label
# on the sides, the largest circle on top, a circle and a label at the bottom.
MARGIN_X = text_width("가" * LABEL_CHARS + "…", LABEL_MAX_FONT) / 2 + 4
MARGIN_TOP = R_MAX + 4
MARGIN_BOTTOM = R_MAX + LABEL_GAP + LABEL_MAX_FONT + 4


@dataclass(frozen=True)
class StoryEntities:
    """One story's named people and organisations (the input): its lead article's id and (kind, name) pairs,
    kind "person" or "org"; a name repeated in the story counts once."""

    id: str
    entities: tuple[tuple[str, str], ...]


@dataclass(frozen=True)
class Node:
    """A person or organisation: in how many stories it is named, and its circle (centre, radius)."""

    name: str
    kind: str
    articles: int
    x: float
    y: float
    r: float

    @property
    def label(self) -> str:
        """The name as drawn under the circle (cut to LABEL_CHARS; the title and the list keep it whole)."""
        return label_of(self.name)

    @property
    def kind_ko(self) -> str:
        """The kind in Korean, as the legend says it: 인물, 기관."""
        return KINDS[self.kind]


@dataclass(frozen=True)
class Edge:
    """Two nodes named in the same stories (`a` < `b`), how many, and the line between their centres."""

    a: str
    b: str
    weight: int
    x1: float
    y1: float
    x2: float
    y2: float


@dataclass(frozen=True)
class Network:
    """What the template draws: nodes by articles (most first), edges by weight (heaviest first), the number
    of stories they were counted in, and the SVG's viewBox size (WIDTH x HEIGHT, less high for a few nodes)."""

    nodes: tuple[Node, ...]
    edges: tuple[Edge, ...]
    stories: int
    width: int = WIDTH
    height: int = HEIGHT

    def to_json(self) -> dict:
        """The network for the API: counts only, no layout (a client draws its own)."""
        return {"stories": self.stories,
                "nodes": [{"name": n.name, "kind": n.kind, "articles": n.articles} for n in self.nodes],
                "edges": [{"source": e.a, "target": e.b, "weight": e.weight} for e in self.edges]}

    def neighbours(self, name: str) -> list[tuple[str, int]]:
        """The nodes linked to `name` and the links' weights, strongest first (then by name)."""
        out = [(e.b, e.weight) for e in self.edges if e.a == name] + \
              [(e.a, e.weight) for e in self.edges if e.b == name]
        return sorted(out, key=lambda t: (-t[1], t[0]))

    def stroke(self, edge: Edge) -> float:
        """The line width of `edge`: 1 for the lightest weight up to 5 for the heaviest, so that the strong
        ties stand out without the weak ones vanishing."""
        lo = min(e.weight for e in self.edges)
        hi = max(e.weight for e in self.edges)
        return 2.0 if hi == lo else round(1 + 4 * (edge.weight - lo) / (hi - lo), 2)


# -- counting -------------------------------------------------------------------------------------------


def _count(stories: Iterable[StoryEntities]) -> tuple[int, Counter, Counter, dict[str, str]]:
    """The number of stories, stories per name, stories per pair of names (sorted), and each name's kind (the
    kind it is given most often, "org" before "person" on a tie: one name, one node)."""
    n, articles, pairs, kinds = 0, Counter(), Counter(), {}
    kind_votes: Counter = Counter()
    for story in stories:
        n += 1
        names = set()
        for kind, name in story.entities:
            if kind not in KINDS:
                raise ValueError(f"entity kind must be one of {sorted(KINDS)}, not {kind!r}")
            name = name.strip()
            if name and name not in names:
                names.add(name)
                kind_votes[name, kind] += 1
        articles.update(names)
        pairs.update(combinations(sorted(names), 2))
    for (name, kind), votes in sorted(kind_votes.items()):
        if name not in kinds or votes > kind_votes[name, kinds[name]]:
            kinds[name] = kind
    return n, articles, pairs, kinds


def _select(articles: Counter, pairs: Counter, max_nodes: int, max_edges: int,
            min_weight: int) -> tuple[list[str], list[tuple[str, str, int]]]:
    """The names and edges drawn: the top `max_nodes` names by stories, the top `max_edges` edges among them
    by weight; names without an edge go when more than half of `max_nodes` have one (a picture of many
    dots beside a knot says less than the knot), otherwise they stay."""
    names = sorted(articles, key=lambda s: (-articles[s], s))[:max_nodes]
    kept = set(names)
    edges = sorted(((a, b, w) for (a, b), w in pairs.items() if a in kept and b in kept and w >= min_weight),
                   key=lambda e: (-e[2], e[0], e[1]))[:max_edges]
    linked = {a for a, _b, _w in edges} | {b for _a, b, _w in edges}
    if len(linked) > max_nodes / 2:
        names = [s for s in names if s in linked]
    return names, edges


# -- layout ---------------------------------------------------------------------------------------------


def _start(n: int) -> list[list[float]]:
    """Starting positions on a sunflower spiral in the unit disc: the most named node in the middle, the
    others outwards by rank (no randomness, and no two nodes on the same spot)."""
    golden = math.pi * (3 - math.sqrt(5))
    return [[math.sqrt((i + 0.5) / n) * math.cos(i * golden), math.sqrt((i + 0.5) / n) * math.sin(i * golden)]
            for i in range(n)]


def _forces(pos: list[list[float]], links: list[tuple[int, int, float]], k: float) -> list[list[float]]:
    """Each node's displacement: repulsion k²/d from every other node, attraction w·d²/k along its edges
    (w the weight relative to the heaviest), and a weak pull to the centre that keeps unlinked nodes and
    separate groups from drifting to the edge of the box."""
    disp = [[-0.3 * p[0], -0.3 * p[1]] for p in pos]

    def push(i: int, j: int, f: float) -> None:
        """Move i and j apart along the line between them by f times their distance (together if f < 0)."""
        dx, dy = (pos[i][0] - pos[j][0]) * f, (pos[i][1] - pos[j][1]) * f
        disp[i][0] += dx
        disp[i][1] += dy
        disp[j][0] -= dx
        disp[j][1] -= dy

    for i, j in combinations(range(len(pos)), 2):
        d = max(math.hypot(pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]), 1e-3)
        push(i, j, k * k / d / d)
    for i, j, w in links:
        push(i, j, -w * math.hypot(pos[i][0] - pos[j][0], pos[i][1] - pos[j][1]) / k)
    return disp


def _spring(n: int, links: list[tuple[int, int, float]]) -> list[list[float]]:
    """Fruchterman-Reingold positions of `n` nodes in about the unit disc: each step moves a node along its
    net force by at most a temperature that cools linearly to nothing."""
    pos = _start(n)
    k = 1 / math.sqrt(n)
    for step in range(ITERATIONS):
        t = 0.1 * (1 - step / ITERATIONS)
        for p, (dx, dy) in zip(pos, _forces(pos, links, k)):
            d = max(math.hypot(dx, dy), 1e-9)
            p[0] += dx / d * min(d, t)
            p[1] += dy / d * min(d, t)
    return pos


def _even_out(pos: list[list[float]]) -> list[list[float]]:
    """The positions spread evenly over the disc, each keeping its direction from the centre and its rank in
    distance: a force layout packs a dense group of hubs into a knot while a node on one weak tie drifts far
    out, and stretched to the box the knot's labels would overlap and the rim stand empty."""
    n = len(pos)
    cx, cy = sum(p[0] for p in pos) / n, sum(p[1] for p in pos) / n
    polar = [(math.hypot(p[0] - cx, p[1] - cy), math.atan2(p[1] - cy, p[0] - cx), i) for i, p in enumerate(pos)]
    out = [[0.0, 0.0] for _ in pos]
    for rank, (_d, angle, i) in enumerate(sorted(polar)):
        r = math.sqrt((rank + 0.5) / n)
        out[i] = [r * math.cos(angle), r * math.sin(angle)]
    return out


def _orient(pos: list[list[float]]) -> list[list[float]]:
    """The positions turned about their centre so that their widest spread lies across (the box is wide and
    so are the labels): two nodes side by side rather than corner to corner, a chain along the box."""
    n = len(pos)
    cx, cy = sum(p[0] for p in pos) / n, sum(p[1] for p in pos) / n
    sxx = sum((p[0] - cx) ** 2 for p in pos)
    syy = sum((p[1] - cy) ** 2 for p in pos)
    sxy = sum((p[0] - cx) * (p[1] - cy) for p in pos)
    angle = -0.5 * math.atan2(2 * sxy, sxx - syy)
    c, s = math.cos(angle), math.sin(angle)
    return [[(p[0] - cx) * c - (p[1] - cy) * s, (p[0] - cx) * s + (p[1] - cy) * c] for p in pos]


def _fit(pos: list[list[float]]) -> tuple[list[list[float]], int]:
    """The positions stretched to the box inside its margins, each axis on its own, and the box's height: all
    of WIDTH x HEIGHT from FULL_BOX nodes on; fewer take less of it (two nodes a short line apart, not the
    box's width) in a box as wide but less high. A single node, or a flat axis, sits in the middle."""
    used = min(1.0, math.sqrt(len(pos) / FULL_BOX))
    height = round(MARGIN_TOP + MARGIN_BOTTOM + (HEIGHT - MARGIN_TOP - MARGIN_BOTTOM) * used)
    box = ((MARGIN_X, WIDTH - MARGIN_X), (MARGIN_TOP, height - MARGIN_BOTTOM))
    out = [[0.0, 0.0] for _ in pos]
    for axis, (lo, hi) in enumerate(box):
        values = [p[axis] for p in pos]
        low, span = min(values), max(values) - min(values)
        mid, half = (lo + hi) / 2, (hi - lo) / 2 * (used if axis == 0 else 1)
        for o, v in zip(out, values):
            o[axis] = mid if span < 1e-9 else mid - half + (v - low) / span * 2 * half
    return out, height


def _extent(x: float, y: float, r: float, label: str) -> tuple[float, float, float, float]:
    """The box a node takes: its circle and the label centred under it (at the largest font)."""
    half = max(r, text_width(label, LABEL_MAX_FONT) / 2)
    return x - half, y - r, x + half, y + r + LABEL_GAP + LABEL_MAX_FONT


def _declutter(xy: list[list[float]], radii: list[float], labels: list[str], height: int,
               rounds: int = 200) -> None:
    """Push apart, in place, nodes whose circle-and-label boxes overlap (along the axis where they overlap
    least, half each way), staying inside the margins; stops when nothing overlaps or after `rounds`."""
    for _ in range(rounds):
        moved = False
        for i, j in combinations(range(len(xy)), 2):
            a = _extent(xy[i][0], xy[i][1], radii[i], labels[i])
            b = _extent(xy[j][0], xy[j][1], radii[j], labels[j])
            ox, oy = min(a[2], b[2]) - max(a[0], b[0]), min(a[3], b[3]) - max(a[1], b[1])
            if ox <= 0 or oy <= 0:
                continue
            moved = True
            axis, amount = (0, ox) if ox < oy else (1, oy)
            sign = 1 if (xy[i][axis], i) > (xy[j][axis], j) else -1
            xy[i][axis] += sign * (amount / 2 + 0.5)
            xy[j][axis] -= sign * (amount / 2 + 0.5)
        for p in xy:
            p[0] = min(max(p[0], MARGIN_X), WIDTH - MARGIN_X)
            p[1] = min(max(p[1], MARGIN_TOP), height - MARGIN_BOTTOM)
        if not moved:
            return


def radius(articles: int, most: int) -> float:
    """A circle's radius: its area grows with the stories naming it (R_MAX for the most named), but never
    below R_MIN so that the least named stay visible and clickable."""
    return round(max(R_MIN, R_MAX * math.sqrt(articles / most)), 2)


# -- the network ----------------------------------------------------------------------------------------


def build_network(stories: Iterable[StoryEntities], max_nodes: int = 20, max_edges: int = 50,
                  min_weight: int = 1) -> Network:
    """The co-occurrence network of `stories` (each counted once; `stories` in the result counts them all,
    also those naming nobody): at most `max_nodes` nodes and `max_edges` edges of weight `min_weight` or
    more, laid out in a WIDTH x HEIGHT box (less high for a few nodes). No names, no nodes (the template then
    draws nothing)."""
    if max_nodes < 1 or max_edges < 0 or min_weight < 1:
        raise ValueError("max_nodes and min_weight must be at least 1, max_edges at least 0")
    n, articles, pairs, kinds = _count(stories)
    names, chosen = _select(articles, pairs, max_nodes, max_edges, min_weight)
    if not names:
        return Network((), (), n)
    index = {s: i for i, s in enumerate(names)}
    heaviest = max((w for _a, _b, w in chosen), default=1)
    links = [(index[a], index[b], w / heaviest) for a, b, w in chosen]
    xy, height = _fit(_orient(_even_out(_spring(len(names), links))))
    most = articles[names[0]]
    radii = [radius(articles[s], most) for s in names]
    _declutter(xy, radii, [label_of(s) for s in names], height)
    xy = [(round(x, 2), round(y, 2)) for x, y in xy]
    nodes = tuple(Node(s, kinds[s], articles[s], xy[i][0], xy[i][1], radii[i]) for i, s in enumerate(names))
    edges = tuple(Edge(a, b, w, *xy[index[a]], *xy[index[b]]) for a, b, w in chosen)
    return Network(nodes, edges, n, WIDTH, height)


# -- terminal -------------------------------------------------------------------------------------------


def _cells(text: str) -> int:
    """Terminal cells `text` takes (Hangul and other wide characters two)."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def network_lines(net: Network, links: int = 5) -> list[str]:
    """The network as text lines: a heading, then a node a line, most named first, with its count and its
    `links` strongest ties (`황창규(인물) 12건 — KT 9, 삼성전자 4, …`), names padded to one column."""
    if not net.nodes:
        return [f"no people or organisations named in {net.stories:,} stories"]
    lines = [f"people and organisations named together, in {net.stories:,} stories "
             "(copies of a wire story counted once)"]
    heads = [f"{n.name}({n.kind_ko})" for n in net.nodes]
    width = max(_cells(h) for h in heads)
    count_w = len(f"{net.nodes[0].articles:,}")
    for head, node in zip(heads, net.nodes):
        line = f"{head}{' ' * (width - _cells(head))} {node.articles:>{count_w},}건"
        ties = net.neighbours(node.name)
        if ties:
            line += " — " + ", ".join(f"{s} {w:,}" for s, w in ties[:links]) + (", …" if len(ties) > links else "")
        lines.append(line)
    return lines
