"""Booking routes: staff publish venues and activities; workers see free slots and sessions,
book, sign up, wait, accept offers, cancel and show a check-in code; staff scan codes and
see attendance and figures."""
from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import ALL_ROLES, STAFF_ROLES, Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .schemas import (
    BookingActivityIn,
    BookingActivityPage,
    BookingActivityQuery,
    BookingActivityView,
    BookingAttendanceView,
    BookingCalendarLoad,
    BookingCalendarView,
    BookingCheckIn,
    BookingDecision,
    BookingEntryPage,
    BookingEntryView,
    BookingFigureQuery,
    BookingFiguresView,
    BookingPageQuery,
    BookingSignUp,
    BookingSlotQuery,
    BookingSlotsView,
    BookingVenueBook,
    BookingVenueChange,
    BookingVenueDayQuery,
    BookingVenueIn,
    BookingVenuePage,
    BookingVenueQuery,
    BookingVenueView,
)

bp = Blueprint(__name__)
TAGS = ["bookings"]
WORKER = {Role.WORKER}
STAFF = set(STAFF_ROLES)


# --- the holiday calendar ------------------------------------------------------------------------

@bp.route("/bookings/calendar/{year}", methods=["PUT"])
@endpoint(roles={Role.PLATFORM_ADMIN}, ownership=Ownership.SCOPE, body=BookingCalendarLoad,
          response=BookingCalendarView, summary="导入某年的法定节假日与调休上班日", tags=TAGS)
def load_calendar(principal: Principal, year: str, body: BookingCalendarLoad) -> BookingCalendarView:
    """平台管理员每年按国务院办公厅通知导入（覆盖该年已有数据）。节假日场馆默认闭馆，调休上班日按周一开放。
    错误：422 BOOKING_CALENDAR_YEAR（年份不对或日期不属于该年）、422 BOOKING_CALENDAR_DUPLICATE。"""
    return logic.load_calendar(principal, year, body)


@bp.route("/bookings/calendar/{year}", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=BookingCalendarView,
          summary="某年的法定节假日与调休上班日", tags=TAGS)
def get_calendar(year: str) -> BookingCalendarView:
    """任何登录用户可查看。错误：422 BOOKING_CALENDAR_YEAR。"""
    return logic.calendar(year)


# --- venues --------------------------------------------------------------------------------------

@bp.route("/bookings/venues", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=BookingVenueIn, response=BookingVenueView, status=201,
          summary="登记场馆（球场、健身房、会议室、职工之家、恋爱体验馆）及预约规则", tags=TAGS, idempotent=True)
def create_venue(principal: Principal, body: BookingVenueIn) -> BookingVenueView:
    """企业、工会管理员在自己管辖的组织下登记。错误：404 ORG_NOT_FOUND（组织不在管辖范围）、
    422 BOOKING_AUDIENCE_INVALID、422 VALIDATION_FAILED。"""
    return logic.create_venue(principal, body)


@bp.route("/bookings/venues", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=BookingVenueQuery, response=BookingVenuePage,
          summary="可预约的场馆", tags=TAGS)
def list_venues(principal: Principal, query: BookingVenueQuery) -> BookingVenuePage:
    """职工：本单位及各级上级组织中自己可预约的场馆（恋爱体验馆仅光年间认证会员可见）；管理员：指定组织
    （默认本人组织）的场馆。每页读取的条目不超过页大小。错误：404 ORG_NOT_FOUND、400 INVALID_CURSOR。"""
    return logic.list_venues(principal, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/bookings/venues/{venue_id}", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=BookingVenueView, summary="场馆详情与预约规则",
          tags=TAGS)
def get_venue(principal: Principal, venue_id: str) -> BookingVenueView:
    """可预约该场馆的职工与管辖该场馆的管理员；其他人 404 BOOKING_VENUE_NOT_FOUND。"""
    return logic.get_venue(principal, venue_id)


@bp.route("/bookings/venues/{venue_id}", methods=["PATCH"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=BookingVenueChange, response=BookingVenueView,
          summary="修改场馆开放时间、闭馆日期与预约规则", tags=TAGS)
def update_venue(principal: Principal, venue_id: str, body: BookingVenueChange) -> BookingVenueView:
    """管辖该场馆的管理员。错误：404 BOOKING_VENUE_NOT_FOUND、422 VALIDATION_FAILED。"""
    return logic.update_venue(principal, venue_id, body)


@bp.route("/bookings/venues/{venue_id}/slots", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=BookingSlotQuery, response=BookingSlotsView,
          summary="某天或一周的空闲时段", tags=TAGS)
def venue_slots(principal: Principal, venue_id: str, query: BookingSlotQuery) -> BookingSlotsView:
    """可预约该场馆的职工与管辖它的管理员。按开放时间、节假日与调休、闭馆日期生成时段，一次查询读取的条目
    不超过时段数。错误：404 BOOKING_VENUE_NOT_FOUND、422 VALIDATION_FAILED。"""
    return logic.slots(principal, venue_id, query.date, query.days)


@bp.route("/bookings/venues/{venue_id}/bookings", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, body=BookingVenueBook, response=BookingEntryView, status=201,
          summary="预约场馆时段（可团体预约）", tags=TAGS, idempotent=True)
def book_venue(principal: Principal, venue_id: str, body: BookingVenueBook) -> BookingEntryView:
    """职工本人预约，成功后返回签到码。错误：404 BOOKING_VENUE_NOT_FOUND；403 BOOKING_OUTSIDE_ORG（不在可预约
    组织范围）、403 BOOKING_MEMBERS_ONLY、403 BOOKING_NO_SHOW_BANNED；409 BOOKING_HOLIDAY、BOOKING_VENUE_CLOSED、
    BOOKING_SLOT_PAST、BOOKING_BEYOND_HORIZON、BOOKING_NOT_OPEN_YET、BOOKING_SLOT_FULL、BOOKING_ALREADY_BOOKED、
    BOOKING_QUOTA_DAY、BOOKING_QUOTA_WEEK；422 BOOKING_OUTSIDE_HOURS、BOOKING_PARTY_TOO_LARGE。"""
    return logic.book(principal, venue_id, body)


@bp.route("/bookings/venues/{venue_id}/bookings", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=BookingVenueDayQuery, response=BookingAttendanceView,
          summary="场馆某天的预约与签到情况", tags=TAGS)
def venue_bookings(principal: Principal, venue_id: str, query: BookingVenueDayQuery) -> BookingAttendanceView:
    """管辖该场馆的管理员。错误：404 BOOKING_VENUE_NOT_FOUND、400 INVALID_CURSOR。"""
    return logic.venue_attendance(principal, venue_id, query.date, limit=query.limit, cursor=query.cursor)


# --- activities ----------------------------------------------------------------------------------

@bp.route("/bookings/activities", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=BookingActivityIn, response=BookingActivityView, status=201,
          summary="发布活动（单场或按周重复，名额、分组限额、报名问题、费用）", tags=TAGS, idempotent=True)
def create_activity(principal: Principal, body: BookingActivityIn) -> BookingActivityView:
    """企业、工会管理员在自己管辖的组织下发布。光年间活动只对光年间认证会员可见；党建活动只对主办组织的
    会员可见。错误：404 ORG_NOT_FOUND、422 BOOKING_SESSION_IN_PAST、BOOKING_NO_SESSIONS、BOOKING_TOO_MANY_SESSIONS、
    VALIDATION_FAILED。"""
    return logic.create_activity(principal, body)


@bp.route("/bookings/activities", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=BookingActivityQuery, response=BookingActivityPage,
          summary="可报名的活动", tags=TAGS)
def list_activities(principal: Principal, query: BookingActivityQuery) -> BookingActivityPage:
    """职工：本单位及各级上级组织主办、自己可见的活动；管理员：指定组织（默认本人组织）的活动。
    错误：404 ORG_NOT_FOUND、400 INVALID_CURSOR。"""
    return logic.list_activities(principal, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/bookings/activities/{activity_id}", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=BookingActivityView, summary="活动详情与近期场次",
          tags=TAGS)
def get_activity(principal: Principal, activity_id: str) -> BookingActivityView:
    """可见该活动的职工与管辖它的管理员；其他人 404 BOOKING_ACTIVITY_NOT_FOUND。"""
    return logic.get_activity(principal, activity_id)


@bp.route("/bookings/sessions/{session_id}/signups", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, body=BookingSignUp, response=BookingEntryView, status=201,
          summary="报名活动场次（满员则进入候补）", tags=TAGS, idempotent=True)
def sign_up(principal: Principal, session_id: str, body: BookingSignUp) -> BookingEntryView:
    """职工本人报名；满员时按报名先后进入候补（status=waiting）。错误：404 BOOKING_SESSION_NOT_FOUND；
    403 BOOKING_OUTSIDE_ORG、BOOKING_MEMBERS_ONLY、BOOKING_NO_SHOW_BANNED；409 BOOKING_SIGNUP_NOT_OPEN、
    BOOKING_SIGNUP_CLOSED、BOOKING_ALREADY_SIGNED_UP、BOOKING_SEAT_TAKEN；422 BOOKING_GROUP_REQUIRED、
    BOOKING_ANSWER_MISSING、BOOKING_ANSWER_CHOICE、BOOKING_ANSWER_UNKNOWN、BOOKING_SEAT_INVALID。"""
    return logic.sign_up(principal, session_id, body)


@bp.route("/bookings/sessions/{session_id}/attendance", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=BookingPageQuery, response=BookingAttendanceView,
          summary="场次报名、签到、爽约与候补名单", tags=TAGS)
def session_attendance(principal: Principal, session_id: str, query: BookingPageQuery) -> BookingAttendanceView:
    """管辖主办组织的管理员。错误：404 BOOKING_SESSION_NOT_FOUND、400 INVALID_CURSOR。"""
    return logic.session_attendance(principal, session_id, limit=query.limit, cursor=query.cursor)


# --- my entries ----------------------------------------------------------------------------------

@bp.route("/bookings/me", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.SELF, query=BookingPageQuery, response=BookingEntryPage,
          summary="我的预约与报名（含签到码）", tags=TAGS)
def my_entries(principal: Principal, query: BookingPageQuery) -> BookingEntryPage:
    """职工本人，按开始时间倒序。错误：400 INVALID_CURSOR。"""
    return logic.my_entries(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/bookings/me/{entry_id}", methods=["GET"])
@endpoint(roles=WORKER, ownership=Ownership.OWNER, response=BookingEntryView, summary="我的一条预约（含签到码）",
          tags=TAGS)
def my_entry(principal: Principal, entry_id: str) -> BookingEntryView:
    """仅本人；他人的预约 404 BOOKING_ENTRY_NOT_FOUND。"""
    return logic.my_entry(principal, entry_id)


@bp.route("/bookings/me/{entry_id}", methods=["DELETE"])
@endpoint(roles=WORKER, ownership=Ownership.OWNER, response=BookingEntryView,
          summary="取消预约、报名或候补（放弃候补名额）", tags=TAGS)
def cancel(principal: Principal, entry_id: str) -> BookingEntryView:
    """仅本人。空出的活动名额按顺序让给下一位候补。错误：404 BOOKING_ENTRY_NOT_FOUND；409 BOOKING_CANCEL_TOO_LATE
    （超过取消截止时间）、BOOKING_NOT_CANCELLABLE、BOOKING_STATE_CHANGED。"""
    return logic.cancel(principal, entry_id)


@bp.route("/bookings/me/{entry_id}/accept", methods=["POST"])
@endpoint(roles=WORKER, ownership=Ownership.OWNER, response=BookingEntryView, summary="确认候补到位的名额",
          tags=TAGS)
def accept(principal: Principal, entry_id: str) -> BookingEntryView:
    """仅本人，在确认截止前。错误：404 BOOKING_ENTRY_NOT_FOUND；409 BOOKING_NO_OFFER、BOOKING_OFFER_EXPIRED、
    BOOKING_SEAT_TAKEN。"""
    return logic.accept(principal, entry_id)


# --- staff: approval, check-in, figures ----------------------------------------------------------

@bp.route("/bookings/entries/{entry_id}/decision", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=BookingDecision, response=BookingEntryView,
          summary="审核场馆预约（通过或驳回）", tags=TAGS)
def decide(principal: Principal, entry_id: str, body: BookingDecision) -> BookingEntryView:
    """管辖该场馆的管理员，用于需要审核的场馆。错误：404 BOOKING_ENTRY_NOT_FOUND、
    409 BOOKING_ALREADY_DECIDED、422 VALIDATION_FAILED（驳回未填原因）。"""
    return logic.decide(principal, entry_id, body)


@bp.route("/bookings/check-in", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=BookingCheckIn, response=BookingEntryView,
          summary="扫码签到", tags=TAGS)
def check_in(principal: Principal, body: BookingCheckIn) -> BookingEntryView:
    """管辖该场馆或活动的工作人员扫描职工出示的签到码；签到码只能使用一次。错误：422 BOOKING_CODE_INVALID
    （伪造或被篡改）、BOOKING_CODE_EXPIRED；404 BOOKING_ENTRY_NOT_FOUND（不在管辖范围）；409 BOOKING_CODE_USED、
    BOOKING_NOT_CHECKABLE、BOOKING_CHECKIN_TOO_EARLY。"""
    return logic.check_in(principal, body.code)


@bp.route("/bookings/figures", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=BookingFigureQuery, response=BookingFiguresView,
          summary="活动与场馆统计（举办场次、报名与到场人次）", tags=TAGS)
def figures(principal: Principal, query: BookingFigureQuery) -> BookingFiguresView:
    """管理员查看管辖范围内某组织（含下级）某年或某月的数字，按类别汇总。错误：404 ORG_NOT_FOUND、
    422 VALIDATION_FAILED。"""
    return logic.figures(principal, query.org, query.period)
