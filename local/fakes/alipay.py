"""Fake Alipay open platform gateway (``/gateway.do``), RSA2 keys mode.

It holds its own "Alipay" RSA-2048 key pair (answers are signed with it) and the app's
key pair (it verifies app requests with the public half and hands the private half to the
app through ``ssm_parameters``). Gateway checks and their answers follow Alipay's common
error table: 40001 ``isv.missing-*``, 40002 ``isv.invalid-app-id`` /
``isv.invalid-signature`` / ``isv.invalid-timestamp`` / ``isv.invalid-method``, 40004
"Business Failed" for API refusals; oauth code errors come as ``error_response`` with
``isv.code-invalid``. Business sub_codes not in the public docs (unknown certify id,
unsubscribed user) are this fake's own.

ID numbers sent to ``certify.open.initialize`` are kept only as SHA-256 digests.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
import secrets
import threading
import urllib.parse
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chalicelib.platform.clock import SHANGHAI

from .common import CodeBook, FakeRequest, FakeResponse, now

AUTH_CODE_TTL = 24 * 3600  # Alipay support: "auth_code 有效期最久 24 小时", one use
MAX_TIMESTAMP_SKEW = 900
CERTIFY_BIZ_CODES = {"FACE", "CERT_PHOTO", "CERT_PHOTO_FACE", "SMART_FACE"}
DEFAULT_FAIL_REASON = "人脸比对不通过"
MATERIAL_INFO = {"FACIAL_PICTURE_FRONT": base64.b64encode(b"fake-face-picture").decode()}
METHODS = {
    "alipay.system.oauth.token",
    "alipay.user.certify.open.initialize",
    "alipay.user.certify.open.certify",
    "alipay.user.certify.open.query",
    "alipay.open.app.mini.templatemessage.send",
}

_keys_lock = threading.Lock()
_keys: tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey] | None = None


def _key_pairs() -> tuple[rsa.RSAPrivateKey, rsa.RSAPrivateKey]:
    """(Alipay's key, the app's key), generated once per process (RSA-2048 is slow-ish)."""
    global _keys
    with _keys_lock:
        if _keys is None:
            _keys = (rsa.generate_private_key(public_exponent=65537, key_size=2048),
                     rsa.generate_private_key(public_exponent=65537, key_size=2048))
        return _keys


def _cert_key(cert_no: str) -> str:
    return hashlib.sha256(cert_no.strip().upper().encode()).hexdigest()


@dataclass
class Certification:
    certify_id: str
    cert_key: str  # SHA-256 of the ID number, never the number
    biz_code: str
    return_url: str | None
    completed: bool = False
    passed: bool = False
    fail_reason: str | None = None


class GatewayError(Exception):
    def __init__(self, code: str, msg: str, sub_code: str, sub_msg: str, *, node: str | None = None) -> None:
        super().__init__(sub_code)
        self.body = {"code": code, "msg": msg, "sub_code": sub_code, "sub_msg": sub_msg}
        self.node = node


def _missing(sub_code: str, sub_msg: str) -> GatewayError:
    return GatewayError("40001", "Missing Required Arguments", sub_code, sub_msg)


def _invalid(sub_code: str, sub_msg: str) -> GatewayError:
    return GatewayError("40002", "Invalid Arguments", sub_code, sub_msg)


def _business(sub_code: str, sub_msg: str) -> GatewayError:
    return GatewayError("40004", "Business Failed", sub_code, sub_msg)


def _object(value: Any, name: str) -> dict[str, Any]:
    """Alipay accepts nested objects in biz_content either as JSON objects or JSON strings."""
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            raise _invalid("isv.invalid-parameter", f"参数 {name} 格式错误") from None
    if not isinstance(value, dict):
        raise _invalid("isv.invalid-parameter", f"参数 {name} 格式错误")
    return value


class FakeAlipay:
    def __init__(self, app_id: str, record: Callable[[dict[str, Any]], None],
                 refused: Callable[[str, str], bool]) -> None:
        self.app_id = app_id
        self._alipay_key, self._app_key = _key_pairs()
        self.codes = CodeBook(AUTH_CODE_TTL)
        self.certifications: dict[str, Certification] = {}
        self.face_results: dict[str, tuple[bool, str | None]] = {}
        self.passed_as_list = False
        self.material_as_object = False
        self._tamper_next = False
        self._record = record
        self._refused = refused
        self._lock = threading.Lock()

    # -- keys --------------------------------------------------------------------------
    @property
    def app_private_key_pem(self) -> str:
        return self._app_key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()).decode()

    @property
    def alipay_public_key_pem(self) -> str:
        return self._alipay_key.public_key().public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo).decode()

    # -- control -----------------------------------------------------------------------
    def auth_code(self, user_id: str, open_id: str | None = None) -> str:
        return self.codes.mint({"user_id": user_id, "open_id": open_id})

    def set_face_result(self, cert_no_or_any: str, passed: bool, fail_reason: str | None = None) -> None:
        key = "*" if cert_no_or_any == "*" else _cert_key(cert_no_or_any)
        with self._lock:
            self.face_results[key] = (passed, None if passed else (fail_reason or DEFAULT_FAIL_REASON))

    def complete_certify(self, certify_id: str) -> None:
        with self._lock:
            record = self.certifications[certify_id]
            passed, reason = self.face_results.get(record.cert_key) or self.face_results.get("*") or (True, None)
            record.completed, record.passed, record.fail_reason = True, passed, reason

    def tamper_next_response(self) -> None:
        self._tamper_next = True

    def reset(self) -> None:
        with self._lock:
            self.codes.clear()
            self.certifications.clear()
            self.face_results.clear()
            self.passed_as_list = self.material_as_object = self._tamper_next = False

    # -- signing -----------------------------------------------------------------------
    @staticmethod
    def sign_content(params: dict[str, str]) -> str:
        return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign" and v not in (None, ""))

    def _app_signature_ok(self, params: dict[str, str]) -> bool:
        try:
            signature = base64.b64decode(params.get("sign", ""), validate=True)
            self._app_key.public_key().verify(signature, self.sign_content(params).encode("utf-8"),
                                              padding.PKCS1v15(), hashes.SHA256())
        except (ValueError, InvalidSignature):
            return False
        return True

    def sign_app_params(self, params: dict[str, str]) -> str:
        """What the app would send as ``sign`` (for tests that build requests by hand)."""
        raw = self._app_key.sign(self.sign_content(params).encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode()

    def sign_as_alipay(self, text: str) -> str:
        """Alipay's signature over ``text`` (for tests that craft answers by hand)."""
        raw = self._alipay_key.sign(text.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
        return base64.b64encode(raw).decode()

    def _answer(self, node_name: str, node: dict[str, Any]) -> FakeResponse:
        text = json.dumps(node, ensure_ascii=False, separators=(",", ":"))
        sign = self.sign_as_alipay(text)
        if self._tamper_next:
            self._tamper_next = False
            text = '{"tampered":true,' + text[1:] if text != "{}" else '{"tampered":true}'
        return FakeResponse.of_text(f'{{"{node_name}":{text},"sign":"{sign}"}}',
                                    content_type="text/html;charset=utf-8")

    # -- protocol ----------------------------------------------------------------------
    def routes(self) -> dict[str, Callable[[FakeRequest], FakeResponse]]:
        return {"/gateway.do": self.gateway}

    def _check_common(self, params: dict[str, str]) -> str:
        method = params.get("method")
        if not method:
            raise _missing("isv.missing-method", "缺少方法名参数")
        node = method.replace(".", "_") + "_response"
        try:
            if not params.get("app_id"):
                raise _missing("isv.missing-app-id", "缺少AppID参数")
            if params["app_id"] != self.app_id:
                raise _invalid("isv.invalid-app-id", "无效的AppID参数")
            if not params.get("sign"):
                raise _missing("isv.missing-signature", "缺少签名参数")
            if params.get("sign_type") != "RSA2":
                raise _invalid("isv.invalid-signature-type", "无效的签名类型")
            if (params.get("charset") or "").lower() != "utf-8":
                raise _invalid("isv.invalid-charset", "字符集错误")
            if params.get("format", "JSON").upper() != "JSON":
                raise _invalid("isv.invalid-format", "参数格式错误")
            if params.get("version") != "1.0":
                raise _invalid("isv.invalid-version", "版本号错误")
            try:
                sent = datetime.strptime(params.get("timestamp", ""), "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI)
            except ValueError:
                raise _invalid("isv.invalid-timestamp", "非法的时间戳参数") from None
            if abs(sent.timestamp() - now()) > MAX_TIMESTAMP_SKEW:
                raise _invalid("isv.invalid-timestamp", "非法的时间戳参数")
            if not self._app_signature_ok(params):
                raise _invalid("isv.invalid-signature", "验签出错，建议检查签名字符串或签名私钥与应用公钥是否匹配")
            if method not in METHODS:
                raise _invalid("isv.invalid-method", "不存在的方法名")
        except GatewayError as exc:
            exc.node = exc.node or (node if method in METHODS else "error_response")
            raise
        return method

    def gateway(self, request: FakeRequest) -> FakeResponse:
        params = request.params()
        node_name = "error_response"
        try:
            method = self._check_common(params)
            node_name = method.replace(".", "_") + "_response"
            if method == "alipay.system.oauth.token":
                return self._answer(node_name, self._oauth_token(params))
            biz = self._biz(params)
            if method == "alipay.user.certify.open.certify":
                return self._certify_page(biz)
            handler = {
                "alipay.user.certify.open.initialize": self._certify_initialize,
                "alipay.user.certify.open.query": self._certify_query,
                "alipay.open.app.mini.templatemessage.send": self._template_send,
            }[method]
            return self._answer(node_name, {"code": "10000", "msg": "Success", **handler(biz)})
        except GatewayError as exc:
            return self._answer(exc.node or node_name, exc.body)

    @staticmethod
    def _biz(params: dict[str, str]) -> dict[str, Any]:
        raw = params.get("biz_content")
        if not raw:
            raise _missing("isv.missing-biz-content", "缺少业务参数 biz_content")
        return _object(raw, "biz_content")

    def _oauth_token(self, params: dict[str, str]) -> dict[str, Any]:
        if params.get("grant_type") != "authorization_code":
            raise GatewayError("40002", "Invalid Arguments", "isv.grant-type-invalid", "grant_type 参数不正确",
                               node="error_response")
        subject, _why = self.codes.redeem(params.get("code", ""))
        if subject is None:
            raise GatewayError("40002", "Invalid Arguments", "isv.code-invalid", "授权码code无效",
                               node="error_response")
        answer: dict[str, Any] = {
            "user_id": subject["user_id"],
            "access_token": f"authusrB{secrets.token_hex(16)}",
            "expires_in": "1296000",
            "refresh_token": f"authusrB{secrets.token_hex(16)}",
            "re_expires_in": "2592000",
            "auth_start": datetime.fromtimestamp(now(), SHANGHAI).strftime("%Y-%m-%d %H:%M:%S"),
        }
        if subject.get("open_id"):
            answer["open_id"] = subject["open_id"]
        return answer

    def _certify_initialize(self, biz: dict[str, Any]) -> dict[str, Any]:
        order_no = biz.get("outer_order_no")
        if not isinstance(order_no, str) or not order_no or len(order_no) > 32 or not order_no.isalnum():
            raise _invalid("isv.invalid-parameter", "outer_order_no 不合法")
        biz_code = biz.get("biz_code")
        if biz_code not in CERTIFY_BIZ_CODES:
            raise _invalid("isv.invalid-parameter", "biz_code 不合法")
        identity = _object(biz.get("identity_param"), "identity_param")
        merchant = _object(biz.get("merchant_config", {}), "merchant_config")
        if identity.get("identity_type") != "CERT_INFO" or identity.get("cert_type") != "IDENTITY_CARD":
            raise _invalid("isv.invalid-parameter", "identity_param 不合法")
        if not identity.get("cert_name") or not identity.get("cert_no"):
            raise _missing("isv.missing-parameter", "缺少 cert_name 或 cert_no")
        certify_id = secrets.token_hex(16)
        with self._lock:
            self.certifications[certify_id] = Certification(certify_id, _cert_key(str(identity["cert_no"])),
                                                            str(biz_code), merchant.get("return_url"))
        return {"certify_id": certify_id}

    def _certification(self, biz: dict[str, Any]) -> Certification:
        record = self.certifications.get(str(biz.get("certify_id") or ""))
        if record is None:
            raise _business("CERTIFY_ID_INVALID", "认证记录不存在")
        return record

    def _certify_page(self, biz: dict[str, Any]) -> FakeResponse:
        try:
            record = self._certification(biz)
        except GatewayError:
            return FakeResponse.of_html("<html><body><h1>认证已失效</h1></body></html>", status=200)
        complete = f"/_fake/alipay/certify/complete?{urllib.parse.urlencode({'certify_id': record.certify_id})}"
        back = f'<p><a href="{html.escape(record.return_url)}">返回商户</a></p>' if record.return_url else ""
        return FakeResponse.of_html(
            "<html><head><meta charset='utf-8'><title>支付宝身份验证（模拟）</title></head><body>"
            "<h1>支付宝身份验证（模拟）</h1><p>请完成刷脸认证。</p>"
            f"<p><a href='{html.escape(complete)}'>模拟完成刷脸</a></p>{back}</body></html>")

    def _certify_query(self, biz: dict[str, Any]) -> dict[str, Any]:
        record = self._certification(biz)
        answer: dict[str, Any] = {"passed": "T" if record.completed and record.passed else "F"}
        if record.completed and record.passed:
            answer["material_info"] = (MATERIAL_INFO if self.material_as_object
                                       else json.dumps(MATERIAL_INFO, separators=(",", ":")))
        if record.completed and not record.passed and record.fail_reason:
            answer["fail_reason"] = record.fail_reason
        if self.passed_as_list:
            answer["passed"] = [answer["passed"]]
        return answer

    def _template_send(self, biz: dict[str, Any]) -> dict[str, Any]:
        to_user_id, template_id = biz.get("to_user_id"), biz.get("user_template_id")
        if not isinstance(to_user_id, str) or not to_user_id:
            raise _missing("isv.missing-parameter", "缺少 to_user_id")
        if not isinstance(template_id, str) or not template_id:
            raise _missing("isv.missing-parameter", "缺少 user_template_id")
        data = _object(biz.get("data", "{}"), "data")
        if not all(isinstance(v, dict) and isinstance(v.get("value"), str) for v in data.values()):
            raise _invalid("isv.invalid-parameter", "data 格式错误")
        if self._refused(to_user_id, template_id):
            raise _business("USER_NOT_SUBSCRIBED", "用户未订阅该消息")
        self._record({"channel": "alipay", "recipient": to_user_id, "template_id": template_id,
                      "data": {k: v["value"] for k, v in data.items()}, "page": biz.get("page")})
        return {}
