"""光年间 profiles, likes (互相心动): a like, a match when it is mutual, and its notice.
"""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import batch_get_tables
from chalicelib.platform.errors import Forbidden, NotFound
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.platform.queues import send

from . import storage
from .models import (
    Like,
    Profile,
    blocks_of,
    get_profile,
    like_exists,
    likers_of,
)
from .profile import _hidden_between, _year
from .schemas import (
    LikeResult,
    ProfileLikedByItem,
    ProfileLikedByPage,
)
from .specs import NOTIFY_QUEUE
from .vocabulary import (
    CITIES,
)

# --- likes (互相心动) --------------------------------------------------------------------------

def like(principal: Principal, user_id: str) -> LikeResult:
    target = get_profile(user_id)
    if target is None or not target.visible or _hidden_between(principal, target, blocks_of(principal.user_id)):
        raise NotFound("找不到该会员或对方暂未展示资料", code="MEMBER_NOT_FOUND")
    try:
        Like(principal.user_id, user_id, at=clock.now_iso()).save(condition=Like.liked.does_not_exist())
        first_time = True
    except PutError as exc:  # already liked: the answer is the same as before, nobody is notified twice
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
        first_time = False
    if first_time:
        if like_exists(user_id, principal.user_id):
            for who, other in ((principal.user_id, user_id), (user_id, principal.user_id)):
                send(NOTIFY_QUEUE, {"user_id": who, "template": "mutual_like", "data": {"other": other},
                                    "page": f"pages/member/{other}"})
            return LikeResult(mutual=True, message="互相心动！你们可以开始聊天了")
    mutual = like_exists(user_id, principal.user_id)
    return LikeResult(mutual=mutual, message="互相心动！你们可以开始聊天了" if mutual else "已心动，等待对方回应")


def liked_by(principal: Principal, *, limit: int, cursor: str | None) -> ProfileLikedByPage:
    """Who liked me (互相心动's other half): a tier unlock (``tiers.sees_who_liked``). One
    Query of the ``liked_by`` index and one BatchGet of those members' profiles per page;
    members no longer shown, blocked pairs and hiding colleagues are left out."""
    from chalicelib.tiers import logic as tiers

    if not tiers.sees_who_liked(principal.user_id, principal.org_path):
        raise Forbidden("会员等级达到后可查看谁对我心动", code="TIER_REQUIRED",
                        details=[{"unlock": "see_who_liked"}])
    bound = f"profiles:liked-by:{principal.user_id}"
    likers, last_key = likers_of(principal.user_id, limit=limit, start=decode_cursor(cursor, bound_to=bound))
    found, likes = batch_get_tables((Profile, [like.user_id for like in likers], False),
                                    (Like, [(like.user_id, like.liked) for like in likers], False))
    profiles = {p.user_id: p for p in found}
    full = {(like.user_id, like.liked): like for like in likes}
    blocks = blocks_of(principal.user_id)
    items = []
    for like in likers:
        profile = profiles.get(like.user_id)
        if profile is None or not profile.visible or _hidden_between(principal, profile, blocks):
            continue
        at = full.get((like.user_id, like.liked))
        items.append(ProfileLikedByItem(user_id=profile.user_id, nickname=profile.nickname,
                                        age=_year() - int(profile.birth_year), city_name=CITIES.get(profile.city, ""),
                                        cover_url=storage.view_url(profile.cover or ""),
                                        liked_at=at.at if at else ""))
    return ProfileLikedByPage(items=items, next_cursor=encode_cursor(last_key, bound_to=bound))


NOTIFY_TEMPLATES = {
    # template id of both mini-programs → how the message's data becomes the template's short fields
    "photo_rejected": lambda data: {"thing1": "照片未通过审核", "thing2": str(data.get("reason", ""))[:20]},
    "mutual_like": lambda data: {"thing1": "互相心动", "thing2": "你们互相心动了，去打个招呼吧"},
}


def deliver_notification(message: dict[str, Any]) -> bool:
    """Push one notification through the member's mini-program (WeChat/Alipay subscribe message).
    What they see in the app (photo status and reason, mutual likes) is already stored; a member
    without a mini-program channel or a refused subscription is not an error."""
    from chalicelib.accounts.logic import notify_person
    from chalicelib.platform.observability import logger

    template = message.get("template", "")
    outcome = "no_channel" if template not in NOTIFY_TEMPLATES else notify_person(
        message["user_id"], template, NOTIFY_TEMPLATES[template](message.get("data", {})), message.get("page"))
    if outcome == "no_channel":
        logger.info("profiles notification kept in-app only", extra={"template": template})
    return outcome == "sent"
