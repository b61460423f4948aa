"""Which records to retry: one answer per distinct configuration, all must be clear."""

from __future__ import annotations

from datetime import UTC, datetime

from health_gate.config.settings import GateSettings
from health_gate.config.user_parameters import load_settings
from health_gate.errors import GateError, HealthUnavailable
from health_gate.retry.blocked import BlockedExecution
from health_gate.retry.plan import configurations, plan_retries
from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.events import HealthEvent
from tests.fakes.regions import KNOWN_REGIONS

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
US = '{"regions": ["us-east-1"]}'
US_AGAIN = '{"regions": ["us-east-1"], "onHealthApiError": "fail"}'  # same question
EU = '{"regions": ["eu-west-1"]}'
EVENT = HealthEvent(
    "arn:aws:health:us-east-1::event/EC2/X/X_1", "EC2", "X", "issue", "us-east-1", "open"
)


def record(stage: str, *user_parameters: str) -> BlockedExecution:
    return BlockedExecution(
        pipeline="web-app",
        stage=stage,
        execution_id="1d247af2-7eb3-4569-aeda-41416e2a81c5",
        attempt_ids=(f"run-{stage}",),
        started=NOW,
        blocked_at=NOW,
        user_parameters=user_parameters,
    )


def load(text: str) -> GateSettings:
    return load_settings(text, {}, KNOWN_REGIONS)


def test_records_sharing_a_question_share_one_configuration() -> None:
    # Given three records, two of which ask the same question in different words
    records = [record("A", US), record("B", US_AGAIN), record("C", EU)]
    # When their configurations are loaded
    found = configurations(records, load)
    # Then there are two questions to ask, not three
    assert len(found.settings) == 2
    assert found.key_of[US] == found.key_of[US_AGAIN]


def test_clear_records_are_retried_and_blocked_ones_kept() -> None:
    # Given us-east-1 is still blocked and eu-west-1 is clear
    records = [record("A", US), record("C", EU)]
    found = configurations(records, load)
    answers = {
        found.key_of[US]: Decision(Verdict.BLOCKED, blocking=(EVENT,)),
        found.key_of[EU]: Decision(Verdict.HEALTHY),
    }
    # When the plan is made
    plan = plan_retries(records, found, answers)
    # Then only the clear one is retried, and the other says why it waits
    assert [r.stage for r in plan.retry] == ["C"]
    assert [(r.stage, why) for r, why in plan.keep] == [("A", f"still blocked by {EVENT.arn}")]


def test_a_stage_with_two_gates_waits_for_both() -> None:
    # Given a record with both configurations, only one of them clear
    records = [record("A", US, EU)]
    found = configurations(records, load)
    answers = {
        found.key_of[US]: Decision(Verdict.HEALTHY),
        found.key_of[EU]: Decision(Verdict.BLOCKED, blocking=(EVENT,)),
    }
    # Then it is kept
    assert plan_retries(records, found, answers).retry == ()


def test_unknown_or_failed_answers_are_not_evidence_of_recovery() -> None:
    records = [record("A", US), record("C", EU)]
    found = configurations(records, load)
    answers: dict[tuple[object, ...], Decision | GateError] = {
        found.key_of[US]: Decision(Verdict.UNKNOWN, warning="Health API down"),
        found.key_of[EU]: HealthUnavailable("AWS Health did not answer"),
    }
    plan = plan_retries(records, found, answers)
    assert plan.retry == ()
    assert [why for _, why in plan.keep] == [
        "health unknown: Health API down",
        "health check failed: AWS Health did not answer",
    ]


def test_a_configuration_that_no_longer_loads_keeps_its_record() -> None:
    # Given a record whose UserParameters the current code rejects
    records = [record("A", '{"regionz": ["us-east-1"]}')]
    # Then the record is kept, saying why, and nothing is asked about it
    found = configurations(records, load)
    plan = plan_retries(records, found, {})
    assert found.settings == {}
    assert plan.keep[0][1].startswith("configuration invalid: Invalid UserParameters")
