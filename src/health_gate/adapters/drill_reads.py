"""What a drill reads back to prove each step: the retrier's record (DynamoDB GetItem), the
stack's outputs (CloudFormation DescribeStacks), and the retrier's dead-letter queue depth."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from health_gate.adapters.aws_errors import (
    AWS_ERRORS,
    CREDENTIAL_ERRORS,
    credentials_missing,
    describe,
)
from health_gate.errors import ConfigurationError, SystemUnavailable
from health_gate.pipeline.drill_checklist import RecordView
from health_gate.retry.blocked import record_key

if TYPE_CHECKING:
    from mypy_boto3_cloudformation import CloudFormationClient
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_sqs import SQSClient

__all__ = ["dead_letters", "read_record", "stack_outputs"]


def read_record(client: DynamoDBClient, table: str, pipeline: str, stage: str) -> RecordView | None:
    """The retrier's item for the stage (open or closed), strongly consistent."""
    try:
        item = client.get_item(
            TableName=table, Key={"pk": {"S": record_key(pipeline, stage)}}, ConsistentRead=True
        ).get("Item")
    except CREDENTIAL_ERRORS as err:
        raise credentials_missing(err) from err
    except AWS_ERRORS as err:
        raise SystemUnavailable(
            f"DynamoDB table {table} did not answer ({describe(err)})."
        ) from err
    if not item:
        return None
    notices = tuple(str(n.get("S", "")) for n in item.get("notices", {}).get("L", []))
    return RecordView(
        execution_id=str(item.get("executionId", {}).get("S", "")),
        state=str(item.get("state", {}).get("S", "open")),
        notices=notices,
        outcome=item.get("outcome", {}).get("S"),
    )


def stack_outputs(client: CloudFormationClient, stack: str) -> dict[str, str]:
    """OutputKey -> OutputValue of the gate's stack."""
    try:
        stacks = client.describe_stacks(StackName=stack)["Stacks"]
    except CREDENTIAL_ERRORS as err:
        raise credentials_missing(err) from err
    except ClientError as err:
        raise ConfigurationError(
            f"Cannot read the outputs of stack {stack} ({describe(err)}). Name the gate's stack "
            "with --stack, or give --function and --table."
        ) from err
    outputs: list[Any] = stacks[0].get("Outputs", []) if stacks else []
    return {str(o["OutputKey"]): str(o["OutputValue"]) for o in outputs}


def dead_letters(client: SQSClient, queue_url: str) -> int | None:
    """Messages waiting in the retrier's dead-letter queue; None when it cannot be read."""
    try:
        answer = client.get_queue_attributes(
            QueueUrl=queue_url, AttributeNames=["ApproximateNumberOfMessages"]
        )
    except (*AWS_ERRORS, *CREDENTIAL_ERRORS):
        return None
    return int(answer.get("Attributes", {}).get("ApproximateNumberOfMessages", "0"))
