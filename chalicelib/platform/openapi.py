"""OpenAPI 3.0.3 generated from the registered routes and their pydantic schemas (apispec).

Swagger UI 4 and most client generators read OpenAPI 3.0 only, while pydantic writes JSON
Schema 2020-12 (OpenAPI 3.1): :func:`to_oas30` rewrites the few constructs that differ
(``anyOf [X, null]`` → ``nullable``, ``const`` → ``enum``, ``examples`` → ``example``,
numeric ``exclusiveMinimum``, ``prefixItems``, ``$ref`` with siblings).

Schema names: a model is documented under :func:`schema_name` — its ``__schema_name__`` when
it sets one, else its class name. Two different classes with one name would overwrite each
other in ``components.schemas``; :func:`schema_collisions` lists them and a test fails on any.
"""
from __future__ import annotations

import enum
import re
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel

from .http import EndpointSpec, endpoint_spec

OPENAPI_VERSION = "3.0.3"

ERROR_SCHEMA = {
    "type": "object",
    "required": ["code", "message"],
    "properties": {
        "code": {"type": "string", "description": "机器可读的错误码", "example": "DORM_BED_TAKEN"},
        "message": {"type": "string", "description": "给用户看的中文说明", "example": "该床位已被占用"},
        "details": {"type": "array", "description": "逐项说明（如每个字段的校验结果）",
                    "items": {"type": "object", "additionalProperties": True}},
    },
    "example": {"code": "DORM_BED_TAKEN", "message": "该床位已被占用", "details": []},
}

_ERRORS = {
    "400": "请求有误", "401": "未登录或登录已过期", "403": "没有权限", "404": "找不到该内容",
    "409": "冲突", "413": "内容过大", "422": "校验失败", "429": "太频繁",
}


def schema_name(cls: type) -> str:
    """The name a model or enum is documented under."""
    return str(cls.__dict__.get("__schema_name__") or cls.__name__)


# --- naming pydantic's definitions -------------------------------------------------------

def _all_subclasses(root: type) -> Iterator[type]:
    stack = list(root.__subclasses__())
    seen: set[type] = set()
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        yield cls
        stack.extend(cls.__subclasses__())


def _classes_by_id() -> dict[int, type]:
    found: dict[int, type] = {}
    for root in (BaseModel, enum.Enum):
        for cls in _all_subclasses(root):
            found[id(cls)] = cls
    return found


_CORE_REF = re.compile(r"([A-Za-z_][\w.<>]*):(\d+)")


def _generator() -> type:
    from pydantic.json_schema import GenerateJsonSchema

    by_id = _classes_by_id()

    class NamedDefinitions(GenerateJsonSchema):
        """Definitions named by :func:`schema_name` instead of the bare class name."""

        def get_defs_ref(self, core_mode_ref: Any) -> Any:
            core_ref, mode = core_mode_ref

            def rename(match: re.Match[str]) -> str:
                cls = by_id.get(int(match.group(2)))
                return f"{schema_name(cls)}:{match.group(2)}" if cls is not None else match.group(0)

            return super().get_defs_ref((_CORE_REF.sub(rename, core_ref), mode))

    return NamedDefinitions


# --- JSON Schema 2020-12 → OpenAPI 3.0 schema objects ------------------------------------

_DROP = {"$schema", "$id", "$comment", "contentMediaType", "contentEncoding", "propertyNames",
         "unevaluatedProperties", "dependentRequired", "dependentSchemas", "if", "then", "else"}
_SCHEMA_MAPS = ("properties", "patternProperties")
_SCHEMA_ONE = ("items", "not")
_SCHEMA_LIST = ("allOf", "anyOf", "oneOf")


def _is_null(node: Any) -> bool:
    return isinstance(node, dict) and node.get("type") == "null" and len(node) == 1


def to_oas30(node: Any) -> Any:
    """One JSON Schema (2020-12, as pydantic writes it) as an OpenAPI 3.0 schema object."""
    if not isinstance(node, dict):
        return node
    out: dict[str, Any] = {}
    for key, value in node.items():
        if key in _DROP:
            continue
        if key in _SCHEMA_MAPS:
            out[key] = {name: to_oas30(sub) for name, sub in value.items()}
        elif key in _SCHEMA_ONE:
            out[key] = to_oas30(value)
        elif key == "additionalProperties":
            out[key] = to_oas30(value) if isinstance(value, dict) else value
        elif key in _SCHEMA_LIST:
            out[key] = [to_oas30(sub) for sub in value]
        elif key == "prefixItems":  # a tuple: 3.0 only knows one items schema
            subs = [to_oas30(sub) for sub in value]
            out.setdefault("items", subs[0] if len(subs) == 1 else {"anyOf": subs})
        elif key == "const":
            out["enum"] = [value]
        elif key == "examples" and isinstance(value, list):
            if value:
                out["example"] = value[0]
        elif key in ("exclusiveMinimum", "exclusiveMaximum") and not isinstance(value, bool):
            out["minimum" if key == "exclusiveMinimum" else "maximum"] = value
            out[key] = True
        elif key == "discriminator":
            out[key] = value
        else:
            out[key] = value
    if isinstance(out.get("type"), list):  # type: [X, "null"]
        types = [t for t in out["type"] if t != "null"]
        if len(types) != len(out["type"]):
            out["nullable"] = True
        if len(types) == 1:
            out["type"] = types[0]
        else:
            del out["type"]
            out["anyOf"] = [{"type": t} for t in types]
    for combinator in ("anyOf", "oneOf"):
        options = out.get(combinator)
        if options and any(_is_null(o) for o in options):
            rest = [o for o in options if not _is_null(o)]
            del out[combinator]
            out["nullable"] = True
            if len(rest) == 1:
                only = rest[0]
                if "$ref" in only:
                    out["allOf"] = [only]
                else:
                    for k, v in only.items():
                        out.setdefault(k, v)
            elif rest:
                out[combinator] = rest
    if out.get("type") == "null":  # a value that is always null
        del out["type"]
        out["nullable"] = True
        out["enum"] = [None]
    if "$ref" in out and len(out) > 1:  # 3.0 ignores a $ref's siblings
        ref = out.pop("$ref")
        out["allOf"] = [{"$ref": ref}, *out.get("allOf", [])]
    if out.get("nullable") and "enum" in out and None not in out["enum"]:
        out["enum"] = [*out["enum"], None]
    if "default" in out and out["default"] is None and not out.get("nullable"):
        del out["default"]
    return out


# --- the document ------------------------------------------------------------------------

def _query_parameters(schema: dict[str, Any]) -> list[dict[str, Any]]:
    required = set(schema.get("required", []))
    params = []
    for name, raw_prop in schema.get("properties", {}).items():
        prop = {k: v for k, v in raw_prop.items() if k != "title"}
        param: dict[str, Any] = {"name": name, "in": "query", "required": name in required, "schema": prop}
        if prop.get("type") == "array" or any(o.get("type") == "array" for o in prop.get("anyOf", [])):
            param.update(style="form", explode=False)
        if "description" in prop:
            param["description"] = prop["description"]
        if "example" in prop:
            param["example"] = prop["example"]
        params.append(param)
    return params


def _ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _operation(ep: EndpointSpec, view_args: list[str], refs: dict[tuple[type, str], dict[str, Any]],
               defs: dict[str, Any]) -> dict[str, Any]:
    op: dict[str, Any] = {"summary": ep.summary, "tags": list(ep.tags) or ["gonghui"]}
    params = [{"name": a, "in": "path", "required": True, "schema": {"type": "string", "minLength": 1}}
              for a in view_args]
    if ep.query is not None:
        query_ref = refs[(ep.query, "validation")]
        query_schema = defs[query_ref["$ref"].rsplit("/", 1)[-1]] if "$ref" in query_ref else query_ref
        params += _query_parameters(query_schema)
    if ep.idempotent:
        params.append({"name": "Idempotency-Key", "in": "header", "required": False,
                       "description": "同一个键重复提交只执行一次，返回第一次的结果",
                       "schema": {"type": "string", "minLength": 8, "maxLength": 128}})
    if params:
        op["parameters"] = params
    if ep.body is not None:
        op["requestBody"] = {"required": True,
                             "content": {"application/json": {"schema": refs[(ep.body, "validation")]}}}
    ok: dict[str, Any] = {"description": "成功"}
    if ep.response is not None:
        ok["content"] = {"application/json": {"schema": refs[(ep.response, "serialization")]}}
    responses: dict[str, Any] = {str(ep.status): ok}
    for status, text in _ERRORS.items():
        if ep.public and status in ("401", "403"):
            continue
        responses[status] = {"description": text, "content": {"application/json": {"schema": _ref("Error")}}}
    op["responses"] = responses
    op["x-gonghui-roles"] = sorted(r.value for r in ep.roles)
    op["x-gonghui-ownership"] = ep.ownership.value
    if not ep.public:
        op["security"] = [{"bearer": []}]
    return op


def _endpoints(app: Any) -> Iterator[tuple[str, str, EndpointSpec, list[str]]]:
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            ep = endpoint_spec(entry.view_function)
            if ep is None or method == "OPTIONS":
                continue
            yield path, method, ep, list(entry.view_args)


def _models(app: Any) -> list[tuple[type[BaseModel], str]]:
    wanted: dict[tuple[type[BaseModel], str], None] = {}
    for _path, _method, ep, _args in _endpoints(app):
        if ep.body is not None:
            wanted[(ep.body, "validation")] = None
        if ep.query is not None:
            wanted[(ep.query, "validation")] = None
        if ep.response is not None:
            wanted[(ep.response, "serialization")] = None
    return list(wanted)


def schema_collisions(app: Any) -> list[str]:
    """Different classes documented under one name (they would overwrite each other)."""
    models = _models(app)
    problems = [f"{name}: pydantic had to qualify it (two classes share the name)"
                for name in build(app)["components"]["schemas"] if "__" in name]
    owners: dict[str, set[str]] = {}
    stack: list[type] = [m for m, _ in models if not _is_query(app, m)]
    for model, _mode in models:  # query models are inlined as parameters: only their fields' types count
        if _is_query(app, model):
            for info in model.model_fields.values():
                stack.extend(_classes_in(info.annotation))
    seen: set[type] = set()
    while stack:
        cls = stack.pop()
        if cls in seen:
            continue
        seen.add(cls)
        owners.setdefault(schema_name(cls), set()).add(f"{cls.__module__}.{cls.__qualname__}")
        if isinstance(cls, type) and issubclass(cls, BaseModel):
            for info in cls.model_fields.values():
                stack.extend(_classes_in(info.annotation))
    problems += [f"{name}: {sorted(where)}" for name, where in sorted(owners.items()) if len(where) > 1]
    return problems


def _is_query(app: Any, model: type) -> bool:
    return any(ep.query is model for *_, ep, _args in _endpoints(app)) and not any(
        ep.body is model or ep.response is model for *_, ep, _args in _endpoints(app))


def _classes_in(annotation: Any) -> Iterator[type]:
    from typing import get_args

    if isinstance(annotation, type) and issubclass(annotation, (BaseModel, enum.Enum)):
        yield annotation
    for arg in get_args(annotation):
        yield from _classes_in(arg)


def build(app: Any) -> dict[str, Any]:
    from apispec import APISpec
    from pydantic.json_schema import models_json_schema

    spec = APISpec(title="Gonghui 数智工会 API", version="1.0.0", openapi_version=OPENAPI_VERSION,
                   info={"description": "光年间 交友、优享品质生活、困难帮扶与产改补贴的后端接口"})
    spec.components.schema("Error", ERROR_SCHEMA)
    spec.components.security_scheme("bearer", {"type": "http", "scheme": "bearer", "bearerFormat": "JWT"})
    models = _models(app)
    raw_refs, top = models_json_schema(models, ref_template="#/components/schemas/{model}",
                                       schema_generator=_generator())
    defs = {name: to_oas30(schema) for name, schema in top.get("$defs", {}).items()}
    refs = {key: to_oas30(value) for key, value in raw_refs.items()}
    for path, method, ep, view_args in _endpoints(app):
        spec.path(path=path, operations={method.lower(): _operation(ep, view_args, refs, defs)})
    result: dict[str, Any] = spec.to_dict()
    used = _referenced(result, defs)
    result["components"]["schemas"].update({name: defs[name] for name in sorted(used)})
    return result


def _referenced(document: dict[str, Any], defs: dict[str, Any]) -> set[str]:
    """Definitions reachable from the paths (query models are inlined as parameters)."""
    found: set[str] = set()
    stack: list[Any] = [document["paths"]]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            ref = node.get("$ref")
            if isinstance(ref, str) and ref.startswith("#/components/schemas/"):
                name = ref.rsplit("/", 1)[-1]
                if name not in found and name in defs:
                    found.add(name)
                    stack.append(defs[name])
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found
