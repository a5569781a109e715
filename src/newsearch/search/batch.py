"""Query batches: one JSON query `{"id", "text"}` or one plain-text query a line."""

from __future__ import annotations

import json
import sys
from typing import Callable, Iterator


def read_batch(path: str, on_error: Callable[[str], None] | None = None) -> Iterator[tuple[object, str]]:
    """(id, text) of each query in the file at `path` (`-`: standard input); a line's number is its id
    unless its JSON gives one. A line that looks like JSON but is not is read as plain text, and
    `on_error` is told `path:line: reason`."""
    # A bad byte spoils one query, not the batch.
    fh = sys.stdin if path == "-" else open(path, encoding="utf-8", errors="replace")
    with fh:
        for lineno, line in enumerate(fh, 1):
            line = line.rstrip("\n")
            if not line.strip():
                continue
            if line.lstrip().startswith("{"):
                try:
                    obj = json.loads(line)
                    yield obj.get("id", lineno), str(obj.get("text") or obj.get("query") or "")
                    continue
                except (json.JSONDecodeError, AttributeError):
                    if on_error:
                        on_error(f"{path}:{lineno}: invalid JSON, read as plain text")
            yield lineno, line
