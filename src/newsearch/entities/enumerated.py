"""Organisations named in a list beside a known one: `쿠팡, 우아한형제들, 야놀자, 블루홀 등`, `티켓몬스터,
쿠팡(포워드벤처스엘엘씨 한국지점), 위메이크프라이스(나무인터넷)`, `구글, 페이스북, 알리바바 등은`.

News lists things of one kind with commas (or `와`/`과`): when one item is a company or body the word lists know
(`lexicon.KNOWN_ORGS`, a platform's name aside: `유튜브, 틱톡` list services), each other item that is one written
word with a proper noun or a word Kiwi did not know is an organisation too — unless it is a place or reads like a
Korean name (`김철수, 쿠팡 대표`), and none when the list is closed by `등` and a kind of product or service
(`애플, 아이폰, 갤럭시 등 스마트폰`). An item may carry a bracketed aside (the company's legal name); the list's last
item is one only with a particle, `등` or an aside after it (`그루폰 코리아에`: the name goes on past the list).
"""

from __future__ import annotations

from bisect import bisect_left

from .gazetteer import COUNTRIES, DISTRICTS, PROVINCES, REGIONS, WORLD_CITIES
from .lexicon import KNOWN_ORGS, PLATFORMS
from .tokenlists import TokenLists
from .words import korean_name

ITEM_TAGS = frozenset({"NNP", "NNG", "SL", "SN", "XSN"})
PROPER = frozenset({"NNP", "SL"})
PLACES = COUNTRIES | PROVINCES | DISTRICTS | REGIONS | WORLD_CITIES
# What joins two items of a list: a comma, or `와`/`과` written onto the item before.
JOINING = frozenset({"와", "과"})
# What may close the list's last item (`… 블루홀 등`, `… 교보문고는`).
CLOSING = "등"
# Kinds of things a list closed by `등` may be of (`아이폰, 갤럭시 등 스마트폰`): its items are no companies.
THING_KINDS = frozenset("""서비스 앱 애플리케이션 어플 메신저 스마트폰 휴대폰 제품 상품 브랜드 게임 차량 차종 모델 프로그램 드라마
영화 메뉴 지수 코인 가상화폐 암호화폐 가상자산 SNS 소셜미디어 소프트웨어 운영체제 기기 단말기 노트북 태블릿""".split())
# Market indices, written like companies' names in a list (`코스피, 삼성전자`).
INDICES = frozenset({"코스피", "코스닥", "코스피200", "다우", "니케이", "항셍"})
# Last syllables of a particle Kiwi may leave inside an unknown word (`넥센이`, `넥센은`).
SUBJECT_ENDINGS = frozenset("이가은는을를")


def _item_end(tl: TokenLists, i: int) -> int:
    """The end token of the written word of nouns starting at token i (i itself when none starts there)."""
    j = i
    while j < tl.n and tl.tags[j] in ITEM_TAGS and (j == i or tl.starts[j] == tl.ends[j - 1]):
        j += 1
    return j


def _after_item(tl: TokenLists, j: int) -> tuple[int, bool]:
    """(the token after an item ending before token j and its aside, whether a comma or `와`/`과` joins the next item
    there); the index is -1 when the list cannot go on or close there."""
    if j < tl.n and tl.forms[j] == "(" and tl.starts[j] == tl.ends[j - 1]:
        close = j + 1
        while close < tl.n and close < j + 12 and tl.forms[close] != ")":
            close += 1
        if close >= tl.n or tl.forms[close] != ")":
            return -1, False
        j = close + 1
    if j < tl.n and tl.forms[j] == ",":
        return j + 1, True
    if j < tl.n and tl.forms[j] in JOINING and tl.tags[j].startswith("J") and tl.starts[j] == tl.ends[j - 1]:
        return j + 1, True
    closed = j >= tl.n or tl.tags[j].startswith("J") or tl.forms[j] == CLOSING or tl.forms[j - 1] == ")"
    return (j, False) if closed else (-1, False)


def _company_like(text: str, tl: TokenLists, tokens, i: int, j: int) -> bool:
    """Tokens i:j, one written word, could name a company: a proper noun or Latin letters in it, or one word Kiwi
    did not know; not a place, not a Korean name."""
    tags = tuple(tl.tags[i:j])
    if not (PROPER.intersection(tags) or (j - i == 1 and tokens[i].oov and not _particle_ended(text))) \
            or len(text) < 2:
        return False
    return text not in PLACES and text not in INDICES and not korean_name(text, tags)


def _particle_ended(word: str) -> bool:
    """An unknown word that ends as a subject or object would (`올린 넥센이, SK의 최정과`): Kiwi took the particle
    into the word, and the comma ends a clause, not a list's item."""
    return len(word) >= 3 and word[-1] in SUBJECT_ENDINGS


def _item_start(tl: TokenLists, c: int) -> int:
    """The first token of the item before the comma at token c (its aside passed over), or -1."""
    k = c - 1
    if k >= 0 and tl.forms[k] == ")":
        while k > 0 and k > c - 12 and tl.forms[k] != "(":
            k -= 1
        k -= 1
    if k < 0 or tl.tags[k] not in ITEM_TAGS:
        return -1
    while k > 0 and tl.tags[k - 1] in ITEM_TAGS and tl.starts[k] == tl.ends[k - 1]:
        k -= 1
    return k


def _list_from(text: str, tl: TokenLists, tokens, k: int) -> tuple[list[tuple[str, int, bool]], bool, int]:
    """(the items of the list starting at token k as (word, offset, company-like), whether one is a known
    organisation, the token where the list stopped)."""
    items, known = [], False
    while k < tl.n:
        j = _item_end(tl, k)
        if j == k:
            break
        nxt, joined = _after_item(tl, j)
        if nxt < 0:
            break
        word = text[tl.starts[k]:tl.ends[j - 1]]
        items.append((word, tl.starts[k], _company_like(word, tl, tokens, k, j)))
        known = known or (word in KNOWN_ORGS and word not in PLATFORMS)
        if not joined or nxt >= tl.n or tl.starts[nxt] != tl.ends[nxt - 1] + 1:
            return items, known, nxt
        k = nxt
    return items, known, k


def _of_things(tl: TokenLists, j: int) -> bool:
    """The list that stopped at token j is closed by `등` and a kind of thing (`… 등 스마트폰`, `… 등 OTT 서비스`):
    products or services, not companies."""
    if j < 0 or j >= tl.n or tl.forms[j] != CLOSING:
        return False
    return any(form in THING_KINDS for form in tl.forms[j + 1:j + 4])


def enumerated_orgs(text: str, tl: TokenLists, tokens) -> list[tuple[str, int]]:
    """(name, offset) of each item of a list with a known organisation in it (see the module docstring)."""
    if ", " not in text:
        return []
    out: list[tuple[str, int]] = []
    done = -1
    at = text.find(", ")
    while at >= 0:
        c = bisect_left(tl.starts, at)
        at = text.find(", ", at + 2)
        if c <= done or c >= tl.n or tl.forms[c] != ",":
            continue
        k = _item_start(tl, c)
        if k < 0:
            continue
        items, known, done = _list_from(text, tl, tokens, k)
        if known and len(items) >= 2 and not _of_things(tl, done):
            out.extend((word, at) for word, at, like in items if like and word not in KNOWN_ORGS)
    return out
