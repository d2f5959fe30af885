"""Every HTTP route the app registers, with its declaration, for the quality tests.

Read from ``app.app.routes`` at test time, so routes that features add are covered
without touching these tests."""
from __future__ import annotations

import fnmatch
import re
from dataclasses import dataclass
from typing import Any

from chalicelib.platform.http import EndpointSpec, endpoint_spec

# Routes anyone may call without a token, and why. A feature adding a public route adds it
# here with its reason (a payment provider's callback, a login step, ...).
PUBLIC_ROUTES: dict[str, str] = {
    "GET /health": "load balancer and uptime checks",
    "GET /openapi.json": "the API description clients and the fuzz read",
    "GET /docs": "Swagger UI page for the OpenAPI document",
    "GET /messaging/asyncapi.json": "the chat WebSocket protocol (AsyncAPI), read by client developers",
    "GET /docs/assets/*": "Swagger UI's own static files (a fixed list, served in every stage)",
    "POST /auth/*": "login and token refresh steps: the caller has no token yet",
    "POST /dev/login": "demo login, answered only on the local stage (404 elsewhere)",
}

_PARAM = re.compile(r"\{([^}]+)\}")


@dataclass(frozen=True)
class Route:
    method: str
    path: str
    view: Any
    spec: EndpointSpec | None
    params: tuple[str, ...]
    content_type: str = "application/json"

    @property
    def name(self) -> str:
        return f"{self.method} {self.path}"

    def url(self, filler: str = "dummy") -> str:
        """The path with every parameter replaced by a value naming nothing that exists."""
        return _PARAM.sub(lambda m: f"{filler}-{m.group(1).replace('_', '-')}", self.path)


def all_routes(app: Any) -> list[Route]:
    routes = []
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            if method == "OPTIONS":
                continue
            routes.append(Route(method=method, path=path, view=entry.view_function,
                                spec=endpoint_spec(entry.view_function), params=tuple(entry.view_args),
                                content_type=(entry.content_types or ["application/json"])[0]))
    return routes


def public_reason(route: Route) -> str | None:
    for pattern, reason in PUBLIC_ROUTES.items():
        if fnmatch.fnmatchcase(route.name, pattern):
            return reason
    return None
