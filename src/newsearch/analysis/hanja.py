"""Hangul readings of Hanja words (`與野` -> `여야`, `大韓民國` -> `대한민국`).

The table, data/hanja_readings.txt (one reading per character, about 12,000 characters), is
derived from Unicode's Unihan database (kHangul, kKorean; Unicode License v3, notice in the
file's header) by bench/make_hanja_table.py. Standard library only.

The initial sound law (두음법칙) is applied the way the `hanja` package (suminb/hanja) applies
it, with one fix:
- word-initial 녀/뇨/뉴/니 -> 여/요/유/이, 랴/려/례/료/류/리 -> 야/여/예/요/유/이, and
  라/래/로/뢰/루/르 -> 나/내/노/뇌/누/느 (whatever the final consonant: 老 -> 노, 力 -> 역);
- 렬/률 -> 열/율 after a Hangul syllable with no final or with ㄴ (比率 -> 비율, 先烈 -> 선열;
  `hanja` 0.15.1 tests ㄲ where it means ㄴ, so it gives 선렬).
"Word-initial" means the character before it (in the output: the reading of a preceding Hanja,
or the text itself) is not a letter or digit by str.isalnum: the start of the text, a space,
punctuation. Any other character is kept as it is.
"""

from __future__ import annotations

import threading

from newsearch import config

TABLE_FILE = config.DATA_DIR / "hanja_readings.txt"

_HANGUL_FIRST, _HANGUL_LAST = 0xAC00, 0xD7A3
_FINALS = 28  # Hangul syllable = 0xAC00 + (initial * 21 + vowel) * 28 + final
_FINAL_NIEUN = 4


def _law(heads: str, initial: int) -> dict[str, str]:
    """{syllable: the syllable with `initial`} for the open syllables `heads` and all their finals."""
    out = {}
    for head in heads:
        code = ord(head) - _HANGUL_FIRST
        vowel = code // _FINALS % 21
        for final in range(_FINALS):
            new = _HANGUL_FIRST + (initial * 21 + vowel) * _FINALS + final
            out[chr(ord(head) + final)] = chr(new)
    return out


# Word-initial ㄴ/ㄹ before i/y -> ㅇ (initial 11); ㄹ before other vowels -> ㄴ (initial 2).
_WORD_INITIAL = _law("녀뇨뉴니랴려례료류리", 11) | _law("라래로뢰루르", 2)
_AFTER_OPEN_OR_N = {"렬": "열", "률": "율"}

_table: dict[str, str] | None = None
_lock = threading.Lock()


def _read(path) -> dict[str, str]:
    """{character: reading} from a `CHARACTER<TAB>READING` file; `#` lines are comments."""
    table = {}
    with open(path, encoding="utf-8") as f:
        for line in f:
            if line and line[0] != "#":
                ch, _, sound = line.rstrip("\n").partition("\t")
                if sound:
                    table[ch] = sound
    return table


def _loaded() -> dict[str, str]:
    """The reading table, read from disk on first use (once per process, thread-safe)."""
    global _table
    table = _table
    if table is None:
        with _lock:
            if _table is None:
                _table = _read(TABLE_FILE)
            table = _table
    return table


def load() -> None:
    """Load the reading table now rather than inside the first query that needs it."""
    _loaded()


def _dooeum(previous: str, sound: str) -> str:
    """`sound` (one Hangul syllable) after the initial sound law, given the character before it."""
    if not previous.isalnum():
        return _WORD_INITIAL.get(sound, sound)
    if sound in _AFTER_OPEN_OR_N and _HANGUL_FIRST <= ord(previous) <= _HANGUL_LAST:
        if (ord(previous) - _HANGUL_FIRST) % _FINALS in (0, _FINAL_NIEUN):
            return _AFTER_OPEN_OR_N[sound]
    return sound


def reading(text: str) -> str | None:
    """The Hangul reading of a Hanja word (`與野` -> `여야`); None if unchanged or an ideograph remains."""
    table = _table if _table is not None else _loaded()
    out = []
    previous = " "
    for ch in text:
        sound = table.get(ch)
        if sound is not None:
            ch = _dooeum(previous, sound)
        out.append(ch)
        previous = ch
    result = "".join(out)
    if result == text or any("\u4e00" <= ch <= "\u9fff" for ch in result):
        return None
    return result
