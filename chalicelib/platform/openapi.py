"""OpenAPI 3 generated from the registered routes and their pydantic schemas (apispec)."""
from __future__ import annotations

from typing import Any

from pydantic import BaseModel

from .http import EndpointSpec, endpoint_spec

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "example": "DORM_BED_TAKEN"},
        "message": {"type": "string", "example": "该床位已被占用"},
        "details": {"type": "array", "items": {"type": "object"}},
    },
}

_ERRORS = {
    "400": "请求有误", "401": "未登录或登录已过期", "403": "没有权限", "404": "找不到该内容",
    "409": "冲突", "413": "内容过大", "422": "校验失败", "429": "太频繁",
}


def _schema_ref(spec: Any, model: type[BaseModel]) -> dict[str, str]:
    name = model.__name__
    if name not in spec.components.schemas:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="serialization")
        for def_name, definition in schema.pop("$defs", {}).items():
            if def_name not in spec.components.schemas:
                spec.components.schema(def_name, definition)
        spec.components.schema(name, schema)
    return {"$ref": f"#/components/schemas/{name}"}


def _input_schema_ref(spec: Any, model: type[BaseModel]) -> dict[str, str]:
    name = f"{model.__name__}Input"
    if name not in spec.components.schemas:
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}", mode="validation")
        for def_name, definition in schema.pop("$defs", {}).items():
            if def_name not in spec.components.schemas:
                spec.components.schema(def_name, definition)
        spec.components.schema(name, schema)
    return {"$ref": f"#/components/schemas/{name}"}


def _query_parameters(model: type[BaseModel]) -> list[dict[str, Any]]:
    schema = model.model_json_schema()
    required = set(schema.get("required", []))
    params = []
    for name, raw_prop in schema.get("properties", {}).items():
        prop = {k: v for k, v in raw_prop.items() if k != "title"}
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if prop.get("type") == "array" or any(o.get("type") == "array" for o in prop.get("anyOf", [])):
            param.update(style="form", explode=False)
        if "description" in prop:
            param["description"] = prop["description"]
        params.append(param)
    return params


def _operation(spec: Any, ep: EndpointSpec, view_args: list[str]) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": ep.summary, "tags": list(ep.tags) or ["gonghui"]}
    params = [{"name": a, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
              for a in view_args]
    if ep.query is not None:
        params += _query_parameters(ep.query)
    if ep.idempotent:
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "schema": {"type": "string", "minLength": 8, "maxLength": 128}})
    if params:
        op["parameters"] = params
    if ep.body is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": _input_schema_ref(spec, ep.body)}}}
    ok: dict[str, Any] = {"description": "成功"}
    if ep.response is not None:
        ok["content"] = {"application/json": {"schema": _schema_ref(spec, ep.response)}}
    responses: dict[str, Any] = {str(ep.status): ok}
    for status, text in _ERRORS.items():
        if ep.public and status in ("401", "403"):
            continue
        responses[status] = {"description": text,
                             "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}
    op["responses"] = responses
    op["x-gonghui-roles"] = sorted(r.value for r in ep.roles)
    op["x-gonghui-ownership"] = ep.ownership.value
    if not ep.public:
        op["security"] = [{"bearer": []}]
    return op


def build(app: Any) -> dict[str, Any]:
    from apispec import APISpec

    spec = APISpec(title="Gonghui 数智工会 API", version="1.0.0", openapi_version="3.1.0",
                   info={"description": "光年间 交友、优享品质生活、困难帮扶与产改补贴的后端接口"})
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    for path, methods in sorted(app.routes.items()):
        operations: dict[str, Any] = {}
        for method, entry in sorted(methods.items()):
            ep = endpoint_spec(entry.view_function)
            if ep is None or method == "OPTIONS":
                continue
            operations[method.lower()] = _operation(spec, ep, list(entry.view_args))
        if operations:
            spec.path(path=path, operations=operations)
    result: dict[str, Any] = spec.to_dict()
    return result
