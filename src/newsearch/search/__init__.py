"""The search core above every store: the request and result model, the query language parsed once,
highlighting, evaluation, and `Searcher`, which runs a request through a store (search/contract.py).

- `model.py`: `SearchRequest`, `Results`, `Hit`, `Snippet`, `Reason`;
- `querylang.py`: user input -> `QueryTree`; `settings.py`: `Ranking`, the scoring settings;
- `contract.py`: `Store`, what each backend implements; `core.py`: `Searcher`;
- `highlight.py`: snippets from character spans; `evaluate.py`: nDCG, MRR, recall of judged queries.
"""

from .core import Searcher
from .model import Hit, Reason, Results, SearchRequest, Snippet
from .settings import Ranking

__all__ = ["Hit", "Ranking", "Reason", "Results", "SearchRequest", "Searcher", "Snippet"]
