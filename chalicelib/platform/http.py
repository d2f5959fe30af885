"""The HTTP edge: every route declares who may call it and how ownership is checked,
parses its input with pydantic, and answers with a model. Errors are mapped here, once.

    @bp.route("/dorms/applications", methods=["POST"])
    @endpoint(roles={Role.WORKER}, ownership=Ownership.SELF, body=ApplyForBed,
              response=DormApplicationView, status=201, summary="申请床位")
    def apply(principal: Principal, body: ApplyForBed) -> DormApplicationView: ...

The wrapped view receives, by name, any of ``principal``, ``body``, ``query``,
``request`` it declares, plus Chalice's path parameters.
"""
from __future__ import annotations

import contextlib
import contextvars
import enum
import functools
import hashlib
import inspect
import json
import math
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from chalice.app import Request, Response
from pydantic import BaseModel, ValidationError

from .auth import Principal, Role, principal_from_header
from .aws import allow_writes, refuse_writes
from .errors import (
    CHALICE_ERROR_CODES,
    BadRequest,
    DomainError,
    Forbidden,
    PayloadTooLarge,
    ValidationFailed,
)
from .settings import get_settings


class Ownership(enum.StrEnum):
    """How a route checks that the caller may touch the object it names."""

    PUBLIC = "public"        # no caller needed (login, health, docs)
    SELF = "self"            # acts only on the caller's own records (looked up by caller id)
    OWNER = "owner"          # object looked up, must belong to caller; otherwise 404
    SCOPE = "scope"          # object's org node must be inside the admin's scope; otherwise 404
    MEMBERS = "members"      # 光年间: only active members (verified, pledged, not blocked), filtered by rules
    SHARED = "shared"        # reference content for any signed-in caller in good standing (a menu, the org tree)


PUBLIC = frozenset[Role]()


@dataclass(frozen=True)
class EndpointSpec:
    roles: frozenset[Role]
    ownership: Ownership
    body: type[BaseModel] | None = None
    query: type[BaseModel] | None = None
    response: type[BaseModel] | None = None
    status: int = 200
    summary: str = ""
    tags: tuple[str, ...] = ()
    idempotent: bool = False
    errors: tuple[int, ...] = field(default_factory=tuple)
    # "edge": the caller checks run before the view (one read of their own); "first_read": the
    # view's first read carries them (``caller_read``) — one round trip less on a hot path
    caller_check: str = "edge"

    @property
    def public(self) -> bool:
        return self.ownership is Ownership.PUBLIC


_app: Any = None


# Files some routes answer with (exports, archives): API Gateway passes them as binary.
BINARY_TYPES = ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/pdf")


def bind(app: Any) -> None:
    """Remember the Chalice app whose ``current_request`` the endpoints read."""
    global _app
    _app = app
    for mime in BINARY_TYPES:
        if mime not in app.api.binary_types:
            app.api.binary_types.append(mime)


def current_request() -> Request:
    request = _app.current_request if _app is not None else None
    if request is None:
        raise RuntimeError("endpoint called outside a Chalice request")
    return request


MAX_JSON_DEPTH = 32             # no request of this API nests deeper than a handful of levels
MAX_JSON_INT = 10**18           # beyond any count, id or amount; DynamoDB keeps 38 digits


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number")


def _check_json_values(data: Any) -> None:
    """Walk a parsed document once (no recursion): too deep, a huge integer or a non-finite
    number is refused here rather than deep in a handler or DynamoDB."""
    stack: list[tuple[Any, int]] = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, dict | list):
            if depth > MAX_JSON_DEPTH:
                raise BadRequest(f"请求体嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）", code="JSON_TOO_DEEP",
                                 details=[{"max_depth": MAX_JSON_DEPTH}])
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
        elif isinstance(value, bool):
            continue
        elif isinstance(value, int) and not -MAX_JSON_INT <= value <= MAX_JSON_INT:
            raise BadRequest("请求体中的数字超出允许范围", code="JSON_NUMBER_OUT_OF_RANGE",
                             details=[{"max_abs": MAX_JSON_INT}])
        elif isinstance(value, float) and not math.isfinite(value):
            raise BadRequest("请求体中的数字超出允许范围", code="JSON_NUMBER_OUT_OF_RANGE",
                             details=[{"max_abs": MAX_JSON_INT}])


def parse_json_text(raw: bytes | str) -> Any:
    """Untrusted JSON text (a request body, a WebSocket frame) → data, or a 400 with a code.
    Never lets ``RecursionError`` (deep nesting) or ``ValueError`` (integers past Python's
    4,300-digit limit, ``NaN``/``Infinity``) escape as a 500."""
    try:
        data = json.loads(raw, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise BadRequest(f"请求体嵌套层数过多（最多 {MAX_JSON_DEPTH} 层）", code="JSON_TOO_DEEP",
                         details=[{"max_depth": MAX_JSON_DEPTH}]) from exc
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise BadRequest("请求体不是合法的 JSON", code="INVALID_JSON",
                         details=[{"position": getattr(exc, "pos", None)}]) from exc
    except ValueError as exc:  # int digits limit, NaN / Infinity
        raise BadRequest("请求体中的数字超出允许范围", code="JSON_NUMBER_OUT_OF_RANGE",
                         details=[{"max_abs": MAX_JSON_INT}]) from exc
    _check_json_values(data)
    return data


def read_json(request: Request, *, limit: int | None = None) -> Any:
    raw = request.raw_body or b""
    limit = limit or get_settings().max_body_bytes
    if len(raw) > limit:
        raise PayloadTooLarge(f"提交的内容超过 {limit // 1024} KB 上限", details=[{"limit_bytes": limit}])
    if not raw.strip():
        raise BadRequest("请求体不能为空", code="EMPTY_BODY")
    return parse_json_text(raw)


# pydantic's error types in Chinese (the machine-readable ``type`` is kept next to them).
_CN_TEMPLATES: dict[str, str] = {
    "missing": "必填", "extra_forbidden": "不允许的字段", "string_type": "应为文本",
    "string_too_short": "至少 {min_length} 个字符", "string_too_long": "最多 {max_length} 个字符",
    "string_pattern_mismatch": "格式不正确", "string_unicode": "应为文本",
    "int_type": "应为整数", "int_parsing": "应为整数", "int_from_float": "应为整数",
    "float_type": "应为数字", "float_parsing": "应为数字", "decimal_type": "应为数字",
    "decimal_parsing": "应为数字", "finite_number": "应为有限的数字",
    "bool_type": "应为 true 或 false", "bool_parsing": "应为 true 或 false",
    "greater_than": "应大于 {gt}", "greater_than_equal": "应不小于 {ge}",
    "less_than": "应小于 {lt}", "less_than_equal": "应不大于 {le}", "multiple_of": "应为 {multiple_of} 的倍数",
    "literal_error": "应为以下之一：{expected}", "enum": "应为以下之一：{expected}",
    "list_type": "应为列表", "tuple_type": "应为列表", "set_type": "应为列表",
    "too_short": "至少 {min_length} 项", "too_long": "最多 {max_length} 项",
    "dict_type": "应为对象", "model_type": "应为对象", "model_attributes_type": "应为对象",
    "date_type": "应为日期（YYYY-MM-DD）", "date_parsing": "应为日期（YYYY-MM-DD）",
    "date_from_datetime_parsing": "应为日期（YYYY-MM-DD）", "date_from_datetime_inexact": "应为日期（YYYY-MM-DD）",
    "date_past": "应为过去的日期", "date_future": "应为将来的日期",
    "datetime_type": "应为时间（ISO 8601，如 2026-01-01T08:00:00+08:00）",
    "datetime_parsing": "应为时间（ISO 8601，如 2026-01-01T08:00:00+08:00）",
    "datetime_from_date_parsing": "应为时间（ISO 8601，如 2026-01-01T08:00:00+08:00）",
    "time_type": "应为时刻（HH:MM）", "time_parsing": "应为时刻（HH:MM）",
    "uuid_type": "应为 UUID", "uuid_parsing": "应为 UUID", "url_parsing": "应为网址", "url_type": "应为网址",
    "url_scheme": "网址的协议不被允许", "json_invalid": "不是合法的 JSON", "none_required": "应为空",
    "union_tag_invalid": "类型应为以下之一：{expected_tags}", "union_tag_not_found": "缺少类型字段 {discriminator}",
    "bytes_too_long": "内容过长", "bytes_too_short": "内容过短",
}


def _cn_expected(value: Any) -> str:
    return str(value).replace(" or ", "、").replace(", ", "、")


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def validation_message(error: dict[str, Any]) -> str:
    """One pydantic error in Chinese: a template per type; a validator's own (Chinese) text."""
    kind = str(error.get("type", ""))
    ctx = {k: _cn_expected(v) if k in ("expected", "expected_tags") else v
           for k, v in (error.get("ctx") or {}).items()}
    if kind in ("value_error", "assertion_error"):
        text = str(ctx.get("error") or error.get("msg", ""))
        for prefix in ("Value error, ", "Assertion failed, "):
            text = text.removeprefix(prefix)
        return text if _has_chinese(text) else "不符合要求"
    template = _CN_TEMPLATES.get(kind)
    if template is None:  # our own error types (PydanticCustomError) carry their Chinese message
        text = str(error.get("msg", ""))
        return text if _has_chinese(text) else "不符合要求"
    try:
        return template.format(**ctx)
    except (KeyError, IndexError):
        return template.split("{")[0].rstrip("：") or "不符合要求"


def _validation_details(exc: ValidationError) -> list[dict[str, Any]]:
    details = []
    for err in exc.errors(include_url=False, include_context=True, include_input=False):
        field_name = ".".join(str(p) for p in err.get("loc", ()))
        details.append({"field": field_name, "type": err.get("type"),
                        "message": f"{field_name}：{validation_message(dict(err))}" if field_name
                        else validation_message(dict(err))})
    return details


def parse_model(model: type[BaseModel], data: Any, *, where: str = "body") -> BaseModel:
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        where_cn = "请求参数" if where == "query" else "提交的内容"
        raise ValidationFailed(f"{where_cn}不符合要求", details=_validation_details(exc)) from exc


def _query_data(request: Request, model: type[BaseModel]) -> dict[str, Any]:
    params: Any = request.query_params or {}
    data: dict[str, Any] = {}
    for name in params:
        values = params.getlist(name) if hasattr(params, "getlist") else [params[name]]
        info = model.model_fields.get(name)
        is_list = info is not None and getattr(info.annotation, "__origin__", None) in (list, tuple, set)
        if is_list:
            data[name] = [v for value in values for v in value.split(",") if v]
        else:
            data[name] = values[-1]
    return data


def to_body(result: Any) -> Any:
    if isinstance(result, BaseModel):
        return result.model_dump(mode="json", by_alias=True)
    if isinstance(result, list):
        return [to_body(r) for r in result]
    return result


def respond_error(exc: Exception) -> Response:
    if isinstance(exc, DomainError):
        return Response(body=exc.to_body(), status_code=exc.status,
                        headers={"Content-Type": "application/json"})
    from .observability import logger

    logger.exception("unhandled error")
    code, message = CHALICE_ERROR_CODES["InternalServerError"]
    return Response(body={"code": code, "message": message, "details": []}, status_code=500,
                    headers={"Content-Type": "application/json"})


def normalize_error_response(response: Response) -> Response:
    """Rewrite Chalice's own error bodies (``{"Code", "Message"}``) into ours."""
    body = response.body
    if response.status_code >= 400 and isinstance(body, dict) and "Code" in body and "code" not in body:
        code, message = CHALICE_ERROR_CODES.get(body["Code"], ("ERROR", "请求失败"))
        response.body = {"code": code, "message": message, "details": []}
    return response


# Checks of the caller's standing, run by every non-public route after the role check. A
# feature registers one (identity: banned / suspended / not an active member, and the
# organisation the person has now); the platform knows no feature's records.
CallerCheck = Callable[[Principal, EndpointSpec], Principal]
Wanted = tuple[Any, list[Any], bool]     # (model, keys, consistent read), as ``db.batch_get_tables`` takes
Checked = tuple[Any, Any, Any, Any]      # (model, hash key, range key, condition): a transaction's ConditionCheck


@dataclass(frozen=True)
class FoldedCheck:
    """A caller check split so its read can ride in a view's BatchGetItem: ``reads`` names
    the items it needs, ``judge`` refuses (a DomainError) or returns the principal to use."""

    reads: Callable[[Principal], list[Wanted]]
    judge: Callable[[Principal, EndpointSpec, list[list[Any]]], Principal]
    # the same check as ConditionChecks of a write, when it can be put so (it then gives back
    # the principal unchanged): ``(model, hash key, range key, condition)``; None when it can't
    conditions: Callable[[Principal, EndpointSpec], list[Checked] | None] | None = None


_caller_checks: list[tuple[CallerCheck, FoldedCheck | None]] = []


def register_caller_check(check: CallerCheck, *, folded: FoldedCheck | None = None) -> None:
    """Run ``check(principal, spec)`` on every non-public call; it raises a DomainError to
    refuse, or returns the principal to use (e.g. with a fresher ``org_path``). With
    ``folded``, routes declared ``caller_check="first_read"`` judge it on their first read."""
    if all(check is not registered for registered, _ in _caller_checks):
        _caller_checks.append((check, folded))


@dataclass
class _Pending:
    principal: Principal
    spec: EndpointSpec
    checks: list[FoldedCheck]
    judged: bool = False


_pending: contextvars.ContextVar[_Pending | None] = contextvars.ContextVar("gonghui_caller_pending", default=None)


class CallerRead:
    """The view's first read on a ``caller_check="first_read"`` route: a callable like
    ``db.batch_get_tables`` that adds the caller checks' items to the same BatchGetItem and
    judges them before handing the view its items; ``principal`` is then the checked caller.
    Anywhere else (the checks ran at the edge, or no request) it is a plain batch read."""

    def __init__(self, principal: Principal) -> None:
        self.principal = principal

    def __call__(self, *wanted: Wanted) -> list[list[Any]]:
        from .db import batch_get_tables

        pending = _pending.get()
        if pending is None or pending.judged:
            return batch_get_tables(*wanted)
        extra = [[*check.reads(pending.principal)] for check in pending.checks]
        found = batch_get_tables(*wanted, *(w for reads in extra for w in reads))
        principal, at = pending.principal, len(wanted)
        for check, reads in zip(pending.checks, extra, strict=True):
            principal = check.judge(principal, pending.spec, found[at:at + len(reads)])
            at += len(reads)
        pending.principal, pending.judged = principal, True
        refuse_writes(None)
        self.principal = principal
        return found[:len(wanted)]


    def conditions(self) -> list[Checked] | None:
        """The caller checks as ConditionChecks for the view's first write, or None when one
        of them cannot be put so (then read first). Empty when nothing is left to judge."""
        pending = _pending.get()
        if pending is None or pending.judged:
            return []
        out: list[Checked] = []
        for check in pending.checks:
            conditions = check.conditions(pending.principal, pending.spec) if check.conditions else None
            if conditions is None:
                return None
            out += conditions
        return out

    @contextlib.contextmanager
    def conditional_write(self) -> Iterator[None]:
        """Around ONE transaction that carries ``conditions()`` as its ConditionChecks: writes
        may go out inside; if the block ends without an error the transaction committed, so the
        caller was judged by it. On an error, writes are refused again (read, then judge)."""
        pending = _pending.get()
        if pending is None or pending.judged:
            yield
            return
        token = refuse_writes(None)
        try:
            yield
        except BaseException:
            allow_writes(token)
            raise
        pending.judged = True


def caller_read(principal: Principal) -> CallerRead:
    return CallerRead(principal)


def _authorize(spec: EndpointSpec, request: Request) -> tuple[Principal | None, _Pending | None]:
    if spec.public:
        return None, None
    principal = principal_from_header(request.headers.get("authorization"))
    if principal.role not in spec.roles:
        raise Forbidden("当前身份无权执行此操作", code="ROLE_FORBIDDEN",
                        details=[{"required": sorted(r.value for r in spec.roles)}])
    if not _caller_checks and spec.ownership is Ownership.MEMBERS:
        raise RuntimeError("no caller check registered: a MEMBERS route cannot tell who is a member")
    folded = [f for _, f in _caller_checks if f is not None]
    if spec.caller_check == "first_read" and len(folded) == len(_caller_checks):
        return principal, _Pending(principal, spec, folded)
    for check, _ in _caller_checks:
        principal = check(principal, spec)
    return principal, None


def endpoint(*, roles: Iterable[Role], ownership: Ownership, body: type[BaseModel] | None = None,
             query: type[BaseModel] | None = None, response: type[BaseModel] | None = None,
             status: int = 200, summary: str = "", tags: Iterable[str] = (),
             idempotent: bool = False, caller_check: str = "edge"
             ) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Declare a route's role, ownership check and schemas; parse, authorize, respond.
    ``caller_check="first_read"``: the view's first read is ``caller_read(principal)``, which
    judges the caller checks in the same BatchGetItem (the view must read before it writes)."""
    spec = EndpointSpec(roles=frozenset(roles), ownership=ownership, body=body, query=query,
                        response=response, status=status, summary=summary, tags=tuple(tags),
                        idempotent=idempotent, caller_check=caller_check)
    if not spec.public and not spec.roles:
        raise ValueError("a non-public endpoint must name at least one role")
    if caller_check not in ("edge", "first_read"):
        raise ValueError(f"caller_check is 'edge' or 'first_read', not {caller_check!r}")

    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        wanted = set(inspect.signature(view).parameters)

        @functools.wraps(view)
        def wrapper(**path_args: Any) -> Response:
            request = current_request()
            principal, pending = _authorize(spec, request)
            kwargs: dict[str, Any] = dict(path_args)
            raw_body: Any = None
            if spec.body is not None:
                raw_body = read_json(request)
                kwargs["body"] = parse_model(spec.body, raw_body)
            elif request.raw_body and len(request.raw_body) > get_settings().max_body_bytes:
                raise PayloadTooLarge()
            if spec.query is not None:
                kwargs["query"] = parse_model(spec.query, _query_data(request, spec.query), where="query")
            if "principal" in wanted:
                kwargs["principal"] = principal
            if "request" in wanted:
                kwargs["request"] = request
            kwargs = {k: v for k, v in kwargs.items() if k in wanted}

            def run() -> dict[str, Any]:
                token = _pending.set(pending)
                refused = refuse_writes(f"{view.__name__} writes before caller_read judged the caller"
                                        if pending is not None else None)
                try:
                    result = view(**kwargs)
                finally:
                    allow_writes(refused)
                    _pending.reset(token)
                if pending is not None and not pending.judged:
                    raise RuntimeError(f"{view.__name__}: a first_read route answered without reading the caller")
                if isinstance(result, Response):
                    return {"status": result.status_code, "body": result.body, "headers": result.headers}
                return {"status": spec.status, "body": to_body(result), "headers": {}}

            key = request.headers.get("idempotency-key")
            if spec.idempotent and key:
                from .idempotency import run_once

                outcome = run_once(
                    scope=f"{request.method} {request.context.get('resourcePath', request.path)}",
                    caller=principal.user_id if principal else "public",
                    key=key,
                    fingerprint=hashlib.sha256(json.dumps(
                        {"path": path_args, "body": raw_body}, sort_keys=True, default=str
                    ).encode()).hexdigest(),
                    work=run,
                )
            else:
                outcome = run()
            headers = {"Content-Type": "application/json", **(outcome.get("headers") or {})}
            return Response(body=outcome["body"], status_code=outcome["status"], headers=headers)

        wrapper.__endpoint__ = spec  # type: ignore[attr-defined]
        return wrapper

    return decorate


def endpoint_spec(view: Callable[..., Any]) -> EndpointSpec | None:
    return getattr(view, "__endpoint__", None)
