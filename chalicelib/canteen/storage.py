"""Dish photos: a presigned POST to the uploads bucket; dishes keep the S3 keys only."""
from __future__ import annotations

import uuid
from typing import Any

from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

MAX_PHOTO_BYTES = 5 * 1024 * 1024
PREFIX = "canteen/"
CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def photo_upload(canteen_id: str, content_type: str, *, expires: int = 600) -> dict[str, Any]:
    key = f"{PREFIX}{canteen_id}/{uuid.uuid4().hex}.{CONTENT_TYPES[content_type]}"
    post = client("s3").generate_presigned_post(
        Bucket=get_settings().uploads_bucket, Key=key, Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, MAX_PHOTO_BYTES]],
        ExpiresIn=expires)
    return {"key": key, "url": post["url"], "fields": post["fields"], "expires_in": expires}


def is_photo_key_of(canteen_id: str, key: str) -> bool:
    return key.startswith(f"{PREFIX}{canteen_id}/") and ".." not in key and \
        key.rsplit(".", 1)[-1] in CONTENT_TYPES.values()
