"""The S3 seam for post photos: presigned uploads into the uploads bucket under the
member's own prefix, and an existence check when a post names them."""
from __future__ import annotations

import uuid
from typing import Any

from botocore.exceptions import ClientError

from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

MAX_PHOTO_BYTES = 10 * 1024 * 1024
UPLOAD_SECONDS = 600
_EXT = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def prefix_of(user_id: str) -> str:
    return f"social/posts/{user_id}/"


def presign_upload(user_id: str, content_type: str) -> dict[str, Any]:
    key = f"{prefix_of(user_id)}{uuid.uuid4().hex}.{_EXT[content_type]}"
    post = client("s3").generate_presigned_post(
        Bucket=get_settings().uploads_bucket, Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, MAX_PHOTO_BYTES]],
        ExpiresIn=UPLOAD_SECONDS)
    return {"key": key, "url": post["url"], "fields": post["fields"], "max_bytes": MAX_PHOTO_BYTES}


def exists(key: str) -> bool:
    try:
        head = client("s3").head_object(Bucket=get_settings().uploads_bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound", "403"):
            return False
        raise
    return 0 < int(head.get("ContentLength", 0)) <= MAX_PHOTO_BYTES


def put_for_demo(key: str, data: bytes, content_type: str = "image/jpeg") -> None:
    """Local demo data only: place a photo as if the member had uploaded it."""
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=key, Body=data, ContentType=content_type)
