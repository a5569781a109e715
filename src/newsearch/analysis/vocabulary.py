"""News vocabulary: the user dictionary, synonyms, and Hanja readings.

- User dictionary: a UTF-8 text file, one word a line: `word [TAG [SCORE]]` separated by tabs or
  spaces (TAG defaults to NNP, SCORE to 0); `#` starts a comment. Loaded into Kiwi, so the word is
  analysed whole. The copy used for an index is kept in the index folder, so queries are analysed
  the same way the documents were.
- Synonyms: one group a line, comma-separated (`네이버, Naver`); applied at query time, so a
  change needs no re-index. A small default set for news ships with the package.
- Hanja: headline abbreviations (美 -> 미국); other Hanja words' readings are in hanja.py.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .. import config

USER_DICT_NAME = "user_dict.txt"
SYNONYMS_NAME = "synonyms.txt"
KIWI_TAGS = {"NNG", "NNP", "NNB", "NR", "NP", "VV", "VA", "XR", "SL", "SH", "SN", "MAG", "MM", "IC"}

# Single-character headline abbreviations and their Korean words.
HEADLINE_HANJA = {
    "美": "미국", "中": "중국", "日": "일본", "北": "북한", "南": "남한", "英": "영국", "佛": "프랑스",
    "獨": "독일", "露": "러시아", "韓": "한국", "與": "여당", "野": "야당", "靑": "청와대", "檢": "검찰",
    "軍": "군", "前": "전", "現": "현", "伊": "이탈리아", "濠": "호주", "豪": "호주", "加": "캐나다",
    "印": "인도", "越": "베트남", "臺": "대만", "台": "대만", "比": "필리핀", "西": "스페인", "亞": "아시아",
    "歐": "유럽", "阿": "아프리카", "蘇": "소련", "朴": "박", "文": "문", "尹": "윤", "李": "이", "故": "고",
    "警": "경찰", "法": "법원", "黨": "당", "政": "정부", "銀": "은행", "株": "주식", "稅": "세금", "對": "대",
    "反": "반", "親": "친", "非": "비", "訪": "방문", "新": "신", "社": "사", "號": "호", "兆": "조", "億": "억",
}


class VocabularyError(ValueError):
    """A malformed dictionary or synonym file, with `path:line: reason`."""


@dataclass(frozen=True, slots=True)
class UserWord:
    """One user-dictionary entry."""

    word: str
    tag: str = "NNP"
    score: float = 0.0


def parse_user_dict(text: str, where: str = "user dictionary") -> tuple[UserWord, ...]:
    """Entries of a user dictionary file's text; raises VocabularyError naming the line."""
    words: list[UserWord] = []
    for lineno, raw in enumerate(text.splitlines(), 1):
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        parts = line.split()
        word, tag, score = parts[0], "NNP", 0.0
        if len(parts) > 1:
            tag = parts[1].upper()
            if tag not in KIWI_TAGS:
                raise VocabularyError(f"{where}:{lineno}: unknown tag {parts[1]!r} (use NNP, NNG, VV, ...)")
        if len(parts) > 2:
            try:
                score = float(parts[2])
            except ValueError:
                raise VocabularyError(f"{where}:{lineno}: score {parts[2]!r} is not a number") from None
        if len(parts) > 3:
            raise VocabularyError(f"{where}:{lineno}: expected `word [TAG [SCORE]]`")
        words.append(UserWord(word, tag, score))
    return tuple(sorted(set(words), key=lambda w: (w.word, w.tag)))


def load_user_dict(path: str | Path | None) -> tuple[UserWord, ...]:
    """The entries of a user dictionary file (empty when there is none)."""
    if not path:
        return ()
    p = Path(path)
    if not p.is_file():
        return ()
    try:
        text = p.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as e:
        raise VocabularyError(f"{p}: cannot read user dictionary: {e}") from e
    return parse_user_dict(text, str(p))


def user_dict_path() -> Path | None:
    """The configured user dictionary: $NEWSEARCH_USER_DICT, else ./user_dict.txt if present."""
    return _configured("NEWSEARCH_USER_DICT", USER_DICT_NAME)


def _configured(env_var: str, default_name: str) -> Path | None:
    """The file named by `env_var`, else `default_name` in the working folder if it is a file."""
    env = os.environ.get(env_var)
    if env:
        return Path(env)
    p = Path(default_name)
    return p if p.is_file() else None


def dict_text(words: tuple[UserWord, ...]) -> str:
    """The canonical file text for `words` (what is stored beside an index)."""
    return "".join(f"{w.word}\t{w.tag}\t{w.score:g}\n" for w in words)


def dict_hash(words: tuple[UserWord, ...]) -> str:
    """A short fingerprint of a dictionary (empty string for none)."""
    if not words:
        return ""
    return hashlib.blake2b(dict_text(words).encode(), digest_size=6).hexdigest()


# -- synonyms --------------------------------------------------------------------------------------


def parse_synonyms(text: str) -> list[tuple[str, ...]]:
    """Synonym groups from `a, b, c` lines (`#` comments; groups of one are ignored)."""
    groups = []
    for raw in text.splitlines():
        line = raw.split("#", 1)[0]
        items = tuple(dict.fromkeys(x.strip() for x in line.split(",") if x.strip()))
        if len(items) > 1:
            groups.append(items)
    return groups


def synonyms_path() -> Path | None:
    """The user's synonym file: $NEWSEARCH_SYNONYMS, else ./synonyms.txt if present."""
    return _configured("NEWSEARCH_SYNONYMS", SYNONYMS_NAME)


@lru_cache(maxsize=8)
def _synonym_groups(user_path: str | None, mtime: float) -> tuple[tuple[str, ...], ...]:
    groups = parse_synonyms((config.DATA_DIR / "synonyms.txt").read_text(encoding="utf-8"))
    if user_path:
        try:
            groups += parse_synonyms(Path(user_path).read_text(encoding="utf-8-sig"))
        except (OSError, UnicodeDecodeError):
            pass
    return tuple(groups)


def synonym_groups() -> tuple[tuple[str, ...], ...]:
    """The default news synonyms plus the user's file (re-read when it changes)."""
    p = synonyms_path()
    mtime = p.stat().st_mtime if p and p.is_file() else 0.0
    return _synonym_groups(str(p) if p else None, mtime)


def keep_user_dict(index_dir: Path, words: tuple[UserWord, ...]) -> None:
    """Keep the dictionary an index was analysed with beside it (queries must use the same)."""
    path = Path(index_dir) / USER_DICT_NAME
    if words:
        tmp = path.with_suffix(".tmp")
        tmp.write_text(dict_text(words), encoding="utf-8")
        os.replace(tmp, path)
    elif path.exists():
        path.unlink()


def kept_user_dict(index_dir: Path) -> tuple[UserWord, ...]:
    """The dictionary kept beside an index by `keep_user_dict` (empty when there is none)."""
    return load_user_dict(Path(index_dir) / USER_DICT_NAME)
