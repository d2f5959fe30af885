"""`make run` as a new user meets it: the real local stack in its own process, over HTTP.

Given ``python -m local`` on free ports, when it answers /health, then the docs and the
OpenAPI document are served, every role can log in with the demo login, the demo accounts are
there, and a domain event travels EventBridge → SQS → handler through the background pump until
the API shows it; Ctrl-C stops everything cleanly and frees the ports for the next start."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from local.demo.accounts import DEMO_ACCOUNTS

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
# Deadlines for conditions, sized for a busy 2-core machine (eight test runs at once): each wait
# ends as soon as its condition holds, so a fast machine never waits them out.
START_TIMEOUT = 300.0
STOP_TIMEOUT = 30.0
EVENT_TIMEOUT = 120.0
CALL_TIMEOUT = 60


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class RunningStack:
    def __init__(self, api_port: int, moto_port: int) -> None:
        self.api_port, self.moto_port = api_port, moto_port
        self.url = f"http://127.0.0.1:{api_port}"
        self.log = tempfile.NamedTemporaryFile(prefix="gonghui-stack-", suffix=".log", delete=False)
        env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "GONGHUI_", "POWERTOOLS_"))}
        env["PYTHONUNBUFFERED"] = "1"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "local", "--port", str(api_port), "--moto-port", str(moto_port),
             "--ws-port", str(free_port())],
            cwd=ROOT, env=env, stdout=self.log, stderr=subprocess.STDOUT)

    def output(self, tail: int = 40) -> str:
        text = Path(self.log.name).read_text(errors="replace")
        return "\n".join(text.splitlines()[-tail:])

    def wait_healthy(self) -> float:
        started = time.monotonic()
        while time.monotonic() - started < START_TIMEOUT:
            if self.process.poll() is not None:
                pytest.fail(f"the local stack exited with {self.process.returncode} while starting:\n{self.output()}")
            try:
                if requests.get(f"{self.url}/health", timeout=2).status_code == 200:
                    return time.monotonic() - started
            except requests.ConnectionError:
                pass
            time.sleep(0.3)
        self.kill()
        pytest.fail(f"/health did not answer within {START_TIMEOUT:.0f} s:\n{self.output()}")

    def interrupt(self) -> tuple[int, float]:
        """Ctrl-C; returns (exit code, seconds to stop)."""
        started = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.kill()
            pytest.fail(f"the stack did not stop within {STOP_TIMEOUT:.0f} s of Ctrl-C:\n{self.output()}")
        return code, time.monotonic() - started

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
            self.process.wait(timeout=10)

    def close(self) -> None:
        self.kill()
        self.log.close()
        Path(self.log.name).unlink(missing_ok=True)


def start_stack(api_port: int | None = None, moto_port: int | None = None) -> RunningStack:
    stack = RunningStack(api_port or free_port(), moto_port or free_port())
    stack.wait_healthy()
    return stack


@pytest.fixture
def stack() -> Iterator[RunningStack]:
    running = start_stack()
    yield running
    running.close()


def login(url: str, **account: Any) -> dict[str, Any]:
    response = requests.post(f"{url}/dev/login", json=account, timeout=CALL_TIMEOUT)
    assert response.status_code == 200, response.text
    tokens: dict[str, Any] = response.json()
    return tokens


def bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def test_a_new_user_runs_the_stack_and_finds_docs_logins_demo_data_and_events(stack):
    url = stack.url

    # the docs: Swagger UI and a valid OpenAPI 3 document describing every route's roles
    docs = requests.get(f"{url}/docs", timeout=CALL_TIMEOUT)
    assert docs.status_code == 200 and docs.headers["Content-Type"].startswith("text/html")
    assert "swagger-ui" in docs.text and "openapi.json" in docs.text
    bundle = requests.get(f"{url}/docs/assets/swagger-ui-bundle.js", timeout=CALL_TIMEOUT)  # no CDN: our own files
    assert bundle.status_code == 200 and len(bundle.content) > 10_000
    document = requests.get(f"{url}/openapi.json", timeout=CALL_TIMEOUT).json()
    from openapi_spec_validator import validate

    validate(document)
    assert document["openapi"].startswith("3.")
    operations = [op for ops in document["paths"].values() for op in ops.values()]
    assert len(operations) >= 10 and all("x-gonghui-roles" in op for op in operations)

    # every role logs in with the demo login and the API knows who they are
    for role in ("worker", "enterprise_admin", "union_admin", "platform_admin"):
        me = requests.get(f"{url}/me", headers=bearer(login(url, role=role)), timeout=CALL_TIMEOUT)
        assert me.status_code == 200 and me.json()["role"] == role

    # the demo accounts were seeded: logging in as one gives the seeded account, not a new one
    platform = login(url, role="platform_admin", user_id="demo-platform-admin")
    assert platform["account"]["name"] == "省总工会平台管理员"
    for role, user_id, org_path, name in DEMO_ACCOUNTS:
        account = login(url, role=role, user_id=user_id)["account"]
        assert (account["org_path"], account["name"]) == (org_path, name), user_id
    staff = requests.get(f"{url}/staff", params={"org": "zj/hz/xihu"}, headers=bearer(platform), timeout=CALL_TIMEOUT)
    assert staff.status_code == 200 and "demo-xihu-admin" in {s["user_id"] for s in staff.json()["items"]}

    # a domain event goes EventBridge → SQS → the audit handler, pumped in the background
    slug = f"e-e2e-{uuid.uuid4().hex[:6]}"
    created = requests.post(f"{url}/orgs", headers=bearer(platform), timeout=CALL_TIMEOUT,
                            json={"parent_path": "zj/huz/nanxun", "slug": slug, "name": "端到端测试企业工会"})
    assert created.status_code == 201, created.text
    wanted = f"zj/huz/nanxun/{slug}"
    deadline = time.monotonic() + EVENT_TIMEOUT
    seen: list[dict[str, Any]] = []
    while time.monotonic() < deadline:
        trail = requests.get(f"{url}/audit/events", params={"org": "zj/huz/nanxun"}, headers=bearer(platform),
                             timeout=CALL_TIMEOUT)
        assert trail.status_code == 200, trail.text
        seen = [e for e in trail.json()["items"] if e["detail_type"] == "OrgRegistered" and e["org"] == wanted]
        if seen:
            break
        time.sleep(0.3)
    assert seen, f"OrgRegistered for {wanted} never reached the audit trail:\n{stack.output()}"


def test_ctrl_c_stops_everything_and_the_same_ports_start_again(stack):
    code, seconds = stack.interrupt()
    assert code == 0, stack.output()
    assert seconds < STOP_TIMEOUT
    assert "[local] stopped" in stack.output()

    again = start_stack(stack.api_port, stack.moto_port)
    try:
        assert requests.get(f"{again.url}/health", timeout=CALL_TIMEOUT).json()["stage"] == "local"
        code, _ = again.interrupt()
        assert code == 0, again.output()
    finally:
        again.close()
