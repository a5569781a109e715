"""`newsearch check`: verify an index folder file by file and document by document, and repair it.

Lucene's CheckIndex in spirit. The check reads every file the latest commit references and compares
its size and CRC32 with the commit's manifest (`_MAIN_N.sums`, see store.py), reads the table of
contents, then every live document of every intact segment (its id, source and digest columns and
its stored fields: deflated ones carry their own Adler-32), counts them against the manifest, and
looks for an id held twice. Given the sources, it also lists documents missing from the index,
extra ones (gone from a named source) and changed ones.

Repair without sources (`salvage`), under the index's write lock:
- a damaged or missing TOC whose manifest is intact is written again from the manifest's copy of the
  segment list (nothing is lost);
- damaged segments are dropped: the documents of every intact segment are copied (postings, columns
  and stored fields, no re-analysis) into a fresh index that is swapped in like a rebuild. The
  dropped documents are counted; `newsearch index SOURCES` adds them back (they are missing, so
  they count as new);
- an index without a manifest (written by an older newsearch) that reads cleanly gets one.
A damaged TOC with no readable manifest leaves nothing to learn the segments from: only a rebuild
from the sources repairs that. Repair with sources is `newsearch index --rebuild` (backends.check).
"""

from __future__ import annotations

import os
import shutil
from dataclasses import dataclass, field
from pathlib import Path

from whoosh import index as windex
from whoosh.filedb.filestore import FileStorage
from whoosh.reading import SegmentReader

from ...analysis import vocabulary
from ...errors import StoreError
from ...ingest import Problem, analysis_fingerprint
from ...ingest.sources import iter_source, source_key
from . import store
from .schema import build_schema
from .segment_files import IndexDamaged

SHOW_IDS = 5  # ids named per kind of difference


@dataclass
class Report:
    """What a check found: `lines` to print, `problems` (one line each), and what a repair needs."""

    index_dir: Path
    lines: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    generation: int = -1
    manifest: store.Manifest | None = None
    manifest_ok: bool = False
    damaged: set[str] = field(default_factory=set)  # file names
    segments: list | None = None  # from the TOC, else from the manifest
    toc_ok: bool = False
    docs: dict[str, tuple[str, str]] = field(default_factory=dict)  # id -> (source, digest), intact segments
    lost: int = 0  # documents a repair dropped

    @property
    def ok(self) -> bool:
        return not self.problems and not self.lost

    def problem(self, text: str) -> None:
        self.problems.append(text)
        self.lines.append(f"problem: {text}")

    def summary(self) -> str:
        if self.ok:
            return f"index at {self.index_dir}: ok"
        n = len(self.problems)
        if not n:
            return f"index at {self.index_dir}: sound again, but {self.lost:,} documents were dropped"
        return f"index at {self.index_dir}: {n} problem{'s' * (n != 1)}"


def check_index(index_dir: Path, sources: list[Path] = ()) -> Report:
    """Verify every file and document of the index at `index_dir` (and against `sources` when given)."""
    index_dir = Path(index_dir)
    r = Report(index_dir)
    store.recover_swap(index_dir)
    r.generation = store.latest_generation(index_dir)
    if r.generation < 0:
        _no_toc(r)
    else:
        _check_manifest(r)
        _check_toc(r)
    if r.segments is not None:
        _check_documents(r)
    if sources:
        _compare_sources(r, [Path(s) for s in sources])
    return r


def _no_toc(r: Report) -> None:
    sums = _manifest_gens(r.index_dir)
    if not sums:
        r.problem(f"no index at {r.index_dir} (no table of contents)")
        return
    r.generation = sums[0]
    r.lines.append(f"no table of contents, but a checksum manifest of generation {r.generation}")
    _check_manifest(r)
    r.damaged.add(store.toc_name(r.generation))
    r.problem(f"{store.toc_name(r.generation)}: missing")


def _manifest_gens(folder: Path) -> list[int]:
    try:
        names = os.listdir(folder)
    except OSError:
        return []
    return sorted((int(n[len(store.INDEX_NAME) + 2:-len(".sums")]) for n in names
                   if n.startswith(f"_{store.INDEX_NAME}_") and n.endswith(".sums")
                   and n[len(store.INDEX_NAME) + 2:-len(".sums")].isdigit()), reverse=True)


def _check_manifest(r: Report) -> None:
    """Every file the manifest lists: present, of its size, of its CRC32 (read in full)."""
    name = store.sums_name(r.generation)
    try:
        r.manifest = store.read_manifest(r.index_dir, r.generation)
    except IndexDamaged as e:
        r.problem(f"{name}: {e.problem}")
        return
    if r.manifest is None:
        r.lines.append(f"note: no checksum manifest ({name}): the index was written by an older newsearch, "
                       "so its files cannot be verified; `newsearch check --repair` writes one if it reads cleanly")
        return
    r.manifest_ok = True
    r.lines.append(f"generation {r.generation}: {len(r.manifest.files)} files, "
                   f"{r.manifest.docs:,} documents in the manifest")
    for fname, want in sorted(r.manifest.files.items()):
        try:
            store.verify_file(r.index_dir, fname, want, crc=True, fresh=True)
        except IndexDamaged as e:
            r.damaged.add(fname)
            r.problem(f"{fname}: {e.problem}")
        else:
            r.lines.append(f"ok: {fname} ({want[0]:,} bytes, crc32 {want[1]:08x})")


def _check_toc(r: Report) -> None:
    """The table of contents reads; its segments are taken from it (else from the manifest)."""
    name = store.toc_name(r.generation)
    if name in r.damaged:
        return _segments_from_manifest(r)
    try:
        toc = windex.TOC.read(FileStorage(str(r.index_dir)), store.INDEX_NAME, r.generation, schema=build_schema())
    except Exception as e:
        r.damaged.add(name)
        r.problem(f"{name}: unreadable ({type(e).__name__}: {e})")
        return _segments_from_manifest(r)
    r.toc_ok = True
    r.segments = toc.segments
    files = store.segment_file_names(os.listdir(r.index_dir), toc.segments)
    for fname in files:
        if r.manifest_ok and fname not in r.manifest.files:
            r.damaged.add(fname)
            r.problem(f"{fname}: not in the checksum manifest")
        elif not (r.index_dir / fname).exists():
            r.damaged.add(fname)
            r.problem(f"{fname}: missing")
    r.lines.append(f"ok: table of contents {name}: {len(toc.segments)} segments")


def _segments_from_manifest(r: Report) -> None:
    if r.manifest_ok:
        r.segments = r.manifest.segment_list()
        r.lines.append(f"the manifest lists {len(r.segments)} segments: the table of contents can be written again")


def _check_documents(r: Report) -> None:
    """Read every live document of each intact segment; count them, find ids held twice."""
    storage = FileStorage(str(r.index_dir))
    schema = build_schema()
    names = os.listdir(r.index_dir)
    total = 0
    for seg in r.segments:
        files = store.segment_file_names(names, [seg])
        if not files or r.damaged.intersection(files):
            r.lines.append(f"segment {seg.segment_id()}: {seg.doc_count():,} documents not read (damaged file)")
            continue
        try:
            got = _read_segment(storage, schema, seg)
        except Exception as e:
            r.damaged.update(files)
            r.problem(f"{files[0]}: unreadable document data ({type(e).__name__}: {e})")
            continue
        twice = [doc_id for doc_id in got if doc_id in r.docs]
        if twice:
            r.problem(f"{len(twice)} ids held twice, e.g. {_some(twice)}")
        r.docs.update(got)
        total += len(got)
        r.lines.append(f"ok: segment {seg.segment_id()}: {len(got):,} documents read")
    if r.manifest_ok and not r.damaged and total != r.manifest.docs:
        r.problem(f"{total:,} documents read, the manifest says {r.manifest.docs:,}")
    elif not r.damaged:
        r.lines.append(f"documents: {total:,}, every id once")


def _read_segment(storage, schema, seg) -> dict[str, tuple[str, str]]:
    """id -> (source, digest) of a segment's live documents; reads each one's stored fields too."""
    out: dict[str, tuple[str, str]] = {}
    reader = SegmentReader(storage, schema, seg)
    try:
        ids, sources, digests = (reader.column_reader(c) for c in ("id", "source", "digest"))
        for docnum in reader.all_doc_ids():
            stored = reader.stored_fields(docnum)
            doc_id = ids[docnum]
            if stored.get("id") != doc_id:
                raise ValueError(f"document {docnum}: id column {doc_id!r}, stored {stored.get('id')!r}")
            if doc_id in out:
                raise ValueError(f"id {doc_id!r} twice in one segment")
            out[doc_id] = (sources[docnum], digests[docnum])
    finally:
        reader.close()
    return out


def _some(ids) -> str:
    ids = sorted(ids)
    return ", ".join(ids[:SHOW_IDS]) + (" ..." if len(ids) > SHOW_IDS else "")


def _compare_sources(r: Report, sources: list[Path]) -> None:
    """Documents of the sources missing from the index, extra ones, changed ones."""
    problems: list[Problem] = []
    salt = analysis_fingerprint()
    seen: dict[str, str] = {}
    for src in sources:
        for doc in iter_source(src, problems, salt):
            seen.setdefault(doc.id, doc.digest)
    for p in problems:
        r.lines.append(f"note: {p}")
    keys = {source_key(s) for s in sources}
    if r.damaged and not r.docs:
        r.lines.append(f"sources: {len(seen):,} documents (the index's documents could not be read)")
        return
    missing = [i for i in seen if i not in r.docs]
    extra = [i for i, (src, _d) in r.docs.items() if src in keys and i not in seen]
    changed = [i for i, d in seen.items() if i in r.docs and d and r.docs[i][1] != d]
    r.lines.append(f"sources: {len(seen):,} documents; {len(missing):,} missing from the index, "
                   f"{len(extra):,} extra, {len(changed):,} changed")
    for kind, ids in (("missing from the index", missing), ("in the index but gone from the sources", extra)):
        if ids:
            r.problem(f"{len(ids):,} documents {kind}: {_some(ids)} (run `newsearch index` with the sources)")
    if changed:
        r.lines.append(f"note: {len(changed):,} documents changed in the sources since indexed: {_some(changed)}")


# -- repair without sources ----------------------------------------------------------------------------


def salvage(index_dir: Path, lock_timeout: float = store.WRITE_LOCK_TIMEOUT) -> tuple[list[str], int]:
    """Repair the index from what it still holds (see the module docstring): the lines that say what was
    done, and how many documents were dropped with damaged segments."""
    index_dir = Path(index_dir)
    lock = store.live_lock(index_dir, lock_timeout)
    try:
        r = check_index(index_dir)
        if r.segments is None:
            raise StoreError(f"index at {index_dir} cannot be repaired without its sources: "
                             + ("its table of contents and checksum manifest are unreadable" if r.generation >= 0
                                else "there is no index") + "; run `newsearch index --rebuild SOURCES`")
        damaged_segments = r.damaged & set(store.segment_file_names(os.listdir(index_dir), r.segments))
        if damaged_segments or (r.toc_ok and r.manifest_ok and not r.ok):
            return _copy_intact(index_dir, r, lock_timeout), r.lost
        if not r.toc_ok:
            return [_rewrite_toc(index_dir, r)], 0
        if not r.manifest_ok:
            return [_adopt(index_dir, r)], 0
        return ["repair: nothing to repair"], 0
    finally:
        store.release(lock)


def _adopt(index_dir: Path, r: Report) -> str:
    """An index without a manifest that reads cleanly: write its TOC again, now with a manifest."""
    _commit_segments(index_dir, r.segments, r.generation + 1)
    return f"repair: wrote a checksum manifest ({store.sums_name(r.generation + 1)}) for the index as it reads"


def _rewrite_toc(index_dir: Path, r: Report) -> str:
    _commit_segments(index_dir, r.segments, r.generation + 1)
    return (f"repair: table of contents written again from the manifest as {store.toc_name(r.generation + 1)} "
            f"({len(r.segments)} segments, {r.manifest.docs:,} documents; nothing lost)")


def _commit_segments(index_dir: Path, segments, gen: int) -> None:
    """A new generation of `index_dir` holding `segments` (with its manifest); older files go."""
    storage = FileStorage(str(index_dir))
    store.write_toc(storage, windex.TOC(build_schema(), segments, gen))
    windex.clean_files(storage, store.INDEX_NAME, gen, segments)
    store.remove_stale(index_dir, gen)


def _copy_intact(index_dir: Path, r: Report, lock_timeout: float) -> list[str]:
    """Copy every intact segment's documents into a fresh index and swap it in; count the dropped ones."""
    lines: list[str] = []
    target = index_dir.with_name(index_dir.name + f".rebuild-{os.getpid()}")
    shutil.rmtree(target, ignore_errors=True)
    try:
        ix = store.create_index(target, generation=store.latest_generation(index_dir) + 1)
        writer = store.segment_writer(ix, lock_timeout)
        try:
            kept = _add_intact(writer, index_dir, r, lines)
            writer.commit()
        except BaseException:
            store.discard(writer)
            raise
        vocabulary.keep_user_dict(target, vocabulary.kept_user_dict(index_dir))
        store.swap(target, index_dir)
    finally:
        shutil.rmtree(target, ignore_errors=True)
    lines.append(f"repair: the index now holds the {kept:,} documents of its intact segments"
                 + (f"; {r.lost:,} documents were dropped: run `newsearch index SOURCES` to index them again"
                    if r.lost else ""))
    return lines


def _add_intact(writer, index_dir: Path, r: Report, lines: list[str]) -> int:
    storage = FileStorage(str(index_dir))
    schema = build_schema()
    names = os.listdir(index_dir)
    kept = 0
    for seg in r.segments:
        files = store.segment_file_names(names, [seg])
        if not files or r.damaged.intersection(files):
            r.lost += seg.doc_count()
            lines.append(f"repair: dropped segment {seg.segment_id()} ({seg.doc_count():,} documents): "
                         + ", ".join(sorted(r.damaged.intersection(files)) or ["its files are missing"]))
            continue
        reader = SegmentReader(storage, schema, seg)
        try:
            writer.add_reader(reader)
        finally:
            reader.close()
        kept += seg.doc_count()
    return kept
