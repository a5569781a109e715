"""Named entities of a Korean news article: people, organisations, places and direct quotations with
their speakers, found by rules over Kiwi's tokens (no model, no Kiwi call: `extract` runs at indexing).

Modules:

- `model`: `Entities` and `Quote`, with `Entities.to_json` / `from_json`.
- `extractor`: `extract(title, title_tokens, body, body_tokens, reporter)`.
- `phrases`: Kiwi tokens → one code letter per token, and the noun runs worth reading as noun chunks
  and space-separated phrases with their particle (one-token runs kept as plain tuples, for speed).
- `words`: what one chunk is (Korean or foreign name, organisation, place, title, pointer, pronoun ...).
- `mentions`: phrase rules (name + title, name + organisation + title, age asides, `측`/`관계자`),
  collected in `Found`, and each subject phrase's reference.
- `listed`: listed organisations and regions, and institutions (`...학회`), found in the text itself
  (Kiwi reads many of them as common nouns: `국토교통부`, `수도권`).
- `quotes`: quotation spans, which of them are speech, sentences, and speakers.
- `bylines`: reporters' names and dateline/byline boilerplate to leave out.
- `lexicon`: surnames, given-name syllables, titles, organisation endings and well-known organisations.
- `gazetteer`: countries, provinces, 시/군/구, regions and foreign cities.
- `keys`, `evaluate`: name keys and scoring against hand-labelled gold (for the benchmark; `extract`
  does not use them).
"""

from .extractor import extract
from .model import Entities, Quote

__all__ = ["Entities", "Quote", "extract"]
