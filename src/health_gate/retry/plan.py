"""Which recorded executions to retry, with one health check per distinct configuration.

Records are grouped by `GateSettings.query_key()`: every record whose gate asks the same
question shares one answer. A record is retried only when every gate action of its stage
would now pass; an unknown answer (health source down) is not evidence of recovery.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field

from health_gate.config.settings import GateSettings
from health_gate.errors import GateError
from health_gate.retry.blocked import BlockedExecution
from health_gate.verdict.decision import Decision, Verdict

__all__ = ["Configurations", "RetryPlan", "configurations", "plan_retries"]

QueryKey = tuple[object, ...]


@dataclass(frozen=True)
class Configurations:
    """The distinct questions to ask, and which UserParameters ask each."""

    settings: dict[QueryKey, GateSettings] = field(default_factory=dict)
    key_of: dict[str, QueryKey] = field(default_factory=dict)
    invalid: dict[str, str] = field(default_factory=dict)  # UserParameters -> error


@dataclass(frozen=True)
class RetryPlan:
    """Records to retry now, and records kept with the reason."""

    retry: tuple[BlockedExecution, ...] = ()
    keep: tuple[tuple[BlockedExecution, str], ...] = ()


def configurations(
    records: Iterable[BlockedExecution], load: Callable[[str], GateSettings]
) -> Configurations:
    """Load each distinct UserParameters once; `load` raises GateError when it is invalid."""
    found = Configurations()
    for record in records:
        for text in record.user_parameters:
            if text in found.key_of or text in found.invalid:
                continue
            try:
                settings = load(text)
            except GateError as err:
                found.invalid[text] = str(err)
                continue
            key = settings.query_key()
            found.key_of[text] = key
            found.settings.setdefault(key, settings)
    return found


Answer = Decision | GateError


def _why_not(answer: Answer) -> str | None:
    """None when the answer clears the stage, else why it does not."""
    if isinstance(answer, GateError):
        return f"health check failed: {answer}"
    if answer.verdict is Verdict.HEALTHY:
        return None
    if answer.verdict is Verdict.UNKNOWN:
        return f"health unknown: {answer.warning}"
    return "still blocked by " + ", ".join(event.arn for event in answer.blocking)


def _reason_to_keep(
    record: BlockedExecution, found: Configurations, answers: Mapping[QueryKey, Answer]
) -> str | None:
    for text in record.user_parameters:
        if text in found.invalid:
            return f"configuration invalid: {found.invalid[text]}"
        answer = answers.get(found.key_of[text])
        if answer is None:
            return "configuration not checked"
        reason = _why_not(answer)
        if reason:
            return reason
    return None


def plan_retries(
    records: Iterable[BlockedExecution],
    found: Configurations,
    answers: Mapping[QueryKey, Answer],
) -> RetryPlan:
    """Split the records by the answers their configurations received."""
    retry: list[BlockedExecution] = []
    keep: list[tuple[BlockedExecution, str]] = []
    for record in records:
        reason = _reason_to_keep(record, found, answers)
        if reason is None:
            retry.append(record)
        else:
            keep.append((record, reason))
    return RetryPlan(tuple(retry), tuple(keep))
