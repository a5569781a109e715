"""Errors every layer may raise and every face reports in one line (imported by any, imports none)."""


class StoreError(Exception):
    """A problem with an index store itself (missing, locked, unreadable, unreachable), with a reason."""


class Unavailable(StoreError):
    """A store's server does not answer (a Sphinx node is down)."""


class QueryRefused(StoreError):
    """A store's engine refused a query it was sent."""


class Unsupported(Exception):
    """A store cannot do what was asked; `reason` is the `search.Reason` that says what."""

    def __init__(self, reason):
        super().__init__(str(reason))
        self.reason = reason
