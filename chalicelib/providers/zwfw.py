"""浙江政务服务网 legal-person single sign-on (法人统一身份认证) for enterprises.

The flow, as the portal's integration guides and public integration write-ups describe it
(the specification itself is handed out on application, not published):

1. The enterprise console sends the browser to the portal's legal-person login,
   ``https://esso.zjzwfw.gov.cn/opensso/spsaehandler/metaAlias/sp?spappurl=<our callback>``
   (entry 职工管理 on the portal does the same). The legal person signs in there.
2. The portal redirects back to ``<our callback>?ssotoken=<token>&ssoticket=<ticket>``; the
   console posts ``ssotoken`` to ``POST /auth/zwfw``. A token is single-use and short-lived.
3. We validate it server-side: ``atg.biz.userquery`` ("验证令牌并获取用户的登录信息") through
   the province's IRS gateway, ``POST /restapi/prod/IC33000020220309000001/rest/user/query``
   with JSON ``{"token", "projectId"}``, signed with our app credentials the way the gateway
   checks every call: headers ``X-BG-HMAC-ACCESS-KEY`` (AK), ``X-BG-HMAC-ALGORITHM:
   hmac-sha256``, ``X-BG-DATE-TIME`` (RFC 1123, GMT) and ``X-BG-HMAC-SIGNATURE`` =
   base64(HMAC-SHA256(SK, ``METHOD\\nPATH\\nQUERY\\nAK\\nDATE\\n``)).
4. The answer ``{"errCode": "0", "msg", "data": {"userInfo": {...}}}`` carries the legal
   person: ``CompanyName``, ``CompanyLegRep`` (法定代表人), ``CompanyRegNumber`` (the unified
   social credit code since 三证合一) and ``userId``. Any other ``errCode`` is a token the
   portal does not honour (expired, used, forged); a refused signature is our fault (502).

Field names follow the integrations we could read; the local fake speaks exactly this.
"""
from __future__ import annotations

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from email.utils import formatdate

from chalicelib.platform import clock, parameters
from chalicelib.platform.errors import Unauthorized
from chalicelib.platform.observability import logger
from chalicelib.platform.settings import get_settings

from .base import HttpResponse, failed, fetch, json_body

__all__ = ["LOGIN_ENTRY", "USER_QUERY_PATH", "LegalPerson", "legal_person_by_token", "signature"]

PROVIDER = "zwfw"
LOGIN_ENTRY = "https://esso.zjzwfw.gov.cn/opensso/spsaehandler/metaAlias/sp"
USER_QUERY_PATH = "/restapi/prod/IC33000020220309000001/rest/user/query"


@dataclass(frozen=True)
class LegalPerson:
    user_id: str
    company_name: str
    legal_representative: str
    credit_code: str


def signature(secret: str, method: str, path: str, query: str, *, access_key: str, date: str) -> str:
    text = f"{method.upper()}\n{path}\n{query}\n{access_key}\n{date}\n"
    return base64.b64encode(hmac.new(secret.encode("utf-8"), text.encode("utf-8"), hashlib.sha256).digest()).decode()


def _http(path: str, payload: dict[str, str]) -> HttpResponse:
    """The only place this module talks HTTP."""
    settings = get_settings()
    secret = parameters.secret(settings.zwfw_secret_parameter)
    date = formatdate(clock.now().timestamp(), usegmt=True)
    headers = {
        "Content-Type": "application/json;charset=utf-8", "Accept": "application/json",
        "X-BG-HMAC-ACCESS-KEY": settings.zwfw_access_key, "X-BG-HMAC-ALGORITHM": "hmac-sha256",
        "X-BG-DATE-TIME": date,
        "X-BG-HMAC-SIGNATURE": signature(secret, "POST", path, "", access_key=settings.zwfw_access_key, date=date),
    }
    return fetch("POST", settings.zwfw_api_base.rstrip("/") + path, provider=PROVIDER,
                 body=json.dumps(payload).encode("utf-8"), headers=headers)


def _invalid_token() -> Unauthorized:
    return Unauthorized("政务服务网登录凭证无效或已过期，请重新登录", code="ZWFW_TOKEN_INVALID")


def legal_person_by_token(ssotoken: str) -> LegalPerson:
    """Who signed in at the portal as a legal person (the ``ssotoken`` of the redirect)."""
    if not ssotoken or not ssotoken.strip():
        raise _invalid_token()
    response = _http(USER_QUERY_PATH, {"token": ssotoken.strip(), "projectId": get_settings().zwfw_project_id})
    if response.status in (401, 403):
        logger.warning("zwfw gateway refused our signature", extra={"provider": PROVIDER,
                                                                    "http_status": response.status})
        raise failed(PROVIDER, "政务服务网服务暂时不可用，请稍后再试")
    data = json_body(response, PROVIDER)
    if str(data.get("errCode")) != "0":
        logger.info("zwfw token refused", extra={"provider": PROVIDER, "error_code": data.get("errCode")})
        raise _invalid_token()
    info = (data.get("data") or {}).get("userInfo") if isinstance(data.get("data"), dict) else None
    if not isinstance(info, dict) or not info.get("CompanyRegNumber"):
        logger.warning("zwfw answer without a credit code", extra={"provider": PROVIDER})
        raise failed(PROVIDER, "政务服务网服务暂时不可用，请稍后再试")
    return LegalPerson(user_id=str(info.get("userId") or ""), company_name=str(info.get("CompanyName") or ""),
                       legal_representative=str(info.get("CompanyLegRep") or ""),
                       credit_code=str(info["CompanyRegNumber"]).strip().upper())
