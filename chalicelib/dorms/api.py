"""Dormitory routes: enterprise admins run buildings and rooms; workers find a bed by roommate
fit and apply; the union admin decides, checks residents in and out, and watches occupancy."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import ALL_ROLES, STAFF_ROLES, Principal, Role
from chalicelib.platform.errors import NotFound
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .schemas import (
    ApplicationPage,
    ApplicationView,
    ApplyForBed,
    BuildingList,
    BuildingsQuery,
    BuildingView,
    CheckIn,
    Decision,
    DormProfileIn,
    DormProfileView,
    FreeBedPage,
    FreeBedQuery,
    ImportResult,
    Move,
    MyDorm,
    NewBuilding,
    NoticePage,
    Occupancy,
    OccupancyQuery,
    PageQuery,
    PhotoUpload,
    PhotoUploadRequest,
    QueueQuery,
    RankedBedPage,
    RecommendQuery,
    RoomImport,
    RoomList,
    RoomUpdate,
    RoomView,
    RulesIn,
    RulesQuery,
    RulesUpdate,
    RulesView,
)

bp = Blueprint(__name__)
TAGS = ["dorms"]
WORKER = {Role.WORKER}
ADMINS = set(STAFF_ROLES)


def _bed_no(text: str) -> int:
    if not text.isdigit() or not 1 <= int(text) <= 8:
        raise NotFound("找不到该床位", code="DORM_BED_NOT_FOUND")
    return int(text)


# --- buildings and rooms -------------------------------------------------------------------------

@bp.route("/dorms/buildings", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=NewBuilding, response=BuildingView, status=201,
          summary="登记宿舍楼（可园区多企业共享）", tags=TAGS, idempotent=True)
def create_building(principal: Principal, body: NewBuilding) -> BuildingView:
    return logic.create_building(principal, body)


@bp.route("/dorms/buildings", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=BuildingsQuery, response=BuildingList,
          summary="可入住的宿舍楼", tags=TAGS)
def list_buildings(principal: Principal, query: BuildingsQuery) -> BuildingList:
    return logic.list_buildings(principal, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/dorms/buildings/{building_id}/rooms/import", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=RoomImport, response=ImportResult,
          summary="批量导入房间与现有住户", tags=TAGS)
def import_rooms(principal: Principal, building_id: str, body: RoomImport) -> ImportResult:
    return logic.import_rooms(principal, building_id, body)


@bp.route("/dorms/buildings/{building_id}/rooms", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=PageQuery, response=RoomList,
          summary="宿舍楼的房间", tags=TAGS)
def list_rooms(principal: Principal, building_id: str, query: PageQuery) -> RoomList:
    """Workers of the enterprises that run or share this building, and the admins whose scope covers
    it; anyone else gets 404. Rooms carry no resident names, only what roommates chose to share."""
    return logic.list_rooms(principal, building_id, limit=query.limit, cursor=query.cursor)


@bp.route("/dorms/buildings/{building_id}/rooms/{room_no}", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=RoomView, summary="房间详情与室友公开信息",
          tags=TAGS)
def get_room(principal: Principal, building_id: str, room_no: str) -> RoomView:
    """Workers of the enterprises that run or share this building, and admins in scope; others 404.
    Roommates appear only through the hometown/workshop/shift they opted to share, never by name."""
    return logic.get_room(principal, building_id, room_no)


@bp.route("/dorms/buildings/{building_id}/rooms/{room_no}", methods=["PATCH"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=RoomUpdate, response=RoomView,
          summary="修改房间设施、租金与照片", tags=TAGS)
def update_room(principal: Principal, building_id: str, room_no: str, body: RoomUpdate) -> RoomView:
    return logic.update_room(principal, building_id, room_no, body)


@bp.route("/dorms/buildings/{building_id}/photos", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=PhotoUploadRequest, response=PhotoUpload, status=201,
          summary="获取房间照片上传凭证", tags=TAGS)
def photo_upload(principal: Principal, building_id: str, body: PhotoUploadRequest) -> PhotoUpload:
    return logic.photo_upload(principal, building_id, body.content_type)


# --- the worker: profile, finding a bed, applying --------------------------------------------------

@bp.route("/dorms/profile", methods=["PUT"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, body=DormProfileIn, response=DormProfileView,
          summary="填写宿舍资料（性别、家乡、车间、班次、入职日期及公开范围）", tags=TAGS)
def save_profile(principal: Principal, body: DormProfileIn) -> DormProfileView:
    return logic.save_profile(principal, body)


@bp.route("/dorms/profile", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=DormProfileView, summary="我的宿舍资料", tags=TAGS)
def get_profile(principal: Principal) -> DormProfileView:
    return logic.get_profile(principal)


@bp.route("/dorms/buildings/{building_id}/free-beds", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=FreeBedQuery, response=FreeBedPage,
          summary="空床位（按房型、设施、性别筛选）", tags=TAGS)
def free_beds(principal: Principal, building_id: str, query: FreeBedQuery) -> FreeBedPage:
    """Workers of the enterprises that run or share this building (a park dorm), and admins in
    scope; others get 404. Free beds are public within that circle by design: choosing is the point."""
    return logic.free_beds(principal, building_id, query)


@bp.route("/dorms/buildings/{building_id}/recommendations", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, query=RecommendQuery, response=RankedBedPage,
          summary="按室友匹配度推荐空床位", tags=TAGS)
def recommend(principal: Principal, building_id: str, query: RecommendQuery) -> RankedBedPage:
    return logic.recommend(principal, building_id, query)


@bp.route("/dorms/applications", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, body=ApplyForBed, response=ApplicationView, status=201,
          summary="申请床位（立即保留）", tags=TAGS, idempotent=True)
def apply_for_bed(principal: Principal, body: ApplyForBed) -> ApplicationView:
    return logic.apply_for_bed(principal, body)


@bp.route("/dorms/me", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=MyDorm, summary="我的宿舍与申请", tags=TAGS)
def my_dorm(principal: Principal) -> MyDorm:
    return logic.my_dorm(principal)


@bp.route("/dorms/me/application", methods=["DELETE"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, response=ApplicationView, summary="取消宿舍申请", tags=TAGS)
def cancel_application(principal: Principal) -> ApplicationView:
    return logic.cancel_my_application(principal)


@bp.route("/dorms/me/check-in", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, body=CheckIn, response=ApplicationView,
          summary="拎包入住（确认入住）", tags=TAGS)
def check_in_myself(principal: Principal, body: CheckIn) -> ApplicationView:
    return logic.check_in(principal, None, body)


@bp.route("/dorms/me/notices", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SELF, query=PageQuery, response=NoticePage,
          summary="宿舍办理通知", tags=TAGS)
def my_notices(principal: Principal, query: PageQuery) -> NoticePage:
    return logic.notices(principal, limit=query.limit, cursor=query.cursor)


# --- the union / enterprise admin ----------------------------------------------------------------

@bp.route("/dorms/applications", methods=["GET"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, query=QueueQuery, response=ApplicationPage,
          summary="宿舍申请审批队列", tags=TAGS)
def application_queue(principal: Principal, query: QueueQuery) -> ApplicationPage:
    return logic.application_queue(principal, query)


@bp.route("/dorms/applications/{application_id}", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.OWNER, response=ApplicationView, summary="宿舍申请详情",
          tags=TAGS)
def get_application(principal: Principal, application_id: str) -> ApplicationView:
    return logic.get_application(principal, application_id)


@bp.route("/dorms/applications/{application_id}/decision", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=Decision, response=ApplicationView,
          summary="审批宿舍申请（通过或驳回）", tags=TAGS)
def decide(principal: Principal, application_id: str, body: Decision) -> ApplicationView:
    return logic.decide(principal, application_id, body)


@bp.route("/dorms/applications/{application_id}/check-in", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=CheckIn, response=ApplicationView,
          summary="办理入住", tags=TAGS)
def check_in(principal: Principal, application_id: str, body: CheckIn) -> ApplicationView:
    return logic.check_in(principal, application_id, body)


@bp.route("/dorms/buildings/{building_id}/rooms/{room_no}/beds/{bed_no}/check-out", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, response=RoomView, summary="办理退宿", tags=TAGS)
def check_out(principal: Principal, building_id: str, room_no: str, bed_no: str) -> RoomView:
    return logic.check_out(principal, building_id, room_no, _bed_no(bed_no))


@bp.route("/dorms/buildings/{building_id}/rooms/{room_no}/beds/{bed_no}/move", methods=["POST"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=Move, response=RoomView, summary="调换宿舍", tags=TAGS)
def move(principal: Principal, building_id: str, room_no: str, bed_no: str, body: Move) -> RoomView:
    return logic.move(principal, building_id, room_no, _bed_no(bed_no), body)


@bp.route("/dorms/rules", methods=["PUT"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, body=RulesUpdate, response=RulesView,
          summary="设置宿舍审批规则（新员工自动通过、保留时长）", tags=TAGS)
def set_rules(principal: Principal, body: RulesUpdate) -> RulesView:
    return logic.set_rules(principal, body.org_path, RulesIn(**body.model_dump(exclude={"org_path"})))


@bp.route("/dorms/rules", methods=["GET"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, query=RulesQuery, response=RulesView,
          summary="宿舍审批规则", tags=TAGS)
def get_rules(principal: Principal, query: RulesQuery) -> RulesView:
    return logic.get_rules(principal, query.org or principal.org_path)


@bp.route("/dorms/occupancy", methods=["GET"])
@endpoint(roles=ADMINS, ownership=Ownership.SCOPE, query=OccupancyQuery, response=Occupancy,
          summary="宿舍入住率、待审批与办理时长", tags=TAGS)
def occupancy(principal: Principal, query: OccupancyQuery) -> Occupancy:
    return logic.occupancy(principal, query.org)
