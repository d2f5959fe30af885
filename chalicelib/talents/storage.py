"""The S3 seam for talent declarations: presigned POSTs for certificates, awards and bulk files,
which of them arrived, and reading then deleting a bulk file (it holds plain ID numbers, so it
lives under the bucket's expiring prefix and is deleted as soon as it is read)."""
from __future__ import annotations

from typing import Any

from botocore.exceptions import ClientError

from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

EXPIRES_IN = 900


def presign_upload(key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    """A presigned POST limited to one key, one content type and ``max_bytes``."""
    return dict(client("s3").generate_presigned_post(
        Bucket=get_settings().uploads_bucket, Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=EXPIRES_IN,
    ))


def keys_under(prefix: str) -> set[str]:
    """Every object key under ``prefix`` (one ListObjectsV2 per 1,000 keys)."""
    found: set[str] = set()
    kwargs: dict[str, Any] = {"Bucket": get_settings().uploads_bucket, "Prefix": prefix}
    while True:
        page = client("s3").list_objects_v2(**kwargs)
        found.update(str(o["Key"]) for o in page.get("Contents") or [])
        if not page.get("IsTruncated"):
            return found
        kwargs["ContinuationToken"] = page["NextContinuationToken"]


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
