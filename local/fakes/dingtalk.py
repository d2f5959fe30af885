"""Fake 浙政钉 (专有钉钉) open platform: HMAC-signed ``/gettoken.json`` and
``/rpc/oauth2/dingtalk_app_user.json``.

Checks every request's ``X-Hmac-Auth-*`` headers the way the platform gateway does
(app key, version, timestamp skew, nonce replay, HMAC-SHA256 signature over
``METHOD\\ntimestamp\\nnonce\\nURI\\nsorted k=v params``). Gateway refusals answer
``{"success": false, "errorCode", "errorMsg"}``; API refusals answer
``{"success": true, "content": {"success": false, "responseCode", "responseMessage"}}``.
The error codes are this fake's own: the platform's are not public.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import threading
from collections.abc import Callable
from datetime import datetime
from typing import Any

from .common import CodeBook, FakeRequest, FakeResponse, TokenBook, now

AUTH_CODE_TTL = 300  # assumption: the platform does not publish it
TOKEN_TTL = 7200
MAX_SKEW_SECONDS = 900
DEFAULT_TENANT = "196729"


def _gateway_error(code: str, message: str) -> FakeResponse:
    return FakeResponse.of_json({"success": False, "errorCode": code, "errorMsg": message, "errorLevel": "error"})


def _content(data: Any) -> FakeResponse:
    return FakeResponse.of_json({"success": True, "content": {
        "success": True, "data": data, "responseCode": "0", "responseMessage": "OK",
        "requestId": secrets.token_hex(8)}})


def _refusal(code: str, message: str) -> FakeResponse:
    return FakeResponse.of_json({"success": True, "content": {
        "success": False, "responseCode": code, "responseMessage": message, "bizErrorCode": code,
        "requestId": secrets.token_hex(8)}})


class FakeDingtalk:
    def __init__(self, app_key: str) -> None:
        self.app_key = app_key
        self.secret = secrets.token_urlsafe(30)
        self.codes = CodeBook(AUTH_CODE_TTL)
        self.tokens = TokenBook(TOKEN_TTL)
        self._nonces: dict[str, float] = {}
        self._lock = threading.Lock()

    # -- control ---------------------------------------------------------------------
    def auth_code(self, account_id: str, name: str, *, employee_code: str | None = None,
                  tenant_id: str | None = DEFAULT_TENANT) -> str:
        return self.codes.mint({"account_id": account_id, "name": name,
                                "employee_code": employee_code or f"GE_{secrets.token_hex(8)}",
                                "tenant_id": tenant_id})

    def reset(self) -> None:
        self.codes.clear()
        self.tokens.clear()
        with self._lock:
            self._nonces.clear()

    # -- protocol --------------------------------------------------------------------
    def routes(self) -> dict[str, Callable[[FakeRequest], FakeResponse]]:
        return {"/gettoken.json": self.gettoken, "/rpc/oauth2/dingtalk_app_user.json": self.app_user}

    def _expected_signature(self, request: FakeRequest, timestamp: str, nonce: str) -> str:
        params = request.params()
        text = f"{request.method}\n{timestamp}\n{nonce}\n{request.path}"
        canonical = "&".join(f"{k}={v}" for k, v in sorted(params.items()))
        if canonical:
            text = f"{text}\n{canonical}"
        digest = hmac.new(self.secret.encode(), text.encode("utf-8"), hashlib.sha256).digest()
        return base64.b64encode(digest).decode()

    def _check_signature(self, request: FakeRequest) -> FakeResponse | None:
        if request.header("apiKey") != self.app_key:
            return _gateway_error("APIKEY_INVALID", "apiKey 无效")
        if request.header("X-Hmac-Auth-Version") != "1.0":
            return _gateway_error("VERSION_INVALID", "X-Hmac-Auth-Version 必须为 1.0")
        timestamp, nonce = request.header("X-Hmac-Auth-Timestamp"), request.header("X-Hmac-Auth-Nonce")
        try:
            moment = datetime.fromisoformat(timestamp).timestamp()
        except ValueError:
            return _gateway_error("TIMESTAMP_INVALID", "X-Hmac-Auth-Timestamp 格式错误")
        if abs(moment - now()) > MAX_SKEW_SECONDS:
            return _gateway_error("TIMESTAMP_EXPIRED", "请求时间戳已过期")
        if not nonce:
            return _gateway_error("NONCE_MISSING", "缺少 X-Hmac-Auth-Nonce")
        expected = self._expected_signature(request, timestamp, nonce)
        if not hmac.compare_digest(expected, request.header("X-Hmac-Auth-Signature")):
            return _gateway_error("SIGNATURE_MISMATCH", "签名校验失败")
        with self._lock:
            horizon = now() - MAX_SKEW_SECONDS
            for old in [n for n, seen in self._nonces.items() if seen < horizon]:
                del self._nonces[old]
            if nonce in self._nonces:
                return _gateway_error("NONCE_REPLAYED", "重复的请求")
            self._nonces[nonce] = now()
        return None

    def gettoken(self, request: FakeRequest) -> FakeResponse:
        refused = self._check_signature(request)
        if refused:
            return refused
        params = request.params()
        if params.get("appkey") != self.app_key or params.get("appsecret") != self.secret:
            return _refusal("APP_SECRET_INVALID", "appkey 或 appsecret 错误")
        return _content({"accessToken": self.tokens.issue(), "expiresIn": TOKEN_TTL})

    def app_user(self, request: FakeRequest) -> FakeResponse:
        if request.method != "POST":
            return _gateway_error("METHOD_NOT_ALLOWED", "请使用 POST")
        refused = self._check_signature(request)
        if refused:
            return refused
        params = request.params()
        if self.tokens.check(params.get("access_token")) != "ok":
            return _refusal("ACCESS_TOKEN_INVALID", "access_token 无效或已过期")
        subject, _why = self.codes.redeem(params.get("auth_code", ""))
        if subject is None:
            return _refusal("AUTH_CODE_INVALID", "auth_code 无效或已使用")
        account_id: str = subject["account_id"]
        tenant = subject.get("tenant_id")
        return _content({
            "account": f"zzd_{account_id}",
            "accountId": int(account_id) if account_id.isdigit() else account_id,
            "clientId": self.app_key,
            "employeeCode": subject["employee_code"],
            "lastName": subject["name"],
            "namespace": "local",
            "nickNameCn": subject["name"],
            "realmId": int(tenant) if tenant and str(tenant).isdigit() else tenant,
            "realmName": "浙江省总工会（模拟）",
            "tenantUserId": f"{tenant}${account_id}",
            "openid": hashlib.sha256(f"{self.app_key}:{account_id}".encode()).hexdigest()[:32],
        })

