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
    InboxAnnouncementDraft,
    InboxAnnouncementPreview,
    InboxAnnouncementView,
    InboxItemPage,
    InboxItemView,
    InboxPageQuery,
    InboxUnreadView,
)

if TYPE_CHECKING:
    from . import announcements
else:
    announcements = lazy_import(f"{__package__}.announcements")

bp = Blueprint(__name__)


@bp.route("/inbox", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SELF, query=InboxPageQuery, response=InboxItemPage,
          summary="我的消息（任何登录者看自己的收件箱，新的在前，可按类别筛选）", tags=["inbox"])
def my_inbox(principal: Principal, query: InboxPageQuery) -> InboxItemPage:
    return logic.page(principal.user_id, kind=query.kind, limit=query.limit, cursor=query.cursor)


@bp.route("/inbox/unread", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SELF, response=InboxUnreadView,
          summary="我的未读数（任何登录者，按类别）", tags=["inbox"])
def my_unread(principal: Principal) -> InboxUnreadView:
    return logic.unread(principal.user_id)


@bp.route("/inbox/{item_id}/read", methods=["POST"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SELF, response=InboxItemView,
          summary="标记一条消息已读（本人的消息；他人的消息为 404）", tags=["inbox"])
def mark_read(principal: Principal, item_id: str) -> InboxItemView:
    return logic.mark_read(principal.user_id, item_id[:64])


@bp.route("/inbox/read-all", methods=["POST"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SELF, response=InboxUnreadView,
          summary="全部标记已读（任何登录者，本人的收件箱）", tags=["inbox"])
def mark_all_read(principal: Principal) -> InboxUnreadView:
    return logic.mark_all_read(principal.user_id)


STAFF = {Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


@bp.route("/inbox/announcements/preview", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=InboxAnnouncementDraft, response=InboxAnnouncementPreview,
          summary="预览公告送达人数（工会工作人员，面向本人管辖范围）", tags=["inbox"])
def preview(principal: Principal, body: InboxAnnouncementDraft) -> InboxAnnouncementPreview:
    return announcements.preview(principal, body)


@bp.route("/inbox/announcements", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=InboxAnnouncementDraft, response=InboxAnnouncementView,
          status=201, tags=["inbox"],
          summary="发布公告，立即或定时送达每位会员的收件箱（工会工作人员，面向本人管辖范围）")
def compose(principal: Principal, body: InboxAnnouncementDraft) -> InboxAnnouncementView:
    return announcements.compose(principal, body)


@bp.route("/inbox/announcements/{ann_id}", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=InboxAnnouncementView,
          summary="公告送达与已读人数（管辖范围覆盖其受众的工会工作人员）", tags=["inbox"])
def announcement(principal: Principal, ann_id: str) -> InboxAnnouncementView:
    return announcements.get(principal, ann_id[:64])
