from __future__ import annotations

from typing import TYPE_CHECKING

from chalice import Blueprint

from chalicelib.platform.auth import ALL_ROLES, Principal, Role
from chalicelib.platform.http import Ownership, endpoint
from chalicelib.platform.lazy import lazy_import

if TYPE_CHECKING:
    from . import logic, questions
else:
    logic = lazy_import(f"{__package__}.logic")
    questions = lazy_import(f"{__package__}.questions")
from .schemas import (
    ContentArticleDraft,
    ContentArticleEdit,
    ContentArticleView,
    ContentChannelList,
    ContentChannelView,
    ContentFeedPage,
    ContentFeedQuery,
    ContentImageRequest,
    ContentImageUpload,
    ContentMyQuestionPage,
    ContentMyQuestionQuery,
    ContentMyQuestionView,
    ContentNewChannel,
    ContentPin,
    ContentQuestionAnswer,
    ContentQuestionAsk,
    ContentQuestionPublish,
    ContentQuestionQuery,
    ContentReact,
    ContentReviewPage,
    ContentReviewQuery,
    ContentSearchQuery,
    ContentSearchResult,
    ContentStaffQuestionPage,
    ContentStaffQuestionView,
    ContentTakeDown,
)

bp = Blueprint(__name__)
EDITORS = {Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN, Role.PLATFORM_ADMIN}
UNION_STAFF = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}
TAGS = ["content"]


@bp.route("/content/channels", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=ContentChannelList,
          summary="栏目列表（任何登录者；恋爱攻略仅会员可读）", tags=TAGS)
def list_channels() -> ContentChannelList:
    return logic.channels()


@bp.route("/content/channels", methods=["POST"])
@endpoint(roles=UNION_STAFF, ownership=Ownership.SCOPE, body=ContentNewChannel, response=ContentChannelView,
          status=201, summary="新增栏目（区、市总工会工作人员和平台管理员）", tags=TAGS)
def add_channel(principal: Principal, body: ContentNewChannel) -> ContentChannelView:
    return logic.add_channel(principal, body)


@bp.route("/content/channels/{channel_id}/articles", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=ContentFeedQuery, response=ContentFeedPage,
          summary="栏目文章（会员读面向本人所在组织及上级的已发布文章，置顶在前）", tags=TAGS)
def channel_page(principal: Principal, channel_id: str, query: ContentFeedQuery) -> ContentFeedPage:
    """A channel is public to members: the page lists only published articles aimed at the
    reader's own node or a node above it; a members-only channel is hidden from staff (404)."""
    return logic.channel_page(principal, channel_id[:32], limit=query.limit, cursor=query.cursor)


@bp.route("/content/search", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, query=ContentSearchQuery, response=ContentSearchResult,
          summary="按中文关键词搜索文章（会员，仅本人可见范围内的已发布文章）", tags=TAGS)
def search(principal: Principal, query: ContentSearchQuery) -> ContentSearchResult:
    return logic.search(principal, query.q, channel_id=query.channel, limit=query.limit)


@bp.route("/content/articles/{article_id}", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=ContentArticleView,
          summary="阅读文章（会员，面向本人所在组织的已发布文章；否则 404）", tags=TAGS)
def read_article(principal: Principal, article_id: str) -> ContentArticleView:
    """A published article is public to the members of its audience (its org subtree); drafts,
    articles in review or taken down, and those aimed elsewhere are 404."""
    return logic.read_article(principal, article_id[:64])


@bp.route("/content/articles/{article_id}/like", methods=["POST"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, body=ContentReact, response=ContentArticleView,
          summary="点赞或取消（会员，仅可读的已发布文章）", tags=TAGS)
def like(principal: Principal, article_id: str, body: ContentReact) -> ContentArticleView:
    """Any member who may read the article (published, aimed at their node) may like it."""
    return logic.react(principal, article_id[:64], "like", body.on)


@bp.route("/content/articles/{article_id}/favourite", methods=["POST"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, body=ContentReact, response=ContentArticleView,
          summary="收藏或取消（会员，仅可读的已发布文章）", tags=TAGS)
def favourite(principal: Principal, article_id: str, body: ContentReact) -> ContentArticleView:
    """Any member who may read the article (published, aimed at their node) may keep it."""
    return logic.react(principal, article_id[:64], "favourite", body.on)


@bp.route("/content/manage/articles", methods=["POST"])
@endpoint(roles=EDITORS, ownership=Ownership.SCOPE, body=ContentArticleDraft, response=ContentArticleView,
          status=201, summary="撰写文章草稿（工会工作人员，面向本人管辖范围）", tags=TAGS)
def create_article(principal: Principal, body: ContentArticleDraft) -> ContentArticleView:
    return logic.create_article(principal, body)


@bp.route("/content/manage/articles/{article_id}", methods=["GET"])
@endpoint(roles=EDITORS, ownership=Ownership.SCOPE, response=ContentArticleView,
          summary="查看文章（管辖范围内的工会工作人员，任何状态）", tags=TAGS)
def get_article(principal: Principal, article_id: str) -> ContentArticleView:
    return logic.get_for_staff(principal, article_id[:64])


@bp.route("/content/manage/articles/{article_id}", methods=["PUT"])
@endpoint(roles=EDITORS, ownership=Ownership.SCOPE, body=ContentArticleEdit, response=ContentArticleView,
          summary="修改文章，生成新版本（管辖范围内的工会工作人员；审核中的文章退回草稿）", tags=TAGS)
def edit_article(principal: Principal, article_id: str, body: ContentArticleEdit) -> ContentArticleView:
    return logic.edit_article(principal, article_id[:64], body)


@bp.route("/content/manage/articles/{article_id}/submit", methods=["POST"])
@endpoint(roles=EDITORS, ownership=Ownership.SCOPE, response=ContentArticleView,
          summary="提交审核（管辖范围内的工会工作人员）", tags=TAGS)
def submit(principal: Principal, article_id: str) -> ContentArticleView:
    return logic.submit(principal, article_id[:64])


@bp.route("/content/manage/reviews", methods=["GET"])
@endpoint(roles=EDITORS, ownership=Ownership.SCOPE, query=ContentReviewQuery, response=ContentReviewPage,
          summary="待审核的文章（管辖范围内的工会工作人员，新提交的在前）", tags=TAGS)
def review_queue(principal: Principal, query: ContentReviewQuery) -> ContentReviewPage:
    """Articles in review aimed at the caller's scope (or at ``org`` inside it), newest
    submission first within each audience node; approve or send back with
    ``/content/manage/articles/{id}/approve|reject``. ``org`` outside the scope: 404 ORG_NOT_FOUND."""
    return logic.review_queue(principal, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/content/manage/articles/{article_id}/approve", methods=["POST"])
@endpoint(roles=EDITORS, ownership=Ownership.SCOPE, response=ContentArticleView,
          summary="审核通过（管辖范围内的工会工作人员，作者本人不可审核）", tags=TAGS)
def approve(principal: Principal, article_id: str) -> ContentArticleView:
    return logic.approve(principal, article_id[:64])


@bp.route("/content/manage/articles/{article_id}/reject", methods=["POST"])
@endpoint(roles=EDITORS, ownership=Ownership.SCOPE, response=ContentArticleView,
          summary="退回修改（管辖范围内的工会工作人员）", tags=TAGS)
def reject(principal: Principal, article_id: str) -> ContentArticleView:
    return logic.reject(principal, article_id[:64])


@bp.route("/content/manage/articles/{article_id}/take-down", methods=["POST"])
@endpoint(roles=EDITORS, ownership=Ownership.SCOPE, body=ContentTakeDown, response=ContentArticleView,
          summary="下架文章，立即生效（管辖范围内的工会工作人员）", tags=TAGS)
def take_down(principal: Principal, article_id: str, body: ContentTakeDown) -> ContentArticleView:
    return logic.take_down(principal, article_id[:64], body.reason)


@bp.route("/content/manage/articles/{article_id}/pin", methods=["POST"])
@endpoint(roles=EDITORS, ownership=Ownership.SCOPE, body=ContentPin, response=ContentArticleView,
          summary="置顶或取消置顶（管辖范围内的工会工作人员）", tags=TAGS)
def pin(principal: Principal, article_id: str, body: ContentPin) -> ContentArticleView:
    return logic.set_pinned(principal, article_id[:64], body.pinned)


@bp.route("/content/manage/images", methods=["POST"])
@endpoint(roles=EDITORS, ownership=Ownership.SELF, body=ContentImageRequest, response=ContentImageUpload,
          status=201, summary="申请上传文章图片（工会工作人员；仅 jpg/png/webp）", tags=TAGS)
def image_upload(principal: Principal, body: ContentImageRequest) -> ContentImageUpload:
    return ContentImageUpload.model_validate(logic.image_upload(principal, body.content_type))


# --- legal questions (普法 · 法律咨询) ---------------------------------------------------------------

@bp.route("/content/legal/questions", methods=["POST"])
@endpoint(roles={Role.WORKER}, ownership=Ownership.SELF, body=ContentQuestionAsk, response=ContentMyQuestionView,
          status=201, summary="匿名提出法律问题（职工；工作人员和公众都看不到提问人）", tags=TAGS)
def ask_question(principal: Principal, body: ContentQuestionAsk) -> ContentMyQuestionView:
    """Stored with the asker's id for their own view only; union legal staff of the asker's
    district answer it, and the asker is told through the inbox. Phone and ID numbers in the
    text are masked."""
    return questions.ask(principal, body.text)


@bp.route("/content/legal/questions/mine", methods=["GET"])
@endpoint(roles={Role.WORKER}, ownership=Ownership.SELF, query=ContentMyQuestionQuery, response=ContentMyQuestionPage,
          summary="我的法律咨询和解答（职工本人，新的在前）", tags=TAGS)
def my_questions(principal: Principal, query: ContentMyQuestionQuery) -> ContentMyQuestionPage:
    return questions.my_questions(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/content/manage/legal/questions", methods=["GET"])
@endpoint(roles=UNION_STAFF, ownership=Ownership.SCOPE, query=ContentQuestionQuery, response=ContentStaffQuestionPage,
          summary="待解答 / 已解答的法律咨询（管辖范围内的工会工作人员；不显示提问人）", tags=TAGS)
def staff_questions(principal: Principal, query: ContentQuestionQuery) -> ContentStaffQuestionPage:
    return questions.staff_questions(principal, query.status, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/content/manage/legal/questions/{question_id}/answer", methods=["POST"])
@endpoint(roles=UNION_STAFF, ownership=Ownership.SCOPE, body=ContentQuestionAnswer, response=ContentStaffQuestionView,
          summary="解答法律咨询（管辖范围内的工会工作人员；提问人收到消息通知）", tags=TAGS)
def answer_question(principal: Principal, question_id: str, body: ContentQuestionAnswer) -> ContentStaffQuestionView:
    """Outside the caller's scope: 404. Already answered: 409 CONTENT_QUESTION_ANSWERED. The asker's
    inbox notice is queued after the answer is stored."""
    return questions.answer(principal, question_id, body.answer)


@bp.route("/content/manage/legal/questions/{question_id}/publish", methods=["POST"])
@endpoint(roles=UNION_STAFF, ownership=Ownership.SCOPE, body=ContentQuestionPublish, response=ContentArticleView,
          status=201, summary="将解答公开为普法栏目的问答（匿名；管辖范围内的工会工作人员）", tags=TAGS)
def publish_question(principal: Principal, question_id: str, body: ContentQuestionPublish) -> ContentArticleView:
    """Only an answered question (409 CONTENT_QUESTION_NOT_ANSWERED / CONTENT_QUESTION_PUBLISHED);
    the article carries the question and the answer, never the asker, and is found in the
    channel page and by search like any article."""
    return questions.publish(principal, question_id, body)
