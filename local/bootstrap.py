"""Create every table, queue, DLQ, rule, bucket and parameter the app needs, from the same
definitions ``infra/`` uses (the PynamoDB models and the features' ``QueueSpec``s).

Used by the local stack (against the moto server) and by the tests (inside ``mock_aws``).
"""
from __future__ import annotations

import base64
import json
import os
from typing import Any

from chalicelib import features
from chalicelib.platform.aws import client
from chalicelib.platform.bucket import lifecycle_rules
from chalicelib.platform.queues import QueueSpec
from chalicelib.platform.settings import get_settings
from chalicelib.tables import describe_tables

LOCAL_RULE_PREFIX = "local-rule"


def create_tables() -> list[str]:
    ddb = client("dynamodb")
    existing = set(ddb.list_tables().get("TableNames", []))
    created = []
    for name, table in describe_tables().items():
        if name in existing:
            continue
        params: dict[str, Any] = {
            "TableName": name,
            "KeySchema": table["key_schema"],
            "AttributeDefinitions": [{"AttributeName": k, "AttributeType": v}
                                     for k, v in table["attributes"].items()],
            "BillingMode": "PAY_PER_REQUEST",
        }
        if table["stream"]:
            params["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": table["stream"]}
        if table["gsis"]:
            params["GlobalSecondaryIndexes"] = [
                {"IndexName": n, "KeySchema": g["key_schema"], "Projection": g["projection"]}
                for n, g in table["gsis"].items()
            ]
        if table["lsis"]:
            params["LocalSecondaryIndexes"] = [
                {"IndexName": n, "KeySchema": g["key_schema"], "Projection": g["projection"]}
                for n, g in table["lsis"].items()
            ]
        ddb.create_table(**params)
        if table["ttl"]:
            ddb.update_time_to_live(TableName=name,
                                    TimeToLiveSpecification={"Enabled": True, "AttributeName": table["ttl"]})
        created.append(name)
    return created


def _queue_attributes(spec: QueueSpec, dlq_arn: str | None) -> dict[str, str]:
    attrs = {"VisibilityTimeout": str(spec.visibility_timeout),
             "MessageRetentionPeriod": str(spec.retention_days * 86400)}
    if spec.fifo:
        attrs["FifoQueue"] = "true"
    if dlq_arn:
        attrs["RedrivePolicy"] = json.dumps({"deadLetterTargetArn": dlq_arn, "maxReceiveCount": spec.max_receive_count})
    return attrs


def create_queue(spec: QueueSpec) -> str:
    sqs = client("sqs")
    dlq_attrs = {"MessageRetentionPeriod": str(14 * 86400)}
    if spec.fifo:
        dlq_attrs["FifoQueue"] = "true"
    dlq_url = sqs.create_queue(QueueName=spec.dlq_name, Attributes=dlq_attrs)["QueueUrl"]
    dlq_arn = sqs.get_queue_attributes(QueueUrl=dlq_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    url: str = sqs.create_queue(QueueName=spec.name, Attributes=_queue_attributes(spec, dlq_arn))["QueueUrl"]
    if spec.event_pattern:
        arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
        route_events_to_queue(f"{get_settings().resource_prefix}-{spec.short}", spec.event_pattern, arn)
    return url


def route_events_to_queue(rule_name: str, pattern: dict[str, Any], queue_arn: str) -> None:
    events = client("events")
    bus = get_settings().event_bus_name
    events.put_rule(Name=rule_name[:64], EventPattern=json.dumps(pattern), State="ENABLED", EventBusName=bus)
    events.put_targets(Rule=rule_name[:64], EventBusName=bus, Targets=[{"Id": "queue", "Arn": queue_arn}])


def create_queues() -> list[str]:
    return [create_queue(spec) for spec in features.queue_specs()]


def create_event_handler_queues(app: Any) -> dict[str, str]:
    """For each ``on_cw_event`` handler, a local queue that its rule targets (the pump reads it).

    In AWS the rule targets the Lambda directly; moto cannot invoke our handlers, so the
    local stack parks the events in a queue and the pump delivers them the way Lambda would.
    """
    from chalice.app import CloudWatchEventConfig

    sqs = client("sqs")
    urls = {}
    for source in app.event_sources:
        if isinstance(source, CloudWatchEventConfig):
            name = f"{get_settings().resource_prefix}-{LOCAL_RULE_PREFIX}-{source.name}"[:80]
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            route_events_to_queue(name, source.event_pattern, arn)
            urls[source.name] = url
    return urls


def create_s3_handler_queues(app: Any) -> dict[str, str]:
    """For each ``on_s3_event`` handler, bucket notifications into a local queue the pump reads
    (in AWS, S3 invokes the Lambda directly)."""
    from chalice.app import S3EventConfig

    sqs, s3 = client("sqs"), client("s3")
    urls: dict[str, str] = {}
    configs = []
    for source in app.event_sources:
        if isinstance(source, S3EventConfig):
            name = f"{get_settings().resource_prefix}-local-s3-{source.name}"[:80]
            url = sqs.create_queue(QueueName=name)["QueueUrl"]
            arn = sqs.get_queue_attributes(QueueUrl=url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
            rules = [{"Name": "prefix", "Value": source.prefix}] if source.prefix else []
            rules += [{"Name": "suffix", "Value": source.suffix}] if source.suffix else []
            config: dict[str, Any] = {"Id": source.name, "QueueArn": arn, "Events": source.events}
            if rules:
                config["Filter"] = {"Key": {"FilterRules": rules}}
            configs.append(config)
            urls[source.name] = url
    if configs:
        s3.put_bucket_notification_configuration(
            Bucket=get_settings().uploads_bucket, NotificationConfiguration={"QueueConfigurations": configs})
    return urls


def create_bucket() -> None:
    s3 = client("s3")
    settings = get_settings()
    try:
        s3.create_bucket(Bucket=settings.uploads_bucket,
                         CreateBucketConfiguration={"LocationConstraint": settings.region})
    except s3.exceptions.BucketAlreadyOwnedByYou:
        pass
    s3.put_bucket_lifecycle_configuration(Bucket=settings.uploads_bucket,
                                          LifecycleConfiguration={"Rules": lifecycle_rules()})


def seed_parameters(extra: dict[str, str] | None = None) -> None:
    """Keys for the local stage (fresh random keys each start; never used outside local)."""
    settings = get_settings()
    ssm = client("ssm")
    values = {
        settings.jwt_key_parameter: base64.b64encode(os.urandom(48)).decode(),
        settings.pii_key_parameter: base64.b64encode(os.urandom(32)).decode(),
        **(extra or {}),
    }
    for name, value in values.items():
        ssm.put_parameter(Name=name, Value=value, Type="SecureString", Overwrite=True)


def create_all(app: Any, *, parameters: dict[str, str] | None = None) -> dict[str, Any]:
    """Everything, in dependency order. Returns the local rule/S3 queues for the pump."""
    create_tables()
    create_queues()
    create_bucket()
    seed_parameters(parameters)
    rule_queues = create_event_handler_queues(app)
    rule_queues.update(create_s3_handler_queues(app))
    from chalicelib.orgs.logic import seed_reference_nodes

    seed_reference_nodes()
    return rule_queues


def reset_caches(*, keep_clients: bool = False) -> None:
    """Forget cached settings, keys and queue URLs; and, unless ``keep_clients`` (the AWS
    endpoint and region did not change), every client and PynamoDB connection too."""
    from chalicelib import tables
    from chalicelib.platform import aws, idempotency, parameters, pii, queues, settings

    settings.reset_settings()
    parameters.reset_parameters()
    idempotency.reset_idempotency()
    queues.reset_queues()
    pii._subkeys.cache_clear()
    if not keep_clients:
        aws.reset_clients()
        tables.reset_connections()
        from local.pump import reset_streams_client

        reset_streams_client()
