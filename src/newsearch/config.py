"""Paths and defaults, with environment overrides."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent


def _web_dir() -> Path:
    """The folder holding templates/ and static/: the installed copy, else the repo's web/."""
    try:
        import newsearch.webassets as assets

        for entry in getattr(assets, "__path__", []):
            if (Path(entry) / "templates").is_dir():
                return Path(entry)
    except ImportError:
        pass
    return PACKAGE_DIR.parent.parent / "web"


def index_dir() -> Path:
    """Default index location: $NEWSEARCH_INDEX or ./index."""
    return Path(os.environ.get("NEWSEARCH_INDEX", "index"))


def seeds_dir() -> Path:
    """Default source folder: $NEWSEARCH_SEEDS or ./seeds."""
    return Path(os.environ.get("NEWSEARCH_SEEDS", "seeds"))


def kiwi_workers() -> int:
    """Kiwi analysis threads: $NEWSEARCH_THREADS or the number of cores."""
    value = os.environ.get("NEWSEARCH_THREADS")
    if value and value.isdigit() and int(value) > 0:
        return int(value)
    return os.cpu_count() or 1


def today() -> date:
    """The day period presets (1일, 1주, ...) count back from: $NEWSEARCH_TODAY (YYYY-MM-DD, for tests and
    demonstrations over an old archive), else the machine's date."""
    value = os.environ.get("NEWSEARCH_TODAY", "").strip()
    if value:
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    return date.today()


WEB_DIR = _web_dir()
DATA_DIR = PACKAGE_DIR / "data"
