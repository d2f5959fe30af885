"""光年间 profiles, photos: presigned uploads, the S3-event check, deleting, and the union staff's
review (the decision and its event in one transaction).
"""
from __future__ import annotations

import uuid

from pynamodb.exceptions import UpdateError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from . import images, storage
from .models import (
    Photo,
    Profile,
    get_photo,
    pending_photos,
)
from .profile import MAX_PHOTOS, _live_photos, _photo_view, _release_slot, _request_reindex, my_profile
from .schemas import (
    MyProfileView,
    PendingPhoto,
    PendingPhotoPage,
    PhotoDecision,
    PhotoView,
    UploadRequest,
    UploadTicket,
)


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
    status, reason = ("approved", "") if approved else ("rejected", decision.reason)
    at = clock.now_iso()
    # the review and its event are one transaction (the outbox): no event for a lost race
    with dynamo_errors(Conflict("这张照片已经审核过了", code="PHOTO_ALREADY_REVIEWED")), transaction() as tx:
        tx.update(photo, actions=[
            Photo.status.set(status), Photo.reason.set(reason),
            Photo.reviewed_by.set(principal.user_id), Photo.reviewed_at.set(at),
            Photo.review_queue.remove(), Photo.review_sort.remove(),
        ], condition=Photo.status == "pending_review")
        publish("profiles", "PhotoReviewed", data={"user_id": user_id, "photo_id": photo_id,
                                                   "decision": decision.decision},
                org=photo.org_path, actor=actor_of(principal), tx=tx)
    photo.status, photo.reason, photo.reviewed_by, photo.reviewed_at = status, reason, principal.user_id, at
    photo.review_queue = photo.review_sort = None
    if approved:
        _request_reindex(user_id)
    else:
        _release_slot(user_id)
        from .likes import tell

        tell(user_id, "photo_rejected", f"photo-rejected:{photo_id}", {"reason": decision.reason},
             "pages/profile/photos")
    return _photo_view(photo)
