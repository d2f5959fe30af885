"""Shared fixtures: moto for AWS, the Chalice test client, logins per role, the event pump,
the provider fakes, and the Scan guard every request-handling test runs under.

Environment first: moto must be imported before any boto3 client is built, and the local
stack's ``AWS_ENDPOINT_URL`` must not leak into ``mock_aws``.
"""
from __future__ import annotations

import os

os.environ.update({
    "GONGHUI_STAGE": "local",
    "AWS_DEFAULT_REGION": "cn-north-1",
    "AWS_REGION": "cn-north-1",
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SECURITY_TOKEN": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "POWERTOOLS_DEV": "false",
    "POWERTOOLS_LOG_LEVEL": "INFO",
})
os.environ.pop("AWS_ENDPOINT_URL", None)
os.environ.pop("AWS_PROFILE", None)

from hypothesis import HealthCheck, settings
from moto import mock_aws

from local import gateway, moto_atomic

moto_atomic.patch_in_process()
gateway.patch_in_process()  # API Gateway's answers as infra configures them (unknown route → 404)

# On a busy 2-core machine a draw can take seconds: time is no property of our code, so no
# generated test fails on it (no per-example deadline, no "input generation is slow" check).
settings.register_profile("gonghui", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("gonghui")

import json  # noqa: E402
from collections.abc import Callable, Iterator  # noqa: E402
from dataclasses import dataclass, field  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from chalice.test import Client  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def chalice_app() -> Any:
    import app as app_module

    return app_module.app


@dataclass
class LocalAws:
    rule_queues: dict[str, str]
    parameters: dict[str, str] = field(default_factory=dict)


@pytest.fixture
def aws(chalice_app: Any, request: pytest.FixtureRequest) -> Iterator[LocalAws]:
    """A fresh moto account with every table, queue, rule, bucket and key of the app."""
    from local import bootstrap

    with mock_aws():
        os.environ.pop("AWS_ENDPOINT_URL", None)
        bootstrap.reset_caches(keep_clients=True)
        extra: dict[str, str] = {}
        if "fakes" in request.fixturenames:
            extra = request.getfixturevalue("fakes").ssm_parameters()
        rule_queues = bootstrap.create_all(chalice_app, parameters=extra)
        yield LocalAws(rule_queues=rule_queues, parameters=extra)
        bootstrap.reset_caches(keep_clients=True)


@pytest.fixture
def fakes(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    """The WeChat / Alipay / 浙政钉 fakes on a free port, with the app pointed at them."""
    from local.fakes import start_fakes

    fake = start_fakes()
    monkeypatch.setenv("GONGHUI_WECHAT_API", fake.wechat_base)
    monkeypatch.setenv("GONGHUI_ALIPAY_GATEWAY", fake.alipay_gateway)
    monkeypatch.setenv("GONGHUI_DINGTALK_API", fake.dingtalk_base)
    monkeypatch.setenv("GONGHUI_ZWFW_API", fake.url)
    from chalicelib.platform.settings import reset_settings

    reset_settings()
    yield fake
    fake.stop()
    reset_settings()


class ConformanceRecorder:
    """Checks each request/response of one test against /openapi.json (see tests/contract.py);
    at the end of the test, any violation fails it. ``GONGHUI_CONFORMANCE=report`` only appends
    them to ``GONGHUI_CONFORMANCE_LOG`` (for measuring the whole suite)."""

    def __init__(self, app: Any, test: str) -> None:
        from tests.contract import contract

        self.contract = contract(app)
        self.test = test
        self.violations: list[str] = []

    def record(self, method: str, url: str, request_body: Any, status: int, content_type: str,
               response_body: Any) -> None:
        self.violations += self.contract.check(method, url, request_body, status, content_type, response_body)

    def finish(self) -> None:
        if not self.violations:
            return
        unique = list(dict.fromkeys(self.violations))
        if os.environ.get("GONGHUI_CONFORMANCE") == "report":
            with open(os.environ.get("GONGHUI_CONFORMANCE_LOG", "/tmp/gonghui-conformance.log"), "a") as log:
                log.writelines(f"{self.test}\t{v}\n" for v in unique)
            return
        pytest.fail("traffic that does not conform to /openapi.json:\n" + "\n".join(unique[:20]), pytrace=False)


@pytest.fixture
def conformance(chalice_app: Any, request: pytest.FixtureRequest) -> Iterator[ConformanceRecorder]:
    recorder = ConformanceRecorder(chalice_app, request.node.nodeid)
    yield recorder
    recorder.finish()


@pytest.fixture
def api(aws: LocalAws, chalice_app: Any, conformance: ConformanceRecorder) -> Iterator[Any]:
    """Chalice's in-process test client on the local stage; its traffic is checked against
    the OpenAPI document (``conformance``)."""
    with Client(chalice_app, stage_name="local", project_dir=str(ROOT)) as client:
        http = client.http
        send = http.request

        def request(method: str, path: str, headers: dict[str, str] | None = None, body: Any = b"") -> Any:
            response = send(method, path, headers=headers, body=body)
            conformance.record(method, path, body, response.status_code,
                               response.headers.get("Content-Type", ""), response.body)
            return response

        http.request = request
        yield http


@pytest.fixture
def live_api(aws: LocalAws, chalice_app: Any, conformance: ConformanceRecorder,
             monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    """The app behind the local stack's threaded HTTP server (backlog 128) on a free port, for
    tests that need real concurrent requests. Returns the base URL. What ``requests`` sends to it
    is checked against the OpenAPI document (``conformance``)."""
    import socket
    import threading

    import requests
    from chalice.config import Config

    from local.http_server import create_api_server

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    config = Config.create(chalice_stage="local", app_name="gonghui", project_dir=str(ROOT),
                           config_from_disk=json.loads((ROOT / ".chalice" / "config.json").read_text()))
    server = create_api_server(chalice_app, config, "127.0.0.1", port)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{port}"
    send = requests.Session.send

    def checked_send(session: Any, prepared: Any, **kwargs: Any) -> Any:
        response = send(session, prepared, **kwargs)
        if prepared.url.startswith(base):
            conformance.record(prepared.method, prepared.url[len(base):], prepared.body, response.status_code,
                               response.headers.get("Content-Type", ""), response.content)
        return response

    monkeypatch.setattr(requests.Session, "send", checked_send)
    yield base
    server.shutdown()


class Session:
    """A logged-in caller: ``session.get('/me')`` sends their bearer token."""

    def __init__(self, http: Any, tokens: dict[str, Any]) -> None:
        self.http = http
        self.tokens = tokens
        self.user_id: str = tokens["account"]["user_id"]
        self.org_path: str = tokens["account"]["org_path"]

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.tokens['access_token']}", "Content-Type": "application/json"}

    def _call(self, method: str, path: str, body: Any = None, headers: dict[str, str] | None = None) -> Any:
        payload = None if body is None else (body if isinstance(body, (str, bytes)) else json.dumps(body))
        return getattr(self.http, method)(path, headers={**self.headers, **(headers or {})}, body=payload)

    def get(self, path: str, **kw: Any) -> Any:
        return self._call("get", path, **kw)

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._call("post", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._call("put", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._call("patch", path, body, **kw)

    def delete(self, path: str, **kw: Any) -> Any:
        return self._call("delete", path, **kw)


@pytest.fixture
def login(api: Any) -> Callable[..., Session]:
    """``login("worker", user_id="w-1", org_path="zj/huz/nanxun/e-sanxing")`` → Session."""

    def _login(role: str, user_id: str | None = None, org_path: str | None = None, name: str | None = None) -> Session:
        body = {"role": role, "user_id": user_id, "org_path": org_path, "name": name}
        response = api.post("/dev/login", headers={"Content-Type": "application/json"},
                            body=json.dumps({k: v for k, v in body.items() if v is not None}))
        assert response.status_code == 200, response.body
        return Session(api, json.loads(response.body))

    return _login


@pytest.fixture
def pump(aws: LocalAws, chalice_app: Any) -> Any:
    """Delivers queued messages and events to the handlers, as Lambda would (retries at once)."""
    from local.pump import EventPump

    return EventPump(chalice_app, aws.rule_queues, fast_retry=True)


@pytest.fixture(autouse=True)
def clock_back() -> Iterator[None]:
    """A test that moves the clock leaves it where it found it."""
    yield
    from chalicelib.platform import clock

    clock.reset()


@pytest.fixture(autouse=True)
def aws_calls() -> Iterator[Any]:
    """Records every AWS call; a Scan while handling a request or event fails the test."""
    from chalicelib.platform.aws import CallRecorder, install_recorder, uninstall_recorder

    recorder = CallRecorder()
    install_recorder(recorder)
    yield recorder
    uninstall_recorder(recorder)
    scans = recorder.scans_in_work()
    assert not scans, f"Scan on a request/event path: {[(c.work, c.table) for c in scans]}"


def body(response: Any) -> Any:
    return json.loads(response.body) if response.body else None


def pytest_sessionfinish(session: pytest.Session) -> None:
    """``GONGHUI_CONFORMANCE_REPORT=path``: append this process' conformance counts (JSON lines;
    each xdist worker writes its own)."""
    from tests.contract import current

    target = os.environ.get("GONGHUI_CONFORMANCE_REPORT")
    if target and current() is not None:
        with open(target, "a") as report:
            report.write(json.dumps(current().tally.as_dict()) + "\n")  # type: ignore[union-attr]
