"""The compiled kernels (newsearch._speedups) give exactly what their pure-Python twins give.

Each kernel is fed the same input as its twin, including the corners of the hand-written pickles
(negative deltas, numbers past 16 and 32 bits, more than 255 memo slots, more than 1,000 list items,
bytes past 0x7f, tuples of one to four items) and the fallbacks to the pickle module.
"""

from __future__ import annotations

import gzip
import itertools
import json
import os
import pickle
import random
from array import array
from pathlib import Path

import pytest

from newsearch.analysis import Analyzer, Term
from newsearch.analysis import terms as analysis_terms
from newsearch.backends.whoosh import segment_writer as whoosh_fast
from newsearch.compiled import speedups

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

needs_speedups = pytest.mark.skipif(speedups is None, reason="newsearch._speedups was not built (no C compiler)")


def _terms(rng: random.Random, n: int, vocab: list[str], big: bool = False) -> list[Term]:
    out, pos = [], 0
    for _ in range(n):
        pos += rng.choice((0, 1, 1, 2, 300, 70_000)) if big else rng.choice((0, 1, 1, 2))
        start = rng.randrange(0, 3_000_000_000 if big and rng.random() < 0.1 else 5000)
        end = start + rng.choice((1, 2, 5, 300))
        out.append(Term(rng.choice(vocab), pos, start, end))
    out.sort(key=lambda t: (t.pos, t.start))
    return out


def _tables_equal(a: dict, b: dict) -> None:
    assert list(a) == list(b)
    for key in a:
        (d1, w1, v1), (d2, w2, v2) = a[key][:3], b[key][:3]
        assert (d1.typecode, d1.tolist(), w1.typecode, w1.tolist(), v1) == \
            (d2.typecode, d2.tolist(), w2.typecode, w2.tolist(), v2), key


@needs_speedups
@pytest.mark.parametrize("seed", range(6))
def test_add_characters_matches_python(seed):
    rng = random.Random(seed)
    vocab = ["카카오", "헬스케어", "5g", "美", "미국", "a" * 40, "KT&G"] + [f"w{k}" for k in range(30)]
    fast, slow = {}, {}
    for docnum in range(40):
        n = rng.choice((0, 1, 3, 20, 400))
        terms = _terms(rng, n, vocab[: rng.choice((1, 3, len(vocab)))], big=seed % 2 == 1)
        assert speedups.add_characters(fast, docnum, terms) == whoosh_fast._add_characters_py(slow, docnum, terms)
    _tables_equal(fast, slow)


@needs_speedups
def test_add_characters_long_lists_and_memo():
    # 1,500 occurrences of one text: two APPENDS batches and memo slots past 255 (LONG_BINPUT)
    terms = [Term("같은", k, k * 3, k * 3 + 2) for k in range(1500)]
    fast, slow = {}, {}
    speedups.add_characters(fast, 7, terms)
    whoosh_fast._add_characters_py(slow, 7, terms)
    _tables_equal(fast, slow)
    value = fast["같은".encode()][2][0]
    assert [tuple(x) for x in pickle.loads(value[4:])][:2] == [(0, 0, 2), (1, 1, 2)]


def _entry(rng: random.Random, n: int, weights: str, values: str) -> tuple:
    docs = array("I", sorted(rng.sample(range(1, 50_000), n)))
    if weights == "one":
        ws = array("f", [1.0] * n)
    elif weights == "same":
        ws = array("f", [3.0] * n)
    elif weights == "zero":
        ws = array("f", [0.0] * n)
    else:
        ws = array("f", [float(rng.choice((1, 2, 7))) for _ in range(n)])
    if values == "none":
        vals = None
    elif values == "dup":  # one bytes object twice in a block: the pickle refers back to it
        v = bytes([0, 0, 0, 1, 200, 17])
        vals = [v] * n
    else:
        vals = [bytes(rng.randrange(256) for _ in range(rng.choice((4, 9, 60)))) for _ in range(n)]
    return docs, ws, vals


@needs_speedups
@pytest.mark.parametrize("n", [1, 2, 3, 4, 5, 130, 300])
@pytest.mark.parametrize("weights", ["one", "same", "mixed", "zero"])
@pytest.mark.parametrize("values", ["bytes", "none", "dup"])
def test_encode_term_matches_python(n, weights, values):
    rng = random.Random(n * 31 + len(weights) + len(values))
    docs, ws, vals = _entry(rng, n, weights, values)
    lens = bytearray(rng.randrange(0, 40) for _ in range(50_000))
    for blocklimit, lens_, comp, min_compress in ((128, lens, 3, 100), (4, None, 3, 0), (3, lens, 0, 100),
                                                   (2, lens, 1, 10**9)):
        args = (docs, ws, vals, lens_, blocklimit, -1, comp, min_compress)
        assert speedups.encode_term(*args) == whoosh_fast._encode_term_py(*args)
    for fixed in (0, 6):  # fixed-size values: none, or joined
        fixed_vals = None if vals is None or fixed == 0 else [v[:6].ljust(6, b"x") for v in vals]
        args = (docs, ws, fixed_vals, lens, 128, fixed, 3, 100)
        assert speedups.encode_term(*args) == whoosh_fast._encode_term_py(*args)


@needs_speedups
def test_encode_term_past_32_bits():
    docs = array("I", [5, 2**31 + 7])
    ws = array("f", [1.0, 2.0])
    args = (docs, ws, [b"\x00\x00\x00\x01ab", b"\x00\x00\x00\x01cd"], None, 128, -1, 3, 0)
    assert speedups.encode_term(*args) == whoosh_fast._encode_term_py(*args)


@needs_speedups
def test_encode_term_rejects_bad_input():
    with pytest.raises(TypeError):
        speedups.encode_term([1], array("f", [1.0]), None, None, 128, -1, 3, 100)
    with pytest.raises(ValueError):
        speedups.encode_term(array("I", [1, 2]), array("f", [1.0]), None, None, 128, -1, 3, 100)


def _texts(shared) -> list[str]:
    texts = ["카카오헬스케어가 美中 정상회담 뒤 5G·COVID-19 35.47% 비급여 항목을 늘렸다.", "",
             "KT&G 3.5GHz 사업 www.example.com 메일 a@b.kr #해시태그 1,000원 50%% 늘었다",
             "아산카카오메디컬데이터 과학자들 상용화 與野 합의", "ㅋㅋㅋ 정말 재미없다... 10점 만점에 1점!!"]
    for path in sorted((REPO / "seeds").rglob("*")):
        if path.is_file() and path.suffix in (".txt", ".html", ".htm"):
            texts.append(path.read_text(encoding="utf-8", errors="replace")[:20_000])
    if shared is not None:
        with (shared / "corpus" / "wikinews_ko.jsonl").open(encoding="utf-8") as f:
            for line in itertools.islice(f, 300):
                row = json.loads(line)
                texts += [row.get("title") or "", row.get("body") or row.get("text") or ""]
        with gzip.open(shared / "corpus" / "nsmc_reviews.jsonl.gz", "rt", encoding="utf-8") as f:
            for line in itertools.islice(f, 3000):
                row = json.loads(line)
                texts.append(row.get("body") or row.get("text") or "")
    return texts


@needs_speedups
def test_terms_from_tokens_matches_python(kiwi):
    texts = _texts(SHARED if SHARED.is_dir() else None)
    assert analysis_terms.terms_from_tokens is speedups.terms_from_tokens
    analysis_terms.bind(Analyzer.for_words())  # the analyzer whose Kiwi `kiwi` is: long nouns split alike
    for text, tokens in zip(texts, kiwi.tokenize(texts)):
        assert speedups.terms_from_tokens(tokens) == analysis_terms.terms_from_tokens_py(tokens), text[:60]


def test_built_where_a_compiler_is_available():
    """pip builds the extension wherever it can; a silent fallback to Python would halve indexing speed."""
    import shutil
    import sysconfig

    if os.environ.get("NEWSEARCH_PURE_PYTHON"):
        pytest.skip("NEWSEARCH_PURE_PYTHON is set")
    headers = Path(sysconfig.get_paths()["include"]) / "Python.h"
    if not (shutil.which("cc") or shutil.which("gcc")) or not headers.exists():
        pytest.skip("no C compiler or no Python headers here")
    import newsearch._speedups  # noqa: F401 (raises when the build was skipped)


@needs_speedups
def test_md5_hash_matches_whoosh():
    from whoosh.filedb.filetables import md5_hash

    rng = random.Random(5)
    for n in (0, 1, 55, 56, 63, 64, 65, 119, 120, 128, 300):
        key = bytes(rng.randrange(256) for _ in range(n))
        assert speedups.md5_hash(key) == md5_hash(key)


@needs_speedups
def test_write_terms_is_the_compiled_path(tmp_path, monkeypatch):
    """The byte-identity test in test_index_fast.py covers write_terms only if the writer takes it."""
    calls = []
    real = speedups.write_terms
    monkeypatch.setattr(speedups, "write_terms", lambda *a: calls.append(1) or real(*a))
    from newsearch.backends import update

    src = tmp_path / "d.jsonl"
    src.write_text(json.dumps({"id": "a", "title": "제목", "body": "카카오 헬스케어 사업"}, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    update(tmp_path / "ix", [src], user_dict=None)
    assert calls


def _blocks_by_pickle(data: bytes, base: int) -> tuple[list, list, list, list]:
    """What read_postings should give, read with the pickle module: (docnums, weights, starts, places)."""
    import io
    import struct
    import zlib

    assert data[:4] == b"W3Bl"
    ids, ws, starts, places = [], [], [], []
    pos, last = 4, False
    while not last:
        (blen,) = struct.unpack(">i", data[pos:pos + 4])
        last = blen < 0
        f = io.BytesIO(data)
        f.seek(pos + 4)
        length, _lastid, _maxw, comp, _mn, _mx = pickle.load(f)
        at, end = f.tell(), pos + 4 + abs(blen)
        starts.append(len(ids))
        places.append((base + at, end - at, comp))
        raw = data[at:end]
        deltas, mw, _values = pickle.loads(zlib.decompress(raw) if comp else raw)
        doc = 0
        for k in range(length):
            doc += deltas[k]
            ids.append(doc)
            ws.append(1.0 if mw is None else mw if isinstance(mw, float) else mw[k])
        pos = end
    return ids, ws, starts, places


def _as_lists(got) -> tuple[list, list, list, list]:
    ids, ws, starts, places = got
    return (list(array("i", ids)), list(array("f", ws)), list(starts), [tuple(p) for p in places])


@needs_speedups
@pytest.mark.parametrize("n", [1, 3, 4, 130, 300])
@pytest.mark.parametrize("weights", ["one", "same", "mixed"])
@pytest.mark.parametrize("values", ["bytes", "none", "dup"])
def test_read_postings_matches_pickle(n, weights, values):
    rng = random.Random(n * 17 + len(weights) + len(values))
    docs, ws, vals = _entry(rng, n, weights, values)
    for blocklimit, comp, min_compress in ((128, 3, 100), (3, 0, 100), (2, 1, 0), (128, 0, 10**9)):
        data = speedups.encode_term(docs, ws, vals, None, blocklimit, -1, comp, min_compress)[0]
        ref = _blocks_by_pickle(data, 4096)
        assert _as_lists(speedups.read_postings(data, 4096)) == ref
        assert ref[0] == list(docs) and ref[1] == list(ws)


@needs_speedups
def test_read_postings_refuses_what_it_does_not_follow():
    data = speedups.encode_term(array("I", range(1, 300, 3)), array("f", [1.0] * 100),
                                [b"\x00\x00\x00\x01ab"] * 100, None, 128, -1, 3, 0)[0]
    assert speedups.read_postings(data, 0) is not None
    too_long = data[:4] + (-len(data)).to_bytes(4, "big", signed=True) + data[8:]
    for broken in (b"", b"W3B", b"XXXX" + data[4:], data[:len(data) // 2], too_long, data[:10] + b"Z" + data[11:]):
        assert speedups.read_postings(broken, 0) is None


@needs_speedups
def test_read_postings_on_an_index_whoosh_wrote_and_on_ours(tmp_path):
    """Every term's postings as the compiled reader gives them equal Whoosh's own reading, in a segment
    Whoosh's writer made (other pickles: whatever the reader does not follow it leaves to Whoosh) and in
    one newsearch's writer made (where the compiled reader must be the one taken)."""
    from whoosh import fields, index

    from newsearch.backends import update
    from newsearch.backends.whoosh import postings, store

    (tmp_path / "plain").mkdir()
    plain = index.create_in(str(tmp_path / "plain"), fields.Schema(body=fields.TEXT(phrase=True)))
    with plain.writer() as w:
        for k in range(700):
            w.add_document(body=" ".join(["word"] * (1 + k % 5) + [f"w{k % 13}", f"u{k}"]))
    src = tmp_path / "d.jsonl"
    src.write_text("".join(json.dumps({"id": f"d{k}", "title": f"제목 {k}",
                                       "body": f"카카오 헬스케어 사업 {'확장 ' * (1 + k % 4)}"}, ensure_ascii=False) + "\n"
                           for k in range(400)), encoding="utf-8")
    update(tmp_path / "ours", [src], user_dict=None)
    for ix, must_compile in ((plain, False), (store.open_index(tmp_path / "ours"), True)):
        with ix.searcher() as s:
            for sub, _off in s.leaf_searchers():
                reader = sub.reader()
                frequent = [(f, t) for f, t in reader.all_terms() if reader.doc_frequency(f, t) > 128]
                assert frequent
                for fieldname, tb in frequent:
                    text = tb.decode("utf-8")
                    fast = postings._read_compiled(postings._all_postings(reader, fieldname, text))
                    ids, ws, blocks = postings._read_postings(postings._all_postings(reader, fieldname, text))
                    if fast is None:
                        assert not must_compile, (fieldname, text)
                        continue
                    assert fast[0].tolist() == ids.tolist() and fast[1].tolist() == ws.astype("f").tolist()
                    assert fast[2] == [b for b, _ in blocks] and fast[3] == [w for _, w in blocks]


@needs_speedups
@pytest.mark.parametrize("n", [1, 2, 3, 4, 130])
@pytest.mark.parametrize("values", ["bytes", "dup", "latin"])
def test_block_values_matches_pickle(n, values):
    import zlib

    rng = random.Random(n * 7 + len(values))
    docs, ws, vals = _entry(rng, n, "mixed", "dup" if values == "dup" else "bytes")
    if values == "latin":  # every byte value, so that each pickles as text past 0x7f
        vals = [bytes(range(256))[k % 200:] + bytes([k % 256]) for k in range(n)]
    for blocklimit, comp, min_compress in ((128, 3, 100), (3, 0, 100), (2, 1, 0)):
        data = speedups.encode_term(docs, ws, vals, None, blocklimit, -1, comp, min_compress)[0]
        _ids, _ws, _starts, places = _blocks_by_pickle(data, 0)
        for offset, length, c in places:
            raw = data[offset:offset + length]
            expected = pickle.loads(zlib.decompress(raw) if c else raw)[2]
            got = speedups.block_values(raw, c)
            assert got == expected or (got is None and values == "dup")
    assert speedups.block_values(b"\x80\x02K\x01.", 0) is None
    assert speedups.block_values(b"not zlib", 3) is None


@needs_speedups
@pytest.mark.parametrize("seed", range(4))
def test_decode_characters_matches_whoosh(seed):
    from whoosh.formats import Characters

    rng = random.Random(seed)
    vocab = ["카카오", "헬스케어", "5g", "美"] + [f"w{k}" for k in range(10)]
    table = {}
    for docnum in range(30):
        speedups.add_characters(table, docnum, _terms(rng, rng.choice((1, 3, 20, 1500)), vocab, big=seed % 2 == 1))
    fmt = Characters()
    checked = 0
    for _docs, _ws, values in table.values():
        for value in values:
            got = speedups.decode_characters(value)
            if got is None:  # numbers past 32 bits: written by the pickle module, left to Whoosh
                assert seed % 2 == 1
                continue
            assert got == fmt.decode_characters(value)
            checked += 1
    assert checked
    hand = fmt.encode([(0, 3, 5), (0, 3, 4), (7, 100, 90000), (70000, 99999, 100003)])
    assert speedups.decode_characters(hand) == fmt.decode_characters(hand)
    assert speedups.decode_characters(b"\x00\x00\x00\x01junk") is None
