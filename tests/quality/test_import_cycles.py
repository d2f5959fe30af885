"""The house has no circles: no module of ``chalicelib`` reaches itself through its imports.

Every import counts — at the top of a module, inside a function (lazy), under
``TYPE_CHECKING``, and ``lazy_import("...")`` — because each is a dependency a reader has to
follow. Queue specs live in a feature's ``specs.py`` so ``logic.py`` and ``events.py`` need
not import each other; two features that need each other share a smaller module."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = "chalicelib"


def modules() -> dict[str, Path]:
    found = {}
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        parts = path.relative_to(ROOT).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        found[name] = path
    return found


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    if level == 0:
        return target or ""
    base = module.split(".") if is_package else module.split(".")[:-1]
    base = base[: len(base) - (level - 1)]
    return ".".join(base + ([target] if target else []))


def imports_of(module: str, path: Path, known: set[str]) -> set[str]:
    """The chalicelib modules ``module`` imports, anywhere in its body."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    is_package = path.name == "__init__.py"
    found: set[str] = set()

    def add(name: str) -> None:
        # ``from a.b import c``: c may be a module (a.b.c) or a name in a.b
        while name and name not in known:
            name = name.rpartition(".")[0]
        if name and name != module:
            found.add(name)

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                add(alias.name)
        elif isinstance(node, ast.ImportFrom):
            base = _resolve(module, is_package, node.level, node.module)
            for alias in node.names:
                add(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "lazy_import" and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
                add(arg.value)
            elif isinstance(arg, ast.JoinedStr):  # f"{__package__}.logic"
                text = "".join(v.value if isinstance(v, ast.Constant) else
                               (module if is_package else module.rpartition(".")[0]) for v in arg.values)
                add(text)
    return {m for m in found if m.startswith(PACKAGE + ".") or m == PACKAGE}


def graph() -> dict[str, set[str]]:
    found = modules()
    known = set(found)
    edges = {name: imports_of(name, path, known) for name, path in found.items()}
    # importing a.b.c runs a/__init__ and a/b/__init__: only an empty __init__ adds nothing
    return edges


def cycles(edges: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                visit(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    return sorted(found)


def test_the_graph_sees_top_level_lazy_and_string_imports():
    edges = graph()
    assert "chalicelib.platform.errors" in edges["chalicelib.platform.http"]
    assert "chalicelib.dorms.logic" in edges["chalicelib.dorms.api"], "lazy_import(f'{__package__}.logic')"
    assert edges["chalicelib.features"] == set() or all(m.startswith(PACKAGE) for m in edges["chalicelib.features"])
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_no_module_of_chalicelib_imports_itself_through_others():
    circles = cycles(graph())
    assert circles == [], "import circles:\n" + "\n".join(" ⇄ ".join(c) for c in circles)
