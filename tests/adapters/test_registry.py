"""DynamoBlockRegistry against moto's DynamoDB: every change is a conditional write."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

import boto3
import pytest
from botocore.stub import Stubber
from moto import mock_aws

from health_gate.adapters.registry import DynamoBlockRegistry
from health_gate.adapters.registry_items import to_item
from health_gate.errors import PermissionDenied, SystemUnavailable
from health_gate.pipeline.block_message import IncidentRef
from health_gate.retry.blocked import BlockedExecution, Claim
from health_gate.retry.outcomes import Registration
from tests.fakes.moto_setup import serialise_dynamodb_updates

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient

TABLE = "health-gate-BlockedExecutionsTable-TEST"
NOW = datetime(2026, 11, 23, 14, 7, tzinfo=UTC)
STARTED = datetime(2026, 11, 23, 14, 5, 12, 345000, tzinfo=UTC)
LIFETIME = timedelta(days=7)
RECORD = BlockedExecution(
    pipeline="web-app",
    stage="Deploy",
    execution_id="1d247af2-7eb3-4569-aeda-41416e2a81c5",
    attempt_ids=("a1b2c3d4-0000-4000-8000-000000000001",),
    started=STARTED,
    blocked_at=NOW,
    user_parameters=('{"regions": ["us-east-1", "global"]}',),
    incidents=(IncidentRef("arn:aws:health:us-east-1::event/EC2/X/X_1", "EC2", "X", "us-east-1"),),
    lifetime_ends=datetime(2026, 11, 30, 14, 5, 12, tzinfo=UTC),
)


def create_table(client: DynamoDBClient) -> None:
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "pk", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "pk", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    client.update_time_to_live(
        TableName=TABLE,
        TimeToLiveSpecification={"Enabled": True, "AttributeName": "expiresAt"},
    )


@pytest.fixture
def client(aws_credentials: None) -> Iterator[DynamoDBClient]:
    with mock_aws():
        dynamodb = boto3.client("dynamodb", region_name="us-east-1")
        create_table(dynamodb)
        yield dynamodb


@pytest.fixture
def registry(client: DynamoDBClient) -> DynamoBlockRegistry:
    return DynamoBlockRegistry(client, TABLE, lease=timedelta(minutes=2))


def newer(record: BlockedExecution, minutes: int = 30, **fields: Any) -> BlockedExecution:
    return replace(record, started=record.started + timedelta(minutes=minutes), **fields)


def test_a_record_round_trips(registry: DynamoBlockRegistry, client: DynamoDBClient) -> None:
    # When a blocked execution is registered
    assert registry.register(RECORD) is Registration.NEW
    # Then it reads back equal; DynamoDB's TTL comes a day after the record's logical end
    assert registry.blocked(NOW) == [RECORD]
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "web-app/Deploy"}})["Item"]
    assert RECORD.lifetime_ends is not None
    ends = int(RECORD.lifetime_ends.timestamp())
    assert int(item["lifetimeEndsAt"]["N"]) == ends
    assert int(item["expiresAt"]["N"]) == ends + 86_400


def test_a_duplicate_changes_nothing(registry: DynamoBlockRegistry) -> None:
    registry.register(RECORD)
    again = replace(RECORD, blocked_at=NOW + timedelta(minutes=1))
    assert registry.register(again) is Registration.DUPLICATE
    assert registry.blocked(NOW) == [RECORD]


def test_newer_execution_replaces_and_late_older_one_does_not(
    registry: DynamoBlockRegistry,
) -> None:
    # Given the stage's execution was recorded, and a newer execution of it is blocked too
    later = newer(RECORD, execution_id="aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee", attempt_ids=("b",))
    registry.register(RECORD)
    # When the newer one arrives, Then it replaces the older
    assert registry.register(later) is Registration.REPLACED
    # When a late message about the older one arrives, Then it changes nothing
    assert registry.register(RECORD) is Registration.OUTDATED
    assert registry.blocked(NOW) == [later]


def test_a_record_past_its_lifetime_is_still_listed_until_its_ttl(
    registry: DynamoBlockRegistry,
) -> None:
    # The sweep must see it to post its one "expired" notice; after the TTL, nothing reads it
    registry.register(RECORD)
    assert registry.blocked(NOW + LIFETIME + timedelta(hours=1)) == [RECORD]
    assert registry.blocked(NOW + LIFETIME + timedelta(days=2)) == []


def test_a_claim_is_exclusive_until_released_or_expired(registry: DynamoBlockRegistry) -> None:
    registry.register(RECORD)
    # Given one sweep claimed the record
    first = registry.claim(RECORD, NOW)
    assert first is not None
    # Then a second sweep cannot, until the first releases it
    assert registry.claim(RECORD, NOW + timedelta(seconds=30)) is None
    registry.release(first)
    second = registry.claim(RECORD, NOW + timedelta(seconds=31))
    assert second is not None
    # And a holder that crashed loses the claim when its lease ends
    assert registry.claim(RECORD, NOW + timedelta(minutes=3)) is not None


def test_close_needs_the_claim_and_leaves_a_tombstone(
    registry: DynamoBlockRegistry, client: DynamoDBClient
) -> None:
    registry.register(RECORD)
    claim = registry.claim(RECORD, NOW)
    assert claim is not None
    assert registry.close(Claim(RECORD, "not-the-token", claim.until), "retried") is False
    assert registry.close(claim, "retried") is True
    # Then it is no longer open, but kept: the same run can never be registered again
    assert registry.blocked(NOW) == []
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "web-app/Deploy"}})["Item"]
    assert (item["state"]["S"], item["outcome"]["S"]) == ("closed", "retried")
    assert "claimToken" not in item
    assert registry.register(RECORD) is Registration.ENDED
    assert registry.claim(RECORD, NOW + timedelta(hours=1)) is None
    # And a newer run of the gate (blocked again after the retry) is a new block
    assert registry.register(newer(RECORD, attempt_ids=("run-2",))) is Registration.NEW


def test_a_retry_is_noted_before_it_is_asked_for(registry: DynamoBlockRegistry) -> None:
    registry.register(RECORD)
    claim = registry.claim(RECORD, NOW)
    assert claim is not None
    assert registry.mark_retry(Claim(RECORD, "other", claim.until), NOW) is False
    assert registry.mark_retry(claim, NOW) is True
    registry.release(claim)
    [noted] = registry.blocked(NOW)
    assert noted.retry_requested_at == NOW


def test_notices_are_noted_on_the_record(
    registry: DynamoBlockRegistry, client: DynamoDBClient
) -> None:
    registry.register(RECORD)
    registry.note_notice(RECORD, "HealthGateBlocked")
    registry.note_notice(RECORD, "HealthGateResumed")
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "web-app/Deploy"}})["Item"]
    assert [n["S"] for n in item["notices"]["L"]] == ["HealthGateBlocked", "HealthGateResumed"]
    # A notice about another run of the stage leaves the record alone
    registry.note_notice(newer(RECORD, attempt_ids=("run-9",)), "HealthGateStale")
    item = client.get_item(TableName=TABLE, Key={"pk": {"S": "web-app/Deploy"}})["Item"]
    assert len(item["notices"]["L"]) == 2


def item_of(client: DynamoDBClient) -> dict[str, Any]:
    return client.get_item(TableName=TABLE, Key={"pk": {"S": "web-app/Deploy"}})["Item"]


def test_giving_up_closes_the_open_record_of_that_execution(
    registry: DynamoBlockRegistry, client: DynamoDBClient
) -> None:
    registry.register(RECORD)
    registry.note_notice(RECORD, "HealthGateBlocked")
    assert registry.give_up(RECORD, "drill-abandoned")
    item = item_of(client)
    assert (item["state"]["S"], item["outcome"]["S"]) == ("closed", "drill-abandoned")
    assert [n["S"] for n in item["notices"]["L"]] == ["HealthGateBlocked"]
    assert registry.blocked(NOW) == []
    assert registry.claim(RECORD, NOW) is None


def test_giving_up_ahead_of_the_message_leaves_a_tombstone(
    registry: DynamoBlockRegistry, client: DynamoDBClient
) -> None:
    # Given the stage-failure message has not arrived when the run is given up
    assert registry.give_up(RECORD, "drill-abandoned")
    assert item_of(client) == {
        **to_item(RECORD),
        "state": {"S": "closed"},
        "outcome": {"S": "drill-abandoned"},
    }
    # Then the late message cannot open it, but a newer run of the stage still can
    assert registry.register(RECORD) is Registration.ENDED
    assert registry.blocked(NOW) == []
    assert registry.register(newer(RECORD, execution_id="run-2")) is Registration.NEW


def test_giving_up_leaves_another_execution_or_a_closed_record_alone(
    registry: DynamoBlockRegistry, client: DynamoDBClient
) -> None:
    other = newer(RECORD, execution_id="9f0e1d2c-0000-4000-8000-000000000009")
    registry.register(other)
    assert not registry.give_up(RECORD, "drill-abandoned")
    assert item_of(client)["state"]["S"] == "open"
    assert registry.give_up(other, "drill-abandoned")
    assert not registry.give_up(other, "again")
    assert item_of(client)["outcome"]["S"] == "drill-abandoned"


def test_a_manual_record_is_kept_but_never_swept(registry: DynamoBlockRegistry) -> None:
    manual = replace(RECORD, auto_retry=False)
    assert registry.register(manual) is Registration.NEW
    assert registry.blocked(NOW) == []
    assert registry.register(manual) is Registration.DUPLICATE


def test_an_item_of_the_first_version_reads_as_an_open_record(
    registry: DynamoBlockRegistry, client: DynamoDBClient
) -> None:
    # Given an item written before records had a state and a logical end
    item = to_item(RECORD)
    del item["state"], item["lifetimeEndsAt"]
    client.put_item(TableName=TABLE, Item=item)
    # Then it is open, and its lifetime ends at its TTL
    [record] = registry.blocked(NOW)
    assert record.lifetime_ends == datetime.fromtimestamp(int(item["expiresAt"]["N"]), UTC)


def test_a_replaced_record_is_neither_claimed_nor_closed(registry: DynamoBlockRegistry) -> None:
    # Given a sweep claimed the record, and then a newer run of the gate replaced it
    registry.register(RECORD)
    claim = registry.claim(RECORD, NOW)
    assert claim is not None
    replacement = newer(RECORD, attempt_ids=("run-2",))
    assert registry.register(replacement) is Registration.REPLACED
    # Then the old claim closes nothing, and the old view of the record cannot be claimed
    assert registry.close(claim, "retried") is False
    assert registry.claim(RECORD, NOW) is None
    assert registry.blocked(NOW) == [replacement]


def test_concurrent_claims_give_one_winner(
    registry: DynamoBlockRegistry, monkeypatch: pytest.MonkeyPatch
) -> None:
    serialise_dynamodb_updates(monkeypatch)
    registry.register(RECORD)
    start = threading.Barrier(8)
    claims: list[Claim | None] = []

    def contender() -> None:
        start.wait()
        claims.append(registry.claim(RECORD, NOW))

    threads = [threading.Thread(target=contender) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len([c for c in claims if c is not None]) == 1


def test_errors_become_core_errors(client: DynamoDBClient) -> None:
    registry = DynamoBlockRegistry(client, TABLE)
    with Stubber(client) as stub:
        stub.add_client_error("put_item", "AccessDeniedException", http_status_code=400)
        stub.add_client_error("scan", "InternalServerError", http_status_code=500)
        with pytest.raises(PermissionDenied, match="may not use DynamoDB table"):
            registry.register(RECORD)
        with pytest.raises(SystemUnavailable, match="did not answer"):
            registry.blocked(NOW)
