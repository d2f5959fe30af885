"""One threaded HTTP server speaking WeChat, Alipay and 浙政钉 on their real paths.

Real paths do not collide, so one base URL serves all three: WeChat at ``{url}``
(``/sns/...``, ``/cgi-bin/...``), Alipay at ``{url}/gateway.do``, 浙政钉 at ``{url}``
(``/gettoken.json``, ``/rpc/...``). Test and demo controls are Python methods on
:class:`FakeProviders` and, for a fake running in another process, JSON endpoints under
``/_fake/`` (see :meth:`FakeProviders._control_routes`).

The server never logs request bodies or query strings (they carry codes, secrets and ID
numbers); with ``verbose`` it prints the method and path only.
"""
from __future__ import annotations

import sys
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from chalicelib.platform.settings import get_settings

from .alipay import FakeAlipay
from .common import FakeRequest, FakeResponse
from .dingtalk import FakeDingtalk
from .wechat import FakeWechat
from .zwfw import FakeZwfw

Route = Callable[[FakeRequest], FakeResponse]
MAX_BODY = 1024 * 1024


class FakeProviders:
    """The running fakes. Build with :func:`start_fakes`; ``stop()`` when done."""

    def __init__(self, port: int = 0, *, host: str = "127.0.0.1", wechat_app_id: str | None = None,
                 alipay_app_id: str | None = None, dingtalk_app_key: str | None = None,
                 verbose: bool = False) -> None:
        settings = get_settings()
        self._lock = threading.Lock()
        self.sent_messages: list[dict[str, Any]] = []
        self._refusals: set[tuple[str, str | None]] = set()
        self.wechat = FakeWechat(wechat_app_id or settings.wechat_app_id, self._record, self._is_refused)
        self.alipay = FakeAlipay(alipay_app_id or settings.alipay_app_id, self._record, self._is_refused)
        self.dingtalk = FakeDingtalk(dingtalk_app_key or settings.dingtalk_app_key)
        self.zwfw = FakeZwfw(settings.zwfw_access_key)
        self.verbose = verbose
        self._routes: dict[str, Route] = {**self.wechat.routes(), **self.alipay.routes(), **self.dingtalk.routes(),
                                          **self.zwfw.routes(), **self._control_routes()}
        self._server = ThreadingHTTPServer((host, port), _handler_for(self))
        self._server.daemon_threads = True
        self._thread: threading.Thread | None = None
        address = self._server.server_address
        self.host, self.port = str(address[0] if isinstance(address[0], str) else address[0].decode()), int(address[1])
        shown = "127.0.0.1" if self.host in ("0.0.0.0", "") else self.host
        self.url = f"http://{shown}:{self.port}"

    # -- lifecycle -------------------------------------------------------------------
    def start(self) -> FakeProviders:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="gonghui-fakes", daemon=True)
            self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Run in the foreground (the CLI)."""
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)
            self._thread = None

    def __enter__(self) -> FakeProviders:
        return self.start()

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.stop()

    # -- where the app should point --------------------------------------------------
    @property
    def wechat_base(self) -> str:
        return self.url

    @property
    def alipay_gateway(self) -> str:
        return f"{self.url}/gateway.do"

    @property
    def dingtalk_base(self) -> str:
        return self.url

    def environment(self) -> dict[str, str]:
        """The ``GONGHUI_*`` variables that point the app at this fake."""
        return {"GONGHUI_WECHAT_API": self.wechat_base, "GONGHUI_ALIPAY_GATEWAY": self.alipay_gateway,
                "GONGHUI_DINGTALK_API": self.dingtalk_base, "GONGHUI_WECHAT_APP_ID": self.wechat.app_id,
                "GONGHUI_ALIPAY_APP_ID": self.alipay.app_id, "GONGHUI_DINGTALK_APP_KEY": self.dingtalk.app_key,
                "GONGHUI_ZWFW_API": self.url, "GONGHUI_ZWFW_ACCESS_KEY": self.zwfw.access_key}

    def ssm_parameters(self) -> dict[str, str]:
        """``{SSM parameter name: value}`` for the secrets the app reads (names from settings)."""
        settings = get_settings()
        return {
            settings.wechat_secret_parameter: self.wechat.secret,
            settings.alipay_private_key_parameter: self.alipay.app_private_key_pem,
            settings.alipay_public_key_parameter: self.alipay.alipay_public_key_pem,
            settings.dingtalk_secret_parameter: self.dingtalk.secret,
            settings.zwfw_secret_parameter: self.zwfw.secret,
        }

    # -- controls --------------------------------------------------------------------
    def wechat_login_code(self, openid: str, unionid: str | None = None) -> str:
        """A one-time ``wx.login`` code (five minutes) for this openid."""
        return self.wechat.login_code(openid, unionid)

    def alipay_auth_code(self, user_id: str, open_id: str | None = None) -> str:
        """A one-time ``my.getAuthCode`` code for this Alipay user id."""
        return self.alipay.auth_code(user_id, open_id)

    def dingtalk_auth_code(self, account_id: str, name: str, *, employee_code: str | None = None,
                           tenant_id: str | None = "196729") -> str:
        """A one-time 浙政钉 免登 ``auth_code`` for this account."""
        return self.dingtalk.auth_code(account_id, name, employee_code=employee_code, tenant_id=tenant_id)

    def zwfw_ssotoken(self, credit_code: str, company_name: str | None = None,
                      legal_person: str | None = None) -> str:
        """A legal person signed in at 浙江政务服务网: the ``ssotoken`` the portal redirects with."""
        return self.zwfw.ssotoken(credit_code, company_name, legal_person)

    def set_face_result(self, cert_no_or_any: str, passed: bool, fail_reason: str | None = None) -> None:
        """How the face scan will end for this ID number (``"*"``: for everyone). Default: pass."""
        self.alipay.set_face_result(cert_no_or_any, passed, fail_reason)

    def complete_certify(self, certify_id: str) -> None:
        """The person finished the face scan for this certify id."""
        self.alipay.complete_certify(certify_id)

    def refuse_subscription(self, recipient: str, template_id: str | None = None) -> None:
        """This openid / Alipay user id refuses this template (``None``: every template)."""
        with self._lock:
            self._refusals.add((recipient, template_id))

    def invalidate_wechat_tokens(self) -> None:
        """WeChat forgets every access token: the next call answers 40001."""
        self.wechat.tokens.revoke_all()

    def invalidate_dingtalk_tokens(self) -> None:
        self.dingtalk.tokens.revoke_all()

    def tamper_next_alipay_response(self) -> None:
        """Change the next Alipay answer after signing it (its signature no longer matches)."""
        self.alipay.tamper_next_response()

    def alipay_response_style(self, *, passed_as_list: bool = False, material_as_object: bool = False) -> None:
        """Answer ``passed`` as ``["T"]`` and/or ``material_info`` as an object, as some versions do."""
        self.alipay.passed_as_list, self.alipay.material_as_object = passed_as_list, material_as_object

    @property
    def token_requests(self) -> dict[str, int]:
        """How many access tokens each platform has issued (cache checks)."""
        return {"wechat": self.wechat.tokens.issued, "dingtalk": self.dingtalk.tokens.issued}

    def reset(self) -> None:
        """Forget codes, tokens, certifications, refusals and sent messages (keys stay)."""
        self.wechat.reset()
        self.alipay.reset()
        self.dingtalk.reset()
        self.zwfw.reset()
        with self._lock:
            self.sent_messages.clear()
            self._refusals.clear()

    def _record(self, message: dict[str, Any]) -> None:
        with self._lock:
            self.sent_messages.append(message)

    def _is_refused(self, recipient: str, template_id: str) -> bool:
        with self._lock:
            return (recipient, template_id) in self._refusals or (recipient, None) in self._refusals

    # -- HTTP controls, for a fake in another process ---------------------------------
    def _control_routes(self) -> dict[str, Route]:
        """``/_fake/...`` JSON endpoints; arguments as JSON body or query string."""
        return {
            "/_fake/wechat/login-code": self._http_wechat_code,
            "/_fake/alipay/auth-code": self._http_alipay_code,
            "/_fake/dingtalk/auth-code": self._http_dingtalk_code,
            "/_fake/zwfw/ssotoken": self._http_zwfw_token,
            "/_fake/alipay/face-result": self._http_face_result,
            "/_fake/alipay/certify/complete": self._http_complete,
            "/_fake/subscriptions/refuse": self._http_refuse,
            "/_fake/messages": lambda r: FakeResponse.of_json(list(self.sent_messages)),
            "/_fake/ssm-parameters": lambda r: FakeResponse.of_json(self.ssm_parameters()),
            "/_fake/environment": lambda r: FakeResponse.of_json(self.environment()),
            "/_fake/reset": self._http_reset,
        }

    @staticmethod
    def _args(request: FakeRequest) -> dict[str, Any]:
        data = request.json() if request.body else {}
        return {**request.query, **(data if isinstance(data, dict) else {})}

    def _http_wechat_code(self, request: FakeRequest) -> FakeResponse:
        args = self._args(request)
        return FakeResponse.of_json({"code": self.wechat_login_code(args["openid"], args.get("unionid"))})

    def _http_alipay_code(self, request: FakeRequest) -> FakeResponse:
        args = self._args(request)
        return FakeResponse.of_json({"code": self.alipay_auth_code(args["user_id"], args.get("open_id"))})

    def _http_dingtalk_code(self, request: FakeRequest) -> FakeResponse:
        args = self._args(request)
        code = self.dingtalk_auth_code(str(args["account_id"]), args["name"], employee_code=args.get("employee_code"))
        return FakeResponse.of_json({"code": code})

    def _http_zwfw_token(self, request: FakeRequest) -> FakeResponse:
        args = self._args(request)
        token = self.zwfw_ssotoken(str(args["credit_code"]), args.get("company_name"), args.get("legal_person"))
        return FakeResponse.of_json({"ssotoken": token})

    def _http_face_result(self, request: FakeRequest) -> FakeResponse:
        args = self._args(request)
        passed = args["passed"] if isinstance(args["passed"], bool) else str(args["passed"]).lower() in ("1", "true")
        self.set_face_result(args["cert_no"], passed, args.get("fail_reason"))
        return FakeResponse.of_json({"ok": True})

    def _http_complete(self, request: FakeRequest) -> FakeResponse:
        self.complete_certify(self._args(request)["certify_id"])
        if request.method == "GET":  # the link on the fake certify page
            return FakeResponse.of_html("<html><body><h1>刷脸完成（模拟）</h1><p>请返回小程序。</p></body></html>")
        return FakeResponse.of_json({"ok": True})

    def _http_refuse(self, request: FakeRequest) -> FakeResponse:
        args = self._args(request)
        self.refuse_subscription(args["recipient"], args.get("template_id"))
        return FakeResponse.of_json({"ok": True})

    def _http_reset(self, request: FakeRequest) -> FakeResponse:
        self.reset()
        return FakeResponse.of_json({"ok": True})

    # -- dispatch ----------------------------------------------------------------------
    def dispatch(self, request: FakeRequest) -> FakeResponse:
        route = self._routes.get(request.path)
        if route is None:
            return FakeResponse.of_json({"errcode": 404, "errmsg": "not found"}, status=404)
        try:
            return route(request)
        except KeyError as exc:
            if request.path.startswith("/_fake/"):
                return FakeResponse.of_json({"ok": False, "error": f"missing or unknown {exc}"}, status=400)
            raise
        except ValueError:
            return FakeResponse.of_json({"errcode": 47001, "errmsg": "data format error"}, status=400)


def _handler_for(fakes: FakeProviders) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        server_version = "GonghuiFakes/1.0"

        def _serve(self) -> None:
            parts = urlsplit(self.path)
            length = int(self.headers.get("Content-Length") or 0)
            if length > MAX_BODY:
                self._send(FakeResponse.of_json({"errmsg": "body too large"}, status=413))
                return
            request = FakeRequest(method=self.command, path=parts.path,
                                  query=dict(parse_qsl(parts.query, keep_blank_values=True)),
                                  headers={k.lower(): v for k, v in self.headers.items()},
                                  body=self.rfile.read(length) if length else b"")
            try:
                response = fakes.dispatch(request)
            except Exception as exc:  # a fake bug must not hang the client
                response = FakeResponse.of_json({"errmsg": f"fake crashed: {type(exc).__name__}"}, status=500)
            self._send(response)

        def _send(self, response: FakeResponse) -> None:
            self.send_response(response.status)
            self.send_header("Content-Type", response.content_type)
            self.send_header("Content-Length", str(len(response.body)))
            for name, value in response.headers.items():
                self.send_header(name, value)
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(response.body)

        do_GET = do_POST = do_HEAD = _serve

        def log_message(self, format: str, *args: Any) -> None:
            if fakes.verbose:  # method and path only: queries carry codes and secrets
                sys.stderr.write(f"[fakes] {self.command} {urlsplit(self.path).path}\n")

    return Handler


def start_fakes(port: int = 0, **options: Any) -> FakeProviders:
    """Start the fakes on 127.0.0.1 (``port`` 0: any free port) in a background thread."""
    return FakeProviders(port, **options).start()

