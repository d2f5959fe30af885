"""光年间 profiles, likes (互相心动): a like, a match when it is mutual, and its notice.
"""
from __future__ import annotations

from pynamodb.exceptions import PutError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import batch_get_tables
from chalicelib.platform.errors import Forbidden, NotFound
from chalicelib.platform.pagination import decode_cursor, encode_cursor

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
                tell(who, "mutual_like", f"mutual-like:{who}:{other}", {"other": other}, f"pages/member/{other}")
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
    # template id of both mini-programs → (inbox title, the template's short fields from the data)
    "photo_rejected": ("照片未通过审核", lambda data: {"thing1": "照片未通过审核",
                                                  "thing2": str(data.get("reason", ""))[:20]}),
    "mutual_like": ("互相心动", lambda data: {"thing1": "互相心动", "thing2": "你们互相心动了，去打个招呼吧"}),
}


def tell(user_id: str, template: str, dedup_key: str, data: dict[str, str], page: str) -> None:
    """Tell the member through the one notice path: an inbox item (kind ``profiles``, once per
    ``dedup_key``) and a subscribe message through their mini-program, pushed once by the inbox."""
    from chalicelib.platform.notices import NoticePush, request_notice

    title, fields = NOTIFY_TEMPLATES[template]
    short = fields(data)
    request_notice(user_id, kind="profiles", title=title, body=short["thing2"], link=page, dedup_key=dedup_key,
                   occurred_at=clock.now_iso(), meta={"template": template},
                   push=NoticePush(template=template, data=short, page=page))
