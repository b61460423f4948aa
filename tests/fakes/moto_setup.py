"""Set-up on moto's mock AWS shared by the adapter and handler tests."""

from __future__ import annotations

import functools
import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import pytest
from moto.dynamodb.models import DynamoDBBackend

if TYPE_CHECKING:
    from mypy_boto3_sns import SNSClient

__all__ = ["serialise_dynamodb_updates", "subscribed_queue"]


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
