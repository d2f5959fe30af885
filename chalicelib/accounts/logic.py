"""Login through WeChat, Alipay and 浙政钉; our own access/refresh tokens; staff grants.

Refresh tokens rotate: each use issues a new one in the same family, and presenting an
old one again (a stolen token being replayed) revokes the whole family. One exception, as
mainstream identity providers make it: the token rotated last, presented again within
``REFRESH_GRACE_SECONDS`` of its rotation, is a second refresh of the same session racing the
first (two tabs, a retry): it gets the family's current refresh token again, no new rotation.
Any older token, or the last one after the window, still revokes the family.

A banned or suspended worker (identity's standing) cannot log in or refresh, and a ban ends
every session they had (``end_sessions``): tokens issued before it never refresh again.
"""
from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from pynamodb.exceptions import UpdateError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role, issue_token, verify_token
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, Forbidden, NotFound, Unauthorized, ValidationFailed
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor
from chalicelib.platform.settings import get_settings

from .models import Account, IdentityLink, RefreshFamily
from .schemas import AccountView, DevLogin, StaffGrant, StaffList, TokenPair

STAFF = {Role.ENTERPRISE_ADMIN.value, Role.UNION_ADMIN.value, Role.PLATFORM_ADMIN.value}
REFRESH_GRACE_SECONDS = 20


def _view(account: Account) -> AccountView:
    return AccountView(user_id=account.user_id, role=account.role, org_path=account.org_path,  # type: ignore[arg-type]
                       name=account.name, status=account.status, channel=account.channel)


def principal_of(account: Account) -> Principal:
    return Principal(user_id=account.user_id, role=Role(account.role), org_path=account.org_path, name=account.name)


def _refuse_blocked(account: Account) -> None:
    """A disabled account, or a worker identity has banned or suspended, gets no token."""
    if account.status != "active":
        raise Forbidden("账号已停用，请联系工会", code="ACCOUNT_DISABLED")
    if account.role == Role.WORKER.value:
        from chalicelib.identity import standing

        kind = standing.blocked(account.user_id)
        if kind:
            raise standing.refusal(kind)


def _issue(account: Account) -> TokenPair:
    _refuse_blocked(account)
    principal = principal_of(account)
    family = uuid.uuid4().hex
    access, _ = issue_token(principal)
    refresh, claims = issue_token(principal, kind="refresh", family=family)
    expires = clock.now() + timedelta(seconds=get_settings().refresh_token_ttl)
    RefreshFamily(family, user_id=account.user_id, current_jti=claims["jti"], expires=expires).save()
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=get_settings().access_token_ttl,
                     account=_view(account))


def _account_for(subject: str, *, channel: str, channel_subject: str, create_role: Role | None) -> Account:
    try:
        link = IdentityLink.get(subject)
        return Account.get(link.user_id)
    except (IdentityLink.DoesNotExist, Account.DoesNotExist):
        if create_role is None:
            raise
    account = Account(f"u-{uuid.uuid4().hex[:20]}", role=create_role.value, channel=channel,
                      channel_subject=channel_subject, created_at=clock.now_iso())
    try:
        with dynamo_errors(), transaction() as tx:  # the account, its link and its event, or nothing
            tx.save(account)
            tx.save(IdentityLink(subject, user_id=account.user_id, created_at=clock.now_iso()),
                    condition=IdentityLink.subject.does_not_exist())
            publish("accounts", "AccountRegistered", data={"user_id": account.user_id, "channel": channel}, tx=tx)
    except Conflict:  # lost a race with a concurrent first login: use theirs
        return Account.get(IdentityLink.get(subject, consistent_read=True).user_id)
    return account


def login_wechat(code: str) -> TokenPair:
    from chalicelib.providers import wechat

    session = wechat.code_to_session(code)
    subject = f"wechat:{get_settings().wechat_app_id}:{session.openid}"
    return _issue(_account_for(subject, channel="wechat", channel_subject=session.openid, create_role=Role.WORKER))


def login_alipay(auth_code: str) -> TokenPair:
    from chalicelib.providers import alipay

    user = alipay.oauth_token(auth_code)
    subject = f"alipay:{get_settings().alipay_app_id}:{user.user_id}"
    return _issue(_account_for(subject, channel="alipay", channel_subject=user.user_id, create_role=Role.WORKER))


def login_dingtalk(auth_code: str) -> TokenPair:
    from chalicelib.providers import dingtalk

    user = dingtalk.user_by_auth_code(auth_code)
    try:
        account = _account_for(f"dingtalk:{user.account_id}", channel="dingtalk",
                               channel_subject=user.account_id, create_role=None)
    except (IdentityLink.DoesNotExist, Account.DoesNotExist) as exc:
        raise Forbidden("您还未被登记为工会工作人员，请联系上级工会开通", code="STAFF_NOT_REGISTERED") from exc
    return _issue(account)


def login_legal_person(credit_code: str, *, org_path: str, name: str) -> TokenPair:
    """An enterprise's legal person signed in at 浙江政务服务网 (法人登录); the enterprises
    feature has matched the credit code to its register. The portal's legal-person identity is
    the enterprise itself, so one account stands for it (``zwfw:legal:<credit code>``): it is
    the enterprise union admin of the register's org node, moved with the register when that
    changes. A union that disables the account ends the enterprise's logins."""
    subject = f"zwfw:legal:{credit_code}"
    account = _account_for(subject, channel="zwfw", channel_subject=credit_code, create_role=Role.ENTERPRISE_ADMIN)
    wanted = (Role.ENTERPRISE_ADMIN.value, org_path, org_path, name or account.name)
    if (account.role, account.org_path, account.staff_org, account.name) != wanted:
        account.update(actions=[Account.role.set(wanted[0]), Account.org_path.set(org_path),
                                Account.staff_org.set(org_path), Account.name.set(wanted[3])])
    return _issue(account)


def _family(family_id: str | None) -> RefreshFamily | None:
    try:
        return RefreshFamily.get(family_id, consistent_read=True) if family_id else None
    except RefreshFamily.DoesNotExist:
        return None


def _revoke(family: RefreshFamily) -> None:
    family.update(actions=[RefreshFamily.revoked.set(True)])


def _in_grace(family: RefreshFamily, jti: str) -> bool:
    """Was ``jti`` rotated out of this family moments ago (a concurrent refresh)?"""
    return (family.previous_jti == jti and family.rotated_at is not None
            and clock.epoch() - int(family.rotated_at) <= REFRESH_GRACE_SECONDS)


def refresh(token: str) -> TokenPair:
    claims = verify_token(token, kind="refresh")
    jti = str(claims["jti"])
    family = _family(claims.get("fam"))
    if family is None or family.revoked:
        raise Unauthorized("登录已失效，请重新登录", code="REFRESH_REVOKED")
    reused = Unauthorized("登录凭证已被使用过，为安全起见请重新登录", code="REFRESH_REUSED")
    if family.current_jti != jti and not _in_grace(family, jti):
        _revoke(family)
        raise reused
    try:
        account = Account.get(family.user_id, consistent_read=True)
    except Account.DoesNotExist as exc:
        raise Unauthorized("账号不存在", code="ACCOUNT_NOT_FOUND") from exc
    if account.sessions_valid_after is not None and int(claims["iat"]) <= int(account.sessions_valid_after):
        _revoke(family)  # issued before a ban or suspension ended every session
        raise Unauthorized("登录已失效，请重新登录", code="REFRESH_REVOKED")
    try:
        _refuse_blocked(account)
    except Forbidden:
        _revoke(family)
        raise
    principal = principal_of(account)
    access, _ = issue_token(principal)
    if family.current_jti != jti:  # the grace case: the racing refresh already rotated
        new_refresh, _ = issue_token(principal, kind="refresh", family=family.family, jti=family.current_jti)
    else:
        new_refresh, new_claims = issue_token(principal, kind="refresh", family=family.family)
        try:
            with dynamo_errors(reused):
                family.update(actions=[RefreshFamily.current_jti.set(new_claims["jti"]),
                                       RefreshFamily.previous_jti.set(jti),
                                       RefreshFamily.rotated_at.set(clock.epoch())],
                              condition=(RefreshFamily.current_jti == jti) & (RefreshFamily.revoked == False))  # noqa: E712
        except Unauthorized:
            # another refresh of this token won the rotation a moment ago: hand out its result
            current = _family(family.family)
            if current is None or current.revoked or not _in_grace(current, jti):
                raise
            new_refresh, _ = issue_token(principal, kind="refresh", family=current.family, jti=current.current_jti)
    return TokenPair(access_token=access, refresh_token=new_refresh, expires_in=get_settings().access_token_ttl,
                     account=_view(account))


def logout(token: str) -> None:
    claims = verify_token(token, kind="refresh")
    if claims.get("fam"):
        try:
            RefreshFamily.get(claims["fam"]).update(actions=[RefreshFamily.revoked.set(True)])
        except RefreshFamily.DoesNotExist:
            pass


def dev_login(request: DevLogin) -> TokenPair:
    """Local stage only: a demo token for any role. Dev and prod refuse it."""
    if not get_settings().dev_login_enabled:
        raise NotFound("找不到该接口", code="DEV_LOGIN_DISABLED")
    role = Role(request.role)
    defaults = {Role.WORKER: "zj/huz/nanxun/e-sanxing", Role.ENTERPRISE_ADMIN: "zj/huz/nanxun/e-sanxing",
                Role.UNION_ADMIN: "zj/huz/nanxun", Role.PLATFORM_ADMIN: "zj"}
    user_id = request.user_id or f"demo-{role.value.replace('_', '-')}"
    try:
        account = Account.get(user_id)
    except Account.DoesNotExist:
        org = request.org_path or defaults[role]
        account = Account(user_id, role=role.value, org_path=org, name=request.name or user_id, channel="dev",
                          channel_subject=user_id, created_at=clock.now_iso(),
                          staff_org=org if role.value in STAFF else None)
        account.save()
    return _issue(account)


def me(principal: Principal) -> AccountView:
    try:
        return _view(Account.get(principal.user_id))
    except Account.DoesNotExist as exc:
        raise NotFound("账号不存在", code="ACCOUNT_NOT_FOUND") from exc


def grant_staff(principal: Principal, grant: StaffGrant) -> AccountView:
    """A union admin registers a 浙政钉 user as staff of a node inside their scope."""
    if not principal.covers(grant.org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    if grant.role == Role.UNION_ADMIN.value and principal.role is not Role.PLATFORM_ADMIN \
            and grant.org_path == principal.org_path:
        raise Forbidden("只能为下级组织开通工会管理员", code="GRANT_TOO_HIGH")
    from chalicelib.orgs import logic as orgs

    if not orgs.exists(grant.org_path):
        raise ValidationFailed("该组织不存在", code="ORG_NOT_FOUND")
    subject = f"dingtalk:{grant.dingtalk_account_id}"
    account = _account_for(subject, channel="dingtalk", channel_subject=grant.dingtalk_account_id,
                           create_role=Role(grant.role))
    account.update(actions=[Account.role.set(grant.role), Account.org_path.set(grant.org_path),
                            Account.name.set(grant.name), Account.staff_org.set(grant.org_path)])
    publish("accounts", "StaffGranted", data={"user_id": account.user_id, "role": grant.role},
            org=grant.org_path, actor=actor_of(principal))
    return _view(account)


def list_staff(principal: Principal, org_path: str, *, limit: int, cursor: str | None) -> StaffList:
    if not principal.covers(org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    bound = f"staff:{org_path}"
    page = Account.staff_by_org.query(org_path, limit=limit, last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [_view(a) for a in page]
    return StaffList(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


# --- for other features (synchronous answers) -------------------------------------------

def end_sessions(user_id: str) -> None:
    """A ban or suspension: every refresh token issued so far is dead (its family is revoked
    when presented); access tokens are refused at the edge by identity's standing check."""
    try:
        Account(user_id).update(actions=[Account.sessions_valid_after.set(clock.epoch())],
                                condition=Account.user_id.exists())
    except UpdateError as exc:
        if exc.cause_response_code != "ConditionalCheckFailedException":
            raise


def assign_org(user_id: str, org_path: str) -> None:
    """Identity places a verified member in their enterprise's node."""
    Account(user_id).update(actions=[Account.org_path.set(org_path)])


def contact_of(user_id: str) -> tuple[str, str] | None:
    """(channel, subject) to notify a person, or None when unknown."""
    try:
        account = Account.get(user_id, attributes_to_get=["channel", "channel_subject"])
    except Account.DoesNotExist:
        return None
    return account.channel, account.channel_subject


def notify_person(user_id: str, template_id: str, data: dict[str, str], page: str | None = None) -> str:
    """Push one subscribe message through the person's mini-program.

    Returns ``"sent"``, ``"refused"`` (they declined the subscription) or ``"no_channel"``
    (no WeChat/Alipay identity, e.g. a 浙政钉 or demo account); other failures raise.
    """
    from chalicelib.providers import push

    contact = contact_of(user_id)
    if contact is None or contact[0] not in push.CHANNELS:
        return "no_channel"
    channel, recipient = contact
    return "sent" if push.notify(channel, recipient, template_id, data, page) else "refused"


def account_summary(user_id: str) -> dict[str, Any] | None:
    try:
        return _view(Account.get(user_id)).model_dump()
    except Account.DoesNotExist:
        return None
