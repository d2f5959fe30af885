"""Bad input never becomes a 500: every route that reads a JSON body answers a malformed one
with a 4xx carrying a code.

Given every route the app registers with a ``body=`` schema (features add theirs; nothing
here lists them), when a caller of an allowed role sends each body of the corpus below
(nesting a thousand levels deep, an integer of 5,000 digits, ``NaN``, bytes that are not
UTF-8, ...), then no answer is a 5xx, and the hostile documents get 400 with the code
that names the problem."""
from __future__ import annotations

import json
from typing import Any

import pytest

from chalicelib.platform.auth import Role
from tests.quality.routes import Route, all_routes

DEEP = 100_000  # the audit saw ~1,000 under Lambda; far past any recursion limit here
# (name, raw body, codes a route that reads the body must answer with; None: any 4xx with a code)
CORPUS: list[tuple[str, bytes, set[str] | None]] = [
    ("nested lists", b"[" * DEEP + b"]" * DEEP, {"JSON_TOO_DEEP"}),
    ("nested objects", b'{"a":' * (DEEP // 10) + b"1" + b"}" * (DEEP // 10), {"JSON_TOO_DEEP"}),
    ("nested a little too deep", b'{"a":' * 40 + b"1" + b"}" * 40, {"JSON_TOO_DEEP"}),
    ("5,000-digit integer", b'{"amount_fen": ' + b"9" * 5_000 + b"}", {"JSON_NUMBER_OUT_OF_RANGE"}),
    ("40-digit integer", b'{"amount_fen": ' + b"9" * 40 + b"}", {"JSON_NUMBER_OUT_OF_RANGE"}),
    ("NaN", b'{"amount_fen": NaN}', {"JSON_NUMBER_OUT_OF_RANGE"}),
    ("Infinity", b'{"amount_fen": -Infinity}', {"JSON_NUMBER_OUT_OF_RANGE"}),
    ("float overflow", b'{"amount_fen": 1e999}', {"JSON_NUMBER_OUT_OF_RANGE"}),
    ("not UTF-8", b'{"name": "\xff\xfe"}', {"INVALID_JSON"}),
    ("truncated", b'{"name": "', {"INVALID_JSON"}),
    ("a list", b"[]", None),
    ("a string", b'"x"', None),
    ("null", b"null", None),
    ("control characters", b'{"name": "\\u0000\\u202e\\u200b\\ufeff"}', None),
    ("lone surrogate", b'{"name": "\\ud800", "text": "\\udfff"}', None),
]


@pytest.fixture(scope="module")
def body_routes(chalice_app: Any) -> list[Route]:
    found = [r for r in all_routes(chalice_app) if r.spec is not None and r.spec.body is not None]
    assert len(found) >= 30, "fewer body routes than the app has: the walk is broken"
    return found


def test_every_body_route_answers_the_malformed_corpus_with_a_coded_4xx(api, login, body_routes):
    tokens = {role: login(role.value, user_id=f"corpus-{role.value.replace('_', '-')}").tokens["access_token"]
              for role in Role}
    failures: list[str] = []
    parsed = 0
    for route in body_routes:
        assert route.spec is not None
        role = sorted(route.spec.roles, key=lambda r: r.value)[0] if route.spec.roles else None
        headers = {"Content-Type": "application/json"}
        if role is not None:
            headers["Authorization"] = f"Bearer {tokens[role]}"
        for name, raw, codes in CORPUS:
            response = api.request(route.method, route.url(), headers=headers, body=raw)
            try:
                answer = json.loads(response.body) if response.body else {}
            except ValueError:
                answer = {}
            code = answer.get("code") if isinstance(answer, dict) else None
            if response.status_code >= 500 or not code:
                failures.append(f"{route.name} [{name}] → {response.status_code} {code}")
            elif response.status_code in (401, 403):
                continue  # refused before the body was read (e.g. a caller's standing)
            elif codes is not None:
                parsed += 1
                if response.status_code != 400 or code not in codes:
                    failures.append(f"{route.name} [{name}] → {response.status_code} {code}, want 400 {codes}")
    assert not failures, "\n".join(failures)
    assert parsed >= len(body_routes) * 5, "too few routes read the corpus: the walk proves nothing"
