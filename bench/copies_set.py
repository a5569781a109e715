#!/usr/bin/env python3
"""Labelled sets for grouping wire copies (issue 18): syndicated variants of real articles, and hard negatives.

A set is a recipe, not text: source rows named by corpus and id (or by a path in this repository), the
variants to make of each (kind and seed), and mined pairs of hard negatives named by id. The texts are
read at run time from ../shared (nothing from there is copied into the repository) or from the
repository's own seeds/ and tests/fixtures/heldout/ pages, and every variant is made from its original
by `make_variant(original, kind, seed)`, a pure function of its arguments (random.Random seeded with a
string: no Python hash(), so the same in every process).

Variant kinds, each what outlets do when they republish a wire story (all variants also get a rewritten
headline, another outlet as publisher, and the same date or the next day):

- headline:  the body verbatim (the most common syndicated copy);
- dateline:  the wire dateline replaced or added: `(서울=연합뉴스) 홍길동 기자 =`, `[세종=뉴시스]홍길동 기자 =`,
             `[이데일리 홍길동 기자]`, ...;
- byline:    a reporter line, e-mail, or `홍길동 기자` paragraph added at the top or the end;
- promo:     copyright and promo lines appended (`<저작권자(c) 연합뉴스, 무단 전재-재배포 금지>`, `▶ 네이버에서 ...
             구독하기`, related headlines, `많이 본 뉴스`);
- cut_end:   the last paragraph (or the last sentences of a one-paragraph story) cut, at least 55% kept;
- lead_half: the story cut to its first 40-60% (an outlet fitting the copy into its space);
- words:     a few words changed: house-style verbs (밝혔다 -> 말했다), a number corrected, a word dropped or
             inserted, spacing changed, two words swapped (2-6 edits by length);
- reflow:    paragraphs rejoined and split at sentence ends;
- combo:     a new dateline plus three or four of byline, promo, cut_end, words, reflow (a full syndicated copy);
- first_para (hard, reported apart): only the first paragraph kept (or the first two sentences) - a brief
             made of a long story's lead.

Hard negatives are real pairs mined from the corpora and read by hand (tests/fixtures/copies/negatives.json):
the same event reported by Donga and Kyunghyang on the same day, and the same story followed up days later
(Wikinews follow-ups, bigkinds next-day reports). See `mine` below for how candidates were found.

Usage:
  python3 bench/copies_set.py show ID [--kind KIND] [--seed N]     # print an original and its variants
  python3 bench/copies_set.py recipe [--n 40] [--seed 18]          # write a test recipe (JSON) to stdout
  python3 bench/copies_set.py mine same_event|follow_up [--top 60]  # print candidate hard negatives to read
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT / "src") not in sys.path:
    sys.path.insert(0, str(ROOT / "src"))

FIXTURES = ROOT / "tests" / "fixtures" / "copies"
NEGATIVES = FIXTURES / "negatives.json"
RECIPE = FIXTURES / "recipe.json"

KINDS = ("headline", "dateline", "byline", "promo", "cut_end", "lead_half", "words", "reflow", "combo")
HARD_KINDS = ("first_para",)
ALL_KINDS = KINDS + HARD_KINDS
CORPORA = {"wikinews_ko": "corpus/wikinews_ko.jsonl", "naver_scinews50": "corpus/naver_scinews50.jsonl",
           "bigkinds_leads": "corpus/bigkinds_leads.jsonl"}
# Originals for variants: full articles only (bigkinds bodies are leads cut at 200 characters).
ORIGINAL_CORPORA = ("wikinews_ko", "naver_scinews50")
MIN_ORIGINAL_CHARS = 150


@dataclass(frozen=True)
class Doc:
    """One document of a labelled set. `source` is the id of the original a variant copies (None: an original)."""

    id: str
    title: str
    body: str
    date: str = ""
    publisher: str = ""
    source: str | None = None
    kind: str = "original"

    @property
    def key(self) -> str:
        """The true group: the original's id for it and all its variants."""
        return self.source or self.id


# -- reading the originals -----------------------------------------------------------------------


def load_corpus(shared: Path, names=tuple(CORPORA)) -> dict[str, Doc]:
    """Rows of the shared corpora as the indexer reads them (`article_from_record`), by id."""
    from newsearch.extract import ExtractError, article_from_record

    out: dict[str, Doc] = {}
    for name in names:
        with open(shared / CORPORA[name], encoding="utf-8") as fh:
            for line in fh:
                if not line.strip():
                    continue
                row = json.loads(line)
                try:
                    art = article_from_record(row)
                except ExtractError:
                    continue
                out[row["id"]] = Doc(row["id"], art.title or "", art.body or "", (art.date or "")[:10],
                                     art.publisher or "")
    return out


def local_originals(repo: Path = ROOT) -> list[Doc]:
    """Texts that are in the repository: the seeds and the held-out pages, extracted as the indexer does."""
    from newsearch.extract import extract_file

    paths = sorted((repo / "seeds").glob("*.txt")) + sorted((repo / "tests" / "fixtures" / "heldout").glob("*.html"))
    out = []
    for p in paths:
        art = extract_file(p)
        rel = p.relative_to(repo).as_posix()
        out.append(Doc(rel, art.title or "", art.body or "", (art.date or "")[:10], art.publisher or ""))
    return out


def exact_duplicates(docs) -> dict[str, str]:
    """id -> the first id with the same body (whitespace-normalised), for bodies that occur more than once."""
    first: dict[str, str] = {}
    dup: dict[str, str] = {}
    for d in docs:
        k = " ".join(d.body.split())
        if k in first:
            dup[d.id] = first[k]
        else:
            first[k] = d.id
    return dup


def eligible_originals(corpus: dict[str, Doc]) -> list[Doc]:
    """Full articles usable as originals: from ORIGINAL_CORPORA, long enough, not an exact duplicate of another row."""
    dups = exact_duplicates(corpus.values())
    dup_ids = set(dups) | set(dups.values())
    prefixes = {"wikinews_ko": "kowikinews-", "naver_scinews50": "scinews-"}
    allowed = tuple(prefixes[n] for n in ORIGINAL_CORPORA)
    return [d for d in corpus.values()
            if d.id.startswith(allowed) and len(d.body) >= MIN_ORIGINAL_CHARS and d.id not in dup_ids]


# -- text units ------------------------------------------------------------------------------------

_SENTENCE_END = re.compile(r"(?<=[.!?])[\"”’'）)\]]*\s+")
# A wire dateline or bracketed byline opening a body (the generator's own pattern, independent of copies/).
_LEADING_DATELINE = re.compile(
    r"^\s*(?:[\[(【][^\[\]()【】\n]{1,30}?=[^\[\]()【】\n]{1,20}?[\])】]\s*"
    r"(?:[가-힣]{2,4}(?:\s+[가-힣]{2,4}){0,2}\s*(?:인턴\s*)?(?:기자|특파원)\s*=\s*)?"
    r"|[\[(【][가-힣A-Za-z0-9]{2,10}\s+[가-힣]{2,4}\s*기자[\])】]\s*"
    r"|[가-힣]{2,4}\s*(?:기자|특파원)\s*=\s*)")


def paragraphs(body: str) -> list[str]:
    return [p.strip() for p in body.split("\n\n") if p.strip()]


def sentences(text: str) -> list[str]:
    return [s for s in _SENTENCE_END.split(text.strip()) if s]


def join(paras: list[str]) -> str:
    return "\n\n".join(p for p in paras if p)


def _chars(paras) -> int:
    return sum(len(p) for p in paras)


# -- pieces of a syndicated copy (invented names and addresses) ------------------------------------------

NAMES = [("김민수", "minsu"), ("이지현", "jihyun"), ("박상훈", "shpark"), ("최유진", "yujin"), ("정다은", "daeun"),
         ("강태호", "taeho"), ("윤서연", "syyoon"), ("장현우", "hwjang"), ("임하늘", "sky"), ("한지훈", "jhhan")]
OUTLETS = [("연합뉴스", "yna.co.kr"), ("뉴시스", "newsis.com"), ("뉴스1", "news1.kr"), ("이데일리", "edaily.co.kr"),
           ("머니투데이", "mt.co.kr"), ("아시아경제", "asiae.co.kr"), ("헤럴드경제", "heraldcorp.com"),
           ("파이낸셜뉴스", "fnnews.com"), ("서울신문", "seoul.co.kr"), ("국민일보", "kmib.co.kr")]
CITIES = ["서울", "세종", "부산", "대구", "광주", "대전", "수원", "인천", "워싱턴", "베이징", "도쿄", "파리"]
DATELINES = [
    "({city}=연합뉴스) {name} 기자 = ", "({city}=연합뉴스) {name} {name2} 기자 = ", "[{city}=뉴시스]{name} 기자 = ",
    "【{city}=뉴시스】{name} 기자 = ", "({city}=뉴스1) {name} 기자 = ", "[{outlet} {name} 기자] ",
    "[{outlet}={name} 기자] ", "{name} 기자 = ", "({city}=연합뉴스) ", "({city}=연합뉴스) {name} 특파원 = ",
]
BYLINES_END = ["{name} 기자 {email}", "/{name} 기자 {email}", "{email}", "{name} 기자({email})",
               "{name} 기자", "[{outlet} {name} 기자]"]
BYLINES_TOP = ["{name} 기자", "{outlet} {name} 기자"]
PROMOS = [
    "<저작권자(c) 연합뉴스, 무단 전재-재배포, AI 학습 및 활용 금지>", "ⓒ {outlet}, 무단전재 및 재배포 금지",
    "Copyright ⓒ {outlet}. All rights reserved.", "▶ 네이버에서 {outlet} 구독하기",
    "▶ 제보는 카톡 okjebo", "☞ 공감언론 뉴시스가 독자 여러분의 소중한 제보를 기다립니다.",
    "※ 저작권자 ⓒ {outlet}, 무단전재 및 재배포 금지", "▶ [단독] 기사 더보기", "▶ 오늘의 주요 뉴스 한눈에 보기",
    "[{outlet}] 무단전재 및 재배포 금지", "많이 본 뉴스",
]
HEADLINE_TAGS = ["[종합]", "[속보]", "(종합)", "[단독]", "(2보)", "(종합2보)", "[영상]", "[포토]"]
# House-style edits: (what, into), applied to one occurrence.
STYLE_EDITS = [("밝혔다.", "말했다."), ("밝혔다.", "설명했다."), ("말했다.", "밝혔다."), ("전했다.", "밝혔다."),
               ("했다.", "하였다."), ("하였다.", "했다."), ("이날 ", "같은 날 "), ("지난해", "작년"),
               ("라고 ", "고 "), ("것으로 알려졌다.", "것으로 전해졌다."), ("있다.", "있는 상황이다."),
               ("또한 ", ""), ("지난 ", ""), ("약 ", ""), ("등을 ", "등을 모두 ")]
INSERTS = ["또한", "특히", "한편", "지난", "이번", "이날"]


def _fill(template: str, rng: random.Random) -> str:
    (name, user), (name2, _) = rng.sample(NAMES, 2)
    outlet, domain = rng.choice(OUTLETS)
    return template.format(name=name, name2=name2, outlet=outlet, city=rng.choice(CITIES),
                           email=f"{user}@{domain}")


def _strip_dateline(paras: list[str]) -> list[str]:
    if not paras:
        return paras
    m = _LEADING_DATELINE.match(paras[0])
    if m and m.end() < len(paras[0]):
        return [paras[0][m.end():]] + paras[1:]
    return paras


def _dateline(paras: list[str], rng: random.Random) -> list[str]:
    paras = _strip_dateline(paras)
    return [_fill(rng.choice(DATELINES), rng) + paras[0]] + paras[1:]


def _byline(paras: list[str], rng: random.Random) -> list[str]:
    if rng.random() < 0.3:
        return [_fill(rng.choice(BYLINES_TOP), rng)] + paras
    return paras + [_fill(rng.choice(BYLINES_END), rng)]


def _promo(paras: list[str], rng: random.Random) -> list[str]:
    lines = [_fill(t, rng) for t in rng.sample(PROMOS, rng.randint(1, 3))]
    return paras + lines


def _cut_end(paras: list[str], rng: random.Random, keep_at_least: float = 0.55) -> list[str]:
    """Cut the last paragraph (or two of a long story), or the last sentences of a one-paragraph story."""
    total = _chars(paras)
    if len(paras) >= 3:
        k = 2 if len(paras) >= 6 and rng.random() < 0.5 else 1
        while k > 0 and _chars(paras[:-k]) < keep_at_least * total:
            k -= 1
        if k:
            return paras[:-k]
    sents = sentences(paras[-1])
    head = paras[:-1]
    k = rng.randint(1, 3)
    while k > 0 and _chars(head) + sum(len(s) for s in sents[:-k]) < keep_at_least * total:
        k -= 1
    if k == 0 or len(sents) <= k:
        return paras
    return head + [" ".join(sents[:-k])]


def _lead_part(paras: list[str], rng: random.Random, share: float) -> list[str]:
    """The first paragraphs (or sentences) holding about `share` of the text."""
    units = [(i, s) for i, p in enumerate(paras) for s in sentences(p)]
    total = sum(len(s) for _, s in units)
    out, got = [], 0
    for i, s in units:
        if got >= share * total and out:
            break
        out.append((i, s))
        got += len(s)
    kept: list[list[str]] = []
    last = None
    for i, s in out:
        if i != last:
            kept.append([])
            last = i
        kept[-1].append(s)
    return [" ".join(x) for x in kept]


def _lead_half(paras: list[str], rng: random.Random) -> list[str]:
    return _lead_part(paras, rng, rng.uniform(0.4, 0.6))


def _first_para(paras: list[str], rng: random.Random) -> list[str]:
    if len(paras) >= 2 and len(sentences(paras[0])) >= 1:
        return paras[:1]
    return [" ".join(sentences(paras[0])[:2])]


def _words(paras: list[str], rng: random.Random) -> list[str]:
    """A few small edits anywhere in the body (2-6, by length)."""
    paras = list(paras)
    n = max(2, min(6, round(_chars(paras) / 300)))
    for _ in range(n):
        i = rng.randrange(len(paras))
        p = paras[i]
        op = rng.choice(("style", "number", "drop", "insert", "space", "swap"))
        if op == "style":
            edits = [(a, b) for a, b in STYLE_EDITS if a in p]
            if edits:
                a, b = rng.choice(edits)
                starts = [m.start() for m in re.finditer(re.escape(a), p)]
                s = rng.choice(starts)
                paras[i] = p[:s] + b + p[s + len(a):]
                continue
            op = "drop"
        if op == "number":
            digits = [m.start() for m in re.finditer(r"\d", p)]
            if digits:
                s = rng.choice(digits)
                paras[i] = p[:s] + str((int(p[s]) + 1) % 10) + p[s + 1:]
                continue
            op = "swap"
        words = p.split(" ")
        if len(words) < 4:
            continue
        j = rng.randrange(1, len(words) - 1)
        if op == "drop":
            del words[j]
        elif op == "insert":
            words.insert(j, rng.choice(INSERTS))
        elif op == "space":
            if rng.random() < 0.5 and re.fullmatch(r"[가-힣]+", words[j]) and re.fullmatch(r"[가-힣]+", words[j + 1]):
                words[j:j + 2] = [words[j] + words[j + 1]]
            elif len(words[j]) >= 4:
                k = len(words[j]) // 2
                words[j:j + 1] = [words[j][:k], words[j][k:]]
        elif op == "swap":
            words[j], words[j + 1] = words[j + 1], words[j]
        paras[i] = " ".join(words)
    return paras


def _reflow(paras: list[str], rng: random.Random) -> list[str]:
    """Paragraphs rejoined (neighbours merged) and long ones split at a sentence end."""
    out: list[str] = []
    for p in paras:
        if out and rng.random() < 0.4:
            out[-1] = out[-1] + " " + p
        else:
            out.append(p)
    res: list[str] = []
    for p in out:
        sents = sentences(p)
        if len(sents) >= 3 and rng.random() < 0.6:
            k = rng.randint(1, len(sents) - 1)
            res.extend([" ".join(sents[:k]), " ".join(sents[k:])])
        else:
            res.append(p)
    return res


def _headline(title: str, rng: random.Random) -> str:
    t = title.strip() or "제목 없음"
    op = rng.randrange(4)
    if op == 0:
        return f"{rng.choice(HEADLINE_TAGS)} {t}"
    if op == 1:
        return t.replace(", ", "…", 1) if ", " in t else f"{t}…"
    if op == 2:
        words = t.split()
        return " ".join(words[:max(2, len(words) - 2)]) + " " + rng.choice(["外", "논란", "눈길", "관심"])
    return f"{t} {rng.choice(HEADLINE_TAGS)}"


def _shift_date(date: str, rng: random.Random) -> str:
    if not date or rng.random() < 0.7:
        return date
    try:
        return (dt.date.fromisoformat(date[:10]) + dt.timedelta(days=1)).isoformat()
    except ValueError:
        return date


def make_variant(orig: Doc, kind: str, seed: int = 0) -> Doc:
    """A syndicated copy of `orig` of the given kind (a pure function of its arguments)."""
    if kind not in ALL_KINDS:
        raise ValueError(f"unknown variant kind {kind!r}")
    rng = random.Random(f"{orig.id}|{kind}|{seed}")
    paras = paragraphs(orig.body)
    if kind == "dateline":
        paras = _dateline(paras, rng)
    elif kind == "byline":
        paras = _byline(paras, rng)
    elif kind == "promo":
        paras = _promo(paras, rng)
    elif kind == "cut_end":
        paras = _cut_end(paras, rng)
    elif kind == "lead_half":
        paras = _lead_half(paras, rng)
    elif kind == "first_para":
        paras = _dateline(_first_para(paras, rng), rng)
    elif kind == "words":
        paras = _words(paras, rng)
    elif kind == "reflow":
        paras = _reflow(paras, rng)
    elif kind == "combo":
        steps = rng.sample(["byline", "promo", "cut_end", "words", "reflow"], rng.randint(3, 4))
        # Editing order of a desk: trim, edit, re-paragraph, then sign and append.
        for step in ("cut_end", "words", "reflow", "byline", "promo"):
            if step in steps:
                paras = {"cut_end": _cut_end, "words": _words, "reflow": _reflow, "byline": _byline,
                         "promo": _promo}[step](paras, rng)
        paras = _dateline(paras, rng)
    outlet = rng.choice(OUTLETS)[0]
    return Doc(id=f"{orig.id}~{kind}{seed}", title=_headline(orig.title, rng), body=join(paras),
               date=_shift_date(orig.date, rng), publisher=outlet, source=orig.id, kind=kind)


def variants(orig: Doc, kinds=KINDS, seed: int = 0) -> list[Doc]:
    return [make_variant(orig, k, seed) for k in kinds]


# -- recipes and negatives -------------------------------------------------------------------------


def load_negatives(path: Path = NEGATIVES) -> list[dict]:
    """Mined hard-negative pairs: {"a", "b", "kind", "why"} (ids of rows in ../shared/corpus)."""
    return json.loads(path.read_text(encoding="utf-8"))["pairs"]


def negative_keys(path: Path = NEGATIVES) -> dict[str, str]:
    """True group keys of the documents of the negative pairs: each its own, except those listed as copies
    of each other (`copies` in negatives.json), which share the smallest id of their group."""
    data = json.loads(path.read_text(encoding="utf-8"))
    ids = {p[k] for p in data["pairs"] for k in ("a", "b")}
    parent = {i: i for i in ids}

    def root(x: str) -> str:
        while parent[x] != x:
            x = parent[x]
        return x

    for c in data.get("copies", []):
        parent.setdefault(c["a"], c["a"])
        parent.setdefault(c["b"], c["b"])
        ra, rb = root(c["a"]), root(c["b"])
        if ra != rb:
            parent[max(ra, rb)] = min(ra, rb)
    return {i: root(i) for i in parent}


def build_recipe(recipe: dict, corpus: dict[str, Doc] | None, local: dict[str, Doc] | None) -> list[Doc]:
    """The documents of a recipe: each original, then its variants (`sources` rows: corpus+id or path)."""
    docs: list[Doc] = []
    for src in recipe["sources"]:
        if "path" in src:
            if local is None:
                continue
            orig = local[src["path"]]
        else:
            if corpus is None:
                continue
            orig = corpus[src["id"]]
        docs.append(orig)
        docs.extend(make_variant(orig, kind, seed) for kind, seed in src["variants"])
    return docs


def negative_docs(corpus: dict[str, Doc], pairs: list[dict]) -> list[Doc]:
    """The documents of the negative pairs (each once)."""
    seen: dict[str, Doc] = {}
    for p in pairs:
        for k in ("a", "b"):
            seen.setdefault(p[k], corpus[p[k]])
    return list(seen.values())


def write_recipe(shared: Path, n: int, seed: int) -> dict:
    """A test recipe: n random eligible originals (each with a few kinds), plus every local text with all kinds."""
    corpus = load_corpus(shared, ORIGINAL_CORPORA)
    pool = sorted(eligible_originals(corpus), key=lambda d: d.id)
    rng = random.Random(f"recipe|{seed}")
    picked = sorted(rng.sample(pool, n), key=lambda d: d.id)
    sources = []
    for i, d in enumerate(picked):
        kinds = [KINDS[(i + j) % len(KINDS)] for j in range(3)]  # every kind as often as every other
        corpus_name = "wikinews_ko" if d.id.startswith("kowikinews-") else "naver_scinews50"
        sources.append({"corpus": corpus_name, "id": d.id, "variants": [[k, seed] for k in kinds]})
    local = [{"path": d.id, "variants": [[k, seed] for k in KINDS]} for d in local_originals()]
    return {
        "about": "Labelled set for tests/test_copies.py (issue 18). Each source is an original (a row of "
                 "../shared/corpus by id, or a file of this repository by path); its variants are made by "
                 "bench/copies_set.py make_variant(original, kind, seed). Label: an original and its variants "
                 "are one group; different sources are different groups. Hard negatives: negatives.json.",
        "made_by": f"python3 bench/copies_set.py recipe --n {n} --seed {seed}",
        "local": {"sources": local},
        "shared": {"sources": sources},
    }


# -- signatures and scores -----------------------------------------------------------------------------


def signatures(docs, analyzer=None) -> dict:
    """id -> `body_signature` of each body, from the Analyzer's index terms (as the indexer computes it)."""
    from newsearch.analysis import Analyzer
    from newsearch.copies import body_signature

    an = analyzer or Analyzer.for_words()
    docs = list(docs)
    return {d.id: body_signature(d.body, terms) for d, terms in zip(docs, an.terms_many(d.body for d in docs))}


def members(docs, sigs: dict) -> list:
    from newsearch.copies import Member

    return [Member(d.id, sigs[d.id], d.date) for d in docs]


def estimate(a, b) -> tuple[float, float]:
    """Estimated Jaccard similarity and containment of two signatures (groups.py's formulas); (0, 0) without one."""
    if a is None or b is None:
        return 0.0, 0.0
    jac = a.jaccard(b)
    shared = jac * (a.size + b.size) / (1 + jac)
    return jac, shared / min(a.size, b.size)


@dataclass
class Scores:
    """Pairwise scores of predicted groups against the labels."""

    tp: int  # labelled pairs in one true group and one predicted group
    predicted: int  # labelled pairs in one predicted group, plus (set document, distractor) pairs grouped
    true: int  # labelled pairs in one true group
    distractor_fp: int  # (original or variant, unrelated corpus row) pairs grouped

    @property
    def precision(self) -> float:
        return self.tp / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.true if self.true else 1.0


def pair_scores(groups, labelled: dict[str, str], set_ids=frozenset(), distractors=frozenset()) -> Scores:
    """Pairwise precision and recall: `labelled` maps each labelled id to its true group key; two labelled
    documents are a predicted pair when `groups` puts them together. A set document (an original or a
    variant, `set_ids`) grouped with a corpus row outside the labels (`distractors`) is a false pair too."""
    from collections import Counter

    pred, true, both = Counter(), Counter(), Counter()
    for i, k in labelled.items():
        p = groups.lead_of(i)
        pred[p] += 1
        true[k] += 1
        both[(p, k)] += 1

    def c2(n: int) -> int:
        return n * (n - 1) // 2

    fp = 0
    if set_ids and distractors:
        for g in groups.groups:
            s = sum(1 for m in g if m in set_ids)
            if s:
                fp += s * sum(1 for m in g if m in distractors)
    tp = sum(map(c2, both.values()))
    return Scores(tp, sum(map(c2, pred.values())) + fp, sum(map(c2, true.values())), fp)


def dump_recipe(recipe: dict) -> str:
    """The recipe as JSON with one source a line (reviewable diffs)."""
    def dumps(x):
        return json.dumps(x, ensure_ascii=False)

    lines = ["{", f' "about": {dumps(recipe["about"])},', f' "made_by": {dumps(recipe["made_by"])},']
    for part in ("local", "shared"):
        srcs = recipe[part]["sources"]
        lines.append(f' "{part}": {{"sources": [')
        lines.extend("  " + dumps(x) + ("," if i < len(srcs) - 1 else "") for i, x in enumerate(srcs))
        lines.append(" ]}" + ("," if part == "local" else ""))
    lines.append("}")
    return "\n".join(lines)


# -- mining hard negatives (candidates to read; the verdicts are in negatives.json) -------------------------


def mine(shared: Path, what: str, top: int) -> None:
    """Print candidate pairs: same_event = Donga vs Kyunghyang the same day with shared title nouns;
    follow_up = the same corpus 1-3 days apart (bigkinds) or 1-7 days (Wikinews) with shared title nouns."""
    from newsearch.analysis import Analyzer

    an = Analyzer.for_words()
    corpus = load_corpus(shared)

    def nouns(t: str) -> set[str]:
        return {x.text for x in an.terms(t) if len(x.text) >= 2 and not x.text.isdigit()}

    def day(s: str):
        try:
            return dt.date.fromisoformat(s[:10])
        except ValueError:
            return None

    rows = [d for d in corpus.values() if day(d.date)]
    if what == "same_event":
        rows = [d for d in rows if d.id.startswith("bigkinds-")]
    tn = {d.id: nouns(d.title) for d in rows}
    rows.sort(key=lambda d: (d.date, d.id))
    cands = []
    for i, a in enumerate(rows):
        for b in rows[i + 1:]:
            gap = (day(b.date) - day(a.date)).days
            if what == "same_event":
                if gap > 0:
                    break
                if a.publisher == b.publisher:
                    continue
            else:
                limit = 7 if a.id.startswith("kowikinews-") else 3
                if gap > limit:
                    break
                if gap < 1 or a.id.split("-")[0] != b.id.split("-")[0]:
                    continue
            ov = tn[a.id] & tn[b.id]
            if len(ov) >= 3:
                cands.append((len(ov), a, b, ov))
    cands.sort(key=lambda c: (-c[0], c[1].id, c[2].id))
    for n, a, b, ov in cands[:top]:
        print(f"== {a.id} {b.id} shared title terms: {' '.join(sorted(ov))}")
        for d in (a, b):
            print(f"   {d.date} {d.publisher} | {d.title}\n      {d.body[:300]!r}")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--shared", help="the shared data folder (default ../shared)")
    sub = ap.add_subparsers(dest="cmd", required=True)
    s = sub.add_parser("show", help="an original and its variants")
    s.add_argument("id")
    s.add_argument("--kind", action="append")
    s.add_argument("--seed", type=int, default=0)
    r = sub.add_parser("recipe", help="write a test recipe to stdout")
    r.add_argument("--n", type=int, default=40)
    r.add_argument("--seed", type=int, default=18)
    m = sub.add_parser("mine", help="print candidate hard negatives")
    m.add_argument("what", choices=("same_event", "follow_up"))
    m.add_argument("--top", type=int, default=60)
    args = ap.parse_args(argv)
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    from _common import shared_dir

    if args.cmd == "recipe":
        print(dump_recipe(write_recipe(shared_dir(args.shared), args.n, args.seed)))
        return 0
    if args.cmd == "mine":
        mine(shared_dir(args.shared), args.what, args.top)
        return 0
    if "/" in args.id:
        orig = {d.id: d for d in local_originals()}[args.id]
    else:
        orig = load_corpus(shared_dir(args.shared))[args.id]
    print(f"# {orig.id} {orig.date} | {orig.title}\n{orig.body}\n")
    for v in variants(orig, tuple(args.kind or ALL_KINDS), args.seed):
        print(f"# {v.id} {v.date} {v.publisher} | {v.title}\n{v.body}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
