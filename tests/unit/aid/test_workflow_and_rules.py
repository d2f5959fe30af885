"""The aid workflow table and the small rules, without AWS."""
from __future__ import annotations

import statistics

import pytest
from hypothesis import given
from hypothesis import strategies as st

from chalicelib.aid.rules import mask_bank_card, mask_name, median_from_histogram, normalize_bank_card
from chalicelib.aid.workflow import (
    CLOSED_STATES,
    TRANSITIONS,
    Action,
    Actor,
    State,
    allowed_actions,
    district_of,
    may_take,
    parent_path,
    target,
)
from chalicelib.platform.auth import Principal, Role
from tests.integration.aid.support import luhn_card


def test_closed_states_have_no_way_out_and_every_open_state_has_one():
    for state in State:
        if state in CLOSED_STATES:
            assert allowed_actions(state) == []
        else:
            assert allowed_actions(state), state


def test_money_moves_only_from_approved_and_approval_fixes_the_amount_at_the_district():
    into_disbursed = [(s, a) for (s, a), t in TRANSITIONS.items() if t.to == State.DISBURSED]
    assert into_disbursed == [(State.APPROVED, Action.DISBURSE)]
    amount_steps = [(s, a) for (s, a), t in TRANSITIONS.items() if t.amount_required]
    assert amount_steps == [(State.DISTRICT_REVIEW, Action.APPROVE)]
    assert all(t.note_required for (_, a), t in TRANSITIONS.items() if a in (Action.RETURN, Action.REJECT))


@given(st.lists(st.sampled_from(list(Action)), max_size=30))
def test_any_walk_through_the_table_reaches_payment_only_through_the_notice(actions):
    state, return_to, seen = State.DRAFT, None, [State.DRAFT]
    for action in actions:
        if (state, action) not in TRANSITIONS:
            continue
        if action is Action.RETURN:
            return_to = state
        state = target(state, action, return_to=return_to)
        seen.append(state)
    if State.DISBURSED in seen:
        before = seen[: seen.index(State.DISBURSED)]
        assert State.PUBLIC_NOTICE in before and State.ENTERPRISE_REVIEW in before
        assert State.DISTRICT_REVIEW in before


def test_resubmission_returns_to_the_step_that_asked_for_changes():
    assert target(State.NEEDS_CHANGES, Action.RESUBMIT, return_to="district_review") is State.DISTRICT_REVIEW
    assert target(State.NEEDS_CHANGES, Action.RESUBMIT, return_to="enterprise_review") is State.ENTERPRISE_REVIEW


@pytest.mark.parametrize(("role", "org", "actor", "assigned", "expected"), [
    (Role.ENTERPRISE_ADMIN, "zj/huz/nanxun/e-sanxing", Actor.ENTERPRISE_STAFF, "zj/huz/nanxun/e-sanxing", True),
    (Role.UNION_ADMIN, "zj/huz/nanxun", Actor.ENTERPRISE_STAFF, "zj/huz/nanxun/e-sanxing", True),
    (Role.ENTERPRISE_ADMIN, "zj/huz/nanxun/e-sanxing", Actor.DISTRICT_STAFF, "zj/huz/nanxun", False),
    (Role.UNION_ADMIN, "zj/huz/nanxun/e-sanxing", Actor.DISTRICT_STAFF, "zj/huz/nanxun", False),
    (Role.UNION_ADMIN, "zj/huz/nanxun", Actor.DISTRICT_STAFF, "zj/huz/nanxun", True),
    (Role.UNION_ADMIN, "zj/huz/nanxun", Actor.DISTRICT_STAFF, "zj/huz", False),
    (Role.UNION_ADMIN, "zj/hz/xihu", Actor.ENTERPRISE_STAFF, "zj/huz/nanxun/e-sanxing", False),
    (Role.PLATFORM_ADMIN, "zj", Actor.DISTRICT_STAFF, "zj/huz", True),
])
def test_who_may_take_a_step(role, org, actor, assigned, expected):
    principal = Principal(user_id="x", role=role, org_path=org)
    assert may_take(principal, actor, applicant_id="w", assigned_path=assigned) is expected


def test_paths_up_the_hierarchy():
    assert district_of("zj/huz/nanxun/e-sanxing") == "zj/huz/nanxun"
    assert parent_path("zj/huz/nanxun") == "zj/huz" and parent_path("zj") == "zj"


def test_bank_cards_are_checked_and_masked():
    card = luhn_card()
    assert normalize_bank_card(f"{card[:4]} {card[4:8]}-{card[8:]}") == card
    assert mask_bank_card(card) == f"{card[:4]} **** **** {card[-4:]}"
    bad_check = card[:-1] + str((int(card[-1]) + 1) % 10)
    with pytest.raises(ValueError, match="校验"):
        normalize_bank_card(bad_check)
    with pytest.raises(ValueError, match="16到19位"):
        normalize_bank_card("1234")


def test_names_on_the_public_notice_are_masked():
    assert [mask_name(n) for n in ("陈宏鑫", "王芳", "欧阳娜娜")] == ["陈*鑫", "王*", "欧**娜"]


@given(st.lists(st.integers(0, 60), min_size=1, max_size=50))
def test_the_median_from_a_histogram_is_the_median(values):
    histogram: dict[int, int] = {}
    for v in values:
        histogram[v] = histogram.get(v, 0) + 1
    assert median_from_histogram(histogram) == statistics.median(values)


def test_every_state_has_a_subscribe_message_phrase_of_at_most_five_characters():
    from chalicelib.aid.workflow import SHORT_STATE_NAMES

    assert set(SHORT_STATE_NAMES) == set(State)
    assert all(1 <= len(v) <= 5 for v in SHORT_STATE_NAMES.values())
