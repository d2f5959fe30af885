"""The hardship-aid workflow as one table: states, who may take each step, where it leads.

    draft ─submit→ enterprise_review ─approve→ district_review ─approve(amount)→ public_notice
    public_notice ─close_notice (no objection)→ approved ─disburse→ disbursed
    public_notice ─refer_objections→ objection_review ─approve→ approved
    any review ─return(note)→ needs_changes ─resubmit→ (the same review step)
    any review ─reject(reason)→ rejected; the worker may withdraw before a decision
    a review pending past its scope's limit ─escalate→ the same step, taken one level up

Pure: no I/O. ``logic.py`` loads the application, asks this table, and writes the result.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass

from chalicelib.platform.auth import Principal, Role


class State(enum.StrEnum):
    DRAFT = "draft"
    ENTERPRISE_REVIEW = "enterprise_review"
    DISTRICT_REVIEW = "district_review"
    PUBLIC_NOTICE = "public_notice"
    OBJECTION_REVIEW = "objection_review"
    APPROVED = "approved"
    DISBURSED = "disbursed"
    NEEDS_CHANGES = "needs_changes"
    REJECTED = "rejected"
    WITHDRAWN = "withdrawn"


STATE_NAMES = {
    State.DRAFT: "草稿", State.ENTERPRISE_REVIEW: "企业工会审核中", State.DISTRICT_REVIEW: "区总工会审核中",
    State.PUBLIC_NOTICE: "公示中", State.OBJECTION_REVIEW: "公示异议复核中", State.APPROVED: "已批准，待发放",
    State.DISBURSED: "已发放", State.NEEDS_CHANGES: "退回修改", State.REJECTED: "未通过", State.WITHDRAWN: "已撤回",
}

# at most five characters: the "phrase" field of a subscribe message
SHORT_STATE_NAMES = {
    State.DRAFT: "草稿", State.ENTERPRISE_REVIEW: "企业审核", State.DISTRICT_REVIEW: "区级审核",
    State.PUBLIC_NOTICE: "公示中", State.OBJECTION_REVIEW: "异议复核", State.APPROVED: "已批准",
    State.DISBURSED: "已发放", State.NEEDS_CHANGES: "退回修改", State.REJECTED: "未通过", State.WITHDRAWN: "已撤回",
}

REVIEW_STATES = frozenset({State.ENTERPRISE_REVIEW, State.DISTRICT_REVIEW, State.OBJECTION_REVIEW})
CLOSED_STATES = frozenset({State.DISBURSED, State.REJECTED, State.WITHDRAWN})


class Actor(enum.StrEnum):
    APPLICANT = "applicant"            # the worker who applied
    ENTERPRISE_STAFF = "enterprise"    # enterprise_admin / union_admin covering the assigned node
    DISTRICT_STAFF = "district"        # union_admin covering the assigned (district or higher) node
    SYSTEM = "system"                  # the aid-step Lambda and its schedules


class Action(enum.StrEnum):
    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    WITHDRAW = "withdraw"
    APPROVE = "approve"
    RETURN = "return"
    REJECT = "reject"
    ESCALATE = "escalate"
    CLOSE_NOTICE = "close_notice"
    REFER_OBJECTIONS = "refer_objections"
    DISBURSE = "disburse"


ACTION_NAMES = {
    Action.SUBMIT: "提交申请", Action.RESUBMIT: "修改后重新提交", Action.WITHDRAW: "撤回申请",
    Action.APPROVE: "审核通过", Action.RETURN: "退回修改", Action.REJECT: "不予通过",
    Action.ESCALATE: "超时上报上级工会", Action.CLOSE_NOTICE: "公示期满无异议",
    Action.REFER_OBJECTIONS: "公示期收到异议，转复核", Action.DISBURSE: "发放帮扶金",
}

RETURN_TO = "<return_to>"  # resubmission goes back to the step that asked for changes


@dataclass(frozen=True)
class Transition:
    to: State | str
    actor: Actor
    note_required: bool = False        # return / reject need the reviewer's words
    amount_required: bool = False      # the district approval fixes the amount


T = Transition
S = State
A = Action
TRANSITIONS: dict[tuple[State, Action], Transition] = {
    (S.DRAFT, A.SUBMIT): T(S.ENTERPRISE_REVIEW, Actor.APPLICANT),
    (S.DRAFT, A.WITHDRAW): T(S.WITHDRAWN, Actor.APPLICANT),
    (S.ENTERPRISE_REVIEW, A.APPROVE): T(S.DISTRICT_REVIEW, Actor.ENTERPRISE_STAFF),
    (S.ENTERPRISE_REVIEW, A.RETURN): T(S.NEEDS_CHANGES, Actor.ENTERPRISE_STAFF, note_required=True),
    (S.ENTERPRISE_REVIEW, A.REJECT): T(S.REJECTED, Actor.ENTERPRISE_STAFF, note_required=True),
    (S.ENTERPRISE_REVIEW, A.ESCALATE): T(S.ENTERPRISE_REVIEW, Actor.SYSTEM),
    (S.ENTERPRISE_REVIEW, A.WITHDRAW): T(S.WITHDRAWN, Actor.APPLICANT),
    (S.DISTRICT_REVIEW, A.APPROVE): T(S.PUBLIC_NOTICE, Actor.DISTRICT_STAFF, amount_required=True),
    (S.DISTRICT_REVIEW, A.RETURN): T(S.NEEDS_CHANGES, Actor.DISTRICT_STAFF, note_required=True),
    (S.DISTRICT_REVIEW, A.REJECT): T(S.REJECTED, Actor.DISTRICT_STAFF, note_required=True),
    (S.DISTRICT_REVIEW, A.ESCALATE): T(S.DISTRICT_REVIEW, Actor.SYSTEM),
    (S.NEEDS_CHANGES, A.RESUBMIT): T(RETURN_TO, Actor.APPLICANT),
    (S.NEEDS_CHANGES, A.WITHDRAW): T(S.WITHDRAWN, Actor.APPLICANT),
    (S.PUBLIC_NOTICE, A.CLOSE_NOTICE): T(S.APPROVED, Actor.SYSTEM),
    (S.PUBLIC_NOTICE, A.REFER_OBJECTIONS): T(S.OBJECTION_REVIEW, Actor.SYSTEM),
    (S.PUBLIC_NOTICE, A.REJECT): T(S.REJECTED, Actor.DISTRICT_STAFF, note_required=True),
    (S.OBJECTION_REVIEW, A.APPROVE): T(S.APPROVED, Actor.DISTRICT_STAFF),
    (S.OBJECTION_REVIEW, A.REJECT): T(S.REJECTED, Actor.DISTRICT_STAFF, note_required=True),
    (S.OBJECTION_REVIEW, A.ESCALATE): T(S.OBJECTION_REVIEW, Actor.SYSTEM),
    (S.APPROVED, A.DISBURSE): T(S.DISBURSED, Actor.DISTRICT_STAFF),
}

STAFF_ACTIONS = frozenset({Action.APPROVE, Action.RETURN, Action.REJECT})
APPLICANT_ACTIONS = frozenset({Action.SUBMIT, Action.RESUBMIT, Action.WITHDRAW})


def transition(state: str, action: Action) -> Transition | None:
    return TRANSITIONS.get((State(state), action))


def allowed_actions(state: str) -> list[Action]:
    return [a for (s, a) in TRANSITIONS if s == State(state)]


def target(state: str, action: Action, *, return_to: str | None) -> State:
    found = transition(state, action)
    if found is None:
        raise KeyError((state, action))
    if found.to == RETURN_TO:
        return State(return_to or State.ENTERPRISE_REVIEW)
    return State(found.to)


ROLES_FOR = {
    Actor.ENTERPRISE_STAFF: frozenset({Role.ENTERPRISE_ADMIN, Role.UNION_ADMIN, Role.PLATFORM_ADMIN}),
    Actor.DISTRICT_STAFF: frozenset({Role.UNION_ADMIN, Role.PLATFORM_ADMIN}),
}


def may_take(principal: Principal, actor: Actor, *, applicant_id: str, assigned_path: str) -> bool:
    """Does this caller's role and scope cover the step?"""
    if actor is Actor.APPLICANT:
        return principal.role is Role.WORKER and principal.user_id == applicant_id
    if actor is Actor.SYSTEM:
        return False
    return principal.role in ROLES_FOR[actor] and principal.covers(assigned_path)


def parent_path(path: str) -> str:
    """The next level up (``zj/huz/nanxun`` → ``zj/huz``); the province stays itself."""
    return path.rsplit("/", 1)[0] if "/" in path else path


def district_of(org_path: str) -> str:
    """The district/county node above an enterprise (the first three levels)."""
    return "/".join(org_path.split("/")[:3])
