"""The retrier's two jobs over in-memory ports: register a verified block, sweep and retry."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from health_gate.config.settings import GateSettings
from health_gate.config.user_parameters import load_settings
from health_gate.errors import HealthUnavailable
from health_gate.retry.action_attempts import ActionAttempt, GateFunction
from health_gate.retry.messages import StageFailed
from health_gate.retry.outcomes import RetryKind, RetryResult
from health_gate.retry.ports import Retrier
from health_gate.retry.registration import register
from health_gate.retry.steps import Step
from health_gate.retry.sweep import sweep
from health_gate.verdict.decision import Decision, Verdict
from health_gate.verdict.events import HealthEvent
from tests.fakes.pipeline_runs import (
    EXECUTION,
    GATE_NAME,
    PIPELINE,
    STAGE,
    STALE_RETRY_CODES,
    STARTED,
    action_run,
    blocked_run,
)
from tests.fakes.regions import KNOWN_REGIONS
from tests.fakes.retrier_fakes import MemoryRegistry, RecordingNotifier, ScriptedPipelines

NOW = datetime(2026, 11, 23, 14, 7, tzinfo=UTC)
LATER = NOW + timedelta(hours=1)
OTHER_EXECUTION = "aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee"
EVENT = HealthEvent(
    "arn:aws:health:us-east-1::event/EC2/X/X_1", "EC2", "X", "issue", "us-east-1", "open"
)


class Judge:
    """Counts health checks; answers blocked until `clear` is set."""

    def __init__(self) -> None:
        self.calls: list[GateSettings] = []
        self.clear = False
        self.error: Exception | None = None

    def __call__(self, settings: GateSettings) -> Decision:
        self.calls.append(settings)
        if self.error:
            raise self.error
        if self.clear:
            return Decision(Verdict.HEALTHY)
        return Decision(Verdict.BLOCKED, blocking=(EVENT,))


@pytest.fixture
def pipelines() -> ScriptedPipelines:
    return ScriptedPipelines(runs=[ActionAttempt.from_api(blocked_run(attempt_id="run-1"))])


@pytest.fixture
def registry() -> MemoryRegistry:
    return MemoryRegistry()


@pytest.fixture
def notifier() -> RecordingNotifier:
    return RecordingNotifier()


@pytest.fixture
def retrier(
    pipelines: ScriptedPipelines, registry: MemoryRegistry, notifier: RecordingNotifier
) -> Retrier:
    return Retrier(GateFunction(GATE_NAME), pipelines, registry, notifier, "us-east-1", 5, load)


def failure(execution_id: str = EXECUTION) -> StageFailed:
    return StageFailed(PIPELINE, execution_id, STAGE, "eventbridge", "x")


def load(text: str) -> GateSettings:
    return load_settings(text, {}, KNOWN_REGIONS)


def run_sweep(retrier: Retrier, judge: Callable[[GateSettings], Decision]) -> list[Step]:
    return list(sweep(retrier, judge, LATER))


def outcomes(registry: MemoryRegistry) -> list[str | None]:
    """Each record's outcome: None while open, else what closed it (a tombstone)."""
    return [row.closed for row in registry.rows.values()]


def actions(steps: list[Step]) -> list[str]:
    return [step.kind.value for step in steps]


# --- registration -----------------------------------------------------------------------------


def test_gate_failure_is_registered_and_announced(
    retrier: Retrier, registry: MemoryRegistry, notifier: RecordingNotifier
) -> None:
    # When the stage-failed message for a blocked execution arrives
    steps = register(retrier, failure(), NOW)
    # Then the execution is recorded, and the team is told once
    assert actions(steps) == ["new", "notified"]
    assert [r.execution_id for r in registry.blocked(NOW)] == [EXECUTION]
    assert [n.event_type for n in notifier.sent] == ["HealthGateBlocked"]


def test_duplicate_delivery_registers_and_announces_once(
    retrier: Retrier, notifier: RecordingNotifier
) -> None:
    register(retrier, failure(), NOW)
    # When SNS delivers the same message again
    steps = register(retrier, failure(), NOW + timedelta(seconds=5))
    # Then nothing changes
    assert actions(steps) == ["duplicate"]
    assert len(notifier.sent) == 1


def test_newer_execution_replaces_and_late_older_one_does_not(
    retrier: Retrier, pipelines: ScriptedPipelines, registry: MemoryRegistry
) -> None:
    # Given a newer execution of the stage was also blocked
    newer = blocked_run(execution_id=OTHER_EXECUTION, started=STARTED + timedelta(minutes=30))
    pipelines.runs.append(ActionAttempt.from_api(newer))
    # When the newer one arrives first, and then the late older one
    first = register(retrier, failure(OTHER_EXECUTION), NOW)
    late = register(retrier, failure(EXECUTION), NOW)
    # Then the newer execution stays recorded
    assert actions(first)[0] == "new" and actions(late) == ["outdated"]
    assert [r.execution_id for r in registry.blocked(NOW)] == [OTHER_EXECUTION]
    # And in the usual order, the newer one replaces the older
    registry.rows.clear()
    register(retrier, failure(EXECUTION), NOW)
    assert actions(register(retrier, failure(OTHER_EXECUTION), NOW))[0] == "replaced"


def test_non_gate_failure_is_not_registered(
    retrier: Retrier, pipelines: ScriptedPipelines, registry: MemoryRegistry
) -> None:
    pipelines.runs = [ActionAttempt.from_api(action_run(status="Failed", function_name="other"))]
    steps = register(retrier, failure(), NOW)
    assert actions(steps) == ["not-blocked"]
    assert registry.rows == {}


def test_missing_pipeline_is_not_registered(
    retrier: Retrier, pipelines: ScriptedPipelines, registry: MemoryRegistry
) -> None:
    pipelines.missing = True
    assert actions(register(retrier, failure(), NOW)) == ["pipeline-missing"]
    assert registry.rows == {}


def test_pipeline_outside_the_retryable_ones_is_not_registered(
    retrier: Retrier, pipelines: ScriptedPipelines, registry: MemoryRegistry
) -> None:
    # Given RetryablePipelines leaves this pipeline out, so its runs may not even be listed
    pipelines.denied = True
    # Then its failure is logged and ignored, not retried by Lambda into the DLQ
    assert actions(register(retrier, failure(), NOW)) == ["not-permitted"]
    assert registry.rows == {}


# --- sweeping ---------------------------------------------------------------------------------


def test_still_open_incident_retries_nothing(
    retrier: Retrier, pipelines: ScriptedPipelines, registry: MemoryRegistry
) -> None:
    register(retrier, failure(), NOW)
    steps = run_sweep(retrier, Judge())
    assert actions(steps) == ["kept"]
    assert steps[0].reason == f"still blocked by {EVENT.arn}"
    assert pipelines.retried == []
    assert len(registry.rows) == 1


def test_resolved_incident_retries_deletes_and_announces(
    retrier: Retrier,
    pipelines: ScriptedPipelines,
    registry: MemoryRegistry,
    notifier: RecordingNotifier,
) -> None:
    register(retrier, failure(), NOW)
    judge = Judge()
    judge.clear = True
    steps = run_sweep(retrier, judge)
    assert actions(steps) == ["retried", "notified"]
    assert pipelines.retried == [(PIPELINE, STAGE, EXECUTION)]
    assert outcomes(registry) == ["retried"]
    assert [n.event_type for n in notifier.sent] == ["HealthGateBlocked", "HealthGateResumed"]
    # And a replayed stage-failed message now registers nothing: the latest run is the retry
    assert actions(register(retrier, failure(), LATER)) == ["not-blocked"]
    assert outcomes(registry) == ["retried"]


@pytest.mark.parametrize("code", STALE_RETRY_CODES)
def test_stale_record_is_deleted(
    code: str,
    retrier: Retrier,
    pipelines: ScriptedPipelines,
    registry: MemoryRegistry,
    notifier: RecordingNotifier,
) -> None:
    register(retrier, failure(), NOW)
    pipelines.retry_results = [RetryResult(RetryKind.STALE, code, "no")]
    judge = Judge()
    judge.clear = True
    steps = run_sweep(retrier, judge)
    assert actions(steps) == ["stale", "notified"]
    assert steps[0].reason == f"{code}: no"
    assert outcomes(registry) == ["stale"]
    assert notifier.sent[-1].event_type == "HealthGateStale"


def test_busy_stage_keeps_the_record_for_the_next_sweep(
    retrier: Retrier, pipelines: ScriptedPipelines, registry: MemoryRegistry
) -> None:
    register(retrier, failure(), NOW)
    pipelines.retry_results = [RetryResult(RetryKind.BUSY, "ConflictException", "busy")]
    judge = Judge()
    judge.clear = True
    assert actions(run_sweep(retrier, judge)) == ["busy"]
    assert len(registry.rows) == 1
    # And the lease was given back: the next sweep retries at once
    assert actions(run_sweep(retrier, judge)) == ["retried", "notified"]


def test_a_stage_that_changed_since_is_never_retried(
    retrier: Retrier, pipelines: ScriptedPipelines, registry: MemoryRegistry
) -> None:
    # Given someone retried by hand: the gate passed, then another action failed on its own
    register(retrier, failure(), NOW)
    later = STARTED + timedelta(minutes=20)
    pipelines.runs = [
        ActionAttempt.from_api(action_run(status="Succeeded", attempt_id="run-2", started=later)),
        ActionAttempt.from_api(
            action_run(status="Failed", action="Deploy", function_name="deployer", started=later)
        ),
        *pipelines.runs,
    ]
    judge = Judge()
    judge.clear = True
    # When the incident resolves
    steps = run_sweep(retrier, judge)
    # Then the record is dropped without calling RetryStageExecution
    assert actions(steps) == ["stale", "notified"]
    assert "the stage changed since it was blocked" in steps[0].reason
    assert pipelines.retried == []
    assert outcomes(registry) == ["stale"]


def test_a_claimed_record_is_not_retried_twice(
    retrier: Retrier, pipelines: ScriptedPipelines, registry: MemoryRegistry
) -> None:
    register(retrier, failure(), NOW)
    # Given another invocation holds the record's lease
    held = registry.claim(registry.blocked(NOW)[0], LATER)
    assert held is not None
    judge = Judge()
    judge.clear = True
    # Then this sweep leaves it alone
    assert actions(run_sweep(retrier, judge)) == ["claimed-elsewhere"]
    assert pipelines.retried == []


def test_one_health_check_serves_records_sharing_a_configuration(
    retrier: Retrier, pipelines: ScriptedPipelines
) -> None:
    # Given five blocked pipelines whose gates ask the same question
    pipelines.runs = []
    for n in range(5):
        execution = f"{n:08d}-bbbb-4ccc-8ddd-eeeeeeeeeeee"
        pipelines.runs.append(
            ActionAttempt.from_api(blocked_run(execution_id=execution, stage=f"S{n}"))
        )
        register(retrier, StageFailed(PIPELINE, execution, f"S{n}", "codestar", "x"), NOW)
    judge = Judge()
    # When a sweep runs
    steps = run_sweep(retrier, judge)
    # Then AWS Health is asked once
    assert len(judge.calls) == 1
    assert actions(steps) == ["kept"] * 5


def test_health_source_failure_keeps_every_record(
    retrier: Retrier, pipelines: ScriptedPipelines, registry: MemoryRegistry
) -> None:
    register(retrier, failure(), NOW)
    judge = Judge()
    judge.error = HealthUnavailable("AWS Health did not answer")
    steps = run_sweep(retrier, judge)
    assert actions(steps) == ["kept"]
    assert pipelines.retried == [] and len(registry.rows) == 1


def test_notification_failure_does_not_undo_the_retry(
    retrier: Retrier, pipelines: ScriptedPipelines, notifier: RecordingNotifier
) -> None:
    register(retrier, failure(), NOW)
    notifier.fail = True
    judge = Judge()
    judge.clear = True
    steps = run_sweep(retrier, judge)
    assert actions(steps) == ["retried", "notify-failed"]
    assert len(pipelines.retried) == 1


# --- replays, lifetime, honest outcomes, operator controls (issue 11) -------------------------


def clear() -> Judge:
    judge = Judge()
    judge.clear = True
    return judge


def test_a_replay_after_the_retry_neither_registers_nor_retries_nor_notifies(
    retrier: Retrier, pipelines: ScriptedPipelines, notifier: RecordingNotifier
) -> None:
    # Given a block that was retried, after which the retried gate run failed for another
    # reason, so the stage's latest gate run is not a block any more
    register(retrier, failure(), NOW)
    run_sweep(retrier, clear())
    pipelines.runs = [r for r in pipelines.runs if r.attempt_id == "run-1"]  # the listing lags
    sent = len(notifier.sent)
    # When the original stage-failed message is delivered again, in any order with sweeps
    steps = register(retrier, failure(), LATER)
    more = run_sweep(retrier, clear())
    # Then nothing is recorded, retried or said again
    assert actions(steps) == ["ended"] and more == []
    assert len(pipelines.retried) == 1 and len(notifier.sent) == sent


def test_a_superseded_execution_is_never_brought_back(
    retrier: Retrier, pipelines: ScriptedPipelines, registry: MemoryRegistry
) -> None:
    register(retrier, failure(), NOW)
    newer = blocked_run(
        execution_id=OTHER_EXECUTION, attempt_id="run-9", started=STARTED + timedelta(hours=1)
    )
    pipelines.runs.append(ActionAttempt.from_api(newer))
    assert actions(register(retrier, failure(OTHER_EXECUTION), NOW))[0] == "replaced"
    assert actions(register(retrier, failure(), LATER)) == ["outdated"]


def test_a_gate_run_older_than_the_lifetime_is_not_recorded(
    retrier: Retrier, registry: MemoryRegistry, notifier: RecordingNotifier
) -> None:
    steps = register(retrier, failure(), STARTED + retrier.lifetime + timedelta(seconds=1))
    assert actions(steps) == ["too-old"]
    assert registry.rows == {} and notifier.sent == []


def test_a_record_at_the_end_of_its_lifetime_says_so_once(
    retrier: Retrier, registry: MemoryRegistry, notifier: RecordingNotifier
) -> None:
    # Given a block whose incident never ends
    register(retrier, failure(), NOW)
    end = STARTED + retrier.lifetime
    # When sweeps run just before, at, and after its logical end (DynamoDB's TTL comes later)
    before = list(sweep(retrier, Judge(), end - timedelta(minutes=1)))
    at_end = list(sweep(retrier, Judge(), end))
    after = list(sweep(retrier, Judge(), end + timedelta(minutes=5)))
    # Then it is kept until then, and then closed with one "expired: retry by hand" notice
    assert actions(before) == ["kept"]
    assert actions(at_end) == ["expired", "notified"] and after == []
    assert notifier.sent[-1].event_type == "HealthGateExpired"
    assert "retry by hand" in notifier.sent[-1].title
    assert outcomes(registry) == ["expired"]


def test_a_crash_after_the_retry_still_reports_resumed(
    retrier: Retrier, pipelines: ScriptedPipelines, notifier: RecordingNotifier
) -> None:
    # Given a sweep that asked CodePipeline to retry, and died before closing the record
    register(retrier, failure(), NOW)
    record = retrier.registry.blocked(NOW)[0]
    claim = retrier.registry.claim(record, NOW)
    assert claim is not None and retrier.registry.mark_retry(claim, NOW)
    pipelines.retry_stage(PIPELINE, STAGE, EXECUTION)  # the call went through
    # When the next sweep comes, after the lease ran out
    steps = run_sweep(retrier, clear())
    # Then it sees the stage running again and says "resumed", without retrying again
    assert actions(steps) == ["retried", "notified"]
    assert notifier.sent[-1].event_type == "HealthGateResumed"
    assert len(pipelines.retried) == 1


def test_a_stage_retried_by_hand_without_our_retry_is_stale_not_resumed(
    retrier: Retrier, pipelines: ScriptedPipelines
) -> None:
    register(retrier, failure(), NOW)
    pipelines.retry_stage(PIPELINE, STAGE, EXECUTION)  # someone pressed Retry
    steps = run_sweep(retrier, clear())
    assert actions(steps) == ["stale", "notified"]


def test_auto_retry_off_tells_slack_and_never_retries(
    retrier: Retrier, pipelines: ScriptedPipelines, notifier: RecordingNotifier
) -> None:
    params = '{"regions": ["us-east-1"], "autoRetry": false}'
    pipelines.runs = [
        ActionAttempt.from_api(blocked_run(attempt_id="run-1", user_parameters=params))
    ]
    assert actions(register(retrier, failure(), NOW)) == ["new", "notified"]
    assert "retry the stage by hand" in notifier.sent[0].next_steps[0]
    assert run_sweep(retrier, clear()) == [] and pipelines.retried == []
    assert actions(register(retrier, failure(), LATER)) == ["duplicate"]


@pytest.mark.parametrize(
    ("patterns", "allowed"),
    [(("*",), True), (("web-*",), True), (("prod-*", "web-app"), True), (("prod-*",), False)],
)
def test_retryable_pipelines_are_names_and_patterns(
    retrier: Retrier, pipelines: ScriptedPipelines, patterns: tuple[str, ...], allowed: bool
) -> None:
    limited = replace(retrier, retryable=patterns)
    steps = register(limited, failure(), NOW)
    assert (actions(steps)[0] == "new") is allowed
    if not allowed:
        assert actions(steps) == ["not-permitted"] and pipelines.listed == 0


def test_the_notices_sent_are_noted_on_the_record(
    retrier: Retrier, registry: MemoryRegistry
) -> None:
    register(retrier, failure(), NOW)
    run_sweep(retrier, clear())
    [row] = registry.rows.values()
    assert row.notices == ["HealthGateBlocked", "HealthGateResumed"]
