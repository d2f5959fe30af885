"""Service centre routes: workers find the nearest open station and scan a room's code in the
mini-program; union staff keep centres, rooms and stations current and read the figures in 浙政钉.
Coordinates are GCJ-02 in and out."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import ALL_ROLES, Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .schemas import (
    CentreBody,
    CentreFiguresQuery,
    CentreFiguresView,
    CentreNearbyList,
    CentreNearbyQuery,
    CentreRoomBody,
    CentreRoomCode,
    CentreRoomPatch,
    CentreRoomView,
    CentreView,
    CentreVisitBody,
    CentreVisitView,
)

bp = Blueprint(__name__)
TAGS = ["centres"]
UNION = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


@bp.route("/centres", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=CentreBody, response=CentreView, status=201,
          summary="新建服务中心（管辖该节点的工会管理员；坐标为 GCJ-02）", tags=TAGS)
def create_centre(principal: Principal, body: CentreBody) -> CentreView:
    return logic.create_centre(principal, body)


@bp.route("/centres/nearby", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=CentreNearbyQuery, response=CentreNearbyList,
          summary="附近开放的服务中心与户外劳动者服务站点（所有登录用户；GCJ-02 坐标，按直线距离排序）", tags=TAGS)
def nearby(query: CentreNearbyQuery) -> CentreNearbyList:
    return logic.nearby(query)


@bp.route("/centres/visits", methods=["POST"])
@endpoint(roles={Role.WORKER}, ownership=Ownership.SELF, body=CentreVisitBody, response=CentreVisitView,
          summary="扫码登记到访（职工本人；同一房间每天只计一次）", tags=TAGS)
def visit(principal: Principal, body: CentreVisitBody) -> CentreVisitView:
    return logic.record_visit(principal, body.code)


@bp.route("/centres/figures", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=CentreFiguresQuery, response=CentreFiguresView,
          summary="服务中心月度数据：服务人次、活动、调解（本级及下级汇总，工会管理员）", tags=TAGS)
def figures(principal: Principal, query: CentreFiguresQuery) -> CentreFiguresView:
    return logic.figures(principal, query.org, query.month)


@bp.route("/centres/{centre_id}", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=CentreView,
          summary="服务中心详情与各房间、站点（所有登录用户）", tags=TAGS)
def get_centre(centre_id: str) -> CentreView:
    """A service centre is a public place: its address, hours, rooms and stations are meant to be
    found by every worker, so any logged-in member may read it."""
    return logic.get_centre(centre_id)


@bp.route("/centres/{centre_id}/rooms", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=CentreRoomBody, response=CentreRoomView, status=201,
          summary="新增房间或站点：职工书屋、调解室、户外劳动者服务站点等（管辖该中心的工会管理员）", tags=TAGS)
def add_room(principal: Principal, centre_id: str, body: CentreRoomBody) -> CentreRoomView:
    return logic.add_room(principal, centre_id, body)


@bp.route("/centres/{centre_id}/rooms/{room_id}", methods=["PATCH"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=CentreRoomPatch, response=CentreRoomView,
          summary="更新房间或站点：暂停开放、开放时间、设施（管辖该中心的工会管理员）", tags=TAGS)
def update_room(principal: Principal, centre_id: str, room_id: str, body: CentreRoomPatch) -> CentreRoomView:
    return logic.update_room(principal, centre_id, room_id, body)


@bp.route("/centres/{centre_id}/rooms/{room_id}/code", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, response=CentreRoomCode,
          summary="房间到访二维码内容（签名，管辖该中心的工会管理员打印张贴）", tags=TAGS)
def room_code(principal: Principal, centre_id: str, room_id: str) -> CentreRoomCode:
    return logic.room_code(principal, centre_id, room_id)
