"""What a drill changes on a pipeline, decided from the declaration alone."""

from __future__ import annotations

import copy
import json
from datetime import UTC, datetime
from typing import Any

import pytest

from health_gate.errors import UsageError
from health_gate.pipeline.drill_plan import plan_drill, source_pins

UNTIL = datetime(2026, 12, 3, 10, 0, tzinfo=UTC)
GATE = "health-gate-HealthGateFunction-AbC123"


def action(name: str, category: str, provider: str, **configuration: str) -> dict[str, Any]:
    return {
        "name": name,
        "actionTypeId": {
            "category": category,
            "owner": "AWS",
            "provider": provider,
            "version": "1",
        },
        "runOrder": 1,
        "configuration": configuration,
    }


def pipeline(
    *, shared: bool = False, params: str | None = '{"regions": ["us-east-1"]}'
) -> dict[str, Any]:
    gate = action("CheckAwsHealth", "Invoke", "Lambda", FunctionName=GATE)
    if params is not None:
        gate["configuration"]["UserParameters"] = params
    health = [gate] + ([action("Deploy", "Deploy", "CloudFormation")] if shared else [])
    return {
        "name": "web-app",
        "version": 4,
        "pipelineType": "V2",
        "stages": [
            {"name": "Source", "actions": [action("Source", "Source", "S3", S3Bucket="b")]},
            {"name": "HealthGate", "actions": health},
            {"name": "Deploy", "actions": [action("Deploy", "Deploy", "CloudFormation")]},
        ],
    }


def test_the_gate_gets_drill_until_and_the_next_stage_is_closed() -> None:
    declaration = pipeline()
    before = copy.deepcopy(declaration)
    plan = plan_drill(declaration, GATE, UNTIL)
    # Then only the gate's UserParameters change, and the original is kept to restore
    [gate] = plan.gate_actions
    assert json.loads(gate.after) == {
        "regions": ["us-east-1"],
        "drillUntil": "2026-12-03T10:00:00Z",
    }
    assert plan.closed_stage == "Deploy" and plan.gate_stage == "HealthGate"
    assert declaration == before == plan.original
    drilled = plan.drilled["stages"][1]["actions"][0]["configuration"]["UserParameters"]
    assert drilled == gate.after
    assert any("DisableStageTransition Deploy" in line for line in plan.changes())


@pytest.mark.parametrize(
    ("params", "expected"),
    [(None, {}), ("", {}), ("us-east-1, eu-west-1", {"regions": ["us-east-1", "eu-west-1"]})],
)
def test_every_form_of_user_parameters_takes_drill_until(
    params: str | None, expected: dict[str, Any]
) -> None:
    [gate] = plan_drill(pipeline(params=params), GATE, UNTIL).gate_actions
    assert json.loads(gate.after) == {**expected, "drillUntil": "2026-12-03T10:00:00Z"}


def test_a_gate_sharing_its_stage_is_refused_unless_deploy() -> None:
    with pytest.raises(UsageError, match="shares stage HealthGate with Deploy.*--deploy"):
        plan_drill(pipeline(shared=True), GATE, UNTIL)
    assert plan_drill(pipeline(shared=True), GATE, UNTIL, deploy=True).closed_stage is None


@pytest.mark.parametrize("function", ["someone-else", GATE + "-2"])
def test_a_pipeline_without_the_gate_is_refused(function: str) -> None:
    with pytest.raises(UsageError, match="invokes the gate function"):
        plan_drill(pipeline(), function, UNTIL)


@pytest.mark.parametrize(
    "configured",
    [
        f"arn:aws:lambda:us-east-1:123456789012:function:{GATE}",
        f"arn:aws:lambda:us-east-1:123456789012:function:{GATE}:live",
        f"{GATE}:live",
        f"123456789012:function:{GATE}",
    ],
)
def test_the_gate_is_found_however_the_action_names_it(configured: str) -> None:
    declaration = pipeline()
    declaration["stages"][1]["actions"][0]["configuration"]["FunctionName"] = configured
    assert plan_drill(declaration, GATE, UNTIL).gate_stage == "HealthGate"


def test_a_function_whose_name_only_starts_with_the_gates_is_not_the_gate() -> None:
    declaration = pipeline()
    arn = f"arn:aws:lambda:us-east-1:123456789012:function:{GATE}-2"
    declaration["stages"][1]["actions"][0]["configuration"]["FunctionName"] = arn
    with pytest.raises(UsageError, match="invokes the gate function"):
        plan_drill(declaration, GATE, UNTIL)


def test_the_run_is_pinned_to_the_last_released_revisions() -> None:
    [pin] = source_pins(pipeline(), [{"actionName": "Source", "revisionId": "v-3"}])
    assert pin.to_api() == {
        "actionName": "Source",
        "revisionType": "S3_OBJECT_VERSION_ID",
        "revisionValue": "v-3",
    }


def test_a_source_without_a_released_revision_is_refused() -> None:
    with pytest.raises(UsageError, match="no revision for Source"):
        source_pins(pipeline(), [])
