"""Query batches: one JSON query `{"id", "text"}` or one plain-text query a line."""

from __future__ import annotations

import json
import sys
from typing import Callable, Iterator

__all__ = ["BatchLineError", "read_batch"]


class BatchLineError(ValueError):
    """A line of a batch that is not a query; str(e) is the one-line reason."""


def read_batch(path: str, on_error: Callable[[str], None] | None = None) -> Iterator[tuple[str, str]]:
    """(id, text) of each query in the file at `path` (`-`: standard input), in order.

    Every id is a string: a JSON line's own `id` converted with str(), else the line's number. A
    line starting with `{` is a JSON object whose `text` (or `query`) is the query; any other line
    that is not blank is the query itself. A line that is not a query (invalid UTF-8 or JSON, no
    text) is skipped and `on_error` is told `path:line: reason`; the rest of the batch is read.
    """
    fh = sys.stdin.buffer if path == "-" else open(path, "rb")
    try:
        for lineno, raw in enumerate(fh, 1):
            try:
                query = _query(raw, lineno)
            except BatchLineError as e:
                if on_error:
                    on_error(f"{path}:{lineno}: {e}")
                continue
            if query is not None:
                yield query
    finally:
        if fh is not sys.stdin.buffer:
            fh.close()


def _query(raw: bytes, lineno: int) -> tuple[str, str] | None:
    """The (id, text) of one line, None for a blank line; raises BatchLineError."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise BatchLineError("invalid UTF-8") from None
    line = line.removeprefix("\ufeff").rstrip("\r\n")
    if not line.strip():
        return None
    if not line.lstrip().startswith("{"):
        return str(lineno), line
    try:
        obj = json.loads(line)
    except json.JSONDecodeError as e:
        raise BatchLineError(f"invalid JSON: {e.msg} (column {e.colno})") from None
    if not isinstance(obj, dict):
        raise BatchLineError("invalid JSON: not an object")
    text = obj.get("text", obj.get("query"))
    if not isinstance(text, str) or not text.strip():
        raise BatchLineError("no query: 'text' must be a non-empty string")
    qid = obj.get("id")
    if qid is None:
        return str(lineno), text
    if isinstance(qid, bool) or not isinstance(qid, (str, int, float)):
        raise BatchLineError("'id' must be a string or a number")
    return str(qid), text
