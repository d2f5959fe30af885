"""光年间 identity, membership: the roster match that verifies a member, rechecks, and what a roster
import changes for a member.
"""
from __future__ import annotations

from collections.abc import Callable

from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import Conflict, NotFound
from chalicelib.platform.events import SYSTEM, Actor, actor_of, publish

from .lifecycle import FEATURE, notify_member
from .models import (
    IdClaim,
    Member,
    RosterEntry,
)
from .records import Change, _commit_member, _load, ensure_member, member_status
from .schemas import (
    MemberStatus,
)

# --- membership --------------------------------------------------------------------------

def roster_match(id_hash: str) -> RosterEntry | None:
    """The person's current (active) roster entry, the most recently updated one."""
    entries = [e for e in RosterEntry.query(id_hash, consistent_read=True) if e.status == "active"]
    return max(entries, key=lambda e: e.updated_at) if entries else None


def roster_names(org_path: str, id_hashes: list[str]) -> dict[str, str]:
    """For other features (talent declarations): which of these people (by ``pii.lookup_hash``
    of their ID number) are active on the roster of the enterprise union ``org_path``, with the
    name the roster gives them. One BatchGetItem per 100 people; no plain number is needed."""
    keys = [(id_hash, org_path) for id_hash in dict.fromkeys(id_hashes)]
    return {e.id_hash: e.name for e in RosterEntry.batch_get(keys) if e.status == "active"} if keys else {}


def check_membership(user_id: str, *, actor: Actor = SYSTEM) -> str:
    """After a face check: is this person in the union's member database?"""
    member = _load(user_id)
    if member is None or not member.face_verified or not member.id_hash:
        return "not_face_verified"
    if member.member_verified:
        return "already_verified"
    entry = roster_match(member.id_hash)
    if entry is not None:
        verify_membership(user_id, entry.org_path, entry.enterprise, reason="与智慧工会会员库比对一致", actor=actor)
        return "matched"

    def mark(m: Member) -> str | None:
        if m.roster_status in ("not_in_roster", "appealed") or m.member_verified:
            return None
        m.roster_status = "not_in_roster"
        return "智慧工会会员库中未找到本人，可提交申诉"

    def not_in_roster(tx: TransactWrite, m: Member) -> None:
        publish(FEATURE, "MemberNotInRoster", data={"user_id": user_id}, org=m.home_org or "", actor=actor, tx=tx)

    if _commit_member(user_id, mark, actor=actor, create=False, stage=not_in_roster) is not None:
        notify_member(user_id, "membership", {"result": "未在工会会员库中找到", "enterprise": "-",
                                              "next": "可提交会员身份申诉"})
    return "not_in_roster"


def recheck_membership(principal: Principal) -> MemberStatus:
    """The member asks again (e.g. after their union updated the roster)."""
    member = ensure_member(principal.user_id, home_org=principal.org_path or None)
    if not member.face_verified:
        raise Conflict("请先完成人脸实名认证", code="FACE_NOT_VERIFIED")
    check_membership(principal.user_id, actor=actor_of(principal))
    return member_status_required(principal.user_id)


def member_status_required(user_id: str) -> MemberStatus:
    status = member_status(user_id)
    if status is None:
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    return status


def verify_membership(user_id: str, org_path: str, enterprise: str, *, reason: str, actor: Actor,
                      extra: Callable[[TransactWrite, Member], None] | None = None) -> Change | None:
    now = clock.now_iso()

    def mutate(member: Member) -> str | None:
        if member.member_verified and member.org_path == org_path and not member.left_union:
            return None
        member.member_verified = True
        member.member_verified_at = now
        member.org_path, member.enterprise = org_path, enterprise
        member.roster_status = "matched"
        member.left_union = False
        return reason

    def verified(tx: TransactWrite, member: Member) -> None:
        publish(FEATURE, "MemberVerified", data={"user_id": user_id, "org_path": org_path, "enterprise": enterprise},
                org=org_path, actor=actor, tx=tx)

    change = _commit_member(user_id, mutate, actor=actor, create=False, extra=extra,
                            retries=1 if extra else 4, stage=verified)
    if change is not None:
        from chalicelib.accounts import logic as accounts

        accounts.assign_org(user_id, org_path)
        notify_member(user_id, "membership", {"result": "会员认证通过", "enterprise": enterprise,
                                              "next": "请签署单身承诺"})
    return change


def apply_roster_status(id_hash: str, org_path: str, status: str, *, import_id: str) -> str:
    """A roster import says this person left (or is back): bring their member record along."""
    try:
        user_id = IdClaim.get(id_hash).user_id
    except IdClaim.DoesNotExist:
        return "no_member"
    member = _load(user_id)
    if member is None or not member.member_verified or member.org_path != org_path:
        return "not_affected"

    def mutate(m: Member) -> str | None:
        leaving = status != "active"
        if m.left_union == leaving:
            return None
        m.left_union = leaving
        return f"会员名册导入 {import_id}：" + ("已离会" if leaving else "重新在会")

    def left(tx: TransactWrite, m: Member) -> None:
        if status != "active":
            publish(FEATURE, "MemberLeftUnion", data={"user_id": user_id, "org_path": org_path,
                                                      "import_id": import_id}, org=org_path, tx=tx)

    change = _commit_member(user_id, mutate, actor=SYSTEM, create=False, stage=left)
    if change is not None and status != "active":
        notify_member(user_id, "standing", {"state": "已离会", "reason": "工会会员名册更新"})
    return "changed" if change else "unchanged"
