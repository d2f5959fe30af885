"""Domain errors. Raised anywhere, translated to HTTP in exactly one place (``http.py``).

They derive from Chalice's ``ChaliceUnhandledError`` so that Chalice lets them reach our
middleware instead of turning them into its own 500.
"""
from __future__ import annotations

from typing import Any

from chalice.app import ChaliceUnhandledError


class DomainError(ChaliceUnhandledError):
    status = 400
    code = "BAD_REQUEST"
    message = "请求有误"

    def __init__(self, message: str | None = None, *, code: str | None = None,
                 details: list[dict[str, Any]] | None = None, status: int | None = None) -> None:
        self.message = message or self.message
        self.code = code or self.code
        self.status = status or self.status
        self.details = details or []
        super().__init__(f"{self.code}: {self.message}")

    def to_body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message, "details": self.details}


class BadRequest(DomainError):
    status, code, message = 400, "BAD_REQUEST", "请求有误"


class ValidationFailed(DomainError):
    status, code, message = 422, "VALIDATION_FAILED", "提交的内容不符合要求"


class Unauthorized(DomainError):
    status, code, message = 401, "UNAUTHORIZED", "请先登录"


class Forbidden(DomainError):
    status, code, message = 403, "FORBIDDEN", "没有权限执行此操作"


class NotFound(DomainError):
    status, code, message = 404, "NOT_FOUND", "找不到该内容"


class Conflict(DomainError):
    status, code, message = 409, "CONFLICT", "操作冲突，请刷新后重试"


class PayloadTooLarge(DomainError):
    status, code, message = 413, "PAYLOAD_TOO_LARGE", "提交的内容过大"


class TooManyRequests(DomainError):
    status, code, message = 429, "RATE_LIMITED", "操作太频繁，请稍后再试"


class ServiceUnavailable(DomainError):
    status, code, message = 503, "SERVICE_BUSY", "服务繁忙，请稍后再试"


class ProviderError(DomainError):
    """An outside system (WeChat, Alipay, DingTalk) refused or failed."""

    status, code, message = 502, "PROVIDER_ERROR", "第三方服务暂时不可用"


# Chalice's own error codes (unknown method, media type, ...) in our shape.
CHALICE_ERROR_CODES: dict[str, tuple[str, str]] = {
    "MethodNotAllowedError": ("METHOD_NOT_ALLOWED", "不支持该请求方法"),
    "UnsupportedMediaType": ("UNSUPPORTED_MEDIA_TYPE", "不支持的内容类型"),
    "BadRequestError": ("BAD_REQUEST", "请求有误"),
    "BadRequest": ("BAD_REQUEST", "请求有误"),
    "NotFoundError": ("NOT_FOUND", "找不到该内容"),
    "UnauthorizedError": ("UNAUTHORIZED", "请先登录"),
    "ForbiddenError": ("FORBIDDEN", "没有权限执行此操作"),
    "RequestTimeoutError": ("TIMEOUT", "请求超时"),
    "EntityTooLargeError": ("PAYLOAD_TOO_LARGE", "提交的内容过大"),
    "TooManyRequestsError": ("RATE_LIMITED", "操作太频繁，请稍后再试"),
    "InternalServerError": ("INTERNAL_ERROR", "服务器开小差了，请稍后再试"),
}
