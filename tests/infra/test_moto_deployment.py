"""Each synthesized template, SAM-expanded offline and deployed into moto's CloudFormation
(API Gateway resources dropped: moto cannot create them), then read back through the AWS
APIs and compared with the app's own definitions (``describe_tables()``, ``queue_specs()``).

Known moto 5.2.5 gaps, checked statically in test_synthesized_templates instead:
``AWS::CloudWatch::Alarm``, ``AWS::SQS::QueuePolicy`` and ``AWS::S3::BucketPolicy`` are not
created, and a table's ``TimeToLiveSpecification``/PITR are ignored (``Table.
create_from_cloudformation_json``) — TTL is therefore checked on the stack resource that
created the table.
"""
from __future__ import annotations

import json
from typing import Any

import pytest

from .probe_feature import EXPECTED_QUEUES
from .support import Synth

pytestmark = pytest.mark.filterwarnings(
    # moto lists what its CloudFormation skips (alarms, queue and bucket policies; see above).
    "ignore:Tried to parse AWS.+ but it's not supported by moto's CloudFormation implementation:UserWarning")


def _keys(schema: list[dict[str, str]]) -> list[dict[str, str]]:
    return sorted(({"AttributeName": k["AttributeName"], "KeyType": k["KeyType"]} for k in schema),
                  key=lambda k: k["KeyType"] != "HASH")


def _projection(p: dict[str, Any]) -> dict[str, Any]:
    out = {"ProjectionType": p["ProjectionType"]}
    if p.get("NonKeyAttributes"):
        out["NonKeyAttributes"] = sorted(p["NonKeyAttributes"])
    return out


def _indexes(items: list[dict[str, Any]] | None) -> dict[str, Any]:
    return {i["IndexName"]: {"key_schema": _keys(i["KeySchema"]), "projection": _projection(i["Projection"])}
            for i in items or []}


def test_given_each_target_when_deployed_to_moto_then_the_stack_is_created(
        target: Synth, deployed: dict[str, dict[str, Any]]) -> None:
    d = deployed[target.spec.name]
    assert d["stack"]["StackStatus"] == "CREATE_COMPLETE", d["stack"].get("StackStatusReason")
    assert {r["ResourceStatus"] for r in d["resources"]} == {"CREATE_COMPLETE"}
    # Only the API (and what points at it) was left out.
    kept = {r["LogicalResourceId"] for r in d["resources"]}
    assert "APIHandler" in kept and "RestAPI" in d["dropped"]
    assert not [k for k in d["dropped"] if k in kept]


def test_given_the_deployed_stack_then_every_table_matches_its_model(
        target: Synth, deployed: dict[str, dict[str, Any]]) -> None:
    d = deployed[target.spec.name]
    models = target.expected["tables"]
    assert set(d["tables"]) == set(models)
    by_physical = {r["PhysicalResourceId"]: r["LogicalResourceId"] for r in d["resources"]
                   if r["ResourceType"] == "AWS::DynamoDB::Table"}
    for name, model in models.items():
        table = d["tables"][name]
        assert _keys(table["KeySchema"]) == model["key_schema"], name
        assert {a["AttributeName"]: a["AttributeType"] for a in table["AttributeDefinitions"]} == model["attributes"]
        expected_gsis = {n: {"key_schema": g["key_schema"], "projection": _projection(g["projection"])}
                         for n, g in model["gsis"].items()}
        expected_lsis = {n: {"key_schema": g["key_schema"], "projection": _projection(g["projection"])}
                         for n, g in model["lsis"].items()}
        assert _indexes(table.get("GlobalSecondaryIndexes")) == expected_gsis, name
        assert _indexes(table.get("LocalSecondaryIndexes")) == expected_lsis, name
        assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
        assert table["DeletionProtectionEnabled"] is (target.stage == "prod"), name
        created_by = target.template["Resources"][by_physical[name]]["Properties"]
        ttl = created_by.get("TimeToLiveSpecification")
        assert ttl == ({"AttributeName": model["ttl"], "Enabled": True} if model["ttl"] else None), name


def _consumer_timeouts(d: dict[str, Any], queue_arn: str) -> list[int]:
    by_arn = {f["FunctionArn"]: f for f in d["functions"].values()}
    return [by_arn[m["FunctionArn"]]["Timeout"] for m in d["mappings"] if m["EventSourceArn"] == queue_arn]


def test_given_the_deployed_stack_then_every_queue_matches_its_spec(
        target: Synth, deployed: dict[str, dict[str, Any]]) -> None:
    d = deployed[target.spec.name]
    specs = target.expected["queues"]
    # plus the on-failure queue of asynchronously invoked functions and the outbox Pipe's DLQ
    extra = set(d["queues"]) - {q["name"] for q in specs} - {q["dlq_name"] for q in specs}
    assert f"gonghui-{target.stage}-async-failures" in extra
    assert extra <= {f"gonghui-{target.stage}-async-failures", f"gonghui-{target.stage}-outbox-pipe-dlq"}
    assert {q["name"] for q in specs} | {q["dlq_name"] for q in specs} <= set(d["queues"])
    for spec in specs:
        queue, dlq = d["queues"][spec["name"]], d["queues"][spec["dlq_name"]]
        for attrs in (queue, dlq):
            assert (attrs.get("FifoQueue") == "true") is spec["fifo"], spec["name"]
            assert attrs["SqsManagedSseEnabled"] == "true"
            if spec["fifo"]:
                assert attrs["ContentBasedDeduplication"] == "false"
        redrive = json.loads(queue["RedrivePolicy"])
        assert redrive["maxReceiveCount"] == spec["max_receive_count"]
        assert redrive["deadLetterTargetArn"] == dlq["QueueArn"]
        timeouts = _consumer_timeouts(d, queue["QueueArn"])
        assert int(queue["VisibilityTimeout"]) == max([spec["visibility_timeout"], *(6 * t for t in timeouts)])
        assert int(queue["MessageRetentionPeriod"]) == spec["retention_days"] * 86400
        assert int(dlq["MessageRetentionPeriod"]) == 14 * 86400
    if target.spec.probe:
        by_short = {q["short"]: q for q in specs}
        for short, (_fifo, receives, _timeout, consumed) in EXPECTED_QUEUES.items():
            queue = d["queues"][by_short[short]["name"]]
            assert bool(_consumer_timeouts(d, queue["QueueArn"])) is consumed
            assert json.loads(queue["RedrivePolicy"])["maxReceiveCount"] == receives


def test_given_the_deployed_stack_then_every_sqs_mapping_reports_batch_item_failures(
        target: Synth, deployed: dict[str, dict[str, Any]]) -> None:
    d = deployed[target.spec.name]
    queue_arns = {a["QueueArn"] for a in d["queues"].values()}
    assert d["mappings"] or not target.expected["queues"]
    for mapping in d["mappings"]:
        assert mapping["FunctionResponseTypes"] == ["ReportBatchItemFailures"]
        assert mapping["EventSourceArn"] in queue_arns
        assert mapping["EventSourceArn"].startswith(f"arn:{target.partition}:sqs:{target.region}:")
    if target.spec.probe:
        consumed = {m["EventSourceArn"].rsplit(":", 1)[1] for m in d["mappings"]}
        assert {q["name"] for q in target.expected["queues"] if EXPECTED_QUEUES.get(q["short"], (0, 0, 0, False))[3]} <= consumed


def test_given_queues_with_event_patterns_then_a_rule_routes_matching_events_to_each(
        target: Synth, deployed: dict[str, dict[str, Any]]) -> None:
    d = deployed[target.spec.name]
    for spec in target.expected["queues"]:
        if not spec["event_pattern"]:
            continue
        rule = d["rules"][f"gonghui-{target.stage}-{spec['short']}"]
        assert json.loads(rule["EventPattern"]) == spec["event_pattern"]
        assert rule["EventBusName"] == "default"
        assert [t["Arn"] for t in rule["Targets"]] == [d["queues"][spec["name"]]["QueueArn"]]


def test_given_the_deployed_functions_then_each_runs_as_its_own_role(
        target: Synth, deployed: dict[str, dict[str, Any]]) -> None:
    d = deployed[target.spec.name]
    functions = list(d["functions"].values())
    assert functions
    assert len({fn["Role"] for fn in functions}) == len(functions)
    for fn in functions:
        assert fn["Role"].startswith(f"arn:{target.partition}:iam::")
        assert fn["Environment"]["Variables"]["GONGHUI_STAGE"] == target.stage
