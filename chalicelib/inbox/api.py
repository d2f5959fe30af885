from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import ALL_ROLES, Principal
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic
else:
    logic = lazy_import(f"{__package__}.logic")
from .schemas import InboxItemView, InboxPage, InboxPageQuery, InboxUnreadView

bp = Blueprint(__name__)


@bp.route("/inbox", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SELF, query=InboxPageQuery, response=InboxPage,
          summary="我的消息（任何登录者看自己的收件箱，新的在前，可按类别筛选）", tags=["inbox"])
def my_inbox(principal: Principal, query: InboxPageQuery) -> InboxPage:
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
