"""From sources to a store: scan by content digest, analyse what changed, write through one pipeline.

- `sources.py`: folders, files and JSONL rows as `SourceDoc`s, and the `Problem`s met on the way;
- `scan.py`: one streaming pass: changed, unchanged and vanished documents (`Scan`, `UpdateStats`);
- `filemarks.py`: JSONL files unchanged since a run read them whole, not read again (`files.json`);
- `documents.py`: `IndexedDoc`, Kiwi's terms of an article and how title and body fields hold them;
- `shards.py`: `Shard`, the stable split of ids over parallel workers and nodes;
- `pipeline.py`: `update()` over the `StoreWriter` protocol that every store implements.
"""

from .documents import IndexedDoc
from .pipeline import StoreWriter, analysis_fingerprint, update
from .scan import UpdateStats
from .shards import Shard
from .sources import Problem, SourceDoc

__all__ = ["IndexedDoc", "Problem", "Shard", "SourceDoc", "StoreWriter", "UpdateStats", "analysis_fingerprint",
           "update"]
