"""Fast checks of the stack's pure helpers (no synthesis)."""
from __future__ import annotations

import json
import re

import pytest


def _sam(queue: object) -> dict[str, object]:
    return {"Resources": {
        "Worker": {"Type": "AWS::Serverless::Function", "Properties": {
            "Timeout": 40, "Events": {"WorkerSqs": {"Type": "SQS", "Properties": {"Queue": queue, "BatchSize": 7}}}}},
        "APIHandler": {"Type": "AWS::Serverless::Function", "Properties": {"Timeout": 15}},
    }}


@pytest.mark.parametrize("queue", [
    {"Fn::Sub": "arn:${AWS::Partition}:sqs:${AWS::Region}:${AWS::AccountId}:gonghui-dev-work.fifo"},
    "arn:aws-cn:sqs:cn-north-1:123456789012:gonghui-dev-work.fifo",
    "arn:aws:sqs:us-east-1:123456789012:gonghui-dev-work.fifo",
])
def test_given_a_chalice_sqs_event_when_read_then_its_queue_name_timeout_and_batch_are_known(queue: object) -> None:
    from infra.stacks.gonghui import _read_functions

    functions = _read_functions(_sam(queue))
    assert set(functions) == {"Worker", "APIHandler"}
    [sub] = functions["Worker"].sqs
    assert (sub.queue_name, sub.event, sub.batch_size, functions["Worker"].timeout) == \
        ("gonghui-dev-work.fifo", "WorkerSqs", 7, 40)
    assert functions["APIHandler"].sqs == []


def test_given_an_sqs_event_without_arn_text_when_read_then_synthesis_refuses_it() -> None:
    from infra.stacks.gonghui import _read_functions

    with pytest.raises(ValueError, match="QueueSpec"):
        _read_functions(_sam({"Ref": "SomethingElse"}))


def test_given_the_app_errors_when_gateway_responses_are_built_then_each_is_the_app_error_shape_in_chinese() -> None:
    from chalicelib.platform import errors
    from infra.stacks.gonghui import gateway_responses

    responses = gateway_responses()
    assert {"DEFAULT_4XX", "DEFAULT_5XX", "MISSING_AUTHENTICATION_TOKEN", "THROTTLED"} <= set(responses)
    for kind, response in responses.items():
        body = json.loads(response["ResponseTemplates"]["application/json"])
        assert set(body) == {"code", "message", "details"} and body["details"] == [], kind
        assert re.search(r"[\u4e00-\u9fff]", body["message"]), kind
    not_found = json.loads(responses["MISSING_AUTHENTICATION_TOKEN"]["ResponseTemplates"]["application/json"])
    assert (not_found["code"], not_found["message"]) == (errors.NotFound.code, errors.NotFound.message)
    assert responses["MISSING_AUTHENTICATION_TOKEN"]["StatusCode"] == "404"


@pytest.mark.parametrize(("region", "partition"), [
    ("cn-north-1", "aws-cn"), ("cn-northwest-1", "aws-cn"), ("us-east-1", "aws"), ("ap-east-1", "aws")])
def test_given_a_region_when_targeted_then_its_partition_and_names_follow_settings(region: str, partition: str) -> None:
    from infra.target import Target

    target = Target(stage="prod", region=region)
    assert target.partition == partition
    assert target.app_environment() == {"GONGHUI_STAGE": "prod", "GONGHUI_PREFIX": "gonghui-prod",
                                        "GONGHUI_EVENT_BUS": "default", "GONGHUI_UPLOADS_BUCKET": "gonghui-prod-uploads"}
    with pytest.raises(ValueError):
        Target(stage="local", region=region)


def test_given_a_queue_listed_by_two_features_when_specs_are_merged_then_it_is_built_once_or_refused() -> None:
    from chalicelib.platform.queues import QueueSpec
    from infra.stacks.gonghui import _unique_specs

    a = QueueSpec("shared", visibility_timeout=30)
    assert _unique_specs([a, QueueSpec("shared", visibility_timeout=30), QueueSpec("other")]) == [a, QueueSpec("other")]
    with pytest.raises(ValueError, match="defined twice"):
        _unique_specs([a, QueueSpec("shared", visibility_timeout=31)])
