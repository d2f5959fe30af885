"""The Gonghui stack: the Chalice app (packaged by ``chalice.cdk.Chalice``) and everything it
uses, all derived from the app's own definitions:

* tables from ``chalicelib.tables.describe_tables()`` (the PynamoDB models),
* queues, DLQs and EventBridge→queue rules from ``chalicelib.features.queue_specs()``,
* functions, SQS mappings, rules and schedules from the SAM template Chalice generates.

Nothing here is a hand-kept list of tables, queues or functions. Every ARN is built with the
partition pseudo parameter so the same code deploys to ``aws`` and ``aws-cn``.
"""
from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from aws_cdk import (
    Aws,
    CfnOutput,
    CfnResource,
    Duration,
    RemovalPolicy,
    Stack,
)
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_events as events
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_logs as logs
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sns_subscriptions as subscriptions
from aws_cdk import aws_sqs as sqs
from chalice.cdk import Chalice
from constructs import Construct

from chalicelib.platform.bucket import EXPIRING_PREFIX as INCOMING_PREFIX
from infra.target import Target

# Chalice must be told *some* role ARN when it does not manage the role; every function's
# Role is then overridden with the stack's own role (checked below: none may keep it).
ROLE_PLACEHOLDER = "GONGHUI_ROLE_SET_BY_INFRA"
SQS_FUNCTION_TIMEOUT_FACTOR = 6  # AWS: queue visibility timeout >= 6x the function timeout
DLQ_RETENTION = Duration.days(14)
SECRET_PARAMETERS = (
    "jwt-signing-key", "pii-key", "wechat-app-secret",
    "alipay-app-private-key", "alipay-public-key", "dingtalk-app-secret",
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


class GonghuiStack(Stack):
    """The whole backend for one stage. The construct id must be the Chalice stage name
    (``chalice.cdk.Chalice`` takes the stage from its scope's path)."""

    def __init__(self, scope: Construct, target: Target, **kwargs: Any) -> None:
        super().__init__(scope, target.stage, stack_name=target.stack_name,
                         description=f"数智工会 Gonghui backend ({target.stage})", **kwargs)
        from chalicelib import features
        from chalicelib.platform.settings import get_settings
        from chalicelib.tables import describe_tables

        settings = get_settings()
        if settings.stage != target.stage or settings.resource_prefix != target.prefix:
            raise RuntimeError("call infra.target.prepare_environment(target) before building the stack")
        self.target = target
        self.removal = RemovalPolicy.RETAIN if target.is_prod else RemovalPolicy.DESTROY

        self.alarm_topic = sns.Topic(self, "AlarmTopic", topic_name=f"{target.prefix}-alarms",
                                     display_name=f"Gonghui {target.stage} alarms")
        if target.alarm_email:
            self.alarm_topic.add_subscription(subscriptions.EmailSubscription(target.alarm_email))

        self.tables = {t["short"]: self._table(t) for t in describe_tables().values()}
        from chalicelib.platform.outbox import OUTBOX_TABLE_SHORT

        from .outbox import add_outbox_pipe

        add_outbox_pipe(self, table=self.tables[OUTBOX_TABLE_SHORT], event_bus_name=target.event_bus,
                        prefix=target.prefix, alarm_topic=self.alarm_topic)
        self.bucket = self._uploads_bucket()

        s3_subscriptions: list[S3Subscription] = []
        with _capture_s3_notifications(s3_subscriptions):
            self.chalice = Chalice(self, "Api", source_dir=str(target.project_dir),
                                   stage_config=self._chalice_stage_config())
        sam = json.loads((Path(self.chalice._sam_package_dir) / "sam.json").read_text())
        self.functions = _read_functions(sam)
        self.queue_specs = _unique_specs(features.queue_specs())
        self.queues: dict[str, sqs.Queue] = {}
        self.dlqs: dict[str, sqs.Queue] = {}
        for spec in self.queue_specs:
            self._queue(spec)
        self._wire_sqs_handlers()
        self._wire_s3_notifications(s3_subscriptions)
        self.role = self._function_role()
        for fn in self.functions.values():
            cfn = self.chalice.get_resource(fn.logical_id)
            cfn.add_property_override("Role", self.role.role_arn)
            self._log_group(fn)
            self._errors_alarm(fn)
        if "RestAPI" in sam["Resources"]:
            self.chalice.get_resource("RestAPI").add_property_override("GatewayResponses", gateway_responses())

        CfnOutput(self, "UploadsBucketName", value=self.bucket.bucket_name)
        CfnOutput(self, "AlarmTopicArn", value=self.alarm_topic.topic_arn)
        CfnOutput(self, "SecretParameters", value=",".join(f"{target.parameter_root}/{p}" for p in SECRET_PARAMETERS),
                  description="SecureString parameters operators create before first use (not created here)")

    # -- Chalice ---------------------------------------------------------------------------

    def _chalice_stage_config(self) -> dict[str, Any]:
        config: dict[str, Any] = {
            # Our role and policies, not Chalice's policy generator.
            "autogen_policy": False,
            "manage_iam_role": False,
            "iam_role_arn": ROLE_PLACEHOLDER,
            "environment_variables": self.target.app_environment(),
            # Dependencies in a Chalice-managed layer: cached by requirements.txt alone, so a
            # code change re-packages only the app (seconds, small upload), not 28 MB of wheels.
            "automatic_layer": True,
            # Not "log_retention_in_days": Chalice 1.34 then references the API handler's log
            # group as ${ApiHandler} after renaming it APIHandler; the stack makes the groups.
        }
        if self.target.is_china:
            # Edge-optimized endpoints do not exist in the China regions.
            config["api_gateway_endpoint_type"] = "REGIONAL"
        return config

    # -- DynamoDB --------------------------------------------------------------------------

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

    # -- SQS -------------------------------------------------------------------------------

    def _consumers(self, queue_name: str) -> list[SqsSubscription]:
        return [s for fn in self.functions.values() for s in fn.sqs if s.queue_name == queue_name]

    def _visibility_timeout(self, spec_timeout: int, queue_name: str) -> int:
        timeouts = [self.functions[s.function].timeout for s in self._consumers(queue_name)]
        return max([spec_timeout, *(SQS_FUNCTION_TIMEOUT_FACTOR * t for t in timeouts)])

    def _queue(self, spec: Any) -> None:
        base = "Queue" + "".join(part.capitalize() for part in re.split(r"[^A-Za-z0-9]+", spec.short))
        fifo = True if spec.fifo else None
        dedup = False if spec.fifo else None
        dlq = sqs.Queue(
            self, f"{base}Dlq", queue_name=spec.dlq_name, fifo=fifo, content_based_deduplication=dedup,
            retention_period=DLQ_RETENTION, encryption=sqs.QueueEncryption.SQS_MANAGED, enforce_ssl=True,
            visibility_timeout=Duration.seconds(self._visibility_timeout(spec.visibility_timeout, spec.dlq_name)),
        )
        queue = sqs.Queue(
            self, base, queue_name=spec.name, fifo=fifo, content_based_deduplication=dedup,
            retention_period=Duration.days(spec.retention_days), encryption=sqs.QueueEncryption.SQS_MANAGED,
            enforce_ssl=True,
            visibility_timeout=Duration.seconds(self._visibility_timeout(spec.visibility_timeout, spec.name)),
            dead_letter_queue=sqs.DeadLetterQueue(max_receive_count=spec.max_receive_count, queue=dlq),
        )
        self.queues[spec.name] = queue
        self.dlqs[spec.dlq_name] = dlq
        alarm = cloudwatch.Alarm(
            self, f"{base}DlqAlarm",
            alarm_name=f"{spec.dlq_name}-not-empty",
            alarm_description=f"死信队列 {spec.dlq_name} 有消息：{spec.description or spec.short}",
            metric=cloudwatch.Metric(namespace="AWS/SQS", metric_name="ApproximateNumberOfMessagesVisible",
                                     dimensions_map={"QueueName": dlq.queue_name},
                                     statistic="Maximum", period=Duration.minutes(5)),
            threshold=1, evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.alarm_topic))
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

    def _queue_by_name(self, name: str) -> sqs.Queue:
        found = self.queues.get(name) or self.dlqs.get(name)
        if found is None:
            known = sorted([*self.queues, *self.dlqs])
            raise ValueError(f"an SQS handler consumes {name!r}, which no QueueSpec defines (known: {known})")
        return found

    def _wire_sqs_handlers(self) -> None:
        for fn in self.functions.values():
            cfn = self.chalice.get_resource(fn.logical_id)
            for sub in fn.sqs:
                queue = self._queue_by_name(sub.queue_name)
                events_path = f"Events.{sub.event}.Properties"
                # Partial batch responses: handlers return batchItemFailures (platform.batch).
                cfn.add_property_override(f"{events_path}.FunctionResponseTypes", ["ReportBatchItemFailures"])
                # Chalice names the queue by ARN text only; reference the queue itself so the
                # mapping waits for it, and make the function depend on it explicitly too.
                cfn.add_property_override(f"{events_path}.Queue", queue.queue_arn)
                cfn.add_resource_dependency(queue.node.default_child)  # type: ignore[arg-type]

    # -- S3 --------------------------------------------------------------------------------

    def _uploads_bucket(self) -> s3.Bucket:
        return s3.Bucket(
            self, "Uploads",
            bucket_name=self.target.bucket_name,
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            object_ownership=s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
            removal_policy=self.removal,
            cors=[s3.CorsRule(
                # Presigned POST from mini-programs (wx.uploadFile / my.uploadFile) and the H5 admin.
                allowed_methods=[s3.HttpMethods.POST, s3.HttpMethods.PUT, s3.HttpMethods.GET, s3.HttpMethods.HEAD],
                allowed_origins=["*"], allowed_headers=["*"], exposed_headers=["ETag"], max_age=3000,
            )],
            lifecycle_rules=[
                s3.LifecycleRule(id="incoming-expiry", prefix=INCOMING_PREFIX, expiration=Duration.days(2),
                                 abort_incomplete_multipart_upload_after=Duration.days(1)),
                s3.LifecycleRule(id="abort-multipart", abort_incomplete_multipart_upload_after=Duration.days(7)),
            ],
        )

    def _bucket_arn(self, suffix: str = "") -> str:
        # Built from the name, not GetAtt: S3 notifications make the bucket depend on the
        # functions, and the functions' role must not depend on the bucket.
        return _arn("s3", f"{self.target.bucket_name}{suffix}", region=False, account=False)

    def _wire_s3_notifications(self, subs: list[S3Subscription]) -> None:
        configs = []
        bucket_cfn: s3.CfnBucket = self.bucket.node.default_child  # type: ignore[assignment]
        for i, sub in enumerate(subs):
            if sub.bucket != self.target.bucket_name:
                raise ValueError(f"{sub.function}: on_s3_event only works on the uploads bucket "
                                 f"{self.target.bucket_name!r}, not {sub.bucket!r}")
            fn = self.chalice.get_resource(sub.function)
            permission = lambda_.CfnPermission(
                self, f"S3Invoke{sub.function}{i}", action="lambda:InvokeFunction", function_name=fn.ref,
                principal="s3.amazonaws.com", source_account=Aws.ACCOUNT_ID, source_arn=self._bucket_arn())
            bucket_cfn.add_resource_dependency(permission)
            rules = [{"Name": n, "Value": v} for n, v in (("prefix", sub.prefix), ("suffix", sub.suffix)) if v]
            for event in sub.events:
                config: dict[str, Any] = {"Event": event, "Function": fn.get_att("Arn").to_string()}
                if rules:
                    config["Filter"] = {"S3Key": {"Rules": rules}}
                configs.append(config)
        if configs:
            bucket_cfn.add_property_override("NotificationConfiguration.LambdaConfigurations", configs)

    # -- IAM -------------------------------------------------------------------------------

    def _statements(self) -> list[iam.PolicyStatement]:
        stmts: list[iam.PolicyStatement] = []
        tables = list(self.tables.values())
        for i in range(0, len(tables), TABLES_PER_STATEMENT):
            stmts.append(iam.PolicyStatement(
                actions=["dynamodb:BatchGetItem", "dynamodb:BatchWriteItem", "dynamodb:ConditionCheckItem",
                         "dynamodb:DeleteItem", "dynamodb:DescribeTable", "dynamodb:GetItem",
                         "dynamodb:PutItem", "dynamodb:Query", "dynamodb:Scan", "dynamodb:UpdateItem"],
                resources=[arn for t in tables[i:i + TABLES_PER_STATEMENT]
                           for arn in (t.table_arn, f"{t.table_arn}/index/*")]))
        if self.queues:
            stmts.append(iam.PolicyStatement(
                actions=["sqs:SendMessage", "sqs:GetQueueUrl", "sqs:GetQueueAttributes"],
                resources=[q.queue_arn for q in self.queues.values()]))
        consumed = sorted({s.queue_name for fn in self.functions.values() for s in fn.sqs})
        if consumed:
            stmts.append(iam.PolicyStatement(
                actions=["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:ChangeMessageVisibility",
                         "sqs:GetQueueAttributes"],
                resources=[self._queue_by_name(n).queue_arn for n in consumed]))
        stmts += [
            iam.PolicyStatement(actions=["events:PutEvents"],
                                resources=[_arn("events", f"event-bus/{self.target.event_bus}")]),
            iam.PolicyStatement(actions=["s3:GetObject", "s3:PutObject", "s3:DeleteObject",
                                         "s3:AbortMultipartUpload"],
                                resources=[self._bucket_arn("/*")]),
            iam.PolicyStatement(actions=["s3:ListBucket"], resources=[self._bucket_arn()]),
            iam.PolicyStatement(
                actions=["ssm:GetParameter", "ssm:GetParameters", "ssm:GetParametersByPath"],
                resources=[_arn("ssm", f"parameter{self.target.parameter_root}"),
                           _arn("ssm", f"parameter{self.target.parameter_root}/*")]),
            iam.PolicyStatement(
                actions=["kms:Decrypt"], resources=[_arn("kms", "key/*")],
                conditions={"StringEquals": {"kms:ViaService": f"ssm.{Aws.REGION}.{Aws.URL_SUFFIX}"}}),
            iam.PolicyStatement(
                actions=["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"],
                resources=[_arn("logs", f"log-group:/aws/lambda/{Aws.STACK_NAME}-*"),
                           _arn("logs", f"log-group:/aws/lambda/{Aws.STACK_NAME}-*:*")]),
            iam.PolicyStatement(
                actions=["xray:PutTraceSegments", "xray:PutTelemetryRecords",
                         "xray:GetSamplingRules", "xray:GetSamplingTargets"],
                resources=["*"]),  # X-Ray has no resource-level permissions
        ]
        return stmts

    def _function_role(self) -> iam.Role:
        """One role for the Chalice functions, its policies attached *at* role creation
        (ManagedPolicyArns), so a function (and its SQS mapping) never exists without them."""
        chunks: list[list[iam.PolicyStatement]] = [[]]
        used = 0
        for stmt in self._statements():
            # Resolved ARNs are < 110 characters; IAM does not count whitespace.
            cost = 60 + sum(len(a) + 3 for a in stmt.actions) + 110 * len(stmt.resources)
            if chunks[-1] and used + cost > POLICY_BUDGET:
                chunks.append([])
                used = 0
            chunks[-1].append(stmt)
            used += cost
        policies = [iam.ManagedPolicy(self, f"FunctionPolicy{i}", statements=stmts,
                                      description=f"Gonghui {self.target.stage} functions ({i + 1}/{len(chunks)})")
                    for i, stmts in enumerate(chunks)]
        return iam.Role(self, "FunctionRole", assumed_by=iam.ServicePrincipal("lambda.amazonaws.com"),
                        description=f"Gonghui {self.target.stage} Chalice functions",
                        managed_policies=policies)

    # -- logs and alarms -------------------------------------------------------------------

    def _log_group(self, fn: PackagedFunction) -> None:
        cfn: CfnResource = self.chalice.get_resource(fn.logical_id)
        logs.LogGroup(
            self, f"{fn.logical_id}Logs", log_group_name=f"/aws/lambda/{cfn.ref}",
            # China: keep network logs at least six months (网络安全法 第二十一条).
            retention=logs.RetentionDays.ONE_YEAR if self.target.is_prod else logs.RetentionDays.ONE_MONTH,
            removal_policy=self.removal,
        )

    def _errors_alarm(self, fn: PackagedFunction) -> None:
        cfn: CfnResource = self.chalice.get_resource(fn.logical_id)
        alarm = cloudwatch.Alarm(
            self, f"{fn.logical_id}ErrorsAlarm",
            alarm_name=f"{self.target.prefix}-{fn.logical_id}-errors",
            alarm_description=f"函数 {fn.logical_id} 出错",
            metric=cloudwatch.Metric(namespace="AWS/Lambda", metric_name="Errors",
                                     dimensions_map={"FunctionName": cfn.ref},
                                     statistic="Sum", period=Duration.minutes(5)),
            threshold=1, evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING,
        )
        alarm.add_alarm_action(cw_actions.SnsAction(self.alarm_topic))

