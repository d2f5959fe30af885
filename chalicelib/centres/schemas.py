"""Requests and views of service centres, rooms, stations, visits and figures.
Coordinates are GCJ-02 (火星坐标, as Chinese maps and the mini-programs' getLocation give them)."""
from __future__ import annotations

from typing import Literal

from pydantic import Field

from chalicelib.platform.schema import Line, Schema

RoomKind = Literal["reading_room", "mediation_room", "outdoor_station", "activity_room", "consultation_room",
                   "mother_room", "gym", "other"]
Amenity = Literal["drinking_water", "microwave", "charging", "toilet", "rest_seats", "first_aid", "wifi",
                  "air_conditioning"]
KIND_NAMES = {"reading_room": "职工书屋", "mediation_room": "调解室", "outdoor_station": "户外劳动者服务站点",
              "activity_room": "活动室", "consultation_room": "心理咨询室", "mother_room": "爱心妈咪小屋",
              "gym": "健身房", "other": "其他"}
Lat = Field(..., ge=-90, le=90, description="纬度（GCJ-02）", examples=[28.6573])
Lng = Field(..., ge=-180, le=180, description="经度（GCJ-02）", examples=[120.0789])


class CentreBody(Schema):
    org_path: str = Field(..., max_length=200, pattern=r"^[a-z0-9-]+(/[a-z0-9-]+)*$",
                          description="所属组织节点", examples=["zj/ls/jinyun"])
    name: Line = Field(..., min_length=2, max_length=60, description="中心名称", examples=["缙云县社区工会服务中心"])
    address: Line = Field("", max_length=120, description="地址", examples=["缙云县五云街道"])
    lat: float = Lat
    lng: float = Lng
    hours: Line = Field("", max_length=60, description="开放时间", examples=["周一至周六 8:30-20:30"])
    photos: list[str] = Field(default_factory=list, max_length=9, description="照片对象键", examples=[[]])


class CentreRoomBody(Schema):
    kind: RoomKind = Field(..., description="房间类型", examples=["outdoor_station"])
    name: Line = Field(..., min_length=1, max_length=60, description="名称", examples=["户外劳动者服务站点"])
    hours: Line = Field("", max_length=60, description="开放时间", examples=["全天"])
    amenities: list[Amenity] = Field(default_factory=list, max_length=8, description="设施",
                                     examples=[["drinking_water", "charging"]])
    photos: list[str] = Field(default_factory=list, max_length=9, description="照片对象键", examples=[[]])
    lat: float | None = Field(None, ge=-90, le=90, description="纬度（GCJ-02），默认为中心位置", examples=[28.6573])
    lng: float | None = Field(None, ge=-180, le=180, description="经度（GCJ-02），默认为中心位置",
                              examples=[120.0789])


PhotoKeys = Field(None, max_length=9, description="照片：通过 /centres/{centre_id}/photos 上传后的对象键（整组替换）",
                  examples=[["centres/ct-0123456789ab/r-0123456789/5f2c9a.jpg"]])


class CentreRoomPatch(Schema):
    closed: bool | None = Field(None, description="是否暂停开放", examples=[True])
    closed_note: Line | None = Field(None, max_length=100, description="暂停原因", examples=["设备检修"])
    hours: Line | None = Field(None, max_length=60, description="开放时间", examples=["8:00-18:00"])
    amenities: list[Amenity] | None = Field(None, max_length=8, description="设施", examples=[["toilet"]])
    name: Line | None = Field(None, min_length=1, max_length=60, description="名称",
                              examples=["五云户外劳动者服务站点"])
    photos: list[str] | None = PhotoKeys


class CentrePatch(Schema):
    name: Line | None = Field(None, min_length=2, max_length=60, description="中心名称",
                              examples=["缙云县社区工会服务中心"])
    address: Line | None = Field(None, max_length=120, description="地址", examples=["缙云县五云街道"])
    hours: Line | None = Field(None, max_length=60, description="开放时间", examples=["周一至周日 8:30-20:30"])
    photos: list[str] | None = PhotoKeys


class CentrePhotoUploadBody(Schema):
    content_type: Literal["image/jpeg", "image/png", "image/webp"] = Field(
        ..., description="图片类型：JPEG、PNG 或 WebP", examples=["image/jpeg"])
    size_bytes: int = Field(..., ge=1, description="文件大小（字节），不超过 5 MB", examples=[524288])
    room_id: str | None = Field(None, pattern=r"^r-[0-9a-f]{10}$", description="房间或站点的照片时填写",
                                examples=["r-0123456789"])


class CentrePhotoTicket(Schema):
    key: str = Field(..., description="上传成功后填入 photos 的对象键",
                     examples=["centres/ct-0123456789ab/r-0123456789/5f2c9a.jpg"])
    url: str = Field(..., description="预签名上传地址（表单 POST）", examples=["https://uploads.example/"])
    fields: dict[str, str] = Field(..., description="随表单提交的字段")
    max_bytes: int = Field(..., description="允许的最大字节数", examples=[524288])
    expires_in: int = Field(..., description="上传地址有效秒数", examples=[900])


class CentreRoomView(Schema):
    room_id: str = Field(..., examples=["r-1"])
    kind: str = Field(..., examples=["outdoor_station"])
    kind_name: str = Field(..., examples=["户外劳动者服务站点"])
    name: str = Field(..., examples=["户外劳动者服务站点"])
    hours: str = Field("", examples=["全天"])
    amenities: list[str] = Field(default_factory=list, examples=[["drinking_water"]])
    photos: list[str] = Field(default_factory=list, description="照片对象键")
    photo_urls: list[str] = Field(default_factory=list, description="照片查看地址（一小时内有效）")
    lat: float = Field(..., examples=[28.6573])
    lng: float = Field(..., examples=[120.0789])
    closed: bool = Field(False, examples=[False])
    closed_note: str | None = None


class CentreView(Schema):
    centre_id: str = Field(..., examples=["ct-1"])
    org_path: str = Field(..., examples=["zj/ls/jinyun"])
    name: str = Field(..., examples=["缙云县社区工会服务中心"])
    address: str = Field("", examples=["缙云县五云街道"])
    lat: float = Field(..., examples=[28.6573])
    lng: float = Field(..., examples=[120.0789])
    coordinate_system: Literal["GCJ-02"] = Field("GCJ-02", description="坐标系", examples=["GCJ-02"])
    hours: str = Field("", examples=["周一至周六 8:30-20:30"])
    photos: list[str] = Field(default_factory=list, description="照片对象键")
    photo_urls: list[str] = Field(default_factory=list, description="照片查看地址（一小时内有效）")
    rooms: list[CentreRoomView] = Field(default_factory=list)


class CentreNearbyQuery(Schema):
    lat: float = Lat
    lng: float = Lng
    kind: RoomKind | None = Field(None, description="只看某类（如户外劳动者服务站点）", examples=["outdoor_station"])
    limit: int = Field(10, ge=1, le=20, description="条数", examples=[10])


class CentreNearbyItem(Schema):
    centre_id: str = Field(..., examples=["ct-1"])
    room_id: str = Field(..., examples=["r-1"])
    name: str = Field(..., examples=["户外劳动者服务站点"])
    centre_name: str = Field(..., examples=["缙云县社区工会服务中心"])
    kind: str = Field(..., examples=["outdoor_station"])
    kind_name: str = Field(..., examples=["户外劳动者服务站点"])
    lat: float = Field(..., examples=[28.6573])
    lng: float = Field(..., examples=[120.0789])
    distance_m: int = Field(..., description="直线距离（米）", examples=[850])
    hours: str = Field("", examples=["全天"])
    amenities: list[str] = Field(default_factory=list)


class CentreNearbyList(Schema):
    coordinate_system: Literal["GCJ-02"] = Field("GCJ-02", description="坐标系", examples=["GCJ-02"])
    items: list[CentreNearbyItem]
    radius_m: int = Field(..., description="已查找的半径（米）：此距离内开放的站点都已比较；结果不足条数时，"
                                           "更远处可能还有", examples=[4200])
    max_radius_m: int = Field(..., description="最大查找半径（米），更远的站点不算“附近”", examples=[300000])


class CentreRoomCode(Schema):
    code: str = Field(..., description="房间二维码内容（签名，不可伪造）", examples=["ct-1.r-1.3f9a0c1d2e4b5a69"])


class CentreVisitBody(Schema):
    code: str = Field(..., min_length=5, max_length=120, description="扫码得到的房间码",
                      examples=["ct-1.r-1.3f9a0c1d2e4b5a69"])


class CentreVisitView(Schema):
    centre_id: str = Field(..., examples=["ct-1"])
    room_id: str = Field(..., examples=["r-1"])
    day: str = Field(..., description="到访日期（北京时间）", examples=["2026-11-30"])
    first_today: bool = Field(..., description="是否今天第一次登记（同一天同一房间只计一次）", examples=[True])


class CentreFiguresQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织节点，默认本人节点", examples=["zj/ls/jinyun"])
    month: str = Field(..., pattern=r"^\d{4}-(0[1-9]|1[0-2])$", description="月份", examples=["2026-11"])


class CentreFiguresView(Schema):
    org_path: str = Field(..., examples=["zj/ls/jinyun"])
    month: str = Field(..., examples=["2026-11"])
    people_served: int = Field(..., description="服务人次（每人每室每日计一次）", examples=[2300])
    activities: int = Field(..., description="开展活动场次（在中心房间举办、已结束的预约活动场次）", examples=[15])
    participants: int = Field(0, description="活动参与人次（签到）", examples=[420])
    mediations: int = Field(..., description="调解劳动争议件数", examples=[3])


# --- 职工书屋 reading rooms ----------------------------------------------------------------------

ReadingLevel = Literal["national", "provincial", "municipal", "enterprise"]
READING_LEVEL_NAMES = {"national": "全国级", "provincial": "省级", "municipal": "市级", "enterprise": "企业级"}
OrgPath = Field(..., max_length=200, pattern=r"^[a-z0-9-]+(/[a-z0-9-]+)*$", description="所属组织节点",
                examples=["zj/hz/xihu"])


class CentreReadingRoomBody(Schema):
    org_path: str = OrgPath
    name: Line = Field(..., min_length=2, max_length=60, description="书屋名称", examples=["杭州市职工书屋（西湖区）"])
    level: ReadingLevel = Field(..., description="级别：全国级、省级、市级、企业级", examples=["national"])
    host_org_name: Line = Field(..., min_length=2, max_length=60, description="承办单位",
                                examples=["杭州西湖区文化中心"])
    hours: Line = Field("", max_length=60, description="开放时间", examples=["周二至周日 9:00-20:30"])
    book_count: int = Field(0, ge=0, le=10_000_000, description="藏书（册）", examples=[12000])
    address: Line = Field("", max_length=120, description="地址", examples=["西湖区文三路 199 号"])
    lat: float = Lat
    lng: float = Lng


class CentreReadingRoomView(Schema):
    rr_id: str = Field(..., description="书屋编号", examples=["rr-0123456789ab"])
    org_path: str = Field(..., examples=["zj/hz/xihu"])
    name: str = Field(..., examples=["杭州市职工书屋（西湖区）"])
    level: ReadingLevel = Field(..., examples=["national"])
    level_name: str = Field(..., description="级别名称", examples=["全国级"])
    host_org_name: str = Field(..., examples=["杭州西湖区文化中心"])
    hours: str = Field("", examples=["周二至周日 9:00-20:30"])
    book_count: int = Field(..., examples=[12000])
    address: str = Field("", examples=["西湖区文三路 199 号"])
    lat: float = Field(..., examples=[30.2765])
    lng: float = Field(..., examples=[120.1385])
    coordinate_system: Literal["GCJ-02"] = Field("GCJ-02", description="坐标系", examples=["GCJ-02"])


class CentreReadingRoomQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织节点（市级或以下，含下级），默认本人所在的市",
                            examples=["zj/hz"])
    level: ReadingLevel | None = Field(None, description="只看某一级别", examples=["national"])
    limit: int = Field(20, ge=1, le=100, description="每页条数", examples=[20])
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class CentreReadingRoomPage(Schema):
    items: list[CentreReadingRoomView]
    next_cursor: str | None = Field(None, description="下一页游标")


class CentreReadingFiguresQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织节点，默认本人节点", examples=["zj/hz"])
    year: str = Field(..., pattern=r"^20\d{2}$", description="年份", examples=["2026"])
    limit: int = Field(50, ge=1, le=200, description="每页书屋行数", examples=[50])
    cursor: str | None = Field(None, max_length=2048, description="上一页返回的 next_cursor")


class CentreReadingFigureRow(Schema):
    rr_id: str = Field(..., examples=["rr-0123456789ab"])
    name: str = Field(..., examples=["杭州市职工书屋（西湖区）"])
    level: str = Field(..., examples=["national"])
    level_name: str = Field(..., examples=["全国级"])
    events: int = Field(..., description="阅读活动场次", examples=[12])
    participants: int = Field(..., description="参与人次（签到）", examples=[340])


class CentreReadingFiguresView(Schema):
    org_path: str = Field(..., examples=["zj/hz"])
    year: str = Field(..., examples=["2026"])
    events: int = Field(..., description="本节点及下级书屋的阅读活动场次", examples=[120])
    participants: int = Field(..., description="参与人次", examples=[3400])
    rooms_by_level: dict[str, int] = Field(..., description="登记的书屋数，按级别",
                                           examples=[{"national": 101, "provincial": 300, "municipal": 368,
                                                      "enterprise": 0}])
    rooms: list[CentreReadingFigureRow] = Field(..., description="各书屋的当年数据（一页）")
    next_cursor: str | None = Field(None, description="下一页游标")
