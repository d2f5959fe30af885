"""API Gateway's own answers on the local stack, as the deployed stage configures them
(``infra/stacks/gonghui.py: gateway_responses``): a request no route matches is a 404 in the
app's error shape. Chalice's emulation answers 403 "Missing Authentication Token" instead, and
with an ``Authorization`` header it echoes the caller's bearer token in the message; this
patch (for the local server and the in-process test client) answers as AWS does for us."""
from __future__ import annotations

import json
from typing import Any


def _not_found_body() -> bytes:
    from chalicelib.platform.errors import NotFound

    return json.dumps({"code": NotFound.code, "message": NotFound.message, "details": []},
                      ensure_ascii=False).encode()


def patch_in_process() -> None:
    from chalice import local as chalice_local

    gateway = chalice_local.LocalGateway
    if getattr(gateway.handle_request, "_gonghui_patched", False):
        return
    original = gateway.handle_request

    class RouteNotFound(chalice_local.LocalGatewayException):
        CODE = 404

    def handle_request(self: Any, method: str, path: str, headers: Any, body: bytes | None) -> Any:
        try:
            return original(self, method, path, headers, body)
        except chalice_local.ForbiddenError as exc:
            if (exc.headers or {}).get("x-amzn-ErrorType") != "UnauthorizedException":
                raise  # an authorizer's refusal, not an unknown route
            raise RouteNotFound({"x-amzn-RequestId": exc.headers.get("x-amzn-RequestId", ""),
                                 "Content-Type": "application/json"}, _not_found_body()) from None

    handle_request._gonghui_patched = True  # type: ignore[attr-defined]
    gateway.handle_request = handle_request  # type: ignore[method-assign]
