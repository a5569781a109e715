"""The embedded store: everything that imports whoosh lives in this package.

- `schema.py`: the fields, and Kiwi's terms handed to Whoosh as tokens;
- `store.py`: the index folder: open, create, write lock, atomic rebuild swap;
- `writer.py`: `WhooshWriter`, the ingest pipeline's writer; `segment_writer.py` writes segments fast;
- `segment_files.py`: segment files read through one shared mapping;
- `queries.py`: the query tree as Whoosh queries;
- term-at-a-time ranking over whole posting lists with numpy: `postings.py` (decoded postings, a
  process-wide cache, per-index arrays), `scorer.py` (a query tree scored as arrays), `proximity.py`
  (phrases, near pairs, best passages), `collect.py` (top-k, facets, filter masks), `snapshot.py`
  (all of them for one Whoosh searcher);
- `searcher.py`: `WhooshStore`, the search contract over an index folder.
"""
