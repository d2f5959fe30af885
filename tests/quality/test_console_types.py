"""The console calls only documented operations: its TypeScript types are generated from the
app's OpenAPI document (``make console-types``) and every call is type-checked against them when
it is built. Given the app as it is now, when its document is turned into types again with the
console's own locked openapi-typescript, then they equal the committed ``schema.d.ts`` — an API
change that the console's types do not know fails here, with the command that fixes it."""
from __future__ import annotations

import importlib.util
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
CONSOLE = ROOT / "console"
GENERATOR = CONSOLE / "node_modules" / ".bin" / "openapi-typescript"

pytestmark = pytest.mark.skipif(not GENERATOR.exists(), reason="console/node_modules is missing (make console installs it)")


def _dump_module():
    spec = importlib.util.spec_from_file_location("dump_openapi", CONSOLE / "scripts" / "dump_openapi.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def test_the_consoles_types_are_generated_from_the_current_openapi_document(chalice_app, tmp_path):
    document = tmp_path / "openapi.json"
    document.write_text(_dump_module().document(), encoding="utf-8")
    generated = tmp_path / "schema.d.ts"
    done = subprocess.run([str(GENERATOR), str(document), "--default-non-nullable", "false", "-o", str(generated)],
                          cwd=CONSOLE, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr

    committed = (CONSOLE / "src" / "api" / "schema.d.ts").read_text(encoding="utf-8")
    assert generated.read_text(encoding="utf-8") == committed, (
        "console/src/api/schema.d.ts is stale: the API changed. Run `make console-types` and rebuild the console.")
