"""The outbox's way to the bus in AWS: an EventBridge Pipe from the outbox table's DynamoDB
stream to the stage's event bus (``chalicelib/platform/outbox.py`` writes the items; the local
event pump reads the same stream the same way).

Only INSERT records pass the filter (a rewritten item or a TTL expiry is never an event). The
Pipe builds each event from the new image: source and detail-type from the item's attributes,
detail = the stored JSON text, so the bus gets exactly what ``events.publish`` would have put.
A record the bus refuses is retried, then parked in the dead-letter queue (alarmed like the
others); every consumer is idempotent on the event id, so a retried batch takes effect once.

Call ``add_outbox_pipe`` once per stack, with the outbox table built with
``stream=NEW_IMAGE`` (``describe_tables()`` gives ``"stream": "NEW_IMAGE"`` for it).
"""
from __future__ import annotations

from aws_cdk import Aws, Duration
from aws_cdk import aws_cloudwatch as cloudwatch
from aws_cdk import aws_cloudwatch_actions as cw_actions
from aws_cdk import aws_dynamodb as dynamodb
from aws_cdk import aws_iam as iam
from aws_cdk import aws_pipes as pipes
from aws_cdk import aws_sns as sns
from aws_cdk import aws_sqs as sqs
from constructs import Construct

NEW_IMAGE = "$.dynamodb.NewImage"


def add_outbox_pipe(scope: Construct, *, table: dynamodb.ITable, event_bus_name: str, prefix: str,
                    alarm_topic: sns.ITopic | None = None,
                    retention: Duration = Duration.days(14)) -> tuple[pipes.CfnPipe, sqs.Queue]:
    """The Pipe (stream → bus), its role, its dead-letter queue and the queue's alarm.
    Returns (pipe, dlq)."""
    if not table.table_stream_arn:
        raise ValueError("the outbox table needs a stream (NEW_IMAGE)")
    bus_arn = f"arn:{Aws.PARTITION}:events:{Aws.REGION}:{Aws.ACCOUNT_ID}:event-bus/{event_bus_name}"
    dlq = sqs.Queue(scope, "OutboxPipeDlq", queue_name=f"{prefix}-outbox-pipe-dlq", retention_period=retention,
                    enforce_ssl=True)
    # Inline, so the stack keeps no free-standing IAM policy resources.
    role = iam.Role(scope, "OutboxPipeRole", assumed_by=iam.ServicePrincipal("pipes.amazonaws.com"),
                    description="outbox stream to the event bus",
                    inline_policies={"outbox": iam.PolicyDocument(statements=[
                        iam.PolicyStatement(
                            actions=["dynamodb:DescribeStream", "dynamodb:GetRecords", "dynamodb:GetShardIterator",
                                     "dynamodb:ListStreams"],
                            resources=[table.table_stream_arn]),
                        iam.PolicyStatement(actions=["events:PutEvents"], resources=[bus_arn]),
                        iam.PolicyStatement(actions=["sqs:SendMessage"], resources=[dlq.queue_arn]),
                    ])})
    pipe = pipes.CfnPipe(
        scope, "OutboxPipe",
        name=f"{prefix}-outbox"[:64],
        description="domain event outbox to the event bus",
        role_arn=role.role_arn,
        source=table.table_stream_arn,
        source_parameters=pipes.CfnPipe.PipeSourceParametersProperty(
            dynamo_db_stream_parameters=pipes.CfnPipe.PipeSourceDynamoDBStreamParametersProperty(
                starting_position="TRIM_HORIZON", batch_size=10, maximum_batching_window_in_seconds=0,
                maximum_retry_attempts=20, maximum_record_age_in_seconds=86400,
                dead_letter_config=pipes.CfnPipe.DeadLetterConfigProperty(arn=dlq.queue_arn)),
            filter_criteria=pipes.CfnPipe.FilterCriteriaProperty(
                filters=[pipes.CfnPipe.FilterProperty(pattern='{"eventName": ["INSERT"]}')])),
        target=bus_arn,
        target_parameters=pipes.CfnPipe.PipeTargetParametersProperty(
            # The stored detail is JSON text: placed unquoted, it becomes the event's detail object.
            input_template=f"<{NEW_IMAGE}.detail.S>",
            event_bridge_event_bus_parameters=pipes.CfnPipe.PipeTargetEventBridgeEventBusParametersProperty(
                source=f"{NEW_IMAGE}.source.S", detail_type=f"{NEW_IMAGE}.detail_type.S")),
    )
    if alarm_topic is not None:
        alarm = cloudwatch.Alarm(
            scope, "OutboxPipeDlqAlarm", alarm_name=f"{prefix}-outbox-pipe-dlq-not-empty",
            alarm_description="发件箱事件未能送达事件总线（死信队列有消息）",
            metric=cloudwatch.Metric(namespace="AWS/SQS", metric_name="ApproximateNumberOfMessagesVisible",
                                     dimensions_map={"QueueName": dlq.queue_name},
                                     statistic="Maximum", period=Duration.minutes(5)),
            threshold=1, evaluation_periods=1,
            comparison_operator=cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
            treat_missing_data=cloudwatch.TreatMissingData.NOT_BREACHING)
        alarm.add_alarm_action(cw_actions.SnsAction(alarm_topic))
    return pipe, dlq
