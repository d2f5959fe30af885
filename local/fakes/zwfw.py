"""Fake 浙江政务服务网 legal-person SSO (法人统一身份认证) and the IRS gateway's
``atg.biz.userquery`` (see ``chalicelib/providers/zwfw.py`` for the flow).

- ``GET /opensso/spsaehandler/metaAlias/sp?spappurl=<callback>&credit_code=<code>`` stands in
  for the portal's login page: it signs the legal person of ``credit_code`` in (the fake has
  no password page) and redirects (302) to ``<callback>?ssotoken=…&ssoticket=…``.
- ``POST /restapi/prod/IC33000020220309000001/rest/user/query`` checks the gateway's
  ``X-BG-HMAC-*`` headers (access key, algorithm, date within 15 minutes, HMAC-SHA256 over
  ``METHOD\\nPATH\\nQUERY\\nAK\\nDATE\\n``; 401 otherwise), then redeems the single-use token
  (5 minutes): ``{"errCode": "0", "data": {"userInfo": {...}}}`` or ``{"errCode": "1001",
  "msg": "token无效或已过期"}``. The error code is this fake's own.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import urllib.parse
from collections.abc import Callable
from email.utils import parsedate_to_datetime
from typing import Any

from .common import CodeBook, FakeRequest, FakeResponse, now

TOKEN_TTL = 300
MAX_SKEW_SECONDS = 900
LOGIN_PATH = "/opensso/spsaehandler/metaAlias/sp"
QUERY_PATH = "/restapi/prod/IC33000020220309000001/rest/user/query"
# The demo's enterprises as the portal knows them: credit code → (name, 法定代表人).
DEMO_COMPANIES = {"91330503MA2B3C4D5N": ("浙江三行电气科技有限公司", "沈国强")}


class FakeZwfw:
    def __init__(self, access_key: str) -> None:
        self.access_key = access_key
        self.secret = secrets.token_urlsafe(30)
        self.tokens = CodeBook(TOKEN_TTL)
        # credit code → (company name, legal representative); the demo adds its enterprises
        self.companies: dict[str, tuple[str, str]] = dict(DEMO_COMPANIES)

    # -- control ---------------------------------------------------------------------
    def ssotoken(self, credit_code: str, company_name: str | None = None, legal_person: str | None = None) -> str:
        known = self.companies.get(credit_code.upper(), ("", ""))
        return self.tokens.mint({"userId": f"zwfw-{hashlib.sha256(credit_code.encode()).hexdigest()[:16]}",
                                 "CompanyName": company_name or known[0] or "某某有限公司",
                                 "CompanyLegRep": legal_person or known[1] or "法定代表人",
                                 "CompanyRegNumber": credit_code.upper(), "CompanyType": "企业法人"})

    def reset(self) -> None:
        self.tokens.clear()

    # -- protocol --------------------------------------------------------------------
    def routes(self) -> dict[str, Callable[[FakeRequest], FakeResponse]]:
        return {LOGIN_PATH: self.login, QUERY_PATH: self.user_query}

    def login(self, request: FakeRequest) -> FakeResponse:
        callback, code = request.query.get("spappurl", ""), request.query.get("credit_code", "")
        if not callback.startswith(("http://", "https://")) or not code:
            return FakeResponse.of_html("<html><body>请提供 spappurl 与 credit_code（模拟登录）</body></html>",
                                        status=400)
        token = self.ssotoken(code)
        joiner = "&" if "?" in callback else "?"
        target = f"{callback}{joiner}{urllib.parse.urlencode({'ssotoken': token, 'ssoticket': secrets.token_hex(8)})}"
        return FakeResponse(302, b"", "text/plain", headers={"Location": target})

    def _signed(self, request: FakeRequest) -> bool:
        if request.header("X-BG-HMAC-ACCESS-KEY") != self.access_key \
                or request.header("X-BG-HMAC-ALGORITHM").lower() != "hmac-sha256":
            return False
        date = request.header("X-BG-DATE-TIME")
        try:
            if abs(parsedate_to_datetime(date).timestamp() - now()) > MAX_SKEW_SECONDS:
                return False
        except (TypeError, ValueError):
            return False
        query = urllib.parse.urlencode(sorted(request.query.items()))
        text = f"{request.method}\n{request.path}\n{query}\n{self.access_key}\n{date}\n"
        expected = base64.b64encode(hmac.new(self.secret.encode(), text.encode("utf-8"), hashlib.sha256).digest())
        return hmac.compare_digest(expected.decode(), request.header("X-BG-HMAC-SIGNATURE"))

    def user_query(self, request: FakeRequest) -> FakeResponse:
        if request.method != "POST":
            return FakeResponse.of_json({"code": "405", "message": "method not allowed"}, status=405)
        if not self._signed(request):
            return FakeResponse.of_json({"code": "401", "message": "签名校验失败"}, status=401)
        body: Any = request.json() or {}
        subject, why = self.tokens.redeem(str(body.get("token") or "")) if isinstance(body, dict) else (None, "unknown")
        if subject is None:
            return FakeResponse.of_json({"errCode": "1001", "msg": f"token无效或已过期（{why}）", "data": None})
        return FakeResponse.of_json({"errCode": "0", "msg": "成功", "data": {"userInfo": subject}})
