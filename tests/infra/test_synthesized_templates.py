"""The synthesized CloudFormation/SAM templates, checked statically (cfn-lint, partition,
wiring, grants). Every check is written over ``describe_tables()`` / ``queue_specs()`` and
the functions Chalice generated, so features added later are covered without edits here.

Targets (see ``support.TARGETS``): dev in an aws region, prod in cn-north-1, and the probe
project (the repo plus a feature with every kind of table/queue/handler) in cn-northwest-1.
"""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from .probe_feature import EXPECTED_QUEUES
from .support import Synth, references

# cfn-lint warnings we accept, each for a stated reason (errors are never filtered).
#   W3005 "dependency already enforced by a GetAtt": each Chalice SQS function gets an
#   explicit DependsOn on its queue (required: Chalice names queues by ARN text) *and* its
#   SQS event references the queue by GetAtt. After the SAM transform the GetAtt sits on the
#   EventSourceMapping and the DependsOn on the function, so neither is redundant there.
_W3005 = re.compile(r"^'(?P<dep>[^']+)' dependency already enforced by a 'GetAtt' at "
                    r"'Resources/(?P<fn>[^/]+)/Properties/Events/[^/]+/Properties/Queue'$")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _accepted_warning(match: Any, template: dict[str, Any]) -> bool:
    if match.rule.id == "W3005":
        m = _W3005.match(match.message)
        res = template["Resources"]
        return m is not None and res.get(m["dep"], {}).get("Type") == "AWS::SQS::Queue" \
            and res.get(m["fn"], {}).get("Type") == "AWS::Serverless::Function"
    return False


def _queue_ids(template: dict[str, Any]) -> dict[str, str]:
    """QueueName → logical id."""
    return {v["Properties"]["QueueName"]: k for k, v in template["Resources"].items() if v["Type"] == "AWS::SQS::Queue"}


def _queue_name(queue: Any) -> str:
    """The queue an SQS event names (ARN text, in the stack's partition)."""
    text = queue["Fn::Sub"] if isinstance(queue, dict) else queue
    return str(text).rsplit(":", 1)[1]


def _is_pipe_role(role: dict[str, Any]) -> bool:
    """The outbox Pipe's own role (``infra/stacks/outbox.py``), not the functions'."""
    return "pipes.amazonaws.com" in json.dumps(role["Properties"]["AssumeRolePolicyDocument"])


def _policy_statements(template: dict[str, Any]) -> list[dict[str, Any]]:
    """The functions' grants (the outbox Pipe's role is checked on its own)."""
    res = template["Resources"]
    roles = [v for v in res.values() if v["Type"] == "AWS::IAM::Role" and not _is_pipe_role(v)]
    statements: list[dict[str, Any]] = []
    for role in roles:
        for ref in role["Properties"].get("ManagedPolicyArns", []):
            doc = res[ref["Ref"]]["Properties"]["PolicyDocument"]
            statements += doc["Statement"]
        for inline in role["Properties"].get("Policies", []):
            statements += inline["PolicyDocument"]["Statement"]
    return statements


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def test_given_each_target_when_linted_with_cfn_lint_then_there_are_no_errors(target: Synth) -> None:
    from cfnlint.api import ManualArgs, lint

    errors, warnings = [], []
    for name, stack in target.stacks.items():
        matches = lint(json.dumps(stack), config=ManualArgs(regions=[target.region]))
        errors += [f"{name}: {m.rule.id} {m.message} (line {m.linenumber})" for m in matches if m.rule.id.startswith("E")]
        warnings += [f"{name}: {m.rule.id} {m.message} (line {m.linenumber})" for m in matches
                     if m.rule.id.startswith("W") and not _accepted_warning(m, stack)]
    assert not errors, "\n".join(errors)
    assert not warnings, "\n".join(warnings)


def test_given_a_china_region_when_synthesized_then_no_arn_hard_codes_the_aws_partition(
        synths: dict[str, Synth], expanded: dict[str, dict[str, Any]]) -> None:
    china = [s for s in synths.values() if s.region.startswith("cn-")]
    assert china, "no aws-cn target was synthesized"
    for s in china:
        assert s.partition == "aws-cn"
        assert "arn:aws:" not in s.template_text, f"{s.spec.name}: template hard-codes arn:aws:"
        assert "arn:aws:" not in json.dumps(expanded[s.spec.name]), f"{s.spec.name}: SAM output hard-codes arn:aws:"
        assert "AWS::Partition" in s.template_text


def test_given_an_aws_region_when_synthesized_then_the_template_is_complete(synths: dict[str, Synth]) -> None:
    aws = [s for s in synths.values() if s.partition == "aws"]
    assert aws, "no aws-partition target was synthesized"
    for s in aws:
        assert s.template["Transform"] == "AWS::Serverless-2016-10-31"
        assert "APIHandler" in s.resources("AWS::Serverless::Function")
        assert "Rules" not in s.template or "CheckBootstrapVersion" not in s.template.get("Rules", {})


def test_given_models_when_synthesized_then_the_stack_has_exactly_their_tables(target: Synth) -> None:
    tables = {v["Properties"]["TableName"]: v["Properties"] for v in target.resources("AWS::DynamoDB::Table").values()}
    assert set(tables) == set(target.expected["tables"])
    for name, spec in target.expected["tables"].items():
        props = tables[name]
        assert props["KeySchema"] == spec["key_schema"]
        assert {a["AttributeName"]: a["AttributeType"] for a in props["AttributeDefinitions"]} == spec["attributes"]
        assert props["BillingMode"] == "PAY_PER_REQUEST"
        assert props["PointInTimeRecoverySpecification"] == {"PointInTimeRecoveryEnabled": True}
        gsis = {g["IndexName"]: {"key_schema": g["KeySchema"], "projection": g["Projection"]}
                for g in props.get("GlobalSecondaryIndexes", [])}
        lsis = {g["IndexName"]: {"key_schema": g["KeySchema"], "projection": g["Projection"]}
                for g in props.get("LocalSecondaryIndexes", [])}
        assert gsis == spec["gsis"]
        assert lsis == spec["lsis"]
        ttl = props.get("TimeToLiveSpecification")
        assert ttl == ({"AttributeName": spec["ttl"], "Enabled": True} if spec["ttl"] else None)


def test_given_the_stage_when_synthesized_then_only_prod_tables_are_protected_and_retained(target: Synth) -> None:
    prod = target.stage == "prod"
    tables = target.resources("AWS::DynamoDB::Table")
    assert tables
    for logical_id, table in tables.items():
        assert table["Properties"]["DeletionProtectionEnabled"] is prod, logical_id
        assert table["DeletionPolicy"] == ("Retain" if prod else "Delete"), logical_id
        assert table["UpdateReplacePolicy"] == ("Retain" if prod else "Delete"), logical_id


def test_given_sqs_handlers_when_expanded_then_every_mapping_reports_batch_item_failures_on_a_defined_queue(
        target: Synth, expanded: dict[str, dict[str, Any]]) -> None:
    sam_events = [(fn_id, ev) for fn_id, fn in target.resources("AWS::Serverless::Function").items()
                  for ev in (fn["Properties"].get("Events") or {}).values() if ev["Type"] == "SQS"]
    out = expanded[target.spec.name]
    res = out["Resources"]
    mappings = {k: v for k, v in res.items() if v["Type"] == "AWS::Lambda::EventSourceMapping"}
    assert len(mappings) == len(sam_events)
    if target.spec.probe:
        assert len(mappings) >= 3, "the probe has two SQS handlers besides the real ones"
    queue_names = set(_queue_ids(target.template))
    for logical_id, mapping in mappings.items():
        props = mapping["Properties"]
        assert props["FunctionResponseTypes"] == ["ReportBatchItemFailures"], logical_id
        # Named by ARN text in the stack's own partition; the queues stack deploys first.
        text = props["EventSourceArn"]["Fn::Sub"]
        assert text.startswith("arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:"), text
        assert text.rsplit(":", 1)[1] in queue_names, f"{logical_id} consumes an undefined queue"
    queues_stack = f"gonghui-{target.stage}-queues"
    for name, stack in target.stacks.items():
        if any(v["Type"] == "AWS::Serverless::Function" for v in stack["Resources"].values()):
            assert queues_stack in target.expected["dependencies"][name], name


def test_given_queue_specs_when_synthesized_then_each_queue_has_a_dlq_redrive_and_a_depth_alarm(target: Synth) -> None:
    res = target.template["Resources"]
    ids = _queue_ids(target.template)
    alarms = list(target.resources("AWS::CloudWatch::Alarm").values())
    dlq_ids = set()
    for spec in target.expected["queues"]:
        queue = res[ids[spec["name"]]]["Properties"]
        dlq_id = ids[spec["dlq_name"]]
        dlq_ids.add(dlq_id)
        assert queue["RedrivePolicy"] == {"deadLetterTargetArn": {"Fn::GetAtt": [dlq_id, "Arn"]},
                                          "maxReceiveCount": spec["max_receive_count"]}
        for props in (queue, res[dlq_id]["Properties"]):
            assert props.get("FifoQueue", False) is spec["fifo"]
            assert props["SqsManagedSseEnabled"] is True
            if spec["fifo"]:
                assert props["ContentBasedDeduplication"] is False
        assert queue["MessageRetentionPeriod"] == spec["retention_days"] * 86400
    every_dlq = {q["Properties"]["RedrivePolicy"]["deadLetterTargetArn"]["Fn::GetAtt"][0]
                 for q in target.resources("AWS::SQS::Queue").values() if "RedrivePolicy" in q["Properties"]}
    assert every_dlq == dlq_ids
    for dlq_id in every_dlq:
        matching = [a["Properties"] for a in alarms
                    if a["Properties"].get("Namespace") == "AWS/SQS"
                    and a["Properties"]["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}]]
        assert len(matching) == 1, f"DLQ {dlq_id} has {len(matching)} depth alarms"
        alarm = matching[0]
        assert alarm["MetricName"] == "ApproximateNumberOfMessagesVisible"
        assert alarm["Threshold"] == 1
        assert alarm["ComparisonOperator"] == "GreaterThanOrEqualToThreshold"
        assert alarm["AlarmActions"]


def test_given_sqs_consumers_when_synthesized_then_visibility_covers_six_function_timeouts(target: Synth) -> None:
    res = target.template["Resources"]
    ids = _queue_ids(target.template)
    for spec in target.expected["queues"]:
        queue_id = ids[spec["name"]]
        timeouts = [fn["Properties"]["Timeout"] for fn in target.resources("AWS::Serverless::Function").values()
                    for ev in (fn["Properties"].get("Events") or {}).values()
                    if ev["Type"] == "SQS" and _queue_name(ev["Properties"]["Queue"]) == spec["name"]]
        expected = max([spec["visibility_timeout"], *(6 * t for t in timeouts)])
        assert res[queue_id]["Properties"]["VisibilityTimeout"] == expected, spec["name"]
    if target.spec.probe:
        by_short = {q["short"]: q for q in target.expected["queues"]}
        for short, (fifo, receives, spec_timeout, consumed) in EXPECTED_QUEUES.items():
            props = res[ids[by_short[short]["name"]]]["Properties"]
            assert props.get("FifoQueue", False) is fifo
            assert props["RedrivePolicy"]["maxReceiveCount"] == receives
            assert props["VisibilityTimeout"] == (max(spec_timeout, 6 * 15) if consumed else spec_timeout)


def test_given_functions_when_synthesized_then_each_runs_as_its_own_role_with_an_errors_alarm(target: Synth) -> None:
    res = target.template["Resources"]
    alarms = [a["Properties"] for a in target.resources("AWS::CloudWatch::Alarm").values()]
    functions = target.resources("AWS::Serverless::Function")
    assert "GONGHUI_ROLE_SET_BY_INFRA" not in target.template_text
    roles = [fn["Properties"]["Role"]["Fn::GetAtt"][0] for fn in functions.values()]
    assert len(set(roles)) == len(functions), "functions share a role"
    for fn_id, fn in functions.items():
        props = fn["Properties"]
        assert res[props["Role"]["Fn::GetAtt"][0]]["Type"] == "AWS::IAM::Role"
        assert "Policies" not in props, f"{fn_id} carries its own policies"
        assert props["Tracing"] == "Active"
        assert props["Runtime"] == "python3.12" and props["Architectures"] == ["x86_64"]
        env = props["Environment"]["Variables"]
        assert env["GONGHUI_STAGE"] == target.stage
        assert env["GONGHUI_PREFIX"] == f"gonghui-{target.stage}"
        assert env["GONGHUI_UPLOADS_BUCKET"] == target.expected["bucket"]
        assert env["GONGHUI_EVENT_BUS"] == "default"
        assert env["GONGHUI_WECHAT_APP_ID"].startswith("wx")
        errors = [a for a in alarms if a.get("MetricName") == "Errors"
                  and a["Dimensions"] == [{"Name": "FunctionName", "Value": {"Ref": fn_id}}]]
        assert len(errors) == 1, f"{fn_id} has {len(errors)} Errors alarms"
        assert errors[0]["AlarmActions"]
        groups = [g for g in target.resources("AWS::Logs::LogGroup").values()
                  if fn_id in references(g["Properties"]["LogGroupName"])]
        assert len(groups) == 1 and groups[0]["Properties"]["RetentionInDays"] >= 30
    assert not [k for k, v in res.items() if v["Type"] == "AWS::IAM::Policy"], "policies attached after the role"


def test_given_secrets_when_synthesized_then_no_parameter_is_created(target: Synth) -> None:
    assert not target.resources("AWS::SSM::Parameter")
    documented = target.template["Outputs"]["SecretParameters"]["Value"].split(",")
    for name in ("jwt-signing-key", "pii-key", "wechat-app-secret", "alipay-app-private-key",
                 "alipay-public-key", "dingtalk-app-secret"):
        assert f"/gonghui/{target.stage}/{name}" in documented


def test_given_the_api_when_expanded_then_gateway_errors_answer_json_in_chinese(
        target: Synth, expanded: dict[str, dict[str, Any]]) -> None:
    apis = [v for v in expanded[target.spec.name]["Resources"].values() if v["Type"] == "AWS::ApiGateway::RestApi"]
    assert len(apis) == 1
    responses = apis[0]["Properties"]["Body"]["x-amazon-apigateway-gateway-responses"]
    for kind in ("DEFAULT_4XX", "DEFAULT_5XX", "MISSING_AUTHENTICATION_TOKEN"):
        body = json.loads(responses[kind]["responseTemplates"]["application/json"])
        assert set(body) == {"code", "message", "details"}, kind
        assert body["details"] == [] and body["code"].isupper()
        assert _CJK.search(body["message"]), f"{kind}: message is not Chinese"
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["statusCode"] == "404"
    if target.region.startswith("cn-"):
        assert apis[0]["Properties"]["EndpointConfiguration"] == {"Types": ["REGIONAL"]}


def test_given_the_uploads_bucket_when_synthesized_then_it_is_private_encrypted_with_cors_and_expiry(target: Synth) -> None:
    buckets = {v["Properties"]["BucketName"]: v["Properties"] for v in target.resources("AWS::S3::Bucket").values()}
    assert set(buckets) == {target.expected["bucket"], f"{target.expected['bucket']}-access-logs"}
    props = buckets[target.expected["bucket"]]
    # Access to uploaded files is logged (network logs are a legal duty), privately.
    logging = props["LoggingConfiguration"]
    assert logging["LogFilePrefix"] and "DestinationBucketName" in logging
    assert buckets[f"{target.expected['bucket']}-access-logs"]["PublicAccessBlockConfiguration"]["BlockPublicAcls"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True, "BlockPublicPolicy": True, "IgnorePublicAcls": True, "RestrictPublicBuckets": True}
    assert props["BucketEncryption"]["ServerSideEncryptionConfiguration"][0]["ServerSideEncryptionByDefault"]
    assert any("POST" in rule["AllowedMethods"] for rule in props["CorsConfiguration"]["CorsRules"])
    incoming = [r for r in props["LifecycleConfiguration"]["Rules"] if r.get("Prefix") == "incoming/"]
    assert incoming and incoming[0]["ExpirationInDays"] >= 1 and incoming[0]["Status"] == "Enabled"


def test_given_the_probe_handlers_when_synthesized_then_s3_and_event_routes_are_wired(synths: dict[str, Synth]) -> None:
    probe = next(s for s in synths.values() if s.spec.probe)
    res = probe.template["Resources"]
    bucket_id, bucket = next((k, v) for k, v in probe.resources("AWS::S3::Bucket").items()
                             if v["Properties"]["BucketName"] == probe.expected["bucket"])
    configs = bucket["Properties"]["NotificationConfiguration"]["LambdaConfigurations"]
    # features may add their own S3 handlers (identity's roster upload); the probe's must be wired
    # (by function name: the bucket's stack deploys after the functions' stacks)
    assert any(c["Event"] == "s3:ObjectCreated:*" and "function:gonghui-dev-ZzinfraprobeEventsProbeUploaded"
               in json.dumps(c["Function"]) for c in configs), configs
    permissions = [v["Properties"] for v in probe.resources("AWS::Lambda::Permission").values()
                   if v["Properties"]["Principal"] == "s3.amazonaws.com"]
    assert {"Ref": "ZzinfraprobeEventsProbeUploaded"} in [p["FunctionName"] for p in permissions]
    uploads = "gonghui-dev-uploads"
    holder = next(n for n, st in probe.stacks.items() if "ZzinfraprobeEventsProbeUploaded" in st["Resources"])
    assert holder in probe.expected["dependencies"][uploads]
    ids = _queue_ids(probe.template)
    ordered = next(q for q in probe.expected["queues"] if q["short"] == "probe-ordered")
    rules = [v["Properties"] for v in probe.resources("AWS::Events::Rule").values()
             if v["Properties"].get("Name") == "gonghui-dev-probe-ordered"]
    assert len(rules) == 1 and rules[0]["EventPattern"] == ordered["event_pattern"]
    target = rules[0]["Targets"][0]
    assert target["Arn"] == {"Fn::GetAtt": [ids[ordered["name"]], "Arn"]}
    assert target["SqsParameters"]["MessageGroupId"]
    policies = [v["Properties"] for v in probe.resources("AWS::SQS::QueuePolicy").values()
                if v["Properties"]["Queues"] == [{"Ref": ids[ordered["name"]]}]]
    assert any(st.get("Principal") == {"Service": "events.amazonaws.com"} for st in policies[0]["PolicyDocument"]["Statement"])
    assert bucket_id in res


def test_given_the_repo_when_synthesized_then_its_tables_and_queues_are_the_ones_describe_tables_gives(
        synths: dict[str, Synth]) -> None:
    from chalicelib import features
    from chalicelib.tables import describe_tables

    def shape(t: dict[str, Any]) -> tuple[Any, ...]:
        return (json.dumps(t["key_schema"]), json.dumps(t["attributes"], sort_keys=True),
                json.dumps(t["gsis"], sort_keys=True), json.dumps(t["lsis"], sort_keys=True), t["ttl"])

    here = {t["short"]: shape(t) for t in describe_tables().values()}
    queues_here = sorted((q.short, q.fifo, q.max_receive_count, q.visibility_timeout) for q in features.queue_specs())
    for s in synths.values():
        if s.spec.probe:
            continue
        assert {t["short"]: shape(t) for t in s.expected["tables"].values()} == here
        assert sorted((q["short"], q["fifo"], q["max_receive_count"], q["visibility_timeout"])
                      for q in s.expected["queues"]) == queues_here
        for t in s.expected["tables"].values():
            assert t["name"] == f"gonghui-{s.stage}-{t['short']}"


@pytest.mark.parametrize("command", [["--help"]])
def test_given_the_synth_command_when_asked_for_help_then_it_documents_stage_and_region(command: list[str]) -> None:
    import subprocess
    import sys

    from .support import REPO

    out = subprocess.run([sys.executable, str(REPO / "infra" / "synth.py"), *command], capture_output=True,
                         text=True, timeout=120, check=True).stdout
    assert "--stage" in out and "--region" in out


def test_given_the_outbox_when_synthesized_then_a_pipe_carries_its_new_items_from_the_stream_to_the_bus(
        target: Synth) -> None:
    res = target.template["Resources"]
    tables = {k: v["Properties"] for k, v in target.resources("AWS::DynamoDB::Table").items()}
    outbox_id = next(k for k, t in tables.items() if t["TableName"] == f"gonghui-{target.stage}-outbox")
    assert tables[outbox_id]["StreamSpecification"] == {"StreamViewType": "NEW_IMAGE"}
    assert tables[outbox_id]["TimeToLiveSpecification"] == {"AttributeName": "expires", "Enabled": True}
    assert not [t for k, t in tables.items() if k != outbox_id and "StreamSpecification" in t]
    (pipe,) = (v["Properties"] for v in target.resources("AWS::Pipes::Pipe").values())
    assert pipe["Source"] == {"Fn::GetAtt": [outbox_id, "StreamArn"]}
    source = pipe["SourceParameters"]
    assert json.loads(source["FilterCriteria"]["Filters"][0]["Pattern"]) == {"eventName": ["INSERT"]}
    dlq_id = source["DynamoDBStreamParameters"]["DeadLetterConfig"]["Arn"]["Fn::GetAtt"][0]
    assert res[dlq_id]["Type"] == "AWS::SQS::Queue"
    assert any(a["Properties"]["Dimensions"] == [{"Name": "QueueName", "Value": {"Fn::GetAtt": [dlq_id, "QueueName"]}}]
               and a["Properties"]["AlarmActions"] for a in target.resources("AWS::CloudWatch::Alarm").values())
    assert "event-bus/default" in json.dumps(pipe["Target"])
    bus = pipe["TargetParameters"]["EventBridgeEventBusParameters"]
    assert (bus["Source"], bus["DetailType"]) == ("$.dynamodb.NewImage.source.S", "$.dynamodb.NewImage.detail_type.S")
    assert pipe["TargetParameters"]["InputTemplate"] == "<$.dynamodb.NewImage.detail.S>"
    role = res[pipe["RoleArn"]["Fn::GetAtt"][0]]
    assert _is_pipe_role(role)
    granted = {a for p in role["Properties"]["Policies"] for st in p["PolicyDocument"]["Statement"]
               for a in _as_list(st["Action"])}
    assert granted == {"dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                       "dynamodb:ListStreams", "events:PutEvents", "sqs:SendMessage"}
