/*
 * newsearch._speedups: compiled versions of the index writer's per-posting loops, and of the
 * searcher's reading of whole posting lists.
 *
 * Each function here has a pure-Python twin (whoosh_fast._add_characters_py,
 * whoosh_fast._encode_term_py) that produces exactly the same bytes; tests/test_speedups.py
 * checks the two against each other. The module is an optional build: without a C compiler
 * newsearch runs the Python versions.
 *
 *   add_characters(ftable, docnum, terms) -> int
 *       One document's postings in a positions + characters field: the terms (objects with
 *       .text, .pos, .start, .end, in position order) are grouped by text; each group's value is
 *       Whoosh's Characters encoding (a big-endian count, then the pickle (protocol 2) of the
 *       list of (pos delta, start delta, length) tuples), appended with the doc number and the
 *       weight (occurrences) to ftable[text.encode()] = [array('I'), array('f'), list].
 *
 *   encode_term(docs, weights, values, lens, blocklimit, fixedsize, comp, min_compress)
 *       -> (bytes, total weight, min length byte, max length byte, max weight)
 *       One term's W3 posting blocks (the "W3Bl" magic, then per block its signed length,
 *       pickled info and pickled, maybe deflated, data), as W3FieldWriter writes them.
 *
 *   read_postings(data, base) -> (docnums int32 bytes, weights float32 bytes, block starts, block places)
 *       The other way, for queries: one term's whole posting list read back, only the ids and weights
 *       of each block (the values, positions, are left where they are; inflated no further than the
 *       ids and weights go). Its twin is Whoosh's matcher (postings._read_postings), which unpickles
 *       every block whole; None for any block this reader does not follow.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>
#include <structmember.h>
#ifndef NEWSEARCH_PY_ZLIB
#include <zlib.h>
#endif

static PyObject *s_text, *s_pos, *s_start, *s_end;
/* Set by configure() (see terms_from_tokens). */
static PyObject *cfg_tag_flags, *cfg_flag_cache, *cfg_stop_stems, *cfg_plain_suffixes, *cfg_alnum_glue;
static PyObject *cfg_term_type, *cfg_hanja_variants, *cfg_decompose, *cfg_decompositions;
static Py_ssize_t cfg_min_decompose_len;
static Py_ssize_t off_text, off_pos, off_start, off_end; /* the Term slots */
static PyObject *array_type, *code_I, *code_f;
static PyObject *pickle_dumps, *zlib_compress, *proto2;

/* ---- a growable byte buffer ---------------------------------------------------------------- */

typedef struct {
    char *p;
    Py_ssize_t len, cap;
} Buf;

static int buf_reserve(Buf *b, Py_ssize_t more) {
    if (b->len + more <= b->cap) return 0;
    Py_ssize_t cap = b->cap ? b->cap : 64;
    while (cap < b->len + more) cap *= 2;
    char *p = PyMem_Realloc(b->p, cap);
    if (!p) { PyErr_NoMemory(); return -1; }
    b->p = p;
    b->cap = cap;
    return 0;
}

static inline void buf_byte(Buf *b, unsigned char c) { b->p[b->len++] = (char)c; }

static inline void buf_u32le(Buf *b, uint32_t v) {
    b->p[b->len++] = (char)(v & 0xff);
    b->p[b->len++] = (char)((v >> 8) & 0xff);
    b->p[b->len++] = (char)((v >> 16) & 0xff);
    b->p[b->len++] = (char)((v >> 24) & 0xff);
}

/* An int as _pickle.c's save_long writes it at protocol 2 (it must fit a signed 32-bit int). */
static inline void pk_int(Buf *b, long v) {
    uint32_t u = (uint32_t)v;
    if ((u >> 16) != 0) {
        buf_byte(b, 'J');
        buf_u32le(b, u);
    } else if ((u >> 8) != 0) {
        buf_byte(b, 'M');
        buf_byte(b, u & 0xff);
        buf_byte(b, (u >> 8) & 0xff);
    } else {
        buf_byte(b, 'K');
        buf_byte(b, u & 0xff);
    }
}

/* A memo opcode with its slot: the one-byte form below 256, else the four-byte one. */
static inline void pk_memo(Buf *b, uint32_t idx, unsigned char short_op, unsigned char long_op) {
    if (idx < 256) {
        buf_byte(b, short_op);
        buf_byte(b, idx);
    } else {
        buf_byte(b, long_op);
        buf_u32le(b, idx);
    }
}

/* A memo slot, as memo_put writes it below protocol 4 (BINPUT / LONG_BINPUT). */
static inline void pk_put(Buf *b, uint32_t idx) { pk_memo(b, idx, 'q', 'r'); }

static inline void put_i32be(Buf *b, int32_t v) {
    uint32_t u = (uint32_t)v;
    buf_byte(b, (u >> 24) & 0xff);
    buf_byte(b, (u >> 16) & 0xff);
    buf_byte(b, (u >> 8) & 0xff);
    buf_byte(b, u & 0xff);
}

static inline int fits_i32(long v) { return v >= -2147483647L - 1 && v <= 2147483647L; }

/* ---- add_characters -------------------------------------------------------------------------- */

typedef struct {
    PyObject *text; /* borrowed from the term */
    long pos, start, end;
    Py_ssize_t next; /* next occurrence of the same text, or -1 */
} Occ;

static long attr_long(PyObject *obj, PyObject *name, int *err) {
    PyObject *v = PyObject_GetAttr(obj, name);
    if (!v) { *err = 1; return 0; }
    long r = PyLong_AsLong(v);
    Py_DECREF(v);
    if (r == -1 && PyErr_Occurred()) *err = 1;
    return r;
}

/* Whoosh's Characters value for one text's occurrences; NULL with an exception on failure,
   or NULL without one when a number does not fit the hand-written pickle (the caller falls back). */
static PyObject *characters_value(Occ *occ, Py_ssize_t first, Py_ssize_t count, Buf *b) {
    b->len = 0;
    /* 4 (count) + 3 (header + list + memo) + per item (3 ints of at most 5 + TUPLE3 + memo 5) + 2 */
    if (buf_reserve(b, 16 + count * 21 + (count / 1000 + 1) * 2)) return NULL;
    put_i32be(b, (int32_t)(uint32_t)count);
    buf_byte(b, 0x80);
    buf_byte(b, 2);
    buf_byte(b, ']');
    pk_put(b, 0);
    uint32_t memo = 1;
    long posbase = 0, charbase = 0;
    Py_ssize_t i = first, done = 0, in_batch = 0;
    if (count > 1) buf_byte(b, '(');
    while (i >= 0) {
        Occ *o = &occ[i];
        long a = o->pos - posbase, c = o->start - charbase, l = o->end - o->start;
        if (count > 1) {
            posbase = o->pos;
            charbase = o->end;
        }
        if (!fits_i32(a) || !fits_i32(c) || !fits_i32(l)) return NULL;
        pk_int(b, a);
        pk_int(b, c);
        pk_int(b, l);
        buf_byte(b, 0x87); /* TUPLE3 */
        pk_put(b, memo++);
        done++;
        i = o->next;
        if (count > 1 && ++in_batch == 1000) { /* _pickle's BATCHSIZE */
            buf_byte(b, 'e');
            if (done < count) buf_byte(b, '(');
            in_batch = 0;
        }
    }
    if (count == 1)
        buf_byte(b, 'a');
    else if (in_batch)
        buf_byte(b, 'e');
    buf_byte(b, '.');
    return PyBytes_FromStringAndSize(b->p, b->len);
}

/* The value the pure-Python path builds, for numbers beyond 32 bits. */
static PyObject *characters_value_slow(Occ *occ, Py_ssize_t first, Py_ssize_t count) {
    PyObject *lst = PyList_New(0), *res = NULL;
    if (!lst) return NULL;
    long posbase = 0, charbase = 0;
    for (Py_ssize_t i = first; i >= 0; i = occ[i].next) {
        Occ *o = &occ[i];
        long a = o->pos - posbase, c = o->start - charbase, l = o->end - o->start;
        if (count > 1) {
            posbase = o->pos;
            charbase = o->end;
        }
        PyObject *t = Py_BuildValue("(lll)", a, c, l);
        if (!t || PyList_Append(lst, t)) { Py_XDECREF(t); goto done; }
        Py_DECREF(t);
    }
    PyObject *pickled = PyObject_CallFunctionObjArgs(pickle_dumps, lst, proto2, NULL);
    if (!pickled) goto done;
    unsigned char head[4] = {(count >> 24) & 0xff, (count >> 16) & 0xff, (count >> 8) & 0xff, count & 0xff};
    res = PyBytes_FromStringAndSize((const char *)head, 4);
    if (res) PyBytes_ConcatAndDel(&res, pickled);
    else Py_DECREF(pickled);
done:
    Py_DECREF(lst);
    return res;
}

static PyObject *new_entry(void) {
    PyObject *docs = PyObject_CallOneArg(array_type, code_I);
    PyObject *weights = docs ? PyObject_CallOneArg(array_type, code_f) : NULL;
    PyObject *values = weights ? PyList_New(0) : NULL;
    PyObject *entry = values ? PyList_New(3) : NULL;
    if (!entry) {
        Py_XDECREF(docs);
        Py_XDECREF(weights);
        Py_XDECREF(values);
        return NULL;
    }
    PyList_SET_ITEM(entry, 0, docs);
    PyList_SET_ITEM(entry, 1, weights);
    PyList_SET_ITEM(entry, 2, values);
    return entry;
}

static PyObject *array_append; /* the unbound array.append */

static int append_to(PyObject *seq, PyObject *item) {
    PyObject *args[2] = {seq, item};
    PyObject *r = PyObject_Vectorcall(array_append, args, 2, NULL);
    if (!r) return -1;
    Py_DECREF(r);
    return 0;
}

static PyObject *add_characters(PyObject *self, PyObject *args) {
    PyObject *ftable, *docnum, *terms;
    if (!PyArg_ParseTuple(args, "O!OO", &PyDict_Type, &ftable, &docnum, &terms)) return NULL;
    PyObject *seq = PySequence_Fast(terms, "terms must be a sequence");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Occ *occ = PyMem_Malloc((n ? n : 1) * sizeof(Occ));
    Py_ssize_t *last = PyMem_Malloc((n ? n : 1) * sizeof(Py_ssize_t));
    PyObject *seen = PyDict_New(); /* text -> index of its first occurrence */
    PyObject *texts = NULL;        /* strong references to the texts read */
    Buf b = {NULL, 0, 0};
    Py_ssize_t groups = 0;
    PyObject *result = NULL;
    if (!occ || !last || !seen) { PyErr_NoMemory(); goto fail; }
    texts = PyList_New(n);
    if (!texts) goto fail;

    for (Py_ssize_t i = 0; i < n; i++) {
        PyObject *t = items[i];
        int err = 0;
        PyObject *text;
        if (cfg_term_type && Py_IS_TYPE(t, (PyTypeObject *)cfg_term_type)) { /* its slots, directly */
            text = *(PyObject **)((char *)t + off_text);
            PyObject *p = *(PyObject **)((char *)t + off_pos), *s = *(PyObject **)((char *)t + off_start),
                     *e = *(PyObject **)((char *)t + off_end);
            if (!text || !p || !s || !e) {
                PyErr_SetString(PyExc_AttributeError, "a Term slot is unset");
                goto fail;
            }
            Py_INCREF(text);
            occ[i].pos = PyLong_AsLong(p);
            occ[i].start = PyLong_AsLong(s);
            occ[i].end = PyLong_AsLong(e);
            err = PyErr_Occurred() != NULL;
        } else {
            text = PyObject_GetAttr(t, s_text);
            if (!text) goto fail;
            occ[i].pos = attr_long(t, s_pos, &err);
            occ[i].start = attr_long(t, s_start, &err);
            occ[i].end = attr_long(t, s_end, &err);
        }
        PyList_SET_ITEM(texts, i, text);
        occ[i].text = text;
        occ[i].next = -1;
        if (err) goto fail;
        PyObject *firstobj = PyDict_GetItemWithError(seen, text);
        if (firstobj) {
            Py_ssize_t f = PyLong_AsSsize_t(firstobj);
            occ[last[f]].next = i;
            last[f] = i;
        } else {
            if (PyErr_Occurred()) goto fail;
            PyObject *idx = PyLong_FromSsize_t(i);
            if (!idx || PyDict_SetItem(seen, text, idx)) { Py_XDECREF(idx); goto fail; }
            Py_DECREF(idx);
            last[i] = i;
            groups++;
        }
    }

    Py_ssize_t pos = 0;
    PyObject *key, *firstobj;
    while (PyDict_Next(seen, &pos, &key, &firstobj)) {
        Py_ssize_t f = PyLong_AsSsize_t(firstobj);
        Py_ssize_t count = 0;
        for (Py_ssize_t i = f; i >= 0; i = occ[i].next) count++;
        PyObject *vbytes = characters_value(occ, f, count, &b);
        if (!vbytes) {
            if (PyErr_Occurred()) goto fail;
            vbytes = characters_value_slow(occ, f, count);
            if (!vbytes) goto fail;
        }
        PyObject *tb = PyUnicode_AsUTF8String(key);
        if (!tb) { Py_DECREF(vbytes); goto fail; }
        PyObject *entry = PyDict_GetItemWithError(ftable, tb); /* borrowed */
        if (!entry) {
            if (PyErr_Occurred() || !(entry = new_entry()) || PyDict_SetItem(ftable, tb, entry)) {
                Py_XDECREF(entry);
                Py_DECREF(tb);
                Py_DECREF(vbytes);
                goto fail;
            }
            Py_DECREF(entry); /* the table holds it */
        }
        Py_DECREF(tb);
        PyObject *weight = PyFloat_FromDouble((double)count);
        int bad = !weight || append_to(PyList_GET_ITEM(entry, 0), docnum)
                  || append_to(PyList_GET_ITEM(entry, 1), weight)
                  || PyList_Append(PyList_GET_ITEM(entry, 2), vbytes);
        Py_XDECREF(weight);
        Py_DECREF(vbytes);
        if (bad) goto fail;
    }
    result = PyLong_FromSsize_t(groups);
fail:
    PyMem_Free(b.p);
    PyMem_Free(occ);
    PyMem_Free(last);
    Py_XDECREF(seen);
    Py_XDECREF(texts);
    Py_DECREF(seq);
    return result;
}

/* ---- encode_term ----------------------------------------------------------------------------- */

static PyObject *dumps2(PyObject *obj) {
    return PyObject_CallFunctionObjArgs(pickle_dumps, obj, proto2, NULL);
}

/* A memo reference (BINGET / LONG_BINGET). */
static inline void pk_get(Buf *b, uint32_t idx) { pk_memo(b, idx, 'h', 'j'); }

/* BINFLOAT: a double, big-endian. */
static inline void pk_float(Buf *b, double x) {
    uint64_t u;
    memcpy(&u, &x, 8);
    buf_byte(b, 'G');
    for (int sh = 56; sh >= 0; sh -= 8) buf_byte(b, (u >> sh) & 0xff);
}

/* The end of a tuple of m items (m >= 1); a MARK came before its items when m > 3. */
static inline void pk_tuple_end(Buf *b, Py_ssize_t m, uint32_t *memo) {
    buf_byte(b, m <= 3 ? (unsigned char)(0x84 + m) : 't');
    pk_put(b, (*memo)++);
}

enum { MW_NONE, MW_SAME, MW_EACH };

/* pickle.dumps((ids deltas, mw, vs), 2) for the common case, written by hand: ids that fit 32 bits
   and values that are distinct non-empty bytes objects (or none). Returns 1 when written, 0 when
   the block needs the general path, -1 on error. */
static int pk_block_data(Buf *b, const unsigned int *docs, const float *weights, Py_ssize_t s, Py_ssize_t e,
                         int mwkind, PyObject *values, Py_ssize_t fixedsize) {
    Py_ssize_t m = e - s;
    if (fixedsize > 0) return 0;
    Py_ssize_t need = 64 + m * 24;
    if (fixedsize < 0 && values != Py_None) {
        for (Py_ssize_t k = s; k < e; k++) {
            PyObject *v = PyList_GET_ITEM(values, k);
            if (!PyBytes_CheckExact(v) || PyBytes_GET_SIZE(v) == 0) return 0;
            for (Py_ssize_t j = s; j < k; j++) /* one object twice would be a memo reference */
                if (PyList_GET_ITEM(values, j) == v) return 0;
            need += 64 + 2 * PyBytes_GET_SIZE(v);
        }
    }
    if (docs[e - 1] > 0x7fffffffu) return 0;
    b->len = 0;
    if (buf_reserve(b, need)) return -1;
    uint32_t memo = 0;
    buf_byte(b, 0x80);
    buf_byte(b, 2);
    /* ids, as deltas */
    if (m > 3) buf_byte(b, '(');
    unsigned int prev = 0;
    for (Py_ssize_t k = s; k < e; k++) {
        pk_int(b, (long)docs[k] - (long)prev);
        prev = docs[k];
    }
    pk_tuple_end(b, m, &memo);
    /* weights */
    if (mwkind == MW_NONE) {
        buf_byte(b, 'N');
    } else if (mwkind == MW_SAME) {
        pk_float(b, weights[s]);
    } else {
        if (m > 3) buf_byte(b, '(');
        for (Py_ssize_t k = s; k < e; k++) pk_float(b, weights[k]);
        pk_tuple_end(b, m, &memo);
    }
    /* values: each bytes object pickles as _codecs.encode(its latin-1 text, "latin1") */
    if (fixedsize == 0) {
        buf_byte(b, 'N');
    } else if (values == Py_None) {
        buf_byte(b, ')');
    } else {
        if (m > 3) buf_byte(b, '(');
        uint32_t enc_idx = 0, lat_idx = 0;
        for (Py_ssize_t k = s; k < e; k++) {
            PyObject *v = PyList_GET_ITEM(values, k);
            const unsigned char *src = (const unsigned char *)PyBytes_AS_STRING(v);
            Py_ssize_t len = PyBytes_GET_SIZE(v), ulen = len;
            for (Py_ssize_t i = 0; i < len; i++) ulen += src[i] >> 7;
            if (ulen > 0xffffffffLL) return 0;
            if (k == s) {
                memcpy(b->p + b->len, "c_codecs\nencode\n", 16);
                b->len += 16;
                enc_idx = memo;
                pk_put(b, memo++);
            } else {
                pk_get(b, enc_idx);
            }
            buf_byte(b, 'X');
            buf_u32le(b, (uint32_t)ulen);
            for (Py_ssize_t i = 0; i < len; i++) {
                unsigned char c = src[i];
                if (c < 0x80) {
                    buf_byte(b, c);
                } else {
                    buf_byte(b, 0xc0 | (c >> 6));
                    buf_byte(b, 0x80 | (c & 0x3f));
                }
            }
            pk_put(b, memo++);
            if (k == s) {
                memcpy(b->p + b->len, "X\x06\x00\x00\x00latin1", 11);
                b->len += 11;
                lat_idx = memo;
                pk_put(b, memo++);
            } else {
                pk_get(b, lat_idx);
            }
            buf_byte(b, 0x86); /* TUPLE2: the arguments */
            pk_put(b, memo++);
            buf_byte(b, 'R');
            pk_put(b, memo++);
        }
        pk_tuple_end(b, m, &memo);
    }
    buf_byte(b, 0x87);
    pk_put(b, memo++);
    buf_byte(b, '.');
    return 1;
}

/* The same pickle through the pickle module, for whatever pk_block_data leaves to it. */
static PyObject *block_data_generic(const unsigned int *docs, const float *weights, Py_ssize_t s, Py_ssize_t e,
                                    int mwkind, PyObject *values, Py_ssize_t fixedsize) {
    Py_ssize_t m = e - s;
    PyObject *dids = PyTuple_New(m), *mw = NULL, *vs = NULL, *res = NULL;
    if (!dids) return NULL;
    unsigned int prev = 0;
    for (Py_ssize_t k = s; k < e; k++) {
        PyObject *x = PyLong_FromLong((long)docs[k] - (long)prev);
        if (!x) goto done;
        PyTuple_SET_ITEM(dids, k - s, x);
        prev = docs[k];
    }
    if (mwkind == MW_NONE) {
        mw = Py_NewRef(Py_None);
    } else if (mwkind == MW_SAME) {
        mw = PyFloat_FromDouble(weights[s]);
    } else {
        mw = PyTuple_New(m);
        if (mw)
            for (Py_ssize_t k = s; k < e; k++) {
                PyObject *x = PyFloat_FromDouble(weights[k]);
                if (!x) { Py_CLEAR(mw); break; }
                PyTuple_SET_ITEM(mw, k - s, x);
            }
    }
    if (!mw) goto done;
    if (fixedsize < 0) {
        vs = values == Py_None ? PyTuple_New(0) : PyList_GetSlice(values, s, e);
        if (vs && values != Py_None) Py_SETREF(vs, PyList_AsTuple(vs));
    } else if (fixedsize == 0) {
        vs = Py_NewRef(Py_None);
    } else if (values == Py_None) {
        vs = PyBytes_FromStringAndSize("", 0);
    } else {
        PyObject *part = PyList_GetSlice(values, s, e), *empty = PyBytes_FromStringAndSize("", 0);
        vs = part && empty ? PyObject_CallMethod(empty, "join", "O", part) : NULL;
        Py_XDECREF(part);
        Py_XDECREF(empty);
    }
    if (!vs) goto done;
    PyObject *triple = PyTuple_Pack(3, dids, mw, vs);
    if (triple) {
        res = dumps2(triple);
        Py_DECREF(triple);
    }
done:
    Py_XDECREF(dids);
    Py_XDECREF(mw);
    Py_XDECREF(vs);
    return res;
}

#ifndef NEWSEARCH_PY_ZLIB
/* zlib.compress(data, level) (the same parameters, so the same bytes) on one deflate stream that is
   reset between blocks: setting a stream up and tearing it down cost more than deflating a block. */
static z_stream zs;
static int zs_level = -99;

static int deflate_into(const char *p, Py_ssize_t n, int level, Buf *outb) {
    if (n > 0x7fffffff) {
        PyErr_SetString(PyExc_OverflowError, "posting block too large");
        return -1;
    }
    if (zs_level != level) {
        if (zs_level != -99) deflateEnd(&zs);
        zs_level = -99;
        memset(&zs, 0, sizeof zs);
        if (deflateInit2(&zs, level, Z_DEFLATED, MAX_WBITS, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
            PyErr_Format(PyExc_ValueError, "zlib cannot compress at level %d", level);
            return -1;
        }
        zs_level = level;
    } else if (deflateReset(&zs) != Z_OK) {
        PyErr_SetString(PyExc_RuntimeError, "zlib deflateReset failed");
        return -1;
    }
    uLong bound = deflateBound(&zs, (uLong)n);
    outb->len = 0;
    if (buf_reserve(outb, (Py_ssize_t)bound)) return -1;
    zs.next_in = (Bytef *)p;
    zs.avail_in = (uInt)n;
    zs.next_out = (Bytef *)outb->p;
    zs.avail_out = (uInt)bound;
    if (deflate(&zs, Z_FINISH) != Z_STREAM_END) {
        deflateEnd(&zs);
        zs_level = -99;
        PyErr_SetString(PyExc_RuntimeError, "zlib deflate failed");
        return -1;
    }
    outb->len = (Py_ssize_t)(bound - zs.avail_out);
    return 0;
}
#endif

typedef struct {
    double tweight, tmaxweight;
    long tminb, tmaxb;
    Py_ssize_t n;
    unsigned int first, last;
} TermStats;

/* The block loop of encode_blocks, on the arrays' memory. */
static int encode_blocks_raw(const unsigned int *docs, const float *weights, Py_ssize_t n, PyObject *values,
                             const unsigned char *lens, Py_ssize_t nlens, Py_ssize_t blocklimit, Py_ssize_t fixedsize,
                             int comp, Py_ssize_t min_compress, Buf *out, Buf *db, Buf *zb, TermStats *st) {
    st->tweight = st->tmaxweight = 0;
    st->tminb = st->tmaxb = 0;
    st->n = n;
    st->first = docs[0];
    st->last = docs[n - 1];
    if (buf_reserve(out, 4)) return -1;
    memcpy(out->p + out->len, "W3Bl", 4);
    out->len += 4;
    for (Py_ssize_t s = 0; s < n; s += blocklimit) {
        Py_ssize_t e = s + blocklimit < n ? s + blocklimit : n;
        Py_ssize_t m = e - s;
        int last = e >= n;
        double maxweight = 0, bsum = 0;
        int all_one = 1, all_same = 1;
        long minb = 0, maxb = 0;
        for (Py_ssize_t k = s; k < e; k++) {
            double w = weights[k];
            if (w > maxweight) maxweight = w;
            if (w != 1.0) all_one = 0;
            if (w != (double)weights[s]) all_same = 0;
            bsum += w;
            if (lens) {
                unsigned int d = docs[k];
                long x = d < (unsigned int)nlens ? lens[d] : 0;
                if (x) {
                    if (!minb || x < minb) minb = x;
                    if (x > maxb) maxb = x;
                }
            }
        }
        int mwkind = all_one ? MW_NONE : all_same ? MW_SAME : MW_EACH;
        /* data: pickled by hand, else by the pickle module; deflated when long enough */
        PyObject *data = NULL;
        const char *dp;
        Py_ssize_t dlen;
        int hand = pk_block_data(db, docs, weights, s, e, mwkind, values, fixedsize);
        if (hand < 0) return -1;
        if (hand) {
            dp = db->p;
            dlen = db->len;
        } else {
            data = block_data_generic(docs, weights, s, e, mwkind, values, fixedsize);
            if (!data) return -1;
            dp = PyBytes_AS_STRING(data);
            dlen = PyBytes_GET_SIZE(data);
        }
        int bcomp = dlen >= min_compress ? comp : 0;
        if (bcomp) {
#ifdef NEWSEARCH_PY_ZLIB
            PyObject *raw = data ? data : PyBytes_FromStringAndSize(dp, dlen);
            PyObject *level = raw ? PyLong_FromLong(bcomp) : NULL;
            PyObject *z = level ? PyObject_CallFunctionObjArgs(zlib_compress, raw, level, NULL) : NULL;
            Py_XDECREF(level);
            Py_XDECREF(raw);
            data = z;
            if (!z) return -1;
            dp = PyBytes_AS_STRING(z);
            dlen = PyBytes_GET_SIZE(z);
#else
            int r = deflate_into(dp, dlen, bcomp, zb);
            Py_CLEAR(data);
            if (r) return -1;
            dp = zb->p;
            dlen = zb->len;
#endif
        }
        /* info: (count, last id, max weight, compression, min length, max length); a max weight
           that stayed at its starting 0 is the int 0, as in the Python writer */
        char info[64];
        Buf ib = {info, 0, sizeof info};
        PyObject *info_obj = NULL;
        if (docs[e - 1] > 0x7fffffffu) { /* beyond the hand-written pickle */
            PyObject *mwo = maxweight > 0 ? PyFloat_FromDouble(maxweight) : PyLong_FromLong(0);
            PyObject *t = mwo ? Py_BuildValue("(nkOill)", m, (unsigned long)docs[e - 1], mwo, bcomp, minb, maxb)
                              : NULL;
            Py_XDECREF(mwo);
            info_obj = t ? dumps2(t) : NULL;
            Py_XDECREF(t);
            if (!info_obj) { Py_XDECREF(data); return -1; }
            ib.p = PyBytes_AS_STRING(info_obj);
            ib.len = PyBytes_GET_SIZE(info_obj);
        } else {
            buf_byte(&ib, 0x80);
            buf_byte(&ib, 2);
            buf_byte(&ib, '(');
            pk_int(&ib, (long)m);
            pk_int(&ib, (long)docs[e - 1]);
            if (maxweight > 0) pk_float(&ib, maxweight);
            else pk_int(&ib, 0);
            pk_int(&ib, bcomp);
            pk_int(&ib, minb);
            pk_int(&ib, maxb);
            buf_byte(&ib, 't');
            pk_put(&ib, 0);
            buf_byte(&ib, '.');
        }
        Py_ssize_t blen = ib.len + dlen;
        if (blen > 0x7fffffff) {
            PyErr_SetString(PyExc_OverflowError, "posting block too large");
            Py_XDECREF(data);
            Py_XDECREF(info_obj);
            return -1;
        }
        if (buf_reserve(out, 4 + blen)) { Py_XDECREF(data); Py_XDECREF(info_obj); return -1; }
        put_i32be(out, last ? -(int32_t)blen : (int32_t)blen);
        memcpy(out->p + out->len, ib.p, ib.len);
        out->len += ib.len;
        memcpy(out->p + out->len, dp, dlen);
        out->len += dlen;
        Py_XDECREF(data);
        Py_XDECREF(info_obj);
        st->tweight += bsum;
        if (minb && (!st->tminb || minb < st->tminb)) st->tminb = minb;
        if (maxb > st->tmaxb) st->tmaxb = maxb;
        if (maxweight > st->tmaxweight) st->tmaxweight = maxweight;
    }
    return 0;
}

/* Appends one term's posting blocks ("W3Bl", then the blocks) to out and fills st. */
static int encode_blocks(PyObject *docs_o, PyObject *weights_o, PyObject *values, const unsigned char *lens,
                         Py_ssize_t nlens, Py_ssize_t blocklimit, Py_ssize_t fixedsize, int comp,
                         Py_ssize_t min_compress, Buf *out, Buf *db, Buf *zb, TermStats *st) {
    Py_buffer dv = {0}, wv = {0};
    if (PyObject_GetBuffer(docs_o, &dv, PyBUF_FORMAT) < 0) return -1;
    if (PyObject_GetBuffer(weights_o, &wv, PyBUF_FORMAT) < 0) {
        PyBuffer_Release(&dv);
        return -1;
    }
    int r = -1;
    if (dv.itemsize != sizeof(unsigned int) || strcmp(dv.format ? dv.format : "B", "I") != 0
        || wv.itemsize != sizeof(float) || strcmp(wv.format ? wv.format : "B", "f") != 0) {
        PyErr_SetString(PyExc_TypeError, "docs must be array('I') and weights array('f')");
        goto done;
    }
    Py_ssize_t n = dv.len / (Py_ssize_t)sizeof(unsigned int);
    if (n < 1 || wv.len / (Py_ssize_t)sizeof(float) != n) {
        PyErr_SetString(PyExc_ValueError, "docs and weights must be non-empty and of one length");
        goto done;
    }
    if (values != Py_None && (!PyList_Check(values) || PyList_GET_SIZE(values) != n)) {
        PyErr_SetString(PyExc_ValueError, "values must be None or a list as long as docs");
        goto done;
    }
    r = encode_blocks_raw(dv.buf, wv.buf, n, values, lens, nlens, blocklimit, fixedsize, comp, min_compress,
                          out, db, zb, st);
done:
    PyBuffer_Release(&dv);
    PyBuffer_Release(&wv);
    return r;
}

static PyObject *encode_term(PyObject *self, PyObject *args) {
    PyObject *docs_o, *weights_o, *values, *lens_o;
    Py_ssize_t blocklimit, fixedsize, min_compress;
    int comp;
    if (!PyArg_ParseTuple(args, "OOOOnnin", &docs_o, &weights_o, &values, &lens_o, &blocklimit, &fixedsize,
                          &comp, &min_compress))
        return NULL;
    if (blocklimit < 1) {
        PyErr_SetString(PyExc_ValueError, "blocklimit must be positive");
        return NULL;
    }
    Py_buffer lv = {0};
    int have_lens = lens_o != Py_None;
    if (have_lens && PyObject_GetBuffer(lens_o, &lv, PyBUF_SIMPLE) < 0) return NULL;
    Buf out = {NULL, 0, 0}, db = {NULL, 0, 0}, zb = {NULL, 0, 0};
    TermStats st = {0};
    PyObject *result = NULL;
    if (encode_blocks(docs_o, weights_o, values, have_lens ? lv.buf : NULL, have_lens ? lv.len : 0, blocklimit,
                      fixedsize, comp, min_compress, &out, &db, &zb, &st) == 0) {
        PyObject *chunk = PyBytes_FromStringAndSize(out.p, out.len);
        PyObject *mwo = st.tmaxweight > 0 ? PyFloat_FromDouble(st.tmaxweight) : PyLong_FromLong(0);
        if (chunk && mwo)
            result = Py_BuildValue("(NdllN)", chunk, st.tweight, st.tminb, st.tmaxb, mwo);
        else {
            Py_XDECREF(chunk);
            Py_XDECREF(mwo);
        }
    }
    PyMem_Free(out.p);
    PyMem_Free(db.p);
    PyMem_Free(zb.p);
    if (have_lens) PyBuffer_Release(&lv);
    return result;
}

/* ---- write_terms ------------------------------------------------------------------------------ */

/* MD5 (RFC 1321): Whoosh's term index hashes keys with the low 32 bits of their MD5 digest. */
static const uint32_t md5_k[64] = {
    0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501,
    0x698098d8, 0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821,
    0xf61e2562, 0xc040b340, 0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8,
    0x21e1cde6, 0xc33707d6, 0xf4d50d87, 0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a,
    0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c, 0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70,
    0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039, 0xe6db99e5, 0x1fa27cf8, 0xc4ac5665,
    0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92, 0xffeff47d, 0x85845dd1,
    0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb, 0xeb86d391};
static const unsigned char md5_r[64] = {7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22, 7, 12, 17, 22,
                                        5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20, 5, 9,  14, 20,
                                        4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23, 4, 11, 16, 23,
                                        6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21, 6, 10, 15, 21};

static void md5_block(uint32_t h[4], const unsigned char *p) {
    uint32_t w[16];
    for (int i = 0; i < 16; i++)
        w[i] = (uint32_t)p[4 * i] | (uint32_t)p[4 * i + 1] << 8 | (uint32_t)p[4 * i + 2] << 16
               | (uint32_t)p[4 * i + 3] << 24;
    uint32_t a = h[0], b = h[1], c = h[2], d = h[3];
    for (int i = 0; i < 64; i++) {
        uint32_t f;
        int g;
        if (i < 16) { f = (b & c) | (~b & d); g = i; }
        else if (i < 32) { f = (d & b) | (~d & c); g = (5 * i + 1) & 15; }
        else if (i < 48) { f = b ^ c ^ d; g = (3 * i + 5) & 15; }
        else { f = c ^ (b | ~d); g = (7 * i) & 15; }
        uint32_t t = d;
        d = c;
        c = b;
        uint32_t x = a + f + md5_k[i] + w[g];
        b = b + ((x << md5_r[i]) | (x >> (32 - md5_r[i])));
        a = t;
    }
    h[0] += a;
    h[1] += b;
    h[2] += c;
    h[3] += d;
}

/* int(md5(key).hexdigest(), 16) & 0xFFFFFFFF: the digest's last four bytes, big-endian. */
static uint32_t md5_hash32(const unsigned char *key, Py_ssize_t len) {
    uint32_t h[4] = {0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476};
    Py_ssize_t i = 0;
    for (; i + 64 <= len; i += 64) md5_block(h, key + i);
    unsigned char tail[128] = {0};
    Py_ssize_t rest = len - i;
    memcpy(tail, key + i, rest);
    tail[rest] = 0x80;
    Py_ssize_t tl = rest + 9 <= 64 ? 64 : 128;
    uint64_t bits = (uint64_t)len * 8;
    for (int k = 0; k < 8; k++) tail[tl - 8 + k] = (unsigned char)(bits >> (8 * k));
    md5_block(h, tail);
    if (tl == 128) md5_block(h, tail + 64);
    uint32_t d = h[3]; /* bytes 12..15 of the digest, little-endian in the state word */
    return (d & 0xff) << 24 | ((d >> 8) & 0xff) << 16 | ((d >> 16) & 0xff) << 8 | (d >> 24);
}

static PyObject *md5_hash(PyObject *self, PyObject *arg) {
    Py_buffer v;
    if (PyObject_GetBuffer(arg, &v, PyBUF_SIMPLE) < 0) return NULL;
    uint32_t h = md5_hash32(v.buf, v.len);
    PyBuffer_Release(&v);
    return PyLong_FromUnsignedLong(h);
}

static inline void put_u32be(Buf *b, uint32_t u) { put_i32be(b, (int32_t)u); }

static inline void put_f32be(Buf *b, double x) {
    float f = (float)x;
    uint32_t u;
    memcpy(&u, &f, 4);
    put_u32be(b, u);
}

/* write_terms(ftable, lens, fieldid, blocklimit, fixedsize, comp, min_compress, ppos, tpos, lastkey,
 *             positions, buckets) -> (postings bytes, term records bytes, ppos, tpos, lastkey)
 * One field's terms in key order, as whoosh_fast._write_table writes them with encode_term: each term's
 * posting blocks, and its record in the ordered hash of terms (W3TermInfo; the key's position goes to
 * `positions`, (md5 hash, position) to buckets[hash & 255]). */
static PyObject *write_terms(PyObject *self, PyObject *args) {
    PyObject *ftable, *lens_o, *positions, *buckets;
    Py_buffer fid, last;
    Py_ssize_t blocklimit, fixedsize, min_compress;
    long long ppos, tpos;
    int comp;
    if (!PyArg_ParseTuple(args, "O!Oy*nninLLy*O!O!", &PyDict_Type, &ftable, &lens_o, &fid, &blocklimit, &fixedsize,
                          &comp, &min_compress, &ppos, &tpos, &last, &PyList_Type, &positions, &PyList_Type,
                          &buckets))
        return NULL;
    Py_buffer lv = {0};
    int have_lens = lens_o != Py_None;
    Buf out = {NULL, 0, 0}, db = {NULL, 0, 0}, zb = {NULL, 0, 0}, tb = {NULL, 0, 0}, key = {NULL, 0, 0},
        spare = {NULL, 0, 0};
    PyObject *keys = NULL, *result = NULL;
    if (blocklimit < 1 || PyList_GET_SIZE(buckets) != 256) {
        PyErr_SetString(PyExc_ValueError, "blocklimit must be positive and buckets 256 lists");
        goto done;
    }
    if (have_lens && PyObject_GetBuffer(lens_o, &lv, PyBUF_SIMPLE) < 0) { have_lens = 0; goto done; }
    keys = PyDict_Keys(ftable);
    if (!keys || PyList_Sort(keys)) goto done;
    if (buf_reserve(&key, last.len + 1)) goto done;
    memcpy(key.p, last.buf, last.len);
    key.len = last.len;
    Py_ssize_t nkeys = PyList_GET_SIZE(keys);
    for (Py_ssize_t i = 0; i < nkeys; i++) {
        PyObject *k = PyList_GET_ITEM(keys, i);
        if (!PyBytes_Check(k)) {
            PyErr_SetString(PyExc_TypeError, "terms must be bytes");
            goto done;
        }
        PyObject *entry = PyDict_GetItemWithError(ftable, k);
        if (!entry || !PyList_Check(entry) || PyList_GET_SIZE(entry) < 3) {
            if (!PyErr_Occurred()) PyErr_SetString(PyExc_TypeError, "a posting entry must be [docs, weights, values]");
            goto done;
        }
        long long start = ppos;
        Py_ssize_t before = out.len;
        TermStats st;
        if (encode_blocks(PyList_GET_ITEM(entry, 0), PyList_GET_ITEM(entry, 1), PyList_GET_ITEM(entry, 2),
                          have_lens ? lv.buf : NULL, have_lens ? lv.len : 0, blocklimit, fixedsize, comp,
                          min_compress, &out, &db, &zb, &st))
            goto done;
        ppos += out.len - before;
        /* the key: field id + term, after the last one */
        Py_ssize_t klen = fid.len + PyBytes_GET_SIZE(k);
        Buf prev = key; /* the last key stays in its buffer; the new one goes into the other */
        key = spare;
        key.len = 0;
        spare = prev;
        if (buf_reserve(&key, klen)) goto done;
        memcpy(key.p, fid.buf, fid.len);
        memcpy(key.p + fid.len, PyBytes_AS_STRING(k), PyBytes_GET_SIZE(k));
        key.len = klen;
        Py_ssize_t common = prev.len < klen ? prev.len : klen;
        int c = memcmp(key.p, prev.p, common);
        if (c < 0 || (c == 0 && klen <= prev.len)) {
            PyErr_SetString(PyExc_ValueError, "Keys must increase");
            goto done;
        }
        /* the term record: lengths, key, W3TermInfo (never inlined), postings offset and length */
        if (buf_reserve(&tb, 8 + klen + 35)) goto done;
        put_i32be(&tb, (int32_t)klen);
        put_i32be(&tb, 35);
        memcpy(tb.p + tb.len, key.p, klen);
        tb.len += klen;
        buf_byte(&tb, 0);
        put_f32be(&tb, st.tweight);
        put_u32be(&tb, (uint32_t)st.n);
        buf_byte(&tb, (unsigned char)st.tminb);
        buf_byte(&tb, (unsigned char)st.tmaxb);
        put_f32be(&tb, st.tmaxweight);
        put_u32be(&tb, st.first);
        put_u32be(&tb, st.last);
        put_u32be(&tb, (uint32_t)((unsigned long long)start >> 32));
        put_u32be(&tb, (uint32_t)start);
        put_i32be(&tb, (int32_t)(ppos - start));
        /* OrderedHashWriter.add */
        uint32_t h = md5_hash32((const unsigned char *)key.p, klen);
        PyObject *pos = PyLong_FromLongLong(tpos);
        PyObject *hv = pos ? PyLong_FromUnsignedLong(h) : NULL;
        PyObject *pair = hv ? PyTuple_Pack(2, hv, pos) : NULL;
        int bad = !pair || PyList_Append(positions, pos) || PyList_Append(PyList_GET_ITEM(buckets, h & 255), pair);
        Py_XDECREF(pos);
        Py_XDECREF(hv);
        Py_XDECREF(pair);
        if (bad) goto done;
        tpos += 8 + klen + 35;
    }
    {
        PyObject *pb = PyBytes_FromStringAndSize(out.p, out.len);
        PyObject *tbo = pb ? PyBytes_FromStringAndSize(tb.p, tb.len) : NULL;
        PyObject *lk = tbo ? PyBytes_FromStringAndSize(key.p, key.len) : NULL;
        if (lk) result = Py_BuildValue("(NNLLN)", pb, tbo, ppos, tpos, lk);
        else {
            Py_XDECREF(pb);
            Py_XDECREF(tbo);
        }
    }
done:
    Py_XDECREF(keys);
    PyMem_Free(out.p);
    PyMem_Free(db.p);
    PyMem_Free(zb.p);
    PyMem_Free(tb.p);
    PyMem_Free(key.p);
    PyMem_Free(spare.p);
    if (have_lens) PyBuffer_Release(&lv);
    PyBuffer_Release(&fid);
    PyBuffer_Release(&last);
    return result;
}

/* hash_tables(buckets, start) -> (bytes, directory): HashWriter._write_hashes' 256 open-addressing
 * tables of (hash, position) pointers ("!Iq"), written from file position `start`, and the
 * (position, slots) directory entry of each. */
static PyObject *hash_tables(PyObject *self, PyObject *args) {
    PyObject *buckets;
    long long pos;
    if (!PyArg_ParseTuple(args, "O!L", &PyList_Type, &buckets, &pos)) return NULL;
    if (PyList_GET_SIZE(buckets) != 256) {
        PyErr_SetString(PyExc_ValueError, "buckets must be 256 lists");
        return NULL;
    }
    Buf out = {NULL, 0, 0};
    uint32_t *hs = NULL;
    long long *ps = NULL;
    Py_ssize_t cap = 0;
    PyObject *dir = PyList_New(256), *result = NULL;
    if (!dir) return NULL;
    for (Py_ssize_t bi = 0; bi < 256; bi++) {
        PyObject *entries = PyList_GET_ITEM(buckets, bi);
        if (!PyList_Check(entries)) {
            PyErr_SetString(PyExc_TypeError, "a bucket must be a list");
            goto done;
        }
        Py_ssize_t ne = PyList_GET_SIZE(entries), slots = 2 * ne;
        PyObject *d = Py_BuildValue("(Ln)", pos + out.len, slots);
        if (!d) goto done;
        PyList_SET_ITEM(dir, bi, d);
        if (slots > cap) {
            uint32_t *h2 = PyMem_Realloc(hs, slots * sizeof(uint32_t));
            if (h2) hs = h2;
            long long *p2 = h2 ? PyMem_Realloc(ps, slots * sizeof(long long)) : NULL;
            if (!p2) { PyErr_NoMemory(); goto done; }
            ps = p2;
            cap = slots;
        }
        memset(hs, 0, slots * sizeof(uint32_t));
        memset(ps, 0, slots * sizeof(long long));
        for (Py_ssize_t k = 0; k < ne; k++) {
            PyObject *e = PyList_GET_ITEM(entries, k);
            if (!PyTuple_Check(e) || PyTuple_GET_SIZE(e) != 2) {
                PyErr_SetString(PyExc_TypeError, "a bucket entry must be (hash, position)");
                goto done;
            }
            unsigned long h = PyLong_AsUnsignedLong(PyTuple_GET_ITEM(e, 0));
            long long p = PyLong_AsLongLong(PyTuple_GET_ITEM(e, 1));
            if (PyErr_Occurred()) goto done;
            Py_ssize_t slot = (Py_ssize_t)((h >> 8) % (unsigned long)slots);
            while (hs[slot] != 0 || ps[slot] != 0) slot = (slot + 1) % slots; /* (0, 0) marks a free slot */
            hs[slot] = (uint32_t)h;
            ps[slot] = p;
        }
        if (buf_reserve(&out, slots * 12)) goto done;
        for (Py_ssize_t k = 0; k < slots; k++) {
            put_u32be(&out, hs[k]);
            put_u32be(&out, (uint32_t)((unsigned long long)ps[k] >> 32));
            put_u32be(&out, (uint32_t)ps[k]);
        }
    }
    {
        PyObject *bytes = PyBytes_FromStringAndSize(out.p ? out.p : "", out.len);
        if (bytes) result = Py_BuildValue("(NO)", bytes, dir);
    }
done:
    Py_DECREF(dir);
    PyMem_Free(out.p);
    PyMem_Free(hs);
    PyMem_Free(ps);
    return result;
}

/* ---- terms_from_tokens ------------------------------------------------------------------------ */

/* What analysis.py tells configure(): tag flags come from its tag_flags(tag) (cached here). */
enum {
    F_CONTENT = 1, F_RUN = 2, F_NOUN = 4, F_ALNUM = 8, F_LOWER = 16, F_XPN = 32, F_XSN = 64, F_SH = 128,
    F_SN = 256, F_VVVA = 512, F_DECOMPOSE = 1024, F_NNB = 2048
};
static PyObject *s_form, *s_tag, *s_len, *s_lower, *s_percent, *s_empty;

static Py_ssize_t slot_offset(PyObject *type, const char *name) {
    PyObject *d = PyObject_GetAttrString(type, name);
    if (!d) return -1;
    Py_ssize_t off = -1;
    if (Py_IS_TYPE(d, &PyMemberDescr_Type)) {
        PyMemberDef *m = ((PyMemberDescrObject *)d)->d_member;
        if (m->type == T_OBJECT_EX) off = m->offset;
    }
    Py_DECREF(d);
    if (off < 0) PyErr_Format(PyExc_TypeError, "Term.%s must be a __slots__ member", name);
    return off;
}

static PyObject *configure(PyObject *self, PyObject *args) {
    PyObject *tag_flags, *stop, *plain, *glue, *term, *hanja, *decomp, *decomps;
    Py_ssize_t minlen;
    if (!PyArg_ParseTuple(args, "OOOOO!OOO!n", &tag_flags, &stop, &plain, &glue, &PyType_Type, &term, &hanja, &decomp,
                          &PyDict_Type, &decomps, &minlen))
        return NULL;
    Py_ssize_t o1 = slot_offset(term, "text"), o2 = o1 < 0 ? -1 : slot_offset(term, "pos"),
               o3 = o2 < 0 ? -1 : slot_offset(term, "start"), o4 = o3 < 0 ? -1 : slot_offset(term, "end");
    if (o4 < 0) return NULL;
    if (((PyTypeObject *)term)->tp_itemsize || ((PyTypeObject *)term)->tp_new == NULL) {
        PyErr_SetString(PyExc_TypeError, "Term must be a plain __slots__ class");
        return NULL;
    }
    PyObject *cache = PyDict_New();
    if (!cache) return NULL;
    off_text = o1, off_pos = o2, off_start = o3, off_end = o4;
    Py_XSETREF(cfg_flag_cache, cache);
    Py_XSETREF(cfg_tag_flags, Py_NewRef(tag_flags));
    Py_XSETREF(cfg_stop_stems, Py_NewRef(stop));
    Py_XSETREF(cfg_plain_suffixes, Py_NewRef(plain));
    Py_XSETREF(cfg_alnum_glue, Py_NewRef(glue));
    Py_XSETREF(cfg_term_type, Py_NewRef(term));
    Py_XSETREF(cfg_hanja_variants, Py_NewRef(hanja));
    Py_XSETREF(cfg_decompose, Py_NewRef(decomp));
    Py_XSETREF(cfg_decompositions, Py_NewRef(decomps));
    cfg_min_decompose_len = minlen;
    Py_RETURN_NONE;
}

static int flags_of(PyObject *tag) {
    PyObject *f = PyDict_GetItemWithError(cfg_flag_cache, tag);
    if (!f) {
        if (PyErr_Occurred()) return -1;
        f = PyObject_CallOneArg(cfg_tag_flags, tag);
        if (!f) return -1;
        int r = PyDict_SetItem(cfg_flag_cache, tag, f);
        Py_DECREF(f);
        if (r) return -1;
    }
    long v = PyLong_AsLong(f);
    return v == -1 && PyErr_Occurred() ? -1 : (int)v;
}

typedef struct {
    PyObject *form, *tag; /* strong */
    int flags;
    long start, end;
} Tok;

typedef struct {
    PyObject *text;     /* strong */
    PyObject *variants; /* strong tuple, or NULL */
    long start, end;
    int flags;
} Part;

typedef struct {
    PyObject *text; /* strong */
    long pos, start, end;
    Py_ssize_t seq;
} CTerm;

typedef struct {
    CTerm *a;
    Py_ssize_t n, cap;
} Terms;

static int terms_add(Terms *t, PyObject *text, long pos, long start, long end) {
    if (t->n == t->cap) {
        Py_ssize_t cap = t->cap ? t->cap * 2 : 64;
        CTerm *a = PyMem_Realloc(t->a, cap * sizeof(CTerm));
        if (!a) { PyErr_NoMemory(); return -1; }
        t->a = a;
        t->cap = cap;
    }
    CTerm *c = &t->a[t->n];
    c->text = Py_NewRef(text);
    c->pos = pos;
    c->start = start;
    c->end = end;
    c->seq = t->n++;
    return 0;
}

static int cterm_cmp(const void *x, const void *y) {
    const CTerm *a = x, *b = y;
    if (a->pos != b->pos) return a->pos < b->pos ? -1 : 1;
    if (a->start != b->start) return a->start < b->start ? -1 : 1;
    return a->seq < b->seq ? -1 : a->seq > b->seq;
}

static PyObject *norm_form(Tok *t) {
    if (t->flags & F_LOWER) return PyObject_CallMethodNoArgs(t->form, s_lower);
    return Py_NewRef(t->form);
}

static void parts_clear(Part *parts, Py_ssize_t n) {
    for (Py_ssize_t k = 0; k < n; k++) {
        Py_CLEAR(parts[k].text);
        Py_CLEAR(parts[k].variants);
    }
}

/* The terms of one run of parts (analysis.terms_from_tokens' loop body). */
static int emit_run(Terms *out, Part *parts, Py_ssize_t np, PyObject *whole, long *pos) {
    long first = *pos;
    for (Py_ssize_t k = 0; k < np; k++) {
        Part *p = &parts[k];
        if (terms_add(out, p->text, *pos, p->start, p->end)) return -1;
        Py_ssize_t nv = p->variants ? PyTuple_GET_SIZE(p->variants) : 0;
        for (Py_ssize_t v = 0; v < nv; v++)
            if (terms_add(out, PyTuple_GET_ITEM(p->variants, v), *pos, p->start, p->end)) return -1;
        if ((p->flags & F_DECOMPOSE) && nv == 0 && PyUnicode_GET_LENGTH(p->text) >= cfg_min_decompose_len) {
            PyObject *subs = PyDict_GetItemWithError(cfg_decompositions, p->text);
            if (subs) {
                Py_INCREF(subs);
            } else {
                if (PyErr_Occurred()) return -1;
                subs = PyObject_CallOneArg(cfg_decompose, p->text);
                if (!subs) return -1;
            }
            PyObject *seq = PySequence_Fast(subs, "decompose must return a sequence");
            Py_DECREF(subs);
            if (!seq) return -1;
            for (Py_ssize_t s = 0; s < PySequence_Fast_GET_SIZE(seq); s++)
                if (terms_add(out, PySequence_Fast_GET_ITEM(seq, s), *pos + (long)s, p->start, p->end)) {
                    Py_DECREF(seq);
                    return -1;
                }
            Py_DECREF(seq);
        }
        (*pos)++;
    }
    if (whole) {
        long end = parts[np - 1].end;
        int w = PyUnicode_Tailmatch(whole, s_percent, 0, PY_SSIZE_T_MAX, 1);
        int l = w == 1 ? PyUnicode_Tailmatch(parts[np - 1].text, s_percent, 0, PY_SSIZE_T_MAX, 1) : 0;
        if (w < 0 || l < 0) return -1;
        if (w == 1 && l == 0) end += 1;
        if (terms_add(out, whole, first, parts[0].start, end)) return -1;
    }
    return 0;
}

static PyObject *terms_from_tokens(PyObject *self, PyObject *tokens_in) {
    if (!cfg_term_type) {
        PyErr_SetString(PyExc_RuntimeError, "_speedups.configure() was not called");
        return NULL;
    }
    PyObject *seq = PySequence_Fast(tokens_in, "tokens must be a sequence");
    if (!seq) return NULL;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    PyObject **items = PySequence_Fast_ITEMS(seq);
    Tok *toks = PyMem_Calloc(n ? n : 1, sizeof(Tok));
    Part *parts = PyMem_Calloc(n ? n : 1, sizeof(Part));
    Py_ssize_t *glue_at = PyMem_Malloc((n ? n : 1) * sizeof(Py_ssize_t));
    PyObject **glue_form = PyMem_Calloc(n ? n : 1, sizeof(PyObject *)); /* borrowed from toks */
    Terms out = {NULL, 0, 0};
    PyObject *result = NULL, *pieces = NULL;
    Py_ssize_t np = 0, ntok = 0;
    if (!toks || !parts || !glue_at || !glue_form) { PyErr_NoMemory(); goto done; }

    /* (form, tag, start, end) once per token: a Kiwi token's attributes are built on each access */
    for (; ntok < n; ntok++) {
        PyObject *t = items[ntok];
        Tok *k = &toks[ntok];
        k->form = PyObject_GetAttr(t, s_form);
        if (!k->form) goto done;
        k->tag = PyObject_GetAttr(t, s_tag);
        if (!k->tag) goto done;
        PyObject *st = PyObject_GetAttr(t, s_start);
        if (!st) goto done;
        k->start = PyLong_AsLong(st);
        Py_DECREF(st);
        PyObject *ln = PyObject_GetAttr(t, s_len);
        if (!ln) goto done;
        long len = PyLong_AsLong(ln);
        Py_DECREF(ln);
        if (PyErr_Occurred()) goto done;
        k->end = k->start + len;
        k->flags = flags_of(k->tag);
        if (k->flags < 0) goto done;
    }

    long pos = 0;
    Py_ssize_t i = 0;
    while (i < n) {
        Tok *t = &toks[i];
        if (!(t->flags & (F_RUN | F_XPN))) {
            if (t->flags & F_CONTENT) {
                int stop = 0;
                if (t->flags & F_VVVA) {
                    stop = PySet_Contains(cfg_stop_stems, t->form);
                    if (stop < 0) goto done;
                }
                if (!stop) {
                    parts[0].text = norm_form(t);
                    if (!parts[0].text) goto done;
                    parts[0].variants = NULL;
                    parts[0].start = t->start;
                    parts[0].end = t->end;
                    parts[0].flags = t->flags;
                    np = 1;
                    int r = emit_run(&out, parts, 1, NULL, &pos);
                    parts_clear(parts, np);
                    np = 0;
                    if (r) goto done;
                }
            }
            i++;
            continue;
        }
        Py_ssize_t ng = 0, j = i, prefix = -1;
        np = 0;
        while (j < n) {
            Tok *c = &toks[j];
            if (j > i && toks[j - 1].end != c->start) break;
            Tok *nxt = j + 1 < n ? &toks[j + 1] : NULL;
            if ((c->flags & F_XPN) && nxt && (nxt->flags & F_NOUN) && nxt->start == c->end) {
                prefix = j;
            } else if (c->flags & F_RUN) {
                PyObject *norm = norm_form(c);
                if (!norm) goto done;
                Part *p = &parts[np];
                p->start = c->start;
                p->end = c->end;
                p->flags = c->flags;
                p->variants = NULL;
                if (prefix >= 0) {
                    p->text = PyUnicode_Concat(toks[prefix].form, norm);
                    p->start = toks[prefix].start;
                    p->variants = p->text ? PyTuple_Pack(1, norm) : NULL;
                    Py_DECREF(norm);
                    prefix = -1;
                    np++;
                    if (!p->variants) goto done;
                } else if (c->flags & F_SH) {
                    p->text = norm;
                    np++;
                    PyObject *v = PyObject_CallOneArg(cfg_hanja_variants, norm);
                    if (!v) goto done;
                    p->variants = PySequence_Tuple(v);
                    Py_DECREF(v);
                    if (!p->variants) goto done;
                } else {
                    p->text = norm;
                    np++;
                }
            } else {
                int plain = 0, in_glue = 0;
                if ((c->flags & F_XSN) && np) {
                    plain = PySet_Contains(cfg_plain_suffixes, c->form);
                    if (plain < 0) goto done;
                }
                if (((c->flags & F_XSN) && np && !plain)
                    || ((c->flags & F_NNB) && np && j > i && (toks[j - 1].flags & F_SN))) {
                    Part *last = &parts[np - 1];
                    PyObject *text = PyUnicode_Concat(last->text, c->form);
                    if (!text) goto done;
                    Py_ssize_t nv = last->variants ? PyTuple_GET_SIZE(last->variants) : 0;
                    PyObject *vars = PyTuple_New(nv + 1);
                    if (!vars) { Py_DECREF(text); goto done; }
                    for (Py_ssize_t v = 0; v < nv; v++)
                        PyTuple_SET_ITEM(vars, v, Py_NewRef(PyTuple_GET_ITEM(last->variants, v)));
                    PyTuple_SET_ITEM(vars, nv, last->text); /* the reference moves */
                    last->text = text;
                    Py_XSETREF(last->variants, vars);
                    last->end = c->end;
                } else {
                    if (np) {
                        in_glue = PySet_Contains(cfg_alnum_glue, c->form);
                        if (in_glue < 0) goto done;
                        in_glue = in_glue && (parts[np - 1].flags & F_ALNUM) && nxt && (nxt->flags & F_ALNUM)
                                  && nxt->start == c->end;
                        if (!in_glue && (parts[np - 1].flags & F_SN)) {
                            int pc = PyUnicode_Compare(c->form, s_percent);
                            if (pc == -1 && PyErr_Occurred()) goto done;
                            in_glue = pc == 0;
                        }
                    }
                    if (!in_glue) break;
                    glue_at[ng] = np;
                    glue_form[ng] = c->form;
                    ng++;
                }
            }
            j++;
        }
        if (j == i) j++;
        if (np) {
            PyObject *whole = NULL;
            if (np > 1 || ng) {
                pieces = PyList_New(0);
                if (!pieces) goto done;
                for (Py_ssize_t k = 0; k < np; k++) {
                    if (PyList_Append(pieces, parts[k].text)) goto done;
                    /* dict(glue): the last glue after the (k+1)th part wins */
                    PyObject *g = NULL;
                    for (Py_ssize_t q = 0; q < ng; q++)
                        if (glue_at[q] == k + 1) g = glue_form[q];
                    if (g && PyList_Append(pieces, g)) goto done;
                }
                whole = PyUnicode_Join(s_empty, pieces);
                Py_CLEAR(pieces);
                if (!whole) goto done;
            }
            int r = emit_run(&out, parts, np, whole, &pos);
            Py_XDECREF(whole);
            parts_clear(parts, np);
            np = 0;
            if (r) goto done;
        }
        i = j;
    }

    /* Whoosh delta-encodes each term's positions: keep them ascending (a stable sort) */
    qsort(out.a, out.n, sizeof(CTerm), cterm_cmp);
    result = PyList_New(out.n);
    if (!result) goto done;
    PyTypeObject *tt = (PyTypeObject *)cfg_term_type;
    for (Py_ssize_t k = 0; k < out.n; k++) {
        CTerm *c = &out.a[k];
        PyObject *obj = tt->tp_alloc(tt, 0);
        PyObject *pv = obj ? PyLong_FromLong(c->pos) : NULL;
        PyObject *sv = pv ? PyLong_FromLong(c->start) : NULL;
        PyObject *ev = sv ? PyLong_FromLong(c->end) : NULL;
        if (!ev) {
            Py_XDECREF(obj);
            Py_XDECREF(pv);
            Py_XDECREF(sv);
            Py_CLEAR(result);
            goto done;
        }
        *(PyObject **)((char *)obj + off_text) = Py_NewRef(c->text);
        *(PyObject **)((char *)obj + off_pos) = pv;
        *(PyObject **)((char *)obj + off_start) = sv;
        *(PyObject **)((char *)obj + off_end) = ev;
        PyList_SET_ITEM(result, k, obj);
    }
done:
    Py_XDECREF(pieces);
    if (parts) parts_clear(parts, np);
    if (toks)
        for (Py_ssize_t k = 0; k < ntok + (ntok < n ? 1 : 0) && k < n; k++) {
            Py_XDECREF(toks[k].form);
            Py_XDECREF(toks[k].tag);
        }
    for (Py_ssize_t k = 0; k < out.n; k++) Py_DECREF(out.a[k].text);
    PyMem_Free(out.a);
    PyMem_Free(toks);
    PyMem_Free(parts);
    PyMem_Free(glue_at);
    PyMem_Free(glue_form);
    Py_DECREF(seq);
    return result;
}

/* ---- read_postings ---------------------------------------------------------------------------- */

/* The pickles of posting blocks read without building their objects: numbers and tuples of numbers
   are kept (the block's ids and weights), everything else (the values: bytes objects, pickled as
   _codecs.encode reductions) is stepped over as opaque. */
enum { PK_NUM, PK_NONE, PK_TUP, PK_OPAQUE, PK_MARK };

typedef struct {
    int kind;
    Py_ssize_t first, count; /* PK_NUM: nums[first]; PK_TUP: nums[first .. first + count) */
    Py_ssize_t op_at;        /* where the opcode that pushed it begins */
} PkItem;

typedef struct {
    PkItem *items;
    Py_ssize_t nitems, capitems;
    double *nums;
    Py_ssize_t nnums, capnums;
    int nomem;
    Py_ssize_t at; /* where the values begin, after an early return of pk_run's `outer` mode */
    Py_ssize_t cur; /* the opcode being run */
} PkVM;

/* Room for one more of `len` elements of `size` bytes at *array (doubled when full); -1 out of memory. */
static int vm_room(PkVM *vm, void **array, Py_ssize_t len, Py_ssize_t *cap, size_t size) {
    if (len < *cap) return 0;
    Py_ssize_t more = *cap ? *cap * 2 : 256;
    void *p = PyMem_Realloc(*array, more * size);
    if (!p) { vm->nomem = 1; return -1; }
    *array = p;
    *cap = more;
    return 0;
}

static int vm_push(PkVM *vm, int kind, Py_ssize_t first, Py_ssize_t count) {
    if (vm_room(vm, (void **)&vm->items, vm->nitems, &vm->capitems, sizeof(PkItem))) return -1;
    vm->items[vm->nitems].kind = kind;
    vm->items[vm->nitems].first = first;
    vm->items[vm->nitems].count = count;
    vm->items[vm->nitems].op_at = vm->cur;
    vm->nitems++;
    return 0;
}

static int vm_num(PkVM *vm, double x) {
    if (vm_room(vm, (void **)&vm->nums, vm->nnums, &vm->capnums, sizeof(double))) return -1;
    vm->nums[vm->nnums] = x;
    return vm_push(vm, PK_NUM, vm->nnums++, 1);
}

/* The top k items made one tuple: numeric when they are numbers one after the other, else opaque. */
static int vm_tuple(PkVM *vm, Py_ssize_t k) {
    if (k > vm->nitems) return -1;
    PkItem *it = vm->items + vm->nitems - k;
    int numeric = 1;
    for (Py_ssize_t i = 0; i < k; i++) {
        if (it[i].kind == PK_MARK) return -1;
        if (it[i].kind != PK_NUM || (i && it[i].first != it[i - 1].first + 1)) numeric = 0;
    }
    Py_ssize_t first = k ? it[0].first : vm->nnums;
    vm->nitems -= k;
    return numeric ? vm_push(vm, PK_TUP, first, k) : vm_push(vm, PK_OPAQUE, 0, 0);
}

static inline uint32_t le32(const unsigned char *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}

/* Runs the pickle in p[0..n). Returns the bytes read through STOP; with `outer` set, 0 as soon as the
   data tuple's ids and weights are on the stack (its values begun: a block's values are not read);
   -2 when p ends before that (more of it is needed), -1 for a pickle this reader does not follow. */
static Py_ssize_t pk_run(PkVM *vm, const unsigned char *p, Py_ssize_t n, int outer) {
    Py_ssize_t i = 0;
    vm->nitems = vm->nnums = 0;
#define NEED(k) do { if (i + (Py_ssize_t)(k) > n) return outer ? -2 : -1; } while (0)
#define PUSH(kind) do { if (vm_push(vm, (kind), 0, 0)) return -1; } while (0)
#define NUM(x) do { if (vm_num(vm, (x))) return -1; } while (0)
    while (i < n) {
        if (outer && vm->nitems >= 3 && vm->items[0].kind == PK_TUP && vm->items[1].kind != PK_MARK
            && vm->items[2].kind != PK_NUM) {
            vm->at = vm->items[2].op_at;
            return 0;
        }
        vm->cur = i;
        unsigned char op = p[i++];
        Py_ssize_t len;
        switch (op) {
        case 0x80: NEED(1); i += 1; break;                 /* PROTO */
        case 0x95: NEED(8); i += 8; break;                 /* FRAME */
        case 0x94: break;                                  /* MEMOIZE */
        case 'q': NEED(1); i += 1; break;                  /* BINPUT */
        case 'r': NEED(4); i += 4; break;                  /* LONG_BINPUT */
        case '(': PUSH(PK_MARK); break;
        case 'K': NEED(1); NUM(p[i]); i += 1; break;
        case 'M': NEED(2); NUM(p[i] | (p[i + 1] << 8)); i += 2; break;
        case 'J': NEED(4); NUM((double)(int32_t)le32(p + i)); i += 4; break;
        case 0x8a: {                                       /* LONG1 */
            NEED(1);
            len = p[i++];
            if (len > 8) return -1;
            NEED(len);
            uint64_t u = 0;
            for (Py_ssize_t k = len - 1; k >= 0; k--) u = (u << 8) | p[i + k];
            if (len && len < 8 && (p[i + len - 1] & 0x80)) u |= ~(uint64_t)0 << (8 * len);
            NUM((double)(int64_t)u);
            i += len;
            break;
        }
        case 'G': {                                        /* BINFLOAT, big-endian */
            NEED(8);
            uint64_t u = 0;
            for (int k = 0; k < 8; k++) u = (u << 8) | p[i + k];
            double x;
            memcpy(&x, &u, 8);
            NUM(x);
            i += 8;
            break;
        }
        case 0x88: NUM(1); break;                          /* NEWTRUE */
        case 0x89: NUM(0); break;                          /* NEWFALSE */
        case 'N': PUSH(PK_NONE); break;
        case ')': if (vm_push(vm, PK_TUP, vm->nnums, 0)) return -1; break;
        case 0x85: case 0x86: case 0x87:                   /* TUPLE1-3 */
            if (outer && op == 0x87 && vm->nitems == 3 && vm->items[0].kind == PK_TUP) return 0;
            if (vm_tuple(vm, op - 0x84)) return -1;
            break;
        case 't': {
            Py_ssize_t m = vm->nitems - 1;
            while (m >= 0 && vm->items[m].kind != PK_MARK) m--;
            if (m < 0) return -1;
            Py_ssize_t k = vm->nitems - m - 1;
            memmove(vm->items + m, vm->items + m + 1, k * sizeof(PkItem));
            vm->nitems--;
            if (vm_tuple(vm, k)) return -1;
            break;
        }
        case 'h': NEED(1); i += 1; PUSH(PK_OPAQUE); break; /* BINGET */
        case 'j': NEED(4); i += 4; PUSH(PK_OPAQUE); break; /* LONG_BINGET */
        case 'c':                                          /* GLOBAL: two lines */
            for (int k = 0; k < 2; k++) {
                while (i < n && p[i] != '\n') i++;
                NEED(1);
                i++;
            }
            PUSH(PK_OPAQUE);
            break;
        case 'X': case 'B': case 'T':                      /* BINUNICODE, BINBYTES, BINSTRING */
            NEED(4); len = (Py_ssize_t)le32(p + i); i += 4; NEED(len); i += len; PUSH(PK_OPAQUE); break;
        case 0x8c: case 'C': case 'U':                     /* SHORT_BINUNICODE, SHORT_BINBYTES, SHORT_BINSTRING */
            NEED(1); len = p[i++]; NEED(len); i += len; PUSH(PK_OPAQUE); break;
        case 'R': case 0x93:                               /* REDUCE, STACK_GLOBAL */
            if (vm->nitems < 2 || vm->items[vm->nitems - 1].kind == PK_MARK
                || vm->items[vm->nitems - 2].kind == PK_MARK) return -1;
            vm->nitems -= 2;
            PUSH(PK_OPAQUE);
            break;
        case '.': return i;
        default: return -1;
        }
    }
    return outer ? -2 : -1;
#undef NEED
#undef PUSH
#undef NUM
}

#ifdef NEWSEARCH_PY_ZLIB
static PyObject *zlib_decompress;

/* zlib.decompress(p[0..n)), or NULL with no exception set when it is not a zlib stream (or out of memory). */
static PyObject *py_inflate(const unsigned char *p, Py_ssize_t n) {
    PyObject *src = PyBytes_FromStringAndSize((const char *)p, n);
    PyObject *out = src ? PyObject_CallFunctionObjArgs(zlib_decompress, src, NULL) : NULL;
    Py_XDECREF(src);
    if (!out) PyErr_Clear();
    return out;
}
#else
/* Inflates src into out, `want` more bytes at a time (the stream `zs`, begun by the caller). 1 when the
   stream ended, 0 when `want` more bytes were added, -1 for data that is not a zlib stream, -2 out of memory. */
static int inflate_more(z_stream *zs, Buf *out, Py_ssize_t want) {
    if (buf_reserve(out, want)) return -2;
    zs->next_out = (Bytef *)(out->p + out->len);
    zs->avail_out = (uInt)want;
    int rc = inflate(zs, Z_NO_FLUSH);
    out->len = (char *)zs->next_out - out->p;
    if (rc == Z_STREAM_END) return 1;
    if (rc == Z_OK || (rc == Z_BUF_ERROR && zs->avail_out == 0)) return zs->avail_out == 0 ? 0 : -1;
    return -1;
}
#endif

/* read_postings(data, base) -> (docnums int32 bytes, weights float32 bytes, block starts, block places)
   or None. `data` is a term's whole W3 posting list (the "W3Bl" magic, then per block its signed
   big-endian length, pickled info and pickled, maybe deflated, data) read from `base` in the postings
   file; each block's place is (offset, length, compression) of its data there, as positions() reads
   it. None when the blocks are not as this reader expects (the caller then reads them through Whoosh). */
static PyObject *read_postings(PyObject *self, PyObject *args) {
    Py_buffer view;
    long long base;
    if (!PyArg_ParseTuple(args, "y*L", &view, &base)) return NULL;
    const unsigned char *p = view.buf;
    Py_ssize_t n = view.len, pos = 4, count = 0;
    PkVM vm = {0};
    Buf ids = {0}, ws = {0}, raw = {0};
#ifndef NEWSEARCH_PY_ZLIB
    z_stream zs; /* one inflater for every block, reset between them */
    int zs_ready = 0;
    memset(&zs, 0, sizeof zs);
#endif
    PyObject *starts = PyList_New(0), *places = PyList_New(0), *result = NULL;
    int bad = 0;
    if (!starts || !places) goto done;
    if (n < 4 || memcmp(p, "W3Bl", 4)) bad = 1;
    for (int last = bad; !last;) {
        if (pos + 4 > n) { bad = 1; break; }
        int32_t blen = (int32_t)(((uint32_t)p[pos] << 24) | ((uint32_t)p[pos + 1] << 16) | ((uint32_t)p[pos + 2] << 8) | p[pos + 3]);
        last = blen < 0;
        Py_ssize_t len = last ? -(Py_ssize_t)blen : blen, at = pos + 4, next = at + len;
        if (next > n) { bad = 1; break; }
        /* the info: (length, last id, max weight, compression, min length, max length) */
        Py_ssize_t used = pk_run(&vm, p + at, len, 0);
        if (used < 0 || vm.nitems != 1 || vm.items[0].kind != PK_TUP || vm.items[0].count != 6) { bad = 1; break; }
        double *info = vm.nums + vm.items[0].first;
        Py_ssize_t m = (Py_ssize_t)info[0];
        long comp = (long)info[3];
        if (m <= 0 || m > 1 << 20) { bad = 1; break; }
        Py_ssize_t data_at = at + used, data_len = next - data_at;
        PyObject *place = Py_BuildValue("(LnL)", base + (long long)data_at, data_len, (long long)comp);
        PyObject *start = PyLong_FromSsize_t(count);
        int err = !place || !start || PyList_Append(places, place) || PyList_Append(starts, start);
        Py_XDECREF(place);
        Py_XDECREF(start);
        if (err) goto done;
        /* the data: (id deltas, weights, values) */
        const unsigned char *d = p + data_at;
        Py_ssize_t dn = data_len;
        PyObject *inflated = NULL;
        if (comp) {
#ifdef NEWSEARCH_PY_ZLIB
            inflated = py_inflate(d, dn);
            if (!inflated) { bad = 1; break; }
            d = (const unsigned char *)PyBytes_AS_STRING(inflated);
            dn = PyBytes_GET_SIZE(inflated);
#endif
        }
        Py_ssize_t r;
#ifndef NEWSEARCH_PY_ZLIB
        if (comp) {
            /* only as much of the block as its ids and weights take (they come before the values) */
            if (!zs_ready) {
                if (inflateInit(&zs) != Z_OK) { PyErr_NoMemory(); goto done; }
                zs_ready = 1;
            } else if (inflateReset(&zs) != Z_OK) {
                bad = 1;
                break;
            }
            zs.next_in = (Bytef *)d;
            zs.avail_in = (uInt)dn;
            raw.len = 0;
            int rc = 0;
            r = -2;
            for (Py_ssize_t want = 2048; r == -2 && rc == 0; want *= 2) {
                rc = inflate_more(&zs, &raw, want);
                if (rc >= 0) r = pk_run(&vm, (const unsigned char *)raw.p, raw.len, 1);
            }
            if (rc == -2) { PyErr_NoMemory(); goto done; }
        } else
#endif
            r = pk_run(&vm, d, dn, 1);
        Py_XDECREF(inflated);
        if (vm.nomem) { PyErr_NoMemory(); goto done; }
        if (r != 0 || vm.items[0].count != m) { bad = 1; break; }
        PkItem wi = vm.items[1];
        if (!(wi.kind == PK_NONE || wi.kind == PK_NUM || (wi.kind == PK_TUP && wi.count == m))) { bad = 1; break; }
        if (buf_reserve(&ids, m * 4) || buf_reserve(&ws, m * 4)) goto done;
        double *deltas = vm.nums + vm.items[0].first, doc = 0;
        int32_t *io = (int32_t *)(ids.p + ids.len);
        float *wo = (float *)(ws.p + ws.len);
        for (Py_ssize_t k = 0; k < m; k++) {
            doc += deltas[k];
            if (doc < 0 || doc > 2147483647.0) { bad = 1; break; }
            io[k] = (int32_t)doc;
            wo[k] = wi.kind == PK_NONE ? 1.0f : (float)vm.nums[wi.kind == PK_NUM ? wi.first : wi.first + k];
        }
        if (bad) break;
        ids.len += m * 4;
        ws.len += m * 4;
        count += m;
        pos = next;
    }
    if (vm.nomem) { PyErr_NoMemory(); goto done; }
    if (bad) { result = Py_None; Py_INCREF(result); goto done; }
    PyObject *ib = PyBytes_FromStringAndSize(ids.p ? ids.p : "", ids.len);
    PyObject *wb = PyBytes_FromStringAndSize(ws.p ? ws.p : "", ws.len);
    if (ib && wb) result = PyTuple_Pack(4, ib, wb, starts, places);
    Py_XDECREF(ib);
    Py_XDECREF(wb);
done:
#ifndef NEWSEARCH_PY_ZLIB
    if (zs_ready) inflateEnd(&zs);
#endif
    PyBuffer_Release(&view);
    PyMem_Free(vm.items);
    PyMem_Free(vm.nums);
    PyMem_Free(ids.p);
    PyMem_Free(ws.p);
    PyMem_Free(raw.p);
    Py_XDECREF(starts);
    Py_XDECREF(places);
    return result;
}

/* ---- block_values, decode_characters ------------------------------------------------------------- */

static inline int skip_memo_put(const unsigned char *p, Py_ssize_t n, Py_ssize_t *i) {
    if (*i < n && p[*i] == 'q') { if (*i + 2 > n) return -1; *i += 2; }
    else if (*i < n && p[*i] == 'r') { if (*i + 5 > n) return -1; *i += 5; }
    else if (*i < n && p[*i] == 0x94) *i += 1;
    return 0;
}

static inline int skip_memo_get(const unsigned char *p, Py_ssize_t n, Py_ssize_t *i) {
    if (*i < n && p[*i] == 'h') { if (*i + 2 > n) return -1; *i += 2; return 1; }
    if (*i < n && p[*i] == 'j') { if (*i + 5 > n) return -1; *i += 5; return 1; }
    return 0;
}

/* One bytes value of a block's values tuple at p[*i]: `_codecs.encode(its latin-1 text, "latin1")` as
   protocol 2 writes it (the global and the codec's name by memo after the first), or plain bytes.
   NULL without an exception for anything else. */
static PyObject *pk_bytes_value(const unsigned char *p, Py_ssize_t n, Py_ssize_t *at) {
    Py_ssize_t i = *at;
    if (i < n && (p[i] == 'C' || p[i] == 'B')) {
        Py_ssize_t len;
        if (p[i] == 'C') { if (i + 2 > n) return NULL; len = p[i + 1]; i += 2; }
        else { if (i + 5 > n) return NULL; len = (Py_ssize_t)le32(p + i + 1); i += 5; }
        if (i + len > n) return NULL;
        PyObject *v = PyBytes_FromStringAndSize((const char *)p + i, len);
        i += len;
        if (v && skip_memo_put(p, n, &i)) { Py_DECREF(v); return NULL; }
        *at = i;
        return v;
    }
    if (i + 16 <= n && !memcmp(p + i, "c_codecs\nencode\n", 16)) {
        i += 16;
        if (skip_memo_put(p, n, &i)) return NULL;
    } else if (skip_memo_get(p, n, &i) != 1) {
        return NULL;
    }
    if (i + 5 > n || p[i] != 'X') return NULL;
    Py_ssize_t ulen = (Py_ssize_t)le32(p + i + 1);
    i += 5;
    if (i + ulen > n) return NULL;
    const unsigned char *u = p + i;
    Py_ssize_t len = 0;
    for (Py_ssize_t k = 0; k < ulen; k++) len += (u[k] & 0xc0) != 0x80;
    PyObject *v = PyBytes_FromStringAndSize(NULL, len);
    if (!v) return NULL;
    unsigned char *o = (unsigned char *)PyBytes_AS_STRING(v);
    for (Py_ssize_t k = 0; k < ulen;) {
        unsigned char c = u[k];
        if (c < 0x80) { *o++ = c; k++; }
        else if ((c == 0xc2 || c == 0xc3) && k + 1 < ulen && (u[k + 1] & 0xc0) == 0x80) {
            *o++ = (unsigned char)(((c & 0x1f) << 6) | (u[k + 1] & 0x3f));
            k += 2;
        } else { Py_DECREF(v); return NULL; }  /* not latin-1 text */
    }
    i += ulen;
    int bad = skip_memo_put(p, n, &i);
    if (!bad) {
        if (i + 11 <= n && !memcmp(p + i, "X\x06\x00\x00\x00latin1", 11)) { i += 11; bad = skip_memo_put(p, n, &i); }
        else bad = skip_memo_get(p, n, &i) != 1;
    }
    if (!bad && i < n && p[i] == 0x86) { i++; bad = skip_memo_put(p, n, &i); } else bad = 1;
    if (!bad && i < n && p[i] == 'R') { i++; bad = skip_memo_put(p, n, &i); } else bad = 1;
    if (bad) { Py_DECREF(v); return NULL; }
    *at = i;
    return v;
}

/* block_values(data, compression) -> tuple of bytes, or None: pickle.loads(data, inflated when
   `compression`)[2], the values of one posting block, for the blocks this reader follows. */
static PyObject *block_values(PyObject *self, PyObject *args) {
    Py_buffer view;
    int comp;
    if (!PyArg_ParseTuple(args, "y*i", &view, &comp)) return NULL;
    const unsigned char *d = view.buf;
    Py_ssize_t n = view.len, i;
    PkVM vm = {0};
    Buf raw = {0};
    PyObject *out = NULL, *result = NULL;
#ifdef NEWSEARCH_PY_ZLIB
    PyObject *inflated = NULL;
    if (comp) {
        inflated = py_inflate(d, n);
        if (!inflated) goto none;
        d = (const unsigned char *)PyBytes_AS_STRING(inflated);
        n = PyBytes_GET_SIZE(inflated);
    }
#else
    if (comp) {
        z_stream zs;
        memset(&zs, 0, sizeof zs);
        if (inflateInit(&zs) != Z_OK) { PyErr_NoMemory(); goto done; }
        zs.next_in = (Bytef *)d;
        zs.avail_in = (uInt)n;
        int rc = 0;
        for (Py_ssize_t want = n * 4 + 1024; rc == 0; want *= 2) rc = inflate_more(&zs, &raw, want);
        inflateEnd(&zs);
        if (rc == -2) { PyErr_NoMemory(); goto done; }
        if (rc != 1) goto none;
        d = (const unsigned char *)raw.p;
        n = raw.len;
    }
#endif
    if (pk_run(&vm, d, n, 1) != 0) {
        if (vm.nomem) { PyErr_NoMemory(); goto done; }
        goto none;
    }
    Py_ssize_t m = vm.items[0].count;
    i = vm.at;
    if (i < n && d[i] == ')') {
        out = PyTuple_New(0);
        i++;
        if (!out) goto done;
    } else {
        if (m > 3) {
            if (i >= n || d[i] != '(') goto none;
            i++;
        }
        out = PyTuple_New(m);
        if (!out) goto done;
        for (Py_ssize_t k = 0; k < m; k++) {
            PyObject *v = pk_bytes_value(d, n, &i);
            if (!v) { if (PyErr_Occurred()) goto done; goto none; }
            PyTuple_SET_ITEM(out, k, v);
        }
        if (i >= n || d[i] != (m > 3 ? 't' : 0x84 + m)) goto none;
        i++;
    }
    if (skip_memo_put(d, n, &i) || i >= n || d[i] != 0x87) goto none;
    result = out;
    out = NULL;
    goto done;
none:
    result = Py_None;
    Py_INCREF(result);
done:
#ifdef NEWSEARCH_PY_ZLIB
    Py_XDECREF(inflated);
#endif
    Py_XDECREF(out);
    PyBuffer_Release(&view);
    PyMem_Free(vm.items);
    PyMem_Free(vm.nums);
    PyMem_Free(raw.p);
    return result;
}

/* decode_characters(value) -> list of (position, start char, end char), or None: Whoosh's
   Characters.decode_characters for the values this reader follows (a 4-byte count, then the
   protocol-2 pickle of a list of (position delta, start delta, length) tuples). */
static PyObject *decode_characters(PyObject *self, PyObject *arg) {
    char *buf;
    Py_ssize_t n;
    if (PyBytes_AsStringAndSize(arg, &buf, &n)) return NULL;
    const unsigned char *p = (const unsigned char *)buf;
    Py_ssize_t i = 4;
    if (n < 7 || p[i] != 0x80 || p[i + 2] != ']') Py_RETURN_NONE;
    i += 3;
    if (skip_memo_put(p, n, &i)) Py_RETURN_NONE;
    PyObject *out = PyList_New(0);
    if (!out) return NULL;
    long position = 0, endchar = 0;
    while (i < n && p[i] != '.') {
        unsigned char op = p[i];
        if (op == '(' || op == 'e' || op == 'a') { i++; continue; }
        long code[3];
        for (int k = 0; k < 3; k++) {
            if (i >= n) goto none;
            op = p[i++];
            if (op == 'K' && i + 1 <= n) { code[k] = p[i]; i += 1; }
            else if (op == 'M' && i + 2 <= n) { code[k] = p[i] | (p[i + 1] << 8); i += 2; }
            else if (op == 'J' && i + 4 <= n) { code[k] = (long)(int32_t)le32(p + i); i += 4; }
            else goto none;
        }
        if (i >= n || p[i] != 0x87) goto none;
        i++;
        if (skip_memo_put(p, n, &i)) goto none;
        position += code[0];
        long startchar = code[1] + endchar;
        endchar = code[2] + startchar;
        PyObject *t = Py_BuildValue("(lll)", position, startchar, endchar);
        if (!t || PyList_Append(out, t)) { Py_XDECREF(t); Py_DECREF(out); return NULL; }
        Py_DECREF(t);
    }
    return out;
none:
    Py_DECREF(out);
    Py_RETURN_NONE;
}

/* ---- module ---------------------------------------------------------------------------------- */

static PyMethodDef methods[] = {
    {"add_characters", add_characters, METH_VARARGS,
     "add_characters(ftable, docnum, terms) -> number of distinct texts added"},
    {"configure", configure, METH_VARARGS,
     "configure(tag_flags, stop_stems, plain_suffixes, alnum_glue, Term, hanja_variants, decompose,"
     " decompositions, min_decompose_len): what terms_from_tokens needs from newsearch.analysis"},
    {"terms_from_tokens", terms_from_tokens, METH_O, "terms_from_tokens(tokens) -> list of Term (see analysis.py)"},
    {"write_terms", write_terms, METH_VARARGS,
     "write_terms(ftable, lens, fieldid, blocklimit, fixedsize, comp, min_compress, ppos, tpos, lastkey,"
     " positions, buckets) -> (postings, term records, ppos, tpos, lastkey)"},
    {"hash_tables", hash_tables, METH_VARARGS, "hash_tables(buckets, start) -> (bytes, directory)"},
    {"md5_hash", md5_hash, METH_O, "md5_hash(key) -> int(md5(key).hexdigest(), 16) & 0xFFFFFFFF"},
    {"encode_term", encode_term, METH_VARARGS,
     "encode_term(docs, weights, values, lens, blocklimit, fixedsize, comp, min_compress)"
     " -> (bytes, weight, min length byte, max length byte, max weight)"},
    {"read_postings", read_postings, METH_VARARGS,
     "read_postings(data, base) -> (docnums int32 bytes, weights float32 bytes, block starts, block places) or None"},
    {"block_values", block_values, METH_VARARGS,
     "block_values(data, compression) -> tuple of bytes (pickle.loads of the block's data)[2], or None"},
    {"decode_characters", decode_characters, METH_O,
     "decode_characters(value) -> list of (position, start char, end char), or None"},
    {NULL, NULL, 0, NULL},
};

static struct PyModuleDef moddef = {PyModuleDef_HEAD_INIT, "_speedups", NULL, -1, methods};

static PyObject *import_attr(const char *module, const char *name) {
    PyObject *m = PyImport_ImportModule(module);
    if (!m) return NULL;
    PyObject *a = PyObject_GetAttrString(m, name);
    Py_DECREF(m);
    return a;
}

PyMODINIT_FUNC PyInit__speedups(void) {
    s_text = PyUnicode_InternFromString("text");
    s_pos = PyUnicode_InternFromString("pos");
    s_start = PyUnicode_InternFromString("start");
    s_end = PyUnicode_InternFromString("end");
    s_form = PyUnicode_InternFromString("form");
    s_tag = PyUnicode_InternFromString("tag");
    s_len = PyUnicode_InternFromString("len");
    s_lower = PyUnicode_InternFromString("lower");
    s_percent = PyUnicode_InternFromString("%");
    s_empty = PyUnicode_InternFromString("");
    if (!s_form || !s_tag || !s_len || !s_lower || !s_percent || !s_empty) return NULL;
    code_I = PyUnicode_FromString("I");
    code_f = PyUnicode_FromString("f");
    proto2 = PyLong_FromLong(2);
    array_type = import_attr("array", "array");
    array_append = array_type ? PyObject_GetAttrString(array_type, "append") : NULL;
    pickle_dumps = import_attr("pickle", "dumps");
    zlib_compress = import_attr("zlib", "compress");
#ifdef NEWSEARCH_PY_ZLIB
    zlib_decompress = import_attr("zlib", "decompress");
    if (!zlib_decompress) return NULL;
#endif
    if (!s_text || !s_pos || !s_start || !s_end || !code_I || !code_f || !proto2 || !array_type || !array_append
        || !pickle_dumps || !zlib_compress)
        return NULL;
    return PyModule_Create(&moddef);
}
