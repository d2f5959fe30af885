"""One feature, one function, one role — and the stacks stay small.

Read from the synthesized templates: every function has its own role; a role reaches only its
feature's tables plus the shared ones (accounts, orgs, idempotency) and those of features its
code calls into; each feature's routes go to that feature's API function; every stack stays
below 300 resources after the SAM transform.
"""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from infra.stacks.app_model import PLATFORM, SHARED_FEATURES

from .support import Synth, expand_sam

MAX_RESOURCES_PER_STACK = 300
# The design card's Lambdas: (feature, how to find it).
DESIGN_CARD = {
    "face-verify callback": ("identity", ("POST", "/identity/face/callback")),
    "profile browse": ("profiles", ("GET", "/profiles/browse")),
    "message send": ("messaging", "MessagingEventsMessageSend"),
    "canteen menu": ("canteen", "CanteenEventsCanteenMenuAnnounce"),
    "dorm apply": ("dorms", "DormsEventsDormApply"),
    "aid step": ("aid", "AidEventsOnAidStep"),
    "subsidy calc": ("subsidy", "SubsidyEventsCalculateApplications"),
}
_TABLE = re.compile(r":table/gonghui-[a-z]+-([a-z0-9-]+)$")


def _text(node: Any) -> str:
    """An ARN built with Fn::Join as text (pseudo parameters as ${...})."""
    if isinstance(node, dict) and "Fn::Join" in node:
        return "".join(_text(p) for p in node["Fn::Join"][1])
    if isinstance(node, dict) and "Ref" in node:
        return "${" + node["Ref"] + "}"
    return str(node)


def _statements(template: dict[str, Any], role_id: str) -> list[dict[str, Any]]:
    role = template["Resources"][role_id]["Properties"]
    return [st for policy in role.get("Policies", []) for st in policy["PolicyDocument"]["Statement"]]


def _reach(template: dict[str, Any], fn: dict[str, Any]) -> dict[str, set[str]]:
    """action -> resources (as text) the function's role allows."""
    granted: dict[str, set[str]] = {}
    for st in _statements(template, fn["Properties"]["Role"]["Fn::GetAtt"][0]):
        actions = st["Action"] if isinstance(st["Action"], list) else [st["Action"]]
        resources = st["Resource"] if isinstance(st["Resource"], list) else [st["Resource"]]
        for action in actions:
            granted.setdefault(action, set()).update(_text(r) for r in resources)
    return granted


def _tables(granted: dict[str, set[str]]) -> set[str]:
    return {m.group(1) for r in granted.get("dynamodb:PutItem", set()) if (m := _TABLE.search(r))}


def _imports_of(feature: str) -> set[str]:
    """Features whose code ``feature``'s code imports, transitively (read here from the source,
    not from infra)."""
    from pathlib import Path

    from chalicelib import features

    root = Path(features.__file__).parent
    names = "|".join(features.FEATURES)
    seen, todo = set(), [feature]
    while todo:
        f = todo.pop()
        if f in seen or not (root / f).exists():
            continue
        seen.add(f)
        for path in (root / f).rglob("*.py"):
            todo += re.findall(rf"chalicelib[./]({names})\b", path.read_text())
    return seen


def test_no_function_reaches_another_features_tables(target: Synth) -> None:
    """Given each function's role, when its DynamoDB grants are read, then every table belongs
    to the function's feature, a shared feature, or a feature its code calls into."""
    template = target.template
    features = target.expected["function_features"]
    owner = target.expected["table_owner"]
    functions = target.resources("AWS::Serverless::Function")
    assert set(functions) == set(features)
    for fn_id, fn in functions.items():
        feature = features[fn_id]
        allowed = {feature, PLATFORM, *SHARED_FEATURES} | _imports_of(feature)
        for shared in SHARED_FEATURES:
            allowed |= _imports_of(shared)
        granted = _reach(template, fn)
        tables = _tables(granted)
        foreign = sorted(t for t in tables if owner[t] not in allowed)
        assert not foreign, f"{fn_id} ({feature}) reaches {foreign}"
        assert "dynamodb:Scan" not in granted, f"{fn_id}: nothing scans"
        own = {t for t, o in owner.items() if o == feature}
        assert own <= tables, f"{fn_id} cannot reach its own tables {sorted(own - tables)}"


def test_a_dorm_function_cannot_touch_aid_or_subsidy_data(synths: dict[str, Synth]) -> None:
    """The concrete case: dorm apply's role names no aid or subsidy table (one role for all
    functions, as before, would)."""
    s = synths["dev-aws"]
    fn = s.template["Resources"]["DormsEventsDormApply"]
    owner = s.expected["table_owner"]
    owners = {owner[t] for t in _tables(_reach(s.template, fn))}
    assert "dorms" in owners and not owners & {"aid", "subsidy", "canteen", "profiles", "social"}


def test_each_feature_has_its_own_api_function_behind_the_one_api(synths: dict[str, Synth]) -> None:
    """Each path's integration invokes the function of the feature that owns the route, and
    that function registers only that feature (GONGHUI_FEATURES)."""
    s = synths["dev-aws"]
    res = s.template["Resources"]
    apis = [v for v in res.values() if v["Type"] == "AWS::Serverless::Api"]
    assert len(apis) == 1
    features = s.expected["function_features"]
    for path, methods in apis[0]["Properties"]["DefinitionBody"]["paths"].items():
        for method, op in methods.items():
            integration = op.get("x-amazon-apigateway-integration") or {}
            if integration.get("type") != "aws_proxy":
                continue
            fn_id = re.search(r"\$\{(\w+)\.Arn\}", integration["uri"]["Fn::Sub"]).group(1)
            env = res[fn_id]["Properties"]["Environment"]["Variables"]
            feature = path.strip("/").split("/")[0]
            if fn_id != "APIHandler":
                assert env["GONGHUI_FEATURES"] == features[fn_id], (method, path)
            permissions = [p for p in res.values() if p["Type"] == "AWS::Lambda::Permission"
                           and p["Properties"]["FunctionName"] == {"Ref": fn_id}
                           and p["Properties"]["Principal"] == "apigateway.amazonaws.com"]
            assert permissions, f"API Gateway may not invoke {fn_id}"
            assert feature, path


@pytest.mark.parametrize("name", sorted(DESIGN_CARD))
def test_the_design_cards_lambdas_are_each_a_function_with_its_own_role(name: str, synths: dict[str, Synth]) -> None:
    s = synths["dev-aws"]
    res = s.template["Resources"]
    feature, where = DESIGN_CARD[name]
    if isinstance(where, tuple):
        method, path = where
        api = next(v for v in res.values() if v["Type"] == "AWS::Serverless::Api")
        uri = api["Properties"]["DefinitionBody"]["paths"][path][method.lower()]["x-amazon-apigateway-integration"]["uri"]
        fn_id = re.search(r"\$\{(\w+)\.Arn\}", uri["Fn::Sub"]).group(1)
    else:
        fn_id = where
    assert s.expected["function_features"][fn_id] == feature
    fn = res[fn_id]
    role = fn["Properties"]["Role"]["Fn::GetAtt"][0]
    sharing = [k for k, v in res.items() if v["Type"] == "AWS::Serverless::Function"
               and v["Properties"]["Role"]["Fn::GetAtt"][0] == role]
    assert sharing == [fn_id]


def test_every_stack_stays_below_300_resources_after_the_sam_transform(target: Synth) -> None:
    counts = {name: len(expand_sam(stack, target.region)["Resources"]) if "Transform" in stack
              else len(stack["Resources"]) for name, stack in target.stacks.items()}
    print(json.dumps(counts))
    assert max(counts.values()) < MAX_RESOURCES_PER_STACK, counts
    assert len(counts) >= 4, counts


def test_production_wiring(target: Synth) -> None:
    """Failures reach a person and traffic is logged and limited."""
    res = target.template["Resources"]
    functions = target.resources("AWS::Serverless::Function")
    alarms = [a["Properties"] for a in target.resources("AWS::CloudWatch::Alarm").values()]
    metrics = {(a.get("Namespace"), a.get("MetricName")) for a in alarms}
    assert ("AWS/ApiGateway", "5XXError") in metrics and ("Gonghui", "HttpServerErrors") in metrics
    aged = {json.dumps(a["Dimensions"][0]["Value"]) for a in alarms
            if a.get("MetricName") == "ApproximateAgeOfOldestMessage"}
    queue_ids = {v["Properties"]["QueueName"]: k for k, v in target.resources("AWS::SQS::Queue").items()}
    for queue in target.expected["queues"]:
        assert json.dumps({"Fn::GetAtt": [queue_ids[queue["name"]], "QueueName"]}) in aged, queue["name"]
    # Asynchronously invoked functions (schedules, S3) keep what failed after the retries.
    for fn_id, fn in functions.items():
        events = [e["Type"] for e in (fn["Properties"].get("Events") or {}).values()]
        is_async = (events and "SQS" not in events) or any(
            p["Properties"]["Principal"] == "s3.amazonaws.com" and p["Properties"]["FunctionName"] == {"Ref": fn_id}
            for p in target.resources("AWS::Lambda::Permission").values())
        if is_async:
            config = fn["Properties"]["EventInvokeConfig"]
            assert config["DestinationConfig"]["OnFailure"]["Type"] == "SQS", fn_id
    # Chat delivery may post to WebSocket connections.
    send = _reach(target.template, functions["MessagingEventsMessageSend"])
    assert any("@connections" in r for r in send.get("execute-api:ManageConnections", set()))
    # Consumers that call WeChat / Alipay / 浙政钉 are capped: every push goes through the inbox's.
    capped = [fn_id for fn_id, fn in functions.items()
              if any(e["Properties"].get("ScalingConfig") for e in (fn["Properties"].get("Events") or {}).values())]
    assert "InboxEventsInboxDeliverAndPush" in capped
    api = next(v["Properties"] for v in res.values() if v["Type"] == "AWS::Serverless::Api")
    assert api["TracingEnabled"] is True and api["AccessLogSetting"]["DestinationArn"]
    assert api["MethodSettings"][0]["ThrottlingRateLimit"] > 0
    ws = next(v["Properties"] for v in res.values() if v["Type"] == "AWS::ApiGatewayV2::Stage")
    assert ws["AccessLogSettings"]["DestinationArn"] and ws["DefaultRouteSettings"]["ThrottlingRateLimit"] > 0
    spec_queues = {q["name"] for q in target.expected["queues"]}
    retained = {v.get("DeletionPolicy") for v in target.resources("AWS::SQS::Queue").values()
                if v["Properties"]["QueueName"] in spec_queues}
    assert retained == ({"Retain"} if target.stage == "prod" else {"Delete"})
    if target.stage == "prod":
        subs = [v for v in res.values() if v["Type"] == "AWS::SNS::Subscription"]
        assert subs, "prod has an alarm subscriber"


def test_prod_refuses_to_synthesize_without_an_alarm_subscriber(tmp_path: Any) -> None:
    import subprocess
    import sys

    from .support import REPO

    proc = subprocess.run([sys.executable, str(REPO / "infra" / "synth.py"), "--stage", "prod", "--region",
                           "cn-north-1", "--out", str(tmp_path / "out"), "--wechat-app-id", "wx1",
                           "--alipay-app-id", "2021", "--dingtalk-app-key", "k"],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == 2 and "alarm subscriber" in proc.stderr, proc.stderr[-2000:]
