"""Factories for the 光年间 stories: members with profiles, activated the way identity will."""
from __future__ import annotations

import io
from typing import Any

from PIL import Image

from chalicelib.platform.events import publish
from tests.conftest import body
from tests.members import set_standing

XIHU = "zj/hz/xihu"


def profile(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "nickname": "小王", "gender": "female", "birth_year": 1995, "height_cm": 163, "hometown": "浙江绍兴",
        "education": "bachelor", "industry": "互联网", "job": "产品经理", "city": "hz", "district": "xihu",
        "hobbies": ["reading", "photography"], "sports": ["hiking", "badminton"], "free_tags": ["爱笑"],
        "intro": "喜欢周末去爬山，也喜欢安静地看书。",
        "seeking": {"gender": "male", "age_min": 25, "age_max": 38, "cities": ["hz"],
                    "must_have": [], "nice_to_have": ["hiking"]},
    }
    data.update(overrides)
    return data


def activate(user_id: str, *, active: bool = True) -> None:
    """What identity holds and publishes once a member passed face and enterprise verification."""
    set_standing(user_id, state="active" if active else "left_union")
    publish("identity", "MemberActivated" if active else "MemberDeactivated",
            data={"user_id": user_id, "reason": "verified" if active else "left enterprise"})


def member(login: Any, pump: Any, user_id: str, *, org: str = f"{XIHU}/e-ant", activated: bool = True,
           drain: bool = True, **overrides: Any) -> Any:
    session = login("worker", user_id=user_id, org_path=org)
    saved = session.put("/profiles/me", profile(**overrides))
    assert saved.status_code == 200, saved.body
    if activated:
        activate(user_id)
    if drain:
        pump.drain()
    return session


def jpeg_with_gps(size: tuple[int, int] = (1600, 1200)) -> bytes:
    image = Image.new("RGB", size, (200, 120, 80))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"          # Make
    gps = {1: "N", 2: (30.0, 15.0, 0.0), 3: "E", 4: (120.0, 8.0, 0.0)}
    exif[0x8825] = gps                   # GPSInfo
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def ids(page: Any) -> list[str]:
    return [c["user_id"] for c in body(page)["items"]]
