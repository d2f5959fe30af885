"""Accounts, the outside identities that log into them, and refresh-token families.

Access patterns:
- account by user id                                   → GetItem ``Account.user_id``
- account by outside identity (wechat/alipay/dingtalk) → GetItem ``IdentityLink.subject``
- staff accounts of an org node                        → Query GSI ``staff_by_org``
- refresh family by id (rotation, reuse detection)     → GetItem ``RefreshFamily.family``
"""
from __future__ import annotations

from pynamodb.attributes import BooleanAttribute, NumberAttribute, TTLAttribute, UnicodeAttribute
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model

from chalicelib.platform.db import TableMeta, table_name


class StaffByOrg(GlobalSecondaryIndex["Account"]):
    class Meta:
        index_name = "staff_by_org"
        projection = AllProjection()

    staff_org = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute(range_key=True)


class Account(Model):
    class Meta(TableMeta):
        table_name = table_name("accounts")

    user_id = UnicodeAttribute(hash_key=True)
    role = UnicodeAttribute()
    org_path = UnicodeAttribute(default="")
    name = UnicodeAttribute(default="")
    status = UnicodeAttribute(default="active")  # active | disabled
    channel = UnicodeAttribute()  # wechat | alipay | dingtalk | dev — where notifications go
    channel_subject = UnicodeAttribute()  # openid / alipay user id / dingtalk account id
    staff_org = UnicodeAttribute(null=True)  # set for staff roles only (sparse index)
    created_at = UnicodeAttribute()
    # Tokens issued at or before this epoch second are dead (a ban or suspension ended every
    # session): refresh refuses them and revokes their family.
    sessions_valid_after = NumberAttribute(null=True)
    staff_by_org = StaffByOrg()


class IdentityLink(Model):
    class Meta(TableMeta):
        table_name = table_name("identity-links")

    subject = UnicodeAttribute(hash_key=True)  # "wechat:<appid>:<openid>" ...
    user_id = UnicodeAttribute()
    created_at = UnicodeAttribute()


class RefreshFamily(Model):
    class Meta(TableMeta):
        table_name = table_name("refresh-families")

    family = UnicodeAttribute(hash_key=True)
    user_id = UnicodeAttribute()
    current_jti = UnicodeAttribute()
    # The token rotated last and when (epoch): presenting it again within the grace window is a
    # concurrent refresh of the same session, not a replay.
    previous_jti = UnicodeAttribute(null=True)
    rotated_at = NumberAttribute(null=True)
    revoked = BooleanAttribute(default=False)
    expires = TTLAttribute()
