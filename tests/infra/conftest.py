"""Infra fixtures: synthesize once per test session (shared by xdist workers), expand SAM,
deploy into moto.

Synthesis runs in subprocesses (``synth_job.py``): the app's names depend on the stage the
process was started for, and this pytest process runs with the local stage.
"""
from __future__ import annotations

import fcntl
import os
import shutil
from pathlib import Path
from typing import Any

import pytest

from .support import TARGETS, Synth, expand_sam, load_all, synthesize_all, without_api_gateway


@pytest.fixture(scope="session")
def synths(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Synth]:
    if shutil.which("node") is None:
        pytest.skip("the CDK (jsii) needs node on PATH")
    base = tmp_path_factory.getbasetemp()
    # Under xdist every worker has its own basetemp under one shared parent.
    shared = base.parent if os.environ.get("PYTEST_XDIST_WORKER") else base
    # GONGHUI_INFRA_SYNTH_DIR keeps the synthesized targets between runs (while iterating on a
    # test); delete the folder after changing infra or the app.
    root = Path(os.environ.get("GONGHUI_INFRA_SYNTH_DIR") or shared / "gonghui-infra-synth")
    root.mkdir(parents=True, exist_ok=True)
    with open(root / "lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            if (root / "done").exists():
                return load_all(root)
            result = synthesize_all(root)
            (root / "done").write_text("ok")
            return result
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)


@pytest.fixture(scope="session")
def expanded(synths: dict[str, Synth]) -> dict[str, dict[str, Any]]:
    """Each template after the SAM transform (what CloudFormation actually creates)."""
    return {name: expand_sam(s.template, s.region) for name, s in synths.items()}


@pytest.fixture(params=[t.name for t in TARGETS])
def target(request: pytest.FixtureRequest, synths: dict[str, Synth]) -> Synth:
    return synths[request.param]


@pytest.fixture(scope="session")
def deployed(synths: dict[str, Synth], expanded: dict[str, dict[str, Any]]) -> dict[str, dict[str, Any]]:
    """Each target deployed into a fresh moto (one ``mock_aws`` each, in the target's
    region), and what the deployed resources look like, read back through the AWS APIs."""
    from moto import mock_aws

    from .support import deploy, describe_deployment

    result = {}
    for name, s in synths.items():
        order = deploy_order(s.expected["dependencies"])
        dropped: set[str] = set()
        stacks = {}
        with mock_aws():
            os.environ.pop("AWS_ENDPOINT_URL", None)
            for stack_name in order:  # each stack on its own, in dependency order, as CDK deploys
                stack_template = s.stacks[stack_name]
                if "Transform" in stack_template:
                    stack_template = expand_sam(stack_template, s.region)
                template, gone = without_api_gateway(stack_template)
                dropped |= gone
                stacks[stack_name] = deploy(template, s.region, stack_name)
            failed = [st for st in stacks.values() if st["StackStatus"] != "CREATE_COMPLETE"]
            result[name] = {"stack": failed[0] if failed else next(iter(stacks.values())), "stacks": stacks,
                            "dropped": dropped, **describe_deployment(s.region, order)}
    return result


def deploy_order(dependencies: dict[str, list[str]]) -> list[str]:
    order: list[str] = []
    while len(order) < len(dependencies):
        ready = [n for n, deps in dependencies.items() if n not in order and set(deps) <= set(order)]
        assert ready, f"cyclic stack dependencies: {dependencies}"
        order += sorted(ready)
    return order
