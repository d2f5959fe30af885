"""Time: UTC in storage, Asia/Shanghai at the edges. One seam so tests can move time."""
from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
_offset = timedelta(0)


def now() -> datetime:
    """The current instant, timezone-aware UTC."""
    return datetime.now(UTC) + _offset


def now_iso() -> str:
    return isoformat(now())


def isoformat(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def parse(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(UTC)


def today_shanghai() -> date:
    return now().astimezone(SHANGHAI).date()


def to_shanghai(moment: datetime) -> datetime:
    return moment.astimezone(SHANGHAI)


def epoch() -> int:
    return int(now().timestamp())


def travel(delta: timedelta) -> None:
    """Move the clock (tests and the local stack's demo controls only)."""
    global _offset
    _offset += delta


def reset() -> None:
    global _offset
    _offset = timedelta(0)
