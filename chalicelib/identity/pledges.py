"""光年间 identity, pledges and blocks: the single pledge, and admin blocks (ban, suspend, reinstate)
with the sanctions other features record.
"""
from __future__ import annotations

from pynamodb.exceptions import UpdateError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.errors import Conflict, Forbidden
from chalicelib.platform.events import actor_of, publish

from .lifecycle import CURRENT_PLEDGE, FEATURE, PLEDGES, notify_member
from .membership import member_status_required
from .models import (
    Member,
)
from .records import _commit_member, _load_required, _member_in_scope, ensure_member
from .schemas import (
    MemberStatus,
    PledgeText,
)

# --- pledge ------------------------------------------------------------------------------

def current_pledge() -> PledgeText:
    title, text = PLEDGES[CURRENT_PLEDGE]
    return PledgeText(version=CURRENT_PLEDGE, title=title, text=text)


def accept_pledge(principal: Principal, version: str) -> MemberStatus:
    if version != CURRENT_PLEDGE:
        raise Conflict("承诺书已更新，请阅读最新版本后再确认", code="PLEDGE_OUTDATED",
                       details=[{"current_version": CURRENT_PLEDGE}])
    now = clock.now_iso()

    def mutate(member: Member) -> str | None:
        if not member.member_verified:
            raise Conflict("请先完成人脸认证和会员认证", code="MEMBERSHIP_NOT_VERIFIED")
        if member.pledged and member.pledge_version == version:
            return None
        member.pledged, member.pledge_version, member.pledged_at = True, version, now
        return f"签署单身承诺（{version} 版）"

    _commit_member(principal.user_id, mutate, actor=actor_of(principal), create=False)
    return member_status_required(principal.user_id)


def withdraw_pledge(principal: Principal) -> MemberStatus:
    def mutate(member: Member) -> str | None:
        if not member.pledged:
            return None
        member.pledged, member.pledged_at = False, None
        return "本人撤回单身承诺"

    _commit_member(principal.user_id, mutate, actor=actor_of(principal), create=False)
    return member_status_required(principal.user_id)


# --- admin blocks ------------------------------------------------------------------------

def block_member(principal: Principal, user_id: str, *, kind: str, reason: str) -> MemberStatus:
    """Suspend or ban a member inside the admin's scope (both hide the profile at once)."""
    _member_in_scope(principal, user_id)
    if kind == "banned" and principal.role is not Role.PLATFORM_ADMIN and principal.role is not Role.UNION_ADMIN:
        raise Forbidden("只有工会管理员可以封禁账号", code="ROLE_FORBIDDEN")
    label = {"suspended": "暂停使用", "banned": "封禁"}[kind]

    def mutate(member: Member) -> str | None:
        if getattr(member, kind):
            return None
        setattr(member, kind, True)
        member.block_reason = pii.scrub(reason)
        return f"{label}：{reason}"

    def blocked(tx: TransactWrite, member: Member) -> None:
        publish(FEATURE, "MemberSuspended" if kind == "suspended" else "MemberBanned",
                data={"user_id": user_id, "reason": pii.scrub(reason)}, org=member.org_path or "",
                actor=actor_of(principal), tx=tx)

    _commit_member(user_id, mutate, actor=actor_of(principal), create=False, stage=blocked)
    _end_sessions(user_id)  # also when already blocked: a retry after a failed first try
    notify_member(user_id, "standing", {"state": label, "reason": pii.scrub(reason)})
    return member_status_required(user_id)


def _end_sessions(user_id: str) -> None:
    from chalicelib.accounts import logic as accounts

    accounts.end_sessions(user_id)


def record_sanction(user_id: str, kind: str | None, *, until: str | None = None) -> None:
    """For 光年间 moderation (social): a member was suspended (until a time) or banned, or the
    sanction was lifted (``kind`` None). Mirrored on the member record, which the edge reads on
    every request; a new sanction ends the member's sessions at once."""
    if kind not in (None, "suspended", "banned"):
        raise ValueError(f"unknown sanction {kind!r}")
    member = ensure_member(user_id)
    for _ in range(4):
        try:
            member.update(actions=[
                Member.sanction.set(kind) if kind else Member.sanction.remove(),
                Member.sanction_until.set(until) if kind and until else Member.sanction_until.remove(),
                Member.updated_at.set(clock.now_iso())])
            break
        except UpdateError as exc:
            if exc.cause_response_code != "ConditionalCheckFailedException":
                raise
            member = _load_required(user_id)  # changed meanwhile (version): apply on fresh data
    else:
        raise Conflict("操作冲突，请稍后重试", code="MEMBER_BUSY")
    if kind:
        _end_sessions(user_id)


def reinstate_member(principal: Principal, user_id: str, *, reason: str) -> MemberStatus:
    member = _member_in_scope(principal, user_id)
    if member.banned and principal.role is not Role.PLATFORM_ADMIN:
        raise Forbidden("解除封禁需要平台管理员", code="UNBAN_NEEDS_PLATFORM_ADMIN")

    def mutate(m: Member) -> str | None:
        if not (m.suspended or m.banned):
            return None
        m.suspended = m.banned = False
        m.block_reason = None
        return f"恢复使用：{reason}"

    _commit_member(user_id, mutate, actor=actor_of(principal), create=False)
    return member_status_required(user_id)
