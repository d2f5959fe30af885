"""Nothing lost between a write and its event: every domain event is staged in the DynamoDB
transaction of the state change it announces (``publish(..., tx=tx)``, the transactional outbox
of ``platform/outbox.py``). A ``publish`` without ``tx`` puts the event on the bus after the
write, and a Lambda that dies in between loses it.

This gate reads every call of ``chalicelib.platform.events.publish`` in ``chalicelib`` (the name
imported from the module, under any alias, or ``events.publish`` on the module) and fails on one
without ``tx=`` unless ALLOWED names it, with the reason it follows no state write of its own.
Other functions called ``publish`` (content's article publishing) are not domain events."""
from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
EVENTS_MODULE = "chalicelib.platform.events"

# (file, the detail-type argument as written) → why this publish may go straight to the bus.
# Empty: every domain event today is staged in its write's transaction.
ALLOWED: dict[tuple[str, str], str] = {}


def _module_of(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _absolute(module: str, node: ast.ImportFrom) -> str:
    if not node.level:
        return node.module or ""
    base = module.split(".")[: -node.level]
    return ".".join(base + ([node.module] if node.module else []))


def _publish_calls(path: Path) -> Iterator[tuple[ast.Call, str]]:
    """Each call of the events module's ``publish`` in the file, with its detail-type as written."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    module = _module_of(path)
    functions, modules = set(), set()  # local names bound to events.publish / to the events module
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            source = _absolute(module, node)
            for alias in node.names:
                if source == EVENTS_MODULE and alias.name == "publish":
                    functions.add(alias.asname or alias.name)
                elif f"{source}.{alias.name}" == EVENTS_MODULE:
                    modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            modules.update(a.asname or a.name for a in node.names if a.name == EVENTS_MODULE)
    for node in ast.walk(tree):
        if not isinstance(node, ast.Call):
            continue
        f = node.func
        if (isinstance(f, ast.Name) and f.id in functions) or (
                isinstance(f, ast.Attribute) and f.attr == "publish" and ast.unparse(f.value) in modules):
            detail = node.args[1] if len(node.args) > 1 else next(
                (k.value for k in node.keywords if k.arg == "detail_type"), None)
            yield node, ast.unparse(detail) if detail is not None else "?"


def _scan() -> tuple[list[tuple[str, int, str]], int]:
    """(publishes without ``tx``: file, line, detail-type), and how many publishes there are."""
    bare, total = [], 0
    for path in sorted((ROOT / "chalicelib").rglob("*.py")):
        for call, detail in _publish_calls(path):
            total += 1
            if not any(k.arg == "tx" for k in call.keywords):
                bare.append((path.relative_to(ROOT).as_posix(), call.lineno, detail))
    return bare, total


def test_every_domain_event_is_staged_in_the_transaction_of_its_write() -> None:
    bare, total = _scan()
    assert total > 90  # the scan sees the publishes (a scan that finds none would pass anything)
    unexplained = [f"{file}:{line} {detail}" for file, line, detail in bare if (file, detail) not in ALLOWED]
    assert unexplained == [], (
        "publish(...) without tx=: stage the event in the write's transaction "
        "(`with transaction() as tx: ...; publish(..., tx=tx)`), or, if it follows no state write "
        f"of its own, add it to ALLOWED with the reason: {unexplained}")


def test_the_allow_list_names_only_publishes_that_exist() -> None:
    bare, _ = _scan()
    stale = sorted(set(ALLOWED) - {(file, detail) for file, _, detail in bare})
    assert stale == [], f"these publishes now have tx= (or are gone): remove them from ALLOWED: {stale}"
