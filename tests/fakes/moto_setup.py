"""Set-up on moto's mock AWS shared by the adapter and handler tests."""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from moto.dynamodb.models import DynamoDBBackend

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient

__all__ = [
    "blocked_executions_table",
    "drain_chat",
    "serialise_dynamodb_updates",
    "subscribed_queue",
]


def serialise_dynamodb_updates(monkeypatch: pytest.MonkeyPatch) -> None:
    """DynamoDB applies each conditional write atomically; moto does not lock, so serialise it."""
    lock = threading.Lock()

    def atomic(method: Callable[..., Any]) -> Callable[..., Any]:
        @functools.wraps(method)
        def locked(*args: Any, **kwargs: Any) -> Any:
            with lock:
                return method(*args, **kwargs)

        return locked

    monkeypatch.setattr(DynamoDBBackend, "update_item", atomic(DynamoDBBackend.update_item))


def subscribed_queue(sns: SNSClient, sqs: Any, topic_arn: str, name: str = "chat") -> str:
    """An SQS queue subscribed to the topic with raw delivery, to read messages as published.

    Returns the queue URL. (`sqs` is untyped: no SQS stubs are installed.)
    """
    queue_url: str = sqs.create_queue(QueueName=name)["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])
    sns.subscribe(
        TopicArn=topic_arn,
        Protocol="sqs",
        Endpoint=queue_arn["Attributes"]["QueueArn"],
        Attributes={"RawMessageDelivery": "true"},
    )
    return queue_url


def blocked_executions_table(dynamodb: Any, table: str) -> None:
    """The retrier's table as template.yaml declares it: `pk` (string), on demand."""
    dynamodb.create_table(
        TableName=table,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )


def drain_chat(sqs: Any, queue_url: str, titles: list[str]) -> list[str]:
    """Event types of the Chatbot messages waiting in the queue (their titles go to `titles`),
    deleting them as they are read."""
    found: list[str] = []
    while True:
        batch = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10)
        if not batch.get("Messages"):
            return found
        for message in batch["Messages"]:
            body = json.loads(message["Body"])
            titles.append(body["content"]["title"])
            found.append(body["metadata"]["eventType"])
            sqs.delete_message(QueueUrl=queue_url, ReceiptHandle=message["ReceiptHandle"])
