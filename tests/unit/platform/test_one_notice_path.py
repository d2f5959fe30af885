"""One inbox: a feature tells a person something only through ``platform.notices.request_notice``.
The inbox's consumer is the one caller of the push (``accounts.logic.notify_person``, over
``providers.push``); any other feature reaching for them would bypass the inbox."""
from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[3] / "chalicelib"
ALLOWED = {"inbox", "accounts", "providers"}  # the inbox pushes; accounts knows the channel; providers speak to it
PUSHERS = {"notify_person", "send_subscribe_message", "notify"}


def _direct_pushes(path: Path, root: Path = ROOT) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module:
            names = {a.name for a in node.names}
            if (node.module.endswith("providers") and "push" in names) or node.module.startswith(
                    "chalicelib.providers.push") or (node.module.endswith("accounts.logic") and
                                                     "notify_person" in names):
                found.append(f"{path.relative_to(root)}:{node.lineno} imports {node.module}")
        elif isinstance(node, ast.Attribute) and node.attr in PUSHERS and isinstance(node.value, ast.Name) \
                and node.value.id in {"accounts", "accounts_logic", "push", "wechat", "alipay"}:
            found.append(f"{path.relative_to(root)}:{node.lineno} calls {node.value.id}.{node.attr}")
    return found


def test_no_feature_pushes_around_the_inbox() -> None:
    offenders = [hit for path in sorted(ROOT.rglob("*.py"))
                 if path.relative_to(ROOT).parts[0] not in ALLOWED for hit in _direct_pushes(path)]
    assert offenders == []


def test_the_check_sees_a_direct_push(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text("from chalicelib.accounts.logic import notify_person\n"
                      "from chalicelib.accounts import logic as accounts\naccounts.notify_person('u', 't', {})\n")
    assert len(_direct_pushes(sample, tmp_path)) == 2
