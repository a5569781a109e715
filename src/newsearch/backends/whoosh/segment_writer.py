"""A faster Whoosh segment writer that writes the standard W3 format.

Whoosh's `SegmentWriter` sends every posting through a sorting pool of tuples, then at commit
re-reads them in order and writes them with per-posting overheads (a `tell()` system call per
term in the postings and term files, a file-existence check per posting for the field length of
an ID field, a `Token` object per term occurrence on the way in). For bulk loads those costs are
several times the cost of the analysis.

`FastSegmentWriter` keeps the on-disk result: the same files with the same postings, term
statistics, columns and stored fields (tests/test_index_fast.py checks them against the stock
writer, and byte for byte with MIN_COMPRESS = 0; by default posting blocks too small for deflate
to shrink are stored uncompressed, which the W3 block header allows). What changes:

* `add_document` turns `AnalyzedText` terms straight into posting values, and an ID field's value
  straight into its one term, without Whoosh's tokenizer/format generators;
* postings go to an in-memory inverted table (term -> doc numbers, weights, values) instead of the
  sorting pool; the commit writes them term by term in sorted order, tracking file positions in
  Python and reading field lengths from one list per field;
* when the table grows past `limitmb` (a rough estimate), the documents added so far are written
  out as a segment of their own and a new one is started, so memory does not grow with the corpus;
* columns (ids, lengths, stored fields) collect values in lists and write them in large pieces.

Anything unusual (vectors, spelling fields, boosts, inlined postings) takes Whoosh's own path.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import gc
import struct
import zlib
from array import array
from pickle import dumps

from whoosh import columns, writing
from whoosh.analysis import IDTokenizer
from whoosh.codec.whoosh3 import W3Codec, W3FieldWriter, W3PerDocWriter, W3TermInfo, LENGTHS_COLUMN
from whoosh.filedb.filetables import HashWriter, _lengths as _LENGTHS, md5_hash
from whoosh.formats import Characters, Existence
from whoosh.system import pack_int, pack_long, pack_uint, pack_ushort
from whoosh.util.numeric import length_to_byte

from ...compiled import speedups
from .schema import AnalyzedText, KiwiTokenizer

_W3_MAGIC = b"W3Bl"
_TERMINFO = W3TermInfo._struct
# Rough bytes per posting held in memory (doc number, weight, value bytes, list slots, term keys):
# 100k reviews (about 2M postings) grew the process by about 370 MB.
_POSTING_BYTES = 150
# Buffered column values are written out once they add up to this many bytes.
_COLUMN_BUFFER = 1 << 20
# Posting blocks whose pickle is shorter than this are stored uncompressed (the block header says
# so, as Whoosh's reader expects): deflate does not shrink them and costs a call per term. Whoosh
# itself meant to skip compressing blocks under 20 bytes (W3PostingsWriter._write_block).
MIN_COMPRESS = 100


def _give_back_memory() -> None:
    """After a rolled segment: collect the table's cycles and hand freed heap pages back to the system
    (glibc keeps them otherwise, and the next table's peak stacks on the last one's: a 500k build's peak
    RSS 978 -> 906 MB). Elsewhere a no-op."""
    gc.collect()
    if _LIBC is not None:
        _LIBC.malloc_trim(0)


def _libc():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        return libc if hasattr(libc, "malloc_trim") else None
    except OSError:
        return None


_LIBC = _libc()
# glibc's mallopt(M_MMAP_THRESHOLD): blocks from this size up are mapped on their own and unmapped when freed.
_M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 1 << 20


def _map_large_blocks() -> None:
    """Have glibc map every block of 1 MiB or more on its own, for the rest of the process. By default the
    threshold rises to the size of the largest block freed (up to 32 MiB), after which the arrays a bulk load
    makes and frees (the id sets, a table's encoded lists) come from the heap and leave it fragmented. Builds
    sampled side by side (the same code, the threshold set by MALLOC_MMAP_THRESHOLD_): 1M documents peaked at
    963 MB by default and 897 MB so, 100k at 769 and 726 MB; the level drops, the growth with size (1.25x,
    1.24x) hardly. Elsewhere a no-op."""
    if _LIBC is not None and hasattr(_LIBC, "mallopt"):
        _LIBC.mallopt(_M_MMAP_THRESHOLD, MMAP_THRESHOLD)


def _plan(field) -> str | None:
    """How add_document indexes a field's value quickly (None: through Whoosh's field.index)."""
    if field.indexed and field.format is not None and field.format.field_boost == 1.0:
        if type(field.format) is Existence and type(field.analyzer) is IDTokenizer:
            return "id"
        if type(field.format) is Characters and isinstance(field.analyzer, KiwiTokenizer) and field.scorable:
            return "chars"
    return None


class FastSegmentWriter(writing.SegmentWriter):
    """SegmentWriter with an in-memory posting table and a fast W3 flush (see the module docstring)."""

    def __init__(self, ix, limitmb: int = 256, **kwargs):
        _map_large_blocks()
        super().__init__(ix, limitmb=limitmb, **kwargs)
        self._fast = (type(self.codec) is W3Codec and self.codec._inlinelimit <= 1
                      and not any(f.vector or f.separate_spelling() for _, f in self.schema.items()))
        if self._fast and type(self.perdocwriter) is W3PerDocWriter:
            self.perdocwriter._cols._temp.close()  # nothing written to it yet
            self.perdocwriter = FastPerDocWriter(self.codec, self.storage, self.newsegment)
        self._limit_postings = max(1, limitmb * 2**20 // _POSTING_BYTES)
        self._table: dict[str, dict[bytes, list]] = {}
        self._npostings = 0
        self._done_segments: list = []  # segments written when the table grew too large
        # Per field, what add_document looks up for every document.
        self._fieldinfo = {name: (field, _plan(field), field.indexed, field.stored, field.column_type,
                                  "_stored_" + name) for name, field in self.schema.items()}
        self._fieldnames_of: dict[tuple, list[str]] = {}  # keyword names of a call -> checked field names

    # -- adding documents ---------------------------------------------------------------------

    def add_document(self, **fields):
        if not self._fast or any(k.startswith("_") and k.endswith("_boost") for k in fields):
            return super().add_document(**fields)
        self._check_state()
        perdocwriter = self.perdocwriter
        docnum = self.docnum
        table = self._table
        keys = tuple(fields)
        fieldnames = self._fieldnames_of.get(keys)
        if fieldnames is None:
            fieldnames = sorted(name for name in fields if not name.startswith("_"))
            self._check_fields(self.schema, fieldnames)
            self._fieldnames_of[keys] = fieldnames
        fieldinfo = self._fieldinfo

        perdocwriter.start_doc(docnum)
        added = 0
        try:
            for fieldname in fieldnames:
                value = fields[fieldname]
                if value is None:
                    continue
                field, plan, indexed, stored, column, stored_key = fieldinfo[fieldname]
                length = 0
                if indexed:
                    ftable = table.get(fieldname)
                    if ftable is None:
                        ftable = table[fieldname] = {}
                    if plan == "chars" and type(value) is AnalyzedText:
                        length = len(value.terms)
                        added += _add_characters(ftable, docnum, value.terms)
                    elif plan == "id" and isinstance(value, str):
                        _add_posting(ftable, value.encode("utf-8"), docnum, 1.0, None)
                        added += 1
                    else:
                        scorable = field.scorable
                        for tbytes, freq, weight, vbytes in field.index(value):
                            if scorable:
                                length += freq
                            _add_posting(ftable, tbytes, docnum, weight, vbytes)
                            added += 1
                customval = fields.get(stored_key, value)
                perdocwriter.add_field(fieldname, field, customval if stored else None, length)
                if column and customval is not None:
                    perdocwriter.add_column_value(fieldname, column, field.to_column_value(customval))
        except Exception:
            perdocwriter.cancel_doc()
            raise
        perdocwriter.finish_doc()
        self._added = True
        self.docnum += 1
        self._npostings += added
        if self._npostings > self._limit_postings:
            self._roll_segment()

    def add_postings_to_pool(self, reader, startdoc, docmap):
        # Postings of segments merged into this one (MERGE_SMALL / optimize) join the table too.
        if not self._fast:
            return super().add_postings_to_pool(reader, startdoc, docmap)
        table = self._table
        for fieldname, tbytes, docnum, weight, vbytes in self._process_posts(reader.iter_postings(), startdoc, docmap):
            if docnum < 0:
                continue
            ftable = table.get(fieldname)
            if ftable is None:
                ftable = table[fieldname] = {}
            _add_posting(ftable, tbytes, docnum, weight, vbytes)

    # -- writing ------------------------------------------------------------------------------

    def _flush_segment(self):
        if not self._fast:
            return super()._flush_segment()
        self.perdocwriter.close()
        lengths = self.perdocwriter.length_bytes if self.codec.length_stats else None
        if (speedups is not None and _encode_term is speedups.encode_term
                and type(self.fieldwriter._tindex)._write_hashes is HashWriter._write_hashes):
            tindex = self.fieldwriter._tindex
            tindex._write_hashes = lambda: _write_hashes(tindex)
        try:
            _write_table(self.fieldwriter, self.schema, self._table, lengths, self.docnum, self.codec)
        finally:
            self._table = {}
            self._npostings = 0
            self.fieldwriter.close()

    def _roll_segment(self):
        """Write the documents so far as a finished segment and start a new, empty one."""
        self._flush_segment()
        self._close_segment()
        self._assemble_segment()
        self._done_segments.append(self.get_segment())
        codec = self.codec
        self.newsegment = codec.new_segment(self.storage, self.indexname)
        self.compound = self.compound and self.newsegment.should_assemble()
        self.docnum = self.docbase = 0
        self.pool = writing.PostingPool(self._tempstorage, self.newsegment, limitmb=1)
        self.perdocwriter = FastPerDocWriter(codec, self.storage, self.newsegment)
        self.fieldwriter = codec.field_writer(self.storage, self.newsegment)
        _give_back_memory()

    def before_merge(self):
        """Called by the merge policy (merging.py) before it adds segments: a merge's postings join the table,
        so the documents added so far are written out first when they already fill a good part of it."""
        if self._fast and self.docnum and self._npostings > self._limit_postings // 4:
            self._roll_segment()

    def _merge_segments(self, mergetype, optimize, merge):
        finals = super()._merge_segments(mergetype, optimize, merge)
        return list(finals) + self._done_segments

    def commit(self, mergetype=None, optimize=None, merge=None):
        # A bulk load's last table is handed back too: what runs after the commit (regrouping the copies)
        # would otherwise stack on it (a million documents: about 100 MB).
        bulk = bool(self._done_segments) or self._npostings > self._limit_postings // 8
        if not self._done_segments:
            super().commit(mergetype, optimize, merge)
        else:  # segments were rolled: they join the TOC; the current one only if it holds documents
            self._check_state()
            finalsegments = self._merge_segments(mergetype, optimize, merge)
            if self.docnum:
                finalsegments.append(self._finalize_segment())
            else:
                self._close_segment()
            self._commit_toc(finalsegments)
            self._finish()
        if bulk:
            _give_back_memory()


class FastPerDocWriter(W3PerDocWriter):
    """W3PerDocWriter whose common columns buffer their values and write them once at the end.

    It also keeps each field's length bytes (as written to the lengths column) in memory, for the
    postings' length statistics: reading them back from the column cost a call per document.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.length_bytes: dict[str, bytearray] = {}

    def _create_column(self, fieldname, column):
        writers = self._colwriters
        if fieldname in writers:
            raise Exception("Already added column %r" % fieldname)
        f = self._cols.create_file(fieldname)
        if type(column) is columns.VarBytesColumn:
            writers[fieldname] = _BufferedVarBytes(f, column.allow_offsets, column.write_offsets_cutoff)
        elif type(column) is columns.NumericColumn:
            writers[fieldname] = _BufferedNumeric(f, column._typecode, column._default)
        elif (type(column) is columns.PickleColumn and type(column._child) is columns.CompressedBytesColumn
              and column._child._module == "zlib"):
            writers[fieldname] = _BufferedPickleZlib(f, column._child._level)
        else:
            writers[fieldname] = column.writer(f)

    def add_column_value(self, fieldname, column, value):
        w = self._colwriters.get(fieldname)
        if w is None:
            self._create_column(fieldname, column)
            w = self._colwriters[fieldname]
        w.add(self._docnum, value)

    def add_field(self, fieldname, fieldobj, value, length):
        if value is not None:
            self._storedfields[fieldname] = value
        if length:
            lbyte = length_to_byte(length)
            self.add_column_value("_%s_len" % fieldname, LENGTHS_COLUMN, lbyte)
            self._fieldlengths[fieldname] += length
            lb = self.length_bytes.get(fieldname)
            if lb is None:
                lb = self.length_bytes[fieldname] = bytearray()
            docnum, n = self._docnum, len(lb)
            if n < docnum:
                lb.extend(bytes(docnum - n))
            elif n > docnum:  # left by a cancelled document
                del lb[docnum:]
            lb.append(lbyte)


class _BufferedVarBytes(columns.VarBytesColumn.Writer):
    """VarBytesColumn.Writer that keeps values in a list until a gap or the end (same bytes)."""

    def __init__(self, dbfile, allow_offsets=True, cutoff=2**15):
        super().__init__(dbfile, allow_offsets, cutoff)
        self._pending: list[bytes] = []
        self._pending_bytes = 0

    def _drain(self):
        vals = self._pending
        if not vals:
            return
        self._pending = []
        self._pending_bytes = 0
        self._dbfile.write(b"".join(vals))
        lens = list(map(len, vals))
        base = self._offset_base
        offs = []
        for n in lens:
            offs.append(base)
            base += n
        _extend_growable(self._lengths, lens)
        _extend_growable(self._offsets, offs)
        self._offset_base = base

    def fill(self, docnum):
        self._drain()
        super().fill(docnum)

    def add(self, docnum, v):
        if docnum > self._count:
            self.fill(docnum)
        self._pending.append(v)
        self._count = docnum + 1
        self._pending_bytes += len(v)
        if self._pending_bytes > _COLUMN_BUFFER:
            self._drain()

    def finish(self, doccount):
        self._drain()
        super().finish(doccount)


class _BufferedPickleZlib(_BufferedVarBytes):
    """PickleColumn(CompressedBytesColumn()) writer: pickle, deflate, buffer.

    A pickle shorter than STORE_UNDER bytes goes into a zlib stream as a "stored" (uncompressed)
    deflate block (see `_zlib_stored`): deflate saves a few bytes on it and costs more than all
    the rest of writing the document's stored fields. Longer ones are deflated as Whoosh does.
    """

    def __init__(self, dbfile, level):
        super().__init__(dbfile)
        self._level = level

    def add(self, docnum, v):
        data = b"" if v is None else dumps(v, 2)
        if len(data) < STORE_UNDER:
            super().add(docnum, _zlib_stored(data))
        else:
            super().add(docnum, zlib.compress(data, self._level))


# Stored-field pickles under this many bytes are not deflated (0: deflate all, as Whoosh does).
STORE_UNDER = 512
_STORED_BLOCK = struct.Struct("<BHH").pack


def _zlib_stored(data: bytes) -> bytes:
    """`data` as a zlib stream of one uncompressed deflate block (RFC 1950/1951; under 64 KiB).

    zlib.decompress reads it like any other stream; building it costs no deflate state.
    """
    n = len(data)
    return b"\x78\x01" + _STORED_BLOCK(1, n, n ^ 0xFFFF) + data + zlib.adler32(data).to_bytes(4, "big")


class _BufferedNumeric(columns.NumericColumn.Writer):
    """NumericColumn.Writer that collects values and writes the column once (same bytes)."""

    def __init__(self, dbfile, typecode, default):
        super().__init__(dbfile, typecode, default)
        self._vals: dict[int, object] = {}

    def add(self, docnum, v):
        if v != self._default:
            self._vals[docnum] = v
            self._count = docnum + 1

    def finish(self, doccount):
        # Like FixedBytesColumn: defaults up to the last value written, none after it.
        pack, default, vals = self._pack, self._defaultbytes, self._vals
        self._dbfile.write(b"".join([pack(vals[d]) if d in vals else default for d in range(self._count)]))
        self._vals = {}


def _add_posting(ftable: dict, tbytes: bytes, docnum: int, weight: float, vbytes) -> None:
    entry = ftable.get(tbytes)
    if entry is None:
        ftable[tbytes] = entry = [array("I"), array("f"), [] if vbytes else None]
    entry[0].append(docnum)
    entry[1].append(weight)
    if vbytes:
        if entry[2] is None:  # values appeared after empty ones (never with one format per field)
            entry[2] = []
        entry[2].append(vbytes)


def _add_characters_py(ftable: dict, docnum: int, terms) -> int:
    """Add one document's postings in a Characters (positions + chars) field; returns how many.

    The value bytes are exactly `Characters.encode` of the term's (pos, start, end) list in
    order of occurrence. The twin of _speedups.add_characters.
    """
    seen: dict[str, list] = {}
    for t in terms:
        lst = seen.get(t.text)
        if lst is None:
            seen[t.text] = [t]
        else:
            lst.append(t)
    for text, lst in seen.items():
        if len(lst) == 1:
            t = lst[0]
            vbytes = b"\x00\x00\x00\x01" + dumps([(t.pos, t.start, t.end - t.start)], 2)
        else:
            deltas = []
            posbase = charbase = 0
            for t in lst:
                deltas.append((t.pos - posbase, t.start - charbase, t.end - t.start))
                posbase = t.pos
                charbase = t.end
            vbytes = pack_uint(len(deltas)) + dumps(deltas, 2)
        tb = text.encode("utf-8")
        entry = ftable.get(tb)
        if entry is None:
            ftable[tb] = entry = [array("I"), array("f"), []]
        entry[0].append(docnum)
        entry[1].append(float(len(lst)))
        entry[2].append(vbytes)
    return len(seen)


def _write_table(fw: W3FieldWriter, schema, table: dict, lengths, doccount: int, codec: W3Codec) -> None:
    """Write the posting table as W3FieldWriter.add_postings would, byte for byte.

    `lengths` maps a field to its documents' length bytes (0: none). Block and term statistics
    keep them as bytes: the byte scale is monotonic, and the W3 format stores bytes.
    """
    blocklimit = codec._blocklimit
    comp = codec._compression
    min_compress = MIN_COMPRESS
    encode_term = _encode_term
    postfile = fw._postfile
    tindex = fw._tindex
    tfile = tindex.dbfile
    hashfn = tindex.hashfn
    buckets = tindex.buckets
    tindex_positions = tindex.index
    fmap = fw._fieldmap
    ppos = postfile.tell()
    tpos = tfile.tell()
    pchunks: list[bytes] = []
    lastkey = tindex.lastkey
    lenpack = _LENGTHS.pack
    lensize = _LENGTHS.size
    tipack = _TERMINFO.pack
    # The compiled writer for every field, unless the Python twins are in use (tests) or the hash is not
    # Whoosh's MD5 one (then pchunks collects the Python loop's output).
    compiled = speedups is not None and _encode_term is speedups.encode_term and tindex.hashfn is md5_hash
    positions: list[int] = []

    for fieldname in sorted(table):
        ftable = table[fieldname]
        if not ftable or fieldname not in schema:
            continue
        fieldobj = schema[fieldname]
        fixedsize = fieldobj.format.fixed_value_size()
        if fieldname not in fmap:
            fmap[fieldname] = len(fmap)
        fieldid = pack_ushort(fmap[fieldname])
        lens = None
        if lengths is not None and fieldname in lengths:
            lens = lengths[fieldname][:doccount]
            lens.extend(bytes(doccount - len(lens)))
        fixed = -1 if fixedsize is None or fixedsize < 0 else fixedsize
        if compiled:
            # The whole field in C: posting blocks, term records and hash entries, as the loop below.
            postings, records, ppos, tpos, lastkey = speedups.write_terms(
                ftable, lens, fieldid, blocklimit, fixed, comp, min_compress, ppos, tpos, lastkey, positions, buckets)
            postfile.write(postings)
            tfile.write(records)
            _extend_growable(tindex_positions, positions)
            positions.clear()
            continue
        for tbytes in sorted(ftable):
            docs, weights, values = ftable[tbytes]
            start = ppos
            chunk, tweight, tminb, tmaxb, tmaxweight = encode_term(docs, weights, values, lens, blocklimit, fixed,
                                                                   comp, min_compress)
            pchunks.append(chunk)
            ppos += len(chunk)
            n = len(docs)
            # W3TermInfo.to_bytes (never inlined: inlinelimit <= 1)
            valbytes = tipack(False, tweight, n, tminb, tmaxb, tmaxweight, docs[0], docs[-1]) \
                + pack_long(start) + pack_int(ppos - start)
            # OrderedHashWriter.add
            key = fieldid + tbytes
            if key <= lastkey:
                raise ValueError("Keys must increase: %r..%r" % (lastkey, key))
            tindex_positions.append(tpos)
            h = hashfn(key)
            buckets[h & 255].append((h, tpos))
            tfile.write(lenpack(len(key), len(valbytes)) + key + valbytes)
            tpos += lensize + len(key) + len(valbytes)
            lastkey = key
            if len(pchunks) > 4096:
                postfile.write(b"".join(pchunks))
                pchunks = []
    if pchunks:
        postfile.write(b"".join(pchunks))
    tindex.lastkey = lastkey


def _extend_growable(grow, values: list[int]) -> None:
    """GrowableArray.extend without a Python call per value: the same array, widened as it would be."""
    if not values:
        return
    arr = grow.array
    if isinstance(arr, array):
        try:
            array(arr.typecode, (min(values), max(values)))
        except OverflowError:
            for v in values:
                grow.append(v)
            return
    arr.extend(values)


def _write_hashes(tindex) -> None:
    """HashWriter._write_hashes (the 256 hash tables of the term index), built by _speedups.hash_tables."""
    dbfile = tindex.dbfile
    tables, directory = speedups.hash_tables(tindex.buckets, dbfile.tell())
    tindex.directory.extend(directory)
    dbfile.write(tables)


def _encode_term_py(docs, weights, values, lens, blocklimit: int, fixedsize: int, comp: int, min_compress: int):
    """One term's posting blocks as W3FieldWriter writes them, and the term's statistics.

    Returns (bytes, total weight, min length byte, max length byte, max weight). `fixedsize` is the
    format's fixed value size, -1 when values vary in size. The twin of _speedups.encode_term.
    """
    n = len(docs)
    compress = zlib.compress
    if n == 1:
        # One posting (most terms): the general loop below, unrolled.
        d = docs[0]
        w = weights[0]
        maxweight = w if w > 0 else 0
        minb = maxb = lens[d] if lens is not None else 0
        if fixedsize < 0:
            vs = (values[0],) if values is not None else ()
        elif fixedsize == 0:
            vs = None
        else:
            vs = values[0] if values is not None else b""
        databytes = dumps(((d,), None if w == 1.0 else w, vs), 2)
        bcomp = comp if len(databytes) >= min_compress else 0
        if bcomp:
            databytes = compress(databytes, bcomp)
        infobytes = dumps((1, d, maxweight, bcomp, minb, maxb), 2)
        blen = len(infobytes) + len(databytes)
        return _W3_MAGIC + pack_int(-blen) + infobytes + databytes, w, minb, maxb, maxweight
    chunks = [_W3_MAGIC]
    tweight = 0
    tminb = 0
    tmaxb = 0
    tmaxweight = 0
    for s in range(0, n, blocklimit):
        ids = docs[s:s + blocklimit]
        ws = weights[s:s + blocklimit]
        last = s + blocklimit >= n
        # Block statistics, as W3PostingsWriter.add_posting gathers them.
        maxweight = 0
        for w in ws:
            if w > maxweight:
                maxweight = w
        if lens is not None:
            bl = [x for x in map(lens.__getitem__, ids) if x]
            minb = min(bl) if bl else 0
            maxb = max(bl) if bl else 0
        else:
            minb = maxb = 0
        # Mini ids, weights, values.
        prev = 0
        dids = []
        for d in ids:
            dids.append(d - prev)
            prev = d
        w0 = ws[0]
        if all(w == 1.0 for w in ws):
            mw = None
        elif all(w == w0 for w in ws):
            mw = w0
        else:
            mw = tuple(ws)
        if fixedsize < 0:
            vs = tuple(values[s:s + blocklimit]) if values is not None else ()
        elif fixedsize == 0:
            vs = None
        else:
            vs = b"".join(values[s:s + blocklimit]) if values is not None else b""
        databytes = dumps((tuple(dids), mw, vs), 2)
        bcomp = comp if len(databytes) >= min_compress else 0
        if bcomp:
            databytes = compress(databytes, bcomp)
        infobytes = dumps((len(ids), ids[-1], maxweight, bcomp, minb, maxb), 2)
        blen = len(infobytes) + len(databytes)
        chunks.append(pack_int(-blen if last else blen))
        chunks.append(infobytes)
        chunks.append(databytes)
        # W3TermInfo.add_block
        tweight += sum(ws)
        if minb and (not tminb or minb < tminb):
            tminb = minb
        if maxb > tmaxb:
            tmaxb = maxb
        if maxweight > tmaxweight:
            tmaxweight = maxweight
    return b"".join(chunks), tweight, tminb, tmaxb, tmaxweight



_add_characters = speedups.add_characters if speedups else _add_characters_py
_encode_term = speedups.encode_term if speedups else _encode_term_py
