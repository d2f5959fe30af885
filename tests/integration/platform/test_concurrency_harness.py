"""The live server answers real concurrent requests, each with its own caller."""
from __future__ import annotations

import threading
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


def test_sixty_four_simultaneous_posts_are_all_answered(live_api):
    """A load test's burst reaches the app: no connection is reset in the listen backlog
    (Chalice's own local server keeps a backlog of 5 and reset about half of these)."""
    callers = 64
    start = threading.Barrier(callers)

    def log_in(i: int) -> int:
        start.wait(timeout=60)
        r = requests.post(f"{live_api}/dev/login", json={"role": "worker", "user_id": f"burst-{i}"},
                          headers={"Connection": "close"}, timeout=120)
        return r.status_code

    with ThreadPoolExecutor(max_workers=callers) as pool:
        statuses = list(pool.map(log_in, range(callers)))
    assert statuses == [200] * callers
