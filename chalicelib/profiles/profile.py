"""光年间 profiles, the profile: saving it and its privacy, the member's own view, another member's
profile and card (with who may see whom).
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import NotFound
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.queues import send

from . import storage
from .models import (
    Photo,
    Profile,
    blocks_of,
    get_profile,
    get_recommendations,
    photos_of,
)
from .schemas import (
    MemberCard,
    MemberProfileView,
    MyProfileView,
    PhotoView,
    PrivacyInput,
    ProfileInput,
    Vocabulary,
)
from .screening import check_text
from .specs import INDEX_QUEUE, MATCH_QUEUE
from .vocabulary import (
    CITIES,
    DISTRICTS,
    EDUCATION,
    HOBBIES,
    SPORTS,
    label,
)

MAX_PHOTOS = 6
ACTIVITY_REFRESH = timedelta(hours=1)      # browsing moves a member up "recently active" at most hourly
READ_BUDGET_FACTOR = 2                     # items read per browse page ≤ 2 × page size
TOP_RECOMMENDATIONS = 10
KEEP_RECOMMENDATIONS = 30
PHOTO_STATUS_TEXT = {
    "uploading": "等待上传", "pending_review": "审核中", "approved": "已通过",
    "rejected": "未通过审核", "invalid": "文件无效",
}


def vocabulary() -> Vocabulary:
    return Vocabulary(hobbies=HOBBIES, sports=SPORTS, education=EDUCATION, cities=CITIES, districts=DISTRICTS)


def interests_of(user_id: str) -> list[str]:
    """A member's hobbies and sports (vocabulary codes), for other features' suggestions
    (social's interest planets); empty without a profile."""
    try:
        return Profile.get(user_id).interests
    except Profile.DoesNotExist:
        return []


def interest_label(code: str) -> str | None:
    """The Chinese label of a hobby or sport code; None for a code outside the vocabulary."""
    return HOBBIES.get(code) or SPORTS.get(code)


def _year() -> int:
    return clock.today_shanghai().year


# --- profile ---------------------------------------------------------------------------------

def _enterprise_name(org_path: str) -> str:
    from chalicelib.orgs import logic as orgs

    try:
        return orgs.get_node(org_path).name if org_path else ""
    except NotFound:
        return ""


def _request_reindex(user_id: str) -> None:
    send(INDEX_QUEUE, {"user_id": user_id}, group_id=user_id, dedup_id=uuid.uuid4().hex)


def _request_rematch(user_id: str) -> None:
    send(MATCH_QUEUE, {"user_id": user_id})


def save_profile(principal: Principal, body: ProfileInput) -> MyProfileView:
    """Create or replace the caller's profile; the index and matches follow asynchronously."""
    for i, tag in enumerate(body.free_tags):
        check_text(f"free_tags.{i}", tag)
    if body.intro:
        check_text("intro", body.intro)
    now = clock.now_iso()
    seeking = body.seeking.model_dump()
    with transaction() as tx:
        tx.update(Profile(principal.user_id), actions=[
            Profile.complete.set(True), Profile.nickname.set(body.nickname), Profile.gender.set(body.gender),
            Profile.birth_year.set(body.birth_year), Profile.height_cm.set(body.height_cm),
            Profile.hometown.set(body.hometown), Profile.education.set(body.education),
            Profile.industry.set(body.industry), Profile.job.set(body.job), Profile.city.set(body.city),
            Profile.district.set(body.district), Profile.hobbies.set(body.hobbies), Profile.sports.set(body.sports),
            Profile.free_tags.set(body.free_tags), Profile.intro.set(body.intro), Profile.seeking.set(seeking),
            Profile.org_path.set(principal.org_path), Profile.enterprise_name.set(_enterprise_name(principal.org_path)),
            Profile.last_active_at.set(now), Profile.updated_at.set(now),
        ])
        publish("profiles", "ProfileUpdated", data={"user_id": principal.user_id}, org=principal.org_path,
                actor=actor_of(principal), tx=tx)
    _request_reindex(principal.user_id)
    _request_rematch(principal.user_id)
    return my_profile(principal)


def update_privacy(principal: Principal, body: PrivacyInput) -> MyProfileView:
    profile = get_profile(principal.user_id)
    if profile is None or not profile.complete:
        raise NotFound("请先填写个人资料", code="PROFILE_NOT_FOUND")
    actions = []
    if body.hide_from_colleagues is not None:
        actions.append(Profile.hide_from_colleagues.set(body.hide_from_colleagues))
    if body.hide_enterprise is not None:
        actions.append(Profile.hide_enterprise.set(body.hide_enterprise))
    if body.paused is not None:
        actions.append(Profile.paused.set(body.paused))
    if actions:
        profile.update(actions=[*actions, Profile.updated_at.set(clock.now_iso())])
        _request_reindex(principal.user_id)
        if body.paused is not None:
            _request_rematch(principal.user_id)
    return my_profile(principal)


def _visibility_text(profile: Profile | None) -> str:
    if profile is None or not profile.complete:
        return "还没有填写资料"
    if not profile.active:
        return "完成实名和单位认证后，资料才会展示给其他会员"
    if profile.paused:
        return "你已暂停展示资料"
    return "资料展示中"


def _photo_view(photo: Photo) -> PhotoView:
    show = photo.status in ("pending_review", "approved")
    return PhotoView(photo_id=photo.photo_id, status=photo.status, status_text=PHOTO_STATUS_TEXT[photo.status],  # type: ignore[arg-type]
                     reason=photo.reason, thumb_url=storage.view_url(photo.thumb_key) if show else "",
                     display_url=storage.view_url(photo.display_key) if show else "")


def my_profile(principal: Principal) -> MyProfileView:
    profile = get_profile(principal.user_id, consistent=True)
    photos = [_photo_view(p) for p in _live_photos(principal.user_id)]
    if profile is None:
        return MyProfileView(user_id=principal.user_id, complete=False, active=False, visible=False,
                             visibility_text=_visibility_text(None), photos=photos)
    return MyProfileView(
        user_id=profile.user_id, complete=profile.complete, active=profile.active, visible=profile.visible,
        visibility_text=_visibility_text(profile), nickname=profile.nickname, gender=profile.gender,
        birth_year=int(profile.birth_year), height_cm=int(profile.height_cm), hometown=profile.hometown,
        education=profile.education, industry=profile.industry, job=profile.job, city=profile.city,
        district=profile.district, hobbies=list(profile.hobbies), sports=list(profile.sports),
        free_tags=list(profile.free_tags), intro=profile.intro, seeking=dict(profile.seeking or {}),
        enterprise_name=profile.enterprise_name, hide_from_colleagues=profile.hide_from_colleagues,
        hide_enterprise=profile.hide_enterprise, paused=profile.paused, photos=photos)


def _card_data(profile: Profile, cover_key: str) -> dict[str, Any]:
    return {
        "nickname": profile.nickname, "gender": profile.gender, "birth_year": int(profile.birth_year),
        "height_cm": int(profile.height_cm), "city": profile.city, "district": profile.district,
        "education": profile.education, "job": profile.job, "hobbies": list(profile.hobbies),
        "sports": list(profile.sports), "org_path": profile.org_path,
        "hide_colleagues": bool(profile.hide_from_colleagues), "cover": cover_key,
        "last_active_at": profile.last_active_at,
    }


def _card(user_id: str, data: dict[str, Any]) -> MemberCard:
    city, district = data.get("city", ""), data.get("district", "")
    hobbies, sports = list(data.get("hobbies", [])), list(data.get("sports", []))
    return MemberCard(
        user_id=user_id, nickname=data.get("nickname", ""), gender=data.get("gender", ""),
        age=_year() - int(data.get("birth_year", 0)), height_cm=int(data.get("height_cm", 0)), city=city,
        city_name=CITIES.get(city, ""), district=district, district_name=DISTRICTS.get(city, {}).get(district, ""),
        education=data.get("education", ""), job=data.get("job", ""), hobbies=hobbies, sports=sports,
        interest_names=[label(c) for c in hobbies + sports], cover_url=storage.view_url(data.get("cover", "")),
        last_active_at=data.get("last_active_at", ""))


def _hidden_between(viewer: Principal, target: Profile | dict[str, Any], blocks: set[str], *,
                    hide_colleagues: bool = False) -> bool:
    """Blocked pairs and same-enterprise colleagues (when either side asked) never see each other."""
    if isinstance(target, Profile):
        uid, org, target_hides = target.user_id, target.org_path, bool(target.hide_from_colleagues)
    else:
        uid, org, target_hides = target["user_id"], target.get("org_path", ""), bool(target.get("hide_colleagues"))
    if uid == viewer.user_id or uid in blocks:
        return True
    same_org = bool(org) and org == viewer.org_path
    return same_org and (target_hides or hide_colleagues)


def member_profile(principal: Principal, user_id: str) -> MemberProfileView:
    """Another member's full profile: 404 when not visible, blocked or a hiding colleague."""
    target = get_profile(user_id)
    if target is None or not target.visible or _hidden_between(principal, target, blocks_of(principal.user_id)):
        raise NotFound("找不到该会员或对方暂未展示资料", code="MEMBER_NOT_FOUND")
    photos = [p for p in _live_photos(user_id) if p.status == "approved"]
    cover = photos[0].thumb_key if photos else ""
    card = _card(user_id, _card_data(target, cover))
    recs = get_recommendations(principal.user_id)
    reason = next((r["reason"] for r in (recs.items if recs else []) if r["user_id"] == user_id), None)
    return MemberProfileView(
        **card.model_dump(), hometown=target.hometown, industry=target.industry,
        enterprise_name=None if target.hide_enterprise else target.enterprise_name,
        free_tags=list(target.free_tags), intro=target.intro, photos=[_photo_view(p) for p in photos],
        match_reason=reason)


# --- photos ----------------------------------------------------------------------------------

def _live_photos(user_id: str) -> list[Photo]:
    """The member's photos, releasing slots of uploads that never arrived."""
    photos = []
    expired = clock.now() - timedelta(seconds=storage.UPLOAD_EXPIRES + 300)
    for photo in photos_of(user_id):
        if photo.status == "uploading" and clock.parse(photo.created_at) < expired:
            _drop_photo(photo, release=True)
            continue
        if photo.status != "invalid" or photo.reason:
            photos.append(photo)
    photos.sort(key=lambda p: p.created_at)
    return photos


def _drop_photo(photo: Photo, *, release: bool) -> None:
    try:
        photo.delete(condition=Photo.version == photo.version)
    except Exception:  # someone else changed it meanwhile; leave it to them
        return
    if release:
        _release_slot(photo.user_id)


def _release_slot(user_id: str) -> None:
    try:
        Profile(user_id).update(actions=[Profile.photo_slots.add(-1)], condition=Profile.photo_slots > 0)
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
