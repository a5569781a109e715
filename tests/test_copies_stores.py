"""Wire copies through the search contract, the same cases on both stores (issue 18).

The copies are made at test time from a seed article the way outlets republish a wire story: another
dateline and byline, a rewritten headline, the last paragraph cut, paragraphs joined, a promo and a
copyright line appended. Another seed on the same subject (Kakao's healthcare business, by another
outlet) is the hard negative: the same event's report is not a copy.
"""

from __future__ import annotations

import json
import os

import pytest
from click.testing import CliRunner

from newsearch.backends import open_searcher
from newsearch.cli import main
from newsearch.extract import extract_file

from .conftest import SEEDS, write_jsonl
from .test_contract import BACKENDS, _build, _env

WIRE = "002_5199239f47117fff.txt"  # 카카오헬스케어 업무협약 (아이뉴스24), undated
SAME_SUBJECT = "004_24bd54923c893d98.txt"  # 카카오 vs 네이버 헬스케어 (another outlet): not a copy
QUERY = "카카오헬스케어 업무협약"


def _paragraphs(name: str) -> list[str]:
    return [p for p in extract_file(SEEDS / name).body.split("\n") if p.strip()]


def wire_rows() -> dict[str, dict]:
    """The wire story as three outlets ran it (ids wire-1..3), as JSONL rows."""
    paras = _paragraphs(WIRE)
    lead = paras[0].split("] ", 1)[1]
    return {
        "wire-1": {"id": "wire-1", "title": "카카오헬스케어, 스타트업·대학병원과 잇단 업무협약", "date": "2022-06-27T09:00:00",
                   "publisher": "가나통신", "body": "\n\n".join(["(서울=가나통신) 윤선훈 기자 = " + lead] + paras[1:])},
        "wire-2": {"id": "wire-2", "title": "카카오헬스케어, 10곳과 MOU…디지털 헬스케어 생태계 구축",
                   "date": "2022-06-27T10:30:00", "publisher": "다라일보",
                   "body": "\n\n".join(["[서울=다라일보]김철수 기자 = " + lead] + paras[1:-1]
                                       + ["김철수 기자 kim@darailbo.example", "<저작권자 ⓒ 다라일보, 무단전재 및 재배포 금지>"])},
        "wire-3": {"id": "wire-3", "title": "카카오헬스케어 협업 확대", "date": "2022-06-28T08:00:00",
                   "publisher": "마바경제",
                   "body": "\n\n".join([lead + " " + paras[1]] + paras[2:-2]
                                       + ["▶ 마바경제 구독하고 경품 받기", "ⓒ 마바경제. All rights reserved."])},
    }


@pytest.fixture(scope="module", params=BACKENDS)
def grouped(request, tmp_path_factory, kiwi):
    """A searcher over the seeds plus three outlets' copies of one seed."""
    name = request.param
    root = tmp_path_factory.mktemp(f"copies-{name}")
    wires = root / "wires"
    wires.mkdir()
    write_jsonl(wires / "wire.jsonl", wire_rows().values())
    ix = root / "index"
    stats = _build(request, name, ix, [SEEDS, wires / "wire.jsonl"])
    assert stats.failed == 0, stats.problems
    s = open_searcher(ix, name)
    s.index_dir, s.env = ix, _env(request, name)
    yield s
    s.close()


def test_one_hit_per_story_with_its_copies(grouped):
    res = grouped.search(QUERY, limit=100)
    story = [h for h in res.hits if h.group.size > 1]
    assert len(story) == 1, [(h.id, h.group) for h in res.hits]
    hit = story[0]
    members = {hit.id} | {c.id for c in hit.copies}
    assert members == {WIRE, "wire-1", "wire-2", "wire-3"}
    assert hit.group.size == 4 and hit.group.lead == "wire-1"  # the earliest dated report
    if hit.id != "wire-1":
        assert hit.copies[0].id == "wire-1"  # the lead first
    by_id = {c.id: c for c in hit.copies}
    if "wire-2" in by_id:
        assert by_id["wire-2"].publisher == "다라일보" and by_id["wire-2"].date.startswith("2022-06-27")
        assert by_id["wire-2"].title.startswith("카카오헬스케어, 10곳과 MOU")
    assert res.total_groups == len(res.hits) == res.total - 3
    assert SAME_SUBJECT in {h.id for h in res.hits}  # the other outlet's own report stays a result


def test_no_group_shows_every_copy(grouped):
    every = grouped.search(QUERY, limit=100, group=False)
    assert every.total_groups is None and every.total == len(every.hits)
    assert {WIRE, "wire-1", "wire-2", "wire-3"} <= {h.id for h in every.hits}
    assert every.total == grouped.search(QUERY, limit=100).total  # totals count articles either way
    for h in every.hits:
        if h.id in {WIRE, "wire-1", "wire-2", "wire-3"}:
            assert h.group.size == 4 and len(h.copies) == 3


def test_pages_walk_every_group_once(grouped):
    for sort in ("relevance", "newest"):
        first = grouped.search(QUERY, limit=1, sort=sort)
        seen = []
        for page in range(1, first.pages + 1):
            res = grouped.search(QUERY, limit=1, page=page, sort=sort)
            seen += [h.group.id for h in res.hits]
        assert len(seen) == len(set(seen)) == first.total_groups == first.pages, sort


def test_facets_count_articles(grouped):
    res = grouped.search(QUERY, facets=True)
    assert sum(n for _p, n in res.publishers) == res.total > res.total_groups


def test_related_articles_are_never_copies(grouped):
    for doc_id in (WIRE, "wire-2"):
        related = grouped.related(doc_id, limit=10)
        assert related
        ids = {h.id for h in related}
        assert not ids & {WIRE, "wire-1", "wire-2", "wire-3"}, ids
        assert len({h.group.id for h in related}) == len(related)


def test_article_lists_its_copies(grouped):
    art = grouped.article("wire-2")
    assert art["group"].lead == "wire-1" and art["group"].size == 4
    assert [c.id for c in art["copies"]] == ["wire-1", "wire-3", WIRE]
    alone = grouped.article(SAME_SUBJECT)
    assert alone["group"].size == 1 and alone["copies"] == []


def test_duplicates_lists_the_group_lead_first(grouped):
    assert grouped.duplicates() == [("wire-1", "wire-2", "wire-3", WIRE)]  # undated last


def test_cli_no_group_and_duplicates(grouped):
    runner = CliRunner()
    env = dict(grouped.env)
    base = ["--index", str(grouped.index_dir)]
    got = runner.invoke(main, ["query", QUERY, "--json", "-n", "100", *base], env=env)
    assert got.exit_code == 0, got.output
    res = json.loads(got.output)
    every = json.loads(runner.invoke(main, ["query", QUERY, "--json", "-n", "100", "--no-group", *base],
                                     env=env).output)
    assert len(every["hits"]) == len(res["hits"]) + 3 and every["total"] == res["total"]
    assert res["total_groups"] == len(res["hits"]) and "total_groups" not in every
    story = next(h for h in res["hits"] if h["group"]["size"] == 4)
    assert set(story["group"]) == {"id", "size", "lead"} and story["group"]["lead"] == "wire-1"
    assert all(set(c) == {"id", "publisher", "date", "title"} for c in story["copies"])
    dup = runner.invoke(main, ["duplicates", "--json", *base], env=env)
    assert dup.exit_code == 0, dup.output
    lines = [json.loads(x) for x in dup.stdout.splitlines()]
    assert lines == [{"id": story["group"]["id"], "lead": "wire-1", "members": ["wire-1", "wire-2", "wire-3", WIRE]}]
    text = runner.invoke(main, ["duplicates", *base], env=env)
    assert "1 group of copies holding 4 of" in text.output


@pytest.mark.parametrize("name", BACKENDS)
def test_groups_follow_adds_changes_and_deletes(request, tmp_path, kiwi, name, monkeypatch):
    """After every update the groups are those a rebuild from the same sources gives; a no-op update
    does no grouping work."""
    from newsearch.copies import groups as copy_groups

    rows = wire_rows()
    other = {"id": "other", "title": "다른 기사", "publisher": "사아일보", "date": "2022-06-27",
             "body": "\n\n".join(_paragraphs(SAME_SUBJECT))}
    src = tmp_path / "src"
    src.mkdir()
    ix = tmp_path / "index"
    steps = [
        ([rows["wire-1"], other], []),
        ([rows["wire-1"], rows["wire-2"], other], [("wire-1", "wire-2")]),
        ([rows["wire-1"], dict(rows["wire-2"], body=other["body"] + "\n\n추가 문단."), other], [("other", "wire-2")]),
        ([rows["wire-1"], rows["wire-2"], rows["wire-3"], other], [("wire-1", "wire-2", "wire-3")]),
        ([rows["wire-2"], rows["wire-3"], other], [("wire-2", "wire-3")]),  # the lead deleted
    ]
    for i, (step, want) in enumerate(steps):
        write_jsonl(src / "rows.jsonl", step)
        stats = _build(request, name, ix, [src / "rows.jsonl"])
        assert stats.failed == 0, stats.problems
        fresh = tmp_path / f"rebuilt-{i}"
        _build(request, name, fresh, [src / "rows.jsonl"])
        with pytest.MonkeyPatch.context() as mp:
            for key, value in _env(request, name).items():
                mp.setenv(key, value)
            with open_searcher(ix, name) as s, open_searcher(fresh, name) as r:
                assert s.duplicates() == r.duplicates() == want, i
    calls = []
    real = copy_groups._candidates
    monkeypatch.setattr(copy_groups, "_candidates", lambda *a: calls.append(1) or real(*a))
    stats = _build(request, name, ix, [src / "rows.jsonl"])
    assert stats.added == stats.updated == stats.deleted == 0 and calls == []
    os.utime(src / "rows.jsonl")
    assert _build(request, name, ix, [src / "rows.jsonl"]).updated == 0 and calls == []


def test_whoosh_finds_members_at_their_places(tmp_path, kiwi, monkeypatch):
    """copies.json keeps each member's segment and document number, so a searcher of that state looks none of
    them up in the `id` column (at a million documents that scan was 0.13 s of a cold start); places that no
    longer hold (another segment's id, a document number past the segment) send the members to the scan, and
    the groups are the same."""
    from newsearch.backends import update
    from newsearch.backends.whoosh import groups, sortable

    wires = tmp_path / "wires"
    wires.mkdir()
    write_jsonl(wires / "wire.jsonl", wire_rows().values())
    ix = tmp_path / "index"
    assert update(ix, [SEEDS, wires / "wire.jsonl"], name="whoosh").failed == 0
    raw = json.loads((ix / groups.FILE_NAME).read_text(encoding="utf-8"))
    members = {m for g in raw["groups"] for m in g}
    assert members >= {WIRE, "wire-1", "wire-2", "wire-3"} and set(raw["places"]) == members
    asked: list[set] = []
    real = sortable.find_values
    monkeypatch.setattr(sortable, "find_values", lambda reader, col, ids: asked.append(set(ids)) or real(reader, col, ids))

    def story() -> set[str]:
        with open_searcher(ix, "whoosh") as s:
            hit = next(h for h in s.search(QUERY, limit=100).hits if h.group.size > 1)
            return {hit.id} | {c.id for c in hit.copies}

    assert story() == {WIRE, "wire-1", "wire-2", "wire-3"} and asked == []
    spoilt = {m: (["no-such-segment", 0] if k % 2 else [seg, 10 ** 6]) for k, (m, (seg, _d)) in
              enumerate(sorted(raw["places"].items()))}
    (ix / groups.FILE_NAME).write_text(json.dumps({**raw, "places": spoilt}), encoding="utf-8")
    assert story() == {WIRE, "wire-1", "wire-2", "wire-3"}
    assert set().union(*asked) == members
