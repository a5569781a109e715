"""Korean analysis with Kiwi: what a text is indexed as, and what a query looks for.

- `terms.py`: the rules turning Kiwi tokens into index terms (`Term`), with a compiled twin;
- `analyzer.py`: `Analyzer`, one Kiwi with one user dictionary (terms, query concepts, phrases);
- `concepts.py`: `QueryUnit`, one concept of a query and the forms it may match;
- `feed.py`: keeps Kiwi's worker threads busy on a stream of texts;
- `vocabulary.py`: user dictionary and synonym files; `hanja.py`: Hangul readings of Hanja.
"""

from .analyzer import Analyzer, fingerprint
from .concepts import QueryUnit
from .terms import Term
from .vocabulary import UserWord, VocabularyError

__all__ = ["Analyzer", "QueryUnit", "Term", "UserWord", "VocabularyError", "fingerprint"]
