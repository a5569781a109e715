"""Bad input (issue 7): every broken file or row is one `error: PATH[:LINE]: reason` line, the rest is indexed.

The corpus is generated in tmp_path: empty, binary, 50 MB, invalid UTF-8, EUC-KR/CP949 text and HTML
(declared right, declared wrong, undeclared), malformed and truncated HTML, a page without an article,
FIFOs, symlink loops, unreadable files, and JSONL with broken lines, missing fields, duplicate ids and
non-string values. A later run retries what failed.
"""

from __future__ import annotations

import json
import os
import re
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from newsearch.cli import main
from newsearch.extract import ExtractError, decode_bytes, extract_bytes
from newsearch.ingest.sources import MAX_FILE_BYTES

ERROR_LINE = re.compile(r"^error: (?P<where>.+?): (?P<reason>[^:]+(?::.*)?)$")
SUMMARY = re.compile(r"added (\d+), updated (\d+), deleted (\d+), unchanged (\d+), failed (\d+) in [\d.]+s")


def prose(word: str, n: int = 3) -> list[str]:
    """`n` article paragraphs (Korean sentences ending in 다.) that mention `word`."""
    return [f"{word} 관련 소식이 전해지면서 업계의 관심이 크게 높아지고 있다. 전문가들은 {word} 흐름이 당분간 이어질 것으로 내다봤다.",
            f"정부는 {word} 문제를 면밀히 살펴보겠다고 밝혔다. 관계 부처는 다음 달까지 세부 대책을 마련할 계획이다.",
            f"시장에서는 {word} 변화가 소비자 물가에도 영향을 줄 수 있다는 분석이 나온다. 당국은 추가 조치도 검토하고 있다."][:n]


def dump(word: str) -> str:
    """A plain-text news dump about `word`: headline, blank line, paragraphs."""
    return f"{word} 시장 동향 점검 보도\n\n" + "\n\n".join(prose(word)) + "\n"


def page(word: str, charset: str | None) -> str:
    """An HTML news page about `word` with an optional <meta charset>."""
    meta = f'<meta charset="{charset}">' if charset else ""
    paras = "".join(f"<p>{p}</p>" for p in prose(word))
    return (f"<!doctype html><html><head>{meta}<title>{word} 시장 동향 점검 보도</title></head>"
            f"<body><nav>홈 | 정치 | 경제</nav><article><h1>{word} 시장 동향 점검 보도</h1>{paras}</article>"
            f"<footer>무단전재 및 재배포 금지</footer></body></html>")


def run_index(*args: str):
    """`newsearch index ARGS`: (exit code, error lines, summary counts dict, full stderr)."""
    r = CliRunner().invoke(main, ["index", *args])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.output
    errors = [line for line in r.stderr.splitlines() if line.startswith("error:")]
    assert "Traceback" not in r.output
    m = SUMMARY.search(r.stdout)
    assert m, r.output
    counts = dict(zip(("added", "updated", "deleted", "unchanged", "failed"), map(int, m.groups())))
    return r.exit_code, errors, counts, r.stderr


def hit_ids(index: Path, text: str) -> list[str]:
    r = CliRunner().invoke(main, ["query", text, "--index", str(index), "--json", "--limit", "100"])
    assert r.exit_code == 0, r.output
    return [h["id"] for h in json.loads(r.stdout)["hits"]]


def stored(index: Path) -> dict[str, dict]:
    """id -> stored fields of every document in the index."""
    from newsearch.backends.whoosh.store import open_index

    ix = open_index(index)
    try:
        with ix.searcher() as s:
            return {f["id"]: dict(f) for f in s.all_stored_fields()}
    finally:
        ix.close()


def one_error_per_item(errors: list[str], expected: dict[str, str]) -> None:
    """Every error line names exactly one expected item (a path ending) with a reason matching its pattern."""
    assert len(errors) == len(set(errors)), errors
    matched: dict[str, str] = {}
    for line in errors:
        m = ERROR_LINE.match(line)
        assert m, line
        owners = [k for k in expected if m["where"].endswith(k)]
        assert len(owners) == 1, (line, owners)
        assert owners[0] not in matched, ("reported twice", line, matched[owners[0]])
        assert re.search(expected[owners[0]], m["reason"], re.I), line
        matched[owners[0]] = line
    assert set(matched) == set(expected), set(expected) - set(matched)


# -- a folder of bad files ------------------------------------------------------------------------

# file name -> a unique word the indexed document must be found by
GOOD = {
    "plain.txt": "해상풍력",
    "euckr.txt": "반도체",
    "cp949_ext.txt": "똠방각하",  # 똠 is outside EUC-KR: only CP949 has it
    "invalid_utf8.txt": "자율주행",
    "euc_declared.html": "배터리",
    "euc_declared_wrong.html": "조선업",
    "euc_undeclared.html": "항공사",
    "utf8_declared_euc.html": "백신",
    "malformed.html": "철강",
    "truncated.html": "수산물",
    "sub/nested.txt": "관광객",
}


def write_bad_corpus(src: Path) -> dict[str, str]:
    """Write good and bad files into `src`; return {path ending: reason pattern} of the bad ones."""
    (src / "sub").mkdir(parents=True)
    (src / "plain.txt").write_text(dump(GOOD["plain.txt"]), encoding="utf-8")
    (src / "euckr.txt").write_bytes(dump(GOOD["euckr.txt"]).encode("euc-kr"))
    (src / "cp949_ext.txt").write_bytes(dump(GOOD["cp949_ext.txt"]).encode("cp949"))
    good = dump(GOOD["invalid_utf8.txt"]).encode()
    cut = good.index("\n\n".encode()) + 2
    (src / "invalid_utf8.txt").write_bytes(good[:cut] + b"\xff\xfe\xc3(" + good[cut:] + b"\xed\xa0\x80\xe0")
    (src / "euc_declared.html").write_bytes(page(GOOD["euc_declared.html"], "euc-kr").encode("cp949"))
    (src / "euc_declared_wrong.html").write_bytes(page(GOOD["euc_declared_wrong.html"], "utf-8").encode("cp949"))
    (src / "euc_undeclared.html").write_bytes(page(GOOD["euc_undeclared.html"], None).encode("cp949"))
    (src / "utf8_declared_euc.html").write_bytes(page(GOOD["utf8_declared_euc.html"], "ks_c_5601-1987").encode())
    broken = page(GOOD["malformed.html"], "utf-8").replace("</p>", "<b><i></div></span>").replace("<article>", "<article><table><tr><td>")
    (src / "malformed.html").write_text(broken, encoding="utf-8")
    full = page(GOOD["truncated.html"], "utf-8").encode()
    (src / "truncated.html").write_bytes(full[:full.rindex(b"</article>") - 2])  # ends inside a tag
    (src / "sub" / "nested.txt").write_text(dump(GOOD["sub/nested.txt"]), encoding="utf-8")

    bad: dict[str, str] = {}
    (src / "empty.txt").write_bytes(b"")
    bad["empty.txt"] = "empty"
    (src / "blank.html").write_bytes(b" \n\t\r\n ")
    bad["blank.html"] = "empty"
    (src / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40)
    bad["binary.txt"] = "binary"
    (src / "zeros.html").write_bytes(b"\x00" * 5000)
    bad["zeros.html"] = "binary"
    (src / "no_article.html").write_text(
        "<html><head><title>메뉴</title></head><body><nav>로그인 회원가입</nav><div>공유 트위터 페이스북</div>"
        "<footer>Copyright 예시일보</footer></body></html>", encoding="utf-8")
    bad["no_article.html"] = "no article"
    # 50 MB of prose: over the size limit, so refused without reading it.
    line = ("대용량 파일에 들어 있는 평범한 문장이다. " * 30 + "\n").encode()
    with open(src / "huge.txt", "wb") as fh:
        chunk = line * 1000
        for _ in range(50 * 2**20 // len(chunk) + 1):
            fh.write(chunk)
    assert (src / "huge.txt").stat().st_size > 50 * 2**20 > MAX_FILE_BYTES
    bad["huge.txt"] = "too large"
    os.mkfifo(src / "pipe.txt")  # reading it would block for ever
    bad["pipe.txt"] = "not a regular file"
    os.symlink(".", src / "sub" / "loop")  # sub/loop -> sub: a folder loop
    bad["sub/loop"] = "loop"
    os.symlink("selfloop.txt", src / "selfloop.txt")  # a file symlink to itself
    bad["selfloop.txt"] = "symbolic links|loop"
    os.symlink("does-not-exist.txt", src / "dangling.txt")
    bad["dangling.txt"] = "no such file"
    if os.geteuid() != 0:  # root reads chmod 000 files anyway
        (src / "secret.txt").write_text(dump("비밀"), encoding="utf-8")
        (src / "secret.txt").chmod(0)
        bad["secret.txt"] = "permission denied"
    return bad


@pytest.fixture()
def bad_folder(tmp_path, kiwi):
    src = tmp_path / "src"
    bad = write_bad_corpus(src)
    yield src, bad, tmp_path / "ix"
    for p in src.rglob("*"):  # let tmp_path cleanup remove chmod 000 files
        if not p.is_symlink() and p.exists():
            p.chmod(0o755 if p.is_dir() else 0o644)


def test_bad_files_one_error_line_each_rest_indexed(bad_folder):
    src, bad, ix = bad_folder
    t0 = time.monotonic()
    code, errors, counts, _ = run_index(str(src), "--index", str(ix))
    assert time.monotonic() - t0 < 60, "a 50 MB file must not stall indexing"
    assert code == 1
    one_error_per_item(errors, bad)
    assert counts["added"] == len(GOOD) and counts["failed"] == len(bad), (counts, errors)
    docs = stored(ix)
    assert set(docs) == set(GOOD)
    for name, word in GOOD.items():
        assert name in hit_ids(ix, word), (name, word)
        doc = docs[name]
        # decoded right: the word is in the stored text and no mojibake or replacement characters
        assert word in doc["title"] and word in doc["body"], (name, doc["title"])
        if name != "invalid_utf8.txt":
            assert "\ufffd" not in doc["title"] + doc["body"], name
        assert not re.search(r"[À-ÿ]{2}", doc["title"] + doc["body"]), name  # latin-1 mojibake


def test_a_later_run_retries_failed_files(bad_folder):
    src, bad, ix = bad_folder
    assert run_index(str(src), "--index", str(ix))[0] == 1
    # Nothing changed: the same problems are reported again, nothing is re-analysed.
    code, errors, counts, _ = run_index(str(src), "--index", str(ix))
    assert code == 1
    one_error_per_item(errors, bad)
    assert counts == {"added": 0, "updated": 0, "deleted": 0, "unchanged": len(GOOD), "failed": len(bad)}

    # Fix some of them: each fixed file is indexed on the next run.
    fixed = {"empty.txt": "어업인", "binary.txt": "양식장", "huge.txt": "우주항공", "no_article.html": "대학가",
             "dangling.txt": "does-not-exist"}
    (src / "empty.txt").write_text(dump("어업인"), encoding="utf-8")
    (src / "binary.txt").write_text(dump("양식장"), encoding="utf-8")
    (src / "huge.txt").write_text(dump("우주항공"), encoding="utf-8")
    (src / "no_article.html").write_text(page("대학가", "utf-8"), encoding="utf-8")
    (src / "does-not-exist.txt").write_bytes(dump("편의점").encode("cp949"))
    fixed["dangling.txt"] = "편의점"
    (src / "pipe.txt").unlink()
    still_bad = {k: v for k, v in bad.items() if k not in fixed and k != "pipe.txt"}
    code, errors, counts, _ = run_index(str(src), "--index", str(ix))
    assert code == 1
    one_error_per_item(errors, still_bad)
    # does-not-exist.txt itself is new too, with the same text as its symlink
    assert counts["added"] == len(fixed) + 1 and counts["failed"] == len(still_bad), (counts, errors)
    for name, word in fixed.items():
        assert name in hit_ids(ix, word), (name, word)

    # Remove the rest: a clean run exits 0.
    for name in still_bad:
        p = src / name
        if p.is_symlink():
            p.unlink()
        else:
            p.unlink()
    code, errors, counts, _ = run_index(str(src), "--index", str(ix))
    assert code == 0 and errors == [] and counts["failed"] == 0


def test_file_that_turns_bad_keeps_its_indexed_version(tmp_path, kiwi):
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.txt").write_text(dump("해상풍력"), encoding="utf-8")
    (src / "b.txt").write_text(dump("반도체"), encoding="utf-8")
    ix = tmp_path / "ix"
    assert run_index(str(src), "--index", str(ix))[0] == 0
    (src / "a.txt").write_bytes(b"\x00\x01binary now" * 100)
    with open(src / "b.txt", "r+b") as fh:  # grows past the limit without writing it all
        fh.truncate(MAX_FILE_BYTES + 1)
    code, errors, counts, _ = run_index(str(src), "--index", str(ix))
    assert code == 1
    one_error_per_item(errors, {"a.txt": "binary", "b.txt": "too large"})
    assert counts["deleted"] == 0
    assert hit_ids(ix, "해상풍력") == ["a.txt"] and hit_ids(ix, "반도체") == ["b.txt"]


@pytest.mark.skipif(not hasattr(os, "geteuid") or os.geteuid() == 0, reason="root reads chmod 000 files")
def test_unreadable_file_and_folder_then_fixed(tmp_path, kiwi):
    src = tmp_path / "src"
    (src / "locked").mkdir(parents=True)
    (src / "ok.txt").write_text(dump("해상풍력"), encoding="utf-8")
    (src / "secret.txt").write_text(dump("반도체"), encoding="utf-8")
    (src / "locked" / "inner.txt").write_text(dump("관광객"), encoding="utf-8")
    (src / "secret.txt").chmod(0)
    (src / "locked").chmod(0)
    ix = tmp_path / "ix"
    try:
        code, errors, counts, _ = run_index(str(src), "--index", str(ix))
        assert code == 1
        one_error_per_item(errors, {"secret.txt": "permission denied", "locked": "permission denied"})
        assert counts["added"] == 1
    finally:
        (src / "secret.txt").chmod(0o644)
        (src / "locked").chmod(0o755)
    code, errors, counts, _ = run_index(str(src), "--index", str(ix))
    assert code == 0 and counts["added"] == 2 and errors == []


# -- JSONL -----------------------------------------------------------------------------------------

BODY = "시장 참가자들은 금리 결정을 숨죽여 기다리고 있다. 전문가들의 전망은 엇갈렸다."


def jsonl_rows() -> tuple[list[bytes], dict[int, str], dict[str, str]]:
    """(raw lines, {bad line number: reason pattern}, {good id: word})."""
    def row(**kw) -> bytes:
        return json.dumps(kw, ensure_ascii=False).encode()

    lines: list[tuple[bytes, str | None]] = [
        (row(id="good-1", title="첫 번째 정상 기사", body="해상풍력 " + BODY), None),
        (b'{"id": "trunc", "title": "\xec\xa4\x91', "invalid json"),  # cut inside a character
        (row(id="good-1", title="중복", body="중복 " + BODY), "duplicate"),
        (row(title="아이디 없음", body=BODY), "id"),
        (row(id="", title="빈 아이디", body=BODY), "id"),
        (row(id="no-body", title="본문 없음"), "body"),
        # A headline with no body is a document (wire flashes): indexed by its title.
        (row(id="null-body", title="태풍 속보", body=None), None),
        (row(id="blank-body", title="지진 속보", body=" \n\t "), None),
        (row(id="int-title", title=123, body=BODY), "title"),
        (row(id="list-body", title="목록", body=["a", "b"]), "body"),
        (row(id="dict-publisher", title="출판사", body=BODY, publisher={"name": "x"}), "publisher"),
        (row(id="int-date", title="날짜", body=BODY, date=20200101), "date"),
        (row(id="bool-url", title="주소", body=BODY, url=True), "url"),
        (row(id=1.5, title="실수 아이디", body=BODY), "id"),
        (row(id=True, title="참 아이디", body=BODY), "id"),
        (row(id=None, title="널 아이디", body=BODY), "id"),
        (row(id=["x"], title="목록 아이디", body=BODY), "id"),
        (b"[1, 2, 3]", "not a json object"),
        (b'"just a string"', "not a json object"),
        (b"null", "not a json object"),
        (b"{broken", "invalid json"),
        (b'{"id": "x", "body": "' + b"\xff\xfe" + b'"}', "invalid json"),
        (b'{"id": "deep", "body": "x", "extra": ' + b"[" * 100_000 + b"]" * 100_000 + b"}", "invalid json"),
        (b'{"id": "lone\\ud800", "title": "x", "body": "' + BODY.encode() + b'"}', "unicode"),
        (row(id=42, title="정수 아이디는 문자열로", body="자율주행 " + BODY), None),
        (b'{"id": "surrogates", "title": "\\udc00 \xeb\xb0\xb1\xec\x8b\xa0", "body": "\\ud83d \xeb\xb0\xb1\xec\x8b\xa0 '
         + BODY.encode() + b'"}', None),
        (row(id="ctrl", title="제어\u0000문자 \u0007 제목", body="철강 \u0001\u001b[31m " + BODY), None),
        (row(id="../../etc/passwd", title="경로 아이디", body="관광객 " + BODY), None),
        (b"", None),  # blank lines are skipped silently
        (b"   ", None),
        (row(id="good-2", title="마지막 정상 기사", body="반도체 " + BODY, date="not a date", publisher="  "), None),
    ]
    raw = [line for line, _ in lines]
    bad = {n: reason for n, (_, reason) in enumerate(lines, 1) if reason}
    good = {"good-1": "해상풍력", "42": "자율주행", "surrogates": "백신", "ctrl": "철강", "../../etc/passwd": "관광객",
            "good-2": "반도체", "null-body": "태풍", "blank-body": "지진"}
    return raw, bad, good


def test_jsonl_bad_rows_each_one_line_with_line_number(tmp_path, kiwi):
    raw, bad, good = jsonl_rows()
    src = tmp_path / "rows.jsonl"
    src.write_bytes(b"\n".join(raw) + b"\n")
    ix = tmp_path / "ix"
    code, errors, counts, _ = run_index(str(src), "--index", str(ix))
    assert code == 1
    reported = {}
    for line in errors:
        m = re.match(rf"^error: {re.escape(str(src))}:(\d+): (.+)$", line)
        assert m, line
        n = int(m.group(1))
        assert n not in reported, ("line reported twice", line)
        reported[n] = m.group(2)
    assert set(reported) == set(bad), (sorted(reported), sorted(bad))
    for n, pattern in bad.items():
        assert re.search(pattern, reported[n], re.I), (n, reported[n])
    assert counts["added"] == len(good) and counts["failed"] == len(bad)
    docs = stored(ix)
    assert set(docs) == set(good)
    for doc_id, word in good.items():
        assert doc_id in hit_ids(ix, word), (doc_id, word)
    for doc in docs.values():  # nothing that cannot be written as UTF-8 reached the index
        for value in doc.values():
            if isinstance(value, str):
                value.encode("utf-8")
    assert docs["good-1"]["title"] == "첫 번째 정상 기사"  # the first of two duplicates wins
    assert not docs["good-2"]["date"] and not docs["good-2"]["publisher"]

    # Fix the file: drop the bad lines except two, which are repaired; they get indexed.
    repaired = [line for n, line in enumerate(raw, 1) if n not in bad]
    repaired.append(json.dumps({"id": "no-body", "title": "본문 생김", "body": "수산물 " + BODY}, ensure_ascii=False).encode())
    repaired.append(json.dumps({"id": "int-title", "title": "제목 고침", "body": "항공사 " + BODY}, ensure_ascii=False).encode())
    src.write_bytes(b"\n".join(repaired) + b"\n")
    code, errors, counts, _ = run_index(str(src), "--index", str(ix))
    assert code == 0 and errors == []
    assert counts == {"added": 2, "updated": 0, "deleted": 0, "unchanged": len(good), "failed": 0}
    assert hit_ids(ix, "수산물") == ["no-body"] and hit_ids(ix, "항공사") == ["int-title"]


def test_truncated_gz_and_missing_sources_are_reported_and_keep_their_documents(tmp_path, kiwi):
    import gzip

    gz = tmp_path / "rows.jsonl.gz"
    payload = b"\n".join(json.dumps({"id": f"g{i}", "title": f"기사 {i}", "body": "해상풍력 " + BODY}).encode()
                         for i in range(200)) + b"\n"
    data = gzip.compress(payload)
    gz.write_bytes(data)
    good = tmp_path / "ok.jsonl"
    good.write_text(json.dumps({"id": "ok", "title": "정상", "body": "반도체 " + BODY}, ensure_ascii=False) + "\n",
                    encoding="utf-8")
    ix = tmp_path / "ix"
    assert run_index(str(gz), str(good), "--index", str(ix))[2]["added"] == 201

    gz.write_bytes(data[: len(data) // 2])  # a truncated download
    good.unlink()  # a source that went missing (unmounted disk, typo)
    missing_dir = tmp_path / "no-such-folder"
    code, errors, counts, _ = run_index(str(gz), str(good), str(missing_dir), "--index", str(ix))
    assert code == 1
    one_error_per_item(errors, {"rows.jsonl.gz": "cannot read|compressed|end", "ok.jsonl": "no such file",
                                "no-such-folder": "no such file"})
    # What could not be read is not taken for deleted.
    assert counts["deleted"] == 0
    assert len(stored(ix)) == 201 and hit_ids(ix, "반도체") == ["ok"]


# -- the extractor on its own ----------------------------------------------------------------------


@pytest.mark.parametrize("charset,encoding", [
    ("euc-kr", "cp949"), ("EUC-KR", "euc-kr"), ("ks_c_5601-1987", "cp949"), ("x-windows-949", "cp949"),
    ("utf-8", "cp949"), ("iso-8859-1", "cp949"), ("windows-1252", "euc-kr"), ("bogus-charset", "cp949"),
    (None, "cp949"), ("euc-kr", "utf-8"), (None, "utf-8"), ("utf-8", "utf-8"),
])
def test_html_charset_declared_right_wrong_or_not(charset, encoding):
    data = page("똠방 배터리" if encoding == "cp949" else "배터리", charset).encode(encoding)
    art = extract_bytes(data, "html")
    assert "배터리" in art.title and "배터리" in art.body
    assert "\ufffd" not in art.title + art.body
    assert "똠방" in art.body or encoding != "cp949"


@pytest.mark.parametrize("data", [
    b"", b"   \n", b"\x00" * 100, b"%PDF-1.4\n" + b"x" * 100, b"\x1f\x8b\x08" + bytes(100), bytes(range(256)),
    "<html><body><p>짧다</p></body></html>".encode(), b"<html><body><div><p", b"<" * 5000, b"<!--" + b"x" * 1000,
    "\ufeff".encode("utf-16") + "짧은 글".encode("utf-16-le"),
])
@pytest.mark.parametrize("kind", ["txt", "html"])
def test_extract_bytes_fails_only_with_extract_error(data, kind):
    try:
        art = extract_bytes(data, kind)
    except ExtractError as e:
        assert str(e) and "\n" not in str(e)
    else:
        assert isinstance(art.body, str)


def test_decode_bytes_never_raises_and_keeps_korean():
    text = dump("반도체")
    for enc in ("utf-8", "cp949", "euc-kr", "utf-16", "utf-8-sig"):
        assert "반도체" in decode_bytes(text.encode(enc))
    assert "반도체" in decode_bytes(text.encode("cp949"), "utf-8")
    assert "반도체" in decode_bytes(text.encode("utf-8"), "euc-kr")
    assert "반도체" in decode_bytes(text.encode("cp949"), "no-such-codec")
    broken = text.encode("cp949")
    assert "반도체" in decode_bytes(broken[:-1] + b"\xff" + broken[-1:])
    for data in (b"", b"\xff" * 10, b"\x80", bytes(range(256)), b"\xed\xa0\x80"):
        assert isinstance(decode_bytes(data), str)


# -- `newsearch query --batch` with bad input --------------------------------------------------------


def test_batch_file_with_invalid_utf8_is_reported_per_line(seed_index, tmp_path):
    batch = tmp_path / "q.txt"
    batch.write_bytes("카카오헬스케어\n".encode() + b"kt \xff\xfe\n" + "헬스케어\n".encode())
    r = CliRunner().invoke(main, ["query", "--batch", str(batch), "--json", "--index", str(seed_index)])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    assert len([line for line in r.stdout.splitlines() if line.startswith("{")]) >= 2


def test_batch_json_line_with_lone_surrogate(seed_index, tmp_path):
    batch = tmp_path / "q.jsonl"
    batch.write_text('{"id": 1, "text": "카카오 \\ud800"}\n{"id": 2, "text": "헬스케어"}\n', encoding="utf-8")
    r = CliRunner().invoke(main, ["query", "--batch", str(batch), "--json", "--index", str(seed_index)])
    assert r.exception is None or isinstance(r.exception, SystemExit), r.exception
    rows = [json.loads(line) for line in r.stdout.splitlines() if line.startswith("{")]
    assert [row["id"] for row in rows] == ["1", "2"]
