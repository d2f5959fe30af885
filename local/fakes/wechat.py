"""Fake WeChat mini-program server API: ``/sns/jscode2session``, ``/cgi-bin/token``,
``/cgi-bin/stable_token``, ``/cgi-bin/message/subscribe/send`` with WeChat's documented answers
and errcodes."""
from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from typing import Any

from .common import CodeBook, FakeRequest, FakeResponse, TokenBook

LOGIN_CODE_TTL = 300  # wx.login codes live five minutes
TOKEN_TTL = 7200
TOKEN_GRACE = 300  # after a new token is issued the old one keeps working five minutes
MINIPROGRAM_STATES = {"developer", "trial", "formal"}


def _err(errcode: int, errmsg: str) -> FakeResponse:
    rid = secrets.token_hex(4)
    return FakeResponse.of_json({"errcode": errcode, "errmsg": f"{errmsg} rid: {rid}"})


class FakeWechat:
    def __init__(self, app_id: str, record: Callable[[dict[str, Any]], None],
                 refused: Callable[[str, str], bool]) -> None:
        self.app_id = app_id
        self.secret = secrets.token_hex(16)
        self.codes = CodeBook(LOGIN_CODE_TTL)
        self.tokens = TokenBook(TOKEN_TTL, grace_seconds=TOKEN_GRACE)
        self._record = record
        self._refused = refused

    # -- control ---------------------------------------------------------------------
    def login_code(self, openid: str, unionid: str | None = None) -> str:
        return self.codes.mint({"openid": openid, "unionid": unionid})

    def reset(self) -> None:
        self.codes.clear()
        self.tokens.clear()

    # -- protocol --------------------------------------------------------------------
    def routes(self) -> dict[str, Callable[[FakeRequest], FakeResponse]]:
        return {
            "/sns/jscode2session": self.jscode2session,
            "/cgi-bin/token": self.token,
            "/cgi-bin/stable_token": self.stable_token,
            "/cgi-bin/message/subscribe/send": self.subscribe_send,
        }

    def _check_app(self, params: dict[str, str]) -> FakeResponse | None:
        if params.get("appid") != self.app_id:
            return _err(40013, "invalid appid")
        if params.get("secret") != self.secret:
            return _err(40125, "invalid appsecret")
        return None

    def jscode2session(self, request: FakeRequest) -> FakeResponse:
        params = request.query
        refused = self._check_app(params)
        if refused:
            return refused
        if params.get("grant_type") != "authorization_code":
            return _err(40002, "invalid grant_type")
        subject, why = self.codes.redeem(params.get("js_code", ""))
        if subject is None:
            return _err(40163, "code been used") if why == "used" else _err(40029, "invalid code")
        answer = {"session_key": base64.b64encode(secrets.token_bytes(16)).decode(), "openid": subject["openid"]}
        if subject.get("unionid"):
            answer["unionid"] = subject["unionid"]
        return FakeResponse.of_json(answer)

    def token(self, request: FakeRequest) -> FakeResponse:
        params = request.query
        if params.get("grant_type") != "client_credential":
            return _err(40002, "invalid grant_type")
        refused = self._check_app(params)
        if refused:
            return refused
        return FakeResponse.of_json({"access_token": self.tokens.issue(), "expires_in": TOKEN_TTL})

    def stable_token(self, request: FakeRequest) -> FakeResponse:
        """POST JSON ``{grant_type, appid, secret, force_refresh}``. Normal mode answers the
        token still valid (the same for every caller) and issues one only when none is; force
        mode issues a new one (the previous keeps working for the grace period)."""
        if request.method != "POST":
            return _err(43002, "require POST method")
        try:
            body = request.json()
        except ValueError:
            return _err(47001, "data format error")
        if not isinstance(body, dict):
            return _err(47001, "data format error")
        if body.get("grant_type") != "client_credential":
            return _err(40002, "invalid grant_type")
        refused = self._check_app({k: str(v) for k, v in body.items() if k in ("appid", "secret")})
        if refused:
            return refused
        current = None if body.get("force_refresh") is True else self.tokens.current()
        if current is None:
            return FakeResponse.of_json({"access_token": self.tokens.issue(), "expires_in": TOKEN_TTL})
        token, remaining = current
        return FakeResponse.of_json({"access_token": token, "expires_in": remaining})

    def subscribe_send(self, request: FakeRequest) -> FakeResponse:
        if request.method != "POST":
            return _err(43002, "require POST method")
        state = self.tokens.check(request.query.get("access_token"))
        if state == "missing":
            return _err(41001, "access_token missing")
        if state == "invalid":
            return _err(40001, "invalid credential, access_token is invalid or not latest")
        if state == "expired":
            return _err(42001, "access_token expired")
        try:
            body = request.json()
        except ValueError:
            return _err(47001, "data format error")
        if not isinstance(body, dict):
            return _err(47001, "data format error")
        touser, template_id, data = body.get("touser"), body.get("template_id"), body.get("data")
        if not isinstance(touser, str) or not touser:
            return _err(40003, "invalid openid")
        if not isinstance(template_id, str) or not template_id:
            return _err(40037, "invalid template_id")
        if not isinstance(data, dict) or not all(isinstance(v, dict) and isinstance(v.get("value"), str)
                                                 for v in data.values()):
            return _err(47003, "argument invalid! data.value invalid")
        state_name = body.get("miniprogram_state", "formal")
        if state_name not in MINIPROGRAM_STATES:
            return _err(47003, "argument invalid! miniprogram_state invalid")
        if self._refused(touser, template_id):
            return _err(43101, "user refuse to accept the msg")
        self._record({"channel": "wechat", "recipient": touser, "template_id": template_id,
                      "data": {k: v["value"] for k, v in data.items()}, "page": body.get("page"),
                      "miniprogram_state": state_name})
        return FakeResponse.of_json({"errcode": 0, "errmsg": "ok"})
