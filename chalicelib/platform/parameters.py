"""Secrets and keys from SSM Parameter Store through Powertools Parameters (cached).

The first secret a function asks for loads ALL of the app's parameters in one
``GetParameters`` (Powertools' ``get_parameters_by_name``, decrypted, up to 10 a call): a
cold start pays one round trip, not one per key (JWT, PII, WeChat, Alipay ×2, 浙政钉)."""
from __future__ import annotations

import base64
import time
from typing import Any

from .settings import get_settings

_provider: Any = None
_cache: dict[str, tuple[float, str]] = {}


def _ssm() -> Any:
    global _provider
    if _provider is None:
        from aws_lambda_powertools.utilities.parameters import SSMProvider

        from .aws import client

        _provider = SSMProvider(boto3_client=client("ssm"))
    return _provider


def all_parameter_names() -> list[str]:
    """Every SecureString parameter the app reads (the operator stores them before deploying)."""
    s = get_settings()
    return sorted({s.jwt_key_parameter, s.pii_key_parameter, s.wechat_secret_parameter,
                   s.alipay_private_key_parameter, s.alipay_public_key_parameter, s.dingtalk_secret_parameter})


def secret(name: str) -> str:
    """A SecureString parameter, decrypted, cached for ``parameter_max_age`` seconds."""
    max_age = get_settings().parameter_max_age
    now = time.monotonic()
    hit = _cache.get(name)
    if hit is not None and hit[0] > now:
        return hit[1]
    names = sorted({*all_parameter_names(), name})
    found = _ssm().get_parameters_by_name({n: {} for n in names}, decrypt=True, max_age=max_age,
                                          raise_on_error=False)
    for key, value in found.items():
        if key != "_errors":
            _cache[key] = (now + max_age, str(value))
    if name in _cache and _cache[name][0] > now:
        return _cache[name][1]
    # not stored (or caching off): ask for it alone, which raises Powertools' GetParameterError
    return str(_ssm().get(name, decrypt=True, max_age=max_age))


def secret_bytes(name: str) -> bytes:
    """A base64-encoded key stored as a SecureString."""
    return base64.b64decode(secret(name))


def reset_parameters() -> None:
    global _provider
    _provider = None
    _cache.clear()
