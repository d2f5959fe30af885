"""The rules of a member's state and of the union's figures, for every combination."""
from __future__ import annotations

from dataclasses import replace

from hypothesis import given
from hypothesis import strategies as st

from chalicelib.identity.logic import (
    JOURNEY,
    Flags,
    contribution,
    deactivation_reason,
    derive_state,
    figure_deltas,
    state_path,
)

flags = st.builds(Flags, face_verified=st.booleans(), member_verified=st.booleans(), pledged=st.booleans(),
                  suspended=st.booleans(), banned=st.booleans(), left_union=st.booleans())
nodes = st.sampled_from(["-", "zj/hz/xihu", "zj/hz/xihu/e-lightyear", "zj/hz/xihu/e-westlake"])


def test_the_journey_in_order():
    steps = [Flags(), Flags(face_verified=True), Flags(face_verified=True, member_verified=True),
             Flags(face_verified=True, member_verified=True, pledged=True)]
    assert [derive_state(f) for f in steps] == ["registered", "face_verified", "member_verified", "active"]
    assert state_path("member_verified", "active") == [("member_verified", "pledged"), ("pledged", "active")]
    assert state_path("active", "suspended") == [("active", "suspended")]


@given(flags)
def test_only_a_member_with_every_check_and_no_block_is_active(f):
    active = derive_state(f) == "active"
    assert active == (f.face_verified and f.member_verified and f.pledged
                      and not (f.suspended or f.banned or f.left_union))


@given(flags)
def test_a_block_always_wins_and_lifting_it_restores_the_progress(f):
    if f.banned:
        assert derive_state(f) == "banned"
    elif f.suspended:
        assert derive_state(f) == "suspended"
    unblocked = replace(f, suspended=False, banned=False, left_union=False)
    assert derive_state(unblocked) in JOURNEY


@given(flags)
def test_losing_activity_always_names_a_reason_a_profile_feature_understands(f):
    if derive_state(f) != "active":
        assert deactivation_reason(f) in {"banned", "suspended", "left_union", "pledge_withdrawn", "not_verified"}
        withdrawn = Flags(face_verified=True, member_verified=True, pledged=False)
        assert deactivation_reason(withdrawn) == "pledge_withdrawn"


@given(st.lists(st.tuples(nodes, flags), min_size=1, max_size=12))
def test_counters_moved_by_deltas_always_equal_a_fresh_count(history):
    """Whatever path a member takes through nodes and states, adding up the deltas gives the
    same counters as counting their final position once."""
    counters: dict[str, dict[str, int]] = {}
    before = None
    for position in history:
        for node, delta in figure_deltas(before, position).items():
            for metric, value in delta.items():
                counters.setdefault(node, {}).setdefault(metric, 0)
                counters[node][metric] += value
        before = position
    node, final = history[-1]
    expected = {k: v for k, v in contribution(final).items() if v}
    assert {n: {m: v for m, v in c.items() if v} for n, c in counters.items() if any(c.values())} == {node: expected}


@given(flags)
def test_figures_nest_active_within_member_verified_within_face_verified(f):
    c = contribution(f)
    assert c["registered"] >= c["face_verified"] >= c["member_verified"] >= c["active"]
