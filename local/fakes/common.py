"""Plumbing the three fake protocols share: a parsed request, a response, time, codes."""
from __future__ import annotations

import json
import secrets
import threading
import urllib.parse
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from chalicelib.platform import clock


def now() -> float:
    """Fake time follows the platform clock, so ``clock.travel`` expires codes and tokens."""
    return clock.now().timestamp()


@dataclass
class FakeRequest:
    method: str
    path: str
    query: dict[str, str]
    headers: Mapping[str, str]  # names lower-cased
    body: bytes

    def header(self, name: str) -> str:
        return self.headers.get(name.lower()) or ""

    @property
    def content_type(self) -> str:
        return self.header("Content-Type").lower()

    def form(self) -> dict[str, str]:
        if "application/x-www-form-urlencoded" not in self.content_type or not self.body:
            return {}
        return dict(urllib.parse.parse_qsl(self.body.decode("utf-8"), keep_blank_values=True))

    def params(self) -> dict[str, str]:
        """Query and form parameters together (form wins), as the real gateways read them."""
        return {**self.query, **self.form()}

    def json(self) -> Any:
        return json.loads(self.body.decode("utf-8")) if self.body else None


@dataclass
class FakeResponse:
    status: int = 200
    body: bytes = b""
    content_type: str = "application/json; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of_json(cls, value: Any, status: int = 200) -> FakeResponse:
        return cls(status, json.dumps(value, ensure_ascii=False).encode("utf-8"))

    @classmethod
    def of_text(cls, text: str, status: int = 200,
                content_type: str = "application/json; charset=utf-8") -> FakeResponse:
        return cls(status, text.encode("utf-8"), content_type)

    @classmethod
    def of_html(cls, html: str, status: int = 200) -> FakeResponse:
        return cls(status, html.encode("utf-8"), "text/html; charset=utf-8")


@dataclass
class OneTimeCode:
    """A login/auth code: valid once, until ``expires_at``."""

    subject: dict[str, Any]
    expires_at: float
    used: bool = False


class CodeBook:
    """Minted one-time codes. ``redeem`` answers the subject or why not."""

    def __init__(self, ttl_seconds: int, *, nbytes: int = 16) -> None:
        self.ttl = ttl_seconds
        self.nbytes = nbytes
        self._codes: dict[str, OneTimeCode] = {}
        self._lock = threading.Lock()

    def mint(self, subject: dict[str, Any]) -> str:
        code = secrets.token_hex(self.nbytes)
        with self._lock:
            self._codes[code] = OneTimeCode(subject, now() + self.ttl)
        return code

    def redeem(self, code: str) -> tuple[dict[str, Any] | None, str]:
        """(subject, "ok") or (None, "unknown" | "used" | "expired")."""
        with self._lock:
            entry = self._codes.get(code)
            if entry is None:
                return None, "unknown"
            if entry.used:
                return None, "used"
            if entry.expires_at <= now():
                return None, "expired"
            entry.used = True
            return entry.subject, "ok"

    def clear(self) -> None:
        with self._lock:
            self._codes.clear()


class TokenBook:
    """Access tokens with expiry; a new one leaves the previous valid for a grace period."""

    def __init__(self, ttl_seconds: int, *, grace_seconds: int = 0, nbytes: int = 32) -> None:
        self.ttl = ttl_seconds
        self.grace = grace_seconds
        self.nbytes = nbytes
        self.issued = 0
        self._tokens: dict[str, float] = {}
        self._lock = threading.Lock()

    def issue(self) -> str:
        token = secrets.token_urlsafe(self.nbytes)
        with self._lock:
            moment = now()
            for old, expires_at in list(self._tokens.items()):
                self._tokens[old] = min(expires_at, moment + self.grace)
            self._tokens[token] = moment + self.ttl
            self.issued += 1
        return token

    def current(self) -> tuple[str, int] | None:
        """The newest token still valid and its remaining seconds (WeChat's stable token)."""
        with self._lock:
            moment = now()
            live = [(expires_at, token) for token, expires_at in self._tokens.items() if expires_at > moment]
        if not live:
            return None
        expires_at, token = max(live)
        return token, int(expires_at - moment)

    def check(self, token: str | None) -> str:
        """"ok", "missing", "invalid" (never issued / revoked) or "expired"."""
        if not token:
            return "missing"
        with self._lock:
            expires_at = self._tokens.get(token)
        if expires_at is None:
            return "invalid"
        return "ok" if expires_at > now() else "expired"

    def revoke_all(self) -> None:
        with self._lock:
            self._tokens.clear()

    def clear(self) -> None:
        self.revoke_all()
        self.issued = 0
