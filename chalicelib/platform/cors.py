"""CORS: browsers may call the API only from the union console's origin of the stage.

The allowed origins are a setting per stage (``GONGHUI_CORS_ORIGINS``, comma-separated; the
local stage defaults to the console served next to the local API, ``http://127.0.0.1:8000``
and ``http://localhost:8000``; ``dev`` and ``prod`` allow none until their console's origin is
set). Chalice's ``CORSConfig`` answers one fixed origin, so the edge does it itself:

- every path gets an ``OPTIONS`` route answering the preflight: 204 with the allowed method
  and headers when the origin is allowed and the method exists, else 403 ``CORS_FORBIDDEN``;
- every response to an allowed origin carries ``Access-Control-Allow-Origin`` (that origin,
  with ``Vary: Origin``); other origins get no CORS header, so the browser withholds it.
"""
from __future__ import annotations

from typing import Any

from chalice.app import Request, Response

from .settings import get_settings

ALLOW_HEADERS = "Authorization,Content-Type,Idempotency-Key,X-Correlation-Id"
EXPOSE_HEADERS = "X-Correlation-Id"
MAX_AGE = "600"


def allowed_origin(request: Request) -> str | None:
    origin = request.headers.get("origin") if request.headers is not None else None
    return origin if origin and origin in get_settings().cors_origins else None


def _cors_headers(origin: str) -> dict[str, str]:
    return {"Access-Control-Allow-Origin": origin, "Vary": "Origin",
            "Access-Control-Expose-Headers": EXPOSE_HEADERS}


def install(app: Any) -> None:
    """Add the preflight routes and the response headers (call after the blueprints)."""
    for path, methods in list(app.routes.items()):
        if "OPTIONS" in methods:
            continue
        allowed = ",".join(sorted(methods))

        def preflight(*_args: Any, _allowed: str = allowed, **_kwargs: Any) -> Response:
            request = app.current_request
            origin = allowed_origin(request)
            wanted = (request.headers.get("access-control-request-method") or "").upper()
            if origin is None or wanted not in _allowed.split(","):
                return Response(body={"code": "CORS_FORBIDDEN", "message": "不允许从该网页来源调用接口",
                                      "details": []},
                                status_code=403, headers={"Content-Type": "application/json", "Vary": "Origin"})
            return Response(body="", status_code=204, headers={
                **_cors_headers(origin), "Access-Control-Allow-Methods": _allowed,
                "Access-Control-Allow-Headers": ALLOW_HEADERS, "Access-Control-Max-Age": MAX_AGE})

        preflight.__name__ = "cors_preflight_" + "".join(c if c.isalnum() else "_" for c in path)
        app.route(path, methods=["OPTIONS"])(preflight)

    @app.middleware("http")
    def cors_headers(request: Request, get_response: Any) -> Response:
        response: Response = get_response(request)
        origin = allowed_origin(request)
        if origin is not None and request.method != "OPTIONS":
            response.headers = {**(response.headers or {}), **_cors_headers(origin)}
        return response
