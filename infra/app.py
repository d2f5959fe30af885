#!/usr/bin/env python3
"""CDK entry point: ``python infra/app.py`` (or ``cdk synth`` with infra/cdk.json).

Context: ``-c stage=dev|prod`` (default dev), ``-c region=<region>`` (default
``$AWS_DEFAULT_REGION``, else us-east-1; ``cn-north-1``/``cn-northwest-1`` synthesize for the
aws-cn partition), optional ``-c uploads_bucket=<name>``, ``-c alarm_email=<address>`` (required
for prod), ``-c wechat_app_id= -c alipay_app_id= -c dingtalk_app_key=`` (required; or infra/stages.json).
Offline: no lookups, no bootstrap-version check. ``infra/synth.py`` wraps this.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

if __package__ in (None, ""):
    # Run as a script: make the repo importable as a package root (and keep infra/ itself off
    # sys.path, or Chalice's ``import app`` would find this file instead of the project's).
    _root = str(Path(__file__).resolve().parent.parent)
    sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != Path(__file__).resolve().parent]
    sys.path.insert(0, _root)

import shutil
import tempfile
from typing import Any

from infra.target import Target, prepare_environment

# S3 server access logs delivered through a bucket policy, not the legacy LogDeliveryWrite ACL.
FEATURE_FLAGS = {"@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy": True}


def build(app: Any, target: Target) -> Any:
    """Add the stacks for ``target`` to ``app`` (``aws_cdk.App``). Call after prepare_environment."""
    from aws_cdk import DefaultStackSynthesizer, Environment

    from infra.stacks.gonghui import build_stacks

    return build_stacks(
        app, target,
        env=Environment(region=target.region),
        synthesizer=DefaultStackSynthesizer(generate_bootstrap_version_rule=False),
        analytics_reporting=False,
        tags={"project": "gonghui", "stage": target.stage},
    )


def synth(context: dict[str, Any] | None = None, outdir: str | None = None) -> tuple[Target, Any]:
    """Synthesize one stage/region. Returns the target and the cloud assembly."""
    from aws_cdk import App

    app = App(context={**FEATURE_FLAGS, **(context or {})}, outdir=outdir, analytics_reporting=False)
    target = Target.from_context(app.node.try_get_context)
    prepare_environment(target)
    # chalice.cdk packages into ./chalice.out; keep that out of the tree and remove it after.
    workdir = tempfile.mkdtemp(prefix="gonghui-chalice-")
    previous = os.getcwd()
    try:
        os.chdir(workdir)
        build(app, target)
        assembly = app.synth()
    finally:
        os.chdir(previous)
        shutil.rmtree(workdir, ignore_errors=True)
    return target, assembly


if __name__ == "__main__":
    synth()
