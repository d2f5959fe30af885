"""Helpers for the infra tests: synthesize in subprocesses, expand SAM offline, deploy the
expanded template into moto's CloudFormation."""
from __future__ import annotations

import contextlib
import copy
import io
import json
import os
import re
import shutil
import subprocess
import sys
import threading
import zipfile
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]
JOB = Path(__file__).resolve().parent / "synth_job.py"
PYTHON = sys.executable
MOTO_ACCOUNT = "123456789012"


@dataclass(frozen=True)
class TargetSpec:
    name: str
    stage: str
    region: str
    probe: bool = False


# One aws-partition target, one aws-cn target per stage, and the probe project (every kind
# of table/queue/handler) in the other China region.
TARGETS = (
    TargetSpec("dev-aws", "dev", "us-east-1"),
    TargetSpec("prod-cn", "prod", "cn-north-1"),
    TargetSpec("probe-cn", "dev", "cn-northwest-1", probe=True),
)


@dataclass
class Synth:
    """One target's stacks. ``template`` is all of them merged into one (they never
    reference each other, so the union is itself a deployable template: logical ids are
    unique across stacks); ``stacks`` has each stack's own template."""

    spec: TargetSpec
    out: Path
    expected: dict[str, Any]
    stacks: dict[str, dict[str, Any]]

    @cached_property
    def template(self) -> dict[str, Any]:
        merged: dict[str, Any] = {"Resources": {}, "Outputs": {}}
        for name, stack in self.stacks.items():
            for key, value in stack.items():
                if key in ("Resources", "Outputs"):
                    clash = set(value) & set(merged[key])
                    assert not clash, f"{name}: {key} {sorted(clash)} also in another stack"
                    merged[key].update(copy.deepcopy(value))
                elif key not in ("Description",):
                    merged.setdefault(key, copy.deepcopy(value))
        return merged

    @cached_property
    def template_text(self) -> str:
        return json.dumps(self.template)

    @property
    def partition(self) -> str:
        return str(self.expected["partition"])

    @property
    def region(self) -> str:
        return self.spec.region

    @property
    def stage(self) -> str:
        return self.spec.stage

    def resources(self, type_: str, template: dict[str, Any] | None = None) -> dict[str, dict[str, Any]]:
        res = (template or self.template)["Resources"]
        return {k: v for k, v in res.items() if v["Type"] == type_}


def _subprocess_env(region: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("GONGHUI_", "PYTEST_", "COV_")) and k not in ("AWS_ENDPOINT_URL", "AWS_PROFILE")}
    env.update({"AWS_DEFAULT_REGION": region, "AWS_REGION": region,
                "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20", "PYTHONDONTWRITEBYTECODE": "1"})
    return env


def _run_job(spec: TargetSpec, out: Path, project: Path | None) -> None:
    if out.exists():
        shutil.rmtree(out)
    cmd = [PYTHON, str(JOB), str(out), spec.stage, spec.region] + ([str(project)] if project else [])
    proc = subprocess.run(cmd, cwd=str(REPO), env=_subprocess_env(spec.region), capture_output=True,
                          text=True, timeout=1200, check=False)
    if proc.returncode != 0:
        raise RuntimeError(f"synth {spec.name} failed ({proc.returncode}):\n{proc.stdout[-3000:]}\n{proc.stderr[-6000:]}")


def _layer_cached(project: Path) -> bool:
    """The dependency layer is keyed by the lock (infra/package.py)."""
    from infra import package

    key = package.layer_key(project)
    return any((project / ".chalice" / "deployments").glob(f"gonghui-layer-*-{key}.zip"))


def synthesize_all(root: Path) -> dict[str, Synth]:
    """Synthesize every target into ``root``. The repo's targets run one after the other
    (Chalice writes its package cache in place); the probe project runs alongside them."""
    from .probe_feature import write_probe_project

    layer_ready = threading.Event()
    if _layer_cached(REPO):
        layer_ready.set()
    repo_targets = [t for t in TARGETS if not t.probe]
    probe_targets = [t for t in TARGETS if t.probe]

    def repo_chain() -> None:
        try:
            for spec in repo_targets:
                _run_job(spec, root / spec.name, None)
                layer_ready.set()
        finally:
            layer_ready.set()

    def probe_chain() -> None:
        layer_ready.wait()
        project = write_probe_project(REPO, root / "probe-project")
        for spec in probe_targets:
            _run_job(spec, root / spec.name, project)

    with ThreadPoolExecutor(max_workers=2) as pool:
        futures = [pool.submit(repo_chain), pool.submit(probe_chain)]
        errors = [f.exception() for f in futures]
    problems = [e for e in errors if e is not None]
    if problems:
        raise problems[0]
    return load_all(root)


def load_all(root: Path) -> dict[str, Synth]:
    synths = {}
    for spec in TARGETS:
        out = root / spec.name
        expected = json.loads((out / "expected.json").read_text())
        stacks = {name: json.loads(Path(path).read_text()) for name, path in expected["templates"].items()}
        synths[spec.name] = Synth(spec, out, expected, stacks)
    return synths


# -- SAM --------------------------------------------------------------------------------

@contextlib.contextmanager
def region_env(region: str) -> Iterator[None]:
    saved = {k: os.environ.get(k) for k in ("AWS_DEFAULT_REGION", "AWS_REGION")}
    os.environ["AWS_DEFAULT_REGION"] = os.environ["AWS_REGION"] = region
    try:
        yield
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v


class _NoManagedPolicies:
    """samtranslator's managed-policy loader, offline: the functions name no managed policies."""

    def load(self) -> dict[str, str]:
        return {}


def expand_sam(template: dict[str, Any], region: str) -> dict[str, Any]:
    from samtranslator.translator.transform import transform

    with region_env(region):
        return dict(transform(copy.deepcopy(template), {}, _NoManagedPolicies()))


def references(node: Any) -> set[str]:
    """Logical ids a template fragment refers to (Ref, GetAtt, ${X} in Sub)."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else str(value).split(".")[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!][^}]*)\}", text)}
                if not isinstance(value, str):
                    found |= references(value[1:])
            else:
                found |= references(value)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return found


def depends_on(resource: dict[str, Any]) -> set[str]:
    value = resource.get("DependsOn") or []
    return {value} if isinstance(value, str) else set(value)


def without_api_gateway(template: dict[str, Any]) -> tuple[dict[str, Any], set[str]]:
    """Drop API Gateway resources (moto's CloudFormation cannot create them) and whatever
    refers to them (the API's invoke permission, the endpoint outputs)."""
    out = copy.deepcopy(template)
    resources = out["Resources"]
    dropped = {k for k, v in resources.items() if v["Type"].startswith("AWS::ApiGateway")}
    changed = True
    while changed:
        changed = False
        for key, value in resources.items():
            if key not in dropped and (references(value) | depends_on(value)) & dropped:
                dropped.add(key)
                changed = True
    for key in dropped:
        resources.pop(key)
    out["Outputs"] = {k: v for k, v in out.get("Outputs", {}).items() if not references(v) & dropped}
    return out, dropped


# -- moto -------------------------------------------------------------------------------

def _tiny_zip() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("app.py", "def app(event, context):\n    return None\n")
    return buf.getvalue()


def _resolve_asset_bucket(value: Any, region: str) -> str:
    text = value["Fn::Sub"] if isinstance(value, dict) else value
    return str(text).replace("${AWS::AccountId}", MOTO_ACCOUNT).replace("${AWS::Region}", region)


def upload_code_assets(template: dict[str, Any], region: str) -> None:
    """Put a tiny zip wherever a function or layer expects its CDK asset (mocked S3)."""
    import boto3

    s3 = boto3.client("s3", region_name=region)
    created: set[str] = set()
    for resource in template["Resources"].values():
        props = resource.get("Properties", {})
        code = props.get("Code") if resource["Type"] == "AWS::Lambda::Function" else \
            props.get("Content") if resource["Type"] == "AWS::Lambda::LayerVersion" else None
        if not code or "S3Bucket" not in code:
            continue
        bucket = _resolve_asset_bucket(code["S3Bucket"], region)
        if bucket not in created:
            kwargs = {} if region == "us-east-1" else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            try:
                s3.create_bucket(Bucket=bucket, **kwargs)
            except s3.exceptions.BucketAlreadyOwnedByYou:
                pass  # an earlier stack of the same target put its assets there
            created.add(bucket)
        s3.put_object(Bucket=bucket, Key=code["S3Key"], Body=_tiny_zip())


def deploy(template: dict[str, Any], region: str, stack_name: str) -> dict[str, Any]:
    """create_stack in moto (call inside ``mock_aws``); returns the stack description."""
    import boto3

    upload_code_assets(template, region)
    cfn = boto3.client("cloudformation", region_name=region)
    # moto resolves ${AWS::Partition} inside Fn::Sub to "aws" even in cn- regions (its queues
    # there are arn:aws-cn:...): give it the region's partition, as CloudFormation would.
    partition = "aws-cn" if region.startswith("cn-") else "aws"
    body = json.dumps(template).replace("${AWS::Partition}", partition)
    cfn.create_stack(StackName=stack_name, TemplateBody=body,
                     Capabilities=["CAPABILITY_IAM", "CAPABILITY_NAMED_IAM", "CAPABILITY_AUTO_EXPAND"])
    return dict(cfn.describe_stacks(StackName=stack_name)["Stacks"][0])


def describe_deployment(region: str, stack_names: list[str]) -> dict[str, Any]:
    """Read the deployed resources of the stacks back (call inside the same ``mock_aws``)."""
    import boto3

    def client(service: str) -> Any:
        return boto3.client(service, region_name=region)

    cfn, ddb, sqs, lam = client("cloudformation"), client("dynamodb"), client("sqs"), client("lambda")
    resources = [r for name in stack_names
                 for r in cfn.list_stack_resources(StackName=name)["StackResourceSummaries"]]
    tables = {}
    # ListTables answers 100 names a page: more than 100 tables need every page
    names = [n for page in ddb.get_paginator("list_tables").paginate() for n in page["TableNames"]]
    for name in names:
        tables[name] = ddb.describe_table(TableName=name)["Table"]
    queues = {}
    for url in sqs.list_queues().get("QueueUrls", []):
        attrs = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["All"])["Attributes"]
        queues[attrs["QueueArn"].rsplit(":", 1)[1]] = attrs
    functions = {f["FunctionName"]: f for page in lam.get_paginator("list_functions").paginate()
                 for f in page["Functions"]}
    mappings = lam.list_event_source_mappings()["EventSourceMappings"]
    alarms = client("cloudwatch").describe_alarms()["MetricAlarms"]
    events = client("events")
    rules = {r["Name"]: {**r, "Targets": events.list_targets_by_rule(Rule=r["Name"])["Targets"]}
             for r in events.list_rules()["Rules"]}
    return {"resources": resources, "tables": tables, "queues": queues, "functions": functions,
            "mappings": mappings, "alarms": alarms, "rules": rules}
