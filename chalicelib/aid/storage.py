"""The S3 seam for aid documents: presigned uploads straight from the mini-program, and a
check that an uploaded object is really there before an application counts it."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

MAX_BYTES = 10 * 1024 * 1024
EXPIRES_IN = 900


def presign_upload(key: str, content_type: str) -> dict[str, Any]:
    """A presigned POST limited to one key, one content type and ``MAX_BYTES``."""
    return dict(client("s3").generate_presigned_post(
        Bucket=get_settings().uploads_bucket, Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, MAX_BYTES]],
        ExpiresIn=EXPIRES_IN,
    ))


def exists(key: str) -> bool:
    try:
        client("s3").head_object(Bucket=get_settings().uploads_bucket, Key=key)
        return True
    except ClientError as exc:
        if exc.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound"):
            return False
        raise


def keys_under(prefix: str) -> set[str]:
    """Every object key under ``prefix`` — one ListObjectsV2 per 1,000 keys (an application
    has a handful), instead of a HeadObject per document."""
    found: set[str] = set()
    kwargs: dict[str, Any] = {"Bucket": get_settings().uploads_bucket, "Prefix": prefix}
    while True:
        page = client("s3").list_objects_v2(**kwargs)
        found.update(str(o["Key"]) for o in page.get("Contents") or [])
        if not page.get("IsTruncated"):
            return found
        kwargs["ContinuationToken"] = page["NextContinuationToken"]
