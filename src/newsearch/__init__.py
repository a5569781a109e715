"""newsearch: full-text search over Korean news."""

import logging

__version__ = "0.1.0"

# The library never configures logging; only the CLI does.
logging.getLogger(__name__).addHandler(logging.NullHandler())
