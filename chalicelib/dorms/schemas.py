"""Dormitory requests and views (pydantic)."""

from datetime import date
from typing import Literal

from pydantic import Field, computed_field, field_validator, model_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.money import RentFen
from chalicelib.platform.schema import Line, Schema, deprecated_label, label_of

Gender = Literal["male", "female"]
RoomType = Literal["single", "double", "triple", "quad", "six", "eight"]
Facility = Literal["air_conditioning", "own_bathroom", "wifi", "desk", "balcony", "water_heater", "wardrobe",
                   "washing_machine", "fridge", "tv"]
ContentType = Literal["image/jpeg", "image/png", "image/webp"]
CAPACITY: dict[str, int] = {"single": 1, "double": 2, "triple": 3, "quad": 4, "six": 6, "eight": 8}
TYPE_CN = {"single": "单人间", "double": "双人间", "triple": "三人间", "quad": "四人间", "six": "六人间",
           "eight": "八人间"}
ShortText = Field(None, min_length=1, max_length=20)


# --- buildings, rooms, import -----------------------------------------------------------------

class NewBuilding(Schema):
    org_path: str = Field(..., max_length=200, description="运营该宿舍的企业（或园区）组织路径")
    name: Line = Field(..., min_length=2, max_length=40, description="宿舍楼名称，如 工匠之家")
    address: str = Field("", max_length=100)
    shared_with: list[str] = Field(default_factory=list, max_length=50,
                                   description="园区共享：可入住的其他企业组织路径")

    _org = field_validator("org_path")(check_path)

    @field_validator("shared_with")
    @classmethod
    def _shared(cls, value: list[str]) -> list[str]:
        return sorted({check_path(v) for v in value})


class BuildingView(Schema):
    building_id: str
    org_path: str
    name: str
    address: str
    shared_with: list[str]
    rooms: int
    beds: int


class BuildingList(Schema):
    items: list[BuildingView]
    next_cursor: str | None = None


class ResidentImport(Schema):
    """An existing resident brought over from the paper register (no account needed)."""

    bed_no: int = Field(..., ge=1, le=8)
    resident_ref: str = Field(..., pattern=r"^[A-Za-z0-9-]{1,32}$", description="工号等内部编号")
    hometown: str | None = ShortText
    workshop: str | None = ShortText
    shift: str | None = ShortText


class RoomSpec(Schema):
    room_no: str = Field(..., pattern=r"^[A-Za-z0-9-]{1,12}$", description="房间号")
    room_type: RoomType
    gender: Gender
    floor: int = Field(..., ge=-3, le=99)
    facilities: list[Facility] = Field(default_factory=list, max_length=10)
    rent_fen: RentFen = 0
    residents: list[ResidentImport] = Field(default_factory=list, max_length=8)

    @model_validator(mode="after")
    def _residents_fit(self) -> "RoomSpec":
        beds = [r.bed_no for r in self.residents]
        if len(set(beds)) != len(beds) or any(b > CAPACITY[self.room_type] for b in beds):
            raise ValueError("入住人员的床位号重复或超出房型床位数")
        return self


class RoomImport(Schema):
    rooms: list[RoomSpec] = Field(..., min_length=1, max_length=200)

    @field_validator("rooms")
    @classmethod
    def _unique(cls, rooms: list[RoomSpec]) -> list[RoomSpec]:
        if len({r.room_no for r in rooms}) != len(rooms):
            raise ValueError("房间号重复")
        return rooms


class ImportResult(Schema):
    created: int
    skipped: list[str] = Field(description="已存在而跳过的房间号")
    beds: int
    occupied_beds: int


class RoomUpdate(Schema):
    facilities: list[Facility] | None = Field(None, max_length=10)
    rent_fen: RentFen | None = None
    photos: list[str] | None = Field(None, max_length=9, description="已上传照片的 S3 key")


class PhotoUploadRequest(Schema):
    __schema_name__ = "DormPhotoUploadRequest"
    content_type: ContentType


class PhotoUpload(Schema):
    __schema_name__ = "DormPhotoUpload"
    key: str
    url: str
    fields: dict[str, str]
    expires_in: int


class RoommateShare(Schema):
    hometown: str | None = None
    workshop: str | None = None
    shift: str | None = None


class RoomView(Schema):
    building_id: str
    room_no: str
    room_type: RoomType
    room_type_cn: str = deprecated_label("room_type_name")
    room_type_name = label_of("room_type_cn", "房型的中文名")

    gender: Gender
    floor: int
    facilities: list[str]
    rent_fen: int
    rent_text: str
    photos: list[str]
    capacity: int
    occupied: int
    roommates: list[RoommateShare] = Field(description="室友自愿公开的信息，不含姓名")


class RoomList(Schema):
    items: list[RoomView]
    next_cursor: str | None = None


class BuildingsQuery(Schema):
    org: str | None = Field(None, max_length=200, description="企业组织路径（工作人员用），职工固定为本企业")
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


# --- worker side ------------------------------------------------------------------------------

class DormProfileIn(Schema):
    gender: Gender
    hometown: str | None = ShortText
    workshop: str | None = ShortText
    job_type: str | None = ShortText
    shift: str | None = ShortText
    entry_date: date | None = Field(None, description="入职日期")
    share_hometown: bool = False
    share_workshop: bool = False
    share_shift: bool = False


class DormProfileView(DormProfileIn):
    user_id: str


class FreeBedQuery(Schema):
    room_type: RoomType | None = None
    facilities: list[Facility] = Field(default_factory=list, max_length=10)
    gender: Gender | None = Field(None, description="默认为本人宿舍资料中的性别")
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)


class FreeBed(Schema):
    building_id: str
    room_no: str
    bed_no: int
    room_type: RoomType
    room_type_cn: str = deprecated_label("room_type_name")
    room_type_name = label_of("room_type_cn", "房型的中文名")

    gender: Gender
    floor: int
    facilities: list[str]
    rent_fen: int
    rent_text: str
    roommates: list[RoommateShare]
    photos: list[str]


class FreeBedPage(Schema):
    items: list[FreeBed]
    next_cursor: str | None = None


class RecommendQuery(Schema):
    room_type: RoomType | None = None
    facilities: list[Facility] = Field(default_factory=list, max_length=10)
    window: int = Field(60, ge=1, le=100, description="本次比较的空床位数")
    cursor: str | None = Field(None, max_length=2048)


class RankedBed(FreeBed):
    score: int
    reasons: list[str]
    reason: str


class RankedBedPage(Schema):
    items: list[RankedBed]
    next_cursor: str | None = None


class ApplyForBed(Schema):
    building_id: str = Field(..., pattern=r"^b-[a-z0-9]{6,24}$")
    room_no: str = Field(..., pattern=r"^[A-Za-z0-9-]{1,12}$")
    bed_no: int | None = Field(None, ge=1, le=8, description="不填则由系统分配该房间的空床位")


class StepView(Schema):
    at: str
    step: str
    actor: str
    note: str | None = None


ApplicationStatus = Literal["submitted", "pending", "approved", "checked_in", "checked_out", "rejected", "expired",
                            "cancelled"]


class ApplicationView(Schema):
    application_id: str
    user_id: str
    building_id: str
    building_name: str
    room_no: str
    bed_no: int
    status: ApplicationStatus
    status_cn: str = deprecated_label("status_name")
    status_name = label_of("status_cn", "状态的中文名")

    created_at: str
    hold_expires: str | None = None
    decided_at: str | None = None
    reason: str | None = None
    auto_approved: bool = False
    check_in_date: str | None = None
    checked_in_at: str | None = None
    checked_out_at: str | None = None
    steps: list[StepView]

    @computed_field(description="接下来会发生什么、怎样得知（后台处理中的状态才有）")  # type: ignore[prop-decorator]
    @property
    def next_step(self) -> str | None:
        return APPLICATION_NEXT.get(self.status)


# What happens next to an application in the background, and how the worker learns of it.
APPLICATION_NEXT = {
    "submitted": "床位已为你保留。审批在后台进行：符合企业规则（如新入职）会自动通过，否则转工会审批；"
                 "自动审批通常几秒内完成。结果会推送通知，也可查看 GET /dorms/me。",
    "pending": "等待工会审批；审批后会推送通知，也可查看 GET /dorms/me。",
    "approved": "已通过：请按时办理入住（POST /dorms/me/check-in），逾期未入住床位会释放（状态变为 expired）。",
}


class ApplicationPage(Schema):
    items: list[ApplicationView]
    next_cursor: str | None = None


class MyDorm(Schema):
    application: ApplicationView | None = None
    room: RoomView | None = None


class Decision(Schema):
    approve: bool
    reason: str | None = Field(None, min_length=2, max_length=200)

    @model_validator(mode="after")
    def _reason_for_rejection(self) -> "Decision":
        if not self.approve and not self.reason:
            raise ValueError("驳回申请时必须填写原因")
        return self


class CheckIn(Schema):
    check_in_date: date | None = Field(None, description="入住日期，默认今天")


class Move(Schema):
    to_room_no: str = Field(..., pattern=r"^[A-Za-z0-9-]{1,12}$")
    to_bed_no: int | None = Field(None, ge=1, le=8)


class QueueQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织路径，默认本人管辖范围")
    status: Literal["pending", "submitted", "approved", "checked_in", "rejected", "expired", "checked_out"] = "pending"
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class RulesIn(Schema):
    auto_approve_new_hire_days: int | None = Field(None, ge=0, le=365,
                                                   description="入职 N 天内的新员工自动通过；不填则全部人工审批")
    hold_hours: int = Field(24, ge=1, le=168, description="床位保留时长（小时）")
    checkin_hours: int = Field(72, ge=1, le=336, description="审批通过后办理入住的期限（小时）")


class RulesView(RulesIn):
    org_path: str


class RulesUpdate(RulesIn):
    org_path: str = Field(..., max_length=200, description="宿舍运营企业的组织路径")

    _org = field_validator("org_path")(check_path)


class RulesQuery(Schema):
    org: str | None = Field(None, max_length=200, examples=["zj/huz/nanxun/e-sanxing"],
                           description="组织路径；不填则取调用者所在的组织")

    _org = field_validator("org")(check_path)


class OccupancyQuery(Schema):
    org: str | None = Field(None, max_length=200)

    @field_validator("org")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class BuildingOccupancy(Schema):
    building_id: str
    name: str
    org_path: str
    rooms: int
    rooms_occupied: int
    beds: int
    beds_occupied: int
    beds_held: int
    beds_free: int
    occupancy_rate: float


class Occupancy(Schema):
    org_path: str
    buildings: list[BuildingOccupancy]
    rooms: int
    rooms_occupied: int
    beds: int
    beds_occupied: int
    beds_held: int
    beds_free: int
    pending: int
    checked_in_sampled: int
    median_hours_to_check_in: float | None
    within_24h_rate: float | None


class NoticeView(Schema):
    __schema_name__ = "DormNoticeView"
    at: str
    template: str
    title: str
    body: str
    application_id: str | None = None


class NoticePage(Schema):
    __schema_name__ = "DormNoticePage"
    items: list[NoticeView]
    next_cursor: str | None = None


class PageQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)
