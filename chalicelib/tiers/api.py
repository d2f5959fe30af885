"""光年间 member tiers: a member's tier, points, progress and history; the tier definitions
(thresholds and what each tier unlocks) that province and city union staff keep."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .schemas import (
    TierConfigBody,
    TierConfigHistory,
    TierConfigHistoryQuery,
    TierConfigQuery,
    TierConfigView,
    TierHistoryPage,
    TierHistoryQuery,
    TierMeView,
)

bp = Blueprint(__name__)
TAGS = ["tiers"]
MEMBER = {Role.WORKER}
UNION = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


@bp.route("/tiers/me", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=TierMeView,
          summary="我的会员等级：积分、等级、距下一级的进度和已解锁的权益【光年间会员】", tags=TAGS)
def my_tier(principal: Principal) -> TierMeView:
    """Points are counted in the background from what the member does (a complete profile,
    approved photos, activity check-ins, likes others give their posts, days active), each kind
    capped per day; the tier follows the definitions of the member's city or province."""
    return logic.my_tier(principal)


@bp.route("/tiers/me/history", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, query=TierHistoryQuery, response=TierHistoryPage,
          summary="我的积分明细（新的在前，分页）【光年间会员】", tags=TAGS)
def my_history(principal: Principal, query: TierHistoryQuery) -> TierHistoryPage:
    """Every counted action and every take-back (a ban, a post removed by moderation)."""
    return logic.history(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/tiers/config", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=TierConfigQuery, response=TierConfigView,
          summary="会员等级设置：门槛和各级权益（省、市节点；区县工作人员可查看上级的设置）【工会管理员】", tags=TAGS)
def get_config(principal: Principal, query: TierConfigQuery) -> TierConfigView:
    return logic.get_config(principal, query.org)


@bp.route("/tiers/config", methods=["PUT"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=TierConfigBody, response=TierConfigView,
          summary="修改会员等级设置（省、市总工会工作人员；生成新版本，立即生效）【工会管理员】", tags=TAGS)
def save_config(principal: Principal, body: TierConfigBody) -> TierConfigView:
    """Only a province or city node, inside the caller's scope (404 otherwise; a district node
    is 422 TIER_CONFIG_LEVEL). ``based_on_version`` must be the version read (409 otherwise).
    Members' tiers follow at once: a tier is read from points and the definitions in force."""
    return logic.save_config(principal, body)


@bp.route("/tiers/config/history", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=TierConfigHistoryQuery, response=TierConfigHistory,
          summary="会员等级设置的修改记录（新的在前，分页）【工会管理员】", tags=TAGS)
def config_history(principal: Principal, query: TierConfigHistoryQuery) -> TierConfigHistory:
    return logic.config_history(principal, query.org, limit=query.limit, cursor=query.cursor)
