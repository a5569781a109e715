"""Kiwi's tokens of one text as plain lists (tags, forms, offsets), made once per text for the passes that walk
every token (titled.py, institutions.py, abbreviated.py): reading a token's attributes is what such a pass
costs, and lists make it once."""

from __future__ import annotations


class TokenLists:
    """`tags[i]`, `forms[i]`, `starts[i]`, `ends[i]` of token i; `n` tokens."""

    __slots__ = ("tags", "forms", "starts", "ends", "n")

    def __init__(self, tokens):
        self.tags = [t.tag for t in tokens]
        self.forms = [t.form for t in tokens]
        self.starts = [t.start for t in tokens]
        self.ends = [t.start + t.len for t in tokens]
        self.n = len(self.tags)

    def tagged(self, tag: str):
        """Indexes of the tokens tagged `tag`, in order (list.index: a C scan from one to the next)."""
        tags, j = self.tags, -1
        while True:
            try:
                j = tags.index(tag, j + 1)
            except ValueError:
                return
            yield j

    def glued(self, i: int) -> bool:
        """Token i follows token i - 1 with no space between (one written word)."""
        return i > 0 and self.starts[i] == self.ends[i - 1]
