
import re
from typing import Literal

from pydantic import Field, field_validator

from chalicelib.platform.schema import Line, Schema

Level = Literal["province", "city", "district", "enterprise"]
CHILD_LEVEL: dict[str, str] = {"province": "city", "city": "district", "district": "enterprise"}
ORG_PATH = re.compile(r"^[a-z0-9-]{1,32}(/[a-z0-9-]{1,32}){0,4}$")


def check_path(value: str) -> str:
    if not ORG_PATH.fullmatch(value):
        raise ValueError("组织路径格式不正确，例如 zj/huz/nanxun")
    return value


class OrgView(Schema):
    path: str
    parent_path: str
    name: str
    level: Level
    region_code: str | None = None


class OrgList(Schema):
    items: list[OrgView]
    next_cursor: str | None = None


class ChildrenQuery(Schema):
    org: str = Field("zj", max_length=200, examples=["zj/huz"], description="上级组织路径；不填则为全省")
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

    _path = field_validator("org")(check_path)


class NodeQuery(Schema):
    path: str = Field(..., max_length=200, description="组织路径")

    _path = field_validator("path")(check_path)


class NewOrg(Schema):
    parent_path: str = Field(..., max_length=200)
    slug: str = Field(..., pattern=r"^[a-z0-9-]{1,32}$", description="路径中的英文短名")
    name: Line = Field(..., min_length=2, max_length=60)
    region_code: str | None = Field(None, pattern=r"^\d{6}$")

    _path = field_validator("parent_path")(check_path)
