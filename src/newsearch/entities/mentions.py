"""Phrase rules: who, which organisation and which place each noun phrase names, and what the phrase
refers to when it is a sentence's subject (for the speakers of quotations).

A person is a name before a title or role, with an organisation or modifiers between (`황창규 KT 회장`,
`강신옥 전 국회의원`, `버락 오바마 미국 대통령`), a name written onto `씨` (`홍길동씨`), or a Korean name
with an age aside (`김철수(45)`). Organisations and places are chunks `words.kind_of` recognises, plus the
proper nouns a person phrase puts between name and title and those `측`/`관계자` point at.
"""

from __future__ import annotations

import re
from bisect import bisect_right

from .gazetteer import PLACES_NEEDING_NNP
from .lexicon import (COMMON_SURNAMES, GIVEN_SYLLABLES, KNOWN_ORGS, ORG_HEAD_TITLES, ORG_POINTERS, PERSON_TITLES, PRONOUNS, SURNAMES,
                      WEAK_TITLES)
from .phrases import Chunk, Phrase
from .words import DATE, FNAME, KNAME, MOD, ORG, OTHER, PLACE, POINTER, PRONOUN, PROPER_TAGS, TITLE, kind_of, \
    org_name, place_name, title_of

AGE_ASIDE = re.compile(r"\s*\d{1,3}\s*(?:세|살)?\s*(?:[,·ㆍ/][^)]*)?")
# Particles that make a phrase its clause's subject or topic (`회장은`, `KT가`, `대표도`).
SUBJECT_PARTICLES = frozenset({"은", "는", "이", "가", "도", "께서", "께서는"})
# An organisation's topic as a place it speaks from (`리얼미터에서는 "…"고 분석했다`); a place's is no speaker.
ORG_TOPIC = "에서는"
# A quotation's opening mark right after a subject, a date's word or `이날` between them or not
# (`김은혜는 "…"`, `김은혜는 이날 “…”`): the slot of a speaker.
BEFORE_QUOTE = re.compile(r"\s?(?:(?:이날|당시|\d{1,2}일)\s)?[\"“]")
# A bare subject's kinds that may be a Korean name: read so, or read foreign for a rarer given syllable (`오거돈은`,
# a common surname before it; `_bare_name`).
NAME_KINDS = (KNAME, FNAME)
# Longest foreign name, in written words (`마틴 루서 킹`).
MAX_FOREIGN_WORDS = 3
# Most words between a name and its title (`황창규 KT 회장`: one; `버락 오바마 미국 제44대 대통령`: two).
MAX_BETWEEN = 4
# Most common nouns among them (`세르게이 악쇼노프 크림 공화국 총리`); `등` ends the search (a list).
MAX_COMMON_BETWEEN = 2
# Most syllables of a foreign given name after a family name read like a Korean name (`기시다 후미오`).
MAX_GIVEN = 4
# Weak titles that head a compound title no common word is (`국무위원`, `주미대사`, `국가주석`): a strong title.
STRONG_COMPOUND_HEADS = frozenset({"위원", "대사", "주석"})
# Royal titles, written after a given name alone (`윌리엄 왕자`, `샬럿 공주`).
ROYAL_TITLES = frozenset({"왕자", "공주"})
# Envoys' titles, named with the country they serve in between (`장용철 말레이시아 주재 대사`), and that word.
ENVOY_TITLES = frozenset({"대사", "영사", "특사"})
STATIONED = frozenset({"주재"})
# Weak titles whose place may stand between them and the name: an envoy's country, a mayor's city or a
# governor's province (`장용철 말레이시아 대사`, `안느 이달고 파리 시장`).
PLACED_TITLES = ENVOY_TITLES | {"시장", "지사"}
# Endings of long proper nouns that are regions, not names (`신장자치구`, `아이오와주`).
REGION_ENDINGS = ("시", "군", "구", "주", "성", "도", "국", "현", "섬", "강", "산", "만", "해")


class Found:
    """What an article's phrases name, with offsets: first mentions of people, organisations and places,
    every person and organisation mention (for references), and every subject phrase's reference."""

    __slots__ = ("people", "orgs", "places", "person_mentions", "person_offsets", "org_mentions",
                 "org_offsets", "subjects", "kinds", "words", "bare")

    def __init__(self):
        self.kinds: dict[tuple, str] = {}  # (text, tags, after a place) -> kind: words recur in an article
        self.words: dict[tuple, tuple] = {}  # (form, tag) of a one-token run -> what it names (read_word)
        self.bare: dict[str, list[int]] = {}  # a Korean-looking name alone as a subject -> offsets (bare_people)
        self.people: dict[str, int] = {}
        self.orgs: dict[str, int] = {}
        self.places: dict[str, int] = {}
        self.person_mentions: list[tuple[str, str]] = []  # (name, title), offsets in person_offsets
        self.person_offsets: list[int] = []
        self.org_mentions: list[str] = []
        self.org_offsets: list[int] = []
        self.subjects: list[tuple[int, int, str, tuple]] = []  # (start, end, particle, reference)

    def person(self, name: str, title: str, at: int) -> None:
        """Note a mention of person `name` (with `title`, "" if none) at offset `at`."""
        if self.people.setdefault(name, at) > at:
            self.people[name] = at
        self.person_mentions.append((name, title))
        self.person_offsets.append(at)

    def listed(self, name: str, kind: str, at: int) -> None:
        """Note an organisation, a place or a public figure found in the text itself (`listed.listed_names`)."""
        if kind == ORG:
            self.org(name, at)
        elif kind == PLACE:
            self.place(name, at)
        else:
            self.person(name, "", at)

    def place(self, name: str, at: int) -> None:
        """Note a mention of place `name` at offset `at` (mentions come in any order: the first counts)."""
        if self.places.setdefault(name, at) > at:
            self.places[name] = at

    def sort(self) -> None:
        """Put the mentions and subjects in text order (listed names are found apart from phrases)."""
        self.subjects.sort()
        for offsets, mentions in ((self.person_offsets, self.person_mentions), (self.org_offsets, self.org_mentions)):
            if any(a > b for a, b in zip(offsets, offsets[1:])):
                pairs = sorted(zip(offsets, mentions), key=lambda pair: pair[0])
                offsets[:], mentions[:] = [p[0] for p in pairs], [p[1] for p in pairs]

    def org(self, name: str, at: int) -> None:
        """Note a mention of organisation `name` at offset `at`."""
        if self.orgs.setdefault(name, at) > at:
            self.orgs[name] = at
        self.org_mentions.append(name)
        self.org_offsets.append(at)


def _region_like(text: str) -> bool:
    """A long proper noun with a region's ending (`신장자치구`, `아이오와주`): no name, no organisation."""
    return len(text) >= 4 and text.endswith(REGION_ENDINGS)


def _name_end(chunks: list[Chunk], kinds: list[str], lo: int, t: int, weak: str) -> int:
    """Index of the last chunk of the name the title at chunks[t] belongs to, or -1. Between a name and
    its title stand only organisations, places, modifiers, ordinals and a few common nouns
    (`허우한민 신장자치구 신문판공실 주임`); a weak title (`weak`, "" for another) takes only the name right
    before it, an envoy's, a mayor's or a governor's places and `주재` aside (`장용철 말레이시아 주재 대사`). A Korean name of three
    syllables wins over a nearer foreign-looking word (`박영선 새정연 원내대표`), unless that word goes on a
    foreign name it opens (`기시다 후미오 외무상`)."""
    common = 0
    nearest = -1
    for k in range(t - 1, max(lo, t - MAX_BETWEEN - 1) - 1, -1):
        kind, chunk = kinds[k], chunks[k]
        if (kind == KNAME or kind == FNAME) and not _region_like(chunk.text):
            if (kind == KNAME and len(chunk.text) >= 3 and not _foreign_given(chunks, kinds, lo, k)
                    and not (nearest == k + 1 and len(chunks[nearest].text) <= MAX_GIVEN
                             and not _korean_looking(chunk.text))):
                return k
            if nearest < 0 and _modifies_common(chunks, kinds, lo, k):
                continue  # `앨런 스턴 뉴호라이즌 연구 책임자`: 뉴호라이즌 names the research, not a name's word
            nearest = k if nearest < 0 else nearest
        elif weak and kind != MOD and not (weak in PLACED_TITLES and kind == PLACE) and not (
                weak in ENVOY_TITLES and chunk.text in STATIONED):
            break
        elif kind == OTHER and not any(tag in PROPER_TAGS for tag in chunk.tags):
            common += 1
            if common > MAX_COMMON_BETWEEN or chunk.tags[0] == "NNB":
                break
        elif kind in (TITLE, POINTER, PRONOUN):
            break
    return nearest


def _person_before(chunks: list[Chunk], kinds: list[str], lo: int, t: int, used: list[bool]) -> str:
    """The person the title at chunks[t] belongs to ("" if none), marking the chunks of the name in
    `used`. The name is the run of name words nearest the title: a Korean name alone (`두나무 이석우`:
    the last), or up to MAX_FOREIGN_WORDS words when one is foreign (`버락 오바마`, `아베 신조`); a lone
    foreign-looking word is no name before a weak title, and is the organisation before an
    organisation's head title (`구글 대변인`, `티몬 신임 대표이사`)."""
    title, written_on = title_of(chunks[t])
    if written_on:
        used[t] = True
        return written_on
    weak = title in WEAK_TITLES and (chunks[t].text == title or title not in STRONG_COMPOUND_HEADS)
    end = _name_end(chunks, kinds, lo, t, title if weak else "")
    if end < 0:
        return ""
    first = end
    while (first > lo and end - first + 1 < MAX_FOREIGN_WORDS
           and (_joins_name(chunks[first - 1], kinds[first - 1]) or _foreign_head(chunks[first - 1], kinds[first - 1]))
           and not chunks[first - 1].aside
           and (_joins_name(chunks[end], kinds[end]) or _foreign_given(chunks, kinds, lo, end))
           and not _korean_looking(chunks[first - 1].text)):
        first -= 1
    if first == end and kinds[end] == FNAME:
        if len(chunks[end].text) == 1 or (weak and title not in ROYAL_TITLES):  # 윌리엄 왕자: a royal's given name
            return ""
        if title in ORG_HEAD_TITLES and all(kinds[i] in (MOD, DATE) for i in range(end + 1, t)):
            kinds[end] = ORG
            return ""
    for i in range(first, end + 1):
        used[i] = True
    return " ".join(c.text for c in chunks[first:end + 1])


def _person_after(chunks: list[Chunk], kinds: list[str], t: int, used: list[bool]) -> str:
    """The person a title is put before (`조선노동당 비서 황장엽`, `미국 대통령 조 바이든`): a full
    Korean name or a foreign name of two words or more right after it, itself before no title."""
    first = end = t + 1
    if first >= len(chunks) or used[first]:
        return ""
    if kinds[first] == KNAME and len(chunks[first].text) >= 3:
        end = first + 1
    else:
        while end < len(chunks) and end - first < MAX_FOREIGN_WORDS and _joins_name(chunks[end], kinds[end]):
            end += 1
            if chunks[end - 1].aside:
                break
        if end - first < 2:
            return ""
    if end < len(chunks) and kinds[end] == TITLE:
        return ""
    for i in range(first, end):
        used[i] = True
    return " ".join(c.text for c in chunks[first:end])


def _korean_looking(text: str) -> bool:
    """Three syllables after a common surname (`정몽윤`): a Korean name, even with a rarer syllable, that
    does not open a foreign name (`정몽윤 현대해상 회장` is 정몽윤 of 현대해상)."""
    return len(text) == 3 and text[0] in COMMON_SURNAMES


def _foreign_head(chunk: Chunk, kind: str) -> bool:
    """A word read like a Korean name of three syllables with a rare surname (`기시다`): before a foreign word of
    the same name, its first word (`기시다 후미오`)."""
    return kind == KNAME and len(chunk.text) == 3 and not _korean_looking(chunk.text)


def _foreign_given(chunks: list[Chunk], kinds: list[str], lo: int, k: int) -> bool:
    """chunks[k] reads like a Korean name of three syllables with a rare surname but follows a foreign word:
    the second word of a foreign name (`세키야 나오야`, `오니시 다쿠야`; not `두나무 이석우`)."""
    return (kinds[k] == KNAME and len(chunks[k].text) == 3 and not _korean_looking(chunks[k].text) and k > lo
            and kinds[k - 1] == FNAME and not chunks[k - 1].aside)


def _modifies_common(chunks: list[Chunk], kinds: list[str], lo: int, k: int) -> bool:
    """The foreign-looking word at chunks[k] stands between a name's words and a common noun before the title
    (`앨런 스턴 뉴호라이즌 연구 책임자`, `카렌바우어 자를란트 주 총리`): it names what the noun is of."""
    nxt = k + 1
    return (kinds[k] == FNAME and k > lo and _joins_name(chunks[k - 1], kinds[k - 1]) and not chunks[k - 1].aside
            and nxt < len(chunks) and kinds[nxt] == OTHER and not any(tag in PROPER_TAGS for tag in chunks[nxt].tags))


def _joins_name(chunk: Chunk, kind: str) -> bool:
    """The chunk can be one word of a foreign name: a foreign-looking word, or a two-syllable one that
    reads Korean (`아베 신조`, `제이 카니`); a full Korean name stands alone."""
    return (kind == FNAME or (kind == KNAME and len(chunk.text) <= 2)) and not _region_like(chunk.text)


def _reference(chunks: list[Chunk], kinds: list[str], person: str, org: str) -> tuple:
    """What a subject phrase refers to: ("person", name), ("org", name), ("surname", 김, title),
    ("title", title), ("name", text), ("pronoun",), ("pointer",) or ("none",)."""
    if person:
        return ("person", person)
    last = kinds[-1]
    if org and (last == POINTER or last == ORG or (last == OTHER and kinds[-2:-1] == [ORG])):
        return ("org", org)  # KT 측은; 경기지방경찰청 수사본부는
    head = chunks[0]
    if last == TITLE:
        title = title_of(chunks[-1])[0]
        named = chunks[-2] if len(chunks) >= 2 else head  # `28일 정 실장은`: a date's word before the surname
        if len(named.text) == 1 and named.text in SURNAMES and named.tags[0] == "NNP":
            return ("surname", named.text, title)
        if all(k == TITLE or k == MOD for k in kinds):
            return ("title", title)
    if len(chunks) == 1:
        if last == KNAME or last == FNAME:
            return ("name", head.text)
        if last == PRONOUN:
            return ("pronoun",)
        if last == POINTER:
            return ("pointer",)
    return ("none",)


def read_phrase(phrase: Phrase, found: Found, at_shift: int, subjects: bool) -> None:
    """Add what `phrase` names to `found` (offsets moved by `at_shift`: the title's come before the
    body's); with `subjects`, note the reference of a phrase its particle marks as a subject."""
    chunks = phrase.chunks
    kinds: list[str] = []
    after_place = False
    known = found.kinds
    for chunk in chunks:
        key = (chunk.text, chunk.tags, after_place)
        kind = known.get(key)
        if kind is None:
            kind = known[key] = kind_of(chunk, after_place)
        kinds.append(kind)
        after_place = kind == PLACE
    used = [False] * len(chunks)
    person = org = ""
    lo = 0
    for t, kind in enumerate(kinds if TITLE in kinds else ()):
        if kind == TITLE:
            name = _person_before(chunks, kinds, lo, t, used) or _person_after(chunks, kinds, t, used)
            if name:
                found.person(name, title_of(chunks[t])[0], chunks[t].start + at_shift)
                person = person or name
                _orgs_around(chunks, kinds, lo, t, used)
            lo = t + 1
    org = _other_names(chunks, kinds, used, found, at_shift)
    last = chunks[-1]
    if subjects and kinds[-1] in NAME_KINDS and not person and len(last.tags) == 1 and phrase.particle in \
            SUBJECT_PARTICLES and _bare_name((last.text, last.tags[0])):  # 성폭행범 고종석은
        found.bare.setdefault(last.text, []).append(last.start + at_shift)
    if subjects and phrase.particle in SUBJECT_PARTICLES:
        found.subjects.append((phrase.start, phrase.end, phrase.particle, _reference(chunks, kinds, person, org)))
    elif subjects and phrase.particle == ORG_TOPIC and org and (kinds[-1] == ORG or kinds[-2:] == [ORG, OTHER]):
        found.subjects.append((phrase.start, phrase.end, phrase.particle, ("org", org)))


def read_word(word: tuple[int, int, tuple[str, str], str], text: str, found: Found, at_shift: int,
              subjects: bool) -> None:
    """`read_phrase` for a run of one token (`phrases.Runs.words`): what a (form, tag) names and refers to
    is worked out once per article and kept in `found.words`."""
    start, end, form_tag, particle = word
    effect = found.words.get(form_tag)
    if effect is None:
        effect = found.words[form_tag] = _word_effect(Chunk(text[start:end], start, end, form_tag[:1], form_tag[1:]))
    kind, name = effect[0], effect[1]
    if kind == ORG:
        found.org(name, start + at_shift)
    elif kind == PLACE:
        found.place(name, start + at_shift)
    elif kind in NAME_KINDS and subjects and particle in SUBJECT_PARTICLES and _bare_name(form_tag):
        if _speaks(text, end, particle):
            found.person(form_tag[0], "", start + at_shift)  # 김은혜는 "…"라고 주장했다
        found.bare.setdefault(form_tag[0], []).append(start + at_shift)
    if subjects and particle in SUBJECT_PARTICLES:
        found.subjects.append((start, end, particle, effect[2]))
    elif subjects and particle == ORG_TOPIC and kind != PLACE:  # an organisation the other passes may find
        found.subjects.append((start, end, particle, effect[2] if kind == ORG else ("name", text[start:end])))


def _bare_name(form_tag: tuple[str, str]) -> bool:
    """A Korean-looking proper noun of three syllables with a common surname (`김은혜`), read as one token, its last
    syllable one of given names (the middle one may be rarer: `오거돈`, `박칼린`; not `유니콘`, `한국어`)."""
    form = form_tag[0]
    return form_tag[1] == "NNP" and len(form) == 3 and form[0] in COMMON_SURNAMES and form[2] in GIVEN_SYLLABLES


def _speaks(text: str, end: int, particle: str) -> bool:
    """The subject ending at `end` stands right before a quotation's opening mark: the slot of a speaker
    makes a bare name there a person."""
    return text.startswith(particle, end) and BEFORE_QUOTE.match(text, end + len(particle)) is not None


def _glossed(text: str, name: str) -> bool:
    """The text writes `name` with a Latin gloss (`고세균(Archaea)`, `오리온(Orion)`) or in quotation marks
    (`‘오리온’`), as it writes things and species, seldom a Korean person."""
    at = text.find(name + "(")
    while at >= 0:
        after = text[at + len(name) + 1:at + len(name) + 2]
        if after.isascii() and after.isalpha():
            return True
        at = text.find(name + "(", at + 1)
    return any(pair[0] + name + pair[1] in text for pair in ("‘’", "''", "“”", '""'))


def bare_people(found: Found, text: str) -> None:
    """A bare name (`_bare_name`) the text makes a subject and names again (`김정남은 … 김정남은`, `김태호의 발언
    … 김태호는`) is a person, unless another rule made it an organisation or a place."""
    for name, offsets in found.bare.items():
        if name not in found.people and name not in found.orgs and name not in found.places and \
                (len(offsets) > 1 or text.count(name) > 1) and not _glossed(text, name):
            for at in offsets:
                found.person(name, "", at)


def _word_effect(chunk: Chunk) -> tuple[str, str, tuple]:
    """(the kind of a one-token chunk, the organisation or place it names or "", its subject reference)."""
    kind = kind_of(chunk, False)
    if kind == ORG:
        org = org_name(chunk) or chunk.text
        return ORG, org, _reference([chunk], [kind], "", org)
    if kind == PLACE:
        return PLACE, place_name(chunk, False), ("none",)
    return kind, "", _reference([chunk], [kind], "", "")


# Subjects that speak for the organisation named last before them, in this sentence or an earlier one
# (`로체스터대 연구팀은 … 연구팀은 "…"고 밝혔다`, `서울행정법원 … 재판부는`).
TEAM_WORDS = frozenset({"연구팀", "연구진", "재판부", "노조", "조합", "위원회", "경찰", "당국"})
AUTHORITIES = "당국"


def plain_reference(text: str, word: str) -> tuple:
    """What a subject of common nouns refers to, from its text and last word (`phrases.phrases_of`): a
    listed organisation Kiwi read as common nouns (`국토교통부는`), a pronoun, an organisation's pointer
    (`관계자는`), a title (`장관은`: the minister named before), or nothing."""
    if text in KNOWN_ORGS:
        return ("org", text)
    if word in PRONOUNS:
        return ("pronoun",)
    if word in ORG_POINTERS:
        return ("pointer",)
    if word == AUTHORITIES and text != word:
        return ("none",)  # 정보당국, 보건당국: a kind of authority, not the body named before
    if word in TEAM_WORDS or text in TEAM_WORDS:
        return ("team", text if text in TEAM_WORDS else word)
    if word in PERSON_TITLES:
        return ("title", word)
    return ("none",)


def _orgs_around(chunks: list[Chunk], kinds: list[str], lo: int, t: int, used: list[bool]) -> None:
    """In a person phrase, proper nouns between lo and the title that are not the name are organisations
    (`황창규 KT 회장`, `두나무 이석우 대표`, `신세계푸드 김철수 대표`)."""
    for i in range(lo, t):
        if used[i] or _region_like(chunks[i].text) or len(chunks[i].text) < 2:
            continue
        if kinds[i] == KNAME and chunks[i].text[0] in COMMON_SURNAMES:
            continue  # 박원순 김명환 위원장: a list of names
        if _modifies_common(chunks, kinds, lo, i):
            continue  # 뉴호라이즌 of `앨런 스턴 뉴호라이즌 연구 책임자`: a mission, not the person's organisation
        if not any(used[lo:i]) and _common_after(chunks, kinds, i, t):
            continue  # 야스쿠니 of `야스쿠니 신사 참배 후 기시다 후미오 외무상`: before the name, what a noun is of
        if kinds[i] == FNAME or kinds[i] == KNAME or (kinds[i] == OTHER and any(
                tag in PROPER_TAGS for tag in chunks[i].tags)):
            kinds[i] = ORG


def _common_after(chunks: list[Chunk], kinds: list[str], i: int, t: int) -> bool:
    """The chunk after chunks[i] is a common noun before a name's chunk, which stands before the title at t."""
    return (i + 1 < t and kinds[i + 1] == OTHER and not any(tag in PROPER_TAGS for tag in chunks[i + 1].tags)
            and any(kinds[k] in (KNAME, FNAME) for k in range(i + 2, t)))


def _other_names(chunks: list[Chunk], kinds: list[str], used: list[bool], found: Found, at_shift: int) -> str:
    """Add the organisations and places of the phrase's chunks not taken by a person, and people written
    with an age (`김철수(45)`); returns the last organisation named ("" if none)."""
    org = ""
    after_place = False
    for i, kind in enumerate(kinds):
        chunk = chunks[i]
        at = chunk.start + at_shift
        if used[i]:
            after_place = False
            continue
        if kind == ORG or (kind in (FNAME, OTHER) and i + 1 < len(kinds) and kinds[i + 1] == POINTER
                           and any(tag in PROPER_TAGS for tag in chunk.tags)):
            org = org_name(chunk) or _without_glued_particle(chunk)
            found.org(org, at)
        elif kind == PLACE:
            found.place(place_name(chunk, after_place), at)
        elif kind == TITLE and chunk.tags[0] == "NNP" and chunk.forms[0] in PLACES_NEEDING_NNP:
            found.place(chunk.forms[0], at)  # 부산시장
        elif kind == KNAME and chunk.aside and (AGE_ASIDE.fullmatch(chunk.aside) or (
                _full_korean_name(chunk) and not _latin(chunk.aside))):  # not 고세균(Archaea)
            found.person(chunk.text, "", at)  # 김철수(45), 구자철(1골 1도움)
        after_place = kind == PLACE
    return org


def _without_glued_particle(chunk: Chunk) -> str:
    """The chunk's text less a `의` Kiwi kept on an unknown proper noun (`티켓몬스터의/NNP 신현성 대표`), unless the
    word ends as a meeting or a doctrine does (`…회의`, `…협의`, `…주의`)."""
    text = chunk.text
    if len(text) >= 4 and text[-1] == "의" and chunk.tags == ("NNP",) and not text.endswith(("회의", "협의", "주의")):
        return text[:-1]
    return text


def _latin(aside: str) -> bool:
    """An aside opening with a Latin letter: a gloss of a thing's name (`(Archaea)`), seldom a Korean person's."""
    first = aside.lstrip()[:1]
    return first.isascii() and first.isalpha()


def _full_korean_name(chunk: Chunk) -> bool:
    """A three-syllable name with a common surname that Kiwi tagged proper: with an aside after it
    (`구자철(1골 1도움)`, `김철수(서울대 교수)`) it is a person even without a title."""
    return len(chunk.text) == 3 and chunk.text[0] in COMMON_SURNAMES and all(t == "NNP" for t in chunk.tags)


def latest_before(offsets: list[int], at: int) -> int:
    """Index of the last offset before `at` in the sorted `offsets`, or -1."""
    return bisect_right(offsets, at - 1) - 1

