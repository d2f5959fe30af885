"""光年间 reports and moderation: members report members, posts and messages; union staff in
scope warn, hide, suspend, ban or dismiss, and lift sanctions."""
from __future__ import annotations

from datetime import timedelta

from pynamodb.exceptions import TransactWriteError

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal, Role
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound, ValidationFailed
from chalicelib.platform.events import actor_of, publish, transaction
from chalicelib.platform.pagination import decode_cursor, encode_cursor

from .models import Post, Report, Standing
from .schemas import (
    ModerationAction,
    NewReport,
    ReportPage,
    ReportView,
    StandingView,
)
from .standing import (
    SAFETY_REPORTER,
    Badge,
    _file,
    _standing,
    badges,
    blocked_between,
    org_of,
    standing_view,
)

# --- reports and moderation -------------------------------------------------------------

def _report_views(reports: list[Report]) -> list[ReportView]:
    """Reports with the names of the reported member and the reporter (one BatchGetItem)."""
    names = badges({r.target_member for r in reports} | {r.reporter for r in reports} - {SAFETY_REPORTER})
    return [_report_view(r, names) for r in reports]


def _report_view(r: Report, names: dict[str, Badge]) -> ReportView:
    reporter = "安全规则" if r.reporter == SAFETY_REPORTER else names[r.reporter].nickname
    return ReportView(report_id=r.report_id, kind=r.target_kind, target_id=r.target_id, target_member=r.target_member,
                      target_member_name=names[r.target_member].nickname, reason_code=r.reason_code, note=r.note,
                      excerpt=r.excerpt, reporter=r.reporter, reporter_name=reporter, org=r.org,
                      status=r.status, created_at=r.created_at, action=r.action, action_reason=r.action_reason,
                      action_by=r.action_by, action_at=r.action_at)


def report(principal: Principal, body: NewReport) -> ReportView:
    """A member reports a member, a post or a message. Reporting the same thing twice
    files one report. Each new report counts against the member for the quota halving."""
    me = principal.user_id
    excerpt: str | None = None
    if body.kind == "member":
        member = body.target_id
        if member == me or _standing(member) is None:
            raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    elif body.kind == "post":
        try:
            post = Post.get(body.target_id)
        except Post.DoesNotExist as exc:
            raise NotFound("找不到该动态", code="POST_NOT_FOUND") from exc
        if post.author == me or post.status == "deleted" or blocked_between(me, post.author):
            raise NotFound("找不到该动态", code="POST_NOT_FOUND")
        member, excerpt = post.author, post.text
    else:
        from chalicelib.messaging import logic as messaging

        member, excerpt = messaging.message_for_report(me, body.target_id)
    saved, _ = _file(reporter=me, kind=body.kind, target_id=body.target_id, member=member,
                     reason=body.reason_code, note=body.note, excerpt=excerpt, tally={"reports": 1},
                     announce=lambda tx, report: publish(
                         "social", "MemberReported", data={"report_id": report.report_id, "member": member,
                                                           "kind": body.kind, "reason_code": body.reason_code},
                         actor=actor_of(principal), org=report.org, tx=tx))
    return _report_views([saved])[0]


def report_queue(principal: Principal, status: str, *, limit: int, cursor: str | None) -> ReportPage:
    """The moderation queue, newest first; union staff see reports inside their scope."""
    bound = f"social:reports:{status}"
    page = Report.queue.query(status, scan_index_forward=False, limit=limit,
                              last_evaluated_key=decode_cursor(cursor, bound_to=bound))
    items = _report_views([r for r in page if principal.covers(r.org or "-") or principal.role is Role.PLATFORM_ADMIN])
    return ReportPage(items=items, next_cursor=encode_cursor(page.last_evaluated_key, bound_to=bound))


def _scoped_report(principal: Principal, report_id: str) -> Report:
    try:
        found = Report.get(report_id)
    except Report.DoesNotExist as exc:
        raise NotFound("找不到该举报", code="REPORT_NOT_FOUND") from exc
    if principal.role is not Role.PLATFORM_ADMIN and not principal.covers(found.org or "-"):
        raise NotFound("找不到该举报", code="REPORT_NOT_FOUND")
    return found


def get_report(principal: Principal, report_id: str) -> ReportView:
    return _report_views([_scoped_report(principal, report_id)])[0]


def moderate(principal: Principal, report_id: str, body: ModerationAction) -> ReportView:
    """Union staff act on a report: warn, hide (the post or message), suspend, ban or
    dismiss — with a reason, recorded on the report and published as an event."""
    found = _scoped_report(principal, report_id)
    if found.status != "open":
        raise Conflict("该举报已处理", code="REPORT_ALREADY_HANDLED")
    member = found.target_member
    if body.action == "hide" and found.target_kind == "member":
        raise ValidationFailed("会员举报不能“隐藏”，请选择警告、停用或封禁", code="HIDE_NEEDS_CONTENT")
    now = clock.now()
    at = clock.isoformat(now)
    status = "dismissed" if body.action == "dismiss" else "actioned"
    sanction = {"suspend": "suspended", "ban": "banned"}.get(body.action)
    until = clock.isoformat(now + timedelta(days=body.days)) if body.action == "suspend" else None
    # the report, the member's standing and the event are one transaction (the outbox): a
    # second admin acting on the same report at once changes nothing and announces nothing
    with dynamo_errors(Conflict("该举报已被其他工作人员处理", code="REPORT_ALREADY_HANDLED")), transaction() as tx:
        tx.update(found, actions=[Report.status.set(status), Report.action.set(body.action),
                                  Report.action_reason.set(body.reason), Report.action_by.set(principal.user_id),
                                  Report.action_at.set(at)],
                  condition=Report.status == "open")
        if sanction is not None:
            tx.update(Standing(member), actions=[
                Standing.sanction.set(sanction),
                Standing.sanction_until.set(until) if until else Standing.sanction_until.remove(),
                Standing.sanction_reason.set(body.reason), Standing.updated_at.set(at)])
        elif body.action == "warn":
            tx.update(Standing(member), actions=[Standing.warnings.add(1), Standing.updated_at.set(at)])
        if body.action != "dismiss":
            data = {"user_id": member, "action": body.action, "reason": body.reason, "report_id": report_id,
                    "days": body.days if body.action == "suspend" else None}
            publish("social", "MemberModerated", data=data, actor=actor_of(principal), org=found.org, tx=tx)
    found.status, found.action, found.action_reason, found.action_by, found.action_at = (
        status, body.action, body.reason, principal.user_id, at)
    if body.action == "hide":
        _hide(found)
    elif sanction is not None:
        from chalicelib.identity import logic as identity

        # identity's record is what login, refresh and every request check: the sanction and
        # the end of the member's sessions take effect there at once
        identity.record_sanction(member, sanction, until=until)
    return _report_views([found])[0]


def _hide(found: Report) -> None:
    if found.target_kind == "post":
        from .posts import post_event_data

        try:
            post = Post.get(found.target_id)
        except Post.DoesNotExist:
            return
        try:  # hidden and PostRemoved (tiers takes back what its likes earned) in one transaction
            with transaction() as tx:
                tx.update(post, actions=[Post.status.set("hidden")], condition=Post.status != "hidden")
                publish("social", "PostRemoved",
                        data=post_event_data(post, author=post.author, report_id=found.report_id),
                        org=post.org or "", event_id=f"removed-{post.post_id}", tx=tx)
        except TransactWriteError:
            pass  # hidden already
    elif found.target_kind == "message":
        from chalicelib.messaging import logic as messaging

        messaging.hide_message(found.target_id)


def lift_sanction(principal: Principal, user_id: str, reason: str) -> StandingView:
    if principal.role is not Role.PLATFORM_ADMIN and not principal.covers(org_of(user_id) or "-"):
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    org = org_of(user_id)
    with dynamo_errors(NotFound("找不到该会员", code="MEMBER_NOT_FOUND")), transaction() as tx:
        tx.update(Standing(user_id), actions=[Standing.sanction.set("none"), Standing.sanction_until.remove(),
                                              Standing.sanction_reason.set(reason),
                                              Standing.updated_at.set(clock.now_iso())],
                  condition=Standing.user_id.exists())
        publish("social", "MemberModerated", data={"user_id": user_id, "action": "lift", "reason": reason},
                actor=actor_of(principal), org=org, tx=tx)
    from chalicelib.identity import logic as identity

    identity.record_sanction(user_id, None)
    return standing_view(user_id)


def staff_standing(principal: Principal, user_id: str) -> StandingView:
    standing = _standing(user_id)
    if standing is None or (principal.role is not Role.PLATFORM_ADMIN and not principal.covers(standing.org or "-")):
        raise NotFound("找不到该会员", code="MEMBER_NOT_FOUND")
    return standing_view(user_id)
