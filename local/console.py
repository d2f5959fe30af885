"""The union console (``console/``, Vue 3 + Element Plus, built by Vite into ``console/dist``)
served by the local stack at ``/console``, as CloudFront serves it in AWS (infra: the console
stack): files under ``/console/assets/`` as they are (long cache: their names carry a hash),
every other ``/console`` address (``/console``, ``/console/``, deep links such as
``/console/aid``) the app's ``index.html``, and ``/console/config.json`` telling the page
where the API is (here: the same origin). Every answer carries the strict
Content-Security-Policy: scripts, styles, fonts and images from the console's own origin
only, no inline script, calls to the API origin only, no framing by others."""
from __future__ import annotations

import json
import mimetypes
from pathlib import Path

DIST = Path(__file__).resolve().parent.parent / "console" / "dist"
PREFIX = "/console"


def content_security_policy(api_origin: str = "") -> str:
    """The console's CSP (also infra's response-headers policy). ``api_origin``: where the page
    may send requests besides its own origin (the API's origin in AWS; none locally)."""
    connect = " ".join(part for part in ("'self'", api_origin) if part)
    return "; ".join([
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data: blob: https:",
        "font-src 'self' data:",
        f"connect-src {connect}",
        "manifest-src 'self'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
        "object-src 'none'",
    ])


SECURITY_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "SAMEORIGIN",
}


def wants(path: str) -> bool:
    return path == PREFIX or path.startswith(PREFIX + "/")


def answer(raw_path: str) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body for a GET of ``raw_path`` (query string allowed)."""
    path = raw_path.split("?", 1)[0].split("#", 1)[0]
    headers = {"Content-Security-Policy": content_security_policy(), **SECURITY_HEADERS}
    if path == PREFIX + "/config.json":
        return 200, {**headers, "Content-Type": "application/json", "Cache-Control": "no-store"}, \
            json.dumps({"api_base": ""}).encode()
    index = DIST / "index.html"
    if not index.exists():
        body = "控制台尚未构建：请运行 make console（或 make run，会自动构建）".encode()
        return 503, {**headers, "Content-Type": "text/plain; charset=utf-8"}, body
    relative = path[len(PREFIX):].lstrip("/")
    if relative.startswith("assets/"):
        target = (DIST / relative).resolve()
        if DIST.resolve() not in target.parents or not target.is_file():
            body = json.dumps({"code": "NOT_FOUND", "message": "找不到该文件", "details": []}, ensure_ascii=False)
            return 404, {**headers, "Content-Type": "application/json"}, body.encode()
        kind = mimetypes.guess_type(target.name)[0] or "application/octet-stream"
        if kind.startswith("text/") or kind == "application/javascript":
            kind += "; charset=utf-8"
        return 200, {**headers, "Content-Type": kind, "Cache-Control": "public, max-age=31536000, immutable"}, \
            target.read_bytes()
    return 200, {**headers, "Content-Type": "text/html; charset=utf-8", "Cache-Control": "no-cache"}, index.read_bytes()
