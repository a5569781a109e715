"""Snippets and highlighted text from stored character spans (no re-analysis)."""

from __future__ import annotations

from .model import Snippet

SNIPPET_CHARS = 180
_BREAKS = ".?!。\n"


def merge_spans(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sort and merge overlapping or touching spans."""
    out: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if out and s <= out[-1][1]:
            if e > out[-1][1]:
                out[-1] = (out[-1][0], e)
        else:
            out.append((s, e))
    return out


def mark(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None) -> Snippet:
    """text[start:end] with `spans` (offsets into `text`) marked, merged and clipped to the fragment."""
    end = len(text) if end is None else end
    inside = []
    for s, e in merge_spans(spans):
        s, e = max(s, start), min(e, end)
        if e > s:
            inside.append((s - start, e - start))
    return Snippet(text[start:end], inside, start > 0, end < len(text))


def _best_window(spans: list[tuple[int, int, str]], width: int) -> int:
    """Start offset of the window holding the most distinct matched terms (then most matches)."""
    best, best_key = spans[0][0], (-1, -1)
    j = 0
    for i, (s, _e, _t) in enumerate(spans):
        j = max(j, i)
        while j + 1 < len(spans) and spans[j + 1][1] <= s + width:
            j += 1
        window = spans[i:j + 1]
        key = (len({t for _, _, t in window}), len(window))
        if key > best_key:
            best, best_key = s, key
    return best


def snippet(text: str, spans: list[tuple[int, int, str]], width: int = SNIPPET_CHARS) -> Snippet:
    """A window of `text` around the densest matches (line breaks in it as spaces), or its start."""
    text = text or ""
    if not spans:
        return Snippet(text[:width], [], False, len(text) > width)
    spans = sorted(spans)
    anchor = _best_window(spans, width)
    # Start at the sentence holding the first match when it is close; else a little before it.
    start = max(0, anchor - 40)
    for k in range(anchor - 1, max(0, anchor - 60) - 1, -1):
        if text[k] in _BREAKS:
            start = k + 1
            break
    else:
        if anchor - 60 <= 0:
            start = 0
    while start < anchor and text[start].isspace():
        start += 1
    end = min(len(text), start + width)
    if end < len(text):
        sp = text.rfind(" ", anchor, end)
        if sp > anchor + width // 2:
            end = sp
    fragment = mark(text, [(s, e) for s, e, _ in spans], start, end)
    fragment.text = fragment.text.replace("\n", " ")
    return fragment
