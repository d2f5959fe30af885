"""The S3 seam for roster files: presigned uploads, reading an uploaded file, deleting it
once imported (the file holds ID numbers in plain text; it is not kept)."""
from __future__ import annotations

from chalicelib.platform.aws import client
from chalicelib.platform.bucket import EXPIRING_PREFIX
from chalicelib.platform.settings import get_settings

# Under the bucket's expiring prefix: a file the import fails to delete expires by itself.
ROSTER_PREFIX = f"{EXPIRING_PREFIX}rosters/"

CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
MAX_FILE_BYTES = 64 * 1024 * 1024


class FileTooLarge(Exception):
    pass


def presign_put(key: str, file_format: str, *, expires_in: int) -> tuple[str, dict[str, str]]:
    """A URL the admin's browser PUTs the file to, and the headers it must send."""
    headers = {"Content-Type": CONTENT_TYPES[file_format]}
    url = client("s3").generate_presigned_url(
        "put_object",
        Params={"Bucket": get_settings().uploads_bucket, "Key": key, "ContentType": headers["Content-Type"]},
        ExpiresIn=expires_in,
    )
    return str(url), headers


def read_object(bucket: str, key: str) -> bytes:
    response = client("s3").get_object(Bucket=bucket, Key=key)
    if int(response.get("ContentLength") or 0) > MAX_FILE_BYTES:
        response["Body"].close()
        raise FileTooLarge(key)
    data: bytes = response["Body"].read()
    return data


def delete_object(bucket: str, key: str) -> None:
    client("s3").delete_object(Bucket=bucket, Key=key)
