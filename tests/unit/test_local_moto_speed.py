"""The local stack's moto speed-ups keep DynamoDB's answers: a cancelled transaction leaves
every item and the table's stream as they were (only the items it names are put back), and
a ConditionCheck, which writes nothing, is never "restored" over a concurrent change."""
from __future__ import annotations

import boto3
import pytest
from moto import mock_aws

from local import moto_speed


@pytest.fixture
def table():
    moto_speed.cheap_transaction_rollback()  # as tests/conftest.py and the local stack apply it
    with mock_aws():
        ddb = boto3.client("dynamodb", region_name="cn-north-1")
        ddb.create_table(TableName="t", BillingMode="PAY_PER_REQUEST",
                         KeySchema=[{"AttributeName": "k", "KeyType": "HASH"}],
                         AttributeDefinitions=[{"AttributeName": "k", "AttributeType": "S"}],
                         StreamSpecification={"StreamEnabled": True, "StreamViewType": "NEW_AND_OLD_IMAGES"})
        ddb.put_item(TableName="t", Item={"k": {"S": "counter"}, "n": {"N": "1"}})
        ddb.put_item(TableName="t", Item={"k": {"S": "gate"}, "open": {"BOOL": False}})
        yield ddb


def _stream_records(ddb) -> int:
    from moto.core import DEFAULT_ACCOUNT_ID
    from moto.dynamodb.models import dynamodb_backends

    return len(dynamodb_backends[DEFAULT_ACCOUNT_ID]["cn-north-1"].tables["t"].stream_shard.items)


def test_a_cancelled_transaction_changes_no_item_and_adds_no_stream_record(table):
    before = _stream_records(table)
    with pytest.raises(table.exceptions.TransactionCanceledException):
        table.transact_write_items(TransactItems=[
            {"Update": {"TableName": "t", "Key": {"k": {"S": "counter"}}, "UpdateExpression": "ADD n :one",
                        "ExpressionAttributeValues": {":one": {"N": "1"}}}},
            {"Put": {"TableName": "t", "Item": {"k": {"S": "new"}}}},
            {"ConditionCheck": {"TableName": "t", "Key": {"k": {"S": "gate"}},
                                "ConditionExpression": "#o = :yes", "ExpressionAttributeNames": {"#o": "open"},
                                "ExpressionAttributeValues": {":yes": {"BOOL": True}}}},
        ])
    assert table.get_item(TableName="t", Key={"k": {"S": "counter"}})["Item"]["n"] == {"N": "1"}
    assert "Item" not in table.get_item(TableName="t", Key={"k": {"S": "new"}})
    assert table.get_item(TableName="t", Key={"k": {"S": "gate"}})["Item"]["open"] == {"BOOL": False}
    assert _stream_records(table) == before


def test_a_transaction_whose_checks_pass_writes_everything(table):
    table.transact_write_items(TransactItems=[
        {"Update": {"TableName": "t", "Key": {"k": {"S": "counter"}}, "UpdateExpression": "ADD n :one",
                    "ExpressionAttributeValues": {":one": {"N": "1"}}}},
        {"ConditionCheck": {"TableName": "t", "Key": {"k": {"S": "gate"}},
                            "ConditionExpression": "#o = :no", "ExpressionAttributeNames": {"#o": "open"},
                            "ExpressionAttributeValues": {":no": {"BOOL": False}}}},
    ])
    assert table.get_item(TableName="t", Key={"k": {"S": "counter"}})["Item"]["n"] == {"N": "2"}
