"""The aid workflow, pinned cell by cell: for every state, every action and every kind of
caller, whether the step exists, where it leads, what it needs, and who may take it.

The table below is the rule book as the union wrote it; ``workflow.TRANSITIONS`` must say
exactly the same. A change to who may do what fails here first, so it is made on purpose.
"""
from __future__ import annotations

import pytest

from chalicelib.aid.workflow import RETURN_TO, TRANSITIONS, Action, State, may_take, target, transition
from chalicelib.platform.auth import Principal, Role

ENTERPRISE, DISTRICT = "zj/huz/nanxun/e-sanxing", "zj/huz/nanxun"

# state → action → (leads to, who: A applicant / E enterprise staff / D district staff / S system, needs)
RULES: dict[str, dict[str, tuple[str, str, str]]] = {
    "draft": {"submit": ("enterprise_review", "A", ""), "withdraw": ("withdrawn", "A", "")},
    "enterprise_review": {
        "approve": ("district_review", "E", ""), "return": ("needs_changes", "E", "note"),
        "reject": ("rejected", "E", "note"), "escalate": ("enterprise_review", "S", ""),
        "withdraw": ("withdrawn", "A", ""),
    },
    "district_review": {
        "approve": ("public_notice", "D", "amount"), "return": ("needs_changes", "D", "note"),
        "reject": ("rejected", "D", "note"), "escalate": ("district_review", "S", ""),
    },
    "needs_changes": {"resubmit": (RETURN_TO, "A", ""), "withdraw": ("withdrawn", "A", "")},
    "public_notice": {
        "close_notice": ("approved", "S", ""), "refer_objections": ("objection_review", "S", ""),
        "reject": ("rejected", "D", "note"),
    },
    "objection_review": {
        "approve": ("approved", "D", ""), "reject": ("rejected", "D", "note"),
        "escalate": ("objection_review", "S", ""),
    },
    "approved": {"disburse": ("disbursed", "D", "")},
    "disbursed": {},
    "rejected": {},
    "withdrawn": {},
}

CALLERS = {
    "the applicant": Principal(user_id="w-1", role=Role.WORKER, org_path=ENTERPRISE),
    "a colleague": Principal(user_id="w-2", role=Role.WORKER, org_path=ENTERPRISE),
    "the enterprise admin": Principal(user_id="ea", role=Role.ENTERPRISE_ADMIN, org_path=ENTERPRISE),
    "the enterprise union admin": Principal(user_id="eu", role=Role.UNION_ADMIN, org_path=ENTERPRISE),
    "the district union admin": Principal(user_id="du", role=Role.UNION_ADMIN, org_path=DISTRICT),
    "another district's admin": Principal(user_id="xu", role=Role.UNION_ADMIN, org_path="zj/hz/xihu"),
    "the platform admin": Principal(user_id="pa", role=Role.PLATFORM_ADMIN, org_path="zj"),
}
MAY = {
    "A": {"the applicant"},
    "E": {"the enterprise admin", "the enterprise union admin", "the district union admin", "the platform admin"},
    "D": {"the district union admin", "the platform admin"},
    "S": set(),  # the aid-step Lambda's own steps: no caller may take them through the API
}


def _assigned(state: State) -> str:
    """Where the application waits: the enterprise until it passes enterprise review."""
    return ENTERPRISE if state in (State.DRAFT, State.ENTERPRISE_REVIEW, State.NEEDS_CHANGES) else DISTRICT


def test_the_rule_book_names_every_state_and_the_table_nothing_else():
    assert set(RULES) == {s.value for s in State}
    assert {(s.value, a.value) for s, a in TRANSITIONS} == {(s, a) for s, steps in RULES.items() for a in steps}


@pytest.mark.parametrize("state", list(State))
@pytest.mark.parametrize("action", list(Action))
def test_every_state_action_and_caller_is_as_the_rule_book_says(state, action):
    rule = RULES[state.value].get(action.value)
    found = transition(state, action)
    if rule is None:
        assert found is None, f"{state} → {action} is not in the rule book"
        return
    leads_to, who, needs = rule
    assert found is not None
    assert str(found.to) == leads_to
    assert found.note_required is (needs == "note")
    assert found.amount_required is (needs == "amount")
    allowed = {name for name, caller in CALLERS.items()
               if may_take(caller, found.actor, applicant_id="w-1", assigned_path=_assigned(state))}
    assert allowed == MAY[who], f"{state} → {action}"


@pytest.mark.parametrize("state", [State.DISTRICT_REVIEW, State.PUBLIC_NOTICE, State.OBJECTION_REVIEW,
                                   State.APPROVED, State.DISBURSED, State.REJECTED, State.WITHDRAWN])
def test_a_worker_cannot_withdraw_once_the_enterprise_approved(state):
    assert transition(state, Action.WITHDRAW) is None


def test_enterprise_staff_cannot_decide_an_objection():
    found = transition(State.OBJECTION_REVIEW, Action.APPROVE)
    assert found is not None
    for name in ("the enterprise admin", "the enterprise union admin"):
        assert not may_take(CALLERS[name], found.actor, applicant_id="w-1", assigned_path=DISTRICT), name


def test_a_step_that_does_not_exist_has_no_target():
    with pytest.raises(KeyError) as missing:
        target(State.APPROVED, Action.WITHDRAW, return_to=None)
    assert missing.value.args == ((State.APPROVED, Action.WITHDRAW),)
    assert target(State.NEEDS_CHANGES, Action.RESUBMIT, return_to=None) is State.ENTERPRISE_REVIEW
