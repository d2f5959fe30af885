"""Cold start counts the first request, not only the import: a fresh interpreter imports the
app as a Lambda would (``AWS_LAMBDA_FUNCTION_NAME`` set: init builds the tracer, the clients
and loads every parameter in one GetParameters) and answers its first ``GET /me``, against a
minimal handler that does the same work by hand (boto3 SSM + DynamoDB clients, one
GetParameter, PyJWT verify, one GetItem). Both talk to the same moto server; runs are
interleaved, after one unmeasured warm-up each.

    python -m benchmarks cold_first_request
"""
from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

from benchmarks._table import median, print_table

ROOT = Path(__file__).resolve().parent.parent
RUNS = int(os.environ.get("GONGHUI_BENCH_RUNS", "7"))
MINIMAL_NAME = "minimal boto3 + PyJWT handler"

APP = r"""
import json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import app
t1, c1 = time.perf_counter(), time.process_time()
class Context:
    aws_request_id = "bench-0001"; function_name = "gonghui-dev-api"; memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws-cn:lambda:cn-north-1:123456789012:function:gonghui-dev-api"
    log_group_name = log_stream_name = "bench"; function_version = "$LATEST"
    def get_remaining_time_in_millis(self): return 29000
event = {"resource": "/me", "path": "/me", "httpMethod": "GET", "headers": {"Authorization": "Bearer " + sys.argv[1]},
         "multiValueHeaders": {}, "queryStringParameters": None, "multiValueQueryStringParameters": None,
         "pathParameters": None, "stageVariables": None, "body": None, "isBase64Encoded": False,
         "requestContext": {"resourcePath": "/me", "httpMethod": "GET", "requestId": "bench-0001",
                            "stage": "api", "path": "/api/me", "identity": {"sourceIp": "127.0.0.1"}}}
answer = app.app(event, Context())
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"import": t1 - t0, "request": t2 - t1, "cpu": c2 - c0, "status": answer["statusCode"]}))
"""

MINIMAL = r"""
import json, sys, time
t0, c0 = time.perf_counter(), time.process_time()
import boto3, jwt
ssm = boto3.client("ssm", region_name="cn-north-1")
ddb = boto3.client("dynamodb", region_name="cn-north-1")
t1 = time.perf_counter()
key = ssm.get_parameter(Name="/gonghui/dev/jwt-signing-key", WithDecryption=True)["Parameter"]["Value"]
claims = jwt.decode(sys.argv[1], key, algorithms=["HS256"], audience="gonghui-api", issuer="gonghui",
                    options={"require": ["exp", "iat", "sub"]})
item = ddb.get_item(TableName="gonghui-dev-accounts", Key={"user_id": {"S": claims["sub"]}})["Item"]
t2, c2 = time.perf_counter(), time.process_time()
print(json.dumps({"import": t1 - t0, "request": t2 - t1, "cpu": c2 - c0, "status": 200 if item else 404}))
"""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _environment(endpoint: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("AWS_", "GONGHUI_", "POWERTOOLS_")) and k != "PYTHONPATH"}
    config = json.loads((ROOT / ".chalice" / "config.json").read_text(encoding="utf-8"))
    env.update(config.get("environment_variables", {}))
    env.update(config.get("stages", {}).get("dev", {}).get("environment_variables", {}))
    env.update({"GONGHUI_STAGE": "dev", "AWS_DEFAULT_REGION": "cn-north-1", "AWS_REGION": "cn-north-1",
                "AWS_ACCESS_KEY_ID": "testing", "AWS_SECRET_ACCESS_KEY": "testing", "AWS_ENDPOINT_URL": endpoint,
                "PYTHONPATH": str(ROOT),
                # dev refuses placeholder provider app ids (infra passes the real ones from infra/stages.json)
                "GONGHUI_WECHAT_APP_ID": "wx0123456789abcdef", "GONGHUI_ALIPAY_APP_ID": "2021004100000001",
                "GONGHUI_DINGTALK_APP_KEY": "gonghui-zzd-bench"})
    return env


def _prepare(endpoint: str) -> tuple[str, str]:
    """Tables, queues and parameters of the dev stage on the moto server, one account, its
    token, and the queue URL prefix infra passes (``GONGHUI_QUEUE_URL_PREFIX``)."""
    os.environ.update(_environment(endpoint))
    import app as app_module
    from chalicelib.accounts.models import Account
    from chalicelib.platform import clock
    from chalicelib.platform.auth import Principal, Role, issue_token
    from local import bootstrap

    bootstrap.create_all(app_module.app)
    Account("bench-worker", role="worker", org_path="zj/hz/xihu/e-ant", name="基准", channel="dev",
            channel_subject="bench", created_at=clock.now_iso()).save()
    token, _ = issue_token(Principal(user_id="bench-worker", role=Role.WORKER, org_path="zj/hz/xihu/e-ant"))
    from chalicelib.platform.aws import client

    url = client("sqs").get_queue_url(QueueName="gonghui-dev-audit")["QueueUrl"]
    return token, url.rsplit("/", 1)[0] + "/"


def _run(code: str, token: str, env: dict[str, str]) -> dict[str, float]:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", code, token], cwd=ROOT, env=env, capture_output=True, text=True,
                          check=False)
    wall = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    figures = json.loads(done.stdout.strip().splitlines()[-1])
    return {**figures, "wall": wall}


def main() -> None:
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        token, prefix = _prepare(endpoint)
        base = _environment(endpoint)
        lambda_env = {**base, "AWS_LAMBDA_FUNCTION_NAME": "gonghui-dev-api", "GONGHUI_QUEUE_URL_PREFIX": prefix}
        on = {"GONGHUI_TRACING": "1", "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR"}
        # /me ships in the accounts feature's own API function (infra sets GONGHUI_FEATURES=accounts:
        # it registers only that feature's routes); the system function registers every route
        accounts = {**lambda_env, "GONGHUI_FEATURES": "accounts"}
        variants = {
            "accounts function (ships /me), tracing off": (APP, {**accounts, "GONGHUI_TRACING": "0"}),
            "accounts function, tracing on (dev/prod)": (APP, {**accounts, **on}),
            "every feature's routes, tracing off": (APP, {**lambda_env, "GONGHUI_TRACING": "0"}),
            "every feature's routes, tracing on": (APP, {**lambda_env, **on}),
            MINIMAL_NAME: (MINIMAL, base),
        }
        for code, env in variants.values():  # warm-up: page cache and .pyc
            _run(code, token, env)
        results: dict[str, list[dict[str, float]]] = {name: [] for name in variants}
        for _ in range(RUNS):
            for name, (code, env) in variants.items():
                results[name].append(_run(code, token, env))
        for name, runs in results.items():
            statuses = {int(r["status"]) for r in runs}
            if statuses != {200}:
                raise SystemExit(f"{name}: first request answered {statuses}")
        baseline = median([r["import"] + r["request"] for r in results[MINIMAL_NAME]])
        cpu_baseline = median([r["cpu"] for r in results[MINIMAL_NAME]])
        rows = []
        for name, runs in results.items():
            imp = median([r["import"] for r in runs]) * 1000
            req = median([r["request"] for r in runs]) * 1000
            total = median([r["import"] + r["request"] for r in runs])
            cpu = median([r["cpu"] for r in runs])
            rows.append((name, imp, req, total * 1000, f"{total / baseline:.2f}×", cpu * 1000,
                         f"{cpu / cpu_baseline:.2f}×"))
        print_table(f"Cold start: import + first GET /me (median of {RUNS}, ms, same moto server)",
                    ["handler", "import / init", "first request", "import + request", "vs minimal",
                     "CPU", "CPU vs minimal"], rows,
                    note="init builds the tracer and clients and loads every parameter in one GetParameters; "
                         "queue URLs come from GONGHUI_QUEUE_URL_PREFIX. CPU = the interpreter's process time "
                         "for the same span (steadier than wall time on a busy machine)")
    finally:
        server.stop()


if __name__ == "__main__":
    main()
