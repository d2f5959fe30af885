"""光年间 social routes: follow / friends / block, the feed, reports, and staff moderation."""

from typing import TYPE_CHECKING

from chalice import Blueprint
from pydantic import Field

from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import
from chalicelib.platform.schema import Schema

if TYPE_CHECKING:
    from . import logic, media
else:
    logic = lazy_import(f"{__package__}.logic")
    media = lazy_import(f"{__package__}.media")
from .schemas import (
    CommentPage,
    CommentView,
    Liked,
    MemberPage,
    ModerationAction,
    NewComment,
    NewPost,
    NewReport,
    Ok,
    PageQuery,
    PhotoUpload,
    PhotoUploadRequest,
    PostPage,
    PostView,
    Relation,
    ReportPage,
    ReportQueueQuery,
    ReportView,
    StandingView,
    TimelineQuery,
)

bp = Blueprint(__name__)
TAGS = ["social"]
MEMBER = {Role.WORKER}
STAFF = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


class LiftSanction(Schema):
    reason: str = Field(..., min_length=2, max_length=500)


@bp.route("/social/me/standing", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, response=StandingView, summary="我的会员状态与验证等级", tags=TAGS)
def my_standing(principal: Principal) -> StandingView:
    return logic.standing_view(principal.user_id)


@bp.route("/social/members/{user_id}/relation", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=Relation, summary="我与某会员的关系", tags=TAGS)
def relation(principal: Principal, user_id: str) -> Relation:
    """Any active member may ask about their own relation to another member; a member who
    blocked the caller, or who is no longer active, is 404."""
    return logic.relation(principal, user_id)


@bp.route("/social/following/{user_id}", methods=["PUT"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, response=Relation, summary="关注（互相关注即为好友）", tags=TAGS)
def follow(principal: Principal, user_id: str) -> Relation:
    return logic.follow(principal, user_id)


@bp.route("/social/following/{user_id}", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, response=Relation, summary="取消关注", tags=TAGS)
def unfollow(principal: Principal, user_id: str) -> Relation:
    return logic.unfollow(principal, user_id)


@bp.route("/social/blocks/{user_id}", methods=["PUT"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, response=Relation, summary="屏蔽会员（双方互不可见）", tags=TAGS)
def block(principal: Principal, user_id: str) -> Relation:
    return logic.block(principal, user_id)


@bp.route("/social/blocks/{user_id}", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, response=Relation, summary="解除屏蔽", tags=TAGS)
def unblock(principal: Principal, user_id: str) -> Relation:
    return logic.unblock(principal, user_id)


@bp.route("/social/following", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, query=PageQuery, response=MemberPage, summary="我关注的人", tags=TAGS)
def list_following(principal: Principal, query: PageQuery) -> MemberPage:
    return logic.list_members(principal, logic.FOLLOWING, limit=query.limit, cursor=query.cursor)


@bp.route("/social/followers", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, query=PageQuery, response=MemberPage, summary="关注我的人", tags=TAGS)
def list_followers(principal: Principal, query: PageQuery) -> MemberPage:
    return logic.list_members(principal, logic.FOLLOWER, limit=query.limit, cursor=query.cursor)


@bp.route("/social/friends", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, query=PageQuery, response=MemberPage, summary="我的好友（互相关注）",
          tags=TAGS)
def list_friends(principal: Principal, query: PageQuery) -> MemberPage:
    return logic.list_members(principal, logic.FRIEND, limit=query.limit, cursor=query.cursor)


@bp.route("/social/blocks", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, query=PageQuery, response=MemberPage, summary="我屏蔽的人", tags=TAGS)
def list_blocks(principal: Principal, query: PageQuery) -> MemberPage:
    return logic.list_members(principal, logic.BLOCKS, limit=query.limit, cursor=query.cursor)


@bp.route("/social/photos", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, body=PhotoUploadRequest, response=PhotoUpload, status=201,
          summary="获取动态照片上传地址", tags=TAGS)
def photo_upload(principal: Principal, body: PhotoUploadRequest) -> PhotoUpload:
    logic.require_active(principal)
    return PhotoUpload(**media.presign_upload(principal.user_id, body.content_type))


@bp.route("/social/posts", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, body=NewPost, response=PostView, status=201,
          summary="发布动态（文字＋最多9张照片）", tags=TAGS, idempotent=True)
def create_post(principal: Principal, body: NewPost) -> PostView:
    return logic.create_post(principal, body)


@bp.route("/social/posts/{post_id}", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=PostView, summary="查看动态", tags=TAGS)
def get_post(principal: Principal, post_id: str) -> PostView:
    """Posts (动态) are shared with all active members; deleted, hidden or held posts and posts of
    blocked or inactive members are 404."""
    return logic.get_post(principal, post_id)


@bp.route("/social/posts/{post_id}", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.OWNER, response=Ok, summary="删除我的动态", tags=TAGS)
def delete_post(principal: Principal, post_id: str) -> Ok:
    logic.delete_post(principal, post_id)
    return Ok()


@bp.route("/social/members/{user_id}/posts", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, query=PageQuery, response=PostPage, summary="某会员的动态",
          tags=TAGS)
def posts_of(principal: Principal, user_id: str, query: PageQuery) -> PostPage:
    """A member's visible posts, for any active member not in a block with them."""
    return logic.posts_of(principal, user_id, limit=query.limit, cursor=query.cursor)


@bp.route("/social/feed", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, query=TimelineQuery, response=PostPage,
          summary="动态：关注 / 好友 / 推荐", tags=TAGS)
def feed(principal: Principal, query: TimelineQuery) -> PostPage:
    return logic.timeline(principal, query.kind, limit=query.limit, cursor=query.cursor)


@bp.route("/social/posts/{post_id}/like", methods=["PUT"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=Liked, summary="点赞", tags=TAGS)
def like(principal: Principal, post_id: str) -> Liked:
    """Any member who may see the post may like it."""
    return logic.like(principal, post_id, liked=True)


@bp.route("/social/posts/{post_id}/like", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=Liked, summary="取消点赞", tags=TAGS)
def unlike(principal: Principal, post_id: str) -> Liked:
    """Takes back the caller's own like."""
    return logic.like(principal, post_id, liked=False)


@bp.route("/social/posts/{post_id}/comments", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, body=NewComment, response=CommentView, status=201,
          summary="评论动态", tags=TAGS)
def comment(principal: Principal, post_id: str, body: NewComment) -> CommentView:
    """Any member who may see the post may comment on it."""
    return logic.comment(principal, post_id, body.text)


@bp.route("/social/posts/{post_id}/comments", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, query=PageQuery, response=CommentPage, summary="动态的评论",
          tags=TAGS)
def comments(principal: Principal, post_id: str, query: PageQuery) -> CommentPage:
    """Comments are visible to whoever may see the post, minus blocked or inactive authors."""
    return logic.comments(principal, post_id, limit=query.limit, cursor=query.cursor)


@bp.route("/social/reports", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, body=NewReport, response=ReportView, status=201,
          summary="举报会员、动态或消息", tags=TAGS)
def report(principal: Principal, body: NewReport) -> ReportView:
    return logic.report(principal, body)


@bp.route("/social/moderation/reports", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=ReportQueueQuery, response=ReportPage,
          summary="举报处理队列（工会工作人员）", tags=TAGS)
def report_queue(principal: Principal, query: ReportQueueQuery) -> ReportPage:
    return logic.report_queue(principal, query.status, limit=query.limit, cursor=query.cursor)


@bp.route("/social/moderation/reports/{report_id}", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=ReportView, summary="查看举报", tags=TAGS)
def get_report(principal: Principal, report_id: str) -> ReportView:
    return logic.get_report(principal, report_id)


@bp.route("/social/moderation/reports/{report_id}/actions", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=ModerationAction, response=ReportView,
          summary="处理举报：警告 / 隐藏 / 停用 / 封禁 / 驳回", tags=TAGS)
def moderate(principal: Principal, report_id: str, body: ModerationAction) -> ReportView:
    return logic.moderate(principal, report_id, body)


@bp.route("/social/moderation/members/{user_id}", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=StandingView, summary="查看会员状态", tags=TAGS)
def member_standing(principal: Principal, user_id: str) -> StandingView:
    return logic.staff_standing(principal, user_id)


@bp.route("/social/moderation/members/{user_id}/lift", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=LiftSanction, response=StandingView,
          summary="解除停用或封禁", tags=TAGS)
def lift(principal: Principal, user_id: str, body: LiftSanction) -> StandingView:
    return logic.lift_sanction(principal, user_id, body.reason)
