"""Photo files in the uploads bucket (S3 through the platform's client seam).

Originals arrive by presigned POST at ``photos/<user id>/<photo id>`` (the S3 event Lambda
reads them there); cleaned copies live at ``photo-sizes/<user id>/<photo id>/{thumb,display}.jpg``
— a different prefix, so writing them does not trigger the handler again. Members never get
bucket credentials: uploads use a presigned POST whose policy pins the key, the type and the
size, and viewing uses short-lived presigned GET links.
"""
from __future__ import annotations

from typing import Any

from chalicelib.platform import bucket
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

UPLOAD_PREFIX = "photos/"
SIZES_PREFIX = "photo-sizes/"
MAX_UPLOAD_BYTES = 8 * 1024 * 1024
MIN_UPLOAD_BYTES = 1024
UPLOAD_EXPIRES = 600
VIEW_EXPIRES = 3600


def original_key(user_id: str, photo_id: str) -> str:
    return f"{UPLOAD_PREFIX}{user_id}/{photo_id}"


def size_key(user_id: str, photo_id: str, size: str) -> str:
    return f"{SIZES_PREFIX}{user_id}/{photo_id}/{size}.jpg"


def parse_original_key(key: str) -> tuple[str, str] | None:
    if not key.startswith(UPLOAD_PREFIX):
        return None
    parts = key[len(UPLOAD_PREFIX):].split("/")
    return (parts[0], parts[1]) if len(parts) == 2 and all(parts) else None


def presigned_upload(user_id: str, photo_id: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    """A POST policy for exactly this key, this Content-Type and at most ``max_bytes``."""
    key = original_key(user_id, photo_id)
    post: dict[str, Any] = client("s3").generate_presigned_post(
        Bucket=get_settings().uploads_bucket, Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", MIN_UPLOAD_BYTES, max_bytes]],
        ExpiresIn=UPLOAD_EXPIRES)
    return post


def read_original(key: str, *, limit: int = MAX_UPLOAD_BYTES) -> tuple[bytes, int] | None:
    """The uploaded bytes (None when gone); refuses to read more than ``limit`` bytes."""
    s3 = client("s3")
    try:
        head = s3.head_object(Bucket=get_settings().uploads_bucket, Key=key)
    except s3.exceptions.ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    size = int(head["ContentLength"])
    if size > limit:
        return b"", size
    body = s3.get_object(Bucket=get_settings().uploads_bucket, Key=key)["Body"].read(limit + 1)
    return body, size


def delete_object(key: str) -> None:
    client("s3").delete_object(Bucket=get_settings().uploads_bucket, Key=key)


def put_jpeg(key: str, data: bytes) -> None:
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=key, Body=data, ContentType="image/jpeg",
                            CacheControl="private, max-age=86400")


def view_url(key: str) -> str:
    """A short-lived GET link (signed locally, no call to S3)."""
    return bucket.view_url(key, expires=VIEW_EXPIRES)
