"""The artifact: what we deploy is what we test.

Given the dev stage synthesized exactly as ``make synth`` does (the ``synths`` fixture runs
``infra.app.synth``), its layer and app zips are unpacked into an empty folder and run by an
isolated interpreter (``-I -S``: nothing from the dev venv importable) with the dev stage's
Lambda environment (tracing on) against a moto server. The handlers are the ones the template
names, called with the events Lambda would pass.
"""
from __future__ import annotations

import base64
import io
import json
import logging
import os
import subprocess
import sys
import time
import uuid
import zipfile
from pathlib import Path
from typing import Any

import pytest

from .support import REPO, Synth

RUNNER = Path(__file__).resolve().parent / "lambda_runner.py"
TARGET = "dev-aws"
TRACE_HEADER = "Root=1-5759e988-bd862e3fe1be46a994272793;Parent=53995c3f42cd8ad8;Sampled=1"

SETUP = """
import json
from local import bootstrap
import boto3
bootstrap.create_tables(); bootstrap.create_queues(); bootstrap.seed_parameters()
boto3.client("s3").create_bucket(Bucket="gonghui-dev-uploads")  # us-east-1: no LocationConstraint
from chalicelib.platform.auth import Principal, Role, issue_token
token, _ = issue_token(Principal(user_id="u-artifact", role=Role.WORKER, org_path="zj/hz/xihu/e-artifact"))
print(json.dumps({"token": token}))
"""


def _asset(synth: Synth, key: str) -> Path:
    path = synth.out / f"asset.{key.removesuffix('.zip')}.zip"
    assert path.exists(), f"the template names asset {key}, which the assembly lacks"
    return path




class Artifact:
    def __init__(self, synth: Synth, root: Path, moto_url: str) -> None:
        self.synth, self.root, self.moto_url = synth, root, moto_url
        self.template = synth.template
        resources = self.template["Resources"]
        api = resources["APIHandler"]["Properties"]
        layers = {r["Properties"]["Content"]["S3Key"]: r for r in resources.values()
                  if r["Type"] == "AWS::Lambda::LayerVersion"}
        assert len(layers) == 1, "every stack's layer is the same asset"
        self.task, self.opt = root / "var" / "task", root / "opt"
        with zipfile.ZipFile(_asset(synth, api["CodeUri"]["Key"])) as z:
            z.extractall(self.task)
        with zipfile.ZipFile(_asset(synth, next(iter(layers)))) as z:
            z.extractall(self.opt)
        self.python = Path(sys._base_executable).resolve()  # the interpreter, not the venv's

    def environment(self, props: dict[str, Any]) -> dict[str, str]:
        variables = props.get("Environment", {}).get("Variables", {})
        assert all(isinstance(v, str) for v in variables.values()), variables
        region = self.synth.region
        return {
            **variables,
            "PATH": "/usr/bin:/bin", "LANG": "C.UTF-8", "TZ": ":UTC",
            "AWS_REGION": region, "AWS_DEFAULT_REGION": region, "AWS_EXECUTION_ENV": "AWS_Lambda_python3.12",
            "AWS_LAMBDA_FUNCTION_NAME": f"gonghui-dev-{props['Handler']}"[:64],
            "AWS_LAMBDA_FUNCTION_MEMORY_SIZE": str(props.get("MemorySize", 512)),
            "LAMBDA_TASK_ROOT": str(self.task), "LAMBDA_RUNTIME_DIR": "/var/runtime", "_HANDLER": props["Handler"],
            "_X_AMZN_TRACE_ID": TRACE_HEADER, "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
            "AWS_XRAY_CONTEXT_MISSING": "LOG_ERROR",
            "AWS_ACCESS_KEY_ID": "artifact", "AWS_SECRET_ACCESS_KEY": "artifact", "AWS_SESSION_TOKEN": "artifact",
            # The one difference from AWS: the services are a moto server.
            "AWS_ENDPOINT_URL": self.moto_url,
        }

    def run(self, function: str, events: list[dict[str, Any]]) -> dict[str, Any]:
        """Invoke the function ``function`` (logical id) with its Handler and environment."""
        props = self.template["Resources"][function]["Properties"]
        calls = [{"handler": props["Handler"], "event": e} for e in events]
        out = self._run(calls, self.environment(props))
        out["handler"] = props["Handler"]
        return out

    def open_images(self, paths: list[str]) -> dict[str, Any]:
        props = self.template["Resources"]["APIHandler"]["Properties"]
        return self._run([{"open_images": paths}], self.environment(props))

    def _run(self, calls: list[dict[str, Any]], env: dict[str, str]) -> dict[str, Any]:
        proc = subprocess.run([str(self.python), "-I", "-S", str(RUNNER), str(self.task), str(self.opt)],
                              input=json.dumps(calls), capture_output=True, text=True, env=env,
                              cwd=str(self.root), timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr[-4000:]
        out: dict[str, Any] = json.loads(proc.stdout)
        out["logs"] = proc.stderr
        return out


@pytest.fixture(scope="module")
def moto_server() -> Any:
    from moto.server import ThreadedMotoServer

    from local import moto_atomic

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-call access log
    moto_atomic.patch_server()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    yield f"http://{host}:{port}"
    server.stop()


@pytest.fixture(scope="module")
def artifact(synths: dict[str, Synth], moto_server: str, tmp_path_factory: pytest.TempPathFactory) -> Artifact:
    found = Artifact(synths[TARGET], tmp_path_factory.mktemp("lambda"), moto_server)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGHUI_", "PYTEST_"))}
    env.update(found.environment(found.template["Resources"]["APIHandler"]["Properties"]))
    env.update({"PATH": os.environ.get("PATH", ""), "PYTHONPATH": str(REPO)})
    for name in ("_X_AMZN_TRACE_ID", "AWS_LAMBDA_FUNCTION_NAME", "_HANDLER", "LAMBDA_TASK_ROOT"):
        env.pop(name)
    env["GONGHUI_TRACING"] = "0"
    setup = subprocess.run([sys.executable, "-c", SETUP], capture_output=True, text=True, env=env, cwd=str(REPO),
                           timeout=300, check=False)
    assert setup.returncode == 0, setup.stderr[-4000:]
    found.token = json.loads(setup.stdout.strip().splitlines()[-1])["token"]  # type: ignore[attr-defined]
    return found


def http_event(method: str, path: str, headers: dict[str, str] | None = None) -> dict[str, Any]:
    headers = {"host": "abc.execute-api.us-east-1.amazonaws.com", "user-agent": "artifact-test",
               **(headers or {})}
    return {
        "resource": path, "path": path, "httpMethod": method, "headers": headers,
        "multiValueHeaders": {k: [v] for k, v in headers.items()},
        "queryStringParameters": None, "multiValueQueryStringParameters": None,
        "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
        "requestContext": {"resourcePath": path, "httpMethod": method, "path": f"/api{path}", "stage": "api",
                           "requestId": uuid.uuid4().hex, "identity": {"sourceIp": "203.0.113.9"},
                           "requestTimeEpoch": int(time.time() * 1000)},
    }


def sqs_event(queue_arn: str, body: dict[str, Any]) -> dict[str, Any]:
    return {"Records": [{
        "messageId": str(uuid.uuid4()), "receiptHandle": "artifact", "body": json.dumps(body),
        "attributes": {"ApproximateReceiveCount": "1", "SentTimestamp": str(int(time.time() * 1000)),
                       "SenderId": "artifact", "ApproximateFirstReceiveTimestamp": str(int(time.time() * 1000))},
        "messageAttributes": {}, "md5OfBody": "", "eventSource": "aws:sqs",
        "eventSourceARN": queue_arn, "awsRegion": "us-east-1",
    }]}


def schedule_event() -> dict[str, Any]:
    return {"version": "0", "id": str(uuid.uuid4()), "detail-type": "Scheduled Event", "source": "aws.events",
            "account": "123456789012", "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "region": "us-east-1", "resources": ["arn:aws:events:us-east-1:123456789012:rule/artifact"],
            "detail": {}}


def _body(result: dict[str, Any]) -> tuple[int, dict[str, Any]]:
    assert result["ok"], result.get("trace")
    value = result["value"]
    body = base64.b64decode(value["body"]) if value.get("isBase64Encoded") else value["body"]
    return int(value["statusCode"]), json.loads(body)


def test_the_package_alone_answers_health_and_an_authenticated_route(artifact: Artifact) -> None:
    """Given only the layer and the app, when the system API function gets GET /health and
    aid's API function an authenticated GET /aid/types, then both answer 200 — with tracing
    on, as in dev."""
    health = artifact.run("APIHandler", [http_event("GET", "/health")])
    assert _body(health["results"][0])[0] == 200, health["logs"][-3000:]
    run = artifact.run("APIHandlerAid", [
        http_event("GET", "/aid/types", {"authorization": f"Bearer {artifact.token}"}),  # type: ignore[attr-defined]
        http_event("GET", "/aid/types"),
        http_event("GET", "/health"),
    ])
    types, anonymous, elsewhere = run["results"]
    status, body = _body(types)
    assert status == 200, (body, run["logs"][-3000:])
    assert body["items"], body
    status, body = _body(anonymous)
    assert (status, body["code"]) == (401, "TOKEN_MISSING")
    # aid's function registers only aid's routes: /health is not one of them there.
    assert elsewhere["ok"] and elsewhere["value"]["statusCode"] in (404, 405)
    assert run["foreign_modules"] == [], "modules came from outside the package"
    assert any(p.endswith("/opt/python") for p in run["sys_path"])
    assert not any("site-packages" in p for p in run["sys_path"]), run["sys_path"]


def test_an_sqs_handler_records_a_real_event(artifact: Artifact) -> None:
    """Given a domain event as EventBridge delivers it to the audit queue, when the audit
    function gets that SQS record, then no record fails and the audit table holds the event."""
    import boto3

    event_id = uuid.uuid4().hex
    envelope = {"version": "0", "id": str(uuid.uuid4()), "detail-type": "artifact.checked", "source": "gonghui.system",
                "account": "123456789012", "time": "2026-11-30T00:00:00Z", "region": "us-east-1", "resources": [],
                "detail": {"event_id": event_id, "time": "2026-11-30T00:00:00+00:00",
                           "actor": {"user_id": "u-artifact", "role": "worker"}, "org": "zj/hz", "data": {"n": 1}}}
    run = artifact.run("AuditEventsRecordDomainEvents",
                       [sqs_event("arn:aws:sqs:us-east-1:123456789012:gonghui-dev-audit", envelope)])
    result = run["results"][0]
    assert result["ok"], (result.get("trace"), run["logs"][-3000:])
    assert result["value"] == {"batchItemFailures": []}
    assert run["handler"].startswith("app."), "Lambda must load app.py first, or the handler runs bare"
    assert result["middleware"] >= 1
    ddb = boto3.client("dynamodb", region_name="us-east-1", endpoint_url=artifact.moto_url,
                       aws_access_key_id="a", aws_secret_access_key="a")
    items = ddb.scan(TableName="gonghui-dev-audit")["Items"]
    assert {i["event_id"]["S"] for i in items} == {event_id}


def test_a_schedule_handler_runs(artifact: Artifact) -> None:
    """Given the nightly schedule's event, when the dorm hold-release function runs, it
    completes (nothing is held, so nothing changes) instead of failing at import."""
    run = artifact.run("DormsEventsDormApplyReleaseExpiredHolds", [schedule_event()])
    assert run["results"][0]["ok"], (run["results"][0].get("trace"), run["logs"][-3000:])
    assert run["results"][0]["middleware"] >= 1


def test_the_packaged_pillow_opens_jpeg_png_and_webp(artifact: Artifact) -> None:
    """Member photos arrive as JPEG, PNG or WebP: the shipped Pillow (manylinux wheel, not a
    build against this machine's libraries) opens all three."""
    from PIL import Image

    paths = []
    for fmt in ("JPEG", "PNG", "WEBP"):
        buf = io.BytesIO()
        Image.new("RGB", (7, 5), (200, 30, 30)).save(buf, format=fmt)
        path = artifact.root / f"photo.{fmt.lower()}"
        path.write_bytes(buf.getvalue())
        paths.append(str(path))
    run = artifact.open_images(paths)
    result = run["results"][0]
    assert result["ok"], result.get("trace")
    assert result["value"] == [{"format": f, "size": [7, 5]} for f in ("JPEG", "PNG", "WEBP")]
