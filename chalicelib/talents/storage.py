"""The S3 seam for talent declarations: presigned POSTs for certificates, awards and bulk files,
which of them arrived, and reading then deleting a bulk file (it holds plain ID numbers, so it
lives under the bucket's expiring prefix and is deleted as soon as it is read)."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.platform import bucket
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

EXPIRES_IN = 900


def presign_upload(key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    """A presigned POST limited to one key, one content type and ``max_bytes``."""
    return bucket.presign_upload(key, content_type, max_bytes, expires_in=EXPIRES_IN)


def keys_under(prefix: str) -> set[str]:
    """Every object key under ``prefix`` (one ListObjectsV2 per 1,000 keys)."""
    return bucket.keys_under(prefix)


def read(key: str, max_bytes: int) -> bytes | None:
    """The object's bytes, or None when it is not there; larger than ``max_bytes`` → b""."""
    s3 = client("s3")
    try:
        head = s3.head_object(Bucket=get_settings().uploads_bucket, Key=key)
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return None
        raise
    if int(head.get("ContentLength", 0)) > max_bytes:
        return b""
    return bytes(s3.get_object(Bucket=get_settings().uploads_bucket, Key=key)["Body"].read())


def delete(key: str) -> None:
    client("s3").delete_object(Bucket=get_settings().uploads_bucket, Key=key)
