"""光年间 HTTP routes: my profile and photos, browsing members, recommendations, likes,
and the union staff's photo review."""
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
    BrowsePage,
    BrowseQuery,
    LikeResult,
    MemberProfileView,
    ModerationQuery,
    MyProfileView,
    PendingPhotoPage,
    PhotoDecision,
    PhotoView,
    PrivacyInput,
    ProfileInput,
    ProfileLikedByPage,
    ProfileLikedByQuery,
    RecommendationList,
    UploadRequest,
    UploadTicket,
    Vocabulary,
)

bp = Blueprint(__name__)
TAGS = ["profiles"]
MEMBER = {Role.WORKER}
REVIEWERS = {Role.UNION_ADMIN, Role.PLATFORM_ADMIN}


@bp.route("/profiles/vocabulary", methods=["GET"])
@endpoint(roles=ALL_ROLES, ownership=Ownership.SHARED, response=Vocabulary,
          summary="可选的爱好、运动、学历、城市和区县", tags=TAGS)
def vocabulary() -> Vocabulary:
    return logic.vocabulary()


@bp.route("/profiles/me", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, response=MyProfileView, summary="我的交友资料", tags=TAGS)
def my_profile(principal: Principal) -> MyProfileView:
    return logic.my_profile(principal)


@bp.route("/profiles/me", methods=["PUT"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, body=ProfileInput, response=MyProfileView,
          summary="填写或修改我的交友资料", tags=TAGS)
def save_profile(principal: Principal, body: ProfileInput) -> MyProfileView:
    return logic.save_profile(principal, body)


@bp.route("/profiles/me/privacy", methods=["PATCH"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, body=PrivacyInput, response=MyProfileView,
          summary="隐私设置：对同事隐藏、隐藏企业名称、暂停展示", tags=TAGS)
def update_privacy(principal: Principal, body: PrivacyInput) -> MyProfileView:
    return logic.update_privacy(principal, body)


@bp.route("/profiles/me/photos", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, body=UploadRequest, response=UploadTicket, status=201,
          summary="申请上传照片（返回 S3 直传表单）", tags=TAGS)
def start_upload(principal: Principal, body: UploadRequest) -> UploadTicket:
    return logic.start_upload(principal, body)


@bp.route("/profiles/me/photos/{photo_id}", methods=["DELETE"])
@endpoint(roles=MEMBER, ownership=Ownership.OWNER, response=MyProfileView, summary="删除我的照片", tags=TAGS)
def delete_photo(principal: Principal, photo_id: str) -> MyProfileView:
    return logic.delete_photo(principal, photo_id)


@bp.route("/profiles/browse", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, query=BrowseQuery, response=BrowsePage,
          summary="浏览会员：按性别、年龄、城市区县、爱好运动筛选", tags=TAGS)
def browse(principal: Principal, query: BrowseQuery) -> BrowsePage:
    """Who appears: active, unpaused members; never the caller, a blocked pair, or a colleague who
    hides from colleagues (or any colleague when the caller asks)."""
    return logic.browse(principal, query)


@bp.route("/profiles/me/recommendations", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, response=RecommendationList,
          summary="智能匹配：为我推荐的会员和推荐理由", tags=TAGS)
def recommendations(principal: Principal) -> RecommendationList:
    return logic.recommendations(principal)


@bp.route("/profiles/me/liked-by", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.SELF, query=ProfileLikedByQuery, response=ProfileLikedByPage,
          summary="谁对我心动（会员等级解锁，分页）【光年间会员】", tags=TAGS)
def liked_by(principal: Principal, query: ProfileLikedByQuery) -> ProfileLikedByPage:
    """A tier unlock: members whose tier lacks it get 403 TIER_REQUIRED (see ``GET /tiers/me``)."""
    return logic.liked_by(principal, limit=query.limit, cursor=query.cursor)


@bp.route("/profiles/members/{user_id}", methods=["GET"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=MemberProfileView, summary="查看会员资料", tags=TAGS)
def member_profile(principal: Principal, user_id: str) -> MemberProfileView:
    """Who sees it: verified members only, while the member is active and not paused; never a
    blocked pair, never a same-enterprise colleague she hides from (404 otherwise, as for nobody)."""
    return logic.member_profile(principal, user_id)


@bp.route("/profiles/members/{user_id}/like", methods=["POST"])
@endpoint(roles=MEMBER, ownership=Ownership.MEMBERS, response=LikeResult, summary="心动（双方心动即互相心动）",
          tags=TAGS)
def like(principal: Principal, user_id: str) -> LikeResult:
    """Who may: a member who can see the other's profile (same visibility rules, 404 otherwise)."""
    return logic.like(principal, user_id)


@bp.route("/profiles/review/photos", methods=["GET"])
@endpoint(roles=REVIEWERS, ownership=Ownership.SCOPE, query=ModerationQuery, response=PendingPhotoPage,
          summary="待审核的会员照片（管辖范围内）", tags=TAGS)
def pending_photos(principal: Principal, query: ModerationQuery) -> PendingPhotoPage:
    return logic.pending_review(principal, query.org, limit=query.limit, cursor=query.cursor)


@bp.route("/profiles/review/photos/{user_id}/{photo_id}", methods=["POST"])
@endpoint(roles=REVIEWERS, ownership=Ownership.SCOPE, body=PhotoDecision, response=PhotoView,
          summary="审核会员照片：通过或驳回（写明原因）", tags=TAGS)
def decide_photo(principal: Principal, user_id: str, photo_id: str, body: PhotoDecision) -> PhotoView:
    return logic.decide_photo(principal, user_id, photo_id, body)
