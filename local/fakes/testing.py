"""Point the app at a running fake inside ``mock_aws``, for tests and scripts.

    with mock_aws():
        with provider_sandbox(fake, monkeypatch):
            wechat.code_to_session(fake.wechat_login_code("o-1"))

Sets ``GONGHUI_STAGE=local``, ``AWS_DEFAULT_REGION=cn-north-1`` and the fake's base URLs,
removes ``AWS_ENDPOINT_URL``, resets settings / AWS clients / parameters / provider caches,
and stores ``fake.ssm_parameters()`` as SecureString parameters. Call it *inside*
``mock_aws`` so the SSM client it builds is moto's.
"""
from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from .server import FakeProviders


def reset_everything() -> None:
    from chalicelib import providers
    from chalicelib.platform import aws, parameters, settings

    settings.reset_settings()
    aws.reset_clients()
    parameters.reset_parameters()
    providers.reset_caches()


def seed_parameters(fake: FakeProviders, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """Write the fake's secrets (plus ``overrides``) to SSM through the app's own client."""
    from chalicelib.platform.aws import client

    values = {**fake.ssm_parameters(), **(overrides or {})}
    ssm = client("ssm")
    for name, value in values.items():
        ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)
    return values


@contextmanager
def provider_sandbox(fake: FakeProviders, monkeypatch: Any) -> Iterator[FakeProviders]:
    """``monkeypatch`` is pytest's fixture (anything with ``setenv``/``delenv``)."""
    from chalicelib.platform import clock

    monkeypatch.setenv("GONGHUI_STAGE", "local")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "cn-north-1")
    monkeypatch.delenv("AWS_REGION", raising=False)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    for name, value in fake.environment().items():
        monkeypatch.setenv(name, value)
    reset_everything()
    seed_parameters(fake)
    try:
        yield fake
    finally:
        clock.reset()
        reset_everything()
