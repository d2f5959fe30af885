"""光年间 social routes: follow / friends / block, the feed, reports, and staff moderation;
and the spaces built on the same posts: topics (话题), interest planets (兴趣星球) and the
enterprise forum (企业论坛)."""

from typing import TYPE_CHECKING

from chalice import Blueprint
from pydantic import Field

from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import
from chalicelib.platform.schema import Schema

if TYPE_CHECKING:
    from . import forum, logic, media, moderation, planets, posts, standing, topics
else:
    logic = lazy_import(f"{__package__}.logic")
    posts = lazy_import(f"{__package__}.posts")
    moderation = lazy_import(f"{__package__}.moderation")
    standing = lazy_import(f"{__package__}.standing")
    media = lazy_import(f"{__package__}.media")
    topics = lazy_import(f"{__package__}.topics")
    planets = lazy_import(f"{__package__}.planets")
    forum = lazy_import(f"{__package__}.forum")
from .schemas import (
    BoardPage,
    BoardQuery,
    BoardView,
    CommentPage,
    CommentView,
    JoinDecision,
    Liked,
    MemberPage,
    ModerationAction,
    MyTopicPage,
    NewBoard,
    NewComment,
    NewPlanet,
    NewPost,
    NewReport,
    NewThread,
    NewTopic,
    Ok,
    PageQuery,
    PhotoUpload,
    PhotoUploadRequest,
    PlanetMemberPage,
    PlanetMembersQuery,
    PlanetMemberView,
    PlanetPage,
    PlanetView,
    PostPage,
    PostView,
    Relation,
    ReportPage,
    ReportQueueQuery,
    ReportView,
    SpaceReview,
    StandingView,
    ThreadFlag,
    TimelineQuery,
    TopicPage,
    TopicPostsQuery,
    TopicReviewQuery,
    TopicView,
)

bp = Blueprint(__name__)
TAGS = ["social"]
MEMBER = {Role.WORKER}
STAFF = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}
ENTERPRISE_UNION = {Role.ENTERPRISE_ADMIN}
FORUM_READERS = {Role.WORKER, Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


class LiftSanction(Schema):
    reason: str = Field(..., min_length=2, max_length=500)


class SpaceRemoval(Schema):
    reason: str = Field(..., min_length=2, max_length=300, description="移除理由（会被记录）",
                        examples=["广告内容，与星球主题无关"])


@bp.route("/social/me/standing", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, response=StandingView, summary="我的会员状态与验证等级", tags=TAGS)
def my_standing(principal: Principal) -> StandingView:
    return standing.standing_view(principal.user_id)


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
    standing.require_active(principal)
    return PhotoUpload(**media.presign_upload(principal.user_id, body.content_type))


@bp.route("/social/posts", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, body=NewPost, response=PostView, status=201,
          summary="发布动态（文字＋最多9张照片）", tags=TAGS, idempotent=True)
def create_post(principal: Principal, body: NewPost) -> PostView:
    return posts.create_post(principal, body)


@bp.route("/social/posts/{post_id}", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=PostView, summary="查看动态", tags=TAGS)
def get_post(principal: Principal, post_id: str) -> PostView:
    """Posts (动态) are shared with all active members; deleted, hidden or held posts and posts of
    blocked or inactive members are 404."""
    return posts.get_post(principal, post_id)


@bp.route("/social/posts/{post_id}", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.OWNER, response=Ok, summary="删除我的动态", tags=TAGS)
def delete_post(principal: Principal, post_id: str) -> Ok:
    posts.delete_post(principal, post_id)
    return Ok()


@bp.route("/social/members/{user_id}/posts", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, query=PageQuery, response=PostPage, summary="某会员的动态",
          tags=TAGS)
def posts_of(principal: Principal, user_id: str, query: PageQuery) -> PostPage:
    """A member's visible posts, for any active member not in a block with them."""
    return posts.posts_of(principal, user_id, limit=query.limit, cursor=query.cursor)


@bp.route("/social/feed", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, query=TimelineQuery, response=PostPage,
          summary="动态：关注 / 好友 / 推荐", tags=TAGS)
def feed(principal: Principal, query: TimelineQuery) -> PostPage:
    return posts.timeline(principal, query.kind, limit=query.limit, cursor=query.cursor)


@bp.route("/social/posts/{post_id}/like", methods=["PUT"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=Liked, summary="点赞", tags=TAGS)
def like(principal: Principal, post_id: str) -> Liked:
    """Any member who may see the post may like it."""
    return posts.like(principal, post_id, liked=True)


@bp.route("/social/posts/{post_id}/like", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=Liked, summary="取消点赞", tags=TAGS)
def unlike(principal: Principal, post_id: str) -> Liked:
    """Takes back the caller's own like."""
    return posts.like(principal, post_id, liked=False)


@bp.route("/social/posts/{post_id}/comments", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, body=NewComment, response=CommentView, status=201,
          summary="评论动态", tags=TAGS)
def comment(principal: Principal, post_id: str, body: NewComment) -> CommentView:
    """Any member who may see the post may comment on it."""
    return posts.comment(principal, post_id, body.text)


@bp.route("/social/posts/{post_id}/comments", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, query=PageQuery, response=CommentPage, summary="动态的评论",
          tags=TAGS)
def comments(principal: Principal, post_id: str, query: PageQuery) -> CommentPage:
    """Comments are visible to whoever may see the post, minus blocked or inactive authors."""
    return posts.comments(principal, post_id, limit=query.limit, cursor=query.cursor)


@bp.route("/social/reports", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, body=NewReport, response=ReportView, status=201,
          summary="举报会员、动态或消息", tags=TAGS)
def report(principal: Principal, body: NewReport) -> ReportView:
    return moderation.report(principal, body)


@bp.route("/social/moderation/reports", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=ReportQueueQuery, response=ReportPage,
          summary="举报处理队列（工会工作人员）", tags=TAGS)
def report_queue(principal: Principal, query: ReportQueueQuery) -> ReportPage:
    return moderation.report_queue(principal, query.status, limit=query.limit, cursor=query.cursor)


@bp.route("/social/moderation/reports/{report_id}", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=ReportView, summary="查看举报", tags=TAGS)
def get_report(principal: Principal, report_id: str) -> ReportView:
    return moderation.get_report(principal, report_id)


@bp.route("/social/moderation/reports/{report_id}/actions", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=ModerationAction, response=ReportView,
          summary="处理举报：警告 / 隐藏 / 停用 / 封禁 / 驳回", tags=TAGS)
def moderate(principal: Principal, report_id: str, body: ModerationAction) -> ReportView:
    return moderation.moderate(principal, report_id, body)


@bp.route("/social/moderation/members/{user_id}", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, response=StandingView, summary="查看会员状态", tags=TAGS)
def member_standing(principal: Principal, user_id: str) -> StandingView:
    return moderation.staff_standing(principal, user_id)


@bp.route("/social/moderation/members/{user_id}/lift", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=LiftSanction, response=StandingView,
          summary="解除停用或封禁", tags=TAGS)
def lift(principal: Principal, user_id: str, body: LiftSanction) -> StandingView:
    return moderation.lift_sanction(principal, user_id, body.reason)


# --- topics (话题) -------------------------------------------------------------------------

@bp.route("/social/topics", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=NewTopic, response=TopicView, status=201,
          summary="创建精选话题【工会工作人员】", tags=TAGS)
def create_topic(principal: Principal, body: NewTopic) -> TopicView:
    """A featured topic with cover and description, on the square at once. A name the chat
    safety rules would hold is 422 ``TOPIC_NAME_REJECTED`` and nothing is stored."""
    return topics.create_featured(principal, body)


@bp.route("/social/moderation/topics", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=TopicReviewQuery, response=TopicPage,
          summary="待审核的会员话题【工会工作人员】", tags=TAGS)
def topic_review_queue(principal: Principal, query: TopicReviewQuery) -> TopicPage:
    """Topics members raised with ``#话题#`` inside the caller's scope, oldest first."""
    return topics.review_queue(principal, query.status, limit=query.limit, cursor=query.cursor)


@bp.route("/social/moderation/topics/{topic_id}/review", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=SpaceReview, response=TopicView,
          summary="审核会员话题【工会工作人员】", tags=TAGS)
def review_topic(principal: Principal, topic_id: str, body: SpaceReview) -> TopicView:
    """Approve (the topic joins the square) or reject; a topic outside the caller's scope is 404,
    one already reviewed 409 ``TOPIC_ALREADY_REVIEWED``."""
    return topics.review(principal, topic_id, body)


@bp.route("/social/topics", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, query=PageQuery, response=TopicPage,
          summary="话题广场（按热度）【光年间会员】", tags=TAGS)
def topic_square(principal: Principal, query: PageQuery) -> TopicPage:
    """Approved topics, hottest first. Heat (a time-decayed score of recent posts, comments and
    likes) is kept by an event handler, so a like shows in the order a moment later."""
    return topics.square(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/social/me/topics", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, query=PageQuery, response=MyTopicPage,
          summary="我关注的话题（含上次查看后的新动态数）【光年间会员】", tags=TAGS)
def my_topics(principal: Principal, query: PageQuery) -> MyTopicPage:
    return topics.my_topics(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/social/topics/{topic_id}", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=TopicView, summary="查看话题【光年间会员】", tags=TAGS)
def get_topic(principal: Principal, topic_id: str) -> TopicView:
    """Any active member sees an approved topic; one waiting for review or rejected is 404."""
    return topics.get_topic(principal, topic_id)


@bp.route("/social/topics/{topic_id}/posts", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, query=TopicPostsQuery, response=PostPage,
          summary="话题下的动态（最新 / 最热）【光年间会员】", tags=TAGS)
def topic_posts(principal: Principal, topic_id: str, query: TopicPostsQuery) -> PostPage:
    """Any active member sees an approved topic's posts (minus blocked or inactive authors);
    a follower's first page marks the topic seen for "my topics"."""
    return topics.topic_posts(principal, topic_id, query.order, limit=query.limit, cursor=query.cursor)


@bp.route("/social/topics/{topic_id}/follow", methods=["PUT"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=TopicView, summary="关注话题【光年间会员】", tags=TAGS)
def follow_topic(principal: Principal, topic_id: str) -> TopicView:
    """Any active member may follow an approved topic (twice counts once)."""
    return topics.follow(principal, topic_id, on=True)


@bp.route("/social/topics/{topic_id}/follow", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=TopicView, summary="取消关注话题【光年间会员】",
          tags=TAGS)
def unfollow_topic(principal: Principal, topic_id: str) -> TopicView:
    """Takes back the caller's own follow."""
    return topics.follow(principal, topic_id, on=False)


# --- interest planets (兴趣星球) --------------------------------------------------------------

@bp.route("/social/planets", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, body=NewPlanet, response=PlanetView, status=201,
          summary="创建兴趣星球（待工会审核）【光年间会员】", tags=TAGS, idempotent=True)
def create_planet(principal: Principal, body: NewPlanet) -> PlanetView:
    """The caller becomes its owner; it appears after union staff approve it (``next_step``;
    the result arrives in the inbox). A name the safety rules hold is 422 ``PLANET_NAME_REJECTED``."""
    return planets.create(principal, body)


@bp.route("/social/me/planet-suggestions", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, query=PageQuery, response=PlanetPage,
          summary="按我的爱好推荐兴趣星球【光年间会员】", tags=TAGS)
def planet_suggestions(principal: Principal, query: PageQuery) -> PlanetPage:
    """Approved planets of the hobbies and sports in the caller's profile, biggest first."""
    return planets.suggested(principal, limit=query.limit)


@bp.route("/social/moderation/planets", methods=["GET"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, query=TopicReviewQuery, response=PlanetPage,
          summary="待审核的兴趣星球【工会工作人员】", tags=TAGS)
def planet_review_queue(principal: Principal, query: TopicReviewQuery) -> PlanetPage:
    return planets.review_queue(principal, query.status, limit=query.limit, cursor=query.cursor)


@bp.route("/social/moderation/planets/{planet_id}/review", methods=["POST"])
@endpoint(roles=STAFF, ownership=Ownership.SCOPE, body=SpaceReview, response=PlanetView,
          summary="审核兴趣星球【工会工作人员】", tags=TAGS)
def review_planet(principal: Principal, planet_id: str, body: SpaceReview) -> PlanetView:
    """Approve or reject a planet proposed inside the caller's scope; the owner is told in the inbox."""
    return planets.review(principal, planet_id, body)


@bp.route("/social/planets/{planet_id}", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=PlanetView, summary="查看兴趣星球【光年间会员】",
          tags=TAGS)
def get_planet(principal: Principal, planet_id: str) -> PlanetView:
    """Any active member sees an approved planet (and their own role in it); the owner also
    sees it while it waits for review."""
    return planets.get(principal, planet_id)


@bp.route("/social/planets/{planet_id}/join", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=PlanetView, summary="加入兴趣星球【光年间会员】",
          tags=TAGS)
def join_planet(principal: Principal, planet_id: str) -> PlanetView:
    """Any active member may ask to join an approved planet: an open one admits at once while a
    seat is free (409 ``PLANET_FULL``), an approval-only one files a request for its moderators
    (``next_step``), a closed one refuses (409 ``PLANET_CLOSED``). A removed member is 403
    ``PLANET_MEMBER_REMOVED``; one who left waits 24 hours (409 ``PLANET_REJOIN_COOLDOWN``)."""
    return planets.join(principal, planet_id)


@bp.route("/social/planets/{planet_id}/leave", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=PlanetView, summary="退出兴趣星球【光年间会员】",
          tags=TAGS)
def leave_planet(principal: Principal, planet_id: str) -> PlanetView:
    """A member leaves (or withdraws a request); the owner cannot leave."""
    return planets.leave(principal, planet_id)


@bp.route("/social/planets/{planet_id}/members", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, query=PlanetMembersQuery, response=PlanetMemberPage,
          summary="星球成员 / 加入申请【星球成员】", tags=TAGS)
def planet_members(principal: Principal, planet_id: str, query: PlanetMembersQuery) -> PlanetMemberPage:
    """Members see the member list; only the planet's owner and moderators see join requests."""
    return planets.members(principal, planet_id, query.state, limit=query.limit, cursor=query.cursor)


@bp.route("/social/planets/{planet_id}/requests/{user_id}", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, body=JoinDecision, response=PlanetMemberView,
          summary="处理加入申请【星主/管理员】", tags=TAGS)
def decide_join(principal: Principal, planet_id: str, user_id: str, body: JoinDecision) -> PlanetMemberView:
    """Only this planet's owner and moderators; admitting takes a free seat (409 ``PLANET_FULL``)."""
    return planets.decide(principal, planet_id, user_id, body)


@bp.route("/social/planets/{planet_id}/moderators/{user_id}", methods=["PUT"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=PlanetMemberView, summary="设为管理员【星主】",
          tags=TAGS)
def add_moderator(principal: Principal, planet_id: str, user_id: str) -> PlanetMemberView:
    """Only the planet's owner, for one of its members."""
    return planets.set_moderator(principal, planet_id, user_id, on=True)


@bp.route("/social/planets/{planet_id}/moderators/{user_id}", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=PlanetMemberView, summary="取消管理员【星主】",
          tags=TAGS)
def drop_moderator(principal: Principal, planet_id: str, user_id: str) -> PlanetMemberView:
    """Only the planet's owner."""
    return planets.set_moderator(principal, planet_id, user_id, on=False)


@bp.route("/social/planets/{planet_id}/members/{user_id}", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=PlanetMemberView, summary="移出成员【星主/管理员】",
          tags=TAGS)
def remove_planet_member(principal: Principal, planet_id: str, user_id: str) -> PlanetMemberView:
    """Only this planet's owner and moderators (a moderator cannot remove the owner or another
    moderator); the removed member cannot rejoin by themselves."""
    return planets.remove_member(principal, planet_id, user_id)


@bp.route("/social/planets/{planet_id}/posts", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, query=PageQuery, response=PostPage,
          summary="星球动态（置顶在前）【光年间会员】", tags=TAGS)
def planet_feed(principal: Principal, planet_id: str, query: PageQuery) -> PostPage:
    """Any active member may look into an approved planet's feed; commenting and liking there
    take membership (403 ``PLANET_NOT_MEMBER``)."""
    return planets.feed(principal, planet_id, limit=query.limit, cursor=query.cursor)


@bp.route("/social/planets/{planet_id}/posts", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, body=NewPost, response=PostView, status=201,
          summary="在星球发布动态【星球成员】", tags=TAGS, idempotent=True)
def post_in_planet(principal: Principal, planet_id: str, body: NewPost) -> PostView:
    """Only the planet's members (403 ``PLANET_NOT_MEMBER``); the same safety scan as the feed."""
    return planets.post(principal, planet_id, body)


@bp.route("/social/planets/{planet_id}/pins/{post_id}", methods=["PUT"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=PlanetView, summary="置顶星球动态【星主/管理员】",
          tags=TAGS)
def pin_planet_post(principal: Principal, planet_id: str, post_id: str) -> PlanetView:
    """Only this planet's owner and moderators; at most three pinned."""
    return planets.pin(principal, planet_id, post_id, on=True)


@bp.route("/social/planets/{planet_id}/pins/{post_id}", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=PlanetView, summary="取消置顶【星主/管理员】",
          tags=TAGS)
def unpin_planet_post(principal: Principal, planet_id: str, post_id: str) -> PlanetView:
    """Only this planet's owner and moderators."""
    return planets.pin(principal, planet_id, post_id, on=False)


@bp.route("/social/planets/{planet_id}/posts/{post_id}/removal", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, body=SpaceRemoval, response=PostView,
          summary="移除星球动态【星主/管理员】", tags=TAGS)
def remove_planet_post(principal: Principal, planet_id: str, post_id: str, body: SpaceRemoval) -> PostView:
    """Only this planet's owner and moderators; publishes ``PostRemoved``."""
    return planets.remove_post(principal, planet_id, post_id, body.reason)


# --- the enterprise forum (企业论坛) ---------------------------------------------------------

@bp.route("/social/forum/boards", methods=["POST"])
@endpoint(roles=ENTERPRISE_UNION, ownership=Ownership.SCOPE, body=NewBoard, response=BoardView, status=201,
          summary="创建论坛版块【企业工会管理员】", tags=TAGS)
def create_board(principal: Principal, body: NewBoard) -> BoardView:
    """A board in the caller's own enterprise's forum."""
    return forum.create_board(principal, body)


@bp.route("/social/forum/boards", methods=["GET"])
@endpoint(roles=FORUM_READERS, ownership=Ownership.MEMBERS, query=BoardQuery, response=BoardPage,
          summary="企业论坛版块【本企业会员、工会工作人员】", tags=TAGS)
def list_boards(principal: Principal, query: BoardQuery) -> BoardPage:
    """A member sees their own enterprise's boards; staff name an enterprise inside their scope."""
    return forum.boards(principal, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/social/forum/boards/{board_id}/threads", methods=["GET"])
@endpoint(roles=FORUM_READERS, ownership=Ownership.MEMBERS, query=PageQuery, response=PostPage,
          summary="版块帖子（置顶在前）【本企业会员、工会工作人员】", tags=TAGS)
def board_threads(principal: Principal, board_id: str, query: PageQuery) -> PostPage:
    """Only the enterprise's own members and staff whose scope covers it; anyone else gets 404."""
    return forum.threads(principal, board_id, limit=query.limit, cursor=query.cursor)


@bp.route("/social/forum/boards/{board_id}/threads", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, body=NewThread, response=PostView, status=201,
          summary="发帖【本企业会员】", tags=TAGS, idempotent=True)
def new_thread(principal: Principal, board_id: str, body: NewThread) -> PostView:
    """Only the enterprise's own members (404 to others). Replies are the post's comments
    (``POST /social/posts/{post_id}/comments``); a locked thread refuses them (409 ``THREAD_LOCKED``)."""
    return forum.new_thread(principal, board_id, body)


@bp.route("/social/forum/threads/{post_id}/pin", methods=["PUT"])
@endpoint(roles=ENTERPRISE_UNION, ownership=Ownership.SCOPE, body=ThreadFlag, response=PostView,
          summary="置顶 / 取消置顶帖子【企业工会管理员】", tags=TAGS)
def pin_thread(principal: Principal, post_id: str, body: ThreadFlag) -> PostView:
    """Only the admin of the thread's own enterprise."""
    return forum.pin(principal, post_id, on=body.on)


@bp.route("/social/forum/threads/{post_id}/lock", methods=["PUT"])
@endpoint(roles=ENTERPRISE_UNION, ownership=Ownership.SCOPE, body=ThreadFlag, response=PostView,
          summary="锁定 / 解锁帖子【企业工会管理员】", tags=TAGS)
def lock_thread(principal: Principal, post_id: str, body: ThreadFlag) -> PostView:
    """Only the admin of the thread's own enterprise; a locked thread takes no more replies."""
    return forum.lock(principal, post_id, on=body.on)


@bp.route("/social/forum/threads/{post_id}/removal", methods=["POST"])
@endpoint(roles=ENTERPRISE_UNION, ownership=Ownership.SCOPE, body=SpaceRemoval, response=PostView,
          summary="移除帖子【企业工会管理员】", tags=TAGS)
def remove_thread(principal: Principal, post_id: str, body: SpaceRemoval) -> PostView:
    """Only the admin of the thread's own enterprise; publishes ``PostRemoved``."""
    return forum.remove(principal, post_id, body.reason)
