"""Hardship aid, the aid-step Lambda: tell the worker of each step, start and close the public
notice, escalate what waits too long.
"""
from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict
from chalicelib.platform.events import SYSTEM, DomainEvent, publish
from chalicelib.platform.money import fen_to_yuan_text

from .models import (
    AidApplication,
)
from .rules import (
    AID_TYPES,
)
from .schemas import (
    NotificationList,
    NotificationView,
)
from .steps import _due_at, _take, scope_limits
from .views import FEATURE, _load, _transaction
from .workflow import (
    REVIEW_STATES,
    SHORT_STATE_NAMES,
    Action,
    State,
    parent_path,
)

# --- the aid-step Lambda ----------------------------------------------------------------

NOTIFY_TEXT = {
    State.ENTERPRISE_REVIEW: ("帮扶申请已提交", "您的{type}申请已提交，等待企业工会审核。"),
    State.DISTRICT_REVIEW: ("企业工会审核通过", "您的{type}申请已通过企业工会审核，等待区总工会审核。"),
    State.PUBLIC_NOTICE: ("区总工会审核通过", "您的{type}申请已通过区总工会审核，核定金额{amount}，即将公示。"),
    State.OBJECTION_REVIEW: ("公示期收到异议", "您的{type}申请公示期间收到异议，区总工会正在复核。"),
    State.APPROVED: ("帮扶申请已批准", "您的{type}申请公示期满，已批准，帮扶金将尽快发放。"),
    State.DISBURSED: ("帮扶金已发放", "您的{type}帮扶金{amount}已发放至尾号{card}的银行卡。"),
    State.NEEDS_CHANGES: ("申请需要补充修改", "您的{type}申请被退回修改：{opinion}"),
    State.REJECTED: ("帮扶申请未通过", "很遗憾，您的{type}申请未通过：{opinion}"),
    State.WITHDRAWN: ("帮扶申请已撤回", "您的{type}申请已撤回。"),
}


def notification_for(event: DomainEvent) -> dict[str, Any] | None:
    """The notice for a step (None for an escalation, which the worker is not told of)."""
    data = event.data
    if data.get("action") == Action.ESCALATE.value:
        return None
    title, template = NOTIFY_TEXT[State(data["to_state"])]
    card = ""
    if data["to_state"] == State.DISBURSED.value:
        masked = _load(data["app_id"]).bank_card_masked or ""
        card = masked[-4:]
    body = template.format(type=AID_TYPES[data["aid_type"]].name, opinion=data.get("opinion") or "",
                           amount=fen_to_yuan_text(int(data.get("amount_fen") or 0)) if data.get("amount_fen") else "",
                           card=card)
    return {"user_id": data["user_id"], "at": data.get("at") or event.time, "event_id": event.event_id,
            "app_id": data["app_id"], "title": title, "body": body, "state": data["to_state"],
            "page": f"pages/aid/detail?id={data['app_id']}"}


AID_TEMPLATE_ID = "aid_progress"  # 帮扶进度提醒 (the subscribe-message template of both mini-programs)


def tell_worker(message: dict[str, Any]) -> None:
    """Queue the step's notice on the platform notice path: the worker's inbox (once per step
    event) and a subscribe message through their mini-program (once per inbox item)."""
    from chalicelib.platform.notices import NoticePush, request_notice

    data = {"thing1": message["title"][:20], "phrase2": SHORT_STATE_NAMES[State(message["state"])],
            "thing3": message["body"][:20]}
    request_notice(message["user_id"], kind="aid", title=message["title"], body=message["body"],
                   link=message["page"], dedup_key=f"aid:{message['event_id']}", occurred_at=message["at"],
                   meta={"app_id": message["app_id"], "state": message["state"]},
                   push=NoticePush(template=AID_TEMPLATE_ID, data=data, page=message["page"]))


def my_notifications(principal: Principal, *, limit: int, cursor: str | None) -> NotificationList:
    """The caller's aid notices: their inbox filtered to the aid kind (one bounded Query)."""
    from chalicelib.inbox.logic import page as inbox_page

    found = inbox_page(principal.user_id, kind="aid", limit=limit, cursor=cursor)
    items = [NotificationView(at=i.created_at, app_id=i.meta.get("app_id", ""), title=i.title, body=i.body,
                              state=i.meta.get("state", "")) for i in found.items]
    return NotificationList(items=items, next_cursor=found.next_cursor)


def start_notice(app_id: str) -> bool:
    """Open the public notice of an application that just reached it (idempotent)."""
    app = _load(app_id)
    if app.state != State.PUBLIC_NOTICE.value or app.notice_started_at:
        return False
    _, days = scope_limits(app.district_path)
    now = clock.now()
    ends = now + timedelta(days=days)
    with dynamo_errors(Conflict("公示开始时申请刚被更新", code="AID_STEP_TAKEN")), _transaction() as tx:
        tx.update(app, actions=[
            AidApplication.notice_started_at.set(clock.isoformat(now)),
            AidApplication.notice_ends_at.set(clock.isoformat(ends)),
            AidApplication.due_kind.set("notice_end"),
            AidApplication.due_at.set(_due_at(ends, app_id)),
        ], condition=AidApplication.state == State.PUBLIC_NOTICE.value)
        publish(FEATURE, "AidNoticeStarted", data={"app_id": app_id, "notice_ends_at": clock.isoformat(ends)},
                org=app.org_path, event_id=f"{app_id}-notice", tx=tx)
    return True


def _due(kind: str, now: datetime, limit: int = 100) -> list[str]:
    upper = f"{clock.isoformat(now)}|~"
    return [a.app_id for a in AidApplication.by_due.query(kind, AidApplication.due_at <= upper, limit=limit)]


def close_due_notices() -> int:
    """Schedule: close every public notice whose period has ended."""
    closed = 0
    now = clock.now()
    for app_id in _due("notice_end", now):
        app = _load(app_id)
        if app.state != State.PUBLIC_NOTICE.value or not app.notice_ends_at \
                or clock.parse(app.notice_ends_at) > now:
            continue
        objections = int(app.objection_count)
        action = Action.REFER_OBJECTIONS if objections else Action.CLOSE_NOTICE
        opinion = f"公示期内收到 {objections} 条异议，转区总工会复核" if objections else "公示期满，无异议"
        try:
            _take(app, action, actor=SYSTEM, actor_name="系统", opinion=opinion)
            closed += 1
        except Conflict:
            continue  # someone acted at the same moment; the next run sees the new state
    return closed


def escalate_overdue() -> int:
    """Schedule: a review pending longer than its scope's limit moves one level up."""
    moved = 0
    now = clock.now()
    for app_id in _due("escalate", now):
        app = _load(app_id)
        if app.state not in {s.value for s in REVIEW_STATES} or not app.due_at \
                or app.due_at.split("|", 1)[0] > clock.isoformat(now):
            continue
        upper = parent_path(app.assigned_path)
        if upper == app.assigned_path:  # already with the province: nothing above, stop the clock
            try:
                with dynamo_errors():
                    app.update(actions=[AidApplication.due_kind.remove(), AidApplication.due_at.remove()])
            except Conflict:
                pass  # changed meanwhile; the next run looks again
            continue
        limit, _ = scope_limits(app.assigned_path)
        try:
            _take(app, Action.ESCALATE, actor=SYSTEM, actor_name="系统",
                  opinion=f"待审超过 {limit} 天，转上级工会（{upper}）办理", new_assigned=upper)
            moved += 1
        except Conflict:
            continue
    return moved
