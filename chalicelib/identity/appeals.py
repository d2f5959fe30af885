"""光年间 identity, appeals: a member whose roster match failed appeals; union staff in scope accept
or reject.
"""
from __future__ import annotations

import uuid

from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .lifecycle import FEATURE, ancestors, notify_member
from .membership import verify_membership
from .models import (
    Appeal,
    AppealInbox,
    Member,
    RosterEntry,
)
from .records import _commit_member, _connection, _load, _load_required, ensure_member
from .schemas import (
    AppealInboxPage,
    AppealView,
    InboxItem,
    NewAppeal,
)

# --- appeals -----------------------------------------------------------------------------

def _appeal_view(appeal: Appeal) -> AppealView:
    return AppealView(appeal_id=appeal.appeal_id, user_id=appeal.user_id, org_path=appeal.org_path,
                      enterprise=appeal.enterprise, note=appeal.note, status=appeal.status,  # type: ignore[arg-type]
                      reason=appeal.reason, created_at=appeal.created_at, decided_at=appeal.decided_at)


def file_appeal(principal: Principal, request: NewAppeal) -> AppealView:
    """Not found in the roster: ask the union of one's enterprise to confirm membership."""
    from chalicelib.orgs import logic as orgs

    member = ensure_member(principal.user_id, home_org=principal.org_path or None)
    if not member.face_verified:
        raise Conflict("请先完成人脸实名认证", code="FACE_NOT_VERIFIED")
    if member.member_verified and not member.left_union:
        raise Conflict("您的会员身份已确认，无需申诉", code="APPEAL_NOT_NEEDED")
    if not orgs.exists(request.org_path) or request.org_path.count("/") < 3:
        raise ValidationFailed("请选择所在企业的工会组织", code="ORG_NOT_FOUND")
    now = clock.now_iso()
    appeal = Appeal(f"ap-{uuid.uuid4().hex[:20]}", user_id=principal.user_id, org_path=request.org_path,
                    enterprise=request.enterprise.strip(), note=pii.scrub(request.note.strip()), created_at=now,
                    inbox_scopes=ancestors(request.org_path))

    def mutate(m: Member) -> str | None:
        if m.roster_status == "appealed":
            raise Conflict("您已有一份申诉在处理中", code="APPEAL_PENDING")
        m.roster_status, m.appeal_id = "appealed", appeal.appeal_id
        return f"向 {request.org_path} 提交会员身份申诉"

    def extra(tx: TransactWrite, m: Member) -> None:
        tx.save(appeal)
        for scope in appeal.inbox_scopes:
            tx.save(AppealInbox(scope, f"{now}#{appeal.appeal_id}", appeal_id=appeal.appeal_id,
                                org_path=appeal.org_path, enterprise=appeal.enterprise,
                                name_masked=m.name_masked or "", created_at=now))
        publish(FEATURE, "MembershipAppealFiled", data={"appeal_id": appeal.appeal_id, "user_id": principal.user_id},
                org=appeal.org_path, actor=actor_of(principal), tx=tx)

    with dynamo_errors(Conflict("您已有一份申诉在处理中", code="APPEAL_PENDING")):
        _commit_member(principal.user_id, mutate, actor=actor_of(principal), extra=extra, retries=1)
    return _appeal_view(appeal)


def my_appeal(principal: Principal) -> AppealView:
    member = _load(principal.user_id)
    if member is None or not member.appeal_id:
        raise NotFound("您还没有提交过申诉", code="APPEAL_NOT_FOUND")
    return _appeal_view(Appeal.get(member.appeal_id))


def appeal_inbox(principal: Principal, org: str | None, *, limit: int, cursor: str | None) -> AppealInboxPage:
    scope = org or principal.org_path
    if not principal.covers(scope):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    bound = f"identity-appeals:{scope}"
    page = AppealInbox.query(scope, scan_index_forward=False, limit=limit,
                             last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [InboxItem(appeal_id=i.appeal_id, org_path=i.org_path, enterprise=i.enterprise,
                       name_masked=i.name_masked, created_at=i.created_at) for i in page]
    return AppealInboxPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def _appeal_in_scope(principal: Principal, appeal_id: str) -> Appeal:
    try:
        appeal = Appeal.get(appeal_id, consistent_read=True)
    except Appeal.DoesNotExist:
        appeal = None
    if appeal is None or not principal.covers(appeal.org_path):
        raise NotFound("找不到该申诉", code="APPEAL_NOT_FOUND")
    return appeal


def get_appeal(principal: Principal, appeal_id: str) -> AppealView:
    return _appeal_view(_appeal_in_scope(principal, appeal_id))


def decide_appeal(principal: Principal, appeal_id: str, *, accept: bool, reason: str) -> AppealView:
    """The union admin of the appeal's scope adds the member to the roster, or says why not."""
    appeal = _appeal_in_scope(principal, appeal_id)
    if appeal.status != "pending":
        raise Conflict("该申诉已处理", code="APPEAL_DECIDED")
    now = clock.now_iso()
    appeal.status = "accepted" if accept else "rejected"
    appeal.reason, appeal.decided_by, appeal.decided_at = pii.scrub(reason), principal.user_id, now
    scopes = list(appeal.inbox_scopes or [])

    def settle(tx: TransactWrite, member: Member) -> None:
        tx.save(appeal)  # version-checked: two admins deciding at once → one wins
        for scope in scopes:
            tx.delete(AppealInbox(scope, f"{appeal.created_at}#{appeal.appeal_id}"))
        if accept and member.id_hash:
            name = pii.unseal(member.name_sealed) if member.name_sealed else (member.name_masked or "")
            tx.save(RosterEntry(member.id_hash, appeal.org_path, name=name, enterprise=appeal.enterprise,
                                status="active", roster_scope=principal.org_path or appeal.org_path,
                                import_id=f"appeal:{appeal.appeal_id}", source="appeal", updated_at=now))
        publish(FEATURE, "MembershipAppealAccepted" if accept else "MembershipAppealRejected",
                data={"appeal_id": appeal.appeal_id, "user_id": appeal.user_id, "reason": appeal.reason},
                org=appeal.org_path, actor=actor, tx=tx)

    decided = Conflict("该申诉已被其他管理员处理", code="APPEAL_DECIDED")
    actor = actor_of(principal)
    with dynamo_errors(decided):
        if accept:
            change = verify_membership(appeal.user_id, appeal.org_path, appeal.enterprise,
                                       reason=f"工会管理员确认申诉：{reason}", actor=actor, extra=settle)
            if change is None:  # verified meanwhile (e.g. a roster re-check): settle the appeal alone
                with TransactWrite(connection=_connection()) as tx:
                    settle(tx, _load_required(appeal.user_id))
        else:
            def reject(m: Member) -> str:
                m.roster_status = "not_in_roster"
                return f"申诉未通过：{reason}"

            _commit_member(appeal.user_id, reject, actor=actor, extra=settle, create=False, retries=1)
    notify_member(appeal.user_id, "appeal", {"result": "申诉已通过" if accept else "申诉未通过",
                                             "reason": appeal.reason or ""})
    return _appeal_view(appeal)
