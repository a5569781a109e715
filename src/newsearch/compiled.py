"""The compiled twins of indexing's hottest loops (`_speedups.c`), when they were built.

`speedups` is the extension module, or None: then analysis.py and whoosh_fast.py run their pure-Python
versions, which give the same terms and the same index bytes (tests/test_speedups.py). Setting
NEWSEARCH_PURE_PYTHON=1 turns the compiled ones off.
"""

from __future__ import annotations

import os


def _load():
    if os.environ.get("NEWSEARCH_PURE_PYTHON"):
        return None
    try:
        from . import _speedups
    except ImportError:  # built without a C compiler
        return None
    return _speedups


speedups = _load()
