"""The article's own reporters and the boilerplate that names them: the `reporter` byline, datelines
(`(서울=연합뉴스) 홍길동 기자 =`), bracketed bylines (`[아이뉴스24 홍길동 기자]`), e-mail signatures
(`홍길동 기자 hong@...`) and closing bylines (`/홍길동 기자`).

A reporter is not a person of the story, and a dateline's city and agency are not what it is about:
`extract` drops these names and reads no entity inside these spans.
"""

from __future__ import annotations

import re

_NAME = r"([가-힣]{2,4})"
_ROLE = r"\s*(?:선임|수석|객원|인턴|수습|전문|사진|영상)?(?:기자|특파원|논설위원|편집위원|통신원)"
# (what the text must hold for the pattern to match, the pattern): each pattern's group 1 (if any) is a
# reporter's name, and the whole match is boilerplate. The check spares most texts the search (a
# correspondent's `특파원 =` byline is found by the first pattern, with its dateline).
BYLINE_PATTERNS = (
    ("=", re.compile(r"[(\[]\s*[가-힣]{1,10}\s*=\s*[^()\[\]\n]{1,20}?[)\]](?:\s*" + _NAME + _ROLE + r"\s*=?)?")),
    ("[", re.compile(r"\[[^\[\]\n]{0,30}?" + _NAME + _ROLE + r"[^\[\]\n]{0,40}\]")),
    ("기자 =", re.compile(_NAME + _ROLE + r"\s*=")),
    ("@", re.compile(_NAME + _ROLE + r"\s*[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("기자", re.compile(r"/\s*" + _NAME + _ROLE + r"\s*$", re.M)),
    ("@", re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("제공", re.compile(r"(?<=제공)\s*=\s*[^()\[\]\n]{1,20}[)\]]")),  # a photo's agency: `[마이크로소프트코리아 제공=연합뉴스]`
    ("<", re.compile(r"<!--.*?-->|</?[A-Za-z][^<>\n]{0,80}>")),  # markup left in a text (`<!-- SUB_TITLE_START-->`)
)
REPORTER_WORDS = frozenset({"기자", "특파원", "논설위원", "편집위원", "통신원", "정리", "사진", "글", "선임기자"})
HANGUL_WORD = re.compile(r"[가-힣]{2,4}")
NAMES_JOINED = re.compile(r"[·ㆍ,]")


def reporter_names(reporter: str | None) -> set[str]:
    """The names in a byline string: its first word and those joined to it by `·` or `,` (`홍길동`,
    `홍길동 기자`, `정리=이현두`, `홍길동·김철수 기자 h@x.kr`; a columnist's `전성인 홍익대 교수` gives
    전성인 only, so that his university stays an organisation of the text)."""
    if not reporter:
        return set()
    head = reporter.rsplit("=", 1)[-1].strip().split(" ", 1)[0]
    return {w for w in NAMES_JOINED.split(head) if HANGUL_WORD.fullmatch(w) and w not in REPORTER_WORDS}


def byline_spans(body: str) -> tuple[list[tuple[int, int]], set[str]]:
    """(spans of dateline and byline boilerplate in `body`, the reporters' names they give)."""
    spans: list[tuple[int, int]] = []
    names: set[str] = set()
    for needed, pattern in BYLINE_PATTERNS:
        if needed not in body:
            continue
        for match in pattern.finditer(body):
            spans.append(match.span())
            if pattern.groups and match.group(1):
                names.add(match.group(1))
    spans.sort()
    return spans, names


def inside(spans: list[tuple[int, int]], at: int) -> bool:
    """`at` lies in one of the sorted `spans` (there are few: a linear look is enough)."""
    for start, end in spans:
        if start > at:
            return False
        if at < end:
            return True
    return False
