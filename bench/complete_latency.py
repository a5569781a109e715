#!/usr/bin/env python3
"""As-you-type suggestion latency at 100k articles (issue 21): every state of the box while words are typed.

    python bench/complete_latency.py [--docs 100000] [--queries 300] [--workdir bench/out/complete]
                                     [--no-http] [--no-stress] [--shared DIR]

Index: the mixed N-document index of query_latency.py (Wikinews x10, BigKinds leads, NSMC reviews), built
once with `newsearch index` into WORKDIR/idx-N (re-runs reuse it; delete it to rebuild).
Prefixes: the words of QUERIES queries of `query_mix` (KorQuAD questions and headlines), typed key by key as
a Korean IME shows them: `ㅋ`, `카`, `캌` (the next initial held as a final: in progress), `카카`, `카캉`, `카카오`,
each with the words typed before it in the box; and the 초성 of each word's first 2-4 syllables (`ㅋㅋㅇ`).
  first      the first suggestion of a fresh process: the vocabulary (spelling.py) and the lexicon built
  cold       each prefix once, in typing order (stem verdicts and latest dates read as they come)
  warm       the same prefixes again (what a second reader typing the same pays)
  http       GET /api/suggest?q= through the Flask app (test client: routing, JSON), 1,000 prefixes
  stress     the lexicon alone at 300,000 words (did-you-mean's cap, spelling.MAX_WORDS): the index's words
             plus made-up compounds of them, the same prefixes
Each row: lookups, p50 / p95 / p99 / max wall ms per lookup, and p99 / max of the thread's CPU time (the
machine's other jobs stretch the wall clock, not that). Target: under 10 ms each. Figures go to
WORKDIR/complete_latency.json.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import _common as C  # noqa: E402

TARGET_MS = 10.0
_INITIALS = "ㄱㄲㄴㄷㄸㄹㅁㅂㅃㅅㅆㅇㅈㅉㅊㅋㅌㅍㅎ"
# Initials that may stand as a final (index in the 28 finals), for the in-progress states.
_AS_FINAL = {"ㄱ": 1, "ㄲ": 2, "ㄴ": 4, "ㄷ": 7, "ㄹ": 8, "ㅁ": 16, "ㅂ": 17, "ㅅ": 19, "ㅆ": 20, "ㅇ": 21, "ㅈ": 22,
             "ㅊ": 23, "ㅋ": 24, "ㅌ": 25, "ㅍ": 26, "ㅎ": 27}


def typing_states(word: str) -> list[tuple[str, str]]:
    """(kind, text) of the box while `word` is typed: `initial` (a lone consonant), `syllables` (whole
    syllables), `in progress` (the last syllable holding the next syllable's initial as its final)."""
    out = []
    for i, ch in enumerate(word):
        code = ord(ch) - 0xAC00
        if not 0 <= code < 11172:
            out.append(("syllables", word[:i + 1]))
            continue
        out.append(("initial" if i == 0 else "in progress", word[:i] + _INITIALS[code // 588]))
        out.append(("syllables", word[:i + 1]))
        nxt = ord(word[i + 1]) - 0xAC00 if i + 1 < len(word) else -1
        if code % 28 == 0 and 0 <= nxt < 11172 and _INITIALS[nxt // 588] in _AS_FINAL:
            out.append(("in progress", word[:i] + chr(0xAC00 + code + _AS_FINAL[_INITIALS[nxt // 588]])))
    return out


def prefixes(queries: list[str]) -> list[tuple[str, str]]:
    """(kind, box text) of every state of typing the queries, word after word, plus 초성 abbreviations."""
    from newsearch.search.complete import initials

    out = []
    for q in queries:
        typed = ""
        for word in q.split()[:6]:
            out += [(kind, typed + text) for kind, text in typing_states(word)]
            hangul = "".join(ch for ch in word if "가" <= ch <= "힣")
            for n in range(2, min(4, len(hangul)) + 1):
                out.append(("초성", typed + initials(hangul[:n])))
            typed += word + " "
    return out


def timed(fn, items) -> tuple[list[float], list[float]]:
    """Wall and CPU milliseconds (this thread's: what a shared machine's other jobs do not add) per call."""
    wall, cpu = [], []
    for item in items:
        t0, c0 = time.perf_counter(), time.thread_time()
        fn(item)
        cpu.append((time.thread_time() - c0) * 1000)
        wall.append((time.perf_counter() - t0) * 1000)
    return wall, cpu


def row(label: str, got: tuple[list[float], list[float]]) -> list:
    xs, cpu = got
    return [label, len(xs), C.percentile(xs, 50), C.percentile(xs, 95), C.percentile(xs, 99), max(xs),
            C.percentile(cpu, 99), max(cpu), "yes" if max(cpu) < TARGET_MS else "NO"]


def stress_lexicon(words: list[str], counts, size: int):
    """A lexicon of `size` words: `words` plus made-up compounds of two of them (random counts)."""
    from newsearch.search.complete import Lexicon

    rnd = random.Random(21)
    made = dict(zip(words, (int(c) for c in counts)))
    hangul = [w for w in words if "가" <= w[:1] <= "힣"]
    while len(made) < size:
        a, b = rnd.choice(hangul), rnd.choice(hangul)
        made.setdefault(a + b[:rnd.randint(1, len(b))], rnd.randint(2, 500))
    t0 = time.perf_counter()
    lex = Lexicon(list(made), list(made.values()))
    return lex, time.perf_counter() - t0


def measure(ix: Path, states: list[tuple[str, str]], http: bool, stress: bool, log) -> dict:
    from newsearch.backends import open_searcher
    from newsearch.backends.whoosh import complete as whoosh_complete
    from newsearch.backends.whoosh import spelling
    from newsearch.search.complete import prefix_of, split_last

    s = open_searcher(ix, "whoosh")
    rss0 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    t0 = time.perf_counter()
    first = s.complete("카카")
    first_ms = (time.perf_counter() - t0) * 1000
    rss1 = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    vocab = spelling.vocabulary(s.store._current(), ix)
    lex = whoosh_complete.lexicon(vocab)
    log(f"first suggestion {first_ms:.0f} ms ({len(vocab):,} words, {len(lex):,} in the lexicon): "
        f"{[c.text for c in first.suggestions]}")
    texts = [t for _k, t in states]
    cold = timed(s.complete, texts)
    warm = timed(s.complete, texts)
    rows = [row("cold: all states", cold)]
    for kind in ("initial", "syllables", "in progress", "초성"):
        rows.append(row(f"cold: {kind}", tuple([x for (k, _t), x in zip(states, xs) if k == kind] for xs in cold)))
    rows.append(row("warm: all states", warm))
    out = {"docs": s.doc_count, "words": len(vocab), "lexicon": len(lex), "lexicon_mb": lex.nbytes() / 1e6,
           "first_ms": first_ms,
           "first_rss_added_mb": rss1 - rss0, "lookups": len(texts),
           "empty": sum(not s.complete(t).suggestions for t in texts[:2000])}
    if http:
        from newsearch.web import create_app

        client = create_app({"INDEX_DIR": str(ix), "TESTING": True}).test_client()
        sample = random.Random(5).sample(texts, min(1000, len(texts)))
        client.get("/api/suggest?q=가")
        get = lambda t: client.get("/api/suggest", query_string={"q": t})  # noqa: E731
        rows.append(row("http /api/suggest (test client)", timed(get, sample)))
    if stress:
        big, built = stress_lexicon(vocab.words, vocab.df, 300_000)
        specs = [p for p in (prefix_of(split_last(t)[1]) for t in texts) if p is not None]
        rows.append(row(f"stress: lexicon of {len(big):,} words, lookup only",
                        timed(lambda p: big.lookup(p, 16), specs)))
        out["stress_build_s"], out["stress_mb"] = built, big.nbytes() / 1e6
    out["rows"] = rows
    s.close()
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--docs", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--workdir", default=str(C.OUT_DIR / "complete"))
    ap.add_argument("--no-http", action="store_true")
    ap.add_argument("--no-stress", action="store_true")
    ap.add_argument("--shared", default=None)
    args = ap.parse_args()
    work = Path(args.workdir)
    work.mkdir(parents=True, exist_ok=True)
    ix = C.ensure_index(C.shared_dir(args.shared), work, args.docs, print)
    queries = C.query_mix(C.shared_dir(args.shared), args.queries, seed=21)
    states = prefixes(queries)
    got = measure(ix, states, not args.no_http, not args.no_stress, print)
    print(C.machine_note())
    print(C.table(["lookups", "n", "p50 ms", "p95 ms", "p99 ms", "max ms", "CPU p99 ms", "CPU max ms",
                   f"CPU all < {TARGET_MS:.0f} ms"], got["rows"],
                  title=f"as-you-type suggestions on {got['docs']:,} articles ({got['lexicon']:,} words)"))
    print(f"first suggestion of a process (vocabulary + lexicon built): {got['first_ms']:.0f} ms, "
          f"+{got['first_rss_added_mb']:.0f} MB peak RSS; states with no suggestion: {got['empty']} of "
          f"{min(2000, got['lookups'])}; lexicon {got['lexicon_mb']:.1f} MB beside the vocabulary"
          + (f"; the 300k-word one built in {got['stress_build_s']:.1f} s, {got['stress_mb']:.1f} MB"
             if "stress_build_s" in got else ""))
    (work / "complete_latency.json").write_text(json.dumps(got, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
