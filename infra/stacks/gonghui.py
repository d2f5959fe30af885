"""The Gonghui stacks: the Chalice app (packaged by :mod:`infra.package`) and everything it
uses, all derived from the app's own definitions:

* tables from ``chalicelib.tables.describe_tables()`` (the PynamoDB models),
* queues, DLQs and EventBridge→queue rules from ``chalicelib.features.queue_specs()``,
* functions, SQS mappings, rules and schedules from the SAM template Chalice generates.

Nothing here is a hand-kept list of tables, queues or functions. Every ARN is built with the
partition pseudo parameter so the same code deploys to ``aws`` and ``aws-cn``.
"""
from __future__ import annotations

import contextlib
import copy
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_cdk import (
    Aws,
    CfnOutput,
    Duration,
    RemovalPolicy,
    Stack,
)
from aws_cdk import aws_apigateway as apigateway
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_assets as assets
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from aws_cdk import cloudformation_include as cfn_inc
from constructs import Construct

from chalicelib.platform.bucket import EXPIRING_PREFIX as INCOMING_PREFIX
from infra import package
from infra.stacks.app_model import API_FUNCTION, GROUPS, AppModel, FunctionInfo, read_app
from infra.target import Target

# Chalice must be told *some* role ARN when it does not manage the role; every function's
# Role is then overridden with the stack's own role (checked below: none may keep it).
ROLE_PLACEHOLDER = "GONGHUI_ROLE_SET_BY_INFRA"
SQS_FUNCTION_TIMEOUT_FACTOR = 6  # AWS: queue visibility timeout >= 6x the function timeout
DLQ_RETENTION = Duration.days(14)
SECRET_PARAMETERS = (
    "jwt-signing-key", "pii-key", "wechat-app-secret",
    "alipay-app-private-key", "alipay-public-key", "dingtalk-app-secret", "zwfw-secret-key",
)
# IAM managed policies are limited to 6,144 characters; keep well under with an estimate.
POLICY_BUDGET = 5000
TABLES_PER_STATEMENT = 10
# Chalice writes an SQS queue as ARN text: ``Fn::Sub arn:${AWS::Partition}:sqs:...:<name>`` for
# ``queue=<name>``, or the literal ``queue_arn=`` it was given.
_SEGMENT = r"(?:\$\{[^}]*\}|[^:$]*)"
_QUEUE_ARN_TEXT = re.compile(rf"^arn:{_SEGMENT}:sqs:{_SEGMENT}:{_SEGMENT}:(?P<name>[^:]+)$")
_KEY_TYPES = {"S": dynamodb.AttributeType.STRING, "N": dynamodb.AttributeType.NUMBER,
              "B": dynamodb.AttributeType.BINARY}


@dataclass
class SqsSubscription:
    """One ``@on_sqs_message`` handler as Chalice packaged it."""

    function: str  # logical id of the AWS::Serverless::Function
    event: str  # key under the function's Events
    queue_name: str
    batch_size: int


@dataclass
class PackagedFunction:
    logical_id: str
    timeout: int
    sqs: list[SqsSubscription] = field(default_factory=list)


@dataclass
class S3Subscription:
    """One ``@on_s3_event`` handler (``chalice package`` refuses these; we wire them here)."""

    function: str
    bucket: str
    events: list[str]
    prefix: str | None
    suffix: str | None


@contextlib.contextmanager
def _capture_s3_notifications(sink: list[S3Subscription]) -> Iterator[None]:
    """Let ``chalice package`` record ``on_s3_event`` handlers instead of refusing them.

    CloudFormation can only attach notifications to a bucket it creates; the uploads bucket
    is created by this stack, so the stack adds them to it (see ``_wire_s3_notifications``).
    """
    from chalice.package import SAMTemplateGenerator
    from chalice.utils import to_cfn_resource_name

    original = SAMTemplateGenerator._generate_s3bucketnotification

    def capture(self: Any, resource: Any, template: dict[str, Any]) -> None:
        sink.append(S3Subscription(
            function=to_cfn_resource_name(resource.lambda_function.resource_name),
            bucket=resource.bucket, events=list(resource.events),
            prefix=resource.prefix, suffix=resource.suffix))

    SAMTemplateGenerator._generate_s3bucketnotification = capture  # type: ignore[method-assign]
    try:
        yield
    finally:
        SAMTemplateGenerator._generate_s3bucketnotification = original  # type: ignore[method-assign]


def _read_functions(sam_template: dict[str, Any]) -> dict[str, PackagedFunction]:
    functions: dict[str, PackagedFunction] = {}
    for logical_id, resource in sam_template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        props = resource["Properties"]
        fn = PackagedFunction(logical_id=logical_id, timeout=int(props.get("Timeout", 3)))
        for event_name, event in (props.get("Events") or {}).items():
            if event["Type"] != "SQS":
                continue
            queue = event["Properties"]["Queue"]
            text = queue.get("Fn::Sub") if isinstance(queue, dict) else queue
            match = _QUEUE_ARN_TEXT.match(text) if isinstance(text, str) else None
            if match is None:
                raise ValueError(f"{logical_id}: SQS handler must name a queue from a QueueSpec, got {queue!r}")
            fn.sqs.append(SqsSubscription(function=logical_id, event=event_name,
                                          queue_name=match.group("name"),
                                          batch_size=int(event["Properties"].get("BatchSize", 10))))
        functions[logical_id] = fn
    return functions


def _entry_points() -> dict[str, str]:
    """Chalice's handler string of each event handler (``chalicelib.<f>.events.<fn>``) → the
    app's entry point for it (``app.<f>_events_<fn>``, see ``app.__getattr__``): Lambda must
    load app.py first, or the handler runs without the app's middleware."""
    import sys

    app = sys.modules["app"].app  # loaded by ``chalice package`` a moment ago
    found = {}
    for name, handler in app.handler_map.items():
        func = getattr(handler, "func", None)
        if func is not None and handler is not app:
            found[f"{func.__module__}.{func.__name__}"] = f"app.{name}"
    return found


def _unique_specs(specs: list[Any]) -> list[Any]:
    """One spec per queue name; a queue listed by two features must be defined identically."""
    by_name: dict[str, Any] = {}
    for spec in specs:
        seen = by_name.setdefault(spec.name, spec)
        if seen != spec or getattr(seen, "event_pattern", None) != getattr(spec, "event_pattern", None):
            raise ValueError(f"queue {spec.name} is defined twice, differently: {seen!r} / {spec!r}")
    return list(by_name.values())


def _arn(service: str, resource: str, *, region: bool = True, account: bool = True) -> str:
    """An ARN in this stack's partition (never a literal ``arn:aws:``)."""
    return "arn:" + ":".join([
        Aws.PARTITION, service, Aws.REGION if region else "", Aws.ACCOUNT_ID if account else "", resource])


def gateway_responses() -> dict[str, dict[str, Any]]:
    """API Gateway's own errors (unknown route, throttling, too large, timeout, ...) in the
    app's error shape ``{"code", "message", "details"}``, with the app's own codes/messages."""
    from chalicelib.platform import errors

    chalice_codes = errors.CHALICE_ERROR_CODES

    def shape(status: int | None, code: str, message: str) -> dict[str, Any]:
        body = json.dumps({"code": code, "message": message, "details": []}, ensure_ascii=False)
        response: dict[str, Any] = {"ResponseTemplates": {"application/json": body}}
        if status is not None:
            response["StatusCode"] = str(status)
        return response

    def of(cls: type[Any], status: int | None = None) -> dict[str, Any]:
        return shape(status if status is not None else cls.status, cls.code, cls.message)

    return {
        "DEFAULT_4XX": shape(None, errors.BadRequest.code, errors.BadRequest.message),
        "DEFAULT_5XX": shape(None, *chalice_codes["InternalServerError"]),
        # API Gateway answers an unknown path/method with 403 "Missing Authentication Token".
        "MISSING_AUTHENTICATION_TOKEN": of(errors.NotFound),
        "RESOURCE_NOT_FOUND": of(errors.NotFound),
        "UNAUTHORIZED": of(errors.Unauthorized),
        "ACCESS_DENIED": of(errors.Forbidden),
        "INVALID_API_KEY": of(errors.Forbidden),
        "EXPIRED_TOKEN": of(errors.Unauthorized),
        "THROTTLED": of(errors.TooManyRequests),
        "QUOTA_EXCEEDED": of(errors.TooManyRequests),
        "REQUEST_TOO_LARGE": of(errors.PayloadTooLarge),
        "UNSUPPORTED_MEDIA_TYPE": shape(415, *chalice_codes["UnsupportedMediaType"]),
        "BAD_REQUEST_BODY": of(errors.ValidationFailed, 400),
        "BAD_REQUEST_PARAMETERS": of(errors.ValidationFailed, 400),
        "INTEGRATION_TIMEOUT": shape(504, *chalice_codes["RequestTimeoutError"]),
        "INTEGRATION_FAILURE": of(errors.ServiceUnavailable, 502),
    }




ALARM_TOPIC = "alarms"
ASYNC_FAILURES = "async-failures"  # on-failure destination of asynchronously invoked functions
ASYNC_RETRIES = 2
OLDEST_MESSAGE_ALARM_SECONDS = 1800
# Both API stages: steady rate and burst per stage (API Gateway answers 429 in the app's shape).
API_RATE_LIMIT, API_BURST_LIMIT = 200, 400
WS_RATE_LIMIT, WS_BURST_LIMIT = 100, 200
# SQS consumers that push through WeChat / Alipay / 浙政钉 (notify, push, announce handlers):
# at most this many run at once, so a backlog cannot flood the providers' rate limits.
# (An event source mapping's MaximumConcurrency, not reserved concurrency: throttled SQS
# polls would count as receives and push messages to the DLQ.)
OUTSIDE_CALLER = re.compile(r"notif|push|announce", re.IGNORECASE)
OUTSIDE_CALLER_CONCURRENCY = 5
ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "time": "$context.requestTime",
    "method": "$context.httpMethod", "path": "$context.resourcePath", "status": "$context.status",
    "length": "$context.responseLength", "latency": "$context.integrationLatency",
    "userAgent": "$context.identity.userAgent", "error": "$context.error.message",
})
WS_ACCESS_LOG_FORMAT = json.dumps({
    "requestId": "$context.requestId", "ip": "$context.identity.sourceIp", "time": "$context.requestTime",
    "route": "$context.routeKey", "event": "$context.eventType", "status": "$context.status",
    "connectionId": "$context.connectionId", "error": "$context.error.message",
})


def chalice_stage_config(target: Target) -> dict[str, Any]:
    config: dict[str, Any] = {
        # Our roles and policies, not Chalice's policy generator.
        "autogen_policy": False,
        "manage_iam_role": False,
        "iam_role_arn": ROLE_PLACEHOLDER,
        "environment_variables": target.app_environment(),
        # Not "log_retention_in_days": Chalice 1.34 then references the API handler's log
        # group as ${ApiHandler} after renaming it APIHandler; the stacks make the groups.
    }
    if target.is_china:
        # Edge-optimized endpoints do not exist in the China regions.
        config["api_gateway_endpoint_type"] = "REGIONAL"
    return config


def function_name(target: Target, logical_id: str) -> str:
    return f"{target.prefix}-{logical_id}"[:64]


@dataclass
class Packaged:
    """``chalice package`` output plus what the app is made of."""

    sam: dict[str, Any]
    deployment_zip: Path
    s3: list[S3Subscription]
    model: AppModel
    functions: dict[str, PackagedFunction]


def package_app(target: Target, workdir: Path) -> Packaged:
    out = workdir / "chalice.out"
    subs: list[S3Subscription] = []
    with _capture_s3_notifications(subs):
        package.package_app(target.project_dir, out, target.stage, chalice_stage_config(target))
    sam = json.loads((out / "sam.json").read_text())
    packaged = Packaged(sam=sam, deployment_zip=out / "deployment.zip", s3=subs,
                        model=read_app(sam, target.project_dir), functions=_read_functions(sam))
    _split_api(packaged)
    return packaged


def _split_api(packaged: Packaged) -> None:
    """One API function per feature behind the same REST API: clone Chalice's API handler
    per feature (``GONGHUI_FEATURES`` names it, so app.py registers only its blueprints),
    point each path's integration at its feature's function and let API Gateway invoke it.
    ``APIHandler`` stays, for the ``system`` feature (health, OpenAPI, docs of every route)."""
    resources = packaged.sam["Resources"]
    if API_FUNCTION not in resources or "RestAPI" not in resources:
        return
    model = packaged.model
    base = resources[API_FUNCTION]
    permission = resources.get(f"{API_FUNCTION}InvokePermission")
    for feature in sorted(set(model.route_features.values()) - {"system"}):
        logical_id = API_FUNCTION + "".join(p.capitalize() for p in re.split(r"[^A-Za-z0-9]+", feature))
        clone = copy.deepcopy(base)
        clone["Properties"].setdefault("Environment", {}).setdefault("Variables", {})[
            "GONGHUI_FEATURES"] = feature
        resources[logical_id] = clone
        model.functions[logical_id] = FunctionInfo(logical_id, feature, "api", base["Properties"]["Handler"])
        packaged.functions[logical_id] = PackagedFunction(logical_id, int(clone["Properties"].get("Timeout", 3)))
        if permission is not None:
            granted = copy.deepcopy(permission)
            granted["Properties"]["FunctionName"] = {"Ref": logical_id}
            resources[f"{logical_id}InvokePermission"] = granted
        for path, methods in resources["RestAPI"]["Properties"]["DefinitionBody"]["paths"].items():
            for method, operation in methods.items():
                integration = operation.get("x-amazon-apigateway-integration") or {}
                if integration.get("type") == "aws_proxy" and model.route_features.get((path, method)) == feature:
                    integration["uri"] = {"Fn::Sub": integration["uri"]["Fn::Sub"].replace(
                        f"${{{API_FUNCTION}.Arn}}", f"${{{logical_id}.Arn}}")}


LAST_PACKAGED: Packaged | None = None


def build_stacks(scope: Construct, target: Target, **kwargs: Any) -> list[Stack]:
    """Every stack of one stage: tables, queues, the API, one per feature group, uploads.

    No stack references another's resources (names and ARNs are built from the stage's
    prefix, in the stack's own partition), so there are no exports to get stuck on; the
    order is set with stack dependencies instead."""
    import os

    from chalicelib.platform.settings import get_settings

    settings = get_settings()
    if settings.stage != target.stage or settings.resource_prefix != target.prefix:
        raise RuntimeError("call infra.target.prepare_environment(target) before building the stacks")
    if target.is_prod and not target.alarm_email:
        raise ValueError("prod needs an alarm subscriber: pass -c alarm_email=ADDRESS (--alarm-email)")
    target.require_app_ids()
    packaged = package_app(target, Path(os.getcwd()))
    global LAST_PACKAGED
    LAST_PACKAGED = packaged  # what the tests read back (function features, table owners)
    tables = TablesStack(scope, target, **kwargs)
    queues = QueuesStack(scope, target, packaged, **kwargs)
    model = packaged.model
    parts: dict[str, list[str]] = {"api": []}
    for name in GROUPS:
        parts[name] = []
    for logical_id, info in model.functions.items():
        part = "api" if info.kind in ("api", "websocket") else model.group_of(info.feature)
        parts[part].append(logical_id)
    function_stacks = []
    for part, ids in parts.items():
        if not ids:
            continue
        stack = FunctionsStack(scope, target, packaged, part, ids, **kwargs)
        stack.add_stack_dependency(tables)
        stack.add_stack_dependency(queues)
        function_stacks.append(stack)
    uploads = UploadsStack(scope, target, packaged, **kwargs)
    for stack in function_stacks:
        if any(s.function in stack.function_ids for s in packaged.s3):
            uploads.add_stack_dependency(stack)
    if not target.console_origin:
        return [tables, queues, *function_stacks, uploads]
    # The union console's hosting, once the stage names the console's address (stages.json).
    from infra.stacks.console import ConsoleStack

    return [tables, queues, *function_stacks, uploads, ConsoleStack(scope, target, **kwargs)]


def _stack_kwargs(target: Target, part: str, description: str) -> dict[str, Any]:
    return {"stack_name": f"{target.prefix}-{part}", "description": f"数智工会 Gonghui {target.stage}: {description}"}


def _alarm_topic(scope: Construct, target: Target) -> sns.ITopic:
    return sns.Topic.from_topic_arn(scope, "AlarmTopicByName", _arn("sns", f"{target.prefix}-{ALARM_TOPIC}"))


def _alarm(scope: Construct, construct_id: str, topic: sns.ITopic, *, name: str, description: str,
           metric: cloudwatch.Metric, threshold: float) -> cloudwatch.Alarm:
    alarm = cloudwatch.Alarm(
        scope, construct_id, alarm_name=name, alarm_description=description, metric=metric,
        threshold=threshold, evaluation_periods=1,
        comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING)
    alarm.add_alarm_action(cw_actions.SnsAction(topic))
    return alarm


class TablesStack(Stack):
    """Every DynamoDB table (PITR; prod: deletion protection + Retain).

    Tables with a ``stream`` in ``describe_tables()`` get one (the outbox, whose Pipe is here)."""

    def __init__(self, scope: Construct, target: Target, **kwargs: Any) -> None:
        super().__init__(scope, f"{target.stage}-tables", **_stack_kwargs(target, "tables", "DynamoDB tables"),
                         **kwargs)
        from chalicelib.tables import describe_tables

        self.target = target
        self.removal = RemovalPolicy.RETAIN if target.is_prod else RemovalPolicy.DESTROY
        self.tables = {t["short"]: self._table(t) for t in describe_tables().values()}
        from chalicelib.platform.outbox import OUTBOX_TABLE_SHORT

        from .outbox import add_outbox_pipe

        # The outbox's stream → EventBridge Pipe → bus lives with its table (the stream ARN
        # stays inside this stack); its DLQ alarm goes to the alarm topic by name.
        add_outbox_pipe(self, table=self.tables[OUTBOX_TABLE_SHORT], event_bus_name=target.event_bus,
                        prefix=target.prefix, alarm_topic=_alarm_topic(self, target))

    def _table(self, spec: dict[str, Any]) -> dynamodb.Table:
        def key(name: str) -> dynamodb.Attribute:
            return dynamodb.Attribute(name=name, type=_KEY_TYPES[spec["attributes"][name]])

        def keys(schema: list[dict[str, str]]) -> tuple[dynamodb.Attribute, dynamodb.Attribute | None]:
            hash_key = next(k["AttributeName"] for k in schema if k["KeyType"] == "HASH")
            sort = next((k["AttributeName"] for k in schema if k["KeyType"] == "RANGE"), None)
            return key(hash_key), key(sort) if sort else None

        def projection(p: dict[str, Any]) -> tuple[dynamodb.ProjectionType, list[str] | None]:
            kind = dynamodb.ProjectionType(p["ProjectionType"])
            return kind, list(p.get("NonKeyAttributes", [])) if kind == dynamodb.ProjectionType.INCLUDE else None

        construct_id = "Table" + "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", spec["short"]))
        partition_key, sort_key = keys(spec["key_schema"])
        table = dynamodb.Table(
            self, construct_id,
            table_name=spec["name"],
            billing_mode=dynamodb.BillingMode.PAY_PER_REQUEST,
            point_in_time_recovery_specification=dynamodb.PointInTimeRecoverySpecification(
                point_in_time_recovery_enabled=True),
            deletion_protection=self.target.is_prod,
            removal_policy=self.removal,
            time_to_live_attribute=spec["ttl"] or None,
            stream=dynamodb.StreamViewType(spec["stream"]) if spec.get("stream") else None,
            partition_key=partition_key, sort_key=sort_key,
        )
        for name, index in spec["gsis"].items():
            gsi_partition, gsi_sort = keys(index["key_schema"])
            kind, non_key = projection(index["projection"])
            table.add_global_secondary_index(index_name=name, partition_key=gsi_partition, sort_key=gsi_sort,
                                             projection_type=kind, non_key_attributes=non_key)
        for name, index in spec["lsis"].items():
            _, lsi_sort = keys(index["key_schema"])
            if lsi_sort is None:
                raise ValueError(f"{spec['name']}: local index {name} has no sort key")
            kind, non_key = projection(index["projection"])
            table.add_local_secondary_index(index_name=name, sort_key=lsi_sort,
                                            projection_type=kind, non_key_attributes=non_key)
        return table


class QueuesStack(Stack):
    """The alarm topic, every queue + DLQ (with their alarms) and the EventBridge rules that
    route domain events to them, and the on-failure queue of asynchronous invocations."""

    def __init__(self, scope: Construct, target: Target, packaged: Packaged, **kwargs: Any) -> None:
        super().__init__(scope, f"{target.stage}-queues",
                         **_stack_kwargs(target, "queues", "queues, event rules, alarm topic"), **kwargs)
        from chalicelib import features

        self.target = target
        self.functions = packaged.functions
        self.removal = RemovalPolicy.RETAIN if target.is_prod else RemovalPolicy.DESTROY
        self.alarm_topic = sns.Topic(self, "AlarmTopic", topic_name=f"{target.prefix}-{ALARM_TOPIC}",
                                     display_name=f"Gonghui {target.stage} alarms", enforce_ssl=True)
        if target.alarm_email:
            self.alarm_topic.add_subscription(subscriptions.EmailSubscription(target.alarm_email))
        self.queue_specs = _unique_specs(features.queue_specs())
        self.queues: dict[str, sqs.Queue] = {}
        self.dlqs: dict[str, sqs.Queue] = {}
        for spec in self.queue_specs:
            self._queue(spec)
        consumed = {s.queue_name for fn in self.functions.values() for s in fn.sqs}
        unknown = sorted(consumed - set(self.queues) - set(self.dlqs))
        if unknown:
            raise ValueError(f"an SQS handler consumes {unknown}, which no QueueSpec defines "
                             f"(known: {sorted([*self.queues, *self.dlqs])})")
        failures = sqs.Queue(self, "AsyncFailures", queue_name=f"{target.prefix}-{ASYNC_FAILURES}",
                             retention_period=DLQ_RETENTION, encryption=sqs.QueueEncryption.SQS_MANAGED,
                             enforce_ssl=True, removal_policy=self.removal)
        _alarm(self, "AsyncFailuresAlarm", self.alarm_topic, name=f"{target.prefix}-{ASYNC_FAILURES}-not-empty",
               description="定时任务或上传处理函数重试后仍失败（见 async-failures 队列）",
               metric=failures.metric_approximate_number_of_messages_visible(
                   statistic="Maximum", period=Duration.minutes(5)), threshold=1)
        CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.topic_arn)

    def _visibility_timeout(self, spec_timeout: int, queue_name: str) -> int:
        timeouts = [fn.timeout for fn in self.functions.values() for s in fn.sqs if s.queue_name == queue_name]
        return max([spec_timeout, *(SQS_FUNCTION_TIMEOUT_FACTOR * t for t in timeouts)])

    def _queue(self, spec: Any) -> None:
        base = "Queue" + "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", spec.short))
        fifo = True if spec.fifo else None
        dedup = False if spec.fifo else None
        dlq = sqs.Queue(
            self, f"{base}Dlq", queue_name=spec.dlq_name, fifo=fifo, content_based_deduplication=dedup,
            retention_period=DLQ_RETENTION, encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
            visibility_timeout=Duration.seconds(self._visibility_timeout(spec.visibility_timeout, spec.dlq_name)),
            removal_policy=self.removal,
        )
        queue = sqs.Queue(
            self, base, queue_name=spec.name, fifo=fifo, content_based_deduplication=dedup,
            retention_period=Duration.days(spec.retention_days), encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(self._visibility_timeout(spec.visibility_timeout, spec.name)),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=spec.max_receive_count, queue=dlq),
            removal_policy=self.removal,
        )
        self.queues[spec.name] = queue
        self.dlqs[spec.dlq_name] = dlq
        _alarm(self, f"{base}DlqAlarm", self.alarm_topic, name=f"{spec.dlq_name}-not-empty",
               description=f"死信队列 {spec.dlq_name} 有消息：{spec.description or spec.short}",
               metric=cloudwatch.Metric(namespace="AWS/SQS", metric_name="ApproximateNumberOfMessagesVisible",
                                        dimensions_map={"QueueName": dlq.queue_name},
                                        statistic="Maximum", period=Duration.minutes(5)),
               threshold=1)
        _alarm(self, f"{base}AgeAlarm", self.alarm_topic, name=f"{spec.name}-oldest-message",
               description=f"队列 {spec.name} 积压：最早的消息已等待超过 {OLDEST_MESSAGE_ALARM_SECONDS // 60} 分钟",
               metric=cloudwatch.Metric(namespace="AWS/SQS", metric_name="ApproximateAgeOfOldestMessage",
                                        dimensions_map={"QueueName": queue.queue_name},
                                        statistic="Maximum", period=Duration.minutes(5)),
               threshold=OLDEST_MESSAGE_ALARM_SECONDS)
        if getattr(spec, "event_pattern", None):
            self._route_events(base, spec, queue)

    def _route_events(self, base: str, spec: Any, queue: sqs.Queue) -> None:
        """Domain events matching ``spec.event_pattern`` go to the queue (the local stack
        builds the same rule, named the same)."""
        target: dict[str, Any] = {"id": "queue", "arn": queue.queue_arn}
        if spec.fifo:
            target["sqs_parameters"] = events.CfnRule.SqsParametersProperty(message_group_id=spec.short)
        rule = events.CfnRule(
            self, f"{base}Rule", name=f"{self.target.prefix}-{spec.short}"[:64],
            event_bus_name=self.target.event_bus, event_pattern=spec.event_pattern, state="ENABLED",
            description=f"领域事件 → {spec.name}",
            targets=[events.CfnRule.TargetProperty(**target)],
        )
        queue.add_to_resource_policy(iam.PolicyStatement(
            sid="EventBridgeSend",
            principals=[iam.ServicePrincipal("events.amazonaws.com")],
            actions=["sqs:SendMessage"], resources=[queue.queue_arn],
            conditions={"ArnEquals": {"aws:SourceArn": rule.attr_arn}},
        ))


_DYNAMODB_ACTIONS = ["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
                     "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem", "dynamodb:PutItem",
                     "dynamodb:Query", "dynamodb:UpdateItem"]


def _queue_arn(name: str) -> str:
    return _arn("sqs", name)


def _bucket_arn(target: Target, suffix: str = "") -> str:
    return _arn("s3", f"{target.bucket_name}{suffix}", region=False, account=False)


class FunctionsStack(Stack):
    """Chalice's functions for one part (``api``: the REST and WebSocket APIs and their
    functions; otherwise a feature group's event handlers), each with its own role."""

    def __init__(self, scope: Construct, target: Target, packaged: Packaged, part: str,
                 function_ids: list[str], **kwargs: Any) -> None:
        super().__init__(scope, f"{target.stage}-{part}",
                         **_stack_kwargs(target, part, "API and its functions" if part == "api"
                                         else f"event handlers of {', '.join(GROUPS.get(part, (part,)))}"),
                         **kwargs)
        self.target, self.packaged, self.part = target, packaged, part
        self.function_ids = set(function_ids)
        self.removal = RemovalPolicy.RETAIN if target.is_prod else RemovalPolicy.DESTROY
        self.topic = _alarm_topic(self, target)
        sam = self._sub_template(function_ids)
        code = assets.Asset(self, "AppCode", path=str(packaged.deployment_zip))
        for logical_id in function_ids:
            sam["Resources"][logical_id]["Properties"]["CodeUri"] = {
                "Bucket": code.s3_bucket_name, "Key": code.s3_object_key}
        path = packaged.deployment_zip.parent / f"{target.stage}-{part}.sam.json"
        path.write_text(json.dumps(sam, indent=1))
        self.include = cfn_inc.CfnInclude(self, "Chalice", template_file=str(path), preserve_logical_ids=True)
        layer_zip = package.build_layer(target.project_dir)
        self.layer = lambda_.LayerVersion(
            self, f"Dependencies{part.capitalize()}", code=lambda_.Code.from_asset(str(layer_zip)),
            compatible_runtimes=[lambda_.Runtime(package.LAMBDA_RUNTIME, lambda_.RuntimeFamily.PYTHON)],
            compatible_architectures=[lambda_.Architecture.X86_64 if package.ARCHITECTURE == "x86_64"
                                      else lambda_.Architecture.ARM_64],
            description=f"Gonghui {target.stage} dependencies (requirements.lock)",
            removal_policy=RemovalPolicy.RETAIN,
        )
        for logical_id in function_ids:
            self._wire_function(packaged.model.functions[logical_id])
        for sub in packaged.s3:
            if sub.function in self.function_ids:
                lambda_.CfnPermission(
                    self, f"S3Invoke{sub.function}", action="lambda:InvokeFunction",
                    function_name=self.include.get_resource(sub.function).ref, principal="s3.amazonaws.com",
                    source_account=Aws.ACCOUNT_ID, source_arn=_bucket_arn(target))
        if "RestAPI" in sam["Resources"]:
            self._wire_rest_api()
        if "WebsocketAPIStage" in sam["Resources"]:
            self._wire_websocket_api()
        if part == "api":
            CfnOutput(self, "SecretParameters",
                      value=",".join(f"{target.parameter_root}/{p}" for p in SECRET_PARAMETERS),
                      description="SecureString parameters operators create before first use (not created here)")

    # -- the SAM template of this part -----------------------------------------------------

    def _sub_template(self, function_ids: list[str]) -> dict[str, Any]:
        sam = self.packaged.sam
        model = self.packaged.model
        chosen = set(function_ids)
        if self.part == "api":
            chosen |= {k for k, v in sam["Resources"].items() if v["Type"] != "AWS::Serverless::Function"}
        resources = {k: copy.deepcopy(v) for k, v in sam["Resources"].items() if k in chosen}
        for logical_id in function_ids:
            info = model.functions[logical_id]
            props = resources[logical_id]["Properties"]
            props["FunctionName"] = function_name(self.target, logical_id)
            # The runtime and architecture infra chose, not the synthesizing Python's.
            props["Runtime"] = package.LAMBDA_RUNTIME
            props["Architectures"] = [package.ARCHITECTURE]
            props["Handler"] = self.packaged_entry(info)
            variables = props.setdefault("Environment", {}).setdefault("Variables", {})
            if logical_id != API_FUNCTION:  # the system API function documents every route
                variables["GONGHUI_FEATURES"] = info.feature
            props.pop("Layers", None)
        out = {k: v for k, v in sam.items() if k not in ("Resources", "Outputs")}
        out["Resources"] = resources
        out["Outputs"] = {k: v for k, v in (sam.get("Outputs") or {}).items()
                          if _sam_refs(v) <= set(resources)}
        return out

    def packaged_entry(self, info: FunctionInfo) -> str:
        entry = _entry_points().get(info.handler)
        return entry or info.handler

    # -- functions ---------------------------------------------------------------------------

    def _statements(self, info: FunctionInfo) -> list[iam.PolicyStatement]:
        model = self.packaged.model
        target = self.target
        reach = model.reach(info.feature)
        stmts: list[iam.PolicyStatement] = []
        tables = sorted(f"{target.prefix}-{short}" for short, owner in model.table_owner.items() if owner in reach)
        if tables:
            stmts.append(iam.PolicyStatement(
                sid="Tables", actions=_DYNAMODB_ACTIONS,
                resources=[arn for t in tables for arn in (_arn("dynamodb", f"table/{t}"),
                                                           _arn("dynamodb", f"table/{t}/index/*"))]))
        queues = sorted(name for name, owner in model.queue_owner.items()
                        if owner in reach and not name.removesuffix(".fifo").endswith("-dlq"))
        if queues:
            stmts.append(iam.PolicyStatement(sid="SendToQueues", actions=[
                "sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
                resources=[_queue_arn(q) for q in queues]))
        consumed = sorted({s.queue_name for s in self.packaged.functions.get(info.logical_id, PackagedFunction(
            info.logical_id, 0)).sqs})
        if consumed:
            stmts.append(iam.PolicyStatement(sid="ConsumeQueues", actions=[
                "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility", "sqs:GetQueueAttributes"],
                resources=[_queue_arn(q) for q in consumed]))
        if info.kind in ("schedule", "s3"):
            stmts.append(iam.PolicyStatement(sid="OnFailure", actions=["sqs:SendMessage"],
                                             resources=[_queue_arn(f"{target.prefix}-{ASYNC_FAILURES}")]))
        stmts.append(iam.PolicyStatement(sid="Events", actions=["events:PutEvents"],
                                         resources=[_arn("events", f"event-bus/{target.event_bus}")]))
        if reach & model.bucket_users:
            stmts += [
                iam.PolicyStatement(sid="UploadObjects", actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                                                                  "s3:AbortMultipartUpload"],
                                    resources=[_bucket_arn(target, "/*")]),
                iam.PolicyStatement(sid="UploadsList", actions=["s3:ListBucket"], resources=[_bucket_arn(target)]),
            ]
        if reach & model.websocket_users:
            # Chat delivery: post to / drop connections of the WebSocket API's stage.
            stmts.append(iam.PolicyStatement(sid="WebsocketConnections", actions=["execute-api:ManageConnections"],
                                             resources=[_arn("execute-api", "*/api/*/@connections/*")]))
        stmts += [
            iam.PolicyStatement(
                sid="Parameters", actions=["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
                resources=[_arn("ssm", f"parameter{target.parameter_root}"),
                           _arn("ssm", f"parameter{target.parameter_root}/*")]),
            iam.PolicyStatement(
                sid="DecryptParameters", actions=["kms:Decrypt"], resources=[_arn("kms", "key/*")],
                conditions={"StringEquals": {"kms:ViaService": f"ssm.{Aws.REGION}.{Aws.URL_SUFFIX}"}}),
            iam.PolicyStatement(
                sid="Logs", actions=["logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[_arn("logs", f"log-group:/aws/lambda/{function_name(target, info.logical_id)}:*")]),
            iam.PolicyStatement(
                sid="Tracing", actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords",
                                        "xray:GetSamplingRules", "xray:GetSamplingTargets"],
                resources=["*"]),  # X-Ray has no resource-level permissions
        ]
        return stmts

    def _wire_function(self, info: FunctionInfo) -> None:
        cfn = self.include.get_resource(info.logical_id)
        role = iam.Role(self, f"{info.logical_id}Role", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                        description=f"Gonghui {self.target.stage} {info.logical_id} ({info.feature})",
                        inline_policies={"access": iam.PolicyDocument(statements=self._statements(info))})
        cfn.add_property_override("Role", role.role_arn)
        cfn.add_property_override("Layers", [self.layer.layer_version_arn])
        # (Overrides, not template edits: CfnInclude's SAM schema lacks these properties.)
        events = self.packaged.sam["Resources"][info.logical_id]["Properties"].get("Events") or {}
        for event_name, event in events.items():
            if event["Type"] == "SQS":
                path = f"Events.{event_name}.Properties"
                # Partial batch responses: handlers return batchItemFailures (platform.batch).
                cfn.add_property_override(f"{path}.FunctionResponseTypes", ["ReportBatchItemFailures"])
                if OUTSIDE_CALLER.search(info.logical_id):
                    cfn.add_property_override(f"{path}.ScalingConfig",
                                              {"MaximumConcurrency": OUTSIDE_CALLER_CONCURRENCY})
        if info.kind in ("schedule", "s3"):
            # Invoked asynchronously: after the retries the event goes to a queue (and its
            # alarm), not nowhere.
            cfn.add_property_override("EventInvokeConfig", {
                "MaximumRetryAttempts": ASYNC_RETRIES,
                "DestinationConfig": {"OnFailure": {
                    "Type": "SQS", "Destination": _queue_arn(f"{self.target.prefix}-{ASYNC_FAILURES}")}}})
        # The function waits for its role's policy (attached with the role, not after it).
        logs.LogGroup(
            self, f"{info.logical_id}Logs", log_group_name=f"/aws/lambda/{cfn.ref}",
            # China: keep network logs at least six months (网络安全法 第二十一条).
            retention=logs.RetentionDays.ONE_YEAR if self.target.is_prod else logs.RetentionDays.ONE_MONTH,
            removal_policy=self.removal,
        )
        _alarm(self, f"{info.logical_id}ErrorsAlarm", self.topic,
               name=f"{self.target.prefix}-{info.logical_id}-errors", description=f"函数 {info.logical_id} 出错",
               metric=cloudwatch.Metric(namespace="AWS/Lambda", metric_name="Errors",
                                        dimensions_map={"FunctionName": cfn.ref},
                                        statistic="Sum", period=Duration.minutes(5)),
               threshold=1)

    # -- APIs ----------------------------------------------------------------------------------

    def _access_logs(self, construct_id: str, name: str) -> logs.LogGroup:
        return logs.LogGroup(
            self, construct_id, log_group_name=f"/aws/apigateway/{self.target.prefix}-{name}-access",
            # 网络安全法 第二十一条: network logs kept at least six months.
            retention=logs.RetentionDays.ONE_YEAR if self.target.is_prod else logs.RetentionDays.SIX_MONTHS,
            removal_policy=self.removal)

    def _wire_rest_api(self) -> None:
        api = self.include.get_resource("RestAPI")
        access = self._access_logs("RestAccessLogs", "rest")
        api.add_property_override("Name", f"{self.target.prefix}-api")
        api.add_property_override("GatewayResponses", gateway_responses())
        api.add_property_override("TracingEnabled", True)
        api.add_property_override("AccessLogSetting", {"DestinationArn": access.log_group_arn,
                                                       "Format": ACCESS_LOG_FORMAT})
        api.add_property_override("MethodSettings", [{
            "ResourcePath": "/*", "HttpMethod": "*", "MetricsEnabled": True, "LoggingLevel": "ERROR",
            "DataTraceEnabled": False,
            "ThrottlingRateLimit": API_RATE_LIMIT, "ThrottlingBurstLimit": API_BURST_LIMIT}])
        # API Gateway writes logs through the account's CloudWatch role (one per account and
        # region; set here so access logs work on a fresh account).
        role = iam.Role(self, "ApiGatewayLogsRole", assumed_by=iam.ServicePrincipal("apigateway.amazonaws.com"),
                        managed_policies=[iam.ManagedPolicy.from_managed_policy_arn(
                            self, "PushToLogs",
                            f"arn:{Aws.PARTITION}:iam::aws:policy/service-role/AmazonAPIGatewayPushToCloudWatchLogs")])
        account = apigateway.CfnAccount(self, "ApiGatewayAccount", cloud_watch_role_arn=role.role_arn)
        api.add_resource_dependency(account)  # type: ignore[arg-type]
        stage = "api"
        _alarm(self, "Api5xxAlarm", self.topic, name=f"{self.target.prefix}-api-5xx",
               description="接口 5XX 响应（网关或函数）",
               metric=cloudwatch.Metric(namespace="AWS/ApiGateway", metric_name="5XXError",
                                        dimensions_map={"ApiName": f"{self.target.prefix}-api", "Stage": stage},
                                        statistic="Sum", period=Duration.minutes(5)),
               threshold=5)
        _alarm(self, "AppServerErrorsAlarm", self.topic, name=f"{self.target.prefix}-app-server-errors",
               description="应用自身记录的服务器错误（HttpServerErrors 指标）",
               metric=cloudwatch.Metric(namespace="Gonghui", metric_name="HttpServerErrors",
                                        dimensions_map={"service": "gonghui"},
                                        statistic="Sum", period=Duration.minutes(5)),
               threshold=1)

    def _wire_websocket_api(self) -> None:
        stage = self.include.get_resource("WebsocketAPIStage")
        access = self._access_logs("WebsocketAccessLogs", "websocket")
        stage.add_property_override("AccessLogSettings", {"DestinationArn": access.log_group_arn,
                                                          "Format": WS_ACCESS_LOG_FORMAT})
        stage.add_property_override("DefaultRouteSettings", {
            "ThrottlingRateLimit": WS_RATE_LIMIT, "ThrottlingBurstLimit": WS_BURST_LIMIT})


class UploadsStack(Stack):
    """The uploads bucket (and its access-log bucket) with its notifications to the
    ``@on_s3_event`` functions, addressed by name; deployed after those functions."""

    def __init__(self, scope: Construct, target: Target, packaged: Packaged, **kwargs: Any) -> None:
        super().__init__(scope, f"{target.stage}-uploads",
                         **_stack_kwargs(target, "uploads", "uploads bucket"), **kwargs)
        self.target = target
        removal = RemovalPolicy.RETAIN if target.is_prod else RemovalPolicy.DESTROY
        access_logs = s3.Bucket(
            self, "UploadsAccessLogs", bucket_name=f"{target.bucket_name}-access-logs",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL, encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True, object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED, versioned=True,
            removal_policy=removal,
            # 网络安全法: network logs at least six months.
            lifecycle_rules=[s3.LifecycleRule(id="expire-logs", expiration=Duration.days(400),
                                              noncurrent_version_expiration=Duration.days(30))],
        )
        log_bucket_cfn: s3.CfnBucket = access_logs.node.default_child  # type: ignore[assignment]
        log_bucket_cfn.cfn_options.metadata = {"checkov": {"skip": [
            {"id": "CKV_AWS_18", "comment": "the access-log bucket itself: logging it would log its own logging"}]}}
        self.bucket = s3.Bucket(
            self, "Uploads",
            bucket_name=target.bucket_name,
            # Versioned: an overwritten or deleted upload can be recovered for 30 days.
            versioned=True,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=removal,
            server_access_logs_bucket=access_logs, server_access_logs_prefix="uploads/",
            cors=[s3.CorsRule(
                # Presigned POST from mini-programs (wx.uploadFile / my.uploadFile) and the H5 admin.
                allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                allowed_origins=["*"], allowed_headers=["*"], exposed_headers=["ETag"], max_age=3000,
            )],
            lifecycle_rules=[
                s3.LifecycleRule(id="incoming-expiry", prefix=INCOMING_PREFIX, expiration=Duration.days(2),
                                 abort_incomplete_multipart_upload_after=Duration.days(1)),
                s3.LifecycleRule(id="abort-multipart", abort_incomplete_multipart_upload_after=Duration.days(7),
                                 noncurrent_version_expiration=Duration.days(30)),
            ],
        )
        self._wire_notifications(packaged.s3)
        CfnOutput(self, "UploadsBucketName", value=self.bucket.bucket_name)

    def _wire_notifications(self, subs: list[S3Subscription]) -> None:
        configs = []
        for sub in subs:
            if sub.bucket != self.target.bucket_name:
                raise ValueError(f"{sub.function}: on_s3_event only works on the uploads bucket "
                                 f"{self.target.bucket_name!r}, not {sub.bucket!r}")
            rules = [{"Name": n, "Value": v} for n, v in (("prefix", sub.prefix), ("suffix", sub.suffix)) if v]
            for event in sub.events:
                config: dict[str, Any] = {"Event": event, "Function": _arn(
                    "lambda", f"function:{function_name(self.target, sub.function)}")}
                if rules:
                    config["Filter"] = {"S3Key": {"Rules": rules}}
                configs.append(config)
        if configs:
            bucket_cfn: s3.CfnBucket = self.bucket.node.default_child  # type: ignore[assignment]
            bucket_cfn.add_property_override("NotificationConfiguration.LambdaConfigurations", configs)


def _sub_arn(service: str, resource: str) -> str:
    """ARN text for ``Fn::Sub`` inside the SAM template (pseudo parameters as ``${...}``)."""
    return f"arn:${{AWS::Partition}}:{service}:${{AWS::Region}}:${{AWS::AccountId}}:{resource}"


def _sam_refs(node: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                found.add(value[0] if isinstance(value, list) else str(value).split(".")[0])
            elif key == "Fn::Sub":
                text = value if isinstance(value, str) else value[0]
                found |= {m.split(".")[0] for m in re.findall(r"\$\{([^}!:][^}]*)\}", text)}
                if not isinstance(value, str):
                    found |= _sam_refs(value[1:])
            else:
                found |= _sam_refs(value)
    elif isinstance(node, list):
        for item in node:
            found |= _sam_refs(item)
    return found
