"""When segments are merged: a tiered policy, so that the number of segments stays bounded.

Whoosh's default (`MERGE_SMALL`) waits until its smallest segments hold fewer documents than a Fibonacci
number of their count, then merges all of them at once, whatever their size: with updates of 1,000
articles that is every 17th update, with 15,000 (a day of BigKinds) every 24th, which then rewrites
360,000 documents in one commit, all of them in the writer's in-memory table (a merge cannot roll the
table over to a new segment): minutes, and memory well past a bulk load's. Lucene's answer is a tiered
(logarithmic) policy, used here:

* a segment's size is the bytes of its files times its share of live documents (deleted documents are
  dropped by a merge, so a segment emptied by updates counts as small and gets merged away);
* segments are put in tiers by size (`TIER_FACTOR` apart, all below `FLOOR_BYTES` in the lowest);
* when a tier holds `PER_TIER` segments or more, its smallest are merged into one, as many as fit under
  `max_bytes`: the size of a segment the writer rolls when its in-memory table is full (a merge goes
  through that same table, so it needs no more memory than a bulk load; bigger segments are final);
* one merge per commit, the lowest tier first: a commit's cost stays near the size of its tier.

So at most `PER_TIER - 1` segments wait in each of the few tiers below `max_bytes`, and the full
segments a bulk load rolls (`segment_writer.FastSegmentWriter`) are not rewritten until updates have deleted
about half of their documents: the segment count grows with the archive's size divided by the roll size,
not with the number of updates.

Lucene lets ten segments wait in a tier; here three make a merge. Every query pays for each segment in Python (a
term table lookup and a posting list read per word and segment), and at a million documents merging the four
smaller segments that six 1%-changed updates had left (nine segments down to six) took warm latency from
p50 11.1 / p99 70 ms to 9.5 / 50 (4 interleaved rounds of 1,000 queries, same code). With four, those updates
(each of which empties the segment of the one before) never filled a tier and left nine segments; with three,
seven. The price is a merge of up to `max_bytes / 2` every other update or so (about 25 s at 1M for 90 MB) in the
commit that triggers it: bench/million.py's 1%-changed updates took 26.5 s (median of 6) with ten, 26.2 s with
four (no merge came), 31.7 s with three.
"""

from __future__ import annotations

import math

from whoosh.reading import SegmentReader

TIER_FACTOR = 10  # sizes of one tier are within this factor
PER_TIER = 3  # a tier holding this many segments is merged
FLOOR_BYTES = 1 << 20


def segment_bytes(storage, segment) -> int:
    """Bytes of the segment's files (its compound file, or its separate files)."""
    total = 0
    names = [segment.make_filename(".seg")] if segment.is_compound() else segment.list_files(storage)
    for name in names:
        try:
            total += storage.file_length(name)
        except OSError:
            pass
    return total


def live_bytes(storage, segment) -> float:
    """The segment's size without its deleted documents (what a merge would keep of it)."""
    docs = segment.doc_count_all()
    if not docs:
        return 0.0
    return segment_bytes(storage, segment) * (docs - segment.deleted_count()) / docs


def tier(size: float) -> int:
    return 0 if size < FLOOR_BYTES else int(math.log(size / FLOOR_BYTES, TIER_FACTOR)) + 1


def plan(sizes: list[float], max_bytes: float) -> list[int]:
    """Which segments (indexes into `sizes`) to merge now: the smallest of the lowest tier holding
    PER_TIER or more mergeable segments, as many as fit under `max_bytes` (at least two), or none."""
    tiers: dict[int, list[int]] = {}
    for k, size in enumerate(sizes):
        if size < max_bytes / 2:  # a bigger one could only merge with one other: left final
            tiers.setdefault(tier(size), []).append(k)
    for level in sorted(tiers):
        members = sorted(tiers[level], key=lambda k: sizes[k])
        if len(members) < PER_TIER:
            continue
        chosen, total = [], 0.0
        for k in members:
            if chosen and total + sizes[k] > max_bytes:
                break
            chosen.append(k)
            total += sizes[k]
        if len(chosen) >= 2:
            return chosen
    return []


def tiered(max_bytes: float):
    """A Whoosh merge policy (`writer.mergetype`) merging by `plan`."""

    def policy(writer, segments):
        storage = writer.storage
        sizes = [live_bytes(storage, s) for s in segments]
        chosen = set(plan(sizes, max_bytes))
        # Empty segments (every document deleted) are dropped outright, as Whoosh's merges do.
        chosen |= {k for k, s in enumerate(segments) if s.doc_count_all() and not s.doc_count()}
        if not chosen:
            return segments
        before_merge = getattr(writer, "before_merge", None)
        if before_merge is not None and any(segments[k].doc_count() for k in chosen):
            before_merge()
        for k in sorted(chosen):
            reader = SegmentReader(storage, writer.schema, segments[k])
            try:
                writer.add_reader(reader)
            finally:
                reader.close()
        return [s for k, s in enumerate(segments) if k not in chosen]

    return policy
