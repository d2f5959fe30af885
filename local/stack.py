"""The embedded local stack behind ``make run``.

One process: a moto server (DynamoDB, SQS, EventBridge, S3, SSM) on 127.0.0.1, every
resource created from the same definitions as ``infra/``, demo data, the WeChat / Alipay /
浙政钉 fakes, the event pump, and the API on http://127.0.0.1:8000 (``/docs``,
``/openapi.json``, ``/health``). Ctrl-C stops everything; state lives in memory, so the next
``make run`` starts clean.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import logging
import os
import signal
import sys
import threading
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def _configure_environment(moto_url: str) -> None:
    os.environ.update({
        "GONGHUI_STAGE": "local",
        "AWS_ENDPOINT_URL": moto_url,
        "AWS_DEFAULT_REGION": os.environ.get("AWS_DEFAULT_REGION", "cn-north-1"),
        "AWS_REGION": os.environ.get("AWS_DEFAULT_REGION", "cn-north-1"),
        "AWS_ACCESS_KEY_ID": "local",
        "AWS_SECRET_ACCESS_KEY": "local",
        "GONGHUI_TRACING": "0",
    })
    os.environ.pop("AWS_PROFILE", None)


class LocalStack:
    def __init__(self, *, host: str = "127.0.0.1", api_port: int = 8000, moto_port: int = 0,
                 fakes_port: int = 0, ws_port: int = 8001, demo: bool = True) -> None:
        self.host, self.api_port, self.moto_port = host, api_port, moto_port
        self.fakes_port, self.ws_port, self.demo = fakes_port, ws_port, demo
        self.moto: Any = None
        self.fakes: Any = None
        self.pump: Any = None
        self.server: Any = None
        self.ws: Any = None
        self.app: Any = None

    def start(self) -> None:
        from moto.server import ThreadedMotoServer

        from local import moto_atomic

        logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's per-call access log
        moto_atomic.patch_server()
        self.moto = ThreadedMotoServer(ip_address=self.host, port=self.moto_port, verbose=False)
        self.moto.start()
        moto_host, moto_port = self.moto.get_host_and_port()
        _configure_environment(f"http://{moto_host}:{moto_port}")

        from local.fakes import start_fakes

        self.fakes = start_fakes(self.fakes_port)
        os.environ["GONGHUI_WECHAT_API"] = self.fakes.wechat_base
        os.environ["GONGHUI_ALIPAY_GATEWAY"] = self.fakes.alipay_gateway
        os.environ["GONGHUI_DINGTALK_API"] = self.fakes.dingtalk_base
        os.environ["GONGHUI_ZWFW_API"] = self.fakes.url
        if importlib.util.find_spec("local.ws_gateway") is not None:
            os.environ["GONGHUI_WS_ENDPOINT"] = f"http://{self.host}:{self.ws_port}"

        from local import bootstrap

        bootstrap.reset_caches()
        import app as app_module

        self.app = app_module.app
        rule_queues = bootstrap.create_all(self.app, parameters=self.fakes.ssm_parameters())
        if self.demo:
            from local.demo import seed_all

            print(f"[local] demo data: {', '.join(seed_all())}", flush=True)

        from local.pump import EventPump

        self.pump = EventPump(self.app, rule_queues)
        self.pump.start()
        if "GONGHUI_WS_ENDPOINT" in os.environ:
            from local import ws_gateway  # type: ignore[attr-defined,unused-ignore]

            self.ws = ws_gateway.start(self.app, host=self.host, port=self.ws_port)

        from chalice.config import Config

        from local import gateway
        from local.http_server import create_api_server

        gateway.patch_in_process()  # unknown routes: 404 in our shape, as the deployed gateway answers
        config = Config.create(chalice_stage="local", app_name="gonghui", project_dir=str(ROOT),
                               config_from_disk=json.loads((ROOT / ".chalice" / "config.json").read_text()))
        self.server = create_api_server(self.app, config, self.host, self.api_port)
        print(f"[local] moto server   http://{moto_host}:{moto_port}", flush=True)
        print(f"[local] provider fakes {self.fakes.url}", flush=True)
        print(f"[local] API           http://{self.host}:{self.api_port}   docs: /docs   health: /health",
              flush=True)
        from local.guide import banner

        print(banner(f"http://{self.host}:{self.api_port}", self.fakes.url, f"ws://{self.host}:{self.ws_port}/local"),
              flush=True)

    def serve_forever(self) -> None:
        self.server.serve_forever()

    def serve_in_background(self) -> threading.Thread:
        thread = threading.Thread(target=self.serve_forever, name="api", daemon=True)
        thread.start()
        return thread

    def stop(self) -> None:
        import time

        for name, step in (("api", lambda: self.server and self.server.shutdown()),
                           ("pump", lambda: self.pump and self.pump.stop()),
                           ("websocket", lambda: self.ws and self.ws.stop()),
                           ("fakes", lambda: self.fakes and self.fakes.stop()),
                           ("moto", lambda: self.moto and self.moto.stop())):
            started = time.perf_counter()
            try:
                step()
            except Exception as exc:  # stopping must never hang on one part
                print(f"[local] while stopping: {type(exc).__name__}: {exc}", file=sys.stderr)
            if os.environ.get("GONGHUI_LOCAL_DEBUG"):
                print(f"[local] stopped {name} in {time.perf_counter() - started:.2f} s", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Gonghui embedded local stack")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=int(os.environ.get("PORT", "8000")))
    parser.add_argument("--moto-port", type=int, default=0)
    parser.add_argument("--ws-port", type=int, default=int(os.environ.get("WS_PORT", "8001")),
                        help="the chat WebSocket gateway (API Gateway's WebSocket API locally)")
    parser.add_argument("--no-demo", action="store_true")
    args = parser.parse_args(argv)
    stack = LocalStack(host=args.host, api_port=args.port, moto_port=args.moto_port, ws_port=args.ws_port,
                       demo=not args.no_demo)
    stopping = threading.Event()

    def on_signal(signum: int, _frame: Any) -> None:
        if not stopping.is_set():
            stopping.set()
            print("\n[local] stopping…", flush=True)
            threading.Thread(target=stack.server.shutdown, daemon=True).start()

    try:
        stack.start()
        signal.signal(signal.SIGINT, on_signal)
        signal.signal(signal.SIGTERM, on_signal)
        stack.serve_forever()
    finally:
        stack.stop()
        print("[local] stopped", flush=True)
    # Everything is stopped and all state was in memory: skip the interpreter's slow teardown
    # of moto's object graph (seconds with the demo loaded) and leave at once.
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
