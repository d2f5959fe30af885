"""Booking requests and views (pydantic). Class names start with ``Booking`` because the
OpenAPI document names schemas by class name."""

import datetime as dt
import re
from typing import Literal

from pydantic import Field, field_validator, model_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.money import Fen
from chalicelib.platform.schema import Schema, deprecated_label, label_of

HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$|^24:00$")
VenueKind = Literal["court", "gym", "meeting_room", "workers_home", "reading_room", "mediation_room", "love_hall",
                    "hall", "other"]
ActivityKind = Literal["union", "glnj", "party", "reading", "bus", "childcare", "health", "class", "other"]
Gender = Literal["male", "female"]
KIND_CN = {"court": "球场", "gym": "健身房", "meeting_room": "会议室", "workers_home": "职工之家",
           "reading_room": "职工书屋", "mediation_room": "调解室", "love_hall": "恋爱体验馆", "hall": "活动室",
           "other": "其他",
           "union": "工会活动", "glnj": "光年间联谊", "party": "党建活动", "reading": "职工书屋阅读活动",
           "bus": "返乡包车", "childcare": "暑期托班", "health": "免费体检", "class": "兴趣课堂"}
STATUS_CN = {"pending": "待审核", "confirmed": "已预约", "waiting": "候补中", "offered": "候补到位，待确认",
             "checked_in": "已签到", "no_show": "爽约", "cancelled": "已取消", "expired": "候补确认超时",
             "rejected": "未通过"}


def _hhmm(value: str) -> str:
    if not HHMM.match(value):
        raise ValueError("时间格式应为 HH:MM，例如 08:00")
    return value


def _org(value: str | None) -> str | None:
    return check_path(value) if value else value


# --- calendar ------------------------------------------------------------------------------------

class BookingCalendarEntry(Schema):
    day: dt.date = Field(..., description="日期", examples=["2026-10-01"])
    kind: Literal["holiday", "workday"] = Field(..., description="holiday 法定节假日；workday 调休上班日")
    name: str = Field(..., min_length=1, max_length=20, description="名称", examples=["国庆节"])


class BookingCalendarLoad(Schema):
    days: list[BookingCalendarEntry] = Field(..., min_length=1, max_length=80,
                                             description="该年的全部节假日与调休上班日（覆盖已有数据）")


class BookingCalendarView(Schema):
    year: str = Field(..., examples=["2026"])
    days: list[BookingCalendarEntry]


# --- venues --------------------------------------------------------------------------------------

class BookingClosure(Schema):
    start: dt.date = Field(..., description="闭馆开始日期（含）", examples=["2026-08-10"])
    end: dt.date = Field(..., description="闭馆结束日期（含）", examples=["2026-08-12"])
    reason: str = Field("", max_length=40, description="闭馆原因", examples=["场地维修"])

    @model_validator(mode="after")
    def _order(self) -> "BookingClosure":
        if self.end < self.start:
            raise ValueError("闭馆结束日期不能早于开始日期")
        return self


class BookingVenueRules(Schema):
    audience_org: str | None = Field(None, max_length=200, description="可预约人员所属组织（含下级），默认场馆所属组织",
                                     examples=["zj/huz/nanxun"])
    members_only: bool = Field(True, description="仅限已认证的工会会员")
    slot_minutes: int = Field(60, ge=15, le=240, description="每个时段的分钟数", examples=[60])
    horizon_days: int = Field(7, ge=0, le=60, description="最多可提前几天预约", examples=[7])
    opens_at: str = Field("08:00", description="最远一天的预约在当天几点开放（北京时间）", examples=["08:00"])
    quota_per_day: int = Field(1, ge=1, le=24, description="每人每天最多预约次数")
    quota_per_week: int = Field(3, ge=1, le=50, description="每人每周最多预约次数")
    cancel_cutoff_minutes: int = Field(120, ge=0, le=7 * 24 * 60, description="开始前多少分钟之后不能取消")
    approval_required: bool = Field(False, description="预约是否需要工作人员审核")
    no_show_limit: int = Field(3, ge=1, le=20, description="爽约多少次触发限制")
    no_show_window_days: int = Field(30, ge=1, le=365, description="统计爽约的天数")
    no_show_ban_days: int = Field(14, ge=1, le=365, description="触发后多少天内不能预约")
    max_party: int = Field(6, ge=1, le=50, description="一次预约最多同行人数（含本人）")

    _audience = field_validator("audience_org")(_org)
    _opens = field_validator("opens_at")(_hhmm)


class BookingHours(Schema):
    open: str = Field(..., description="开门时间", examples=["08:00"])
    close: str = Field(..., description="关门时间", examples=["21:00"])

    _hours = field_validator("open", "close")(_hhmm)

    @model_validator(mode="after")
    def _order(self) -> "BookingHours":
        if self.close <= self.open:
            raise ValueError("关门时间应晚于开门时间")
        return self


class BookingVenueIn(Schema):
    org_path: str = Field(..., max_length=200, description="所属组织（企业、园区、区县工会、服务中心）",
                          examples=["zj/huz/nanxun"])
    name: str = Field(..., min_length=2, max_length=40, description="名称", examples=["南浔职工之家 羽毛球场 1 号"])
    kind: VenueKind = Field(..., description="类型", examples=["court"])
    capacity: int = Field(..., ge=1, le=500, description="每个时段的容量（独占场地为最多同行人数）", examples=[4])
    exclusive: bool = Field(True, description="一次预约独占整个时段（球场、会议室）；否则按人数占位（健身房）")
    location: str = Field("", max_length=100, description="位置", examples=["南浔区人瑞路 88 号"])
    photos: list[str] = Field(default_factory=list, max_length=9, description="照片地址")
    facilities: list[str] = Field(default_factory=list, max_length=20, description="设施",
                                  examples=[["更衣室", "淋浴"]])
    hours: dict[Literal["1", "2", "3", "4", "5", "6", "7"], BookingHours] = Field(
        ..., description="每周开放时间（北京时间），键为星期几：1=周一 … 7=周日；缺少的日子不开放",
        examples=[{"1": {"open": "08:00", "close": "21:00"}}])
    holiday_hours: BookingHours | None = Field(None, description="法定节假日开放时间；不填则节假日闭馆")
    closures: list[BookingClosure] = Field(default_factory=list, max_length=50, description="闭馆日期")
    rules: BookingVenueRules = Field(default_factory=BookingVenueRules)  # type: ignore[arg-type]
    glnj_only: bool = Field(False, description="仅光年间已认证会员可见（恋爱体验馆）")

    _org_path = field_validator("org_path")(check_path)

    @field_validator("photos")
    @classmethod
    def _photos(cls, value: list[str]) -> list[str]:
        for url in value:
            if not re.fullmatch(r"https://[\w.-]+/[\w./%-]{1,200}", url):
                raise ValueError("照片地址应为 https 地址")
        return value


class BookingVenueChange(Schema):
    hours: dict[Literal["1", "2", "3", "4", "5", "6", "7"], BookingHours] | None = None
    holiday_hours: BookingHours | None = None
    closures: list[BookingClosure] | None = Field(None, max_length=50)
    rules: BookingVenueRules | None = None
    capacity: int | None = Field(None, ge=1, le=500)


class BookingVenueView(Schema):
    venue_id: str = Field(..., examples=["v-3f9a1c2b7d4e"])
    org_path: str
    name: str
    kind: str
    kind_cn: str = deprecated_label("kind_name")
    kind_name = label_of("kind_cn", "类型的中文名")

    capacity: int
    exclusive: bool
    location: str
    photos: list[str]
    facilities: list[str]
    hours: dict[str, BookingHours]
    holiday_hours: BookingHours | None = None
    closures: list[BookingClosure]
    rules: BookingVenueRules
    glnj_only: bool


class BookingVenuePage(Schema):
    items: list[BookingVenueView]
    next_cursor: str | None = None


class BookingVenueQuery(Schema):
    org: str | None = Field(None, max_length=200, description="只看该组织的场馆（工作人员必填以外默认本人可用的全部）")
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

    _org = field_validator("org")(_org)


class BookingSlotQuery(Schema):
    date: dt.date = Field(..., description="第一天（北京时间）", examples=["2026-07-06"])
    days: int = Field(1, ge=1, le=7, description="天数（1 为一天，7 为一周）")


class BookingSlotView(Schema):
    date: dt.date
    start: str = Field(..., examples=["19:00"])
    end: str = Field(..., examples=["20:00"])
    capacity: int
    taken: int
    free: int
    bookable: bool = Field(..., description="现在能否预约（已开放、未过时、未满）")


class BookingDayView(Schema):
    date: dt.date
    open: bool
    note: str = Field("", description="不开放的原因，如 国庆节、闭馆维修", examples=["国庆节"])
    slots: list[BookingSlotView]


class BookingSlotsView(Schema):
    venue_id: str
    days: list[BookingDayView]


class BookingVenueBook(Schema):
    date: dt.date = Field(..., description="日期（北京时间）", examples=["2026-07-06"])
    start: str = Field(..., description="时段开始时间", examples=["19:00"])
    companions: list[str] = Field(default_factory=list, max_length=49,
                                  description="同行人姓名（团体预约）", examples=[["李伟", "王芳"]])
    remind: bool = Field(True, description="是否接收前一天的提醒（已订阅消息）")

    _start = field_validator("start")(_hhmm)

    @field_validator("companions")
    @classmethod
    def _names(cls, value: list[str]) -> list[str]:
        cleaned = [v.strip() for v in value]
        if any(not 1 <= len(v) <= 20 for v in cleaned):
            raise ValueError("同行人姓名应为 1 到 20 个字")
        return cleaned


# --- activities ----------------------------------------------------------------------------------

class BookingQuestion(Schema):
    key: str = Field(..., pattern=r"^[a-z][a-z0-9_]{0,31}$", examples=["hobby"])
    label: str = Field(..., min_length=1, max_length=60, examples=["你的兴趣爱好"])
    required: bool = True
    choices: list[str] = Field(default_factory=list, max_length=20, description="可选项；为空表示自由填写")


class BookingAudience(Schema):
    org: str | None = Field(None, max_length=200, description="面向的组织（含下级），默认主办组织")
    members_only: bool = Field(True, description="仅限已认证的工会会员")
    glnj_only: bool = Field(False, description="仅光年间已认证会员（光年间活动）")

    _org = field_validator("org")(_org)


class BookingSessionIn(Schema):
    starts_at: str = Field(..., description="开始时间（北京时间 ISO）", examples=["2026-07-18T14:00:00+08:00"])
    ends_at: str = Field(..., description="结束时间", examples=["2026-07-18T17:00:00+08:00"])

    @model_validator(mode="after")
    def _order(self) -> "BookingSessionIn":
        from chalicelib.platform import clock

        try:
            start, end = clock.parse(self.starts_at), clock.parse(self.ends_at)
        except ValueError as exc:
            raise ValueError("时间格式不正确") from exc
        if end <= start:
            raise ValueError("结束时间应晚于开始时间")
        return self


class BookingRecurrence(Schema):
    weekdays: list[int] = Field(..., min_length=1, max_length=7, description="每周几（1=周一）", examples=[[6]])
    first_day: dt.date = Field(..., examples=["2026-07-04"])
    last_day: dt.date = Field(..., examples=["2026-08-29"])
    start: str = Field(..., examples=["09:00"])
    end: str = Field(..., examples=["11:00"])

    _times = field_validator("start", "end")(_hhmm)

    @model_validator(mode="after")
    def _check(self) -> "BookingRecurrence":
        if any(not 1 <= d <= 7 for d in self.weekdays):
            raise ValueError("星期应为 1 到 7")
        if self.last_day < self.first_day or (self.last_day - self.first_day).days > 366:
            raise ValueError("重复日期范围不正确（最长一年）")
        if self.end <= self.start:
            raise ValueError("结束时间应晚于开始时间")
        return self


class BookingActivityIn(Schema):
    org_path: str = Field(..., max_length=200, description="主办组织", examples=["zj/hz/xihu"])
    title: str = Field(..., min_length=2, max_length=60, examples=["光年间 · 西湖边的夏日联谊"])
    kind: ActivityKind = Field(..., examples=["glnj"])
    description: str = Field("", max_length=2000)
    location: str = Field("", max_length=100, examples=["西湖区文三路 1 号 职工之家"])
    capacity: int = Field(..., ge=1, le=5000, description="每场名额", examples=[40])
    sessions: list[BookingSessionIn] = Field(default_factory=list, max_length=60, description="单场或多场")
    recurrence: BookingRecurrence | None = Field(None, description="按周重复的场次（与 sessions 二选一）")
    signup_opens_at: str | None = Field(None, description="报名开始时间，默认立即",
                                        examples=["2026-07-01T08:00:00+08:00"])
    signup_closes_at: str | None = Field(None, description="报名截止时间，默认每场开始时")
    audience: BookingAudience = Field(default_factory=BookingAudience)  # type: ignore[arg-type]
    questions: list[BookingQuestion] = Field(default_factory=list, max_length=10)
    group_by: Literal["gender"] | None = Field(None, description="按组限额（联谊常按性别）")
    quotas: dict[str, int] = Field(default_factory=dict, description="每组名额", examples=[{"male": 20, "female": 20}])
    fee_fen: Fen = Field(0, description="费用（分），0 为免费")
    seat_numbers: bool = Field(False, description="对号入座（返乡包车）")
    offer_minutes: int = Field(30, ge=5, le=24 * 60, description="候补到位后保留多少分钟待确认")
    waitlist: bool = Field(True, description="满员后是否接受候补；否则满员即拒绝报名")
    early_access_tier: int | None = Field(None, ge=1, le=7, examples=[1],
                                          description="热门活动：光年间会员等级达到该级（0 起）可提前报名")
    early_access_hours: int = Field(0, ge=0, le=168, examples=[24],
                                    description="提前报名的小时数（在报名开始时间之前）")
    host: str | None = Field(None, max_length=60, pattern=r"^(ct-[0-9a-f]{12}/r-[0-9a-f]{10}|rr-[0-9a-f]{12})$",
                             description="举办场所：服务中心的房间（<centre_id>/<room_id>）或职工书屋（rr-…）；"
                                         "场次结束后计入该中心、书屋的活动与参与人次",
                             examples=["ct-0123456789ab/r-0123456789"])

    _org_path = field_validator("org_path")(check_path)

    @model_validator(mode="after")
    def _check(self) -> "BookingActivityIn":
        if bool(self.sessions) == bool(self.recurrence):
            raise ValueError("请填写场次 sessions 或重复规则 recurrence（二选一）")
        if self.group_by:
            if set(self.quotas) != {"male", "female"} or any(v < 0 for v in self.quotas.values()):
                raise ValueError("按性别限额时须填写 male 和 female 的名额")
            if sum(self.quotas.values()) != self.capacity:
                raise ValueError("各组名额之和应等于每场名额")
        elif self.quotas:
            raise ValueError("填写了名额分组但没有指定 group_by")
        if len({q.key for q in self.questions}) != len(self.questions):
            raise ValueError("问题的 key 重复")
        if self.seat_numbers and self.capacity > 200:
            raise ValueError("对号入座的活动每场最多 200 个座位")
        if (self.early_access_tier is None) != (self.early_access_hours == 0):
            raise ValueError("提前报名须同时填写会员等级 early_access_tier 和小时数 early_access_hours")
        return self


class BookingSessionView(Schema):
    session_id: str = Field(..., examples=["s-8d1e0c3a9b2f"])
    activity_id: str
    starts_at: str
    ends_at: str
    capacity: int
    taken: int
    held: dict[str, int] = Field(default_factory=dict, description="各组已占名额")
    waiting: int = Field(..., description="候补人数")
    status: str
    signups: int | None = None
    attended: int | None = None
    no_shows: int | None = None


class BookingActivityView(Schema):
    activity_id: str = Field(..., examples=["a-5c2e9f0d1b7a"])
    org_path: str
    title: str
    kind: str
    kind_cn: str = deprecated_label("kind_name")
    kind_name = label_of("kind_cn", "类型的中文名")

    description: str
    location: str
    audience: BookingAudience
    questions: list[BookingQuestion]
    group_by: str | None = None
    quotas: dict[str, int]
    fee_fen: int
    seat_numbers: bool
    signup_opens_at: str
    signup_closes_at: str | None = None
    offer_minutes: int
    waitlist: bool = True
    early_access_tier: int | None = Field(None, description="可提前报名的光年间会员等级（0 起）", examples=[1])
    early_access_opens_at: str | None = Field(None, description="达到该等级的会员可报名的时间（UTC）")
    host: str | None = Field(None, description="举办场所：服务中心的房间或职工书屋", examples=["rr-0123456789ab"])
    sessions: list[BookingSessionView] = Field(default_factory=list, description="最近的场次（最多一页）")


class BookingActivityPage(Schema):
    items: list[BookingActivityView]
    next_cursor: str | None = None


class BookingActivityQuery(Schema):
    org: str | None = Field(None, max_length=200, description="只看该组织主办的活动")
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

    _org = field_validator("org")(_org)


class BookingSignUp(Schema):
    group: Gender | None = Field(None, description="按性别限额的活动须填写", examples=["female"])
    answers: dict[str, str] = Field(default_factory=dict, description="报名问题的回答", examples=[{"hobby": "徒步"}])
    seat_no: int | None = Field(None, ge=1, le=200, description="对号入座时选择的座位号，不填则自动分配")
    remind: bool = Field(True, description="是否接收前一天的提醒（已订阅消息）")

    @field_validator("answers")
    @classmethod
    def _answers(cls, value: dict[str, str]) -> dict[str, str]:
        if len(value) > 10 or any(len(k) > 32 or len(v) > 200 for k, v in value.items()):
            raise ValueError("回答过多或过长（每项最多 200 字）")
        return value


# --- entries, check-in, attendance, figures ------------------------------------------------------

class BookingEntryView(Schema):
    entry_id: str = Field(..., examples=["e-0f3b8c1d2a4e5f6a7b8c"])
    kind: Literal["venue", "session"]
    resource_id: str
    title: str
    org_path: str
    user_id: str
    starts_at: str
    ends_at: str
    status: str
    status_cn: str = deprecated_label("status_name")
    status_name = label_of("status_cn", "状态的中文名")

    places: int
    group: str | None = None
    seat_no: int | None = None
    companions: list[str]
    answers: dict[str, str]
    fee_fen: int
    waitlist_no: int | None = Field(None, description="候补序号（越小越靠前）")
    offer_expires: str | None = Field(None, description="候补到位后须在此时间前确认")
    checked_in_at: str | None = None
    reason: str | None = None
    checkin_code: str | None = Field(None, description="签到码（签名令牌，出示给工作人员扫码，仅可使用一次）")


class BookingEntryPage(Schema):
    items: list[BookingEntryView]
    next_cursor: str | None = None


class BookingPageQuery(Schema):
    limit: int = Field(20, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)


class BookingVenueDayQuery(Schema):
    date: dt.date = Field(..., examples=["2026-07-06"])
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)


class BookingCheckIn(Schema):
    code: str = Field(..., min_length=10, max_length=2000, description="扫码得到的签到码")


class BookingDecision(Schema):
    approve: bool
    reason: str | None = Field(None, max_length=200, description="驳回原因（驳回时必填）")

    @model_validator(mode="after")
    def _reason(self) -> "BookingDecision":
        if not self.approve and not (self.reason or "").strip():
            raise ValueError("驳回时请填写原因")
        return self


class BookingAttendanceView(Schema):
    resource_id: str
    title: str
    starts_at: str | None = None
    signups: int
    checked_in: int
    no_shows: int
    waiting: int
    items: list[BookingEntryView]
    next_cursor: str | None = None


class BookingFigureQuery(Schema):
    org: str | None = Field(None, max_length=200, description="组织，默认本人管理的组织")
    period: str = Field(..., pattern=r"^\d{4}(-\d{2})?$", description="年份或年月", examples=["2026"])

    _org = field_validator("org")(_org)


class BookingFigureRow(Schema):
    category: str = Field(..., examples=["reading"])
    category_cn: str = deprecated_label("category_name")
    category_name = label_of("category_cn", "类别的中文名")

    sessions: int = Field(..., description="举办场次")
    signups: int = Field(..., description="报名（预约）人次")
    attended: int = Field(..., description="到场人次")
    no_shows: int = Field(..., description="爽约人次")


class BookingFiguresView(Schema):
    org_path: str
    period: str
    rows: list[BookingFigureRow]
