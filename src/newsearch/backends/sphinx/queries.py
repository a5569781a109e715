"""The query tree (search/querylang.py) as a Sphinx extended-syntax MATCH expression.

The same concepts as the Whoosh store: each concept matches any of its forms (a term, or its
parts as a phrase); a part of a compound alone never matches. searchd's ranker (searcher.DEFAULT_RANKER) picks the
candidates, which rescore.py scores as the Whoosh store does.
"""

from __future__ import annotations

import re

from ...entities.keys import name_key
from ...search.querylang import AnyOf, Entity, Node, Phrase, QueryTree
from .documents import token

_QUERY_ESCAPE = re.compile(r"([^\w\s])")


def escape(tok: str) -> str:
    """A token escaped for Sphinx's extended query syntax."""
    return _QUERY_ESCAPE.sub(r"\\\1", tok)


def alt_expr(alt: tuple[str, ...]) -> str:
    """One form: a term, or a phrase of terms."""
    if len(alt) == 1:
        return escape(token(alt[0]))
    return '"' + " ".join(escape(token(t)) for t in alt) + '"'


def _scope(fieldname: str | None, expr: str) -> str:
    return f"(@{fieldname} {expr})" if fieldname else f"({expr})"


def _exprs(node: Node) -> list[str]:
    """One expression per concept of the node."""
    if isinstance(node, AnyOf):
        subs = [e for m in node.members for e in _exprs(m)]
        return ["(" + " | ".join(subs) + ")"] if subs else []
    if isinstance(node, Phrase):
        return [_scope(node.fieldname, alt_expr(tuple(node.words)))]
    if isinstance(node, Entity):
        return [_scope(node.kind, escape(token(name_key(node.name))))]
    out = []
    for u in node.units:
        # Any form of the concept; a compound's parts match only together (as a phrase), never alone.
        alts = [alt_expr(a) for a in u.alternatives]
        out.append(_scope(node.fieldname, alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")"))
    return out


def _parts(tree: QueryTree) -> list[str]:
    """The parts of the query's compounds (each compound's first split), as terms."""
    out = []
    for node in (*tree.should, *tree.must):
        if isinstance(node, (AnyOf, Phrase, Entity)):
            continue
        for u in node.units:
            out += [_scope(node.fieldname, escape(token(t))) for t in u.parts()]
    return list(dict.fromkeys(out))


def build_match(tree: QueryTree) -> str:
    """The MATCH expression of a parsed query that has something to search (`tree.reason` is None)."""
    should = [e for n in tree.should for e in _exprs(n)]
    must = [e for n in tree.must for e in _exprs(n)]
    must_not = [e for n in tree.must_not for e in _exprs(n)]
    any_of = "(" + " | ".join(should) + ")" if should else ""
    if must:
        expr = "(" + " ".join(must) + ")"
        if any_of:
            expr = f"({expr} MAYBE {any_of})"
    else:
        expr = any_of
    parts = _parts(tree)
    if expr and parts:  # a compound's parts add to the rank of whatever matches (rescore.py scores them)
        expr = f"({expr} MAYBE (" + " | ".join(parts) + "))"
    names = [e for n in tree.entities for e in _exprs(n)]  # narrow whatever else matches
    if names:
        expr = " ".join(names) + (f" {expr}" if expr else "")
    if must_not:
        expr = f"{expr} -(" + " | ".join(must_not) + ")"
    return expr
