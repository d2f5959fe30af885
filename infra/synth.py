#!/usr/bin/env python3
"""Synthesize the Gonghui stack offline (no CDK CLI, no AWS calls).

    .venv/bin/python infra/synth.py --stage dev --region cn-north-1 [--out infra/cdk.out]

Writes the cloud assembly to ``--out`` (default ``infra/cdk.out``) and prints each stack's
template path. Fails if the template hard-codes the ``aws`` partition or keeps Chalice's role
placeholder.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
from pathlib import Path

os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

INFRA = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != INFRA]
sys.path.insert(0, str(INFRA.parent))

from infra.app import synth  # noqa: E402
from infra.target import DEFAULT_STAGE  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stage", default=DEFAULT_STAGE, choices=("dev", "prod"))
    parser.add_argument("--region", default=os.environ.get("AWS_DEFAULT_REGION") or "us-east-1")
    parser.add_argument("--out", default=str(INFRA / "cdk.out"))
    parser.add_argument("--project-dir", default=None, help="the Chalice project (default: this repo)")
    parser.add_argument("--uploads-bucket", default=None)
    parser.add_argument("--alarm-email", default=None, help="alarm subscriber (required for prod)")
    parser.add_argument("--wechat-app-id", default=None)
    parser.add_argument("--alipay-app-id", default=None)
    parser.add_argument("--dingtalk-app-key", default=None)
    args = parser.parse_args(argv)
    context = {"stage": args.stage, "region": args.region}
    for key, value in (("project_dir", args.project_dir), ("uploads_bucket", args.uploads_bucket),
                       ("alarm_email", args.alarm_email), ("wechat_app_id", args.wechat_app_id),
                       ("alipay_app_id", args.alipay_app_id), ("dingtalk_app_key", args.dingtalk_app_key)):
        if value:
            context[key] = value
    out = Path(args.out)
    if out.exists() and any(out.iterdir()):
        if not (out / "manifest.json").exists():
            print(f"error: {out} is not empty and not a cloud assembly; refusing to replace it", file=sys.stderr)
            return 2
        shutil.rmtree(out)  # stale assets (28 MB layers) would pile up otherwise
    try:
        target, assembly = synth(context, str(out))
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    from infra.stacks.gonghui import ROLE_PLACEHOLDER
    for stack in assembly.stacks:
        template_path = out / stack.template_file
        text = template_path.read_text()
        if target.partition != "aws" and "arn:aws:" in text:
            print(f"error: {template_path} hard-codes arn:aws: but targets {target.partition}", file=sys.stderr)
            return 1
        if ROLE_PLACEHOLDER in text:
            print(f"error: a function kept Chalice's role placeholder in {template_path}", file=sys.stderr)
            return 1
        resources = len(json.loads(text).get("Resources", {}))
        print(f"{template_path}  ({stack.stack_name}, {resources} resources before the SAM transform)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
