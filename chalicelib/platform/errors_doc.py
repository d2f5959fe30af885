"""What an operation can answer and set off, read from the code rather than written by hand.

Starting at a route's view, the source is walked (``ast``) through every function it calls
inside ``chalicelib`` — the feature's ``logic``, the platform helpers — and each construction of
a :class:`~chalicelib.platform.errors.DomainError` subclass is collected with its status,
its ``code`` and its message (literals, else the class defaults); so is every domain event it
publishes (``events.publish``) and every queue it sends to (``queues.send``). The edge's own
refusals (token, role, JSON body, validation) are added from the endpoint declaration.

Used only to write the OpenAPI document, so it runs when ``/openapi.json`` is first asked for.
"""
from __future__ import annotations

import ast
import importlib
import inspect
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from types import ModuleType
from typing import Any

from .errors import DomainError

MAX_DEPTH = 6


@cache
def _tree(module_name: str) -> dict[str, ast.AST]:
    """Top-level functions (and methods as ``Class.name``) of a module by name."""
    module = sys.modules.get(module_name) or importlib.import_module(module_name)
    try:
        source = inspect.getsource(module)
    except (OSError, TypeError):
        return {}
    found: dict[str, ast.AST] = {}
    for node in ast.parse(source).body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found[node.name] = node
        elif isinstance(node, ast.ClassDef):
            for sub in node.body:
                if isinstance(sub, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    found[f"{node.name}.{sub.name}"] = sub
    return found


def _module(name: str) -> ModuleType | None:
    try:
        return sys.modules.get(name) or importlib.import_module(name)
    except ImportError:
        return None


def _local_imports(module: ModuleType, body: list[ast.stmt]) -> dict[str, Any]:
    """Names a function imports inside itself (``from chalicelib.providers import wechat``)."""
    names: dict[str, Any] = {}
    for statement in body:
        for node in ast.walk(statement):
            if isinstance(node, ast.ImportFrom) and node.module is not None:
                base = node.module if node.level == 0 else \
                    ".".join([*module.__name__.split(".")[:-node.level], node.module])
                for alias in node.names:
                    target = _module(f"{base}.{alias.name}")
                    if target is None:
                        parent = _module(base)
                        target = getattr(parent, alias.name, None) if parent else None
                    names[alias.asname or alias.name] = target
    return names


def _resolve(module: ModuleType, node: ast.expr, local: dict[str, Any]) -> Any:
    """The object a ``Name`` or ``module.attr`` expression names in ``module``'s globals."""
    scope = {**module.__dict__, **local}
    if isinstance(node, ast.Name):
        return scope.get(node.id)
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name):
        owner = scope.get(node.value.id)
        if isinstance(owner, ModuleType):
            owner_module = _module(owner.__name__)
            return getattr(owner_module, node.attr, None) if owner_module else None
        if isinstance(owner, type):
            return owner.__dict__.get(node.attr)
    return None


def _literal(call: ast.Call, name: str) -> Any:
    for keyword in call.keywords:
        if keyword.arg == name and isinstance(keyword.value, ast.Constant):
            return keyword.value.value
    return None


def _in_app(obj: Any) -> bool:
    return str(getattr(obj, "__module__", "") or "").startswith("chalicelib.")


@dataclass
class Effects:
    errors: dict[tuple[int, str], str] = field(default_factory=dict)   # (status, code) → message
    events: set[tuple[str, str]] = field(default_factory=set)          # (source, detail-type)
    queues: list[Any] = field(default_factory=list)                    # QueueSpec sent to


def _constant(module: ModuleType, node: ast.expr | None, local: dict[str, Any]) -> Any:
    if isinstance(node, ast.Constant):
        return node.value
    if node is not None:
        value = _resolve(module, node, local)
        if isinstance(value, (str, int)) or type(value).__name__ == "QueueSpec":
            return value
    return None


def _argument(call: ast.Call, position: int, name: str) -> ast.expr | None:
    if len(call.args) > position:
        return call.args[position]
    return next((k.value for k in call.keywords if k.arg == name), None)


def raised_by(view: Callable[..., Any]) -> set[tuple[int, str]]:
    """``(status, code)`` of every domain error reachable from ``view``."""
    return set(effects_of(view).errors)


def effects_of(view: Callable[..., Any]) -> Effects:
    """The domain errors, events and queue messages reachable from ``view``."""
    from . import events as events_module
    from . import queues as queues_module

    found = Effects()
    seen: set[tuple[str, str]] = set()

    def visit(func: Any, depth: int) -> None:
        func = inspect.unwrap(func) if callable(func) else func
        module_name = getattr(func, "__module__", None)
        qualname = getattr(func, "__qualname__", getattr(func, "__name__", ""))
        if not module_name or not _in_app(func) or depth > MAX_DEPTH or (module_name, qualname) in seen:
            return
        seen.add((module_name, qualname))
        node = _tree(module_name).get(qualname)
        module = _module(module_name)
        if node is None or module is None:
            return
        owner_class = qualname.split(".")[0] if "." in qualname else None
        body = getattr(node, "body", [])  # not the decorators: @endpoint's own refusals are added apart
        local = _local_imports(module, body)
        for sub in (inner for statement in body for inner in ast.walk(statement)):
            if isinstance(sub, (ast.Name, ast.Attribute)) and isinstance(sub.ctx, ast.Load):
                named = _resolve(module, sub, local)  # ``raise NOT_FOUND``, ``not_found=NOT_FOUND``
                if isinstance(named, DomainError):
                    found.errors.setdefault((int(named.status), str(named.code)), named.message)
                continue
            if not isinstance(sub, ast.Call):
                continue
            target = _resolve(module, sub.func, local)
            if (target is None and owner_class and isinstance(sub.func, ast.Attribute)
                    and isinstance(sub.func.value, ast.Name) and sub.func.value.id in ("self", "cls")):
                target = getattr(module.__dict__.get(owner_class), sub.func.attr, None)
            if isinstance(target, type) and issubclass(target, DomainError):
                status = _literal(sub, "status") or target.status
                code = _literal(sub, "code") or target.code
                message = _constant(module, _argument(sub, 0, "message"), local)
                found.errors.setdefault((int(status), str(code)),
                                        message if isinstance(message, str) else target.message)
            elif target is events_module.publish:
                feature = _constant(module, _argument(sub, 0, "feature"), local)
                detail_type = _constant(module, _argument(sub, 1, "detail_type"), local)
                if isinstance(feature, str) and isinstance(detail_type, str):
                    found.events.add((events_module.source_of(feature), detail_type))
            elif target is queues_module.send:
                spec = _constant(module, _argument(sub, 0, "spec"), local)
                if spec is not None and spec not in found.queues:
                    found.queues.append(spec)
            elif callable(target):
                visit(target, depth + 1)

    visit(view, 0)
    return found


def edge_errors(*, public: bool, body: bool, query: bool, path_params: bool) -> dict[tuple[int, str], str]:
    """What ``@endpoint`` itself answers before the view runs, with its messages."""
    found: dict[tuple[int, str], str] = {
        (413, "PAYLOAD_TOO_LARGE"): "提交的内容过大",
        (415, "UNSUPPORTED_MEDIA_TYPE"): "不支持的内容类型（请求体须为 application/json）",
        (500, "INTERNAL_ERROR"): "服务器意外故障（不因输入而起；已记录，请稍后重试）",
    }
    if not public:
        found.update({(401, "TOKEN_MISSING"): "请先登录", (401, "TOKEN_INVALID"): "登录凭证无效",
                      (401, "TOKEN_EXPIRED"): "登录已过期，请重新登录",
                      (403, "ROLE_FORBIDDEN"): "当前身份无权执行此操作"})
    if body:
        found.update({(400, "EMPTY_BODY"): "请求体不能为空", (400, "INVALID_JSON"): "请求体不是合法的 JSON",
                      (422, "VALIDATION_FAILED"): "提交的内容不符合要求（details 逐字段说明）"})
    if query:
        found[(422, "VALIDATION_FAILED")] = "请求参数不符合要求（details 逐字段说明）"
    return found

