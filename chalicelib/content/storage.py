"""Article images: a presigned POST to the uploads bucket under ``content/<uploader>/``;
articles keep the keys only (bodies reference them as ``/media/<key>``)."""
from __future__ import annotations

import uuid
from typing import Any

from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

MAX_IMAGE_BYTES = 5 * 1024 * 1024
CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def image_upload(uploader: str, content_type: str, *, expires: int = 600) -> dict[str, Any]:
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in uploader)[:64]
    key = f"content/{safe}/{uuid.uuid4().hex}.{CONTENT_TYPES[content_type]}"
    post = client("s3").generate_presigned_post(
        Bucket=get_settings().uploads_bucket, Key=key, Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, MAX_IMAGE_BYTES]],
        ExpiresIn=expires)
    return {"key": key, "url": post["url"], "fields": post["fields"], "expires_in": expires}
