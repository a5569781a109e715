"""The scale-out store: a distributed real-time index over several Sphinx `searchd` nodes.

- `nodes.py`: where the nodes are (environment) and each node's configuration;
- `cluster.py`: connections, one per node; `documents.py`: documents as the engine sees them;
- `queries.py`: the query tree as a MATCH expression;
- `writer.py`: `SphinxWriter`, the ingest pipeline's writer; `searcher.py`: `SphinxStore`, the search contract;
- `local.py`: a local cluster of searchd processes for tests and benchmarks (not used in production).
"""
