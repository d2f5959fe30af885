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

_STATUS_TEXT = {
    400: "请求有误", 401: "未登录或登录已过期", 403: "没有权限", 404: "找不到该内容（或不在你的范围内）",
    409: "冲突", 413: "内容过大", 422: "校验失败", 429: "太频繁", 502: "第三方服务出错", 503: "服务繁忙",
}
ROLE_NAMES = {"worker": "职工会员", "enterprise_admin": "企业工会管理员",
              "union_admin": "区县/市总工会工作人员（浙政钉登录）", "platform_admin": "平台管理员"}
OWNERSHIP_TEXT = {
    "public": "无需登录。",
    "self": "只作用于调用者本人的记录。",
    "owner": "对象必须属于调用者，否则答 404。",
    "scope": "对象必须在管理员的组织范围内（本级及下级），否则答 404。",
    "members": "仅限光年间会员（已实名、已认证、已签署单身承诺、未被停用或封禁），按隐私与拉黑规则过滤；"
               "其他调用者答 403 ``MEMBER_NOT_ACTIVE``。",
    "shared": "登录后可读的公共内容（菜单、组织树、承诺书等）；被停用或封禁的账号答 403。",
}


def schema_name(cls: type) -> str:
    """The name a model or enum is documented under."""
    return str(cls.__dict__.get("__schema_name__") or cls.__name__)


# --- naming pydantic's definitions -------------------------------------------------------

def _all_subclasses(root: type) -> Iterator[type]:
    stack: list[type] = list(root.__subclasses__())
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

            return super().get_defs_ref((_CORE_REF.sub(rename, core_ref), mode))  # type: ignore[arg-type]

    return NamedDefinitions


# --- JSON Schema 2020-12 → OpenAPI 3.0 schema objects ------------------------------------

_DROP = {"$schema", "$id", "$comment", "contentMediaType", "contentEncoding", "propertyNames",
         "unevaluatedProperties", "dependentRequired", "dependentSchemas", "if", "then", "else"}
_SCHEMA_MAPS = ("properties", "patternProperties")
_SCHEMA_ONE = ("items", "not")
_SCHEMA_LIST = ("allOf", "anyOf", "oneOf")


NULL_ONLY: dict[str, Any] = {"nullable": True, "enum": [None]}  # 3.0's spelling of {"type": "null"}


def _is_null(node: Any) -> bool:
    """``{"type": "null"}``, before or after :func:`to_oas30` rewrote it."""
    return isinstance(node, dict) and node in ({"type": "null"}, NULL_ONLY)


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
            # ``nullable`` only widens a ``type`` in the same schema object (3.0.3): a single
            # typed option takes it; a $ref keeps an explicit null option next to it.
            if len(rest) == 1 and "type" in rest[0] and "$ref" not in rest[0]:
                del out[combinator]
                out["nullable"] = True
                for k, v in rest[0].items():
                    out.setdefault(k, v)
            else:
                out[combinator] = [*rest, NULL_ONLY]
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


# --- examples ----------------------------------------------------------------------------

# Values tried, in order, for a string field with a ``pattern`` and no example of its own.
_PATTERN_SAMPLES = ("demo-1", "zj/huz/nanxun/e-sanxing", "2026-05-01", "330102", "b-a1b2c3d4",
                    "三行电气.pdf", "demo_value", "A1")
_FORMAT_SAMPLES = {"date": "2026-05-01", "date-time": "2026-05-01T01:30:00.000Z", "time": "08:30:00",
                   "email": "demo@example.cn", "uri": "https://example.cn/a",
                   "uuid": "3f2b8c1e-6a4d-4f7e-9b1a-2c3d4e5f6a7b",
                   "binary": "", "byte": "AA=="}


def example_of(schema: dict[str, Any], defs: dict[str, Any], depth: int = 0) -> Any:
    """An example value for a schema: its own or its fields' examples where pydantic has them,
    else a plausible value that satisfies its type, enum, format, pattern and bounds."""
    import re

    if "example" in schema:
        return schema["example"]
    if "$ref" in schema:
        return example_of(defs.get(schema["$ref"].rsplit("/", 1)[-1], {}), defs, depth)
    for combinator in ("allOf", "anyOf", "oneOf"):
        options = [o for o in schema.get(combinator, []) if o != NULL_ONLY]
        if options:
            return example_of(options[0], defs, depth)
    if "enum" in schema:
        return next((v for v in schema["enum"] if v is not None), None)
    if "default" in schema and schema["default"] is not None:
        return schema["default"]
    kind = schema.get("type")
    if kind == "object" or "properties" in schema:
        if depth > 5:
            return {}
        return {name: example_of(prop, defs, depth + 1) for name, prop in schema.get("properties", {}).items()}
    if kind == "array":
        item = example_of(schema.get("items", {}), defs, depth + 1)
        return [item] * max(1, int(schema.get("minItems", 1))) if depth <= 5 else []
    if kind == "integer":
        low = schema.get("minimum", 1)
        return int(min(max(low, 1), schema.get("maximum", max(low, 1))))
    if kind == "number":
        return float(min(max(schema.get("minimum", 1), 1), schema.get("maximum", 1)))
    if kind == "boolean":
        return True
    if kind == "string":
        if schema.get("format") in _FORMAT_SAMPLES:
            return _FORMAT_SAMPLES[schema["format"]]
        if "pattern" in schema:
            for sample in _PATTERN_SAMPLES:
                if re.search(schema["pattern"], sample) and \
                        schema.get("minLength", 0) <= len(sample) <= schema.get("maxLength", 10**6):
                    return sample
        text = "示例"
        low, high = int(schema.get("minLength", 0)), int(schema.get("maxLength", 10**6))
        return (text * (low // len(text) + 1))[:max(low, min(len(text), high))]
    return None


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


def _roles_text(ep: EndpointSpec) -> str:
    if ep.public:
        return "任何人"
    roles = sorted(ep.roles, key=lambda r: r.value)
    return "、".join(f"{ROLE_NAMES.get(r.value, r.value)}（{r.value}）" for r in roles)


def _description(method: str, ep: EndpointSpec, view: Any, effects: Any, errors: dict[tuple[int, str], str]) -> str:
    """Who may call, what it changes, what happens later in the background, and its errors —
    the roles and ownership from the declaration, the rest read from the code (errors_doc)."""
    import inspect

    from chalicelib import features

    parts = [f"**谁可以调用**：{_roles_text(ep)}。{OWNERSHIP_TEXT[ep.ownership.value]}"]
    doc = inspect.getdoc(inspect.unwrap(view)) or ""
    if doc:
        parts.append(doc)
    if method == "GET":
        changes = "只读，不改变任何数据。"
    else:
        changes = f"{ep.summary}（成功答 {ep.status}）。"
        if ep.idempotent:
            changes += "带同一个 `Idempotency-Key` 重复提交只执行一次。"
    parts.append(f"**改变什么**：{changes}")
    later: list[str] = []
    specs = features.queue_specs()
    for source, detail_type in sorted(effects.events):
        handlers = [q.description or q.short for q in specs if _matches(q.event_pattern, source, detail_type)
                    and q.short != "audit"]
        line = f"发布领域事件 `{detail_type}`（写入审计记录）"
        if handlers:
            line += "，随后由后台处理：" + "；".join(handlers)
        later.append(line)
    for queue in effects.queues:
        later.append(f"排入队列 `{queue.short}`，由后台异步处理：{queue.description or queue.short}")
    parts.append("**后台随后**：" + ("。".join(later) + "。" if later else "无，结果在应答里即已完整。"))
    codes = "、".join(f"`{code}`（{status}）" for (status, code) in sorted(errors))
    parts.append(f"**错误码**：{codes or '无'}")
    return "\n\n".join(parts)


def _matches(pattern: dict[str, Any] | None, source: str, detail_type: str) -> bool:
    if not pattern:
        return False
    sources = pattern.get("source", [])
    source_ok = any(s == source or (isinstance(s, dict) and source.startswith(s.get("prefix", "\0")))
                    for s in sources)
    types = pattern.get("detail-type")
    return source_ok and (types is None or detail_type in types)


def _operation(method: str, ep: EndpointSpec, view: Any, view_args: list[str], *,
               refs: dict[Any, dict[str, Any]], defs: dict[str, Any]) -> dict[str, Any]:
    from .errors_doc import edge_errors, effects_of

    effects = effects_of(view)
    errors = {key: message for key, message in effects.errors.items()}
    edge = edge_errors(public=ep.public, body=ep.body is not None, query=ep.query is not None,
                       path_params=bool(view_args))
    for key, message in edge.items():
        errors.setdefault(key, message)
    role_tag = "公开" if ep.public else "、".join(ROLE_NAMES.get(r.value, r.value).split("（")[0]
                                                for r in sorted(ep.roles, key=lambda r: r.value))
    op: dict[str, Any] = {"summary": f"{ep.summary}【{role_tag}】", "tags": list(ep.tags) or ["gonghui"],
                          "description": _description(method, ep, view, effects, errors)}
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
        body_schema = refs[(ep.body, "validation")]
        op["requestBody"] = {"required": True, "content": {"application/json": {
            "schema": body_schema, "example": example_of(body_schema, defs)}}}
    ok: dict[str, Any] = {"description": "成功"}
    if ep.response is not None:
        response_schema = refs[(ep.response, "serialization")]
        ok["content"] = {"application/json": {"schema": response_schema,
                                              "example": example_of(response_schema, defs)}}
    responses: dict[str, Any] = {str(ep.status): ok}
    by_status: dict[int, list[tuple[str, str]]] = {}
    for (status, code), message in sorted(errors.items()):
        by_status.setdefault(status, []).append((code, message))
    for status, codes in sorted(by_status.items()):
        listed = "；".join(f"`{code}` {message}" for code, message in codes)
        first_code, first_message = codes[0]
        responses[str(status)] = {"description": f"{_STATUS_TEXT.get(status, '出错')}：{listed}",
                                  "content": {"application/json": {"schema": _ref("Error"), "example": {
                                      "code": first_code, "message": first_message, "details": []}}}}
    op["responses"] = responses
    op["x-gonghui-roles"] = sorted(r.value for r in ep.roles)
    op["x-gonghui-ownership"] = ep.ownership.value
    if not ep.public:
        op["security"] = [{"bearer": []}]
    return op


def operation_id(view_name: str) -> str:
    """``dorms_api_apply`` → ``dorms_apply``: the feature and the view, unique across the app."""
    return view_name.replace("_api_", "_", 1)


def _endpoints(app: Any) -> Iterator[tuple[str, str, EndpointSpec, list[str], Any]]:
    for path, methods in sorted(app.routes.items()):
        for method, entry in sorted(methods.items()):
            ep = endpoint_spec(entry.view_function)
            if ep is None or method == "OPTIONS":
                continue
            yield path, method, ep, list(entry.view_args), entry.view_function


def _models(app: Any) -> list[tuple[type[BaseModel], Any]]:
    wanted: dict[tuple[type[BaseModel], Any], None] = {}
    for _path, _method, ep, _args, _view in _endpoints(app):
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
    return any(ep.query is model for _path, _method, ep, _args, _view in _endpoints(app)) and not any(
        ep.body is model or ep.response is model for _path, _method, ep, _args, _view in _endpoints(app))


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
    for name, schema in defs.items():  # client generators name their classes by the title
        if "title" in schema:
            schema["title"] = name
    refs = {key: to_oas30(value) for key, value in raw_refs.items()}
    for path, method, ep, view_args, view in _endpoints(app):
        operation = _operation(method, ep, view, view_args, refs=refs, defs=defs)
        operation["operationId"] = operation_id(app.routes[path][method].view_name)
        spec.path(path=path, operations={method.lower(): operation})
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
