"""Login, token refresh, the caller's account, staff grants, and the local-only dev login."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import ALL_ROLES, Principal, Role
from chalicelib.platform.http import PUBLIC, Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .schemas import (
    AccountView,
    AlipayLogin,
    DevLogin,
    DingtalkLogin,
    Ok,
    RefreshRequest,
    StaffGrant,
    StaffList,
    StaffQuery,
    TokenPair,
    WechatLogin,
    )

bp = Blueprint(__name__)
TAGS = ["accounts"]


@bp.route("/auth/wechat", methods=["POST"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, body=WechatLogin, response=TokenPair,
          summary="微信小程序登录 (code2Session)", tags=TAGS)
def wechat_login(body: WechatLogin) -> TokenPair:
    return logic.login_wechat(body.code)


@bp.route("/auth/alipay", methods=["POST"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, body=AlipayLogin, response=TokenPair,
          summary="支付宝小程序登录 (alipay.system.oauth.token)", tags=TAGS)
def alipay_login(body: AlipayLogin) -> TokenPair:
    return logic.login_alipay(body.auth_code)


@bp.route("/auth/dingtalk", methods=["POST"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, body=DingtalkLogin, response=TokenPair,
          summary="浙政钉 H5 免登 (工会工作人员)", tags=TAGS)
def dingtalk_login(body: DingtalkLogin) -> TokenPair:
    return logic.login_dingtalk(body.auth_code)


@bp.route("/auth/refresh", methods=["POST"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, body=RefreshRequest, response=TokenPair,
          summary="刷新登录凭证", tags=TAGS)
def refresh(body: RefreshRequest) -> TokenPair:
    return logic.refresh(body.refresh_token)


@bp.route("/auth/logout", methods=["POST"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, body=RefreshRequest, response=Ok, summary="退出登录", tags=TAGS)
def logout(body: RefreshRequest) -> Ok:
    logic.logout(body.refresh_token)
    return Ok()


@bp.route("/dev/login", methods=["POST"])
@endpoint(roles=PUBLIC, ownership=Ownership.PUBLIC, body=DevLogin, response=TokenPair,
          summary="本地演示登录（仅 local 环境）", tags=TAGS)
def dev_login(body: DevLogin) -> TokenPair:
    return logic.dev_login(body)


@bp.route("/me", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SELF, response=AccountView, summary="当前账号", tags=TAGS)
def me(principal: Principal) -> AccountView:
    return logic.me(principal)


@bp.route("/staff", methods=["POST"])
@endpoint(roles={Role.UNION_ADMIN, Role.PLATFORM_ADMIN}, ownership=Ownership.SCOPE, body=StaffGrant,
          response=AccountView, status=201, summary="开通工会工作人员（浙政钉）", tags=TAGS, idempotent=True)
def grant_staff(principal: Principal, body: StaffGrant) -> AccountView:
    return logic.grant_staff(principal, body)


@bp.route("/staff", methods=["GET"])
@endpoint(roles={Role.UNION_ADMIN, Role.PLATFORM_ADMIN}, ownership=Ownership.SCOPE, query=StaffQuery,
          response=StaffList, summary="组织的工作人员", tags=TAGS)
def list_staff(principal: Principal, query: StaffQuery) -> StaffList:
    return logic.list_staff(principal, query.org or principal.org_path, limit=query.limit, cursor=query.cursor)
