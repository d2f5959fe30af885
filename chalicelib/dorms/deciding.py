"""Dormitories, deciding: the union admin approves or rejects, the worker cancels, unclaimed holds
expire; the operator's approval rules.
"""
from __future__ import annotations

from chalicelib.platform import clock
from chalicelib.platform.auth import Principal
from chalicelib.platform.db import dynamo_errors
from chalicelib.platform.errors import Conflict, NotFound
from chalicelib.platform.events import SYSTEM, actor_of, publish

from .applying import _application, _hours_from_now, _release, _rules, _tenancy
from .common import FEATURE, HOLDING, STATUS_CN, _app_view, _notify, _publish, _step
from .models import (
    DormApplication,
    DormRules,
    transaction,
)
from .schemas import (
    ApplicationView,
    Decision,
    RulesIn,
    RulesView,
)


def _admin_application(principal: Principal, application_id: str) -> DormApplication:
    app = _application(application_id)
    if not principal.covers(app.org_path):
        raise NotFound("找不到该申请", code="DORM_APPLICATION_NOT_FOUND")
    return app


def _decided_elsewhere(app: DormApplication) -> Conflict:
    """What a deciding admin is told when the application is no longer theirs to decide: who or
    what decided it (another admin, the enterprise's automatic rule, the worker, the expiry)."""
    if app.status == "submitted":
        return Conflict("该申请正在按企业规则自动审核（通常几秒内完成），请稍后刷新", code="DORM_AUTO_REVIEW_PENDING")
    if app.auto_approved == "yes":
        return Conflict("该申请已由企业规则自动通过（如新入职员工），无需再审批", code="DORM_ALREADY_DECIDED")
    by_whom = {"cancelled": "申请人已取消该申请", "expired": "床位保留已过期，该申请已失效",
               "checked_in": "申请人已入住", "checked_out": "申请人已退宿"}
    if app.status in by_whom:
        return Conflict(by_whom[app.status], code="DORM_ALREADY_DECIDED")
    return Conflict(f"该申请已被其他管理员处理（{STATUS_CN.get(app.status, app.status)}），请刷新",
                    code="DORM_ALREADY_DECIDED")


def decide(principal: Principal, application_id: str, decision: Decision) -> ApplicationView:
    """The union/enterprise admin approves or rejects a pending application. Two admins acting at
    once: the status condition and the version let exactly one win; the other gets 409, which
    says who or what decided instead (another admin, the automatic rule, the worker)."""
    app = _admin_application(principal, application_id)
    if app.status != "pending":
        raise _decided_elsewhere(app)
    try:
        return _decide_pending(principal, app, decision)
    except Conflict as exc:
        if exc.code != "DORM_ALREADY_DECIDED":
            raise
        raise _decided_elsewhere(DormApplication.get(application_id, consistent_read=True)) from None


def _decide_pending(principal: Principal, app: DormApplication, decision: Decision) -> ApplicationView:
    application_id = app.application_id
    taken = Conflict("该申请已被其他管理员处理，请刷新", code="DORM_ALREADY_DECIDED")
    actor = principal.user_id
    if decision.approve:
        rules = _rules(app.org_path)
        now, hold_expires = clock.now_iso(), _hours_from_now(rules.checkin_hours)
        step = _step("approved", actor, decision.reason)
        with dynamo_errors(taken), transaction() as tx:
            tx.update(app, actions=[
                DormApplication.status.set("approved"), DormApplication.decided_at.set(now),
                DormApplication.decided_by.set(actor), DormApplication.reason.set(decision.reason or ""),
                DormApplication.hold_expires.set(hold_expires),
                DormApplication.steps.set(DormApplication.steps.append([step]))],
                condition=DormApplication.status == "pending")
            _publish("DormApplicationApproved", app, actor_of(principal), tx=tx, status="approved")
        # the transaction answers nothing: the view shows what it wrote (no read-back)
        app.status, app.decided_at, app.decided_by, app.reason = "approved", now, actor, decision.reason or ""
        app.hold_expires, app.steps = hold_expires, [*(app.steps or []), step]
        _notify(app.user_id, "dorm_approved", "宿舍申请已通过",
                f"{app.building_name} {app.room_no} 室 {app.bed_no} 号床已为您保留，请尽快办理入住。", application_id)
    else:
        _release(app, status="rejected", actor=actor, note=decision.reason or "", allowed=("pending",),
                 conflict=taken, event=("DormApplicationRejected", actor_of(principal), {"reason": decision.reason}))
        _notify(app.user_id, "dorm_rejected", "宿舍申请未通过", f"原因：{decision.reason}", application_id)
    return _app_view(app)  # the view shows what the transaction wrote


def cancel_my_application(principal: Principal) -> ApplicationView:
    tenancy = _tenancy(principal.user_id)
    if tenancy is None or tenancy.status != "holding":
        raise NotFound("没有可取消的宿舍申请", code="DORM_APPLICATION_NOT_FOUND")
    app = _application(tenancy.application_id)
    _release(app, status="cancelled", actor=principal.user_id, note="本人取消", allowed=HOLDING,
             conflict=Conflict("申请状态已变化，请刷新", code="DORM_APPLICATION_CHANGED"),
             event=("DormApplicationCancelled", actor_of(principal), {}))
    return _app_view(app)


def expire_holds(*, batch: int = 100) -> int:
    """The hold-expiry schedule: release every bed whose hold passed its deadline unconfirmed."""
    now = clock.now_iso()
    released = 0
    for app in DormApplication.holds_by_expiry.query("hold", DormApplication.hold_expires <= now, page_size=batch):
        if app.status not in HOLDING:
            continue
        try:
            _release(app, status="expired", actor="system", note="超过保留期限未确认，床位已释放", allowed=HOLDING,
                     conflict=Conflict(code="DORM_APPLICATION_CHANGED"), event=("DormHoldExpired", SYSTEM, {}))
        except Conflict:
            continue  # decided or checked in meanwhile
        released += 1
        _notify(app.user_id, "dorm_expired", "宿舍床位保留已过期",
                f"{app.building_name} {app.room_no} 室 {app.bed_no} 号床保留已到期并释放，如仍需住宿请重新申请。",
                app.application_id)
    return released


# --- rules --------------------------------------------------------------------------------------

def set_rules(principal: Principal, org_path: str, rules: RulesIn) -> RulesView:
    if not principal.covers(org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    with transaction() as tx:
        tx.save(DormRules(org_path, auto_approve_new_hire_days=rules.auto_approve_new_hire_days,
                          hold_hours=rules.hold_hours, checkin_hours=rules.checkin_hours, updated_at=clock.now_iso()))
        publish(FEATURE, "DormRulesChanged", org=org_path, actor=actor_of(principal), tx=tx, data=rules.model_dump())
    return RulesView(org_path=org_path, **rules.model_dump())


def get_rules(principal: Principal, org_path: str) -> RulesView:
    if not principal.covers(org_path):
        raise NotFound("找不到该组织", code="ORG_NOT_FOUND")
    rules = _rules(org_path)
    days = rules.auto_approve_new_hire_days
    return RulesView(org_path=org_path, auto_approve_new_hire_days=None if days is None else int(days),
                     hold_hours=int(rules.hold_hours), checkin_hours=int(rules.checkin_hours))
