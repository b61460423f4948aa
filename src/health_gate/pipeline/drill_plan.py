"""What a drill changes on a pipeline, decided from its declaration alone (GetPipeline's
`pipeline`), before anything is touched.

A drill must not ship anything: it adds `drillUntil` to the gate actions' UserParameters, runs
an execution pinned to the source revisions of the latest successful one (never newer commits),
and closes the inbound transition of the stage after the gate's, so the run stops there.
StageNotRetryable (CodePipeline's API reference): editing a pipeline while a stage waits for a
retry can make that stage impossible to retry, so the declaration is edited before the drilled
execution starts and restored only after it has passed or been given up.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from health_gate.errors import UsageError
from health_gate.pipeline.function_names import names_function, split_function

__all__ = ["DrillPlan", "GateAction", "SourcePin", "plan_drill", "source_pins"]

# StartPipelineExecution's sourceRevisions revisionType by source action provider (V2 only).
REVISION_TYPES = {
    "S3": "S3_OBJECT_VERSION_ID",
    "CodeCommit": "COMMIT_ID",
    "CodeStarSourceConnection": "COMMIT_ID",
    "GitHub": "COMMIT_ID",
    "ECR": "IMAGE_DIGEST",
}


@dataclass(frozen=True)
class GateAction:
    """A Lambda invoke action of the gate: where it is, and its UserParameters then and now."""

    stage: str
    action: str
    before: str | None
    after: str


@dataclass(frozen=True)
class SourcePin:
    """One source action's revision, for StartPipelineExecution's sourceRevisions."""

    action: str
    revision_type: str
    revision: str

    def to_api(self) -> dict[str, str]:
        return {
            "actionName": self.action,
            "revisionType": self.revision_type,
            "revisionValue": self.revision,
        }


@dataclass(frozen=True)
class DrillPlan:
    """Everything the drill will do to the pipeline, and the declaration to restore."""

    pipeline: str
    original: Mapping[str, Any]  # GetPipeline's `pipeline`, as it was
    drilled: Mapping[str, Any]  # the same, with drillUntil on the gate actions
    gate_actions: tuple[GateAction, ...]
    gate_stage: str
    closed_stage: str | None  # the stage whose inbound transition is disabled; None: --deploy
    drill_until: datetime

    def changes(self) -> list[str]:
        """What a dry run prints."""
        lines = [f"UpdatePipeline {self.pipeline} (version {self.original.get('version')}):"]
        for gate in self.gate_actions:
            lines.append(f"  {gate.stage}/{gate.action} UserParameters: {gate.before or '(none)'}")
            lines.append(f"  {' ' * len(gate.stage + gate.action)}  becomes: {gate.after}")
        if self.closed_stage:
            lines.append(f"DisableStageTransition {self.closed_stage} (Inbound) for the drill")
        else:
            lines.append("No transition closed (--deploy): the drilled run may deploy")
        return lines


def _invokes(action: Mapping[str, Any], function: str) -> bool:
    kind = action.get("actionTypeId", {})
    if kind.get("category") != "Invoke" or kind.get("provider") != "Lambda":
        return False
    named = str(action.get("configuration", {}).get("FunctionName", ""))
    return names_function(named, *split_function(function))


def _with_drill(text: str | None, until: datetime) -> str:
    """The UserParameters with drillUntil added, in the JSON form (a legacy comma list of
    regions becomes {"regions": [...]})."""
    stamp = until.strftime("%Y-%m-%dT%H:%M:%SZ")
    raw = (text or "").strip()
    if not raw:
        params: dict[str, Any] = {}
    elif raw.startswith("{"):
        try:
            loaded = json.loads(raw)
        except ValueError:
            raise UsageError(
                f"The gate action's UserParameters are not valid JSON: {raw}"
            ) from None
        params = loaded if isinstance(loaded, dict) else {}
    else:
        params = {"regions": [part.strip() for part in raw.split(",") if part.strip()]}
    params["drillUntil"] = stamp
    return json.dumps(params)


def plan_drill(
    declaration: Mapping[str, Any],
    function: str,
    until: datetime,
    stage: str | None = None,
    deploy: bool = False,
) -> DrillPlan:
    """The drill for this pipeline, or a UsageError that says what is in the way."""
    name = str(declaration.get("name", ""))
    stages = declaration.get("stages") or []
    drilled = copy.deepcopy(dict(declaration))
    found: list[GateAction] = []
    for index, current in enumerate(drilled.get("stages") or []):
        if stage and current.get("name") != stage:
            continue
        for action in current.get("actions") or []:
            if _invokes(action, function):
                configuration = action.setdefault("configuration", {})
                before = configuration.get("UserParameters")
                configuration["UserParameters"] = _with_drill(before, until)
                found.append(
                    GateAction(
                        current["name"], action["name"], before, configuration["UserParameters"]
                    )
                )
        if found:
            return _finish(name, declaration, drilled, found, stages, index, until, deploy)
    where = f"stage {stage} of " if stage else ""
    raise UsageError(
        f"No action in {where}pipeline {name} invokes the gate function {function}. "
        "Name the gate's function with --function, or its stage with --stage."
    )


def _finish(
    name: str,
    declaration: Mapping[str, Any],
    drilled: dict[str, Any],
    found: list[GateAction],
    stages: Sequence[Mapping[str, Any]],
    index: int,
    until: datetime,
    deploy: bool,
) -> DrillPlan:
    gate_stage = found[0].stage
    gate_names = {g.action for g in found}
    others = [a["name"] for a in stages[index].get("actions") or [] if a["name"] not in gate_names]
    if others and not deploy:
        raise UsageError(
            f"The gate shares stage {gate_stage} with {', '.join(others)}: a drill could not "
            "stop the run before them. Move the gate to a stage of its own, or give --deploy "
            "to let the drilled run deploy (still with the last released revisions)."
        )
    following = stages[index + 1]["name"] if index + 1 < len(stages) else None
    return DrillPlan(
        pipeline=name,
        original=declaration,
        drilled=drilled,
        gate_actions=tuple(found),
        gate_stage=gate_stage,
        closed_stage=None if deploy else following,
        drill_until=until,
    )


def source_pins(
    declaration: Mapping[str, Any], revisions: Sequence[Mapping[str, Any]]
) -> tuple[SourcePin, ...]:
    """sourceRevisions for the latest successful execution's `sourceRevisions`: one pin per
    source action; UsageError when a source action's provider cannot be pinned."""
    providers = {
        action["name"]: action.get("actionTypeId", {}).get("provider", "")
        for stage in declaration.get("stages") or []
        for action in stage.get("actions") or []
        if action.get("actionTypeId", {}).get("category") == "Source"
    }
    pins = []
    for revision in revisions:
        action = str(revision.get("actionName", ""))
        if action not in providers:
            continue
        kind = REVISION_TYPES.get(providers[action])
        if kind is None or not revision.get("revisionId"):
            raise UsageError(
                f"Source action {action} ({providers[action]}) cannot be pinned to its last "
                "released revision, so a drill could run newer, unreleased changes: refused."
            )
        pins.append(SourcePin(action, kind, str(revision["revisionId"])))
    missing = sorted(set(providers) - {p.action for p in pins})
    if missing:
        raise UsageError(
            f"The latest successful execution names no revision for {', '.join(missing)}: "
            "a drill cannot pin it to what was last released."
        )
    return tuple(pins)
