"""Schemathesis against the live API: whatever a caller sends, the answer is never a 5xx.

Given the app behind a real HTTP server (moto in-process, provider fakes on a free port) and
its own /openapi.json, when every operation is called with generated valid and invalid input
by the roles it admits — a platform admin, a union admin, an enterprise admin and a worker,
each with a real bearer token from the dev login — then no response is a server error
(schemathesis' ``not_a_server_error`` check). Roles an operation refuses are covered by
``test_route_declarations`` (403 before any input is read), so they are not fuzzed here.

``GONGHUI_FUZZ_EXAMPLES`` sets examples per operation, role and mode (5 for ``make test``,
50 for ``make fuzz``). Generation is derandomized, so a run is repeatable. Work is done in
rounds — every operation valid input first, then invalid input, then the other roles — under
a time budget (``GONGHUI_FUZZ_BUDGET`` seconds), so the suite stays bounded as routes grow;
what the budget cut is printed. Before the random rounds, schemathesis' coverage phase sends
each operation its boundary values (empty strings, limits, just-outside values)."""
from __future__ import annotations

import itertools
import os
import time
from collections.abc import Callable
from typing import Any

import requests
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import FailureGroup
from schemathesis.generation import GenerationMode

EXAMPLES = int(os.environ.get("GONGHUI_FUZZ_EXAMPLES", "5"))
COVERAGE_CASES = 4 * EXAMPLES  # per operation, boundary cases first
BUDGET = float(os.environ.get("GONGHUI_FUZZ_BUDGET", str(max(60.0, EXAMPLES * 12.0))))

CALLERS = {
    "platform_admin": {"role": "platform_admin", "user_id": "fuzz-platform", "org_path": "zj"},
    "union_admin": {"role": "union_admin", "user_id": "fuzz-nanxun", "org_path": "zj/huz/nanxun"},
    "enterprise_admin": {"role": "enterprise_admin", "user_id": "fuzz-sanxing-admin",
                         "org_path": "zj/huz/nanxun/e-sanxing"},
    "worker": {"role": "worker", "user_id": "fuzz-worker", "org_path": "zj/huz/nanxun/e-sanxing"},
}
ANYONE = "anyone"  # public operations are fuzzed once, without a token


class Tally:
    def __init__(self) -> None:
        self.calls = 0
        self.runs = 0
        self.skipped: list[str] = []
        self.server_errors: list[str] = []
        self.by_role: dict[str, int] = {}


def _fuzz(operation: Any, mode: GenerationMode, *, base_url: str, headers: dict[str, str],
          still_time: Callable[[], bool], tally: Tally, role: str) -> None:
    """Up to EXAMPLES generated cases; the first server error is kept with its reproduction
    (no shrinking: the report already has the request as a curl command)."""
    found: list[str] = []

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case: Any) -> None:
        if found or not still_time():
            return
        response = case.call(base_url=base_url, headers=headers, timeout=15)
        tally.calls += 1
        tally.by_role[role] = tally.by_role.get(role, 0) + 1
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=headers)
        except (FailureGroup, AssertionError) as failure:  # the group carries the curl reproduction
            found.append(f"{operation.label} as {role} [{mode.value}] → {response.status_code}\n{failure}")

    try:
        run()
    except Unsatisfiable:  # nothing to make invalid (no parameters, no body)
        pass
    tally.runs += 1
    tally.server_errors += found


def _coverage(schema: Any, operation: Any, *, base_url: str, headers: dict[str, str],
              still_time: Callable[[], bool], tally: Tally, role: str) -> None:
    """Schemathesis' coverage phase: boundary values (empty, shortest, longest, just outside
    each constraint) for each parameter and field, valid and invalid — deterministic."""
    config = schema.config.generation_for(operation=operation, phase="coverage")
    cases = schema.iter_coverage_cases(operation, generation_modes=[GenerationMode.POSITIVE, GenerationMode.NEGATIVE],
                                       generation_config=config)
    # Methods the operation does not have (QUERY, TRACE...) reach Chalice's dev server, which
    # answers 501 itself; API Gateway refuses them before the app. Not the app's to answer.
    same_method = (c for c in cases if c.method.upper() == operation.method.upper())
    for case in itertools.islice(same_method, COVERAGE_CASES):
        if not still_time():
            return
        response = case.call(base_url=base_url, headers=headers, timeout=15)
        tally.calls += 1
        tally.by_role[role] = tally.by_role.get(role, 0) + 1
        try:
            case.validate_response(response, checks=[not_a_server_error], headers=headers)
        except (FailureGroup, AssertionError) as failure:
            tally.server_errors.append(f"{operation.label} as {role} [coverage] → {response.status_code}\n{failure}")
            return
    tally.runs += 1


def test_no_operation_answers_a_server_error(fakes, live_api):
    # A fresh connection per call: Chalice's dev server on a kept-alive connection waits ~40 ms
    # per response on delayed ACKs (headers and body are separate writes), 10x the work itself.
    tokens: dict[str, dict[str, str]] = {ANYONE: {"Connection": "close"}}
    for role, account in CALLERS.items():
        login = requests.post(f"{live_api}/dev/login", json=account, timeout=15)
        assert login.status_code == 200, login.text
        tokens[role] = {"Authorization": f"Bearer {login.json()['access_token']}", "Connection": "close"}
    document = requests.get(f"{live_api}/openapi.json", timeout=15).json()
    schema = schemathesis.openapi.from_dict(document)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10

    def roles_of(operation: Any) -> list[str]:
        declared = operation.definition.raw.get("x-gonghui-roles") or []
        return [r for r in CALLERS if r in declared] if declared else [ANYONE]

    # coverage first (cheap, deterministic), then random valid input, invalid input, other roles
    rounds = [
        [(op, roles_of(op)[0], GenerationMode.POSITIVE) for op in operations],
        [(op, roles_of(op)[0], GenerationMode.NEGATIVE) for op in operations],
        [(op, role, GenerationMode.POSITIVE) for op in operations for role in roles_of(op)[1:]],
    ]
    tally = Tally()
    started = time.monotonic()

    def still_time() -> bool:
        return time.monotonic() - started < BUDGET

    for operation in operations:
        role = roles_of(operation)[0]
        if not still_time():
            tally.skipped.append(f"{operation.label} as {role} [coverage]")
            continue
        _coverage(schema, operation, base_url=live_api, headers=tokens[role], still_time=still_time,
                  tally=tally, role=role)
    for work in rounds:
        for operation, role, mode in work:
            if not still_time():
                tally.skipped.append(f"{operation.label} as {role} [{mode.value}]")
                continue
            _fuzz(operation, mode, base_url=live_api, headers=tokens[role], still_time=still_time,
                  tally=tally, role=role)
    elapsed = time.monotonic() - started
    print(f"\nfuzz: {len(operations)} operations, {tally.runs} operation×role×mode runs of ≤{EXAMPLES} examples, "
          f"{tally.calls} calls ({', '.join(f'{r} {n}' for r, n in sorted(tally.by_role.items()))}) in {elapsed:.0f} s; "
          f"{len(tally.server_errors)} server errors; {len(tally.skipped)} runs cut by the {BUDGET:.0f} s budget")
    assert not tally.server_errors, "\n\n".join(tally.server_errors)
    assert tally.calls >= len(operations), "the fuzz made fewer calls than there are operations"
