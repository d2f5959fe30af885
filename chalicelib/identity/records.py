"""光年间 identity, member records: every change of a member goes through one conditional write (with
its transition, figures and events in the same transaction); status and transition reads.
"""
from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass, fields

from pynamodb.connection import Connection
from pynamodb.exceptions import TransactWriteError
from pynamodb.transactions import TransactWrite

from chalicelib.platform import clock, pii
from chalicelib.platform.auth import Principal
from chalicelib.platform.errors import Conflict, NotFound
from chalicelib.platform.events import SYSTEM, Actor, actor_of, publish
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .lifecycle import FEATURE, LIVE, NEXT_STEP, Flags, deactivation_reason, derive_state, figure_deltas, state_path
from .models import (
    NO_ORG,
    FigureCounter,
    Member,
    Transition,
)
from .schemas import (
    MemberStatus,
    TransitionPage,
    TransitionView,
)

# --- member records ----------------------------------------------------------------------

def _flags(member: Member) -> Flags:
    return Flags(**{f.name: bool(getattr(member, f.name)) for f in fields(Flags)})


def _node(member: Member) -> str:
    return member.org_path or member.home_org or NO_ORG


def _load(user_id: str) -> Member | None:
    try:
        return Member.get(user_id, consistent_read=True)
    except Member.DoesNotExist:
        return None


def _connection() -> Connection:
    """The members table's own (cached) connection: transactions reuse its client."""
    return Member._get_connection().connection


@dataclass
class Change:
    member: Member
    before: str
    after: str
    created: bool


def _commit_member(user_id: str, mutate: Callable[[Member], str | None], *, actor: Actor,
                   extra: Callable[[TransactWrite, Member], None] | None = None, home_org: str | None = None,
                   create: bool = True, retries: int = 4, known_absent: bool = False,
                   stage: Callable[[TransactWrite, Member], None] | None = None) -> Change | None:
    """Load the member, apply ``mutate`` (which returns the reason, or None for "nothing to
    do"), and write member + transition log + counters (+ ``extra``) in one transaction.
    ``stage`` publishes the change's events into that transaction (the outbox); unlike
    ``extra`` it adds no condition, so a version race is still retried.
    A concurrent change of the same member (version) is retried on fresh data; any other
    failed condition raises ``TransactWriteError`` to the caller. ``known_absent``: the
    caller has just read that there is no member (the first try skips the read)."""
    for attempt in range(retries):
        member = None if known_absent and attempt == 0 else _load(user_id)
        created = member is None
        if member is None:
            if not create:
                raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
            now = clock.now_iso()
            member = Member(user_id, created_at=now, updated_at=now, home_org=home_org or None)
        before_flags, before_node = _flags(member), _node(member)
        before_state = "new" if created else member.state
        reason = mutate(member)
        if reason is None and not created:
            return None
        reason = reason or "开始认证"
        after_flags = _flags(member)
        member.state = derive_state(after_flags)
        member.updated_at = clock.now_iso()
        deltas = figure_deltas(None if created else (before_node, before_flags), (_node(member), after_flags))
        try:
            with TransactWrite(connection=_connection()) as tx:
                tx.save(member)
                path = [("new", "registered"), *state_path("registered", member.state)] if created \
                    else state_path(before_state, member.state)
                if created and member.state == "registered":
                    path = [("new", "registered")]
                stamp = clock.now_iso()
                for n, (src, dst) in enumerate(path):
                    tx.save(Transition(user_id, f"{stamp}#{n}{uuid.uuid4().hex[:6]}", from_state=src, to_state=dst,
                                       actor_id=actor.user_id, actor_role=actor.role, reason=pii.scrub(reason)[:200]))
                for node, delta in deltas.items():
                    tx.update(FigureCounter(LIVE, node),
                              actions=[getattr(FigureCounter, m).add(v) for m, v in delta.items()])
                if extra is not None:
                    extra(tx, member)
                if stage is not None:
                    stage(tx, member)
                change = Change(member=member, before=before_state, after=member.state, created=created)
                _publish_activation(change, actor, tx)
        except TransactWriteError as exc:
            reasons = [r.code for r in (exc.cancellation_reasons or []) if r is not None and r.code]
            version_moved = attempt + 1 < retries and "ConditionalCheckFailed" in reasons and extra is None
            if version_moved or ("TransactionConflict" in reasons and attempt + 1 < retries):
                continue
            raise
        return change
    raise Conflict("操作冲突，请稍后重试", code="MEMBER_BUSY")


def _publish_activation(change: Change, actor: Actor, tx: TransactWrite) -> None:
    """Stage MemberActivated / MemberDeactivated in the transaction that changes the state."""
    was, now = change.before == "active", change.after == "active"
    org = change.member.org_path or ""
    if now and not was:
        publish(FEATURE, "MemberActivated", data={"user_id": change.member.user_id, "org_path": org},
                org=org, actor=actor, tx=tx)
    elif was and not now:
        publish(FEATURE, "MemberDeactivated",
                data={"user_id": change.member.user_id, "org_path": org,
                      "reason": deactivation_reason(_flags(change.member)), "state": change.after},
                org=org, actor=actor, tx=tx)


def ensure_member(user_id: str, *, home_org: str | None = None, actor: Actor = SYSTEM) -> Member:
    """The member's record, created in state ``registered`` on first contact."""
    member = _load(user_id)
    if member is not None:
        return member
    try:
        change = _commit_member(user_id, lambda m: None, actor=actor, home_org=home_org, retries=1,
                                known_absent=True)
    except TransactWriteError:
        change = None  # created concurrently
    if change is not None:
        return change.member
    existing = _load(user_id)
    if existing is None:
        raise Conflict("操作冲突，请稍后重试", code="MEMBER_BUSY")
    return existing


def on_account_registered(user_id: str) -> None:
    """An account was created (WeChat/Alipay login): it counts as registered."""
    ensure_member(user_id)


def _status(member: Member) -> MemberStatus:
    return MemberStatus(
        user_id=member.user_id, state=member.state, active=member.state == "active",  # type: ignore[arg-type]
        face_verified=member.face_verified, member_verified=member.member_verified, pledged=member.pledged,
        roster_status=member.roster_status, id_masked=member.id_masked, name_masked=member.name_masked,
        org_path=member.org_path, enterprise=member.enterprise, pledge_version=member.pledge_version,
        pledged_at=member.pledged_at, block_reason=member.block_reason, next_step=NEXT_STEP[member.state])


def my_status(principal: Principal) -> MemberStatus:
    return _status(ensure_member(principal.user_id, home_org=principal.org_path or None, actor=actor_of(principal)))


def is_active(user_id: str) -> bool:
    """For other features: may this member browse and be seen?"""
    try:
        return Member.get(user_id, attributes_to_get=["state"]).state == "active"
    except Member.DoesNotExist:
        return False


def member_status(user_id: str) -> MemberStatus | None:
    """For other features: the member's verification state, or None if they never started."""
    member = _load(user_id)
    return _status(member) if member else None


def id_hash_of(user_id: str) -> str | None:
    """For other features: the lookup hash (``pii.lookup_hash``) of the ID number a person
    proved by the face check, or None before it (a feature's record of that person is found
    by it: the craftsman archive's own file)."""
    try:
        member = Member.get(user_id, consistent_read=True, attributes_to_get=["id_hash", "face_verified"])
    except Member.DoesNotExist:
        return None
    return member.id_hash if member.face_verified and member.id_hash else None


def _transitions(user_id: str, *, limit: int, cursor: str | None) -> TransitionPage:
    bound = f"identity-transitions:{user_id}"
    page = Transition.query(user_id, scan_index_forward=False, limit=limit,
                            last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = [TransitionView(at=t.at.split("#", 1)[0], from_state=t.from_state, to_state=t.to_state,
                            actor_id=t.actor_id, actor_role=t.actor_role, reason=t.reason) for t in page]
    return TransitionPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def my_transitions(principal: Principal, *, limit: int, cursor: str | None) -> TransitionPage:
    return _transitions(principal.user_id, limit=limit, cursor=cursor)


def _member_in_scope(principal: Principal, user_id: str) -> Member:
    member = _load(user_id)
    if member is None or not principal.covers(member.org_path or member.home_org):
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    return member


def member_for_admin(principal: Principal, user_id: str) -> MemberStatus:
    return _status(_member_in_scope(principal, user_id))


def member_transitions(principal: Principal, user_id: str, *, limit: int, cursor: str | None) -> TransitionPage:
    _member_in_scope(principal, user_id)
    return _transitions(user_id, limit=limit, cursor=cursor)


def _load_required(user_id: str) -> Member:
    member = _load(user_id)
    if member is None:
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    return member
