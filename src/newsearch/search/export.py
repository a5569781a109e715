"""Export: every article matching a query, with its group of copies, as CSV, JSON Lines or an Excel workbook.

No cap and no page: the store streams its matches (`Store.scan`) and each row is written as it comes, so
memory stays flat in the number of rows. Rows come in the query's sort order (relevance, newest or oldest first)
and hold every matching article, copies included: `group_id`, `group_size`, `group_lead` name its group of
copies (copies/) and `is_copy` is true when it is not its group's lead. Keeping the first row of each
`group_id` gives the articles the results page shows when it groups copies (its best-ranked member).

Each file records the query and its filters (`search_*`):
- CSV: UTF-8 with a byte order mark (Excel then reads Hangul right), one header row, and the query and filters
  as the last columns of every row, so that every CSV reader (Excel, pandas, `csv.DictReader`) reads the file
  as it is, with no line to skip. Values are written exactly: a title starting with `=` is not escaped, so
  open a corpus you do not trust as xlsx in Excel (its cells are typed text, never formulas).
- JSON Lines: the first line is `{"newsearch_export": {query, sort, publisher, from, to, columns, exported_at}}`,
  then one article object a line (the columns, flat; `null` for what an article lacks).
- xlsx (openpyxl's write-only mode: rows go to a temporary file as they come): the sheet `articles`, header
  first, every cell text except `group_size` (a number) and `is_copy` (a boolean), `body` last; a body longer
  than Excel's cell limit (32,767 characters) goes on in the cells after it, in pieces of at most that, so
  nothing is cut. A sheet holds 1,048,576 rows: more go on in `articles 2`, `articles 3`, ... (header again).
  The sheet `search` holds the query, filters, export time and row count. Characters XML cannot hold (control
  characters, lone surrogates) become U+FFFD there.
"""

from __future__ import annotations

import csv
import io
import itertools
import json
import os
import re
import secrets
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import BinaryIO, Iterable, Iterator
from urllib.parse import quote

from ..copies import group_id
from .contract import Match, Store
from .model import CopyGroup, Reason, SearchRequest
from .querylang import parse

FORMATS = ("csv", "jsonl", "xlsx")
MEDIA_TYPES = {"csv": "text/csv; charset=utf-8", "jsonl": "application/x-ndjson; charset=utf-8",
               "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
COLUMNS = ("id", "date", "publisher", "reporter", "title", "url", "group_id", "group_size", "group_lead",
           "is_copy", "body")
SEARCH_COLUMNS = ("search_query", "search_sort", "search_publisher", "search_from", "search_to")
XLSX_CELL = 32_767  # Excel's most characters in a cell (UTF-16 code units)
XLSX_ROWS = 1_048_576  # Excel's most rows in a sheet
CHUNK = 1 << 16  # bytes handed out at a time when streaming

_XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


@dataclass
class Export:
    """One export: the request, why it cannot be searched (`reason`, then no matches), its matches as the
    store streams them, and how many rows the writers have written so far."""

    request: SearchRequest
    reason: Reason | None
    matches: Iterable[Match] = ()
    rows: int = 0
    exported_at: str = field(default_factory=lambda: datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))

    def search(self) -> dict:
        """The query and filters the file records (None: not filtered)."""
        r = self.request
        return {"query": r.text, "sort": r.sort, "publisher": r.publisher, "from": r.date_from, "to": r.date_to}

    def records(self) -> Iterator[dict]:
        """Each match as a row of `COLUMNS`, counted in `rows`."""
        for m in self.matches:
            self.rows += 1
            yield record(m)


def scan(store: Store, request: SearchRequest) -> Export:
    """Every match of `request` after its filters, in its sort order, streamed (`limit`, `page`, `group` and
    snippets do not apply). The store's first page is read now, so that a store that cannot answer raises
    its `StoreError` before anything is written."""
    request = request.clamped()
    tree = parse(request.text, store.analyzer(), syntax=request.syntax)
    if tree.reason is not None:
        return Export(request, tree.reason)
    if request.sort != "relevance":
        tree = tree.requiring_all()  # as `Searcher.search` sorts by date: no half matches
    matches = iter(store.scan(request, tree))
    first = next(matches, None)
    return Export(request, None, itertools.chain([first], matches) if first is not None else ())


def record(m: Match) -> dict:
    """The export row of one match (None for a field the article lacks)."""
    f = m.fields
    out = {k: f.get(k) or None for k in ("id", "date", "publisher", "reporter", "title", "url")}
    out["title"] = f.get("title") or ""
    group = m.group or CopyGroup(group_id(out["id"]), 1, out["id"])  # a store that gave none: a group of one
    out["group_id"], out["group_size"], out["group_lead"] = group.id, group.size, group.lead
    out["is_copy"] = out["group_lead"] != out["id"]
    out["body"] = f.get("body") or ""
    return out


# -- formats ------------------------------------------------------------------------------------------------


def csv_chunks(export: Export) -> Iterator[bytes]:
    """The CSV file, in chunks of about `CHUNK` bytes: BOM, header, rows."""
    buf = io.StringIO()
    writer = csv.writer(buf)
    search = [export.search()[k] or "" for k in ("query", "sort", "publisher", "from", "to")]
    writer.writerow(COLUMNS + SEARCH_COLUMNS)
    yield "\ufeff".encode("utf-8")
    for row in export.records():
        writer.writerow([_csv_value(row[c]) for c in COLUMNS] + search)
        if buf.tell() >= CHUNK:
            yield _drain(buf)
    yield _drain(buf)


def _csv_value(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _drain(buf: io.StringIO) -> bytes:
    """The text written to `buf` so far as UTF-8 (a lone surrogate as `?`), and `buf` emptied."""
    data = buf.getvalue().encode("utf-8", "replace")
    buf.seek(0)
    buf.truncate()
    return data


def jsonl_chunks(export: Export) -> Iterator[bytes]:
    """The JSON Lines file, in chunks of about `CHUNK` bytes: the metadata line, then one article a line."""
    head = {"newsearch_export": {**export.search(), "columns": list(COLUMNS), "exported_at": export.exported_at}}
    parts, size = [_json_line(head)], 0
    for row in export.records():
        line = _json_line(row)
        parts.append(line)
        size += len(line)
        if size >= CHUNK:
            yield b"".join(parts)
            parts, size = [], 0
    yield b"".join(parts)


def _json_line(obj) -> bytes:
    # A lone surrogate cannot be UTF-8: written as its JSON escape (`\ud800`), which reads back the same.
    return (json.dumps(obj, ensure_ascii=False) + "\n").encode("utf-8", "backslashreplace")


def write_xlsx(export: Export, out) -> None:
    """The workbook, saved to `out` (a path or a seekable binary file)."""
    from openpyxl import Workbook

    wb = Workbook(write_only=True)
    sheet, rows_here, n = None, XLSX_ROWS, 0
    for row in export.records():
        if rows_here >= XLSX_ROWS:
            n += 1
            sheet, rows_here = _articles_sheet(wb, "articles" if n == 1 else f"articles {n}"), 1
        sheet.append(_xlsx_row(sheet, row))
        rows_here += 1
    if sheet is None:
        _articles_sheet(wb, "articles")
    info = wb.create_sheet("search")
    for key, value in [*export.search().items(), ("exported_at", export.exported_at), ("rows", export.rows),
                       ("note", f"a body longer than {XLSX_CELL:,} characters goes on in the cells after it")]:
        info.append([_xlsx_text(info, key), _xlsx_text(info, value) if isinstance(value, str) else value])
    wb.save(out)


def _articles_sheet(wb, title: str):
    sheet = wb.create_sheet(title)
    sheet.freeze_panes = "A2"
    sheet.append([_xlsx_text(sheet, c) for c in COLUMNS])
    return sheet


def _xlsx_row(sheet, row: dict) -> list:
    """The cells of one article: text cells (never formulas), a number, a boolean, the body's pieces."""
    cells = [_xlsx_text(sheet, row[c]) for c in COLUMNS[:-1]]
    cells[COLUMNS.index("group_size")] = row["group_size"]
    cells[COLUMNS.index("is_copy")] = row["is_copy"]
    return cells + [_xlsx_text(sheet, piece) for piece in _pieces(_xml_safe(row["body"]))]


def _xlsx_text(sheet, value):
    """`value` as a text cell: a plain string, or for one openpyxl would type otherwise ("=..." a formula,
    "#N/A" an error) a cell typed text explicitly (a third of the cost of a row, so only there)."""
    from openpyxl.cell.cell import ERROR_CODES, WriteOnlyCell

    if value is None or value == "":
        return None
    text = _xml_safe(str(value))
    if not text.startswith("=") and text not in ERROR_CODES:
        return text
    cell = WriteOnlyCell(sheet, text)
    cell.data_type = "s"  # after the value, which set it
    return cell


def _xml_safe(text: str) -> str:
    return _XML_ILLEGAL.sub("\ufffd", text)


def _pieces(text: str, limit: int = XLSX_CELL) -> list[str]:
    """`text` cut into pieces of at most `limit` UTF-16 code units (Excel's measure), at least one."""
    out = []
    while True:
        n = min(len(text), limit)
        while (over := _utf16_len(text[:n]) - limit) > 0:  # characters beyond the BMP count twice
            n -= over
        out.append(text[:n])
        text = text[n:]
        if not text:
            return out


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


# -- writing ------------------------------------------------------------------------------------------------


def chunks(export: Export, fmt: str) -> Iterator[bytes]:
    """The file of format `fmt` as a stream of bytes; an xlsx is first written to a temporary file (a zip is
    only complete at its end), then read out."""
    if fmt == "csv":
        yield from csv_chunks(export)
    elif fmt == "jsonl":
        yield from jsonl_chunks(export)
    elif fmt == "xlsx":
        with tempfile.TemporaryFile() as tmp:
            write_xlsx(export, tmp)
            tmp.seek(0)
            yield from iter(lambda: tmp.read(CHUNK), b"")
    else:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(FORMATS)})")


def write(export: Export, fmt: str, out: BinaryIO) -> int:
    """Write the file of format `fmt` to a binary stream; the rows written."""
    for data in chunks(export, fmt):
        out.write(data)
    return export.rows


def save(export: Export, fmt: str, path: str | Path) -> int:
    """Write the file to `path` through a temporary file beside it, renamed into place when complete, so a
    failed export never leaves a file that looks whole; the rows written."""
    path = Path(path)
    # Not mkstemp: its file is private (0600), and an export is shared like any file the user writes.
    tmp = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.part")
    try:
        with open(tmp, "xb") as out:
            if fmt == "xlsx":
                write_xlsx(export, out)
            else:
                write(export, fmt, out)
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return export.rows


def filename(request: SearchRequest, fmt: str) -> str:
    """A download's name: `newsearch-QUERY-YYYYMMDD.FMT`, the query's characters kept (Hangul too) except
    those a file name cannot hold."""
    words = re.sub(r"[\\/:*?\"<>|\x00-\x1f\x7f\s]+", "_", request.text).strip("._")[:60] or "export"
    return f"newsearch-{words}-{datetime.now().strftime('%Y%m%d')}.{fmt}"


def content_disposition(name: str) -> str:
    """`attachment` with an ASCII fallback name and the real one in RFC 5987's `filename*` (UTF-8)."""
    ascii_name = re.sub(r"-{2,}", "-", re.sub(r"[^A-Za-z0-9._-]+", "", name)).strip("-.") or "export"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(name, safe='')}"
