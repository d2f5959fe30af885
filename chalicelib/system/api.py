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

DOCS_HTML = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>数智工会 API 文档</title>
<link rel="stylesheet" href="{assets}/swagger-ui.css"></head>
<body><div id="swagger-ui"></div>
<script src="{assets}/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({{url: "openapi.json", dom_id: "#swagger-ui"}});</script>
</body></html>"""
CDN_ASSETS = "https://cdn.jsdelivr.net/npm/swagger-ui-dist@5"
LOCAL_ASSETS = {"swagger-ui.css": "text/css; charset=utf-8",
                "swagger-ui-bundle.js": "application/javascript; charset=utf-8"}


def _bundled_assets_dir() -> str | None:
    """Swagger UI's files when the (dev-only) ``swagger-ui-bundle`` package is installed:
    the local stack then serves /docs with no internet at all."""
    try:
        import swagger_ui_bundle  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return None
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
    default = "docs/assets" if _bundled_assets_dir() else CDN_ASSETS
    assets = get_settings().extra.get("GONGHUI_X_DOCS_ASSETS", default)
    return Response(body=DOCS_HTML.format(assets=assets), status_code=200,
                    headers={"Content-Type": "text/html; charset=utf-8"})


@bp.route("/docs/assets/{name}", methods=["GET"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, summary="Swagger UI 静态文件（本地）", tags=["system"])
def docs_asset(name: str) -> Response:
    directory = _bundled_assets_dir()
    if directory is None or name not in LOCAL_ASSETS:
        raise NotFound("找不到该文件", code="ASSET_NOT_FOUND")
    with open(f"{directory}/{name}", encoding="utf-8") as handle:
        return Response(body=handle.read(), status_code=200, headers={"Content-Type": LOCAL_ASSETS[name],
                                                                     "Cache-Control": "max-age=3600"})
