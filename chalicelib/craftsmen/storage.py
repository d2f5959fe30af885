"""The S3 seam of the craftsman archive: presigned evidence uploads (one key, one type, a
size), a listing to check what was really uploaded, and PDFs put under the bucket's expiring
prefix with a short presigned download."""
from __future__ import annotations

from typing import Any
from urllib.parse import quote

from chalicelib.platform import bucket
from chalicelib.platform.aws import client
from chalicelib.platform.bucket import EXPIRING_PREFIX
from chalicelib.platform.settings import get_settings

UPLOAD_EXPIRES_IN = 900
DOWNLOAD_EXPIRES_IN = 300
PDF_PREFIX = f"{EXPIRING_PREFIX}craftsmen-pdf/"


def presign_upload(key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    """A presigned POST limited to one key, one content type and ``max_bytes``."""
    return bucket.presign_upload(key, content_type, max_bytes, expires_in=UPLOAD_EXPIRES_IN)


def download_url(key: str, filename: str | None = None) -> str:
    params: dict[str, Any] = {"Bucket": get_settings().uploads_bucket, "Key": key}
    if filename:
        params["ResponseContentDisposition"] = f"attachment; filename*=UTF-8''{quote(filename)}"
    return str(client("s3").generate_presigned_url("get_object", Params=params, ExpiresIn=DOWNLOAD_EXPIRES_IN))


def keys_under(prefix: str) -> set[str]:
    """Every object key under ``prefix`` (one ListObjectsV2 per 1,000 keys)."""
    return bucket.keys_under(prefix)


def put_pdf(key: str, data: bytes) -> None:
    client("s3").put_object(Bucket=get_settings().uploads_bucket, Key=key, Body=data,
                            ContentType="application/pdf")
