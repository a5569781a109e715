"""The index schema, and Kiwi's terms handed to Whoosh as tokens."""

from __future__ import annotations

from whoosh import columns, fields
from whoosh.analysis import Token, Tokenizer

from ...analysis import Analyzer, Term


class AnalyzedText(str):
    """A string that carries its terms, so the index never runs Kiwi twice on it."""

    __slots__ = ("terms",)

    def __new__(cls, text: str, terms: list[Term]):
        obj = super().__new__(cls, text)
        obj.terms = terms
        return obj

    def __reduce__(self):  # stored as a plain string
        return (str, (str(self),))


class KiwiTokenizer(Tokenizer):
    """Whoosh tokenizer over Kiwi terms; honours positions, chars, start_pos and start_char.

    It holds no options (Whoosh pickles it into the schema): text arrives as `AnalyzedText`, and
    anything else is analysed without a user dictionary.
    """

    def __eq__(self, other):
        return other.__class__ is self.__class__

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs):
        token = Token(positions, chars, removestops=removestops, mode=mode, **kwargs)
        if not tokenize:
            token.original = token.text = value
            token.boost = 1.0
            if positions:
                token.pos = start_pos
            if chars:
                token.startchar = start_char
                token.endchar = start_char + len(value)
            yield token
            return
        terms = value.terms if isinstance(value, AnalyzedText) else Analyzer.for_words().terms(value)
        for term in terms:
            token.text = term.text
            token.boost = 1.0
            if keeporiginal:
                token.original = term.text
            token.stopped = False
            if positions:
                token.pos = start_pos + term.pos
            if chars:
                token.startchar = start_char + term.start
                token.endchar = start_char + term.end
            yield token


def KoreanAnalyzer():
    """The analyzer every text field of the index uses."""
    return KiwiTokenizer()


class TextColumn(fields.COLUMN):
    """A per-document string kept in a column only: neither an index term nor a stored field.

    For what is read back by document number, never searched: a document's source and content digest
    (`store.existing`, in bulk), and its title again for listing copies (`groups.GroupView.copy`). Nothing
    searches by them; as terms, the digests (one per document) were a quarter of a bulk
    load's term dictionary.
    """

    def __init__(self):
        super().__init__(columns.VarBytesColumn())

    def to_column_value(self, value):
        return value.encode("utf-8")

    def from_column_value(self, value):
        return value.decode("utf-8")


class BytesColumn(fields.COLUMN):
    """Per-document bytes kept in a column only: a body's near-duplicate signature (copies/)."""

    def __init__(self):
        super().__init__(columns.VarBytesColumn())

    def to_column_value(self, value):
        return bytes(value)

    def from_column_value(self, value):
        return value


def build_schema(ana=None) -> fields.Schema:
    """The one schema every index uses (`ana` replaces the Korean analyzer, for baselines)."""
    ana = ana or KoreanAnalyzer()
    return fields.Schema(
        id=fields.ID(stored=True, unique=True, sortable=True),
        source=TextColumn(),
        digest=TextColumn(),
        sig=BytesColumn(),
        headline=TextColumn(),  # the title again, for listing a hit's copies without unpickling bodies
        terms=TextColumn(),  # distinct letter-only terms of the document, for related words (forward.py)
        title=fields.TEXT(analyzer=ana, stored=True, phrase=True, chars=True),
        body=fields.TEXT(analyzer=ana, stored=True, phrase=True, chars=True),
        date=fields.ID(stored=True, sortable=True),
        publisher=fields.ID(stored=True, sortable=True),
        reporter=fields.ID(stored=True),  # one term, for the byline filter `기자:` (bylines.py)
        # Names found in the article (entities/), searched by `인물:`, `기관:`, `지역:`; the body's terms inside
        # its quotations, searched by `인용:`; and the entities as JSON, read back by document number.
        people=fields.TEXT(analyzer=ana, phrase=True, chars=True),
        orgs=fields.TEXT(analyzer=ana, phrase=True, chars=True),
        places=fields.TEXT(analyzer=ana, phrase=True, chars=True),
        quote=fields.TEXT(analyzer=ana, phrase=True, chars=True),
        ents=TextColumn(),
        url=fields.STORED(),
    )
