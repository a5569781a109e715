"""Tests for newsearch.extract: cruft classes on hand-written fixtures, the seeds against their gold,
encodings, and the failure modes (no article, binary, bad JSONL rows)."""

from __future__ import annotations

import json
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsearch.extract import (
    Article,
    ExtractError,
    article_from_record,
    decode_bytes,
    extract_bytes,
    extract_file,
    extract_html,
    strip_text_dump,
)

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures" / "extract"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SEEDS = HERE.parent / "seeds"
EXPECTED = json.loads((FIXTURES / "expected.json").read_text(encoding="utf-8"))

# The article every fixture wraps (hand-written for these tests).
BODY = [
    "서울시가 다음 달부터 시내버스 노선 열두 곳을 새로 개편한다고 2일 밝혔다. 출퇴근 시간대 혼잡이 심한 구간을 중심으로 배차 간격을 줄이는 것이 핵심이다.",
    "시는 지난해 교통카드 이용 기록을 분석해 승객이 몰리는 정류장 여든 곳을 골라냈다. 이 가운데 절반 이상이 강서구와 노원구에 몰려 있었다.",
    "새 노선은 시범 운영을 거쳐 오는 6월 정식으로 도입된다.",
    "박지원 서울시 교통정책과장은 “시민들이 체감할 수 있는 변화를 만드는 것이 목표”라며 “운행 결과를 보고 추가 개편도 검토하겠다”고 말했다.",
    "한편 시는 개편 내용을 정류장 안내판과 누리집에 미리 알릴 계획이다.",
]
TITLE = "서울시, 시내버스 노선 12곳 개편…배차 간격 줄인다"


def token_f1(pred: str, gold: str) -> float:
    p, g = Counter(pred.split()), Counter(gold.split())
    overlap = sum((p & g).values())
    if not overlap:
        return 0.0
    precision, recall = overlap / sum(p.values()), overlap / sum(g.values())
    return 2 * precision * recall / (precision + recall)


# --------------------------------------------------------------------------- cruft classes (text dumps)

@pytest.mark.parametrize("name", sorted(k for k in EXPECTED if not k.startswith("_")))
def test_fixture_cruft_class_is_stripped(name):
    exp = EXPECTED[name]
    art = extract_file(FIXTURES / name)
    want = [exp["body_prefix"] + BODY[0]] + BODY[1:]
    assert art.body.split("\n\n") == want
    for cruft in exp["absent"]:
        assert cruft not in art.body, cruft
    if exp["title"]:
        assert art.title == exp["title"]
    else:  # a title is always set when an article is found
        assert art.title and art.title in art.body
    assert art.date == exp["date"]
    assert art.reporter == exp["reporter"]
    if exp["publisher"]:
        assert art.publisher == exp["publisher"]


def test_related_box_inside_article_does_not_cut_it():
    box = "관련기사\n버스 준공영제 20년, 남은 과제는\n광역버스 입석 금지 1년… 출근길은 어떻게 달라졌나"
    text = "\n\n".join([TITLE, BODY[0], BODY[1], box, *BODY[2:], "Copyright ⓒ 한빛일보. 무단전재 및 재배포 금지"])
    assert strip_text_dump(text).body.split("\n\n") == BODY


def test_prose_holding_dates_mails_and_weather_words_is_kept():
    extra = ["투표는 2024년 4월 10일 오전 6시에 시작된다.", "문의는 help@seoul.example 로 하면 된다.",
             "주말 날씨는 대체로 맑겠다.", "자세한 내용은 누리집(https://seoul.example)에서 볼 수 있다."]
    text = "\n\n".join([TITLE, *BODY, *extra, "<저작권자 ⓒ 한빛일보, 무단 전재 및 재배포 금지>"])
    assert strip_text_dump(text).body.split("\n\n") == BODY + extra


def test_hard_wrapped_dump_is_unwrapped():
    wrapped = "\n\n".join("\n".join(textwrap.wrap(p, 30)) for p in BODY)
    assert max(map(len, wrapped.splitlines())) <= 30
    art = strip_text_dump(f"{TITLE}\n\n{wrapped}\n\n댓글 0")
    assert art.body.split("\n\n") == BODY and art.title == TITLE


def test_header_today_date_is_not_the_publication_date():
    text = "2024년 05월 10일 금요일\n\n" + TITLE + "\n\n" + "\n\n".join(BODY)
    art = strip_text_dump(text)
    assert art.date is None  # only the header's 'today' is there: never guess
    assert art.title == TITLE


def test_modified_date_is_not_taken_for_published():
    text = f"{TITLE}\n\n수정 2024.05.03 11:40\n\n" + "\n\n".join(BODY)
    assert strip_text_dump(text).date is None


def test_to_dict_keys():
    art = strip_text_dump((FIXTURES / "share_weather.txt").read_text(encoding="utf-8"))
    d = art.to_dict()
    assert list(d) == ["title", "date", "publisher", "reporter", "url", "body"]
    assert isinstance(art, Article) and d["body"] == art.body


# --------------------------------------------------------------------------- HTML

def test_html_page_container_and_metadata():
    art = extract_file(FIXTURES / "page.html")
    paragraphs = art.body.split("\n\n")
    # The <br> inside paragraph 2 splits it; the <h3> crosshead inside the container stays.
    first, second = BODY[1].split("다. ", 1)
    assert paragraphs == [BODY[0], first + "다.", second, "배차 간격 줄이고 노선은 단순하게", *BODY[2:]]
    for cruft in ["사진=", "광고", "페이스북", "관련기사", "준공영제", "반가운", "폭염", "저작권", "sky@", "℃", "정치"]:
        assert cruft not in art.body, cruft
    assert art.title == TITLE
    assert art.date == "2024-05-02T09:15:00"  # 00:15Z is 09:15 KST
    assert art.publisher == "한빛일보"
    assert art.reporter == "김하늘"
    assert art.url == "https://hanbitnews.example/news/5678"


def test_html_without_known_container_uses_text_density():
    html = (FIXTURES / "page.html").read_text(encoding="utf-8")
    html = html.replace('id="article_body" class="article_body"', 'class="x9"')
    html = html.replace('property="article:published_time"', 'property="x"')
    art = extract_html(html)
    assert BODY[0] in art.body and BODY[4] in art.body
    assert "반가운" not in art.body and "폭염" not in art.body
    assert art.date == "2024-05-02T09:15"  # now from the '입력' label in the page text


def test_no_article_raises():
    with pytest.raises(ExtractError, match="no article text found"):
        extract_file(FIXTURES / "no_article.html")
    with pytest.raises(ExtractError, match="no article text found"):
        strip_text_dump("홈\n정치\n사회\n로그인\n  • 트위터 공유\n  • 프린트\n관련기사\n- 버스 준공영제 20년, 남은 과제는 (2024/03/11)")


def test_txt_kind_holding_html_is_sniffed():
    data = (FIXTURES / "page.html").read_bytes()
    art = extract_bytes(data, "txt", name="page.txt")
    assert art.title == TITLE and "<p>" not in art.body and BODY[0] in art.body


# --------------------------------------------------------------------------- encodings

def _korean_page(charset_decl: str) -> str:
    paras = "".join(f"<p>{p}</p>" for p in BODY)
    return (f"<html><head>{charset_decl}<title>{TITLE}</title></head><body><div id=\"article_body\">{paras}"
            "</div></body></html>")


@pytest.mark.parametrize("decl", [
    '<meta charset="euc-kr">',  # declared correctly
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-8">',  # declared wrongly
    "",  # undeclared
])
def test_cp949_page(decl):
    data = _korean_page(decl).encode("cp949")
    art = extract_html(data)
    assert art.body.split("\n\n") == BODY
    assert art.title == TITLE
    assert extract_bytes(data, "html").body == art.body


def test_utf8_page_mislabelled_as_euc_kr():
    data = _korean_page('<meta charset="euc-kr">').encode("utf-8")
    assert extract_html(data).body.split("\n\n") == BODY


def test_decode_bytes_declared_wrong_and_bom():
    text = "\n".join(BODY)
    assert decode_bytes(text.encode("cp949"), "utf-8") == text
    assert decode_bytes(text.encode("cp949"), "euc-kr") == text
    assert decode_bytes(text.encode("cp949")) == text
    assert decode_bytes(text.encode("utf-16")) == text  # BOM
    assert decode_bytes(b"\xef\xbb\xbf" + text.encode("utf-8"), "euc-kr") == text  # BOM beats the label
    broken = BODY[0].encode("utf-8") + b"\xff\n" + "\n".join(BODY[1:]).encode("utf-8")  # one stray byte
    decoded = decode_bytes(broken, "utf-8")
    assert decoded.count("\ufffd") == 1 and BODY[4] in decoded
    broken = "\n".join(BODY).encode("cp949") + b"\xff"  # truncated CP949 page
    decoded = decode_bytes(broken)
    assert decoded.count("\ufffd") == 1 and BODY[4] in decoded


def test_cp949_text_file(tmp_path):
    path = tmp_path / "dump.txt"
    path.write_bytes((FIXTURES / "share_weather.txt").read_text(encoding="utf-8").replace("•", "·").encode("cp949"))
    art = extract_file(path)
    assert art.body.split("\n\n") == BODY and art.title == TITLE


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=400), st.sampled_from([None, "utf-8", "euc-kr", "latin-1", "bogus-charset"]))
def test_decode_bytes_never_raises(data, declared):
    assert isinstance(decode_bytes(data, declared), str)


@settings(max_examples=100, deadline=None)
@given(st.text(max_size=300))
def test_strip_text_dump_body_never_empty(text):
    try:
        art = strip_text_dump(text)
    except ExtractError as e:
        assert str(e) == "no article text found"
    else:
        assert art.body.strip() and art.title


# --------------------------------------------------------------------------- bad input

def test_binary_rejected(tmp_path):
    png = tmp_path / "photo.txt"
    png.write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4)
    with pytest.raises(ExtractError, match="binary file, not text"):
        extract_file(png)
    with pytest.raises(ExtractError, match="binary file, not text"):
        extract_bytes(b"\x00\x01\x02\x03" * 100 + "한글".encode(), "html")


def test_empty_file_rejected(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"  \n")
    with pytest.raises(ExtractError, match="empty"):
        extract_file(empty)


def test_article_from_record():
    art = article_from_record({"id": "x1", "title": "  제목\u00a0하나 ", "body": "첫 문단이다.\n\n\n  둘째   문단이다. \r\n셋째.",
                               "date": "2020-08-27T20:27:29+09:00", "url": "https://example.com/1"})
    assert art.title == "제목 하나"
    assert art.body == "첫 문단이다.\n\n둘째 문단이다.\n\n셋째."
    assert art.date == "2020-08-27T20:27:29"
    assert art.url == "https://example.com/1" and art.publisher is None and art.reporter is None
    # No stripping: a line that would be cruft in a page stays in a JSONL body.
    assert "댓글 쓰기" in article_from_record({"id": "x", "title": "t", "body": "본문이다.\n댓글 쓰기"}).body
    assert article_from_record({"id": "x", "body": "제목이 없는 기사다. 둘째 문장."}).title == "제목이 없는 기사다."


@pytest.mark.parametrize("rec, reason", [
    ({"id": "a", "title": "t"}, "missing body"),
    ({"id": "a", "body": " \n\t "}, "no title and no body"),
    ({"id": "a", "title": 3, "body": "본문이다."}, "'title' is not a string"),
    ({"id": "a", "title": "t", "body": ["본문"]}, "'body' is not a string"),
])
def test_article_from_record_rejects(rec, reason):
    with pytest.raises(ExtractError, match=reason):
        article_from_record(rec)


# --------------------------------------------------------------------------- seeds against the gold

def _seed_golds():
    gold_dir = SHARED / "gold" / "seeds"
    return sorted(gold_dir.glob("*.json")) if gold_dir.is_dir() else []


@pytest.mark.parametrize("gold_path", _seed_golds() or [None], ids=lambda p: p.name if p else "no-shared")
def test_seed_against_gold(gold_path):
    if gold_path is None:
        pytest.skip("../shared is absent")
    gold = json.loads(gold_path.read_text(encoding="utf-8"))
    art = extract_file(SEEDS / gold["source_file"])
    assert token_f1(art.body, "\n".join(gold["body"])) >= 0.98
    if gold["title"]:
        assert art.title == gold["title"]
    assert art.title
    if gold["date"]:
        assert art.date == gold["date"]
    if gold["reporter"]:
        assert art.reporter == gold["reporter"]


def test_html_gold_pages():
    gold_file = SHARED / "gold" / "html" / "gold.jsonl"
    if not gold_file.exists():
        pytest.skip("../shared is absent")
    for line in gold_file.read_text(encoding="utf-8").splitlines():
        gold = json.loads(line)
        art = extract_file(gold_file.parent / gold["html_file"])
        if gold.get("gold_title"):
            assert art.title == gold["gold_title"], gold["id"]
        if gold.get("gold_date"):
            assert art.date and art.date[:10] == gold["gold_date"], gold["id"]
        if gold.get("gold_body"):
            assert token_f1(art.body, gold["gold_body"]) >= 0.95, gold["id"]
