"""光年间: profiles, photos, browsing, blocks, likes and smart matching.

Only active members (identity's ``MemberActivated``) who completed a profile and did not pause
it are visible. Browsing reads the denormalised browse index (models.py explains the keys)
that ``reindex`` — run by the index queue consumer — keeps in step with each profile.
"""
from __future__ import annotations

import hashlib
import heapq
import json
import uuid
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import PutError, UpdateError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.concurrency import gather
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.platform.queues import send

from . import images, storage
from .matching import Match, MatchIndex, Member
from .models import (
    BrowseEntry,
    Like,
    Photo,
    Profile,
    Recommendations,
    blocks_of,
    get_many_recommendations,
    get_photo,
    get_profile,
    get_profiles,
    get_recommendations,
    like_exists,
    pending_photos,
    photos_of,
    pool_members,
    query_entries,
    rewrite_entries,
    save_block_pair,
    save_recommendations,
)
from .schemas import (
    MAX_AGE_SPAN,
    BrowsePage,
    BrowseQuery,
    BrowseStats,
    LikeResult,
    MemberCard,
    MemberProfileView,
    MyProfileView,
    PendingPhoto,
    PendingPhotoPage,
    PhotoDecision,
    PhotoView,
    PrivacyInput,
    ProfileInput,
    Recommendation,
    RecommendationList,
    UploadRequest,
    UploadTicket,
    Vocabulary,
)
from .screening import check_text
from .specs import INDEX_QUEUE, MATCH_QUEUE
from .vocabulary import (
    CITIES,
    DISTRICTS,
    EDUCATION,
    GENDERS,
    HOBBIES,
    PROVINCE,
    SPORTS,
    band_of,
    bands_between,
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


# --- the browse index (run by the index queue consumer) ---------------------------------------

def _scopes(profile: Profile) -> list[str]:
    scopes = [f"p:{PROVINCE}", f"c:{profile.city}"]
    if profile.district:
        scopes.append(f"d:{profile.city}/{profile.district}")
    return scopes


def _partition(scope: str, gender: str, band: int, interest: str | None = None) -> str:
    base = f"{scope}|{gender}|{band}"
    return f"{base}|i:{interest}" if interest else base


def index_entries(profile: Profile, cover_key: str) -> list[BrowseEntry]:
    """Every entry a visible member has in the browse index (none when not visible)."""
    if not profile.visible:
        return []
    sk = f"{profile.last_active_at}#{profile.user_id}"
    card = _card_data(profile, cover_key)
    band = band_of(int(profile.birth_year))
    entries = []
    for scope in _scopes(profile):
        for interest in [None, *profile.interests]:
            entries.append(BrowseEntry(_partition(scope, profile.gender, band, interest), sk,
                                       user_id=profile.user_id, card=card))
    return entries


def reindex(user_id: str) -> int:
    """Make the member's browse entries and matching pool match their profile. Idempotent:
    it recomputes from the current state, so a redelivered message rewrites the same items."""
    profile = get_profile(user_id, consistent=True)
    if profile is None:
        return 0
    approved = [p for p in photos_of(user_id) if p.status == "approved"]
    approved.sort(key=lambda p: p.created_at)
    cover = approved[0].thumb_key if approved else ""
    desired = index_entries(profile, cover)
    old = [tuple(k.split("\t", 1)) for k in (profile.indexed or [])]
    wanted = [f"{e.pk}\t{e.sk}" for e in desired]
    # Record the union first: if we crash between writes, the next run still knows every key.
    union = list(dict.fromkeys([*profile.indexed, *wanted]))
    if union != list(profile.indexed or []):
        profile.update(actions=[Profile.indexed.set(union)])
    rewrite_entries([(pk, sk) for pk, sk in old], desired)  # type: ignore[misc]
    pool = f"{profile.city}|{profile.gender}" if profile.visible else None
    actions: list[Any] = [Profile.indexed.set(wanted), Profile.cover.set(cover),
                          Profile.pool.set(pool) if pool else Profile.pool.remove()]
    card = f"{profile.nickname}\t{cover}"
    if card == (profile.card or ""):
        profile.update(actions=actions)
        return len(desired)
    # The name and picture other features show beside the member's posts, chats and reports
    # changed: tell them, in the same transaction as the change (the outbox).
    with transaction() as tx:
        tx.update(profile, actions=[*actions, Profile.card.set(card)])
        publish("profiles", "ProfileCardChanged",
                data={"user_id": user_id, "nickname": profile.nickname, "cover": cover},
                org=profile.org_path, tx=tx)
    return len(desired)


# --- membership (identity's events) and blocks (social's events) ----------------------------

def set_membership(user_id: str, active: bool, at: str) -> bool:
    """Apply MemberActivated / MemberDeactivated. The newest event wins, so redelivered or
    out-of-order events change nothing. Returns whether anything changed."""
    profile = Profile(user_id)
    try:
        profile.update(
            actions=[Profile.active.set(active), Profile.active_changed_at.set(at)],
            condition=Profile.active_changed_at.does_not_exist() | (Profile.active_changed_at < at))
    except UpdateError as exc:
        if exc.cause_response_code == "ConditionalCheckFailedException":
            return False
        raise
    if profile.complete:        # (the update returned the whole item) no profile yet: nothing to index
        _request_reindex(user_id)
        _request_rematch(user_id)
    return True


def mark_active_for_demo(user_id: str) -> None:
    """Local demo only: identity's own demo walks the real verification path."""
    set_membership(user_id, True, clock.now_iso())


def hide_pair(a: str, b: str) -> None:
    """After a block, neither member sees the other in browse, profiles or recommendations."""
    if a == b:
        return
    save_block_pair(a, b, clock.now_iso())


# --- browse ----------------------------------------------------------------------------------

def _maybe_touch(profile: Profile | None) -> None:
    if profile is None or not profile.complete:
        return
    last = clock.parse(profile.last_active_at) if profile.last_active_at else None
    if last is None or clock.now() - last >= ACTIVITY_REFRESH:
        profile.update(actions=[Profile.last_active_at.set(clock.now_iso())])
        if profile.visible:
            _request_reindex(profile.user_id)


def _bound(principal: Principal, query: BrowseQuery, genders: list[str]) -> str:
    params = query.model_dump(exclude={"cursor"})
    params["genders"] = genders
    digest = hashlib.sha256(json.dumps(params, sort_keys=True).encode()).hexdigest()[:24]
    return f"browse:{principal.user_id}:{digest}"


def browse(principal: Principal, query: BrowseQuery) -> BrowsePage:
    """One page of members matching the filters, with a bounded number of items read."""
    me, blocks = gather(lambda: get_profile(principal.user_id), lambda: blocks_of(principal.user_id))
    _maybe_touch(me)
    seeking = dict(me.seeking or {}) if me is not None else {}
    genders: list[str]
    if query.gender:
        genders = [query.gender]
    elif seeking.get("gender"):
        genders = [seeking["gender"]]
    else:
        genders = list(GENDERS)
    age_min = query.age_min if query.age_min is not None else int(seeking.get("age_min", 22))
    age_max = query.age_max if query.age_max is not None else int(seeking.get("age_max", 40))
    if query.age_max is None:
        age_max = min(max(age_max, age_min), age_min + MAX_AGE_SPAN)
    if query.age_min is None:
        age_min = max(min(age_min, age_max), age_max - MAX_AGE_SPAN)
    if age_min > age_max or age_max - age_min > MAX_AGE_SPAN:
        raise ValidationFailed(f"年龄范围应在 {MAX_AGE_SPAN} 岁以内，且下限不大于上限", code="AGE_RANGE_INVALID")
    query = query.model_copy(update={"age_min": age_min, "age_max": age_max})
    bound = _bound(principal, query, genders)
    position = decode_cursor(query.cursor, bound_to=bound)
    if query.order == "score":
        return _browse_by_score(principal, query, blocks, position=position, bound=bound)
    return _browse_recent(principal, query, genders, blocks, position=position, bound=bound)


def _passes(query: BrowseQuery, card: dict[str, Any], first_year: int, last_year: int) -> bool:
    if not first_year <= int(card.get("birth_year", 0)) <= last_year:
        return False
    if query.city and card.get("city") != query.city:
        return False
    if query.district and card.get("district") != query.district:
        return False
    wanted = set(query.hobbies) | set(query.sports)
    held = set(card.get("hobbies", [])) | set(card.get("sports", []))
    if wanted and query.match == "all" and not wanted <= held:
        return False
    return not (wanted and query.match == "any" and not wanted & held)


def _browse_recent(principal: Principal, query: BrowseQuery, genders: list[str], blocks: set[str], *,
                   position: dict[str, Any] | None, bound: str) -> BrowsePage:
    year = _year()
    first_year, last_year = year - int(query.age_max or 0), year - int(query.age_min or 0)
    scope = (f"d:{query.city}/{query.district}" if query.district
             else f"c:{query.city}" if query.city else f"p:{PROVINCE}")
    interests = [*query.hobbies, *query.sports]
    keyed: list[str | None] = list(interests if query.match == "any" else interests[:1])
    partitions = [_partition(scope, g, b, i) for g in genders for b in bands_between(first_year, last_year)
                  for i in keyed or [None]]
    budget = READ_BUDGET_FACTOR * query.limit
    if len(partitions) > budget:
        raise ValidationFailed("筛选条件组合过多，请缩小年龄范围或减少兴趣", code="BROWSE_TOO_BROAD")
    frontier: str | None = position.get("after") if position else None
    done: set[int] = set(position.get("done", [])) if position else set()

    # k-way merge, newest activity first. Every partition resumes below the same frontier
    # (the last sort key consumed), which also drops the duplicates any-of filters produce.
    chunk = max(1, budget // (2 * len(partitions)))
    buffers: dict[int, list[BrowseEntry]] = {}
    read = queries = 0

    def fill(i: int, after: str | None) -> None:
        size = min(chunk, budget - read)
        entries, exhausted = query_entries(partitions[i], after_sk=after, limit=size)
        took(i, entries, exhausted)

    def took(i: int, entries: list[BrowseEntry], exhausted: bool) -> None:
        nonlocal read, queries
        read += len(entries)
        queries += 1
        buffers[i] = entries[::-1]          # pop() from the end = newest first
        if exhausted:
            done.add(i)

    def fill_all(indices: list[int], after: str | None) -> None:
        """The partitions' next chunks in parallel, when each gets a whole chunk within the
        budget (then exactly what filling them one by one would read)."""
        for i, (entries, exhausted) in zip(indices, gather(*[
                (lambda i=i: query_entries(partitions[i], after_sk=after, limit=chunk)) for i in indices]),
                strict=True):
            took(i, entries, exhausted)

    fill_all([i for i in range(len(partitions)) if i not in done], frontier)  # chunk × partitions ≤ budget / 2
    items: list[MemberCard] = []
    seen: set[str] = set()
    stopped = False
    while len(items) < query.limit:
        starving = [i for i in range(len(partitions)) if i not in done and not buffers.get(i)]
        if starving and read + chunk * len(starving) <= budget:
            fill_all(starving, frontier)
            starving = []
        for i in starving:
            if read >= budget:
                stopped = True
                break
            last = frontier
            fill(i, last)
        if stopped:
            break
        heads = [(buffers[i][-1].sk, i) for i in buffers if buffers[i]]
        if not heads:
            break
        sk, i = max(heads)
        entry = buffers[i].pop()
        frontier = sk
        if entry.user_id in seen:
            continue
        seen.add(entry.user_id)
        card = dict(entry.card)
        card["user_id"] = entry.user_id
        if _hidden_between(principal, card, blocks, hide_colleagues=query.hide_colleagues):
            continue
        if not _passes(query, card, first_year, last_year):
            continue
        items.append(_card(entry.user_id, card))
    # A partition is finished for the next page only once nothing of it is left unconsumed.
    finished = sorted(i for i in done if not buffers.get(i))
    more = len(finished) < len(partitions)
    cursor = encode_cursor({"after": frontier, "done": finished}, bound_to=bound) if more and frontier else None
    return BrowsePage(items=items, next_cursor=cursor, stats=BrowseStats(items_read=read, queries=queries))


def _browse_by_score(principal: Principal, query: BrowseQuery, blocks: set[str], *,
                     position: dict[str, Any] | None, bound: str) -> BrowsePage:
    year = _year()
    first_year, last_year = year - int(query.age_max or 0), year - int(query.age_min or 0)
    recs = get_recommendations(principal.user_id)
    ranked = list(recs.items) if recs else []
    offset = int(position.get("offset", 0)) if position else 0
    budget = READ_BUDGET_FACTOR * query.limit - 1       # one read for the recommendations item
    window = ranked[offset: offset + budget]
    profiles = get_profiles(r["user_id"] for r in window)
    items: list[MemberCard] = []
    consumed = 0
    for rec in window:
        consumed += 1
        profile = profiles.get(rec["user_id"])
        if profile is None or not profile.visible or _hidden_between(
                principal, profile, blocks, hide_colleagues=query.hide_colleagues):
            continue
        data = _card_data(profile, profile.cover)
        if query.gender and profile.gender != query.gender:
            continue
        if not _passes(query, data, first_year, last_year):
            continue
        items.append(_card(profile.user_id, data))
        if len(items) == query.limit:
            break
    next_offset = offset + consumed
    cursor = encode_cursor({"offset": next_offset}, bound_to=bound) if next_offset < len(ranked) else None
    return BrowsePage(items=items, next_cursor=cursor,
                      stats=BrowseStats(items_read=1 + len(profiles), queries=2 if window else 1))


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


def start_upload(principal: Principal, body: UploadRequest) -> UploadTicket:
    """Reserve one of six photo slots (conditional write) and hand out a presigned POST."""
    _live_photos(principal.user_id)
    with dynamo_errors(Conflict(f"最多上传 {MAX_PHOTOS} 张照片，请先删除不需要的照片", code="PHOTO_LIMIT")):
        Profile(principal.user_id).update(
            actions=[Profile.photo_slots.add(1)],
            condition=Profile.photo_slots.does_not_exist() | (Profile.photo_slots < MAX_PHOTOS))
    photo_id = uuid.uuid4().hex[:16]
    Photo(principal.user_id, photo_id, status="uploading", content_type=body.content_type,
          declared_size=body.size_bytes, org_path=principal.org_path, created_at=clock.now_iso()).save()
    post = storage.presigned_upload(principal.user_id, photo_id, body.content_type, storage.MAX_UPLOAD_BYTES)
    return UploadTicket(photo_id=photo_id, url=post["url"], fields={k: str(v) for k, v in post["fields"].items()},
                        max_bytes=storage.MAX_UPLOAD_BYTES, expires_in=storage.UPLOAD_EXPIRES)


def process_upload(key: str) -> str:
    """The S3 event Lambda's work: verify, strip metadata, make the two sizes, queue for review.
    Returns the photo's new status (or "ignored"). The original is always deleted."""
    parsed = storage.parse_original_key(key)
    if parsed is None:
        return "ignored"
    user_id, photo_id = parsed
    photo = get_photo(user_id, photo_id)
    if photo is None or photo.status != "uploading":
        storage.delete_object(key)       # no reservation, or already handled (redelivery)
        return "ignored"
    found = storage.read_original(key)
    if found is None:
        return "ignored"
    data, size = found
    try:
        if size > storage.MAX_UPLOAD_BYTES:
            raise images.NotAnImage("照片超过 8MB，请压缩后再上传")
        clean = images.clean(data, declared_type=photo.content_type)
    except images.NotAnImage as exc:
        with dynamo_errors():
            photo.update(actions=[Photo.status.set("invalid"), Photo.reason.set(exc.reason),
                                  Photo.uploaded_at.set(clock.now_iso())],
                         condition=Photo.status == "uploading")
        _release_slot(user_id)
        storage.delete_object(key)
        return "invalid"
    thumb, display = storage.size_key(user_id, photo_id, "thumb"), storage.size_key(user_id, photo_id, "display")
    storage.put_jpeg(thumb, clean.thumb)
    storage.put_jpeg(display, clean.display)
    now = clock.now_iso()
    try:
        photo.update(actions=[
            Photo.status.set("pending_review"), Photo.thumb_key.set(thumb), Photo.display_key.set(display),
            Photo.width.set(clean.width), Photo.height.set(clean.height), Photo.uploaded_at.set(now),
            Photo.review_queue.set("pending"), Photo.review_sort.set(f"{photo.org_path}/#{now}#{photo_id}"),
        ], condition=Photo.status == "uploading")
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise
    storage.delete_object(key)
    return "pending_review"


def delete_photo(principal: Principal, photo_id: str) -> MyProfileView:
    photo = get_photo(principal.user_id, photo_id)
    if photo is None:
        raise NotFound("找不到该照片", code="PHOTO_NOT_FOUND")
    with dynamo_errors(Conflict("照片状态刚刚发生变化，请刷新后重试", code="PHOTO_CHANGED")):
        photo.delete(condition=Photo.version == photo.version)
    if photo.status in ("uploading", "pending_review", "approved"):
        _release_slot(principal.user_id)
    if photo.status == "approved":
        _request_reindex(principal.user_id)
    return my_profile(principal)


def pending_review(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> PendingPhotoPage:
    scope = org or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    bound = f"photo-review:{scope}"
    page = pending_photos(scope, limit=limit, start=decode_cursor(cursor, bound_to=bound))
    items = [PendingPhoto(user_id=p.user_id, photo_id=p.photo_id, org_path=p.org_path, uploaded_at=p.uploaded_at,
                          display_url=storage.view_url(p.display_key), thumb_url=storage.view_url(p.thumb_key))
             for p in page]
    return PendingPhotoPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def decide_photo(principal: Principal, user_id: str, photo_id: str, decision: PhotoDecision) -> PhotoView:
    """A union admin of the member's scope approves or rejects (with a reason). Two admins
    deciding at once: the first wins, the second gets 409."""
    photo = get_photo(user_id, photo_id)
    if photo is None or not principal.covers(photo.org_path):
        raise NotFound("找不到该照片", code="PHOTO_NOT_FOUND")
    if photo.status != "pending_review":
        raise Conflict("这张照片已经审核过了", code="PHOTO_ALREADY_REVIEWED")
    approved = decision.decision == "approve"
    with dynamo_errors(Conflict("这张照片已经审核过了", code="PHOTO_ALREADY_REVIEWED")):
        photo.update(actions=[
            Photo.status.set("approved" if approved else "rejected"),
            Photo.reason.set("" if approved else decision.reason),
            Photo.reviewed_by.set(principal.user_id), Photo.reviewed_at.set(clock.now_iso()),
            Photo.review_queue.remove(), Photo.review_sort.remove(),
        ], condition=Photo.status == "pending_review")
    if approved:
        _request_reindex(user_id)
    else:
        _release_slot(user_id)
        _tell(user_id, "photo_rejected", f"photo-rejected:{photo_id}", {"reason": decision.reason},
              "pages/profile/photos")
    publish("profiles", "PhotoReviewed", data={"user_id": user_id, "photo_id": photo_id,
                                               "decision": decision.decision},
            org=photo.org_path, actor=actor_of(principal))
    return _photo_view(photo)


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
                _tell(who, "mutual_like", f"mutual-like:{who}:{other}", {"other": other}, f"pages/member/{other}")
            return LikeResult(mutual=True, message="互相心动！你们可以开始聊天了")
    mutual = like_exists(user_id, principal.user_id)
    return LikeResult(mutual=mutual, message="互相心动！你们可以开始聊天了" if mutual else "已心动，等待对方回应")


NOTIFY_TEMPLATES = {
    # template id of both mini-programs → (inbox title, the template's short fields from the data)
    "photo_rejected": ("照片未通过审核", lambda data: {"thing1": "照片未通过审核",
                                                  "thing2": str(data.get("reason", ""))[:20]}),
    "mutual_like": ("互相心动", lambda data: {"thing1": "互相心动", "thing2": "你们互相心动了，去打个招呼吧"}),
}


def _tell(user_id: str, template: str, dedup_key: str, data: dict[str, str], page: str) -> None:
    """Tell the member through the one notice path: an inbox item (kind ``profiles``, once per
    ``dedup_key``) and a subscribe message through their mini-program, pushed once by the inbox."""
    from chalicelib.platform.notices import NoticePush, request_notice

    title, fields = NOTIFY_TEMPLATES[template]
    short = fields(data)
    request_notice(user_id, kind="profiles", title=title, body=short["thing2"], link=page, dedup_key=dedup_key,
                   occurred_at=clock.now_iso(), meta={"template": template},
                   push=NoticePush(template=template, data=short, page=page))


# --- smart matching --------------------------------------------------------------------------

def _member(profile: Profile) -> Member:
    seeking = dict(profile.seeking or {})
    return Member(user_id=profile.user_id, gender=profile.gender, birth_year=int(profile.birth_year),
                  city=profile.city, interests=frozenset(profile.interests),
                  seek_gender=seeking.get("gender") or "", age_min=int(seeking.get("age_min", 18)),
                  age_max=int(seeking.get("age_max", 65)), cities=frozenset(seeking.get("cities") or []),
                  must=frozenset(seeking.get("must_have") or []), nice=frozenset(seeking.get("nice_to_have") or []))


def _load_pools(cities: list[str], genders: list[str]) -> list[Profile]:
    return [p for c in cities for g in genders for p in pool_members(f"{c}|{g}")]


def _rows(matches: list[Match]) -> list[dict[str, Any]]:
    return [{"user_id": m.user_id, "score": m.score, "reason": m.reason, "shared": list(m.shared)} for m in matches]


def run_matching() -> dict[str, int]:
    """The scheduled job: everyone visible, two-sided scores, top recommendations with reasons.
    Reads members by pool (Query per city and gender), computes in memory near O(N·k)."""
    profiles = _load_pools(list(CITIES), list(GENDERS))
    members = [_member(p) for p in profiles]
    index = MatchIndex(members, _year())
    now = clock.now_iso()
    rows = []
    for i, member in enumerate(members):
        rows.append(Recommendations(member.user_id, items=_rows(index.top(i, TOP_RECOMMENDATIONS)), computed_at=now))
    save_recommendations(rows)
    return {"members": len(members), "pairs_scored": index.pairs_scored}


def rematch_member(user_id: str) -> int:
    """Incremental: a member changed (or joined, or left). Recompute their own list, and place
    them into (or drop them from) the lists of the members they would now match."""
    profile = get_profile(user_id, consistent=True)
    now = clock.now_iso()
    if profile is None or not profile.visible:
        save_recommendations([Recommendations(user_id, items=[], computed_at=now)])
        return 0
    me = _member(profile)
    cities = sorted(me.cities) if me.cities else list(CITIES)
    genders = [me.seek_gender] if me.seek_gender else list(GENDERS)
    others = [p for p in _load_pools(cities, genders) if p.user_id != user_id]
    members = [me, *(_member(p) for p in others)]
    index = MatchIndex(members, _year())
    mine = index.top(0, TOP_RECOMMENDATIONS)
    save_recommendations([Recommendations(user_id, items=_rows(mine), computed_at=now)])
    # The other side: members for whom this member now ranks among their best.
    theirs = get_many_recommendations(m.user_id for m in mine)
    changed = []
    for m in mine:
        back = index.score_pair(m.user_id, user_id)
        row = theirs.get(m.user_id) or Recommendations(m.user_id, items=[], computed_at=now)
        items = [r for r in row.items if r["user_id"] != user_id]
        if back is not None:
            items.append({"user_id": user_id, "score": back.score, "reason": back.reason, "shared": list(back.shared)})
        items = heapq.nlargest(KEEP_RECOMMENDATIONS, items, key=lambda r: r["score"])
        if items != list(row.items):
            row.items = items
            row.computed_at = now
            changed.append(row)
    save_recommendations(changed)
    return len(mine)


def recommendations(principal: Principal) -> RecommendationList:
    """The caller's recommendations, each with a reason they can read; hidden members drop out."""
    recs = get_recommendations(principal.user_id)
    if recs is None:
        return RecommendationList(items=[])
    ranked = list(recs.items)[:KEEP_RECOMMENDATIONS]
    profiles = get_profiles(r["user_id"] for r in ranked)
    blocks = blocks_of(principal.user_id)
    items = []
    for rec in ranked:
        profile = profiles.get(rec["user_id"])
        if profile is None or not profile.visible or _hidden_between(principal, profile, blocks):
            continue
        card = _card(profile.user_id, _card_data(profile, profile.cover))
        items.append(Recommendation(card=card, score=float(rec["score"]), reason=rec["reason"]))
        if len(items) == TOP_RECOMMENDATIONS:
            break
    return RecommendationList(items=items, computed_at=recs.computed_at)
