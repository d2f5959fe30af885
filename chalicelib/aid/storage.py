"""The S3 seam for aid documents: presigned uploads straight from the mini-program, and a
check that an uploaded object is really there before an application counts it."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.platform import bucket
from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

MAX_BYTES = 10 * 1024 * 1024
EXPIRES_IN = 900


def presign_upload(key: str, content_type: str) -> dict[str, Any]:
    """A presigned POST limited to one key, one content type and ``MAX_BYTES``."""
    return bucket.presign_upload(key, content_type, MAX_BYTES, expires_in=EXPIRES_IN)


def exists(key: str) -> bool:
    try:
        client("s3").head_object(Bucket=get_settings().uploads_bucket, Key=key)
        return True
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def keys_under(prefix: str) -> set[str]:
    """Every object key under ``prefix`` (an application has a handful: one listing, not a
    HeadObject per document)."""
    return bucket.keys_under(prefix)
