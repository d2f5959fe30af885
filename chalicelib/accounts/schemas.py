
from typing import Literal

from pydantic import Field, field_validator

from chalicelib.orgs.schemas import check_path
from chalicelib.platform.schema import Line, Schema

RoleName = Literal["worker", "enterprise_admin", "union_admin", "platform_admin"]


class WechatLogin(Schema):
    code: str = Field(..., min_length=1, max_length=128, description="wx.login 得到的 code")


class AlipayLogin(Schema):
    auth_code: str = Field(..., min_length=1, max_length=128, description="my.getAuthCode 得到的授权码")


class DingtalkLogin(Schema):
    auth_code: str = Field(..., min_length=1, max_length=128, description="浙政钉免登授权码")


class RefreshRequest(Schema):
    refresh_token: str = Field(..., min_length=10, max_length=4096)


class DevLogin(Schema):
    role: RoleName
    user_id: str | None = Field(None, pattern=r"^[a-z0-9-]{3,40}$")
    org_path: str | None = Field(None, max_length=200)
    name: Line | None = Field(None, max_length=40)

    @field_validator("org_path")
    @classmethod
    def _org(cls, value: str | None) -> str | None:
        return check_path(value) if value else value


class StaffGrant(Schema):
    dingtalk_account_id: str = Field(..., min_length=1, max_length=64)
    name: Line = Field(..., min_length=1, max_length=40)
    role: Literal["enterprise_admin", "union_admin"]
    org_path: str = Field(..., max_length=200)

    _org = field_validator("org_path")(check_path)


class AccountView(Schema):
    user_id: str
    role: RoleName
    org_path: str
    name: str
    status: str
    channel: str


class TokenPair(Schema):
    access_token: str
    refresh_token: str
    token_type: str = "Bearer"
    expires_in: int
    account: AccountView


class StaffList(Schema):
    items: list[AccountView]
    next_cursor: str | None = None


class StaffQuery(Schema):
    org: str | None = Field(None, max_length=200, examples=["zj/huz/nanxun"],
                            description="组织路径；不填则取调用者所在的组织")
    limit: int = Field(50, ge=1, le=100)
    cursor: str | None = Field(None, max_length=2048)

    _org = field_validator("org")(check_path)


class Ok(Schema):
    __schema_name__ = "AccountOk"
    ok: bool = True
