"""The S3 seam for mediation evidence: a presigned POST limited to one key, one type and a size."""
from __future__ import annotations

from typing import Any

from chalicelib.platform.aws import client
from chalicelib.platform.settings import get_settings

EXPIRES_IN = 900


def presign_upload(key: str, content_type: str, max_bytes: int) -> dict[str, Any]:
    return dict(client("s3").generate_presigned_post(
        Bucket=get_settings().uploads_bucket, Key=key,
        Fields={"Content-Type": content_type},
        Conditions=[{"Content-Type": content_type}, ["content-length-range", 1, max_bytes]],
        ExpiresIn=EXPIRES_IN,
    ))
