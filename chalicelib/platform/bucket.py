"""The uploads bucket's layout that the code, ``infra/`` and the local stack all read.

Objects under ``EXPIRING_PREFIX`` are deleted by the bucket itself after ``EXPIRING_DAYS``:
uploads that are read once and must not be kept (a roster export holds plain ID numbers)
live there, so a file the code fails to delete is still gone within days.
"""
from __future__ import annotations

from typing import Any

EXPIRING_PREFIX = "incoming/"
EXPIRING_DAYS = 2


def view_url(key: str, *, expires: int = 3600) -> str:
    """A short-lived GET link to an object of the uploads bucket (signed locally, no call to
    S3); "" for no key."""
    if not key:
        return ""
    from .aws import client
    from .settings import get_settings

    return str(client("s3").generate_presigned_url(
        "get_object", Params={"Bucket": get_settings().uploads_bucket, "Key": key}, ExpiresIn=expires))


def presign_upload(key: str, content_type: str, max_bytes: int, *, expires_in: int = 900) -> dict[str, Any]:
    """A presigned POST for the uploads bucket limited to one key, one content type and
    ``max_bytes`` (``url`` and the form ``fields`` the mini-program or console posts with)."""
    from .aws import client
    from .settings import get_settings

    return dict(client("s3").generate_presigned_post(
        Bucket=get_settings().uploads_bucket, Key=key, Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=expires_in))


def keys_under(prefix: str) -> set[str]:
    """Every object key under ``prefix`` — one ListObjectsV2 per 1,000 keys, instead of a
    HeadObject per expected upload."""
    from .aws import client
    from .settings import get_settings

    found: set[str] = set()
    kwargs: dict[str, Any] = {"Bucket": get_settings().uploads_bucket, "Prefix": prefix}
    while True:
        page = client("s3").list_objects_v2(**kwargs)
        found.update(str(o["Key"]) for o in page.get("Contents") or [])
        if not page.get("IsTruncated"):
            return found
        kwargs["ContinuationToken"] = page["NextContinuationToken"]


def lifecycle_rules() -> list[dict[str, Any]]:
    """The bucket's lifecycle rules in the S3 API's shape (the local stack puts them as is;
    ``infra/`` declares the same prefix with CDK)."""
    return [
        {"ID": "incoming-expiry", "Status": "Enabled", "Filter": {"Prefix": EXPIRING_PREFIX},
         "Expiration": {"Days": EXPIRING_DAYS}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
        {"ID": "abort-multipart", "Status": "Enabled", "Filter": {"Prefix": ""},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
    ]
