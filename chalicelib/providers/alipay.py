"""Alipay open platform gateway (``gateway.do``), RSA2 keys mode.

Protocol, as documented by Alipay (opendocs.alipay.com, 公共请求参数 / 签名 / 验签) and as the
official SDKs implement it:

- common parameters ``app_id, method, format=JSON, charset=utf-8, sign_type=RSA2,
  timestamp ("yyyy-MM-dd HH:mm:ss", Beijing time), version=1.0`` plus ``biz_content``
  (JSON) or, for ``alipay.system.oauth.token``, the plain parameters ``grant_type``/``code``;
- ``sign`` = base64(SHA256withRSA(app private key, ``k1=v1&k2=v2...``)) over every
  non-empty parameter except ``sign``, sorted by name, values not URL-encoded;
- the answer is ``{"<method with _>_response": {...}, "sign": "..."}`` (gateway-level
  errors come as ``error_response``); the signature covers the exact raw text of that
  object and is checked with Alipay's public key. Success answers must be signed; an
  unsigned error answer is accepted as an error (as the Java SDK does), never as success;
- ``code`` "10000" is success, anything else carries ``sub_code``/``sub_msg``.

Keys come from SSM (PEM; bare base64 DER as shown in Alipay's console also works), are
parsed once and cached until the parameter text changes. Names and ID numbers sent to
the certify API are never logged.
"""
from __future__ import annotations

import base64
import json
import re
import threading
import urllib.parse
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import padding, rsa

from chalicelib.platform import clock, parameters
from chalicelib.platform.errors import ProviderError, Unauthorized
from chalicelib.platform.observability import logger
from chalicelib.platform.settings import get_settings

from .base import HttpResponse, SubscriptionRefused, failed, fetch

__all__ = [
    "AlipayUser", "CertifyResult", "SubscriptionRefused", "certify_initialize", "certify_query", "certify_url",
    "oauth_token", "reset_cache", "send_template_message", "sign_content",
]

PROVIDER = "alipay"
SUCCESS = "10000"
CERTIFY_BIZ_CODES = frozenset({"FACE", "CERT_PHOTO", "CERT_PHOTO_FACE", "SMART_FACE"})
# sub_codes of alipay.open.app.mini.templatemessage.send meaning "this person has not
# subscribed / has unsubscribed". The public docs we could read do not list them, so this
# set is our assumption (the local fake answers USER_NOT_SUBSCRIBED); extend it as soon
# as production shows the real value.
REFUSED_SUB_CODES = frozenset({"USER_NOT_SUBSCRIBED", "USER_UNSUBSCRIBED", "USER_REFUSED"})
_ORDER_NO = re.compile(r"[A-Za-z0-9]{1,32}")


@dataclass(frozen=True)
class AlipayUser:
    user_id: str
    open_id: str | None
    access_token: str


@dataclass(frozen=True)
class CertifyResult:
    passed: bool
    fail_reason: str | None
    material_info: str | None


@dataclass
class _Keys:
    private_text: str
    public_text: str
    private: rsa.RSAPrivateKey
    public: rsa.RSAPublicKey


_lock = threading.Lock()
_keys: _Keys | None = None


def reset_cache() -> None:
    """Forget the parsed keys (tests, key rotation)."""
    global _keys
    with _lock:
        _keys = None


def _bad_key() -> ProviderError:
    return ProviderError("支付宝密钥配置有误，请联系管理员", code="ALIPAY_KEY_INVALID")


def _load_private(text: str) -> rsa.RSAPrivateKey:
    try:
        raw = text.strip()
        if "-----BEGIN" in raw:
            key = serialization.load_pem_private_key(raw.encode("ascii"), password=None)
        else:
            key = serialization.load_der_private_key(base64.b64decode("".join(raw.split())), password=None)
    except (ValueError, TypeError, UnicodeEncodeError):
        logger.error("alipay app private key unreadable", extra={"provider": PROVIDER})
        raise _bad_key() from None
    if not isinstance(key, rsa.RSAPrivateKey):
        raise _bad_key()
    return key


def _load_public(text: str) -> rsa.RSAPublicKey:
    try:
        raw = text.strip()
        if "-----BEGIN" in raw:
            key = serialization.load_pem_public_key(raw.encode("ascii"))
        else:
            key = serialization.load_der_public_key(base64.b64decode("".join(raw.split())))
    except (ValueError, TypeError, UnicodeEncodeError):
        logger.error("alipay public key unreadable", extra={"provider": PROVIDER})
        raise _bad_key() from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise _bad_key()
    return key


def _get_keys() -> _Keys:
    global _keys
    settings = get_settings()
    private_text = parameters.secret(settings.alipay_private_key_parameter)
    public_text = parameters.secret(settings.alipay_public_key_parameter)
    with _lock:
        cached = _keys
        if cached is None or cached.private_text != private_text or cached.public_text != public_text:
            cached = _keys = _Keys(private_text, public_text, _load_private(private_text), _load_public(public_text))
        return cached


def sign_content(params: dict[str, str]) -> str:
    """The documented string to sign: non-empty params except ``sign``, sorted, ``k=v&...``."""
    return "&".join(f"{k}={v}" for k, v in sorted(params.items()) if k != "sign" and v is not None and v != "")


def _sign(params: dict[str, str]) -> str:
    signature = _get_keys().private.sign(sign_content(params).encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
    return base64.b64encode(signature).decode("ascii")


def _verify(content: str, sign: str) -> bool:
    key = _get_keys().public
    try:
        signature = base64.b64decode(sign, validate=True)
    except ValueError:
        return False
    candidates = [content]
    if "\\/" in content:  # some gateways escape "/" after signing; the Java SDK retries the same way
        candidates.append(content.replace("\\/", "/"))
    for candidate in candidates:
        try:
            key.verify(signature, candidate.encode("utf-8"), padding.PKCS1v15(), hashes.SHA256())
            return True
        except InvalidSignature:
            continue
    return False


def _biz(value: dict[str, Any]) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _signed_params(method: str, *, biz: dict[str, Any] | None = None,
                   text: dict[str, str] | None = None) -> tuple[dict[str, str], dict[str, str]]:
    """(common params including ``sign``, application params) for one call."""
    settings = get_settings()
    common = {
        "app_id": settings.alipay_app_id,
        "method": method,
        "format": "JSON",
        "charset": "utf-8",
        "sign_type": "RSA2",
        "timestamp": clock.to_shanghai(clock.now()).strftime("%Y-%m-%d %H:%M:%S"),
        "version": "1.0",
    }
    application: dict[str, str] = dict(text or {})
    if biz is not None:
        application["biz_content"] = _biz(biz)
    common["sign"] = _sign({**common, **application})
    return common, application


def _gateway_url(query: dict[str, str]) -> str:
    gateway = get_settings().alipay_gateway
    joiner = "&" if "?" in gateway else "?"
    return f"{gateway}{joiner}{urllib.parse.urlencode(query)}"


def _http(query: dict[str, str], form: dict[str, str]) -> HttpResponse:
    """The only place this module talks HTTP (a POST to the gateway, SDK style)."""
    body = urllib.parse.urlencode(form).encode("utf-8")
    headers = {"Content-Type": "application/x-www-form-urlencoded;charset=utf-8", "Accept": "application/json"}
    return fetch("POST", _gateway_url(query), provider=PROVIDER, body=body, headers=headers)


def _node_name(method: str) -> str:
    return method.replace(".", "_") + "_response"


def _raw_node(raw: str, document: dict[str, Any], name: str) -> str | None:
    """The exact text of the top-level ``name`` object in ``raw``."""
    if not isinstance(document.get(name), dict):
        return None
    decoder = json.JSONDecoder()
    for match in re.finditer(rf'"{re.escape(name)}"\s*:\s*', raw):
        try:
            value, end = decoder.raw_decode(raw, match.end())
        except ValueError:
            continue
        if value == document[name]:
            return raw[match.end():end]
    return None


def _bad_signature() -> ProviderError:
    return ProviderError("支付宝返回数据验签失败，请稍后再试", code="ALIPAY_BAD_SIGNATURE")


def _verified_node(response: HttpResponse, method: str) -> dict[str, Any]:
    """Parse the answer, check its signature, return the response object (any ``code``)."""
    if response.status != 200:
        logger.warning("alipay gateway http error", extra={"provider": PROVIDER, "http_status": response.status})
        raise failed(PROVIDER)
    try:
        raw = response.body.decode("utf-8")
        document = json.loads(raw)
    except (UnicodeDecodeError, ValueError):
        logger.warning("alipay gateway answered non-JSON", extra={"provider": PROVIDER})
        raise failed(PROVIDER) from None
    if not isinstance(document, dict):
        raise failed(PROVIDER)
    for name in (_node_name(method), "error_response"):
        text = _raw_node(raw, document, name)
        if text is not None:
            break
    else:
        logger.warning("alipay answer has no response object", extra={"provider": PROVIDER, "method": method})
        raise failed(PROVIDER)
    node: dict[str, Any] = document[name]
    sign = document.get("sign")
    if isinstance(sign, str) and sign:
        if not _verify(text, sign):
            logger.warning("alipay answer signature invalid", extra={"provider": PROVIDER, "method": method})
            raise _bad_signature()
    elif "code" not in node or str(node.get("code")) == SUCCESS:  # only a plain error may come unsigned
        logger.warning("alipay answer unsigned", extra={"provider": PROVIDER, "method": method})
        raise _bad_signature()
    return node


def _execute(method: str, *, biz: dict[str, Any] | None = None, text: dict[str, str] | None = None) -> dict[str, Any]:
    common, application = _signed_params(method, biz=biz, text=text)
    return _verified_node(_http(common, application), method)


def _log_failure(method: str, node: dict[str, Any]) -> None:
    logger.warning("alipay call failed", extra={"provider": PROVIDER, "method": method, "code": node.get("code"),
                                                "sub_code": node.get("sub_code")})


def _ok(method: str, node: dict[str, Any]) -> dict[str, Any]:
    if str(node.get("code")) != SUCCESS:
        _log_failure(method, node)
        raise failed(PROVIDER)
    return node


def _is_code_error(sub_code: str) -> bool:
    return sub_code.startswith("isv.code-") or sub_code in {"isv.invalid-code", "isv.auth-code-invalid"}


def oauth_token(auth_code: str) -> AlipayUser:
    """Exchange a ``my.getAuthCode`` code for the person's Alipay user id."""
    method = "alipay.system.oauth.token"
    if not auth_code or not auth_code.strip():
        raise Unauthorized("支付宝授权码无效或已过期，请重新授权", code="ALIPAY_CODE_INVALID")
    node = _execute(method, text={"grant_type": "authorization_code", "code": auth_code.strip()})
    if "code" in node and str(node.get("code")) != SUCCESS:
        sub_code = str(node.get("sub_code") or "")
        if _is_code_error(sub_code):
            logger.info("alipay auth code refused", extra={"provider": PROVIDER, "sub_code": sub_code})
            raise Unauthorized("支付宝授权码无效或已过期，请重新授权", code="ALIPAY_CODE_INVALID")
        _log_failure(method, node)
        raise failed(PROVIDER)
    user_id, token = node.get("user_id"), node.get("access_token")
    if not isinstance(user_id, str) or not user_id or not isinstance(token, str):
        logger.warning("alipay oauth answer without user_id", extra={"provider": PROVIDER})
        raise failed(PROVIDER)
    open_id = node.get("open_id")
    return AlipayUser(user_id=user_id, open_id=open_id if isinstance(open_id, str) and open_id else None,
                      access_token=token)


def certify_initialize(outer_order_no: str, cert_name: str, cert_no: str, *, biz_code: str = "FACE",
                       return_url: str | None = None) -> str:
    """Start a face verification for a resident ID; returns the ``certify_id``.

    ``outer_order_no`` must be our unique 1-32 character alphanumeric request id.
    """
    method = "alipay.user.certify.open.initialize"
    if not _ORDER_NO.fullmatch(outer_order_no or ""):
        raise ValueError("outer_order_no must be 1-32 letters or digits")
    if biz_code not in CERTIFY_BIZ_CODES:
        raise ValueError(f"unknown biz_code {biz_code!r}")
    merchant_config: dict[str, str] = {"return_url": return_url} if return_url else {}
    node = _ok(method, _execute(method, biz={
        "outer_order_no": outer_order_no,
        "biz_code": biz_code,
        "identity_param": {"identity_type": "CERT_INFO", "cert_type": "IDENTITY_CARD",
                           "cert_name": cert_name, "cert_no": cert_no},
        "merchant_config": merchant_config,
    }))
    certify_id = node.get("certify_id")
    if not isinstance(certify_id, str) or not certify_id:
        raise failed(PROVIDER)
    return certify_id


def certify_url(certify_id: str) -> str:
    """The signed ``alipay.user.certify.open.certify`` URL (page-execute GET) to open in Alipay."""
    common, application = _signed_params("alipay.user.certify.open.certify", biz={"certify_id": certify_id})
    return _gateway_url({**common, **application})


def _as_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _passed(value: Any) -> bool:
    if isinstance(value, list):
        return len(value) > 0 and all(_passed(v) for v in value)
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.strip().upper() in {"T", "TRUE"}


def certify_query(certify_id: str) -> CertifyResult:
    """The result so far. Before the person has finished, Alipay answers ``passed`` "F"."""
    method = "alipay.user.certify.open.query"
    node = _ok(method, _execute(method, biz={"certify_id": certify_id}))
    reason = node.get("fail_reason")
    return CertifyResult(passed=_passed(node.get("passed")),
                         fail_reason=_as_text(reason),
                         material_info=_as_text(node.get("material_info")))


def send_template_message(to_user_id: str, template_id: str, data: dict[str, str], page: str | None = None) -> None:
    """Send a mini-program template/subscribe message. Raises :class:`SubscriptionRefused`."""
    method = "alipay.open.app.mini.templatemessage.send"
    biz: dict[str, Any] = {
        "to_user_id": to_user_id,
        "user_template_id": template_id,
        "data": _biz({key: {"value": str(value)} for key, value in data.items()}),
    }
    if page:
        biz["page"] = page
    node = _execute(method, biz=biz)
    if str(node.get("code")) == SUCCESS:
        return
    if str(node.get("sub_code") or "") in REFUSED_SUB_CODES:
        raise SubscriptionRefused()
    _log_failure(method, node)
    raise failed(PROVIDER)
