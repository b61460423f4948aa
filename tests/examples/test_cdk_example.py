"""examples/cdk: the app synthesizes (with the CDK from .tools/cdk, without the cdk CLI), its
template passes cfn-lint, and HealthGateStage adds the gate stage, its UserParameters (valid
for the gate) and the invoke permission on the gate's ARN."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.examples.conftest import EXAMPLES, Tools, validate_user_parameters

APP = EXAMPLES / "cdk" / "app.py"
STACK = "HealthGateCdkExample"
GATE_ARN = {"Ref": "HealthGateFunctionArn"}


@pytest.fixture(scope="module")
def synthesized(tools: Tools, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The app's template, synthesized once into a temporary cloud assembly."""
    outdir = tmp_path_factory.mktemp("cdk.out")
    env = {
        **os.environ,
        "CDK_OUTDIR": str(outdir),
        # jsii warns on every run that Node.js 20 is past its end of life; CI has Node.js 20.
        "JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION": "20",
    }
    run = subprocess.run(  # noqa: S603 (fixed argv: the CDK virtualenv's python, our app)
        [str(tools.cdk_python), str(APP)],
        cwd=APP.parent,
        env=env,
        capture_output=True,
        text=True,
        check=False,
        timeout=300,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    return outdir / f"{STACK}.template.json"


def resources(template: Path, kind: str) -> list[dict[str, Any]]:
    found: dict[str, Any] = json.loads(template.read_text(encoding="utf-8"))["Resources"]
    return [r for r in found.values() if r["Type"] == kind]


def test_the_synthesized_template_passes_cfn_lint(tools: Tools, synthesized: Path) -> None:
    # When cfn-lint checks the template the app synthesized
    lint = subprocess.run(  # noqa: S603 (fixed argv: the project's own tools)
        # W3005: CDK itself adds a DependsOn on the pipeline role that a GetAtt already implies.
        [str(tools.cfn_lint), "--ignore-checks", "W3005", "--", str(synthesized)],
        capture_output=True,
        text=True,
        check=False,
    )
    # Then it passes
    assert lint.returncode == 0, lint.stdout + lint.stderr


def test_the_gate_stage_comes_before_deploy_in_a_v2_pipeline(synthesized: Path) -> None:
    # Given the synthesized pipeline
    (pipeline,) = resources(synthesized, "AWS::CodePipeline::Pipeline")
    properties = pipeline["Properties"]
    # Then HealthGateStage was placed right before the existing deploy stage
    assert properties["PipelineType"] == "V2"
    assert [s["Name"] for s in properties["Stages"]] == ["Source", "HealthGate", "Deploy"]


def test_the_gate_action_invokes_the_function_from_the_arn_parameter(synthesized: Path) -> None:
    # Given the gate stage's action
    (pipeline,) = resources(synthesized, "AWS::CodePipeline::Pipeline")
    stages = {s["Name"]: s for s in pipeline["Properties"]["Stages"]}
    (action,) = stages["HealthGate"]["Actions"]
    configuration = action["Configuration"]
    # Then it invokes the function named in the ARN parameter, in the HealthGate namespace
    assert action["ActionTypeId"]["Provider"] == "Lambda"
    assert action["Namespace"] == "HealthGate"
    assert configuration["FunctionName"] == {"Fn::Select": [6, {"Fn::Split": [":", GATE_ARN]}]}
    # And its UserParameters pass the gate's own validation
    validate_user_parameters(configuration["UserParameters"])
    assert json.loads(configuration["UserParameters"])["regions"] == ["us-east-1", "global"]
    # And the deploy stage reads the gate's output variables
    (deploy,) = stages["Deploy"]["Actions"]
    overrides = json.loads(deploy["Configuration"]["ParameterOverrides"])
    assert overrides["GateStatus"] == "#{HealthGate.status}"


def test_the_pipeline_may_invoke_the_gate_function(synthesized: Path) -> None:
    # Given every IAM statement of the app
    statements = [
        statement
        for policy in resources(synthesized, "AWS::IAM::Policy")
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]
    ]
    # Then one allows invoking the gate (the function, and its versions and aliases)
    (invoke,) = [s for s in statements if s["Action"] == "lambda:InvokeFunction"]
    assert invoke["Effect"] == "Allow"
    assert GATE_ARN in invoke["Resource"]
    assert all(json.dumps(GATE_ARN) in json.dumps(r) for r in invoke["Resource"])
