"""The house rules of ARCHITECTURE.md, checked on the source: layers, one home for Whoosh, no cycles,
no private names crossing modules, short functions."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "newsearch"

# What each part may import from newsearch (the flow: extract -> analysis -> ingest -> search -> backends
# -> faces). `config`, `errors` and `compiled` import nothing of newsearch and may be imported by any.
BASE = {"config", "errors", "compiled"}
ALLOWED = {
    "config": set(), "errors": set(), "compiled": set(),
    "extract": BASE,
    "analysis": BASE,
    "copies": BASE,
    "entities": BASE,
    "ingest": BASE | {"extract", "analysis", "copies", "entities"},
    "search": BASE | {"analysis", "copies", "entities"},
    "backends": BASE | {"extract", "analysis", "copies", "entities", "ingest", "search"},
    "cli": None, "web": None, "__init__": BASE,  # None: anything
}
# Functions allowed past 60 lines, and why.
LONG_FUNCTIONS = {
    # Python twins of the C kernels in _speedups.c, kept statement for statement beside them (the tests
    # compare their bytes); split, they would also add calls per term to the pure-Python indexing path.
    ("backends/whoosh/segment_writer.py", "_write_table"),
    ("backends/whoosh/segment_writer.py", "_encode_term_py"),
}


def _modules() -> dict[str, ast.Module]:
    out = {}
    for path in sorted(SRC.rglob("*.py")):
        rel = path.relative_to(SRC).with_suffix("")
        parts = list(rel.parts)
        if parts[-1] == "__init__":
            parts = parts[:-1] or ["__init__"]
            is_pkg = True
        else:
            is_pkg = False
        tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
        tree.is_pkg = is_pkg  # type: ignore[attr-defined]
        tree.rel = path.relative_to(SRC).as_posix()  # type: ignore[attr-defined]
        out[".".join(parts)] = tree
    return out


MODULES = _modules()


def _imports(name: str, tree) -> list[tuple[str, list[str], int]]:
    """(module imported, names taken from it, line) of every import in `tree`, made absolute within newsearch."""
    package = name.split(".") if tree.is_pkg else name.split(".")[:-1]
    if name == "__init__":
        package = []
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for a in node.names:
                if a.name == "newsearch.webassets":  # web/ packaged as data, not code
                    continue
                if a.name.startswith("newsearch."):
                    out.append((a.name[len("newsearch."):], [], node.lineno))
                elif a.name.split(".")[0] not in ("newsearch",):
                    out.append(("<ext>" + a.name, [], node.lineno))
        elif isinstance(node, ast.ImportFrom):
            names = [a.name for a in node.names]
            if node.level:
                base = package[:len(package) - (node.level - 1)] if node.level > 1 else package
                target = ".".join(base + ([node.module] if node.module else []))
            elif node.module == "newsearch" or (node.module or "").startswith("newsearch."):
                target = node.module[len("newsearch."):] if "." in node.module else ""
            else:
                out.append(("<ext>" + (node.module or ""), names, node.lineno))
                continue
            for n in names:  # `from . import x`: x may be a submodule
                sub = f"{target}.{n}" if target else n
                if sub in MODULES:
                    out.append((sub, [], node.lineno))
                elif sub not in ("_speedups", "webassets"):  # the C extension; web/ packaged as data
                    out.append((target, [n], node.lineno))
    return out


def _top(module: str) -> str:
    return module.split(".")[0] if module else "__init__"


def test_only_backends_whoosh_imports_whoosh():
    offenders = [f"{t.rel}:{line}" for name, t in MODULES.items() for mod, _n, line in _imports(name, t)
                 if mod.startswith("<ext>whoosh") and not name.startswith("backends.whoosh")]
    assert not offenders


def test_layers_import_only_back_along_the_flow():
    offenders = []
    for name, tree in MODULES.items():
        allowed = ALLOWED[_top(name)]
        if allowed is None:
            continue
        for mod, _names, line in _imports(name, tree):
            if mod.startswith("<ext>") or mod == "_speedups":
                continue
            top = _top(mod)
            if top != _top(name) and top not in allowed:
                offenders.append(f"{tree.rel}:{line} imports {mod}")
    assert not offenders


def test_no_private_names_cross_modules():
    offenders = [f"{t.rel}:{line} takes {n} from {mod}" for name, t in MODULES.items()
                 for mod, names, line in _imports(name, t) if not mod.startswith("<ext>") and mod != name
                 for n in names if n.startswith("_") and not n.startswith("__") and n != "_speedups"]
    assert not offenders


def test_no_import_cycles():
    graph = {name: {m for m, _n, _l in _imports(name, t) if m in MODULES and m != name}
             for name, t in MODULES.items()}
    state: dict[str, int] = {}
    cycles = []

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join(path[path.index(nxt):] + [nxt]) if nxt in path else nxt)
            elif nxt not in state:
                visit(nxt, path + [nxt])
        state[node] = 2

    for name in sorted(graph):
        if name not in state:
            visit(name, [name])
    assert not cycles


@pytest.mark.parametrize("name", sorted(MODULES))
def test_functions_are_short(name):
    tree = MODULES[name]
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > 60 and (tree.rel, node.name) not in LONG_FUNCTIONS]
    assert not long


def test_every_package_is_installed():
    """pyproject.toml lists packages by hand: a new one left out works from the source tree and fails installed."""
    import tomllib

    listed = set(tomllib.loads((SRC.parents[1] / "pyproject.toml").read_text())["tool"]["setuptools"]["packages"])
    found = {"newsearch" + "".join("." + part for part in p.parent.relative_to(SRC).parts)
             for p in SRC.rglob("__init__.py")}
    assert found <= listed, sorted(found - listed)
