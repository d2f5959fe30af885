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
    CentrePatch,
    CentrePhotoTicket,
    CentrePhotoUploadBody,
    CentreReadingFiguresQuery,
    CentreReadingFiguresView,
    CentreReadingRoomBody,
    CentreReadingRoomPage,
    CentreReadingRoomQuery,
    CentreReadingRoomView,
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


@bp.route("/centres/reading-rooms", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=CentreReadingRoomBody, response=CentreReadingRoomView,
          status=201, summary="登记职工书屋：级别、承办单位、开放时间、藏书、位置（管辖该节点的工会管理员；GCJ-02）",
          tags=TAGS)
def register_reading_room(principal: Principal, body: CentreReadingRoomBody) -> CentreReadingRoomView:
    """登记在市级或以下的组织节点；本节点及各上级的分级书屋数同时更新。阅读活动通过预约引擎发布，
    活动的 host 填书屋编号。错误：404 ORG_NOT_FOUND、422 CENTRE_READING_ROOM_ORG_TOO_HIGH、
    422 CENTRE_COORDINATES_OUTSIDE_CHINA。"""
    return logic.register_reading_room(principal, body)


@bp.route("/centres/reading-rooms", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=CentreReadingRoomQuery, response=CentreReadingRoomPage,
          summary="职工书屋名录（所有登录用户；市级或以下组织及其下级，可按级别筛选）", tags=TAGS)
def reading_rooms(principal: Principal, query: CentreReadingRoomQuery) -> CentreReadingRoomPage:
    """书屋是公共场所，任何登录用户都可查阅。一次查询读取不超过一页。错误：422 CENTRE_READING_ROOM_ORG_TOO_HIGH。"""
    return logic.reading_rooms(principal, query.org, query.level, limit=query.limit, cursor=query.cursor)


@bp.route("/centres/reading-rooms/figures", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, query=CentreReadingFiguresQuery, response=CentreReadingFiguresView,
          summary="职工书屋年度数据：阅读活动场次、参与人次，按书屋、区县与年份（工会管理员，本级及下级）", tags=TAGS)
def reading_figures(principal: Principal, query: CentreReadingFiguresQuery) -> CentreReadingFiguresView:
    """阅读活动场次结束后（预约引擎的 BookingAttendanceClosed），由服务中心数据队列计入书屋及其各级组织，
    每场只计一次。错误：404 ORG_NOT_FOUND。"""
    return logic.reading_figures(principal, query.org, query.year, limit=query.limit, cursor=query.cursor)


@bp.route("/centres/reading-rooms/{rr_id}", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=CentreReadingRoomView,
          summary="职工书屋详情（所有登录用户）", tags=TAGS)
def reading_room(rr_id: str) -> CentreReadingRoomView:
    """错误：404 CENTRE_READING_ROOM_NOT_FOUND。"""
    return logic.get_reading_room(rr_id)


@bp.route("/centres/{centre_id}", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=CentreView,
          summary="服务中心详情与各房间、站点（所有登录用户）", tags=TAGS)
def get_centre(centre_id: str) -> CentreView:
    """A service centre is a public place: its address, hours, rooms and stations are meant to be
    found by every worker, so any logged-in member may read it."""
    return logic.get_centre(centre_id)


@bp.route("/centres/{centre_id}", methods=["PATCH"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=CentrePatch, response=CentreView,
          summary="更新服务中心：名称、地址、开放时间、照片（管辖该中心的工会管理员）", tags=TAGS)
def update_centre(principal: Principal, centre_id: str, body: CentrePatch) -> CentreView:
    """照片须先经 POST /centres/{centre_id}/photos 上传（对象键在本中心之下且已上传）。
    错误：404 CENTRE_NOT_FOUND、422 CENTRE_PHOTO_INVALID。"""
    return logic.update_centre(principal, centre_id, body)


@bp.route("/centres/{centre_id}/photos", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=CentrePhotoUploadBody, response=CentrePhotoTicket,
          status=201, summary="申请中心或房间照片的上传地址（预签名表单，限图片类型与大小；管辖该中心的工会管理员）",
          tags=TAGS)
def photo_upload(principal: Principal, centre_id: str, body: CentrePhotoUploadBody) -> CentrePhotoTicket:
    """上传成功后，把返回的 key 放进中心或房间的 photos。错误：404 CENTRE_NOT_FOUND、
    404 CENTRE_ROOM_NOT_FOUND、422 CENTRE_PHOTO_TOO_LARGE。"""
    return logic.photo_upload(principal, centre_id, body)


@bp.route("/centres/{centre_id}/rooms", methods=["POST"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=CentreRoomBody, response=CentreRoomView, status=201,
          summary="新增房间或站点：职工书屋、调解室、户外劳动者服务站点等（管辖该中心的工会管理员）", tags=TAGS)
def add_room(principal: Principal, centre_id: str, body: CentreRoomBody) -> CentreRoomView:
    return logic.add_room(principal, centre_id, body)


@bp.route("/centres/{centre_id}/rooms/{room_id}", methods=["PATCH"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, body=CentreRoomPatch, response=CentreRoomView,
          summary="更新房间或站点：暂停开放、名称、开放时间、设施、照片（管辖该中心的工会管理员）", tags=TAGS)
def update_room(principal: Principal, centre_id: str, room_id: str, body: CentreRoomPatch) -> CentreRoomView:
    return logic.update_room(principal, centre_id, room_id, body)


@bp.route("/centres/{centre_id}/rooms/{room_id}/code", methods=["GET"])
@endpoint(roles=UNION, ownership=Ownership.SCOPE, response=CentreRoomCode,
          summary="房间到访二维码内容（签名，管辖该中心的工会管理员打印张贴）", tags=TAGS)
def room_code(principal: Principal, centre_id: str, room_id: str) -> CentreRoomCode:
    return logic.room_code(principal, centre_id, room_id)
