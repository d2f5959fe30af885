"""The S3 seam for centre and room photos: a presigned POST limited to one key under the centre,
one image type and a size; a check that an uploaded key is really there; a short-lived view URL."""
from __future__ import annotations

from typing import Any

from chalicelib.platform import bucket
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

EXPIRES_IN = 900
VIEW_SECONDS = 3600
MAX_PHOTO_BYTES = 5 * 1024 * 1024
CONTENT_TYPES = {"image/jpeg": "jpg", "image/png": "png", "image/webp": "webp"}


def presign_upload(key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    return bucket.presign_upload(key, content_type, max_bytes, expires_in=EXPIRES_IN)


def uploaded(key: str) -> bool:
    from botocore.exceptions import ClientError

    try:
        client("s3").head_object(Bucket=get_settings().uploads_bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise
    return True


def view_url(key: str) -> str:
    return str(client("s3").generate_presigned_url("get_object", Params={
        "Bucket": get_settings().uploads_bucket, "Key": key}, ExpiresIn=VIEW_SECONDS))
