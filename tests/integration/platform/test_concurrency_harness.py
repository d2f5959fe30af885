"""The live server answers real concurrent requests, each with its own caller."""
from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import requests


def test_concurrent_callers_each_see_their_own_identity(live_api, login):
    sessions = [login("worker", user_id=f"w-{i}") for i in range(12)]

    def whoami(session):
        r = requests.get(f"{live_api}/me", headers=session.headers, timeout=30)
        return r.status_code, r.json()["user_id"], session.user_id

    with ThreadPoolExecutor(max_workers=12) as pool:
        results = list(pool.map(whoami, sessions))
    assert all(status == 200 for status, _, _ in results)
    assert all(seen == expected for _, seen, expected in results)
