"""The co-occurrence network of people and organisations (search/network.py) and its partial
(web/templates/_network.html), on hand-made stories: counts once per story, edge weights, the top-N cuts, a
deterministic layout inside the box, the JSON shape, the terminal lines, and the markup's links."""

from __future__ import annotations

import re
from html import unescape
from itertools import combinations
from pathlib import Path
from urllib.parse import quote

import jinja2
import pytest

from newsearch.search import network
from newsearch.search.network import StoryEntities, build_network, network_lines

TEMPLATES = Path(__file__).resolve().parents[1] / "web" / "templates"


def story(id_: str, *names: str) -> StoryEntities:
    """A story naming `names`; a name in ORGS is an organisation, any other a person."""
    return StoryEntities(id_, tuple(("org" if n in ORGS else "person", n) for n in names))


ORGS = {"KT", "삼성전자", "과학기술정보통신부", "한국은행", "SK텔레콤"}
STORIES = [
    story("a1", "황창규", "KT", "황창규", "KT"),  # named twice: counted once
    story("a2", "황창규", "KT", "구현모"),
    story("a3", "황창규", "삼성전자"),
    story("a4", "구현모", "KT", "과학기술정보통신부"),
    story("a5", "이재용", "삼성전자"),
    story("a6"),  # names nobody: still one of the stories counted
]


def by_name(net: network.Network) -> dict[str, network.Node]:
    return {n.name: n for n in net.nodes}


def weights(net: network.Network) -> dict[tuple[str, str], int]:
    return {(e.a, e.b): e.weight for e in net.edges}


def test_counts_once_per_story():
    net = build_network(STORIES)
    nodes = by_name(net)
    assert net.stories == 6
    assert {n: (v.kind, v.articles) for n, v in nodes.items()} == {
        "황창규": ("person", 3), "KT": ("org", 3), "구현모": ("person", 2), "삼성전자": ("org", 2),
        "과학기술정보통신부": ("org", 1), "이재용": ("person", 1)}
    assert [n.name for n in net.nodes] == ["KT", "황창규", "구현모", "삼성전자", "과학기술정보통신부", "이재용"]


def test_edge_weights_count_stories_naming_both():
    net = build_network(STORIES)
    assert weights(net) == {
        ("KT", "황창규"): 2, ("KT", "구현모"): 2, ("구현모", "황창규"): 1, ("삼성전자", "황창규"): 1,
        ("KT", "과학기술정보통신부"): 1, ("과학기술정보통신부", "구현모"): 1, ("삼성전자", "이재용"): 1}
    assert all(e.a < e.b for e in net.edges)
    assert [e.weight for e in net.edges] == sorted((e.weight for e in net.edges), reverse=True)
    assert [(e.a, e.b) for e in net.edges][:2] == [("KT", "구현모"), ("KT", "황창규")]  # ties by names


def test_edges_are_drawn_between_their_nodes():
    net = build_network(STORIES)
    nodes = by_name(net)
    for e in net.edges:
        assert (e.x1, e.y1, e.x2, e.y2) == (nodes[e.a].x, nodes[e.a].y, nodes[e.b].x, nodes[e.b].y)


def test_min_weight_drops_light_edges():
    net = build_network(STORIES, min_weight=2)
    assert weights(net) == {("KT", "황창규"): 2, ("KT", "구현모"): 2}
    assert len(net.nodes) == 6  # 3 linked of 20 allowed: the unlinked stay


def test_top_nodes_by_stories_then_name():
    stories = [story(f"s{i}", *[f"사람{j:02d}" for j in range(i + 1)]) for i in range(30)]
    net = build_network(stories, max_nodes=5)
    assert [n.name for n in net.nodes] == ["사람00", "사람01", "사람02", "사람03", "사람04"]
    assert [n.articles for n in net.nodes] == [30, 29, 28, 27, 26]
    tie = build_network([story("a", "나", "다", "가"), story("b", "라")], max_nodes=2)
    assert [n.name for n in tie.nodes] == ["가", "나"]


def test_top_edges_only_among_kept_nodes():
    stories = [story(f"s{i}", *[f"사람{j:02d}" for j in range(i + 1)]) for i in range(30)]
    net = build_network(stories, max_nodes=6, max_edges=4)
    kept = {n.name for n in net.nodes}
    assert len(net.edges) == 4
    assert all(e.a in kept and e.b in kept for e in net.edges)
    assert [e.weight for e in net.edges] == [29, 28, 28, 27]  # 사람00-01, 00-02, 01-02, then 00-03


def test_isolated_nodes_go_only_when_enough_are_linked():
    linked = [story(f"l{i}", f"A{i}", f"B{i}") for i in range(3)]  # six linked names
    lonely = [story(f"o{i}", f"C{i}") for i in range(3)]
    many = build_network(linked + lonely, max_nodes=10)  # 6 linked > 10 / 2: the lonely go
    assert sorted(n.name for n in many.nodes) == ["A0", "A1", "A2", "B0", "B1", "B2"]
    few = build_network(linked + lonely, max_nodes=20)  # 6 linked of 20: they stay
    assert len(few.nodes) == 9


def test_one_name_one_node_with_its_most_frequent_kind():
    net = build_network([StoryEntities("a", (("person", "삼성"), ("org", "삼성"))),
                         StoryEntities("b", (("org", "삼성"),))])
    assert [(n.name, n.kind, n.articles) for n in net.nodes] == [("삼성", "org", 2)]


def test_empty_and_bad_input():
    assert build_network([]) == network.Network((), (), 0)
    assert build_network([StoryEntities("a", ())]).stories == 1
    with pytest.raises(ValueError):
        build_network([StoryEntities("a", (("place", "부산"),))])
    with pytest.raises(ValueError):
        build_network(STORIES, max_nodes=0)


def test_layout_is_deterministic():
    stories = [story(f"s{i}", *[f"이름{(i * 7 + j) % 23}" for j in range(4)]) for i in range(40)]
    first, again = build_network(stories), build_network(list(reversed(stories)))
    assert first == again  # the same stories in another order: the same picture
    assert first == build_network(iter(stories))


@pytest.mark.parametrize("n", [1, 2, 3, 8, 20])
def test_everything_inside_the_box(n):
    stories = [story(f"s{i}", *[f"과학기술정보통신부{(i + j) % n}" for j in range(min(3, n))]) for i in range(3 * n)]
    net = build_network(stories)
    assert len(net.nodes) == n
    for node in net.nodes:
        half = max(node.r, network.text_width(node.label, network.LABEL_MAX_FONT) / 2)
        assert 0 <= node.x - half and node.x + half <= net.width
        assert 0 <= node.y - node.r
        assert node.y + node.r + network.LABEL_GAP + network.LABEL_MAX_FONT <= net.height
    assert net.width == 640 and (net.height == 420 if n >= network.FULL_BOX else 100 < net.height < 420)


@pytest.mark.parametrize("n", [3, 6, 20])
def test_labels_do_not_overlap(n):
    stories = [story(f"s{i}", *[f"기관이름{(i + j) % n}" for j in range(3)]) for i in range(3 * n)]
    net = build_network(stories)
    assert len(net.nodes) == n
    boxes = [network._extent(n.x, n.y, n.r, n.label) for n in net.nodes]
    overlapping = [(a, b) for a, b in combinations(boxes, 2)
                   if min(a[2], b[2]) - max(a[0], b[0]) > 1 and min(a[3], b[3]) - max(a[1], b[1]) > 1]
    assert not overlapping


def test_radius_grows_with_the_square_root_of_stories():
    assert network.radius(100, 100) == 18
    assert network.radius(25, 100) == 9
    assert network.radius(1, 100) == 6  # never smaller
    net = build_network(STORIES)
    assert all(network.R_MIN <= n.r <= network.R_MAX for n in net.nodes)


def test_labels_are_cut_to_eight_characters():
    assert network.label_of("과학기술정보통신부") == "과학기술정보통신…"
    assert network.label_of("황창규") == "황창규"


def test_json_shape():
    got = build_network(STORIES).to_json()
    assert set(got) == {"stories", "nodes", "edges"}
    assert got["stories"] == 6
    assert got["nodes"][0] == {"name": "KT", "kind": "org", "articles": 3}
    assert got["edges"][0] == {"source": "KT", "target": "구현모", "weight": 2}
    assert all(set(n) == {"name", "kind", "articles"} for n in got["nodes"])
    assert all(set(e) == {"source", "target", "weight"} for e in got["edges"])


def test_terminal_lines():
    lines = network_lines(build_network(STORIES), links=2)
    assert "6 stories" in lines[0]
    assert lines[1].startswith("KT(기관)") and lines[1].endswith("3건 — 구현모 2, 황창규 2, …")
    assert any(line.startswith("이재용(인물)") and line.endswith("1건 — 삼성전자 1") for line in lines)
    assert len({network._cells(line[:line.index("건")]) for line in lines[1:]}) == 1  # one column in a terminal
    assert network_lines(build_network([])) == ["no people or organisations named in 0 stories"]


def test_neighbours_and_stroke():
    net = build_network(STORIES)
    assert net.neighbours("황창규") == [("KT", 2), ("구현모", 1), ("삼성전자", 1)]
    strokes = {(e.a, e.b): net.stroke(e) for e in net.edges}
    assert strokes[("KT", "황창규")] == 5 and strokes[("삼성전자", "이재용")] == 1


# -- the template -----------------------------------------------------------------------------------


def render(net) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(TEMPLATES)), autoescape=True)
    return env.get_template("_network.html").render(network=net, net_href=href)


def href(node) -> str:
    return "/search?q=" + quote(("인물:" if node.kind == "person" else "기관:") + node.name)


def test_template_links_every_node_once_in_the_list_and_once_in_the_svg():
    net = build_network(STORIES)
    html = render(net)
    svg = html[html.index("<svg"):html.index("</svg>")]
    listing = html[html.index('<ul class="network-list"'):html.index("</ul>")]
    for node in net.nodes:
        link = f'href="{href(node)}"'
        assert svg.count(link) == 1 and listing.count(link) == 1
    assert len(re.findall(r"<a ", svg)) == len(re.findall(r"<a ", listing)) == len(net.nodes)
    assert len(re.findall(r"<line ", svg)) == len(net.edges)
    # one accessible path: the SVG is hidden and its links out of the Tab order; the list's links are the targets
    assert 'aria-hidden="true"' in html[html.index("<svg"):html.index(">", html.index("<svg"))]
    assert len(re.findall(r'tabindex="-1"', svg)) == len(net.nodes)
    assert "tabindex" not in listing


def test_template_labels_titles_and_caption_in_korean():
    net = build_network(STORIES)
    html = unescape(render(net))
    for node in net.nodes:
        assert f">{node.label}</text>" in html
        assert f"<title>{node.name} · 기사 {node.articles}건</title>" in html
        assert f'aria-label="{node.name}({node.kind_ko}) · 기사 {node.articles}건 · 검색"' in html
    assert ">과학기술정보통신…</text>" in html  # long names cut under the circle, whole in the list
    assert '<figure class="network" aria-labelledby="network-title">' in html
    assert re.search(r'<figcaption id="network-title"[^>]*>.*인물·기관 관계망.*상위 기사 6건 기준', html, re.S)
    assert re.search(r'<p class="network-legend">.*인물.*기관.*</p>', html, re.S)
    assert f'viewBox="0 0 640 {net.height}"' in html
    assert "<script" not in html and "style=" not in html  # the page's CSP allows neither


def test_template_draws_nothing_without_nodes():
    assert render(None).strip() == ""
    assert render(build_network([])).strip() == ""


def test_template_escapes_names():
    net = build_network([StoryEntities("a", (("org", "<AT&T>"), ("person", '"따옴표"')))])
    html = render(net)
    assert "<AT&T>" not in html and "&lt;AT&amp;T&gt;" in html
