"""The embedded store: everything that imports whoosh lives in this package.

- `schema.py`: the fields, and Kiwi's terms handed to Whoosh as tokens;
- `store.py`: the index folder: open, create, write lock, atomic rebuild swap;
- `writer.py`: `WhooshWriter`, the ingest pipeline's writer; `segment_writer.py` writes segments fast;
- `segment_files.py`: segment files read through one shared mapping;
- `queries.py`: the query tree as Whoosh queries; `firstpass.py`: term-at-a-time scoring;
- `searcher.py`: `WhooshStore`, the search contract over an index folder.
"""
