"""Writes the API's OpenAPI document (built from the app, no server) to console/openapi.json;
``npm run types`` turns it into ``src/api/schema.d.ts``. ``--check`` fails when the committed
document differs from the app's (the console's types are then stale: run ``make console-types``)."""
from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
TARGET = ROOT / "console" / "openapi.json"


def document() -> str:
    os.environ.setdefault("GONGHUI_STAGE", "local")
    os.environ.setdefault("AWS_DEFAULT_REGION", "cn-north-1")
    sys.path.insert(0, str(ROOT))
    import app as app_module
    from chalicelib.platform.openapi import build

    return json.dumps(build(app_module.app), ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def main() -> int:
    text = document()
    if "--check" in sys.argv:
        if not TARGET.exists() or TARGET.read_text(encoding="utf-8") != text:
            print("console/openapi.json is stale: run `make console-types`", file=sys.stderr)
            return 1
        return 0
    TARGET.write_text(text, encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
