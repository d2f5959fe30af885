"""Secrets and keys from SSM Parameter Store through Powertools Parameters (cached)."""
from __future__ import annotations

import base64
from typing import Any

from .settings import get_settings

_provider: Any = None


def _ssm() -> Any:
    global _provider
    if _provider is None:
        from aws_lambda_powertools.utilities.parameters import SSMProvider

        from .aws import client

        _provider = SSMProvider(boto3_client=client("ssm"))
    return _provider


def secret(name: str) -> str:
    """A SecureString parameter, decrypted, cached for ``parameter_max_age`` seconds."""
    settings = get_settings()
    value = _ssm().get(name, decrypt=True, max_age=settings.parameter_max_age)
    return str(value)


def secret_bytes(name: str) -> bytes:
    """A base64-encoded key stored as a SecureString."""
    return base64.b64decode(secret(name))


def reset_parameters() -> None:
    global _provider
    _provider = None
