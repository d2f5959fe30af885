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


def lifecycle_rules() -> list[dict[str, Any]]:
    """The bucket's lifecycle rules in the S3 API's shape (the local stack puts them as is;
    ``infra/`` declares the same prefix with CDK)."""
    return [
        {"ID": "incoming-expiry", "Status": "Enabled", "Filter": {"Prefix": EXPIRING_PREFIX},
         "Expiration": {"Days": EXPIRING_DAYS}, "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 1}},
        {"ID": "abort-multipart", "Status": "Enabled", "Filter": {"Prefix": ""},
         "AbortIncompleteMultipartUpload": {"DaysAfterInitiation": 7}},
    ]
