"""Health, the OpenAPI document and its Swagger UI page."""
from __future__ import annotations

from typing import Any

from chalice import Blueprint, Response

from chalicelib.platform import clock
from chalicelib.platform.errors import NotFound
from chalicelib.platform.http import PUBLIC, Ownership, endpoint
from chalicelib.platform.settings import get_settings

from .schemas import Health

bp = Blueprint(__name__)
_openapi_cache: dict[str, Any] = {}

# The page finds its assets and the document relative to its own URL, so it works at /docs and
# /docs/, behind API Gateway's stage prefix (/api/docs) and on a custom domain alike.
DOCS_HTML = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>数智工会 API 文档</title>
<script>
window.GONGHUI_DOCS = location.pathname.replace(/\\/+$/, "") + "/";
document.write('<link rel="stylesheet" href="' + window.GONGHUI_DOCS + 'assets/swagger-ui.css">');
</script></head>
<body><div id="swagger-ui"></div>
<script>document.write('<script src="' + window.GONGHUI_DOCS + 'assets/swagger-ui-bundle.js"><\\/script>');</script>
<script>
window.ui = SwaggerUIBundle({url: window.GONGHUI_DOCS + "../openapi.json", dom_id: "#swagger-ui",
                             docExpansion: "list", deepLinking: true, persistAuthorization: true});
</script>
</body></html>"""
# Served from the ``swagger-ui-bundle`` package (a runtime dependency): no CDN in any stage.
ASSETS = {"swagger-ui.css": "text/css; charset=utf-8",
          "swagger-ui-bundle.js": "application/javascript; charset=utf-8"}


def _assets_dir() -> str:
    import swagger_ui_bundle  # type: ignore[import-untyped,unused-ignore]

    return str(swagger_ui_bundle.swagger_ui_path)


@bp.route("/health", methods=["GET"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, response=Health, summary="健康检查", tags=["system"])
def health() -> Health:
    return Health(status="ok", stage=get_settings().stage, time=clock.now_iso())


@bp.route("/openapi.json", methods=["GET"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, summary="OpenAPI 文档", tags=["system"])
def openapi_document() -> dict[str, Any]:
    if "doc" not in _openapi_cache:
        from chalicelib.platform import http as http_module
        from chalicelib.platform.openapi import build

        _openapi_cache["doc"] = build(http_module._app)
    return _openapi_cache["doc"]


@bp.route("/docs", methods=["GET"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, summary="Swagger UI", tags=["system"])
def docs() -> Response:
    return Response(body=DOCS_HTML, status_code=200, headers={"Content-Type": "text/html; charset=utf-8"})


@bp.route("/docs/assets/{name}", methods=["GET"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, summary="Swagger UI 静态文件", tags=["system"])
def docs_asset(name: str) -> Response:
    if name not in ASSETS:
        raise NotFound("找不到该文件", code="ASSET_NOT_FOUND")
    with open(f"{_assets_dir()}/{name}", encoding="utf-8") as handle:
        return Response(body=handle.read(), status_code=200, headers={"Content-Type": ASSETS[name],
                                                                     "Cache-Control": "max-age=86400"})
