"""光年间 identity, the member's life as a pure state machine: the journey (registered → face verified
→ member verified → pledged → active), what blocks it, the figures each state counts in, and the
notices a member gets.
"""
from __future__ import annotations

import itertools
import uuid
from dataclasses import dataclass
from datetime import timedelta

from chalicelib.platform import clock

FEATURE = "identity"
DAILY_FACE_ATTEMPTS = 5
LIVE = "live"
ATTEMPT_TTL = timedelta(days=30)
REPUBLISH_AFTER = timedelta(seconds=60)
_EVENT_NS = uuid.UUID("6b1f6f3e-4f4c-4b59-9d43-7a1f3c0e5a11")

# The journey, in order; a member moving several steps at once is logged step by step.
JOURNEY = ("registered", "face_verified", "member_verified", "pledged", "active")
BLOCKED = ("banned", "suspended", "left_union")
NEXT_STEP = {
    "registered": "请完成支付宝人脸实名认证",
    "face_verified": "正在与工会会员库比对，如未找到可提交申诉",
    "member_verified": "请阅读并签署单身承诺",
    "pledged": "即将开通",
    "active": "已开通，可以浏览和被浏览",
    "suspended": "账号已被工会暂停使用",
    "banned": "账号已被封禁",
    "left_union": "会员库显示您已离会，如有疑问请联系所在工会",
}
PENDING_MESSAGES = {
    "6001": "您已取消人脸核验，可以重新发起",
    "6002": "网络异常，核验未完成，请重新发起",
    "4000": "核验过程出错，请重新发起",
    "9000": "支付宝尚未确认本次人脸核验",
}

PLEDGES: dict[str, tuple[str, str]] = {
    "2026.1": (
        "光年间单身承诺书",
        "本人郑重承诺：本人目前处于单身状态（未婚，或离异、丧偶后未再婚），未与他人保持恋爱或婚姻关系；"
        "在光年间填写的个人信息真实有效；以真诚交友、建立婚恋关系为目的使用本平台，不以任何形式从事"
        "诈骗、借贷、投资推销、婚托等行为。如情况发生变化，本人将及时撤回承诺。如有不实，本人愿承担"
        "相应责任，并接受工会取消使用资格的处理。",
    ),
}
CURRENT_PLEDGE = "2026.1"


# --- the state machine (pure) ------------------------------------------------------------

@dataclass(frozen=True)
class Flags:
    face_verified: bool = False
    member_verified: bool = False
    pledged: bool = False
    suspended: bool = False
    banned: bool = False
    left_union: bool = False


def derive_state(flags: Flags) -> str:
    """The one state a member is in, from what is true of them. Blocks win over progress."""
    if flags.banned:
        return "banned"
    if flags.suspended:
        return "suspended"
    if flags.left_union:
        return "left_union"
    if not flags.face_verified:
        return "registered"
    if not flags.member_verified:
        return "face_verified"
    if not flags.pledged:
        return "member_verified"
    return "active"


def state_path(before: str, after: str) -> list[tuple[str, str]]:
    """The transitions to log: forward moves along the journey pass every step between."""
    if before in JOURNEY and after in JOURNEY and JOURNEY.index(after) > JOURNEY.index(before):
        steps = JOURNEY[JOURNEY.index(before): JOURNEY.index(after) + 1]
        return list(itertools.pairwise(steps))
    return [(before, after)]


def deactivation_reason(flags: Flags) -> str:
    if flags.banned:
        return "banned"
    if flags.suspended:
        return "suspended"
    if flags.left_union:
        return "left_union"
    if not flags.pledged:
        return "pledge_withdrawn"
    return "not_verified"


METRICS = ("registered", "face_verified", "member_verified", "active")


def contribution(flags: Flags) -> dict[str, int]:
    """What one member adds to their node's figures."""
    face = flags.face_verified
    return {"registered": 1, "face_verified": int(face), "member_verified": int(face and flags.member_verified),
            "active": int(derive_state(flags) == "active")}


def figure_deltas(before: tuple[str, Flags] | None, after: tuple[str, Flags]) -> dict[str, dict[str, int]]:
    """How the live counters move when a member goes from ``before`` to ``after`` (node, flags)."""
    deltas: dict[str, dict[str, int]] = {}
    if before is not None:
        node, flags = before
        for metric, value in contribution(flags).items():
            deltas.setdefault(node, {}).setdefault(metric, 0)
            deltas[node][metric] -= value
    node, flags = after
    for metric, value in contribution(flags).items():
        deltas.setdefault(node, {}).setdefault(metric, 0)
        deltas[node][metric] += value
    return {n: {m: v for m, v in d.items() if v} for n, d in deltas.items() if any(d.values())}


# Subscribe-message templates of the 光年间 mini-program (one per kind of news).
TEMPLATES = {
    "membership": "gnj-membership-result",
    "appeal": "gnj-appeal-result",
    "standing": "gnj-account-standing",
}
PAGE = "pages/identity/index"


TITLES = {"membership": "会员认证结果", "appeal": "申诉结果", "standing": "账号状态变更"}


def notify_member(user_id: str, kind: str, data: dict[str, str]) -> None:
    """Tell the member through the platform notice path: their inbox, and a subscribe message
    through their mini-program (once per notice)."""
    from chalicelib.platform.notices import NoticePush, request_notice

    short = {k: v[:20] for k, v in data.items()}
    request_notice(user_id, kind="identity", title=TITLES[kind], body="；".join(v for v in data.values() if v),
                   link=PAGE, dedup_key=f"identity:{uuid.uuid4().hex}", occurred_at=clock.now_iso(),
                   meta={"template": TEMPLATES[kind]},
                   push=NoticePush(template=TEMPLATES[kind], data=short, page=PAGE))


def ancestors(org: str) -> list[str]:
    parts = org.split("/")
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]
