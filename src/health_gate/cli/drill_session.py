"""One drill's side effects and their undoing: edit the pipeline, close a transition, start a
pinned run, follow it, and put everything back, in that order and its reverse."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from health_gate.adapters.pipeline_editor import CodePipelineEditor, PipelineChanged
from health_gate.errors import GateError
from health_gate.pipeline.drill_checklist import (
    CHECKS,
    Checklist,
    Observation,
    RunView,
    StepName,
    start,
)
from health_gate.pipeline.drill_plan import DrillPlan
from health_gate.runtime.clock import Clock

__all__ = ["DrillSession", "Facts"]


@dataclass(frozen=True)
class Facts:
    """What the drill needs to know of the deployed stack."""

    function: str
    table: str
    dead_letter_queue: str | None


@dataclass
class DrillSession:
    editor: CodePipelineEditor
    clock: Clock
    facts: Facts
    say: Callable[[str], None]
    drilled_version: int | None = None
    unsure: bool = False  # our UpdatePipeline went through, but not alone
    closed: str | None = None
    execution_id: str | None = None
    broken: StepName | None = None
    _shown: set[StepName] = field(default_factory=set)

    def prepare(self, plan: DrillPlan) -> None:
        """Edit the declaration before the run starts (never while a stage awaits a retry)."""
        try:
            done = self.editor.update(plan.drilled)
        except PipelineChanged as err:
            self.unsure = err.written
            raise
        self.drilled_version = int(done.get("version", 0))
        self.say(
            f"Pipeline {plan.pipeline}: drillUntil {plan.drill_until:%H:%M:%S} UTC on "
            + ", ".join(f"{g.stage}/{g.action}" for g in plan.gate_actions)
        )
        if plan.closed_stage:
            self.editor.close_transition(plan.pipeline, plan.closed_stage)
            self.closed = plan.closed_stage
            self.say(f"Transition into {plan.closed_stage} closed: nothing ships")

    def start(self, plan: DrillPlan, pins: Sequence[dict[str, str]], token: str) -> str:
        execution_id = self.editor.start(plan.pipeline, pins, token)
        self.execution_id = execution_id
        pinned = ", ".join(f"{p['actionName']}={p['revisionValue']}" for p in pins)
        self.say(f"Execution {execution_id} started, pinned to {pinned}")
        return execution_id

    def follow(self, plan: DrillPlan, execution_id: str, poll_seconds: int) -> Checklist:
        """Observe until every step is ticked or one is overdue."""
        checklist = start(self.clock.now(), execution_id, plan.drill_until)
        while True:
            checklist = checklist.advance(self._observe(plan, execution_id))
            self._show(checklist)
            if checklist.done:
                return checklist
            late = checklist.overdue(self.clock.now())
            if late is not None:
                self._diagnose(checklist, late)
                return checklist
            self.clock.sleep(poll_seconds)

    def _observe(self, plan: DrillPlan, execution_id: str) -> Observation:
        from health_gate.runtime import drill_services
        from health_gate.runtime.retry_services import pipeline_control

        names = {g.action for g in plan.gate_actions}
        attempts = pipeline_control().action_attempts(plan.pipeline, execution_id)
        runs = [
            RunView(a.attempt_id, a.status, a.started, a.summary or a.error_message or "")
            for a in attempts
            if a.stage == plan.gate_stage and a.action in names
        ]
        runs.sort(key=lambda r: r.started.timestamp() if r.started else 0.0, reverse=True)
        record = drill_services.record(self.facts.table, plan.pipeline, plan.gate_stage)
        return Observation(self.clock.now(), tuple(runs), record)

    def _show(self, checklist: Checklist) -> None:
        for name, tick in checklist.ticks.items():
            if name in self._shown:
                continue
            self._shown.add(name)
            elapsed = int((tick.at - checklist.started).total_seconds())
            self.say(f"  ✔ {name.value:<25} +{elapsed // 60}:{elapsed % 60:02d}  {tick.proof}")

    def _diagnose(self, checklist: Checklist, late: StepName) -> None:
        from health_gate.runtime import drill_services

        self.broken = late
        due = checklist.due(late)
        self.say(f"  ✘ {late.value}: not by {due:%H:%M:%S} UTC. The broken link is here; check")
        for hint in CHECKS[late]:
            self.say(f"      - {hint}")
        queue = self.facts.dead_letter_queue
        waiting = drill_services.dead_letters(queue) if queue else None
        if waiting:
            self.say(f"      - RetrierDeadLetterQueue holds {waiting} message(s)")

    def clean_up(self, plan: DrillPlan, finished: bool, deploy: bool) -> bool:
        """Give the run up unless it finished, stop it unless it may deploy, open the
        transition, restore the declaration. True when restored."""

        if self.execution_id is not None and not finished:
            execution_id, now = self.execution_id, self.clock.now()
            self._quietly(lambda: self._give_up(plan, execution_id, now))
        if self.execution_id is not None and not (finished and deploy):
            execution_id = self.execution_id
            self._quietly(lambda: self._stop(plan, execution_id))
        if self.closed:
            self._quietly(lambda: self.editor.open_transition(plan.pipeline, str(self.closed)))
            self.say(f"Transition into {self.closed} open again")
        return self._restore(plan)

    def _give_up(self, plan: DrillPlan, execution_id: str, now: datetime) -> None:
        """First, so the retrier cannot retry the run once the gate would let it through."""
        from health_gate.runtime import drill_services

        facts = self.facts
        args = (facts.table, facts.function, plan.pipeline, plan.gate_stage, execution_id, now)
        if drill_services.give_up(*args):
            self.say(f"Retrier's record of {execution_id} closed: it will not be retried")

    def _stop(self, plan: DrillPlan, execution_id: str) -> None:
        if self.editor.stop(plan.pipeline, execution_id, "health-gate drill over"):
            self.say(f"Execution {execution_id} stopped")

    def _restore(self, plan: DrillPlan) -> bool:
        """Put the declaration back over the drill's own version only: the editor refuses
        (PipelineChanged) when someone else changed the pipeline meanwhile."""
        if self.drilled_version is None and not self.unsure:
            return True  # nothing was changed
        reason = "someone else updated it at the same moment as the drill." if self.unsure else ""
        if not reason:
            try:
                self.editor.update({**plan.original, "version": self.drilled_version})
            except GateError as err:
                reason = str(err)
        if reason:
            self.say(f"Pipeline {plan.pipeline} NOT restored: {reason} " + self._by_hand(plan))
            return False
        self.say(f"Pipeline {plan.pipeline} restored as it was")
        return True

    def _by_hand(self, plan: DrillPlan) -> str:
        """What to do when the drill's edit stays: drillUntil blocks every run until then."""
        remove = "Remove drillUntil from the gate actions' UserParameters by hand"
        if self.clock.now() >= plan.drill_until:
            return f"{remove} (it lies in the past, so it does nothing meanwhile)."
        return (
            f"{remove} NOW: until {plan.drill_until:%H:%M:%S} UTC the gate blocks every run "
            "of this pipeline."
        )

    def _quietly(self, work: Callable[[], None]) -> None:
        try:
            work()
        except GateError as err:
            self.say(f"Clean-up step failed: {err}")
