"""光年间 profiles, likes (互相心动): a like, a match when it is mutual, and its notice.
"""
from __future__ import annotations

from typing import Any

from pynamodb.exceptions import PutError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import NotFound
from chalicelib.platform.queues import send

from .models import (
    Like,
    blocks_of,
    get_profile,
    like_exists,
)
from .profile import _hidden_between
from .schemas import (
    LikeResult,
)
from .specs import NOTIFY_QUEUE

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
